//! The journal worker: one thread that owns the SQLite connection, so the
//! screen never waits on the disk. It takes requests, answers with replies,
//! and polls for other processes' writes (`PRAGMA data_version`) every 200 ms.

use chrono::{DateTime, Utc};
use std::sync::Arc;
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, channel};
use std::thread::JoinHandle;
use std::time::Duration;

use super::cockpit::Cockpit;
use super::error::WorkerError;
use super::intent::Intent;
use crate::domain::describe::describe;
use crate::domain::{Event, Incident, IncidentId, Playbook};
use crate::journal::{TimelineFilter, TimelineKey, key_of};

/// How often another process's writes are looked for (DESIGN: seen within ~0.5 s).
pub const POLL_EVERY: Duration = Duration::from_millis(200);
/// Timeline entries read at a time.
pub const PAGE: usize = 500;

#[derive(Debug, Clone, PartialEq)]
pub struct TimelineRow {
    pub seq: i64,
    pub id: crate::domain::EventId,
    pub at: DateTime<Utc>,
    pub author: String,
    pub label: String,
    pub text: String,
    pub private: bool,
    /// A note that is a highlight by its tag (`Incident::highlighted_by_tag`);
    /// entries marked by a `highlighted` event are in the incident's
    /// `highlights`, which the screen reads as they change.
    pub tag_highlight: bool,
}

