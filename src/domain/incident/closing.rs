//! Closing: the close request and the objections to it (000's closing
//! script: "Is anyone opposed to me closing this incident?"), the watch after
//! resolution (001), the near miss, and the retrospective scheduled after it
//! (001, 002, 003, 004). Also the one rule of what a closed incident still takes.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::Serialize;

use super::known::{known_severity, non_empty};
use super::model::{Dismissal, Incident, Objection, Retrospective, Span};
use crate::domain::event::{Event, EventKind, Verdict};
use crate::domain::ids::EventId;
use crate::domain::playbook::{Phase, Playbook, format_duration};
use crate::domain::rules::RuleError;
use crate::domain::time::human_duration;

/// A closed incident takes only what keeps the record (notes, links,
/// follow-ups, checklist ticks, the retrospective) and reopening.
pub(super) fn allowed_when_closed(kind: &EventKind) -> bool {
    use EventKind::*;
    matches!(
        kind,
        Note { .. }
            | Highlighted { .. }
            | Amended { .. }
            | FollowUpAdded(_)
            | LinkSet { .. }
            | Reopened { .. }
            | ClockAcknowledged { .. }
            | ClockSnoozed { .. }
            | ChecklistStepDone { .. }
            | ChecklistStepUndone { .. }
            | RetrospectiveScheduled { .. }
            | RemoteLinked { .. }
            | SyncDropped { .. }
    )
}

/// A closing event that passed its rules.
pub(super) enum Change<'e> {
    CloseRequested,
    Objection(&'e str),
    Withdrawn(EventId),
    Closed {
        state: String,
    },
    NearMiss(String),
    Dismissed {
        verdict: Verdict,
        reason: &'e str,
        state: String,
    },
    Retrospective {
        facilitator: &'e str,
        on: Option<NaiveDate>,
        link: &'e str,
        exception: &'e str,
    },
}

/// `None`: not a closing event.
pub(super) fn check<'e>(
    inc: &Incident,
    e: &'e Event,
    pb: &Playbook,
) -> Option<Result<Change<'e>, RuleError>> {
    use EventKind::*;
    Some(match &e.kind {
        CloseRequested {} => inc
            .check_closer(pb, &e.author)
            .and_then(|()| inc.check_resolved(pb))
            .and_then(|()| {
                if inc.close_requested.is_some() {
                    Err(RuleError::CloseAlreadyRequested)
                } else {
                    Ok(Change::CloseRequested)
                }
            }),
        ObjectionRaised { reason } => non_empty(reason, "the objection").and_then(|()| {
            if inc.close_requested.is_none() {
                Err(RuleError::CloseNotRequested)
            } else {
                Ok(Change::Objection(reason))
            }
        }),
        ObjectionWithdrawn { objection } => {
            if inc.standing_objections().any(|o| o.id == *objection) {
                Ok(Change::Withdrawn(*objection))
            } else {
                Err(RuleError::UnknownObjection(objection.short()))
            }
        }
        Closed {} => inc
            .check_closer(pb, &e.author)
            .and_then(|()| inc.check_close(pb, e.at))
            .map(|()| Change::Closed {
                state: pb.state_in_phase(Phase::Closed).key.clone(),
            }),
        // 000 responder script steps 4-5: whoever may close gives the verdict,
        // with its reason (it goes on the ticket); the record closes at once,
        // without the watch or the question "Is anyone opposed": there was no
        // incident to disband. Closed records refuse it (`allowed_when_closed`).
        Dismissed { verdict, reason } => inc
            .check_closer(pb, &e.author)
            .and_then(|()| non_empty(reason, "the reason"))
            .map(|()| Change::Dismissed {
                verdict: *verdict,
                reason,
                state: pb.state_in_phase(Phase::Closed).key.clone(),
            }),
        NearMiss { would_be_severity } => {
            known_severity(pb, would_be_severity).map(|s| Change::NearMiss(s.name.clone()))
        }
        RetrospectiveScheduled {
            facilitator,
            on,
            link,
            exception,
        } => inc
            .check_retrospective(pb, facilitator, exception)
            .map(|()| Change::Retrospective {
                facilitator,
                on: *on,
                link,
                exception,
            }),
        _ => return None,
    })
}

