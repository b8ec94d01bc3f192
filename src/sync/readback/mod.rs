//! Live chat read-back (#19): what responders write in the incident's Slack
//! or Mattermost channel lands on the timeline as `chat` notes, once each
//! (note ids derive from the channel and the message id, appended with
//! `append_once`), in the order it was written.
//!
//! One task per channel, beside the delivery loop: it holds a WebSocket
//! (`ws`), catches up over REST after every (re)connect, and reconnects with
//! backoff. A stuck socket stalls only its own task; the screen reads the
//! health it publishes (`ReadHealth`) without waiting.

mod ctx;
pub mod mattermost;
pub mod slack;

pub use ctx::{Ctx, IDLE, IDLE_POLL, RECHECK, unit};

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use tokio::task::JoinHandle;

use super::health::{ReadHealth, ReadState};
use super::http::Target;
use crate::config::EndpointKind;
use crate::domain::playbook::PlaybookSet;
use crate::domain::time::Clock;

/// The running reader tasks; dropping it stops them.
pub struct LiveReaders {
    tasks: Vec<JoinHandle<()>>,
    health: Arc<Mutex<BTreeMap<String, ReadHealth>>>,
}

impl LiveReaders {
    /// One task per Slack or Mattermost endpoint with `read = true`.
    pub fn start(
        journal: PathBuf,
        playbooks: Arc<PlaybookSet>,
        clock: Arc<dyn Clock>,
        targets: &[Arc<Target>],
    ) -> Self {
        let health = Arc::new(Mutex::new(BTreeMap::new()));
        let cx = Arc::new(Ctx::new(journal, playbooks, clock, health.clone()));
        let mut tasks = Vec::new();
        for t in targets.iter().filter(|t| t.endpoint.read) {
            match t.kind() {
                EndpointKind::Slack => {
                    cx.set(t.name(), ReadState::Connecting, None);
                    tasks.push(tokio::spawn(slack::run(t.clone(), cx.clone())));
                }
                EndpointKind::Mattermost => {
                    cx.set(t.name(), ReadState::Connecting, None);
                    tasks.push(tokio::spawn(mattermost::run(t.clone(), cx.clone())));
                }
                _ => {}
            }
        }
        Self { tasks, health }
    }

    pub fn is_empty(&self) -> bool {
        self.tasks.is_empty()
    }

    /// Every channel's state, by endpoint name (never blocks on a socket).
    pub fn health(&self) -> Vec<ReadHealth> {
        self.health
            .lock()
            .expect("health lock")
            .values()
            .cloned()
            .collect()
    }
}

impl Drop for LiveReaders {
    fn drop(&mut self) {
        for t in &self.tasks {
            t.abort();
        }
    }
}
