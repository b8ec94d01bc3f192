//! `cockpit search` end to end (issue 12 item 7): hits across incidents,
//! best first; private notes found and marked; queries with FTS5 syntax
//! characters searched as text, and a bad `--raw` query told clearly; a
//! journal written before the search index (schema v4) gets indexed.

use assert_cmd::Command;
use rusqlite::Connection;
use serde_json::Value;
use std::path::PathBuf;

use cockpit::journal::{APPLICATION_ID, MIGRATIONS};

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

    fn cmd(&self, args: &[&str]) -> std::process::Output {
        let h = self.home.path();
        Command::new(env!("CARGO_BIN_EXE_cockpit"))
            .env("HOME", h)
            .env("XDG_CONFIG_HOME", h.join("config"))
            .env("XDG_DATA_HOME", h.join("data"))
            .env("COCKPIT_CONFIG", h.join("config.toml"))
            .env_remove("COCKPIT_PLAYBOOK")
            .env("COCKPIT_JOURNAL", &self.journal)
            .env("COCKPIT_USER", "ann")
            .args(args)
            .output()
            .unwrap()
    }

    #[track_caller]
    fn ok(&self, args: &[&str]) -> String {
        let out = self.cmd(args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{args:?} failed: {stderr}");
        assert_eq!(stderr, "", "{args:?} wrote to stderr");
        String::from_utf8(out.stdout).unwrap()
    }

    /// Run; it must fail with exit code 2 and one line on stderr.
    #[track_caller]
    fn usage_error(&self, args: &[&str]) -> String {
        let out = self.cmd(args);
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert_eq!(out.stdout, b"");
        assert_eq!(stderr.lines().count(), 1, "{stderr:?}");
        stderr
    }

    fn declare(&self, title: &str) -> String {
        self.ok(&["declare", title, "--severity", "SEV2"])
            .trim()
            .to_string()
    }

    fn note(&self, incident: &str, args: &[&str]) {
        let mut all = vec!["--incident", incident, "note"];
        all.extend_from_slice(args);
        self.ok(&all);
    }

    fn search_json(&self, args: &[&str]) -> Vec<Value> {
        let mut all = vec!["search", "--json"];
        all.extend_from_slice(args);
        self.ok(&all)
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }
}

#[test]
fn hits_across_incidents_best_first_with_private_marked() {
    let d = Desk::new();
    let db = d.declare("database failover");
    let web = d.declare("web latency");
    d.note(&db, &["replica lag on db-02, failover to replica started"]);
    d.note(&db, &["customers see errors"]);
    d.note(&web, &["cdn purge done; nothing to do with the replica"]);
    d.note(
        &web,
        &[
            "--private",
            "I think the replica replica replica is the cause",
        ],
    );

    let hits = d.search_json(&["replica"]);
    assert_eq!(hits.len(), 3, "{hits:?}");
    // bm25: the note saying it three times in few words ranks first.
    assert_eq!(hits[0]["short"], web.as_str());
    assert_eq!(hits[0]["private"], true);
    assert_eq!(hits[0]["author"], "ann");
    assert_eq!(hits[0]["title"], "web latency");
    let ranks: Vec<f64> = hits.iter().map(|h| h["rank"].as_f64().unwrap()).collect();
    assert!(ranks.windows(2).all(|w| w[0] <= w[1]), "{ranks:?}");
    assert!(hits[1..].iter().all(|h| h["private"] == false));
    let db_hit = hits.iter().find(|h| h["short"] == db.as_str()).unwrap();
    assert_eq!(db_hit["title"], "database failover");
    assert_eq!(db_hit["kind"], "note");
    assert_eq!(db_hit["matches"][0], "replica");

    // Titles are searched, and a later title is the one shown. Stemming:
    // "failovers" finds "failover".
    d.ok(&["--incident", &db, "title", "db primary lost"]);
    let hits = d.search_json(&["failovers"]);
    assert!(hits.iter().all(|h| h["short"] == db.as_str()), "{hits:?}");
    assert!(hits.iter().any(|h| h["kind"] == "declared"), "{hits:?}");
    assert!(hits.iter().all(|h| h["title"] == "db primary lost"));

    // Every word must occur; --limit caps.
    assert_eq!(d.search_json(&["replica", "customers"]).len(), 0);
    assert_eq!(d.search_json(&["replica", "--limit", "1"]).len(), 1);

    // The text form: incident, title, time, author, private mark, snippet.
    let text = d.ok(&["search", "replica", "cause"]);
    let mut lines = text.lines();
    let head = lines.next().unwrap();
    assert!(head.starts_with(&format!("{web}  web latency  ")), "{text}");
    assert!(head.ends_with("ann  (private)"), "{text}");
    assert_eq!(
        lines.next().unwrap(),
        "    I think the [replica] [replica] [replica] is the [cause]"
    );
    assert_eq!(d.ok(&["search", "nowhere"]), "nothing matches `nowhere`\n");
}

