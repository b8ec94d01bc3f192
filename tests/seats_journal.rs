//! Many seats, one incident (issue 15), in the journal: two seats' journals
//! exchange their own events (as the room would carry them) in any order,
//! twice, late; both fold to the same incident; snapshots stay correct.

#[path = "journal_support/mod.rs"]
mod common;

use chrono::Duration;

use cockpit::domain::converge::Stamped;
use cockpit::domain::event::{ActionUpdate, Proposal};
use cockpit::domain::{EventKind, IncidentId};
use cockpit::journal::{Imported, Journal, TimelineQuery};
use common::*;

fn by(mut e: cockpit::domain::Event, who: &str) -> cockpit::domain::Event {
    e.author = who.into();
    e
}

fn assign(role: &str, person: &str) -> EventKind {
    EventKind::RoleAssigned {
        role: role.into(),
        person: person.into(),
    }
}

/// Everything `from` wrote itself, as it would travel.
fn own(from: &Journal, id: IncidentId) -> Vec<Stamped> {
    from.own_events(id, 0).unwrap()
}

/// The incident as `cockpit --json show` serialises it.
fn state(j: &mut Journal, id: IncidentId) -> String {
    serde_json::to_string(j.incident(id).unwrap()).unwrap()
}

#[test]
fn two_seats_exchange_events_and_fold_to_the_same_incident() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = open(&dir.path().join("a.sqlite"));
    let mut b = open(&dir.path().join("b.sqlite"));
    assert_ne!(a.seat_id(), b.seat_id(), "each journal is its own seat");

    let id = IncidentId::new();
    a.append(event(id, 0, declared("db down"))).unwrap();
    a.append(event(id, 1, assign("ic", "ann"))).unwrap();
    // B joins: it holds nothing yet, and imports A's history.
    let got = b.import(own(&a, id), t(2)).unwrap();
    assert_eq!(got.added, 2);
    assert_eq!(b.incident_ids().unwrap(), vec![id]);
    assert!(b.is_shared(id).unwrap());

    // Both write at once, offline from each other: B's proposal and notes,
    // A's notes; then each imports the other's everything (twice).
    b.append(by(
        event(
            id,
            3,
            EventKind::ActionProposed(Proposal {
                what: "fail over".into(),
                ..Default::default()
            }),
        ),
        "bob",
    ))
    .unwrap();
    let proposal = b.own_events(id, 0).unwrap()[0].event.id;
    a.append(event(id, 4, note("a: replica lag"))).unwrap();
    b.append(by(event(id, 5, note("b: disk full")), "bob"))
        .unwrap();
    for _ in 0..2 {
        a.import(own(&b, id), t(6)).unwrap();
        b.import(own(&a, id), t(6)).unwrap();
    }
    // The IC on A approves the proposal made on B; B learns of it.
    a.append(event(
        id,
        7,
        EventKind::ActionApproved(ActionUpdate {
            action: proposal,
            reason: String::new(),
        }),
    ))
    .unwrap();
    b.import(own(&a, id), t(8)).unwrap();

    assert_eq!(state(&mut a, id), state(&mut b, id));
    let inc = a.incident(id).unwrap();
    assert_eq!(inc.events, 6);
    assert!(inc.refused.is_empty(), "{:?}", inc.refused);
    // Reopened from disk, both still agree (nothing cached).
    drop((a, b));
    let mut a = open(&dir.path().join("a.sqlite"));
    let mut b = open(&dir.path().join("b.sqlite"));
    assert_eq!(state(&mut a, id), state(&mut b, id));
    let count = |j: &Journal| j.events(id, &TimelineQuery::default()).unwrap().len();
    assert_eq!((count(&a), count(&b)), (6, 6), "nothing lost or doubled");
}

#[test]
fn importing_is_idempotent_and_skips_the_seats_own_echo() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = open(&dir.path().join("a.sqlite"));
    let mut b = open(&dir.path().join("b.sqlite"));
    let id = IncidentId::new();
    a.append(event(id, 0, declared("db down"))).unwrap();
    a.append(event(id, 1, note("one"))).unwrap();
    let first = b.import(own(&a, id), t(2)).unwrap();
    assert_eq!((first.added, first.known), (2, 0));
    let again = b.import(own(&a, id), t(3)).unwrap();
    assert_eq!(
        again,
        Imported {
            added: 0,
            known: 2,
            late: 0,
            own: 0
        }
    );
    // The room echoes A's own events back to A: skipped.
    let echo = a.import(own(&a, id), t(3)).unwrap();
    assert_eq!((echo.own, echo.added), (2, 0));
}

#[test]
fn private_notes_never_leave_the_seat() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = open(&dir.path().join("a.sqlite"));
    let id = IncidentId::new();
    a.append(event(id, 0, declared("db down"))).unwrap();
    a.append(event(
        id,
        1,
        EventKind::Note {
            text: "my hunch".into(),
            tag: "note".into(),
            private: true,
        },
    ))
    .unwrap();
    let out = own(&a, id);
    assert_eq!(out.len(), 1);
    assert!(matches!(out[0].event.kind, EventKind::Declared { .. }));
}

