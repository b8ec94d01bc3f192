//! The journal worker on a real SQLite journal: what the screen is sent on
//! start, in which order, and another process's writes arriving live. Waits
//! are on the worker's replies with a deadline, never a fixed sleep.

use chrono::{DateTime, Duration, Utc};
use rusqlite::{Connection, params};
use std::path::Path;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration as StdDuration, Instant};

use cockpit::config::load_playbooks;
use cockpit::domain::time::FixedClock;
use cockpit::domain::{Event, EventId, EventKind, IncidentId};
use cockpit::journal::{Journal, TimelineFilter};
use cockpit::services::worker::{PAGE, Reply, Request, Worker};
use cockpit::services::{Cockpit, Intent};

fn t0() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-21T10:00:00Z")
        .unwrap()
        .with_timezone(&Utc)
}

fn open(path: &Path) -> Journal {
    Journal::open(path, Arc::new(load_playbooks(None).unwrap())).unwrap()
}

fn cockpit(path: &Path, author: &str) -> Cockpit {
    let clock = Arc::new(FixedClock::new(t0() + Duration::hours(1)));
    Cockpit::new(open(path), author.into(), "default".into(), clock).unwrap()
}

/// An incident with `notes` notes, one a second, written in one transaction.
fn journal_with(path: &Path, notes: usize) -> IncidentId {
    let id = IncidentId::new();
    open(path)
        .append(Event::new(
            id,
            "ann",
            t0(),
            t0(),
            EventKind::Declared {
                title: "db down".into(),
                severity: "SEV1".into(),
                summary: String::new(),
                security: false,
                playbook: "default".into(),
            },
        ))
        .unwrap();
    let mut conn = Connection::open(path).unwrap();
    let tx = conn.transaction().unwrap();
    for i in 1..=notes {
        let at = (t0() + Duration::seconds(i as i64))
            .to_rfc3339_opts(chrono::SecondsFormat::Micros, true);
        let (kind, body) = EventKind::Note {
            text: format!("note {i}"),
            tag: "note".into(),
            private: false,
        }
        .to_columns()
        .unwrap();
        tx.execute(
            "INSERT INTO events (id, incident, at, recorded_at, author, kind, body) VALUES (?1, ?2, ?3, ?3, 'dave', ?4, ?5)",
            params![EventId::new().to_string(), id.to_string(), at, kind, body],
        )
        .unwrap();
    }
    tx.commit().unwrap();
    id
}

fn next(rx: &Receiver<Reply>) -> Reply {
    rx.recv_timeout(StdDuration::from_secs(10))
        .expect("a reply from the journal worker")
}

fn spawn(path: &Path) -> (Worker, Receiver<Reply>) {
    let (tx, rx) = channel();
    let w = Worker::spawn(cockpit(path, "ann"), move |r| {
        let _ = tx.send(r);
    });
    (w, rx)
}

#[test]
fn the_first_page_comes_before_the_count() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("j.db");
    let id = journal_with(&path, 1_200);
    let (w, rx) = spawn(&path);
    let Reply::Incidents(list) = next(&rx) else {
        panic!("the incident list comes first")
    };
    assert_eq!(list.len(), 1);
    assert!(list[0].open);
    w.send(Request::Select(id));
    assert!(matches!(next(&rx), Reply::Current { incident, .. } if incident.id == id));
    let Reply::TimelineReset {
        rows,
        total,
        more_before,
        ..
    } = next(&rx)
    else {
        panic!("then the newest page")
    };
    assert_eq!(rows.len(), PAGE);
    assert_eq!(rows.last().unwrap().text, "note 1200");
    assert!(more_before);
    assert_eq!(total, PAGE, "not counted yet");
    let Reply::TimelineTotal {
        total,
        filter,
        incident,
    } = next(&rx)
    else {
        panic!("then the count")
    };
    assert_eq!((total, filter, incident), (1_201, TimelineFilter::All, id));
}

#[test]
fn a_short_timeline_needs_no_count() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("j.db");
    let id = journal_with(&path, 10);
    let (w, rx) = spawn(&path);
    next(&rx);
    w.send(Request::Select(id));
    next(&rx);
    let Reply::TimelineReset {
        rows,
        total,
        more_before,
        ..
    } = next(&rx)
    else {
        panic!()
    };
    assert_eq!((rows.len(), total, more_before), (11, 11, false));
    // Nothing else comes until something changes.
    assert!(rx.recv_timeout(StdDuration::from_millis(300)).is_err());
}

#[test]
fn another_process_s_writes_arrive_within_half_a_second() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("j.db");
    let id = journal_with(&path, 3);
    let (w, rx) = spawn(&path);
    next(&rx);
    w.send(Request::Select(id));
    next(&rx);
    next(&rx);
    // A second writer: the investigator's shell.
    let mut other = cockpit(&path, "dave");
    let written = other
        .act(
            id,
            Intent::Note {
                text: "replica lag back under 1 s".into(),
                tag: None,
                private: false,
            },
            None,
        )
        .unwrap();
    let committed = Instant::now();
    loop {
        let r = rx
            .recv_timeout(StdDuration::from_millis(500).saturating_sub(committed.elapsed()))
            .expect("the other process's note within 0.5 s");
        if let Reply::TimelineNew { rows, incident } = r {
            assert_eq!(incident, id);
            assert_eq!(rows.len(), 1);
            assert_eq!(rows[0].id, written.id);
            assert_eq!(rows[0].author, "dave");
            break;
        }
    }
}

#[test]
fn a_note_from_the_screen_is_acknowledged_after_the_commit() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("j.db");
    let id = journal_with(&path, 3);
    let (w, rx) = spawn(&path);
    next(&rx);
    w.send(Request::Select(id));
    next(&rx);
    next(&rx);
    w.send(Request::Act {
        token: 7,
        incident: Some(id),
        intent: Intent::Note {
            text: "on disk when acknowledged".into(),
            tag: None,
            private: false,
        },
        at: None,
    });
    let Reply::Acted { token, result } = next(&rx) else {
        panic!("the acknowledgement first")
    };
    assert_eq!(token, 7);
    assert!(result.is_ok(), "{result:?}");
    // Acknowledged means committed: another connection reads it at once.
    let seen = open(&path)
        .timeline_page(id, &TimelineFilter::All, None, 1)
        .unwrap();
    assert!(
        matches!(&seen[0].kind, EventKind::Note { text, .. } if text == "on disk when acknowledged")
    );
    // A refusal comes back as an error with the rule's words.
    w.send(Request::Act {
        token: 8,
        incident: Some(id),
        intent: Intent::State {
            state: "exploded".into(),
            reason: String::new(),
        },
        at: None,
    });
    loop {
        if let Reply::Acted { token: 8, result } = next(&rx) {
            let err = result.unwrap_err();
            assert!(
                err.rule().is_some(),
                "a refusal is typed as a rule: {err:?}"
            );
            assert!(err.to_string().contains("exploded"));
            break;
        }
    }
}
