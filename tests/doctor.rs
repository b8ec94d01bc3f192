//! `cockpit doctor` on a fresh home (passes) and on deliberately broken
//! setups (names each problem; fails only for what stops an incident).

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Command, Output};

struct Home {
    dir: tempfile::TempDir,
}

impl Home {
    fn new() -> Self {
        Self {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    /// `cockpit ARGS` in this home: XDG dirs inside it, nothing inherited.
    fn run(&self, args: &[&str]) -> Output {
        let h = self.dir.path();
        Command::new(env!("CARGO_BIN_EXE_cockpit"))
            .env("HOME", h)
            .env("XDG_CONFIG_HOME", h.join("config"))
            .env("XDG_DATA_HOME", h.join("data"))
            .env("COCKPIT_USER", "ann")
            .env("TZ", "UTC")
            .env_remove("COCKPIT_CONFIG")
            .env_remove("COCKPIT_JOURNAL")
            .env_remove("COCKPIT_PLAYBOOK")
            .env_remove("DBUS_SESSION_BUS_ADDRESS")
            .env_remove("XDG_RUNTIME_DIR")
            .args(args)
            .output()
            .unwrap()
    }

    fn config(&self, text: &str) {
        std::fs::create_dir_all(self.path("config/cockpit")).unwrap();
        std::fs::write(self.path("config/cockpit/config.toml"), text).unwrap();
    }
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn lines_with<'a>(text: &'a str, level: &str, area: &str) -> Vec<&'a str> {
    text.lines()
        .filter(|l| l.starts_with(level) && l[4..].trim_start().starts_with(area))
        .collect()
}

#[test]
fn a_fresh_home_passes_and_creates_nothing() {
    let h = Home::new();
    let out = h.run(&["doctor"]);
    let text = stdout(&out);
    assert!(
        out.status.success(),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for area in [
        "config",
        "playbooks",
        "keymap",
        "journal",
        "endpoint",
        "notify",
        "terminal",
        "time",
    ] {
        assert!(
            !lines_with(&text, "ok", area).is_empty()
                || !lines_with(&text, "info", area).is_empty(),
            "no {area} line in\n{text}"
        );
    }
    assert!(
        !text.contains("FAIL") && !text.contains("WARN  config"),
        "{text}"
    );
    assert!(text.contains("none yet at"), "{text}");
    assert!(
        !h.path("data/cockpit/journal.sqlite").exists(),
        "doctor created the journal"
    );
}

#[test]
fn a_journal_in_use_is_checked_through_sqlite() {
    let h = Home::new();
    let out = h.run(&["declare", "Checkout down", "--severity", "SEV1"]);
    assert!(out.status.success());
    let out = h.run(&["doctor"]);
    let text = stdout(&out);
    assert!(out.status.success(), "{text}");
    let journal = lines_with(&text, "ok", "journal");
    assert_eq!(journal.len(), 1, "{text}");
    assert!(
        journal[0].contains("schema v")
            && journal[0].contains("1 incident(s)")
            && journal[0].contains("integrity ok"),
        "{}",
        journal[0]
    );
    let json = h.run(&["doctor", "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert!(
        v.as_array()
            .unwrap()
            .iter()
            .any(|c| c["area"] == "journal" && c["level"] == "ok")
    );
}

#[test]
fn a_bad_config_fails_with_its_file_and_line() {
    let h = Home::new();
    h.config("author = \"ann\"\ntimezone = [\n");
    let out = h.run(&["doctor"]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    let fail = lines_with(&text, "FAIL", "config");
    assert_eq!(fail.len(), 1, "{text}");
    assert!(
        fail[0].contains("config/cockpit/config.toml:"),
        "{}",
        fail[0]
    );
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("config"),
        "stderr names the failing area"
    );
}

#[test]
fn another_programs_database_as_journal_fails() {
    let h = Home::new();
    let db = h.path("other.sqlite");
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute_batch("CREATE TABLE accounts (id INTEGER PRIMARY KEY, name TEXT);")
        .unwrap();
    drop(conn);
    let before = std::fs::read(&db).unwrap();
    let out = h.run(&["--journal", db.to_str().unwrap(), "doctor"]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    let fail = lines_with(&text, "FAIL", "journal");
    assert!(
        fail.len() == 1 && fail[0].contains("another program"),
        "{text}"
    );
    assert_eq!(
        std::fs::read(&db).unwrap(),
        before,
        "the foreign file was changed"
    );
}

/// One HTTP exchange on loopback: the request line it got, and a fixed answer.
fn one_answer(status: &str, body: &'static str) -> (u16, std::thread::JoinHandle<String>) {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    let status = status.to_string();
    let t = std::thread::spawn(move || {
        let (s, _) = l.accept().unwrap();
        let mut r = BufReader::new(s.try_clone().unwrap());
        let mut first = String::new();
        r.read_line(&mut first).unwrap();
        loop {
            let mut h = String::new();
            if r.read_line(&mut h).unwrap() == 0 || h == "\r\n" {
                break;
            }
        }
        let mut s = s;
        write!(s, "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}", body.len()).unwrap();
        first.trim().to_string()
    });
    (port, t)
}

fn closed_port() -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

#[test]
fn open_secrets_and_unreachable_endpoints_are_named_but_incidents_can_run() {
    use std::os::unix::fs::PermissionsExt;
    let h = Home::new();
    let key = h.path("hook.key");
    std::fs::write(&key, "s3cret-value\n").unwrap();
    std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o644)).unwrap();
    let (live, server) = one_answer("200 OK", "[]");
    let dead = closed_port();
    h.config(&format!(
        r#"
[[endpoint]]
name = "hook"
kind = "webhook"
url = "http://127.0.0.1:{dead}/in"
secret = "file:{}"

[[endpoint]]
name = "am-down"
kind = "alertmanager"
url = "http://127.0.0.1:{dead}"

[[endpoint]]
name = "am"
kind = "alertmanager"
url = "http://127.0.0.1:{live}"
"#,
        key.display()
    ));
    let out = h.run(&["doctor"]);
    let text = stdout(&out);
    assert!(out.status.success(), "warnings only, yet: {text}");
    let secret = lines_with(&text, "WARN", "secret");
    assert!(
        secret.len() == 1 && secret[0].contains("hook") && secret[0].contains("chmod 600"),
        "{text}"
    );
    assert!(
        !text.contains("s3cret-value"),
        "a secret reached the screen"
    );
    let down = lines_with(&text, "WARN", "endpoint");
    assert!(
        down.len() == 1 && down[0].contains("am-down") && down[0].contains("cannot connect"),
        "{text}"
    );
    let up = lines_with(&text, "ok", "endpoint");
    assert!(
        up.len() == 1
            && up[0].contains("`am`")
            && up[0].contains("HTTP 200")
            && up[0].contains(" ms"),
        "{text}"
    );
    assert_eq!(server.join().unwrap(), "GET /api/v2/silences HTTP/1.1");
}

#[test]
fn a_missing_playbook_for_new_incidents_fails() {
    let h = Home::new();
    let out = h.run(&["--playbook", "nonesuch", "doctor"]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        lines_with(&text, "FAIL", "playbooks")[0].contains("nonesuch"),
        "{text}"
    );
}
