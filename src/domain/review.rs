//! Looking back: the measures to review at the next check-in (001), what
//! still stands between the incident and closing (000, 001), and the review
//! scheduled after it (001, 002, 003, 004).

use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::ids::EventId;
use super::incident::{Action, ActionStatus, Incident, Objection, Span};
use super::playbook::{Phase, Playbook};
use super::rules::RuleError;

/// The review after the incident, as scheduled.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Retrospective {
    pub id: EventId,
    pub facilitator: String,
    pub on: Option<NaiveDate>,
    pub link: String,
    pub exception: String,
    pub scheduled_at: DateTime<Utc>,
    pub scheduled_by: String,
}

/// Everything the close flow shows, in one place (000 closing script, 001 watch).
#[derive(Clone, Debug, Serialize)]
pub struct CloseReadiness {
    /// The question asked in the room (000).
    pub question: String,
    pub requested: Option<Span>,
    pub objections: Vec<Objection>,
    /// Time left in the watch after resolution (001), if any; seconds in JSON.
    #[serde(serialize_with = "seconds")]
    pub watch_remaining: Option<Duration>,
    /// Checklists that block closing, with their open steps.
    pub open_checklists: Vec<(String, Vec<String>)>,
    /// Why closing would be refused now, in one line; `None` when it would pass.
    pub refusal: Option<String>,
}

fn seconds<S: serde::Serializer>(d: &Option<Duration>, s: S) -> Result<S::Ok, S::Error> {
    match d {
        Some(d) => s.serialize_some(&d.num_seconds()),
        None => s.serialize_none(),
    }
}

impl Incident {
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

    /// Where the close flow stands at `now`.
    pub fn close_readiness(&self, pb: &Playbook, now: DateTime<Utc>) -> CloseReadiness {
        let watch_remaining = match (pb.clocks.resolved_watch, self.resolved_at) {
            (Some(w), Some(r)) if r + w > now => Some(r + w - now),
            _ => None,
        };
        CloseReadiness {
            question: pb
                .templates
                .get("close_request")
                .cloned()
                .unwrap_or_else(|| "Is anyone opposed to me closing this incident?".into()),
            requested: self.close_requested.clone(),
            objections: self.standing_objections().cloned().collect(),
            watch_remaining,
            open_checklists: self.close_blockers(pb),
            refusal: self.check_close(pb, now).err().map(|e| e.to_string()),
        }
    }

    pub(crate) fn check_retrospective(
        &self,
        pb: &Playbook,
        facilitator: &str,
        exception: &str,
    ) -> Result<(), RuleError> {
        let review = pb.retrospective.name.clone();
        if self.phase(pb) == Phase::Active {
            return Err(RuleError::ReviewTooEarly(review));
        }
        if facilitator.trim().is_empty() {
            return Err(RuleError::Empty("the facilitator"));
        }
        if !exception.trim().is_empty() {
            return Ok(());
        }
        // 001: "find someone (if at all possible, someone who was *not*
        // involved in the incident directly themselves) to facilitate";
        // 002: "facilitated by someone who was not involved in the incident".
        if pb.retrospective.facilitator_not_involved {
            let held: Vec<String> = self
                .roster
                .iter()
                .filter(|h| h.person == facilitator)
                .map(|h| pb.role(&h.role).map_or(h.role.clone(), |r| r.name.clone()))
                .collect();
            let how = if !held.is_empty() {
                let mut held = held;
                held.dedup();
                Some(format!("held {}", held.join(", ")))
            } else if self.declared_by == facilitator {
                Some("declared the incident".to_string())
            } else {
                None
            };
            if let Some(how) = how {
                return Err(RuleError::FacilitatorInvolved {
                    person: facilitator.to_string(),
                    how,
                });
            }
        }
        // 003: "the IMOC is responsible for conducting the post-incident review";
        // 004: "The Post Mortem Review (PMR) is scheduled and run by the Incident Owner".
        if let Some(role) = pb
            .retrospective
            .facilitator_role
            .as_deref()
            .and_then(|r| pb.role(r))
        {
            let mut holders: Vec<String> = self
                .roster
                .iter()
                .filter(|h| h.role == role.key)
                .map(|h| h.person.clone())
                .collect();
            holders.dedup();
            if !holders.is_empty() && !holders.iter().any(|h| h == facilitator) {
                return Err(RuleError::FacilitatorNotInRole {
                    role: role.name.clone(),
                    review,
                    person: facilitator.to_string(),
                    holders: holders.join(" or "),
                });
            }
        }
        Ok(())
    }
}
