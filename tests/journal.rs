//! The journal file: refused files stay untouched, directories are named,
//! events are never lost or rewritten, migrations, triggers and snapshots.

#[path = "journal_support/mod.rs"]
mod common;

use rusqlite::Connection;
use std::fs;
use std::path::{Path, PathBuf};

use cockpit::domain::{EventKind, IncidentId, RuleError};
use cockpit::journal::{
    APPLICATION_ID, Journal, JournalError, MIGRATIONS, TimelineQuery, latest_version,
};
use common::*;

/// Open must fail, and the file must be exactly as it was, with no side files.
#[track_caller]
fn refused_untouched(path: &Path) -> JournalError {
    let before = fs::read(path).unwrap();
    let err = match Journal::open(path, playbooks()) {
        Ok(_) => panic!("{} was opened", path.display()),
        Err(e) => e,
    };
    let msg = err.to_string();
    assert!(
        msg.contains(&path.display().to_string()),
        "names the file: {msg}"
    );
    assert!(msg.contains("left untouched"), "{msg}");
    assert!(!msg.contains('\n'), "one line: {msg}");
    assert!(
        fs::read(path).unwrap() == before,
        "{} was changed",
        path.display()
    );
    assert_eq!(
        side_files(path),
        Vec::<PathBuf>::new(),
        "side files left behind"
    );
    err
}

#[test]
fn a_file_that_is_not_sqlite_is_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("notes.txt");
    fs::write(&path, "shopping: milk, eggs\n".repeat(300)).unwrap();
    assert!(matches!(
        refused_untouched(&path),
        JournalError::NotAJournal { .. }
    ));

    // Too short to hold an SQLite header.
    fs::write(&path, "SQLite").unwrap();
    assert!(matches!(
        refused_untouched(&path),
        JournalError::NotAJournal { .. }
    ));
}

#[test]
fn another_programs_database_is_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    for (name, mode) in [("rollback.db", "DELETE"), ("wal.db", "WAL")] {
        let path = dir.path().join(name);
        {
            let c = Connection::open(&path).unwrap();
            c.pragma_update(None, "journal_mode", mode).unwrap();
            c.execute_batch(
                "CREATE TABLE recipes (name TEXT); INSERT INTO recipes VALUES ('soup');",
            )
            .unwrap();
        }
        assert_eq!(side_files(&path), Vec::<PathBuf>::new());
        assert!(
            matches!(
                refused_untouched(&path),
                JournalError::ForeignDatabase { .. }
            ),
            "{name}"
        );
    }

    // Another program's mark, even on an empty database.
    let path = dir.path().join("marked.db");
    Connection::open(&path)
        .unwrap()
        .pragma_update(None, "application_id", 0x1234)
        .unwrap();
    assert!(matches!(
        refused_untouched(&path),
        JournalError::ForeignDatabase { .. }
    ));
}

#[test]
fn a_journal_from_a_newer_cockpit_is_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("journal.sqlite");
    journal_with_notes(&path, 2);
    Connection::open(&path)
        .unwrap()
        .pragma_update(None, "user_version", latest_version() + 1)
        .unwrap();
    match refused_untouched(&path) {
        JournalError::NewerSchema {
            found, supported, ..
        } => {
            assert_eq!((found, supported), (latest_version() + 1, latest_version()))
        }
        other => panic!("{other}"),
    }
}

/// Overwrite `len` bytes at `offset` with a pattern no SQLite page has.
fn damage(path: &Path, offset: usize, len: usize) {
    let mut bytes = fs::read(path).unwrap();
    for b in &mut bytes[offset..offset + len] {
        *b = 0xA5;
    }
    fs::write(path, bytes).unwrap();
}

#[test]
fn a_journal_with_a_damaged_schema_is_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("journal.sqlite");
    journal_with_notes(&path, 3);
    // Page 1 after the 100-byte file header holds the schema.
    damage(&path, 100, 400);
    assert!(matches!(
        refused_untouched(&path),
        JournalError::Corrupt { .. }
    ));
}

