//! The incident: a pure fold over its events. `apply` checks an event against
//! the playbook's rules first and changes nothing when it refuses, so the journal
//! can validate a new event on its cached state and roll back on refusal.
//!
//! This file only dispatches. Each concern owns the rules and the fold of its
//! events: `lifecycle`, `roster` (with `ownership`), `actions`, `closing`,
//! `checklists`, `record`. A concern's `check` returns a typed `Change` holding
//! every validated value its `fold` needs, so the fold never looks up again
//! what the check found; `model` holds the types they share.

mod actions;
mod checklists;
mod closing;
mod known;
mod lifecycle;
mod model;
mod ownership;
mod record;
mod remote;
pub mod roster;

pub use closing::CloseReadiness;
pub use lifecycle::{CLOCK_SKEW, heard_at};
pub use model::*;
pub use ownership::{Duty, Gap, GapKind, Owner};

use crate::domain::event::{Event, EventKind};
use crate::domain::ids::IncidentId;
use crate::domain::playbook::{Phase, Playbook};
use crate::domain::rules::RuleError;

/// An event that passed the rules of its concern, ready to fold.
enum Change<'e> {
    Lifecycle(lifecycle::Change<'e>),
    Roster(roster::Change<'e>),
    Actions(actions::Change<'e>),
    Closing(closing::Change<'e>),
    Checklists(checklists::Change<'e>),
    Record(record::Change<'e>),
    Remote(remote::Change),
}

impl Incident {
    /// Fold events in journal order. Events the rules refuse are recorded in
    /// `refused`, not applied; events of unknown kinds are skipped.
    pub fn replay<'a>(
        id: IncidentId,
        events: impl IntoIterator<Item = &'a Event>,
        playbook: &Playbook,
    ) -> Self {
        let mut incident = Incident::new(id);
        for e in events {
            incident.replay_one(e, playbook);
        }
        incident
    }

    /// Apply one stored event during replay, recording a refusal instead of failing.
    pub fn replay_one(&mut self, event: &Event, playbook: &Playbook) {
        match self.apply(event, playbook) {
            Ok(()) | Err(RuleError::Unrecognized(_)) => {}
            Err(e) => self.refused.push(Refused {
                event: event.id,
                reason: e.to_string(),
            }),
        }
    }

    /// Check `event` against the rules and, only if it passes, fold it in.
    pub fn apply(&mut self, event: &Event, pb: &Playbook) -> Result<(), RuleError> {
        let change = self.check(event, pb)?;
        self.fold(event, change);
        Ok(())
    }

    /// Rules every event meets, then the rules of the concern that owns it.
    fn check<'e>(&self, event: &'e Event, pb: &Playbook) -> Result<Change<'e>, RuleError> {
        let kind = &event.kind;
        if let EventKind::Unrecognized { kind, .. } = kind {
            return Err(RuleError::Unrecognized(kind.clone()));
        }
        if !matches!(kind, EventKind::Declared { .. }) {
            if !self.declared {
                return Err(RuleError::NotDeclared);
            }
            if self.phase(pb) == Phase::Closed && !closing::allowed_when_closed(kind) {
                return Err(RuleError::IncidentClosed);
            }
        }
        lifecycle::check_time(self, event)?;
        // Each concern answers `None` for kinds it does not own; the catalogue
        // test folds every kind, so a kind nobody owns fails there.
        None.or_else(|| lifecycle::check(self, event, pb).map(|r| r.map(Change::Lifecycle)))
            .or_else(|| roster::check(self, event, pb).map(|r| r.map(Change::Roster)))
            .or_else(|| actions::check(self, event, pb).map(|r| r.map(Change::Actions)))
            .or_else(|| closing::check(self, event, pb).map(|r| r.map(Change::Closing)))
            .or_else(|| checklists::check(self, event, pb).map(|r| r.map(Change::Checklists)))
            .or_else(|| record::check(self, event, pb).map(|r| r.map(Change::Record)))
            .or_else(|| remote::check(self, event, pb).map(|r| r.map(Change::Remote)))
            .unwrap_or_else(|| Err(RuleError::Unrecognized(kind.name())))
    }

    /// Fold an event that passed `check`.
    fn fold(&mut self, e: &Event, change: Change<'_>) {
        self.events += 1;
        self.last_event_at = Some(self.last_event_at.map_or(e.at, |t| t.max(e.at)));
        lifecycle::fold_time(self, e);
        match change {
            Change::Lifecycle(c) => lifecycle::fold(self, e, c),
            Change::Roster(c) => roster::fold(self, e, c),
            Change::Actions(c) => actions::fold(self, e, c),
            Change::Closing(c) => closing::fold(self, e, c),
            Change::Checklists(c) => checklists::fold(self, e, c),
            Change::Record(c) => record::fold(self, e, c),
            Change::Remote(c) => remote::fold(self, e, c),
        }
    }
}

#[cfg(test)]
mod tests;
