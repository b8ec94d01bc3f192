//! The cockpit service: the one place where intents become journal events.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use std::sync::Arc;

use super::intent::Intent;
use crate::domain::clocks::{ClockStatus, clocks};
use crate::domain::playbook::Phase;
use crate::domain::time::Clock;
use crate::domain::{Event, Incident, IncidentId, RuleError};
use crate::journal::{Journal, JournalError};

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error(transparent)]
    Journal(#[from] JournalError),
    #[error("there is no open incident; declare one with `cockpit declare TITLE --severity SEV`")]
    NoOpenIncident,
    #[error("several incidents are open; pick one with --incident: {0}")]
    SeveralOpen(String),
    #[error("unknown playbook `{given}`; installed: {valid}")]
    UnknownPlaybook { given: String, valid: String },
}

impl AppError {
    /// The rule error inside, if this is one.
    pub fn rule(&self) -> Option<&RuleError> {
        match self {
            AppError::Journal(JournalError::Rule(r)) => Some(r),
            _ => None,
        }
    }
}

impl From<RuleError> for AppError {
    fn from(e: RuleError) -> Self {
        AppError::Journal(JournalError::Rule(e))
    }
}

pub struct Cockpit {
    pub journal: Journal,
    pub author: String,
    /// Playbook for newly declared incidents.
    pub playbook: String,
    /// The user's time zone for out-of-hours and business-day clocks;
    /// `None`: the system's local zone.
    pub zone: Option<Tz>,
    clock: Arc<dyn Clock>,
}

impl Cockpit {
    pub fn new(
        journal: Journal,
        author: String,
        playbook: String,
        clock: Arc<dyn Clock>,
    ) -> Result<Self, AppError> {
        if journal.playbooks().get(&playbook).is_none() {
            return Err(AppError::UnknownPlaybook {
                given: playbook,
                valid: journal.playbooks().names().collect::<Vec<_>>().join(", "),
            });
        }
        Ok(Self {
            journal,
            author,
            playbook,
            zone: None,
            clock,
        })
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    pub fn clock(&self) -> Arc<dyn Clock> {
        self.clock.clone()
    }

    /// Declare a new incident; returns its `declared` event.
    pub fn declare(
        &mut self,
        intent: Intent,
        at: Option<DateTime<Utc>>,
    ) -> Result<Event, AppError> {
        let pb = self
            .journal
            .playbooks()
            .get(&self.playbook)
            .expect("checked in new");
        let intent = match intent {
            Intent::Declare {
                title,
                severity,
                summary,
                security,
                ..
            } => Intent::Declare {
                title,
                severity,
                summary,
                security,
                playbook: self.playbook.clone(),
            },
            other => other,
        };
        let kind = intent.into_event(None, &pb, &self.author)?;
        let now = self.now();
        let event = Event::new(
            IncidentId::new(),
            &self.author,
            at.unwrap_or(now),
            now,
            kind,
        );
        Ok(self.journal.append(event)?)
    }

    /// Record what the user asked for on `incident`; returns the stored event.
    pub fn act(
        &mut self,
        incident: IncidentId,
        intent: Intent,
        at: Option<DateTime<Utc>>,
    ) -> Result<Event, AppError> {
        if matches!(intent, Intent::Declare { .. }) {
            return self.declare(intent, at);
        }
        let pb = self.journal.playbook_of(incident)?;
        let state = self.journal.incident(incident)?;
        let kind = intent.into_event(Some(state), &pb, &self.author)?;
        let now = self.now();
        let event = Event::new(incident, &self.author, at.unwrap_or(now), now, kind);
        Ok(self.journal.append(event)?)
    }

    /// The incident's clocks now, in the user's time zone, most pressing first.
    pub fn clocks(&mut self, incident: IncidentId) -> Result<Vec<ClockStatus>, AppError> {
        let now = self.now();
        let pb = self.journal.playbook_of(incident)?;
        let state = self.journal.incident(incident)?;
        Ok(match &self.zone {
            Some(tz) => clocks(state, &pb, now, tz),
            None => clocks(state, &pb, now, &chrono::Local),
        })
    }

    /// The incident to work on: the one named (by id prefix), else the only open one.
    pub fn pick_incident(&mut self, given: Option<&str>) -> Result<IncidentId, AppError> {
        if let Some(prefix) = given {
            return Ok(self.journal.resolve_incident(prefix)?);
        }
        let open = self.open_incidents()?;
        match open.as_slice() {
            [one] => Ok(one.id),
            [] => Err(AppError::NoOpenIncident),
            many => Err(AppError::SeveralOpen(
                many.iter()
                    .map(|i| format!("{} ({})", i.id.short(), i.title))
                    .collect::<Vec<_>>()
                    .join(", "),
            )),
        }
    }

    /// Incidents not yet closed, oldest first.
    pub fn open_incidents(&mut self) -> Result<Vec<Incident>, AppError> {
        let all = self.journal.incidents()?;
        let books = self.journal.playbooks().clone();
        Ok(all
            .into_iter()
            .filter(|i| {
                books
                    .get(&i.playbook)
                    .is_none_or(|pb| i.phase(&pb) != Phase::Closed)
            })
            .collect())
    }
}