#[test]
fn damaged_events_are_reported_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("journal.sqlite");
    let id = journal_with_notes(&path, 20);
    let page_size = {
        let c = Connection::open(&path).unwrap();
        c.pragma_query_value(None, "page_size", |r| r.get::<_, i64>(0))
            .unwrap() as usize
    };
    // Page 2 is the first table created: the events.
    damage(&path, page_size + 8, 200);
    let before = fs::read(&path).unwrap();
    let result = Journal::open(&path, playbooks()).and_then(|mut j| {
        j.append(event(id, 5, note("after the damage")))?;
        Ok(())
    });
    match result {
        Err(JournalError::Corrupt { path: p, .. }) => assert_eq!(p, path),
        other => panic!("expected Corrupt, got {:?}", other.map(|_| ())),
    }
    assert!(
        fs::read(&path).unwrap() == before,
        "the damaged journal was written to"
    );
    assert_eq!(side_files(&path), Vec::<PathBuf>::new());
}

#[test]
fn a_missing_directory_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("no").join("such");
    let err = Journal::open(&missing.join("journal.sqlite"), playbooks())
        .err()
        .unwrap();
    assert!(
        matches!(&err, JournalError::MissingDirectory { dir } if *dir == missing),
        "{err}"
    );
    assert_eq!(
        err.to_string(),
        format!("directory {} does not exist", missing.display())
    );
    assert!(!missing.exists(), "nothing was created");
}

#[test]
fn a_directory_is_not_a_journal() {
    let dir = tempfile::tempdir().unwrap();
    let err = Journal::open(dir.path(), playbooks()).err().unwrap();
    assert!(matches!(err, JournalError::IsDirectory { .. }), "{err}");
}

#[test]
fn an_unwritable_directory_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let locked = dir.path().join("locked");
    fs::create_dir(&locked).unwrap();
    let _guard = Unwritable::new(&locked);
    let err = Journal::open(&locked.join("journal.sqlite"), playbooks())
        .err()
        .unwrap();
    assert!(
        matches!(&err, JournalError::NotWritable { dir, .. } if *dir == locked),
        "{err}"
    );
    assert!(
        err.to_string().starts_with(&format!(
            "cannot write the journal in {}:",
            locked.display()
        )),
        "{err}"
    );
}

#[test]
fn a_journal_in_a_directory_that_became_unwritable_is_named_and_kept() {
    let dir = tempfile::tempdir().unwrap();
    let locked = dir.path().join("locked");
    fs::create_dir(&locked).unwrap();
    let path = locked.join("journal.sqlite");
    journal_with_notes(&path, 2);
    let before = fs::read(&path).unwrap();
    {
        let _guard = Unwritable::new(&locked);
        let err = Journal::open(&path, playbooks()).err().unwrap();
        assert!(
            matches!(&err, JournalError::NotWritable { dir, .. } if *dir == locked),
            "{err}"
        );
    }
    assert!(fs::read(&path).unwrap() == before);
}

#[test]
fn reopening_keeps_every_event_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("journal.sqlite");
    let id = journal_with_notes(&path, 50);
    let other = IncidentId::new();
    let mut j = open(&path);
    j.append(event(other, 2, declared("second incident")))
        .unwrap();
    let before = j.events(id, &TimelineQuery::default()).unwrap();
    let state = j.incident(id).unwrap().clone();
    drop(j);

    let mut j = open(&path);
    let after = j.events(id, &TimelineQuery::default()).unwrap();
    assert_eq!(after.len(), 51);
    assert_eq!(after, before);
    let texts: Vec<_> = after[1..]
        .iter()
        .map(|e| match &e.kind {
            EventKind::Note { text, .. } => text.clone(),
            k => panic!("{k:?}"),
        })
        .collect();
    assert_eq!(
        texts,
        (0..50).map(|n| format!("note {n}")).collect::<Vec<_>>()
    );
    assert_eq!(j.incident(id).unwrap(), &state);
    assert_eq!(j.incident_ids().unwrap(), vec![id, other]);
    assert_eq!(j.incident(other).unwrap().title, "second incident");
}

