//! Nothing injected through the command line (issue 10, defect 2).
//!
//! An author (`--as`, `$COCKPIT_USER`, the config's `author`) holding OSC 52
//! (clipboard), OSC 0 (window title) or CSI 2J (clear screen) was stored and
//! printed raw by `timeline`, `show` and `export`; events another program
//! wrote into the journal were printed raw by `timeline`; Markdown export
//! passed raw HTML through to the wikis that render it. Every byte the CLI
//! prints, whatever wrote the journal, is checked here.

use std::path::{Path, PathBuf};
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_cockpit");

/// OSC 52 sets the clipboard, OSC 0 the window title, CSI 2J clears the
/// screen, C1 CSI (U+009B) does the same in one character, U+202E reverses
/// what follows, U+2028 breaks lines in some terminals only.
const HOSTILE: &str =
    "eve\u{1b}]52;c;ZXZpbA==\u{7}\u{1b}]0;pwned\u{1b}\\\u{1b}[2J\u{9b}31m\u{202e}evil\u{2028}x";

struct Desk {
    home: tempfile::TempDir,
    journal: PathBuf,
}

impl Desk {
    fn new() -> Self {
        let home = tempfile::tempdir().unwrap();
        let journal = home.path().join("journal.sqlite");
        Self { home, journal }
    }

    fn cmd(&self, author: Option<&str>) -> Command {
        let mut c = Command::new(BIN);
        let h = self.home.path();
        c.env("HOME", h)
            .env("XDG_CONFIG_HOME", h.join("config"))
            .env("XDG_DATA_HOME", h.join("data"))
            .env("COCKPIT_JOURNAL", &self.journal)
            .env_remove("COCKPIT_USER")
            .env_remove("COCKPIT_CONFIG");
        if let Some(a) = author {
            c.env("COCKPIT_USER", a);
        }
        c
    }

    /// Run and return everything printed, stdout and stderr; it must succeed.
    fn run(&self, author: Option<&str>, args: &[&str]) -> Vec<u8> {
        let out = self.cmd(author).args(args).output().unwrap();
        assert!(
            out.status.success(),
            "cockpit {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let mut all = out.stdout;
        all.extend_from_slice(&out.stderr);
        all
    }
}

/// What must never reach a terminal: C0 controls but newline and tab, DEL,
/// C1 controls, bidi overrides and the separators.
fn assert_terminal_safe(what: &str, bytes: &[u8]) {
    let text = String::from_utf8_lossy(bytes);
    for (i, c) in text.chars().enumerate() {
        let bad = (c.is_control() && c != '\n' && c != '\t')
            || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{2028}' | '\u{2029}');
        assert!(
            !bad,
            "{what}: U+{:04X} at char {i} reaches the terminal:\n{text:?}",
            c as u32
        );
    }
}

fn incident_of(declared: &[u8]) -> String {
    String::from_utf8_lossy(declared).trim().to_string()
}

#[test]
fn a_hostile_author_is_clean_in_every_output() {
    let d = Desk::new();
    // From --as, from $COCKPIT_USER and from the config.
    let declared = d.run(
        None,
        &["--as", HOSTILE, "declare", "db down", "--severity", "SEV1"],
    );
    assert_terminal_safe("declare", &declared);
    let id = incident_of(&declared);
    assert_terminal_safe(
        "note by $COCKPIT_USER",
        &d.run(Some(HOSTILE), &["note", "from the environment"]),
    );
    let config = d.home.path().join("config/cockpit");
    std::fs::create_dir_all(&config).unwrap();
    std::fs::write(
        config.join("config.toml"),
        format!("author = {}\n", toml_string(HOSTILE)),
    )
    .unwrap();
    assert_terminal_safe(
        "note by the config's author",
        &d.run(None, &["note", "from the config"]),
    );
    for args in [
        vec!["timeline"],
        vec!["show"],
        vec!["list"],
        vec!["--json", "timeline"],
        vec!["--json", "show"],
        vec!["export", "--format", "md"],
        vec!["export", "--format", "html"],
        vec!["export", "--format", "json"],
    ] {
        let mut with_id = vec!["--incident", id.as_str()];
        with_id.extend(args.iter());
        let out = d.run(None, &with_id);
        assert_terminal_safe(&format!("{args:?}"), &out);
        if args == ["timeline"] {
            // The author is still recognisable, only harmless.
            assert!(String::from_utf8_lossy(&out).contains("eve"), "{out:?}");
        }
    }
}

/// A TOML basic string holding any text.
fn toml_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Another program writes events straight into the journal (the schema has
/// no say over what the text holds): the CLI prints them harmlessly.
fn insert_raw(journal: &Path, incident: &str, author: &str, kind: &str, body: &str) {
    let script = "import sqlite3, sys, uuid\n\
                  c = sqlite3.connect(sys.argv[1])\n\
                  full = c.execute('SELECT id FROM incidents WHERE id LIKE ?', (sys.argv[2] + '%',)).fetchone()[0]\n\
                  c.execute('INSERT INTO events (id, incident, at, recorded_at, author, kind, body) VALUES (?, ?, ?, ?, ?, ?, ?)',\n\
                  (str(uuid.uuid4()), full, '2026-11-21T10:05:00.000000Z', '2026-11-21T10:05:00.000000Z', sys.argv[3], sys.argv[4], sys.argv[5]))\n\
                  c.commit()\n\
                  c.close()";
    let out = Command::new("python3")
        .args(["-c", script])
        .arg(journal)
        .args([incident, author, kind, body])
        .output()
        .expect("python3");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn events_written_by_another_program_are_printed_harmlessly() {
    if Command::new("python3").arg("--version").output().is_err() {
        println!("skipped: python3 is not installed");
        return;
    }
    let d = Desk::new();
    let id = incident_of(&d.run(
        Some("ann"),
        &[
            "--at",
            "2026-11-21T10:00:00Z",
            "declare",
            "db down",
            "--severity",
            "SEV1",
        ],
    ));
    let body = serde_json::json!({ "text": HOSTILE, "tag": null, "private": false }).to_string();
    insert_raw(&d.journal, &id, HOSTILE, "note", &body);
    insert_raw(&d.journal, &id, HOSTILE, "no_such_kind", &body);
    for args in [
        vec!["timeline"],
        vec!["show"],
        vec!["--json", "timeline"],
        vec!["export", "--format", "md"],
    ] {
        let mut with_id = vec!["--incident", id.as_str()];
        with_id.extend(args.iter());
        assert_terminal_safe(&format!("{args:?}"), &d.run(Some("ann"), &with_id));
    }
}

#[test]
fn markdown_export_neutralises_raw_html() {
    let d = Desk::new();
    let id = incident_of(&d.run(
        Some("ann"),
        &["declare", "<script>alert(1)</script>", "--severity", "SEV1"],
    ));
    d.run(
        Some("ann"),
        &[
            "note",
            "--tag",
            "decision",
            "<img src=x onerror=alert(2)> and <script>alert(3)</script>",
        ],
    );
    let md = String::from_utf8(d.run(
        Some("ann"),
        &["--incident", &id, "export", "--format", "md"],
    ))
    .unwrap();
    assert!(!md.contains("<script"), "{md}");
    assert!(!md.contains("<img"), "{md}");
    assert!(
        md.contains("&lt;script&gt;"),
        "the text is kept, as text:\n{md}"
    );
}