#[test]
fn hostile_queries_are_text_or_a_clear_error() {
    let d = Desk::new();
    let id = d.declare("api errors");
    d.note(&id, &["host:db-01 said \"NOT\" OR (maybe) -x 502*"]);
    d.note(&id, &["an escape \u{1b}]52;c;aGk=\u{7} hidden in a note"]);

    // FTS5 operators and column filters are plain words by default.
    for q in ["host:db-01", "\"NOT\" OR", "(maybe)", "-x", "502*", "NEAR("] {
        let hits = d.search_json(&["--", q]);
        let want = usize::from(q != "NEAR(");
        assert_eq!(hits.len(), want, "{q}: {hits:?}");
    }
    // Nothing searchable: a usage error, not a panic or an SQL message.
    let err = d.usage_error(&["search", "\"--\""]);
    assert!(err.contains("nothing to search for"), "{err}");
    // --raw passes FTS5 syntax; a syntax error says what was wrong.
    assert_eq!(d.search_json(&["--raw", "host OR nothing"]).len(), 1);
    assert_eq!(d.search_json(&["--raw", "50*"]).len(), 1);
    let err = d.usage_error(&["search", "--raw", "\"unbalanced"]);
    assert!(err.contains("cannot search for `\"unbalanced`"), "{err}");
    assert!(err.contains("unterminated string"), "{err}");
    let err = d.usage_error(&["search", "--raw", "host AND"]);
    assert!(err.contains("fts5: syntax error"), "{err}");
    let err = d.usage_error(&["search", "--raw", "nosuch:word"]);
    assert!(err.contains("no such column"), "{err}");

    // A snippet with a terminal escape in it is cleaned on the way out.
    let text = d.ok(&["search", "escape"]);
    assert!(
        !text.contains('\u{1b}') && !text.contains('\u{7}'),
        "{text:?}"
    );
}

#[test]
fn a_journal_from_before_the_index_gets_indexed() {
    let d = Desk::new();
    let v4 = MIGRATIONS.len() - 1;
    {
        // Schema v4 as an older cockpit wrote it, with one incident and a
        // note written straight into it (no index existed then).
        let c = Connection::open(&d.journal).unwrap();
        c.pragma_update(None, "journal_mode", "WAL").unwrap();
        for m in &MIGRATIONS[..v4] {
            c.execute_batch(m).unwrap();
        }
        c.pragma_update(None, "user_version", v4 as i64).unwrap();
        c.pragma_update(None, "application_id", APPLICATION_ID)
            .unwrap();
        let insert = "INSERT INTO events (id, incident, at, recorded_at, author, kind, body) VALUES (?1, ?2, ?3, ?3, ?4, ?5, ?6)";
        let incident = "3f2b8a10-0000-4000-8000-000000000001";
        let at = "2026-11-21T10:00:00.000000Z";
        c.execute(
            insert,
            (
                "3f2b8a10-0000-4000-8000-0000000000a1",
                incident,
                at,
                "bob",
                "declared",
                r#"{"title":"old outage","severity":"SEV2","playbook":"default"}"#,
            ),
        )
        .unwrap();
        c.execute(
            "INSERT INTO incidents (id, declared_seq) VALUES (?1, 1)",
            [incident],
        )
        .unwrap();
        c.execute(
            insert,
            (
                "3f2b8a10-0000-4000-8000-0000000000a2",
                incident,
                "2026-11-21T10:05:00.000000Z",
                "bob",
                "note",
                r#"{"text":"the kafka broker ran out of disk","tag":"note"}"#,
            ),
        )
        .unwrap();
        assert!(
            c.prepare("SELECT * FROM search").is_err(),
            "v4 has no index"
        );
    }
    let hits = d.search_json(&["kafka"]);
    assert_eq!(hits.len(), 1, "{hits:?}");
    assert_eq!(hits[0]["short"], "3f2b8a10");
    assert_eq!(hits[0]["title"], "old outage");
    assert_eq!(hits[0]["author"], "bob");
    assert_eq!(hits[0]["at"], "2026-11-21T10:05:00Z");
    // And what is written after the upgrade is indexed by the append.
    d.note("3f2b8a10", &["kafka again"]);
    assert_eq!(d.search_json(&["kafka"]).len(), 2);
}

/// A word in more than `RANKED` entries: bm25 ranks the newest `RANKED`
/// only (the README says so), so the best-scoring but oldest entry is left
/// out, and the search still answers.
#[test]
fn a_very_common_word_ranks_the_newest_entries() {
    use cockpit::domain::{EventId, EventKind, IncidentId};
    use cockpit::journal::{Journal, RANKED};
    let d = Desk::new();
    let incident = d.declare("common words");
    d.note(&incident, &["common"]); // the shortest entry: the best bm25 score
    {
        let mut c = Connection::open(&d.journal).unwrap();
        let full: String = c
            .query_row("SELECT id FROM incidents", [], |r| r.get(0))
            .unwrap();
        assert!(IncidentId::parse(&full).is_some());
        let tx = c.transaction().unwrap();
        let (kind, body) = EventKind::Note {
            text: "a common word in a longer note than the first one".into(),
            tag: "note".into(),
            private: false,
        }
        .to_columns()
        .unwrap();
        for _ in 0..RANKED {
            tx.execute(
                "INSERT INTO events (id, incident, at, recorded_at, author, kind, body) VALUES (?1, ?2, '2026-11-21T10:00:00.000000Z', '2026-11-21T10:00:00.000000Z', 'bob', ?3, ?4)",
                (EventId::new().to_string(), &full, &kind, &body),
            )
            .unwrap();
        }
        tx.commit().unwrap();
    }
    let playbooks = std::sync::Arc::new(cockpit::config::load_playbooks(None).unwrap());
    let journal = Journal::open(&d.journal, playbooks).unwrap();
    let hits = journal.search("common", false, 5).unwrap();
    assert_eq!(hits.len(), 5);
    assert!(hits.iter().all(|h| h.author == "bob"), "{hits:?}");
    // A narrower query (fewer than RANKED matches) finds the old entries.
    let hits = journal.search("common NOT longer", true, 5).unwrap();
    assert_eq!(hits.len(), 2, "the note and the title: {hits:?}");
    assert!(hits.iter().all(|h| h.author == "ann"), "{hits:?}");
    assert!(hits.iter().any(|h| h.kind == "note"), "{hits:?}");
}
