//! `cockpit room link` (issue 15), through the real binary: the binding is an
//! event, and from then on each event of the incident (never a private note)
//! is one `seat_event` outbox row for the matrix endpoint, naming the room.

use assert_cmd::Command;

struct Env {
    dir: tempfile::TempDir,
}

impl Env {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        // Nothing is delivered in this test (no `sync run`): the URL is never used.
        std::fs::write(
            dir.path().join("config.toml"),
            r#"
[[endpoint]]
name = "mx"
kind = "matrix"
url = "http://127.0.0.1:9"
token = "env:SEATS_CLI_TEST_TOKEN"
room = "!chat:localhost"
"#,
        )
        .unwrap();
        Self { dir }
    }

    fn cmd(&self) -> Command {
        let mut c = Command::cargo_bin("cockpit").unwrap();
        c.env("COCKPIT_JOURNAL", self.dir.path().join("j.sqlite"))
            .env("COCKPIT_CONFIG", self.dir.path().join("config.toml"))
            .env("COCKPIT_USER", "ann")
            .env("SEATS_CLI_TEST_TOKEN", "syt_x")
            .env_remove("COCKPIT_PLAYBOOK");
        c
    }

    fn run(&self, args: &[&str]) -> (bool, String) {
        let out = self.cmd().args(args).output().unwrap();
        let text = String::from_utf8_lossy(&out.stdout).to_string()
            + &String::from_utf8_lossy(&out.stderr);
        (out.status.success(), text)
    }

    /// (what, payload) of the outbox rows, oldest first.
    fn rows(&self) -> Vec<(String, String)> {
        let c = rusqlite::Connection::open(self.dir.path().join("j.sqlite")).unwrap();
        let mut s = c
            .prepare("SELECT what, payload FROM outbox ORDER BY id")
            .unwrap();
        s.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    }
}

#[test]
fn linking_a_room_sends_every_later_event_there_but_private_notes() {
    let env = Env::new();
    assert!(env.run(&["declare", "db down", "--severity", "SEV2"]).0);
    let before = env.rows();
    assert!(before.iter().all(|(w, _)| w != "seat event"), "{before:?}");

    let (ok, text) = env.run(&["room", "link", "not a room"]);
    assert!(!ok);
    assert!(text.contains("not a Matrix room id"), "{text}");

    let (ok, text) = env.run(&["room", "link", "!seats:localhost"]);
    assert!(ok, "{text}");
    assert!(text.contains("bound to !seats:localhost"), "{text}");
    let (ok, text) = env.run(&["room", "link", "!seats:localhost"]);
    assert!(ok && text.contains("already bound"), "{text}");

    assert!(env.run(&["note", "replica lag 40 s"]).0);
    assert!(env.run(&["note", "my hunch", "--private"]).0);
    let seat: Vec<_> = env
        .rows()
        .into_iter()
        .skip(before.len())
        .filter(|(w, _)| w == "seat event")
        .collect();
    // The link itself and the public note; not the private one.
    assert_eq!(seat.len(), 2, "{seat:?}");
    for (_, payload) in &seat {
        let v: serde_json::Value = serde_json::from_str(payload).unwrap();
        assert_eq!(v["room"], "!seats:localhost");
        assert!(v["event"]["origin"].as_str().is_some_and(|o| o.len() == 32));
    }
    assert!(seat[1].1.contains("replica lag 40 s"));
    assert!(env.rows().iter().all(|(_, p)| !p.contains("my hunch")));
}