#[test]
fn a_refused_event_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("journal.sqlite");
    let id = journal_with_notes(&path, 1);
    let mut j = open(&path);
    let seq = j.last_seq().unwrap();
    let err = j.append(event(id, 3, EventKind::Closed {})).err().unwrap();
    assert!(
        matches!(err, JournalError::Rule(RuleError::NotResolved { .. })),
        "{err}"
    );
    let err = j
        .append(event(IncidentId::new(), 3, note("nobody declared me")))
        .err()
        .unwrap();
    assert!(
        matches!(err, JournalError::Rule(RuleError::NotDeclared)),
        "{err}"
    );
    assert_eq!(j.last_seq().unwrap(), seq);
    // The refusal left the cached state usable.
    j.append(event(id, 4, note("still fine"))).unwrap();
    assert_eq!(j.incident(id).unwrap().notes, 2);
}

fn schema_of(path: &Path) -> Vec<String> {
    let c = Connection::open(path).unwrap();
    let mut stmt = c
        .prepare("SELECT sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY name")
        .unwrap();
    stmt.query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

fn header(path: &Path) -> (i64, i64) {
    let c = Connection::open(path).unwrap();
    let read = |p: &str| {
        c.pragma_query_value(None, p, |r| r.get::<_, i64>(0))
            .unwrap()
    };
    (read("application_id"), read("user_version"))
}

/// Every older schema (including an empty file) is brought forward to the
/// latest; opening a current journal again changes nothing at all.
#[test]
fn migrations_run_forward_once() {
    let dir = tempfile::tempdir().unwrap();
    let fresh = dir.path().join("fresh.sqlite");
    drop(open(&fresh));
    assert_eq!(header(&fresh), (APPLICATION_ID, latest_version()));
    let latest_schema = schema_of(&fresh);
    assert!(
        latest_schema
            .iter()
            .any(|s| s.contains("CREATE TABLE events"))
    );

    for from in 0..latest_version() {
        let path = dir.path().join(format!("v{from}.sqlite"));
        {
            let c = Connection::open(&path).unwrap();
            for m in &MIGRATIONS[..from as usize] {
                c.execute_batch(m).unwrap();
            }
            c.pragma_update(None, "user_version", from).unwrap();
            if from > 0 {
                c.pragma_update(None, "application_id", APPLICATION_ID)
                    .unwrap();
            }
        }
        drop(open(&path));
        assert_eq!(
            header(&path),
            (APPLICATION_ID, latest_version()),
            "from v{from}"
        );
        assert_eq!(schema_of(&path), latest_schema, "from v{from}");
    }

    // An empty file is a new journal too.
    let empty = dir.path().join("empty.sqlite");
    fs::write(&empty, b"").unwrap();
    drop(open(&empty));
    assert_eq!(header(&empty), (APPLICATION_ID, latest_version()));

    // Idempotent: a second and third open neither migrate nor write.
    let id = journal_with_notes(&fresh, 3);
    let bytes = fs::read(&fresh).unwrap();
    for _ in 0..2 {
        let mut j = open(&fresh);
        assert_eq!(j.incident(id).unwrap().notes, 3);
        drop(j);
        assert!(
            fs::read(&fresh).unwrap() == bytes,
            "reopening rewrote the journal"
        );
    }
    assert_eq!(schema_of(&fresh), latest_schema);
}

#[test]
fn stored_events_cannot_be_updated_or_deleted() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("journal.sqlite");
    let id = journal_with_notes(&path, 2);
    let c = Connection::open(&path).unwrap();
    for statement in [
        "UPDATE events SET body = '{\"text\":\"rewritten\",\"tag\":\"note\"}' WHERE kind = 'note'",
        "UPDATE events SET author = 'mallory'",
        "DELETE FROM events WHERE kind = 'note'",
        "DELETE FROM events",
    ] {
        let err = c.execute(statement, []).unwrap_err();
        assert!(
            err.to_string().contains("events are append-only"),
            "{statement}: {err}"
        );
    }
    drop(c);
    let mut j = open(&path);
    assert_eq!(j.incident(id).unwrap().notes, 2);
    assert_eq!(
        j.events(id, &TimelineQuery::default()).unwrap()[0].author,
        "ann"
    );
}