#[test]
fn a_late_event_is_folded_where_it_belongs_and_marked_late() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = open(&dir.path().join("a.sqlite"));
    let mut b = open(&dir.path().join("b.sqlite"));
    let id = IncidentId::new();
    a.append(event(id, 0, declared("db down"))).unwrap();
    b.import(own(&a, id), t(1)).unwrap();
    // B was offline for an hour: it assigned bob IC at minute 10, while A
    // (online) assigned ann at minute 30 and wrote on.
    b.append(by(event(id, 10, assign("ic", "bob")), "bob"))
        .unwrap();
    a.append(event(id, 30, assign("ic", "ann"))).unwrap();
    a.append(event(id, 40, note("still down"))).unwrap();
    let before = a.incident(id).unwrap().clone();
    assert_eq!(before.holders("ic").next().unwrap().person, "ann");
    let got = a.import(own(&b, id), t(70)).unwrap();
    assert_eq!((got.added, got.late), (1, 1));
    // Placed where it happened: bob took IC first; ann's later claim is the
    // refused one (the conflict rule: earlier wins), and both stay.
    let inc = a.incident(id).unwrap().clone();
    assert_eq!(inc.holders("ic").next().unwrap().person, "bob");
    assert_eq!(inc.refused.len(), 1);
    let late = a.late_events(id).unwrap();
    assert_eq!(late.len(), 1);
    assert!(late.contains(&own(&b, id)[0].event.id));
    b.import(own(&a, id), t(70)).unwrap();
    assert_eq!(state(&mut a, id), state(&mut b, id));
}

#[test]
fn a_local_event_after_a_clock_ahead_is_folded_after_it() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = open(&dir.path().join("a.sqlite"));
    let mut b = open(&dir.path().join("b.sqlite"));
    let id = IncidentId::new();
    a.append(event(id, 0, declared("db down"))).unwrap();
    b.import(own(&a, id), t(1)).unwrap();
    // B's clock runs 10 minutes ahead: its assignment says minute 20.
    b.append(by(event(id, 20, assign("ic", "bob")), "bob"))
        .unwrap();
    a.import(own(&b, id), t(11)).unwrap();
    // A, at its minute 11, has seen bob take IC and hands it over to ann:
    // checked after bob's event, it must fold after it on every seat.
    let handoff = EventKind::RoleHandedOff {
        role: "ic".into(),
        from: "bob".into(),
        to: "ann".into(),
        briefing: Default::default(),
    };
    let written = a.append(by(event(id, 11, handoff), "bob")).unwrap();
    assert!(written.recorded_at > t(20));
    assert!(written.recorded_at - t(20) < Duration::milliseconds(1));
    b.import(own(&a, id), t(21)).unwrap();
    assert_eq!(state(&mut a, id), state(&mut b, id));
    assert!(a.incident(id).unwrap().refused.is_empty());
}

#[test]
fn a_snapshot_of_a_seat_local_fold_is_dropped_once_shared() {
    let dir = tempfile::tempdir().unwrap();
    let path_a = dir.path().join("a.sqlite");
    let mut a = open(&path_a);
    let mut b = open(&dir.path().join("b.sqlite"));
    let id = IncidentId::new();
    a.append(event(id, 0, declared("db down"))).unwrap();
    b.import(own(&a, id), t(0)).unwrap();
    b.append(by(event(id, 1, assign("ic", "bob")), "bob"))
        .unwrap();
    // A writes enough to leave a snapshot behind on its next open.
    a.append(event(id, 2, note("n"))).unwrap();
    drop(a);
    bulk_notes(&path_a, id, 10_050);
    let mut a = open(&path_a);
    a.incident(id).unwrap();
    let snapshots = |p: &std::path::Path| -> i64 {
        rusqlite::Connection::open(p)
            .unwrap()
            .query_row("SELECT COUNT(*) FROM snapshots", [], |r| r.get(0))
            .unwrap()
    };
    assert_eq!(snapshots(&path_a), 1);
    // B's assignment at minute 1 lands before A's notes.
    a.import(own(&b, id), t(3)).unwrap();
    assert_eq!(snapshots(&path_a), 0);
    drop(a);
    let mut a = open(&path_a);
    let inc = a.incident(id).unwrap();
    assert_eq!(inc.holders("ic").next().unwrap().person, "bob");
    assert_eq!(inc.events, 10_053);
}

/// `n` more copies of the incident's note straight into the table, in one
/// transaction (as tests/journal.rs does): a long incident, quickly.
fn bulk_notes(path: &std::path::Path, id: IncidentId, n: usize) {
    let mut c = rusqlite::Connection::open(path).unwrap();
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
