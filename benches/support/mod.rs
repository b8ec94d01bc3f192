//! What the benchmarks share: the two writers compared (the journal, and a bare
//! SQLite insert of the same row with the same pragmas) and a long incident.
#![allow(dead_code)]

use chrono::{DateTime, Duration, TimeZone, Utc};
use rusqlite::Connection;
use std::path::Path;
use std::sync::Arc;

use cockpit::config::load_playbooks;
use cockpit::domain::event::{ActionUpdate, CheckIn, Proposal};
use cockpit::domain::{Event, EventId, EventKind, IncidentId};
use cockpit::journal::{Journal, MIGRATIONS};

/// Journals live under the target dir, on the same disk as a real one would
/// (a tmpfs /tmp would make fsync free and the numbers meaningless).
pub fn bench_dir() -> tempfile::TempDir {
    tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).expect("bench dir")
}

pub fn t(seconds: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 21, 10, 0, 0).unwrap() + Duration::seconds(seconds)
}

pub fn note(text: &str) -> EventKind {
    EventKind::Note {
        text: text.into(),
        tag: "note".into(),
        private: false,
    }
}

/// A journal with one declared incident, ready for notes.
pub struct JournalWriter {
    pub journal: Journal,
    pub incident: IncidentId,
}

impl JournalWriter {
    pub fn new(path: &Path) -> Self {
        let playbooks = Arc::new(load_playbooks(None).expect("playbooks"));
        let mut journal = Journal::open(path, playbooks).expect("journal");
        let incident = IncidentId::new();
        let declared = EventKind::Declared {
            title: "benchmark".into(),
            severity: "SEV2".into(),
            summary: String::new(),
            security: false,
            playbook: "default".into(),
        };
        journal
            .append(Event::new(incident, "scribe", t(0), t(0), declared))
            .expect("declare");
        Self { journal, incident }
    }

    /// One durable note, checked against the incident's rules: what Enter does.
    pub fn append_note(&mut self, text: &str) {
        let e = Event::new(self.incident, "scribe", t(1), t(1), note(text));
        self.journal.append(e).expect("append");
    }
}

/// The same row into the same table with the same pragmas, with nothing else:
/// no transaction of our own, no rule check, no fold, no JSON.
pub struct BareWriter {
    conn: Connection,
    incident: String,
    at: String,
    body: String,
}

impl BareWriter {
    pub fn new(path: &Path) -> Self {
        let conn = Connection::open(path).expect("bare db");
        conn.busy_timeout(std::time::Duration::from_secs(10))
            .unwrap();
        conn.pragma_update(None, "journal_mode", "WAL").unwrap();
        conn.pragma_update(None, "synchronous", "FULL").unwrap();
        for m in MIGRATIONS {
            conn.execute_batch(m).unwrap();
        }
        let (_, body) = note("a note of a typical length, about sixty characters long")
            .to_columns()
            .unwrap();
        Self {
            conn,
            incident: IncidentId::new().to_string(),
            at: t(1).to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
            body,
        }
    }

    pub fn insert_note(&mut self) {
        let mut stmt = self
            .conn
            .prepare_cached("INSERT INTO events (id, incident, at, recorded_at, author, kind, body) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)")
            .unwrap();
        stmt.execute(rusqlite::params![
            EventId::new().to_string(),
            self.incident,
            self.at,
            self.at,
            "scribe",
            "note",
            self.body
        ])
        .unwrap();
    }
}

pub const NOTE: &str = "a note of a typical length, about sixty characters long";

/// A valid incident of exactly `n` events, shaped like a long real one: mostly
/// notes, with role changes, active measures through their lifecycle,
/// check-ins, state and severity changes and highlights in between.
pub fn long_incident(n: usize) -> (IncidentId, Vec<Event>) {
    let id = IncidentId::new();
    let mut events = Vec::with_capacity(n);
    let ev = |i: usize, author: &str, kind| Event::new(id, author, t(i as i64), t(i as i64), kind);
    events.push(ev(
        0,
        "scribe",
        EventKind::Declared {
            title: "a very long incident".into(),
            severity: "SEV1".into(),
            summary: String::new(),
            security: false,
            playbook: "default".into(),
        },
    ));
    let states = ["identified", "monitoring", "investigating"];
    let people = ["ann", "bob", "cy", "dee"];
    let mut last_proposal = None;
    let mut i = 1;
    while events.len() < n {
        let round = i / 100;
        let kind = match i % 100 {
            1 => EventKind::RoleHandedOff {
                role: "ic".into(),
                from: if round == 0 {
                    String::new()
                } else {
                    people[(round - 1) % 4].into()
                },
                to: people[round % 4].into(),
                briefing: Default::default(),
            },
            // A handoff takes effect when the incoming IC accepts it.
            2 if round > 0 => EventKind::HandoffAccepted {
                role: "ic".into(),
                person: people[round % 4].into(),
            },
            10 => EventKind::ActionProposed(Proposal {
                what: "restart the primary".into(),
                ..Default::default()
            }),
            11 => EventKind::ActionApproved(ActionUpdate {
                action: last_proposal.unwrap(),
                reason: String::new(),
            }),
            12 => EventKind::ActionStarted(ActionUpdate {
                action: last_proposal.unwrap(),
                reason: String::new(),
            }),
            13 => EventKind::ActionDone(ActionUpdate {
                action: last_proposal.unwrap(),
                reason: String::new(),
            }),
            20 => EventKind::CheckInHeld(CheckIn {
                status: "no change".into(),
                ..Default::default()
            }),
            30 => EventKind::StateChanged {
                state: states[round % 3].into(),
                reason: String::new(),
            },
            40 => EventKind::SeverityChanged {
                severity: if round % 2 == 0 { "SEV2" } else { "SEV1" }.into(),
                // A severity change needs its reason (the rules refuse an empty one).
                reason: "impact changed".into(),
            },
            50 => EventKind::Highlighted {
                event: events[events.len() - 1].id,
            },
            60 => EventKind::Note {
                text: NOTE.into(),
                tag: "mitigation".into(),
                private: false,
            },
            _ => note(NOTE),
        };
        // The first "handoff" is an assignment: nobody holds the role yet.
        let kind = match kind {
            EventKind::RoleHandedOff { from, to, .. } if from.is_empty() => {
                EventKind::RoleAssigned {
                    role: "ic".into(),
                    person: to,
                }
            }
            k => k,
        };
        // 001: only the incident commander approves; the IC of this round
        // (assigned or handed the role at `i % 100 == 1`) decides.
        let author = match kind {
            EventKind::ActionApproved(_) | EventKind::HandoffAccepted { .. } => people[round % 4],
            _ => "scribe",
        };
        let e = ev(i, author, kind);
        if matches!(e.kind, EventKind::ActionProposed(_)) {
            last_proposal = Some(e.id);
        }
        events.push(e);
        i += 1;
    }
    (id, events)
}