pub(super) fn fold(inc: &mut Incident, e: &Event, change: Change<'_>) {
    match change {
        Change::CloseRequested => {
            inc.close_requested = Some(Span {
                value: e.author.clone(),
                at: e.at,
            });
            inc.objections.clear();
        }
        Change::Objection(reason) => inc.objections.push(Objection {
            id: e.id,
            by: e.author.clone(),
            at: e.at,
            reason: reason.to_string(),
            withdrawn: false,
        }),
        Change::Withdrawn(objection) => {
            if let Some(o) = inc.objections.iter_mut().find(|o| o.id == objection) {
                o.withdrawn = true;
            }
        }
        Change::Closed { state } => inc.set_state(&state, Phase::Closed, e.at),
        Change::NearMiss(sev) => inc.near_miss = Some(sev),
        Change::Dismissed {
            verdict,
            reason,
            state,
        } => {
            inc.dismissed = Some(Dismissal {
                id: e.id,
                verdict,
                reason: reason.to_string(),
                by: e.author.clone(),
                at: e.at,
            });
            inc.set_state(&state, Phase::Closed, e.at);
        }
        Change::Retrospective {
            facilitator,
            on,
            link,
            exception,
        } => {
            inc.retrospective = Some(Retrospective {
                id: e.id,
                facilitator: facilitator.to_string(),
                on,
                link: link.to_string(),
                exception: exception.to_string(),
                scheduled_at: e.at,
                scheduled_by: e.author.clone(),
            });
        }
    }
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

    /// Who may request and confirm the close now: the current holders of the
    /// playbook's `[ownership] close_by` roles (`owner`: the incident's owner,
    /// 003), by default the role in command (000: "the IC asks and decides").
    /// While none of them is held, whoever declared keeps the authority,
    /// as 003's owner does before anyone engages.
    pub fn closers(&self, pb: &Playbook) -> Vec<String> {
        let commander = [pb.commander().key.clone()];
        let keys = if pb.ownership.close_by.is_empty() {
            &commander[..]
        } else {
            &pb.ownership.close_by[..]
        };
        let mut people: Vec<String> = Vec::new();
        for key in keys {
            if key == "owner" {
                people.push(self.owner(pb).person);
            } else {
                people.extend(self.holders(key).map(|h| h.person.clone()));
            }
        }
        if people.is_empty() {
            people.push(self.declared_by.clone());
        }
        people.dedup();
        people
    }

    /// 000: the IC asks and decides; everyone else may object, not close.
    fn check_closer(&self, pb: &Playbook, author: &str) -> Result<(), RuleError> {
        let closers = self.closers(pb);
        if closers.iter().any(|p| p == author) {
            return Ok(());
        }
        let names: Vec<String> = if pb.ownership.close_by.is_empty() {
            vec![pb.commander().name.clone()]
        } else {
            pb.ownership
                .close_by
                .iter()
                .map(|k| match pb.role(k) {
                    Some(r) => r.name.clone(),
                    None => format!("the incident {k}"),
                })
                .collect()
        };
        Err(RuleError::NotCloser {
            who: format!("{} ({})", names.join(" or "), closers.join(", ")),
            person: author.to_string(),
        })
    }

    fn check_resolved(&self, pb: &Playbook) -> Result<(), RuleError> {
        if self.phase(pb) == Phase::Resolved {
            Ok(())
        } else {
            Err(RuleError::NotResolved {
                resolved: pb.state_in_phase(Phase::Resolved).key.clone(),
                state: self.state.clone(),
            })
        }
    }

    pub(super) fn check_close(&self, pb: &Playbook, at: DateTime<Utc>) -> Result<(), RuleError> {
        self.check_resolved(pb)?;
        if self.close_requested.is_none() {
            return Err(RuleError::CloseNotRequested);
        }
        let standing = self.standing_objections().count();
        if standing > 0 {
            return Err(RuleError::ObjectionsStand(standing));
        }
        // 001: "wait an additional 15 minutes before you disband the response team"
        if let (Some(watch), Some(resolved)) = (pb.clocks.resolved_watch, self.resolved_at) {
            let remaining = resolved + watch - at;
            if remaining > chrono::Duration::zero() {
                // Issue 13: the playbook's duration, not 001's 15 minutes.
                return Err(RuleError::WatchNotOver {
                    remaining: human_duration(remaining),
                    watch: format_duration(watch),
                });
            }
        }
        // 000: the closing script's steps (bridge shut, topic reset, paging
        // resolved, actions documented, retrospective) where the playbook says so.
        if let Some((checklist, steps)) = self.close_blockers(pb).into_iter().next() {
            return Err(RuleError::ChecklistOpen {
                checklist,
                steps: steps.join(", "),
            });
        }
        Ok(())
    }

    fn check_retrospective(
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