/// Write `n` more notes straight into the table, in the store's own format
/// (copied from a note it wrote), in one transaction: a fast way to make an
/// incident long enough for the journal to keep a fold snapshot.
fn bulk_notes(path: &Path, id: IncidentId, n: usize) {
    let mut c = Connection::open(path).unwrap();
    let tx = c.transaction().unwrap();
    let (at, recorded_at, author, kind, body): (String, String, String, String, String) = tx
        .query_row(
            "SELECT at, recorded_at, author, kind, body FROM events WHERE kind = 'note' LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
        )
        .unwrap();
    {
        let mut insert = tx
            .prepare("INSERT INTO events (id, incident, at, recorded_at, author, kind, body) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)")
            .unwrap();
        for _ in 0..n {
            let eid = cockpit::domain::EventId::new().to_string();
            insert
                .execute(rusqlite::params![
                    eid,
                    id.to_string(),
                    at,
                    recorded_at,
                    author,
                    kind,
                    body
                ])
                .unwrap();
        }
    }
    tx.commit().unwrap();
}

fn snapshot_row(path: &Path) -> Option<(i64, i64, String, String)> {
    let c = Connection::open(path).unwrap();
    c.query_row(
        "SELECT seq, fold_version, playbook, state FROM snapshots",
        [],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
    )
    .ok()
}

/// Change the snapshot in place (the snapshots table is a cache, not append-only).
fn edit_snapshot(path: &Path, title: &str, fold_version: i64, fingerprint: &str) {
    let (_, _, _, state) = snapshot_row(path).unwrap();
    let mut v: serde_json::Value = serde_json::from_str(&state).unwrap();
    v["title"] = title.into();
    Connection::open(path)
        .unwrap()
        .execute(
            "UPDATE snapshots SET state = ?1, fold_version = ?2, playbook = ?3",
            rusqlite::params![v.to_string(), fold_version, fingerprint],
        )
        .unwrap();
}

#[test]
fn fold_snapshots_are_used_and_stale_ones_ignored() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("journal.sqlite");
    let id = journal_with_notes(&path, 1);
    bulk_notes(&path, id, 10_000);
    assert!(snapshot_row(&path).is_none());

    // A long catch-up leaves a snapshot at the last event.
    let mut j = open(&path);
    assert_eq!(j.incident(id).unwrap().notes, 10_001);
    let last = j.last_seq().unwrap();
    drop(j);
    let fingerprint = playbooks().fingerprint("default").unwrap();
    let (seq, version, fp, _) = snapshot_row(&path).expect("a snapshot");
    assert_eq!((seq, fp.as_str()), (last, fingerprint.as_str()));

    // Used: a mark put into the snapshot shows, and later events fold on top.
    edit_snapshot(&path, "from the snapshot", version, &fingerprint);
    let mut j = open(&path);
    j.append(event(id, 9, note("after the snapshot"))).unwrap();
    let i = j.incident(id).unwrap();
    assert_eq!((i.title.as_str(), i.notes), ("from the snapshot", 10_002));
    drop(j);

    // Ignored: made under another playbook version, by another fold, or unreadable.
    for (fold_version, fp) in [
        (version, "0123456789abcdef"),
        (version + 1, fingerprint.as_str()),
    ] {
        edit_snapshot(&path, "stale", fold_version, fp);
        let mut j = open(&path);
        let i = j.incident(id).unwrap();
        assert_eq!(
            (i.title.as_str(), i.notes),
            ("db down", 10_002),
            "{fold_version} {fp}"
        );
    }
    Connection::open(&path)
        .unwrap()
        .execute("UPDATE snapshots SET state = '{not json'", [])
        .unwrap();
    let mut j = open(&path);
    assert_eq!(j.incident(id).unwrap().title, "db down");
}