impl TimelineRow {
    pub fn key(&self) -> TimelineKey {
        (self.at, self.seq)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct IncidentSummary {
    pub id: IncidentId,
    pub title: String,
    pub severity: String,
    pub state: String,
    pub open: bool,
    pub declared_at: DateTime<Utc>,
}

// One request at a time crosses the channel: the size of the largest does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Debug)]
pub enum Request {
    Select(IncidentId),
    Act {
        token: u64,
        incident: Option<IncidentId>,
        intent: Intent,
        at: Option<DateTime<Utc>>,
    },
    SetFilter(TimelineFilter),
    LoadOlder {
        before: TimelineKey,
    },
    /// The outbox rows that still need something.
    SyncRows,
    /// Put a parked row back in line.
    SyncRetry(i64),
    /// Give up on a parked row; the timeline records it.
    SyncDrop {
        row: i64,
        reason: String,
    },
    /// Write the postmortem draft of the current incident into the
    /// directory the cockpit was started in.
    Export {
        format: crate::export::Format,
    },
    Shutdown,
}

#[derive(Debug, Clone)]
pub enum Reply {
    Incidents(Vec<IncidentSummary>),
    Current {
        incident: Arc<Incident>,
        playbook: Arc<Playbook>,
    },
    TimelineReset {
        incident: IncidentId,
        filter: TimelineFilter,
        rows: Vec<TimelineRow>,
        total: usize,
        more_before: bool,
    },
    /// How many entries the filter keeps, counted after the first page was sent.
    TimelineTotal {
        incident: IncidentId,
        filter: TimelineFilter,
        total: usize,
    },
    TimelineOlder {
        incident: IncidentId,
        rows: Vec<TimelineRow>,
        more_before: bool,
    },
    TimelineNew {
        incident: IncidentId,
        rows: Vec<TimelineRow>,
    },
    /// `Ok` carries the words for the status line.
    Acted {
        token: u64,
        result: Result<String, WorkerError>,
    },
    SyncRows(Result<Vec<crate::sync::OutboxRow>, WorkerError>),
    /// The draft's path and how many writing findings it has.
    Exported(Result<(std::path::PathBuf, usize), WorkerError>),
    Failed(WorkerError),
}

pub struct Worker {
    tx: Sender<Request>,
    thread: Option<JoinHandle<()>>,
}

impl Worker {
    /// Start the worker; replies go to `send` (which must not block).
    pub fn spawn(cockpit: Cockpit, send: impl Fn(Reply) + Send + 'static) -> Self {
        let (tx, rx) = channel();
        let thread = std::thread::Builder::new()
            .name("journal".into())
            .spawn(move || {
                State {
                    cockpit,
                    send: Box::new(send),
                    current: None,
                    filter: TimelineFilter::All,
                    last_seq: 0,
                    data_version: 0,
                }
                .run(rx)
            })
            .expect("spawn the journal thread");
        Self {
            tx,
            thread: Some(thread),
        }
    }

    pub fn send(&self, r: Request) {
        // The worker only stops on Shutdown; a send after that has nowhere to go.
        let _ = self.tx.send(r);
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        let _ = self.tx.send(Request::Shutdown);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

struct State {
    cockpit: Cockpit,
    send: Box<dyn Fn(Reply) + Send>,
    current: Option<IncidentId>,
    filter: TimelineFilter,
    /// The newest sequence number of the current incident already sent.
    last_seq: i64,
    data_version: i64,
}

impl State {
    fn run(mut self, rx: Receiver<Request>) {
        self.data_version = self.cockpit.journal.data_version().unwrap_or(0);
        self.send_incidents();
        loop {
            match rx.recv_timeout(POLL_EVERY) {
                Ok(Request::Shutdown) | Err(RecvTimeoutError::Disconnected) => return,
                Ok(req) => self.handle(req),
                Err(RecvTimeoutError::Timeout) => self.poll(),
            }
        }
    }

    fn report<T>(&self, r: Result<T, impl Into<WorkerError>>) -> Option<T> {
        match r {
            Ok(v) => Some(v),
            Err(e) => {
                (self.send)(Reply::Failed(e.into()));
                None
            }
        }
    }

    fn handle(&mut self, req: Request) {
        match req {
            Request::Select(id) => self.select(id),
            Request::SetFilter(f) => {
                self.filter = f;
                if let Some(id) = self.current {
                    self.reset_timeline(id);
                }
            }
            Request::LoadOlder { before } => {
                let Some(id) = self.current else { return };
                let page = self
                    .cockpit
                    .journal
                    .timeline_page(id, &self.filter, Some(before), PAGE);
                if let Some(events) = self.report(page) {
                    let more_before = events.len() == PAGE;
                    let rows = self.rows(id, &events);
                    (self.send)(Reply::TimelineOlder {
                        incident: id,
                        rows,
                        more_before,
                    });
                }
            }
            Request::Act {
                token,
                incident,
                intent,
                at,
            } => {
                let declaring = matches!(intent, Intent::Declare { .. });
                let result = match incident {
                    Some(id) if !declaring => self.cockpit.act(id, intent, at),
                    _ => self.cockpit.declare(intent, at),
                };
                match result {
                    Ok(event) => {
                        let words = self
                            .cockpit
                            .journal
                            .incident(event.incident)
                            .map(|i| describe(&event, i))
                            .map(|l| l.text)
                            .unwrap_or_default();
                        (self.send)(Reply::Acted {
                            token,
                            result: Ok(words),
                        });
                        if declaring {
                            self.send_incidents();
                            self.select(event.incident);
                        } else {
                            self.refresh();
                        }
                    }
                    Err(e) => (self.send)(Reply::Acted {
                        token,
                        result: Err(e.into()),
                    }),
                }
            }
            Request::SyncRows => {
                let rows = self.sync_rows();
                (self.send)(Reply::SyncRows(rows));
            }
            Request::SyncRetry(id) => {
                let r = crate::sync::Outbox::open(&self.cockpit.journal).and_then(|o| o.retry(id));
                let result = r
                    .map(|row| format!("row {} to {} is back in line", row.id, row.endpoint))
                    .map_err(WorkerError::from);
                (self.send)(Reply::Acted { token: 0, result });
                (self.send)(Reply::SyncRows(self.sync_rows()));
            }
            Request::SyncDrop { row, reason } => {
                let (author, now) = (self.cockpit.author.clone(), self.cockpit.now());
                let result = crate::sync::Outbox::open(&self.cockpit.journal)
                    .and_then(|o| {
                        crate::sync::drop_row(
                            &mut self.cockpit.journal,
                            &o,
                            row,
                            &author,
                            now,
                            &reason,
                        )
                    })
                    .map(|_| format!("row {row} dropped; the timeline records it"))
                    .map_err(WorkerError::from);
                (self.send)(Reply::Acted { token: 0, result });
                (self.send)(Reply::SyncRows(self.sync_rows()));
                self.refresh();
            }
            Request::Export { format } => {
                // Read here, on the executor's side: `update` stays free of the environment.
                let dir = std::env::current_dir().unwrap_or_else(|_| std::path::PathBuf::from("."));
                let result = self.export(format, &dir);
                (self.send)(Reply::Exported(result));
            }
            Request::Shutdown => {}
        }
    }

    fn sync_rows(&self) -> Result<Vec<crate::sync::OutboxRow>, WorkerError> {
        crate::sync::Outbox::open(&self.cockpit.journal)
            .and_then(|o| o.rows(crate::sync::RowFilter::Open, 200))
            .map_err(WorkerError::from)
    }

    /// Draft the postmortem from the whole journal of the current incident (007).
    fn export(
        &mut self,
        format: crate::export::Format,
        dir: &std::path::Path,
    ) -> Result<(std::path::PathBuf, usize), WorkerError> {
        let id = self.current.ok_or(WorkerError::NoIncident)?;
        let j = &mut self.cockpit.journal;
        let events = j.events(id, &crate::journal::TimelineQuery::default())?;
        let pb = j.playbook_of(id)?;
        let incident = j.incident(id)?.clone();
        let user_templates = crate::config::Paths::discover().map(|p| p.user_templates());
        let templates = crate::export::Templates::load(user_templates.as_deref())?;
        let now = self.cockpit.now();
        let written = crate::export::write_draft(
            &incident,
            &events,
            &pb,
            now,
            self.cockpit.zone,
            format,
            &templates,
            dir,
        )?;
        Ok((written.path, written.findings))
    }

    fn select(&mut self, id: IncidentId) {
        self.current = Some(id);
        self.send_current();
        self.reset_timeline(id);
    }

    fn send_current(&mut self) {
        let Some(id) = self.current else { return };
        let pb = self.cockpit.journal.playbook_of(id);
        let Some(playbook) = self.report(pb) else {
            return;
        };
        // Shared with the journal's cache, not copied (issue 14: memory).
        let inc = self.cockpit.journal.incident_shared(id);
        if let Some(incident) = self.report(inc) {
            (self.send)(Reply::Current { incident, playbook });
        }
    }

    fn reset_timeline(&mut self, id: IncidentId) {
        // The newest sequence number first: anything written while the page is
        // read then comes with the next poll (duplicates are dropped by seq),
        // instead of falling between the page and `last_seq`.
        let Some(last_seq) = self.report(self.cockpit.journal.last_seq()) else {
            return;
        };
        let page = self
            .cockpit
            .journal
            .timeline_page(id, &self.filter, None, PAGE);
        let Some(events) = self.report(page) else {
            return;
        };
        self.last_seq = last_seq;
        let more_before = events.len() == PAGE;
        let rows = self.rows(id, &events);
        // The page goes out before the count: counting a 1,000,000-event
        // timeline takes ~90 ms, and the first frame should not wait for it.
        (self.send)(Reply::TimelineReset {
            incident: id,
            filter: self.filter.clone(),
            total: rows.len(),
            rows,
            more_before,
        });
        if more_before {
            let count = self.cockpit.journal.timeline_count(id, &self.filter);
            if let Some(total) = self.report(count) {
                (self.send)(Reply::TimelineTotal {
                    incident: id,
                    filter: self.filter.clone(),
                    total,
                });
            }
        }
    }

    /// Another process (or we) wrote: send what changed.
    fn refresh(&mut self) {
        self.send_incidents();
        let Some(id) = self.current else { return };
        self.send_current();
        let since = self
            .cockpit
            .journal
            .timeline_since(id, &self.filter, self.last_seq);
        let Some(events) = self.report(since) else {
            return;
        };
        self.last_seq = self.cockpit.journal.last_seq().unwrap_or(self.last_seq);
        if !events.is_empty() {
            let rows = self.rows(id, &events);
            (self.send)(Reply::TimelineNew { incident: id, rows });
        }
    }

    fn poll(&mut self) {
        let Ok(v) = self.cockpit.journal.data_version() else {
            return;
        };
        if v != self.data_version {
            self.data_version = v;
            self.refresh();
        }
    }

    fn send_incidents(&mut self) {
        let books = self.cockpit.journal.playbooks().clone();
        let Some(ids) = self.report(self.cockpit.journal.incident_ids()) else {
            return;
        };
        let mut list = Vec::with_capacity(ids.len());
        for id in ids {
            // Borrowed, not cloned: a long incident's fold is megabytes.
            let i = match self.cockpit.journal.incident(id) {
                Ok(i) => i,
                Err(e) => {
                    (self.send)(Reply::Failed(e.into()));
                    return;
                }
            };
            list.push(IncidentSummary {
                id: i.id,
                title: i.title.clone(),
                severity: i.severity.clone(),
                state: i.state.clone(),
                open: books.get(&i.playbook).is_none_or(|pb| i.is_open(&pb)),
                declared_at: i.declared_at,
            });
        }
        (self.send)(Reply::Incidents(list));
    }

    fn rows(&mut self, id: IncidentId, events: &[Event]) -> Vec<TimelineRow> {
        let Ok(pb) = self.cockpit.journal.playbook_of(id) else {
            return Vec::new();
        };
        let Ok(incident) = self.cockpit.journal.incident(id) else {
            return Vec::new();
        };
        events
            .iter()
            .map(|e| {
                let line = describe(e, incident);
                let (at, seq) = key_of(e);
                TimelineRow {
                    seq,
                    id: e.id,
                    at,
                    author: e.author.clone(),
                    label: line.label,
                    text: line.text,
                    private: matches!(e.kind, crate::domain::EventKind::Note { private: true, .. }),
                    tag_highlight: incident.highlighted_by_tag(e, &pb),
                }
            })
            .collect()
    }
}
