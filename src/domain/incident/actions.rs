//! Active measures through the approval queue (001: "any new active measures
//! need to be approved by incident commander"), and the check-ins that review
//! them (001's loop).

use super::known::non_empty;
use super::model::{Action, ActionStatus, ActionStep, CheckInRecord, Incident};
use crate::domain::event::{ActionUpdate, CheckIn, Event, EventKind, Proposal};
use crate::domain::ids::EventId;
use crate::domain::playbook::Playbook;
use crate::domain::rules::RuleError;

/// An action event that passed its rules.
pub(super) enum Change<'e> {
    Proposed(&'e Proposal),
    /// A step along the way, to `to` (approved, started, done, ...).
    Moved {
        update: &'e ActionUpdate,
        to: ActionStatus,
    },
    Amended {
        action: EventId,
        proposal: &'e Proposal,
    },
    CheckIn(&'e CheckIn),
}

/// The status an action update event moves its action to.
fn target(kind: &EventKind) -> Option<(&ActionUpdate, ActionStatus)> {
    use EventKind::*;
    Some(match kind {
        ActionApproved(u) => (u, ActionStatus::Approved),
        ActionRejected(u) => (u, ActionStatus::Rejected),
        ActionInfoRequested(u) => (u, ActionStatus::InfoRequested),
        ActionStarted(u) => (u, ActionStatus::Started),
        ActionDone(u) => (u, ActionStatus::Done),
        ActionFailed(u) => (u, ActionStatus::Failed),
        ActionReverted(u) => (u, ActionStatus::Reverted),
        _ => return None,
    })
}

/// `None`: not an action event.
pub(super) fn check<'e>(
    inc: &Incident,
    e: &'e Event,
    pb: &Playbook,
) -> Option<Result<Change<'e>, RuleError>> {
    use EventKind::*;
    if let Some((update, to)) = target(&e.kind) {
        return Some(
            inc.check_move(pb, update, to, &e.author)
                .map(|()| Change::Moved { update, to }),
        );
    }
    Some(match &e.kind {
        ActionProposed(p) => {
            non_empty(&p.what, "what the action does").map(|()| Change::Proposed(p))
        }
        ActionAmended { action, proposal } => {
            inc.check_amend(*action, proposal)
                .map(|()| Change::Amended {
                    action: *action,
                    proposal,
                })
        }
        CheckInHeld(c) => non_empty(&c.status, "the status report").map(|()| Change::CheckIn(c)),
        _ => return None,
    })
}

impl Incident {
    fn check_move(
        &self,
        pb: &Playbook,
        update: &ActionUpdate,
        to: ActionStatus,
        author: &str,
    ) -> Result<(), RuleError> {
        let action = self
            .action(update.action)
            .ok_or_else(|| RuleError::UnknownAction(update.action.short()))?;
        if !action.status.may_become(to) {
            return Err(RuleError::ActionTransition {
                number: action.number,
                from: action.status.name().into(),
                to: to.name().into(),
            });
        }
        if to == ActionStatus::Rejected {
            // 001 / 000: the proposer learns why, and the timeline keeps it.
            non_empty(&update.reason, "the reason for rejecting")?;
        }
        if to.is_decision() {
            self.check_decider(pb, author)?;
        }
        Ok(())
    }

    fn check_amend(&self, action: EventId, proposal: &Proposal) -> Result<(), RuleError> {
        non_empty(&proposal.what, "what the action does")?;
        let a = self
            .action(action)
            .ok_or_else(|| RuleError::UnknownAction(action.short()))?;
        if a.status.awaits_decision() {
            Ok(())
        } else {
            Err(RuleError::ActionTransition {
                number: a.number,
                from: a.status.name().into(),
                to: "amended".into(),
            })
        }
    }

    /// 001: "any new active measures need to be approved by incident commander".
    /// Until someone holds a deciding role, whoever responds decides (003's
    /// cascade: the first responder holds every duty until the next engages).
    fn check_decider(&self, pb: &Playbook, author: &str) -> Result<(), RuleError> {
        let deciding: Vec<_> = pb.roles.iter().filter(|r| r.decides_actions).collect();
        let held = deciding
            .iter()
            .any(|r| self.holders(&r.key).next().is_some());
        if !held
            || deciding
                .iter()
                .any(|r| self.holders(&r.key).any(|h| h.person == author))
        {
            return Ok(());
        }
        Err(RuleError::NotDecider {
            roles: deciding
                .iter()
                .map(|r| r.name.as_str())
                .collect::<Vec<_>>()
                .join(" or "),
            person: author.to_string(),
        })
    }

    /// 001: "The team reviews the status of any mitigation or solution efforts
    /// that were put in place during the previous iteration of the loop."
    /// Approved measures still under way, and those whose outcome came since
    /// the last check-in.
    pub fn actions_to_review(&self) -> Vec<&Action> {
        let since = self.checkins.last().map(|c| c.at);
        self.actions
            .iter()
            .filter(|a| {
                let approved = a.history.iter().any(|h| h.status == ActionStatus::Approved);
                let running = matches!(a.status, ActionStatus::Approved | ActionStatus::Started);
                let changed_since = a
                    .history
                    .last()
                    .is_some_and(|h| since.is_none_or(|s| h.at >= s));
                approved && (running || changed_since)
            })
            .collect()
    }
}

pub(super) fn fold(inc: &mut Incident, e: &Event, change: Change<'_>) {
    let step = |status, reason: &str| ActionStep {
        status,
        at: e.at,
        by: e.author.clone(),
        reason: reason.to_string(),
    };
    match change {
        Change::Proposed(p) => {
            let number = inc.actions.len() + 1;
            inc.actions.push(Action {
                id: e.id,
                number,
                proposal: p.clone(),
                proposed_by: e.author.clone(),
                proposed_at: e.at,
                status: ActionStatus::Proposed,
                history: vec![step(ActionStatus::Proposed, "")],
                revisions: Vec::new(),
            });
        }
        Change::Moved { update, to } => {
            if let Some(a) = inc.actions.iter_mut().rev().find(|a| a.id == update.action) {
                a.status = to;
                a.history.push(step(to, &update.reason));
            }
        }
        Change::Amended { action, proposal } => {
            if let Some(a) = inc.actions.iter_mut().find(|a| a.id == action) {
                let old = std::mem::replace(&mut a.proposal, proposal.clone());
                a.revisions.push(old);
                a.status = ActionStatus::Proposed;
                a.history.push(step(ActionStatus::Proposed, "amended"));
            }
        }
        Change::CheckIn(c) => inc.checkins.push(CheckInRecord {
            id: e.id,
            at: e.at,
            by: e.author.clone(),
            checkin: c.clone(),
        }),
    }
}

impl Incident {
    /// Actions approved or started and never marked done, failed or
    /// reverted: closing warns and lists them (000: "Document every
    /// outstanding action item"; issue 12).
    pub fn outstanding_actions(&self) -> Vec<&Action> {
        self.actions
            .iter()
            .filter(|a| matches!(a.status, ActionStatus::Approved | ActionStatus::Started))
            .collect()
    }
}
