//! What every chat reader task shares (`Ctx`) and the timing they all keep:
//! a leaf, so a reader never imports the module that starts it.

use chrono::{DateTime, Utc};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::domain::playbook::PlaybookSet;
use crate::domain::time::Clock;
use crate::domain::{Event, IncidentId};
use crate::journal::{Journal, JournalError};
use crate::sync::health::{ReadHealth, ReadState};
use crate::sync::outbox::Outbox;

/// How long a socket may stay silent (not even a ping) before it is
/// presumed half-open and replaced.
pub const IDLE: Duration = Duration::from_secs(90);
/// How often an open socket re-checks which incident the channel is for.
pub const RECHECK: Duration = Duration::from_secs(15);
/// How often a channel with no open incident is looked at again.
pub const IDLE_POLL: Duration = Duration::from_secs(5);

/// What every reader task shares: its own journal connection, the clock,
/// the published health.
pub struct Ctx {
    journal: Mutex<Option<(Journal, Outbox)>>,
    path: PathBuf,
    playbooks: Arc<PlaybookSet>,
    pub clock: Arc<dyn Clock>,
    pub client: reqwest::Client,
    health: Arc<Mutex<BTreeMap<String, ReadHealth>>>,
}

impl Ctx {
    pub(super) fn new(
        path: PathBuf,
        playbooks: Arc<PlaybookSet>,
        clock: Arc<dyn Clock>,
        health: Arc<Mutex<BTreeMap<String, ReadHealth>>>,
    ) -> Self {
        Self {
            journal: Mutex::new(None),
            path,
            playbooks,
            clock,
            client: crate::sync::http::client(),
            health,
        }
    }

    fn with_journal<T>(
        &self,
        f: impl FnOnce(&mut Journal, &Outbox) -> Result<T, String>,
    ) -> Result<T, String> {
        let mut guard = self.journal.lock().expect("journal lock");
        if guard.is_none() {
            let j = Journal::open(&self.path, self.playbooks.clone()).map_err(|e| e.to_string())?;
            let o = Outbox::open(&j).map_err(|e| e.to_string())?;
            *guard = Some((j, o));
        }
        let (j, o) = guard.as_mut().expect("opened");
        f(j, o)
    }

    /// The incident the channel was last told about, with when it was
    /// declared, while it is open; `None` otherwise (nothing to read).
    pub async fn open_incident(
        self: &Arc<Self>,
        endpoint: &str,
    ) -> Result<Option<(IncidentId, DateTime<Utc>)>, String> {
        let cx = self.clone();
        let endpoint = endpoint.to_string();
        tokio::task::spawn_blocking(move || {
            cx.with_journal(|j, o| {
                let Some(id) = o.last_incident(&endpoint).map_err(|e| e.to_string())? else {
                    return Ok(None);
                };
                let pb = j.playbook_of(id).map_err(|e| e.to_string())?;
                let inc = j.incident(id).map_err(|e| e.to_string())?;
                Ok(inc.is_open(&pb).then_some((id, inc.declared_at)))
            })
        })
        .await
        .expect("journal task does not panic")
    }

    /// Append notes in order, each once; how many were new.
    pub async fn append(self: &Arc<Self>, notes: Vec<Event>) -> Result<usize, String> {
        if notes.is_empty() {
            return Ok(0);
        }
        let cx = self.clone();
        tokio::task::spawn_blocking(move || {
            cx.with_journal(|j, _| {
                let mut n = 0;
                for note in notes {
                    n += j
                        .append_once(note)
                        .map_err(|e: JournalError| e.to_string())?
                        .is_some() as usize;
                }
                Ok(n)
            })
        })
        .await
        .expect("journal task does not panic")
    }

    /// Publish a channel's state (an error is redacted by the caller).
    pub fn set(&self, endpoint: &str, state: ReadState, error: Option<String>) {
        let mut h = self.health.lock().expect("health lock");
        let e = h.entry(endpoint.to_string()).or_insert_with(|| ReadHealth {
            endpoint: endpoint.to_string(),
            state,
            last_message: None,
            error: None,
        });
        e.state = state;
        e.error = error;
    }

    /// Note that a message written at `at` was read.
    pub fn heard(&self, endpoint: &str, at: DateTime<Utc>) {
        let mut h = self.health.lock().expect("health lock");
        if let Some(e) = h.get_mut(endpoint) {
            e.last_message = Some(e.last_message.map_or(at, |t| t.max(at)));
        }
    }
}

/// A uniform draw for reconnect jitter.
pub fn unit() -> f64 {
    rand::random::<f64>()
}
