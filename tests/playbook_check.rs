//! `cockpit playbook check FILE`: every shipped playbook passes; a broken one
//! fails naming the file, the line and the key of the mistake.

mod common;

use common::Cockpit;
use std::path::Path;

const SHIPPED: &[&str] = &["default", "qpp", "ics", "dxw", "eoc-imoc-cmoc", "sre-major"];

fn shipped(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("assets/playbooks/{name}.toml"));
    std::fs::read_to_string(path).expect("shipped playbook")
}

#[test]
fn every_shipped_playbook_passes_the_check() {
    let c = Cockpit::new("default");
    for name in SHIPPED {
        let path =
            Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("assets/playbooks/{name}.toml"));
        let out = c.ok("me", &["playbook", "check", path.to_str().unwrap()]);
        assert!(out.contains(&format!("ok (playbook `{name}`")), "{out}");
    }
    let list = c.ok("me", &["playbook", "list"]);
    for name in SHIPPED {
        assert!(
            list.lines().any(|l| l.starts_with(name)),
            "{name} in {list}"
        );
    }
}

/// Write `text` as broken.toml; run the check; return (stderr, path).
fn check_broken(c: &Cockpit, dir: &Path, text: &str) -> (String, String) {
    let path = dir.join("broken.toml");
    std::fs::write(&path, text).unwrap();
    let err = c.refused("me", &["playbook", "check", path.to_str().unwrap()]);
    (err, path.display().to_string())
}

fn line_of(text: &str, needle: &str, nth: usize) -> usize {
    text.lines()
        .enumerate()
        .filter(|(_, l)| l.trim() == needle)
        .nth(nth)
        .unwrap_or_else(|| panic!("no `{needle}`"))
        .0
        + 1
}

#[test]
fn broken_playbooks_fail_with_file_line_and_key() {
    let c = Cockpit::new("default");
    let dir = tempfile::tempdir().unwrap();

    // A misspelt step action (a TOML value the parser refuses).
    let text = shipped("qpp").replacen(r#"action = "reset_topic""#, r#"action = "reset_topc""#, 1);
    let (err, path) = check_broken(&c, dir.path(), &text);
    let line = line_of(&text, r#"action = "reset_topc""#, 0);
    assert!(
        err.starts_with(&format!("cockpit: {path}:{line}: action:")),
        "{err}"
    );

    // A checklist step naming a role the playbook does not have.
    let text =
        shipped("sre-major").replacen("\nrole = \"incident_owner\"", "\nrole = \"owner\"", 1);
    let (err, path) = check_broken(&c, dir.path(), &text);
    let line = line_of(&text, r#"role = "owner""#, 0);
    assert!(
        err.contains(&format!(
            "{path}:{line}: checklist[1].step[5].role: no role `owner`"
        )),
        "{err}"
    );

    // The ownership cascade naming a role that is not single.
    let text = shipped("eoc-imoc-cmoc").replacen(
        r#"cascade = ["eoc", "imoc", "cmoc"]"#,
        r#"cascade = ["eoc", "imoc", "engineer"]"#,
        1,
    );
    let (err, path) = check_broken(&c, dir.path(), &text);
    let line = line_of(&text, r#"cascade = ["eoc", "imoc", "engineer"]"#, 0);
    assert!(
        err.contains(&format!(
            "{path}:{line}: ownership.cascade[2]: `engineer` is in the ownership cascade"
        )),
        "{err}"
    );

    // A state going nowhere.
    let text = shipped("ics").replacen(
        r#"next = ["identified", "monitoring", "resolved"]"#,
        r#"next = ["identified", "mitigated"]"#,
        1,
    );
    let (err, path) = check_broken(&c, dir.path(), &text);
    let line = line_of(&text, r#"next = ["identified", "mitigated"]"#, 0);
    assert!(
        err.contains(&format!(
            "{path}:{line}: state[0].next: no state `mitigated`"
        )),
        "{err}"
    );

    // A step only for a severity the playbook does not have.
    let text = shipped("dxw").replacen(
        r#"severities = ["critical"]"#,
        r#"severities = ["SEV1"]"#,
        1,
    );
    let (err, path) = check_broken(&c, dir.path(), &text);
    let line = line_of(&text, r#"severities = ["SEV1"]"#, 0);
    assert!(
        err.contains(&format!(
            "{path}:{line}: checklist[0].step[7].severities: no severity `SEV1`"
        )),
        "{err}"
    );

    // A clock that is not a duration.
    let text = shipped("default").replacen(
        r#"handoff_disengage = "30m""#,
        r#"handoff_disengage = "half an hour""#,
        1,
    );
    let (err, path) = check_broken(&c, dir.path(), &text);
    let line = text
        .lines()
        .position(|l| l.starts_with("handoff_disengage"))
        .unwrap()
        + 1;
    assert!(
        err.contains(&format!("{path}:{line}: handoff_disengage:")),
        "{err}"
    );
    assert!(err.contains("not a duration"), "{err}");
}
