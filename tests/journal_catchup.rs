//! A long catch-up (a first open without a fold snapshot) folds past its
//! first 20,000 events on two threads (issue 14): it must mean exactly what
//! the fold of the same events in memory means, and report a bad row by its
//! sequence number as the one-thread catch-up does.

#[path = "journal_support/mod.rs"]
mod common;

use rusqlite::Connection;
use std::path::Path;

use cockpit::domain::{Incident, IncidentId};
use cockpit::journal::{JournalError, TimelineQuery};
use common::*;

const LONG: usize = 26_000;

/// `n` notes written behind the journal's back (sqlite, one transaction):
/// five tags in turn (two of them highlights, one feeding the briefing), a
/// private one now and then, and every 7,001st one empty, which the rules
/// refuse on replay.
fn bulk(path: &Path, id: IncidentId, n: usize) {
    let mut c = Connection::open(path).unwrap();
    let tx = c.transaction().unwrap();
    tx.execute(
        "WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < ?2)
         INSERT INTO events (id, incident, at, recorded_at, author, kind, body)
         SELECT printf('0190c0de-0000-4000-8000-%012x', i), ?1,
                strftime('%Y-%m-%dT%H:%M:%f000Z', '2026-11-21T10:01:00Z', '+' || i || ' seconds'),
                strftime('%Y-%m-%dT%H:%M:%f000Z', '2026-11-21T10:01:00Z', '+' || i || ' seconds'),
                json_extract('[\"ann\",\"bob\",\"eve\"]', '$[' || (i % 3) || ']'),
                'note',
                json_object(
                    'text', CASE WHEN i % 7001 = 0 THEN ' ' ELSE 'observation ' || i END,
                    'tag', json_extract('[\"note\",\"noticed\",\"hypothesis\",\"impact\",\"comms\"]', '$[' || (i % 5) || ']'),
                    'private', json(CASE WHEN i % 13 = 0 THEN 'true' ELSE 'false' END))
         FROM k",
        rusqlite::params![id.to_string(), n as i64],
    )
    .unwrap();
    tx.commit().unwrap();
}

#[test]
fn a_long_first_open_folds_as_the_events_replayed_in_memory() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("journal.sqlite");
    let id = journal_with_notes(&path, 1);
    bulk(&path, id, LONG);
    let mut j = open(&path);
    let events = j.events(id, &TimelineQuery::default()).unwrap();
    assert_eq!(events.len(), LONG + 2);
    let pb = j.playbook_of(id).unwrap();
    let folded = j.incident(id).unwrap().clone();
    let replayed = Incident::replay(id, &events, &pb);
    assert_eq!(folded, replayed);
    // The refused notes are past the first 20,000 too, and none is lost.
    assert_eq!(folded.refused.len(), LONG / 7001);
    assert_eq!(folded.events, LONG + 2 - LONG / 7001);
    // Later appends fold on top, as ever.
    j.append(event(id, 30_000, note("after the long open")))
        .unwrap();
    assert_eq!(j.incident(id).unwrap().notes, replayed.notes + 1);
}

#[test]
fn a_bad_row_deep_in_a_long_first_open_is_named_by_its_row() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("journal.sqlite");
    let id = journal_with_notes(&path, 1);
    bulk(&path, id, LONG);
    // Row 25,000 (well past the first 20,000) gets a time no cockpit writes.
    let c = Connection::open(&path).unwrap();
    c.execute_batch(
        "DROP TRIGGER events_are_append_only_update;
         UPDATE events SET at = 'yesterday' WHERE seq = 25000;",
    )
    .unwrap();
    drop(c);
    let mut j = open(&path);
    match j.incident(id) {
        Err(JournalError::BadRow { row, .. }) => {
            assert_eq!(
                (row.seq, row.column, row.value.as_str()),
                (25_000, "at", "yesterday")
            )
        }
        other => panic!("expected BadRow, got {other:?}"),
    }
}