#[test]
fn incidents_are_found_by_a_unique_prefix() {
    let dir = tempfile::tempdir().unwrap();
    let mut j = open(&dir.path().join("journal.sqlite"));
    let id = |s: &str| IncidentId::parse(s).unwrap();
    let (a, b) = (
        id("0123aaaa-0000-4000-8000-000000000000"),
        id("0124bbbb-0000-4000-8000-000000000000"),
    );
    j.append(event(a, 0, declared("one"))).unwrap();
    j.append(event(b, 1, declared("two"))).unwrap();
    assert_eq!(j.resolve_incident("0123").unwrap(), a);
    assert_eq!(j.resolve_incident("0124BB").unwrap(), b);
    let err = j.resolve_incident("012").unwrap_err();
    assert_eq!(
        err.to_string(),
        "`012` matches several incidents: 0123aaaa, 0124bbbb"
    );
    let err = j.resolve_incident("99").unwrap_err();
    assert_eq!(err.to_string(), "no incident matches `99`");
}

/// Another program crashed (or is running) with writes still in its WAL: the
/// refusal must not checkpoint them into its database, nor remove its WAL.
#[test]
fn another_programs_unfinished_wal_is_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let live = dir.path().join("live.db");
    let c = Connection::open(&live).unwrap();
    c.pragma_update(None, "journal_mode", "WAL").unwrap();
    c.pragma_update(None, "wal_autocheckpoint", 0).unwrap();
    c.execute_batch("CREATE TABLE recipes (name TEXT); INSERT INTO recipes VALUES ('soup');")
        .unwrap();
    // The files as a crash would leave them: database, WAL with the writes, index.
    let path = dir.path().join("crashed.db");
    for suffix in ["", "-wal", "-shm"] {
        fs::copy(
            format!("{}{suffix}", live.display()),
            format!("{}{suffix}", path.display()),
        )
        .unwrap();
    }
    drop(c);
    let wal = PathBuf::from(format!("{}-wal", path.display()));
    let (db_before, wal_before) = (fs::read(&path).unwrap(), fs::read(&wal).unwrap());
    assert!(!wal_before.is_empty());
    let err = Journal::open(&path, playbooks()).err().unwrap();
    assert!(matches!(err, JournalError::ForeignDatabase { .. }), "{err}");
    assert!(
        fs::read(&path).unwrap() == db_before,
        "the database was changed"
    );
    assert!(
        fs::read(&wal).unwrap() == wal_before,
        "the WAL was changed or removed"
    );
}

/// A journal row with a value no cockpit writes, added behind the journal's back.
fn with_bad_row(path: &Path, id: &str, at: &str) -> IncidentId {
    let incident = journal_with_notes(path, 2);
    let c = Connection::open(path).unwrap();
    c.execute(
        "INSERT INTO events (id, incident, at, recorded_at, author, kind, body)
         SELECT ?1, incident, ?2, recorded_at, author, kind, body
         FROM events ORDER BY seq DESC LIMIT 1",
        rusqlite::params![id, at],
    )
    .unwrap();
    incident
}

#[test]
fn a_bad_time_in_the_journal_is_an_error_naming_its_row_not_1970() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("journal.sqlite");
    let id = with_bad_row(&path, "0190c0de-0000-7000-8000-000000000001", "yesterday");
    let err = Journal::open(&path, playbooks())
        .and_then(|j| j.events(id, &TimelineQuery::default()))
        .unwrap_err();
    match &err {
        // The declaration and two notes are rows 1-3.
        JournalError::BadRow { row, .. } => {
            assert_eq!(
                (row.seq, row.column, row.value.as_str()),
                (4, "at", "yesterday")
            )
        }
        other => panic!("expected BadRow, got {other:?}"),
    }
    let msg = err.to_string();
    assert!(
        msg.contains("event row 4") && msg.contains("RFC 3339"),
        "{msg}"
    );
}

#[test]
fn a_bad_id_in_the_journal_is_an_error_naming_its_row_not_the_nil_uuid() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("journal.sqlite");
    let id = with_bad_row(&path, "not-a-uuid", "2026-03-10T10:00:00.000000Z");
    let err = Journal::open(&path, playbooks())
        .and_then(|j| j.events(id, &TimelineQuery::default()))
        .unwrap_err();
    match &err {
        JournalError::BadRow { row, .. } => {
            assert_eq!(
                (row.seq, row.column, row.value.as_str()),
                (4, "id", "not-a-uuid")
            )
        }
        other => panic!("expected BadRow, got {other:?}"),
    }
}
