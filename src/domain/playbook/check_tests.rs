//! The checker's refusals name their line and key.

use super::*;

const DEFAULT: &str = include_str!("../../../assets/playbooks/default.toml");
const SRE: &str = include_str!("../../../assets/playbooks/sre-major.toml");

/// Replace the one line equal to `old` (trimmed) and return the text and its line.
fn break_line(text: &str, nth: usize, old: &str, new: &str) -> (String, usize) {
    let mut seen = 0;
    let mut at = None;
    let lines: Vec<String> = text
        .lines()
        .enumerate()
        .map(|(i, l)| {
            if l.trim() == old {
                seen += 1;
                if seen == nth {
                    at = Some(i + 1);
                    return new.to_string();
                }
            }
            l.to_string()
        })
        .collect();
    (
        lines.join("\n"),
        at.unwrap_or_else(|| panic!("no line {old}")),
    )
}

fn refused(text: &str) -> PlaybookError {
    Playbook::parse("broken.toml", text).expect_err("should be refused")
}

#[test]
fn an_unknown_step_action_names_its_line_and_key() {
    let (text, line) = break_line(
        DEFAULT,
        1,
        r#"action = "set_topic""#,
        r#"action = "set_topik""#,
    );
    let e = refused(&text);
    assert_eq!(e.line, Some(line), "{e}");
    assert_eq!(e.key, "action");
    assert!(e.message.contains("set_topik"), "{e}");
    assert!(
        e.to_string()
            .starts_with(&format!("broken.toml:{line}: action:")),
        "{e}"
    );
}

#[test]
fn an_unknown_key_in_a_step_names_its_line() {
    let (text, line) = break_line(
        DEFAULT,
        1,
        r#"key = "bridge_shut""#,
        "key = \"bridge_shut\"\ncolour = \"red\"",
    );
    let e = refused(&text);
    assert_eq!(e.line, Some(line + 1), "{e}");
    assert_eq!(e.key, "colour");
}

#[test]
fn a_step_naming_a_missing_role_points_at_the_step() {
    let (text, line) = break_line(DEFAULT, 1, r#"role = "scribe""#, r#"role = "scrib""#);
    let e = refused(&text);
    assert_eq!(e.key, "checklist[0].step[4].role", "{e}");
    assert_eq!(e.line, Some(line), "{e}");
    assert_eq!(e.message, "no role `scrib`");
}

#[test]
fn a_step_key_twice_in_one_checklist_points_at_the_second() {
    let (text, line) = break_line(
        DEFAULT,
        1,
        r#"key = "topic_reset""#,
        r#"key = "bridge_shut""#,
    );
    let e = refused(&text);
    assert_eq!(e.key, "checklist[3].step[2].key", "{e}");
    assert_eq!(e.line, Some(line), "{e}");
}

#[test]
fn set_link_without_a_link_kind_points_at_the_action() {
    let (text, _) = break_line(DEFAULT, 1, r#"link = "bridge""#, "");
    let e = refused(&text);
    assert_eq!(e.key, "checklist[0].step[0].action", "{e}");
    let line = text
        .lines()
        .position(|l| l.trim() == r#"action = "set_link""#)
        .unwrap()
        + 1;
    assert_eq!(e.line, Some(line), "{e}");
}

#[test]
fn role_references_are_checked() {
    let (text, line) = break_line(
        DEFAULT,
        1,
        r#"folds_into = "scribe""#,
        r#"folds_into = "scribes""#,
    );
    let e = refused(&text);
    assert_eq!(
        (e.key.as_str(), e.line),
        ("role[4].folds_into", Some(line)),
        "{e}"
    );

    let text = format!("{DEFAULT}\n[ownership]\ncascade = [\"ic\",\n  \"nobody\"]\n");
    let e = refused(&text);
    assert_eq!(e.key, "ownership.cascade[1]", "{e}");
    assert_eq!(e.line, Some(text.lines().count()), "{e}");

    let text = format!("{DEFAULT}\n[ownership]\ncascade = [\"investigator\"]\n");
    let e = refused(&text);
    assert!(e.message.contains("single = true"), "{e}");
}

#[test]
fn an_owner_role_must_be_single_004() {
    // The second `single = true` is the Incident Owner's (the IC's is first).
    let (text, _) = break_line(SRE, 2, "single = true", "single = false");
    let e = refused(&text);
    assert_eq!(e.key, "role[1].owns", "{e}");
    assert!(e.message.contains("needs `single = true`"), "{e}");
    let owns = text.lines().position(|l| l == "owns = true").unwrap() + 1;
    assert_eq!(e.line, Some(owns), "{e}");
    let text = SRE.replacen(
        "key = \"investigator\"",
        "key = \"investigator\"\nowns = true",
        1,
    );
    let e = refused(&text);
    assert!(e.message.contains("only one role may own"), "{e}");
    assert_eq!(e.key, "role[3].owns");
    let line = text.lines().position(|l| l == "owns = true").unwrap();
    let second = text
        .lines()
        .skip(line + 1)
        .position(|l| l == "owns = true")
        .unwrap()
        + line
        + 2;
    assert_eq!(e.line, Some(second), "{e}");
}

#[test]
fn a_state_setting_an_unknown_service_status_is_refused() {
    let (text, line) = break_line(
        DEFAULT,
        1,
        r#"service_status = "operational""#,
        r#"service_status = "fine""#,
    );
    let e = refused(&text);
    assert_eq!(
        (e.key.as_str(), e.line),
        ("state[3].service_status", Some(line)),
        "{e}"
    );
}

#[test]
fn clocks_can_be_turned_off_but_not_misspelt() {
    let (text, _) = break_line(
        DEFAULT,
        1,
        r#"checkin_min = "15m"        # 001: never more often than every 15 minutes"#,
        r#"checkin_min = "off""#,
    );
    let pb = Playbook::parse("ok.toml", &text).unwrap();
    assert_eq!(pb.clocks.checkin_min, None);
    let (text, line) = break_line(
        DEFAULT,
        1,
        r#"resolved_watch = "15m"     # 001: wait 15 more minutes before disbanding"#,
        r#"resolved_watch = "of""#,
    );
    let e = refused(&text);
    assert_eq!(
        (e.key.as_str(), e.line),
        ("resolved_watch", Some(line)),
        "{e}"
    );
}

#[test]
fn line_of_walks_tables_and_arrays() {
    let text = "a = 1\n[[c]]\nk = 1\n[[c.s]]\nx = 1\n[[c.s]]\nx = 2\ny = 3\n";
    let p = |v: Vec<Seg>| line_of(text, &v);
    assert_eq!(
        p(vec![k("c"), Seg::Index(0), k("s"), Seg::Index(1), k("y")]),
        Some(8)
    );
    assert_eq!(
        p(vec![k("c"), Seg::Index(0), k("s"), Seg::Index(1), k("z")]),
        Some(6)
    );
    assert_eq!(p(vec![k("a")]), Some(1));
    assert_eq!(p(vec![k("nope")]), None);
}
