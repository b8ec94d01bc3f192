//! Reading chat back: what responders say in the Matrix room reaches the
//! scribe's timeline as notes tagged `chat`, once each (their journal ids
//! derive from the Matrix event ids), for the incident the room was last
//! told about, while it is open.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use super::adapters::matrix;
use super::backoff::Outcome;
use super::http::{HttpRequest, Target, client, send};
use super::outbox::OutboxError;
use crate::config::EndpointKind;
use crate::domain::time::Clock;
use crate::journal::{Journal, JournalError};

/// Which incident a room belongs to: the one its endpoint last had an outbox
/// row for. The deliverer answers it (`sync::worker`); chat asks through this
/// trait so the two files do not import each other.
pub trait RoomOwners {
    fn room_owner(
        &self,
        endpoint: &str,
    ) -> impl Future<Output = Result<Option<crate::domain::IncidentId>, OutboxError>> + Send;
}

/// Reads Matrix rooms back into the timeline as notes tagged `chat`.
pub struct ChatReader {
    journal: Arc<Mutex<Journal>>,
    rooms: Vec<Arc<Target>>,
    whoami: HashMap<String, String>,
    client: reqwest::Client,
    clock: Arc<dyn Clock>,
}

/// How many of a room's newest messages each read looks at.
const READ_LIMIT: u32 = 50;

impl ChatReader {
    pub fn new(journal: Journal, targets: &[Arc<Target>], clock: Arc<dyn Clock>) -> Self {
        Self {
            journal: Arc::new(Mutex::new(journal)),
            rooms: targets
                .iter()
                .filter(|t| t.kind() == EndpointKind::Matrix && t.endpoint.read)
                .cloned()
                .collect(),
            whoami: HashMap::new(),
            client: client(),
            clock,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.rooms.is_empty()
    }

    /// Read every room once; returns how many new notes were added. Errors
    /// are per room and redacted.
    pub async fn read(&mut self, deliverer: &(impl RoomOwners + Sync)) -> (usize, Vec<String>) {
        let mut added = 0;
        let mut problems = Vec::new();
        for t in self.rooms.clone() {
            match self.read_room(&t, deliverer).await {
                Ok(n) => added += n,
                Err(e) => {
                    problems.push(format!("{}: reading the room: {}", t.name(), t.redact(&e)))
                }
            }
        }
        (added, problems)
    }

    async fn read_room(
        &mut self,
        t: &Target,
        deliverer: &(impl RoomOwners + Sync),
    ) -> Result<usize, String> {
        // The room belongs to the incident it was last told about, while open.
        let Some(incident) = deliverer
            .room_owner(t.name())
            .await
            .map_err(|e| e.to_string())?
        else {
            return Ok(0);
        };
        let journal = self.journal.clone();
        let open = tokio::task::spawn_blocking(move || -> Result<_, JournalError> {
            let mut j = journal.lock().expect("journal lock");
            let pb = j.playbook_of(incident)?;
            let inc = j.incident(incident)?;
            Ok(inc.is_open(&pb).then_some(inc.declared_at))
        })
        .await
        .expect("journal task does not panic")
        .map_err(|e| e.to_string())?;
        let Some(since) = open else { return Ok(0) };
        let me = match self.whoami.get(t.name()) {
            Some(me) => me.clone(),
            None => {
                let body = self.get_json(t, matrix::whoami_request(t)).await?;
                let me = body["user_id"]
                    .as_str()
                    .ok_or("whoami answered without user_id")?
                    .to_string();
                self.whoami.insert(t.name().to_string(), me.clone());
                me
            }
        };
        let body = self
            .get_json(t, matrix::messages_request(t, READ_LIMIT))
            .await?;
        let room = t.endpoint.room.clone().unwrap_or_default();
        let notes = matrix::chat_notes(&body, &room, &me, incident, since, self.clock.now());
        let journal = self.journal.clone();
        tokio::task::spawn_blocking(move || -> Result<usize, JournalError> {
            let mut j = journal.lock().expect("journal lock");
            let mut n = 0;
            for note in notes {
                n += j.append_once(note)?.is_some() as usize;
            }
            Ok(n)
        })
        .await
        .expect("journal task does not panic")
        .map_err(|e| e.to_string())
    }

    async fn get_json(
        &self,
        t: &Target,
        req: Option<HttpRequest>,
    ) -> Result<serde_json::Value, String> {
        let req = req.ok_or("the endpoint lacks a url, room or token")?;
        let a = send(&self.client, req, t.endpoint.timeout, self.clock.now())
            .await
            .map_err(|o| match o {
                Outcome::Retry { error, .. } | Outcome::Park { error } => error,
                Outcome::Delivered { .. } => String::new(),
            })?;
        if !a.is_success() {
            return Err(format!("{} {}", a.status, a.body.trim()));
        }
        serde_json::from_str(&a.body).map_err(|e| format!("not JSON: {e}"))
    }
}
