//! What a user asks for, before it is an event: the CLI and the screen's `:`
//! command line both produce these. Turning one into an event is pure: it
//! cleans outside text, spells keys the playbook's way and resolves "#3".

use chrono::{DateTime, NaiveDate, Utc};

use crate::domain::clocks::{clock_keys, mitigations_to_review};
use crate::domain::event::{ActionUpdate, Briefing, CheckIn, FollowUp, Proposal, Verdict};
use crate::domain::sanitize::{clean_line, clean_text};
use crate::domain::{EventId, EventKind, Incident, Playbook, RuleError};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActionStep {
    Approve,
    Reject,
    AskInfo,
    Start,
    Done,
    Fail,
    Revert,
}

impl ActionStep {
    pub fn verb(self) -> &'static str {
        match self {
            ActionStep::Approve => "approve",
            ActionStep::Reject => "reject",
            ActionStep::AskInfo => "info",
            ActionStep::Start => "start",
            ActionStep::Done => "done",
            ActionStep::Fail => "fail",
            ActionStep::Revert => "revert",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Intent {
    Declare {
        title: String,
        severity: String,
        summary: String,
        security: bool,
        playbook: String,
    },
    Title(String),
    Summary(String),
    Note {
        text: String,
        tag: Option<String>,
        private: bool,
    },
    Highlight(EventId),
    Amend {
        event: EventId,
        text: String,
    },
    RoleAssign {
        role: String,
        person: String,
    },
    RoleEngage {
        role: String,
        person: String,
    },
    RoleRelease {
        role: String,
        person: String,
    },
    RoleHandoff {
        role: String,
        from: Option<String>,
        to: String,
        briefing: Briefing,
    },
    State {
        state: String,
        reason: String,
    },
    Severity {
        severity: String,
        reason: String,
    },
    ServiceStatus {
        status: String,
        reason: String,
    },
    ActionPropose(Proposal),
    Action {
        step: ActionStep,
        reference: String,
        reason: String,
    },
    CheckIn(CheckIn),
    Comms {
        audience: String,
        text: String,
    },
    Link {
        kind: String,
        url: String,
    },
    OutageStart,
    OutageEnd,
    CloseRequest,
    Object(String),
    Withdraw(String),
    CloseConfirm,
    Reopen(String),
    FollowUp(FollowUp),
    NearMiss(String),
    /// 000 responder script steps 4-5 (issue 13).
    Dismiss {
        verdict: Verdict,
        reason: String,
    },
    Security(String),
    ClockAck(String),
    ClockSnooze {
        clock: String,
        until: DateTime<Utc>,
    },
    /// The incoming person's "I have command" (000); the author is the person.
    RoleAccept {
        role: String,
    },
    RoleDecline {
        role: String,
        reason: String,
    },
    /// Issue 17: page a role's on-call.
    RolePage {
        role: String,
        person: String,
    },
    /// 003: hold public posts back, or resume them.
    PublicHold {
        held: bool,
        reason: String,
    },
    ChecklistTick {
        checklist: String,
        step: String,
        note: String,
    },
    ChecklistUntick {
        checklist: String,
        step: String,
        reason: String,
    },
    /// Answer "asked for more": fields left `None` keep their current text.
    ActionAmend {
        reference: String,
        what: Option<String>,
        why: Option<String>,
        risk: Option<String>,
        revert: Option<String>,
    },
    Retrospective {
        facilitator: String,
        on: Option<NaiveDate>,
        link: String,
        exception: String,
    },
}

/// The verdict on a mitigation nobody reviewed at a check-in (issue 13).
pub const NOT_REVIEWED: &str = "not reviewed";

/// Split a leading tag prefix ("m: rolled back") off a note, per the playbook.
pub fn split_tag_prefix<'a>(pb: &'a Playbook, text: &'a str) -> (Option<&'a str>, &'a str) {
    for tag in pb.tags.iter().filter(|t| !t.prefix.is_empty()) {
        if let Some(rest) = text.strip_prefix(tag.prefix.as_str()) {
            return (Some(tag.key.as_str()), rest.trim_start());
        }
    }
    (None, text)
}

impl Intent {
    /// The event this intent writes, given the incident as it stands.
    /// `incident` is `None` only for a declaration.
    pub fn into_event(
        self,
        incident: Option<&Incident>,
        pb: &Playbook,
        author: &str,
    ) -> Result<EventKind, RuleError> {
        let need = || incident.ok_or(RuleError::NotDeclared);
        Ok(match self {
            Intent::Declare {
                title,
                severity,
                summary,
                security,
                playbook,
            } => EventKind::Declared {
                title: clean_line(&title),
                severity: canonical_severity(pb, &severity),
                summary: clean_text(&summary),
                security,
                playbook,
            },
            Intent::Title(t) => EventKind::TitleChanged {
                title: clean_line(&t),
            },
            Intent::Summary(s) => EventKind::SummaryChanged {
                summary: clean_text(&s),
            },
            Intent::Note { text, tag, private } => {
                let (prefixed, rest) = if tag.is_none() {
                    split_tag_prefix(pb, &text)
                } else {
                    (None, text.as_str())
                };
                let tag = tag.as_deref().or(prefixed).unwrap_or(&pb.default_tag);
                let tag = pb
                    .tag(tag)
                    .map(|t| t.key.clone())
                    .unwrap_or_else(|| tag.to_string());
                EventKind::Note {
                    text: clean_text(rest).trim_end().to_string(),
                    tag,
                    private,
                }
            }
            Intent::Highlight(event) => EventKind::Highlighted { event },
            Intent::Amend { event, text } => EventKind::Amended {
                event,
                text: clean_text(&text),
            },
            Intent::RoleAssign { role, person } => EventKind::RoleAssigned {
                role: canonical_role(pb, &role),
                person: clean_line(&person),
            },
            Intent::RoleEngage { role, person } => EventKind::RoleEngaged {
                role: canonical_role(pb, &role),
                person: clean_line(&person),
            },
            Intent::RoleRelease { role, person } => EventKind::RoleReleased {
                role: canonical_role(pb, &role),
                person: clean_line(&person),
            },
            Intent::RoleHandoff {
                role,
                from,
                to,
                briefing,
            } => {
                let role = canonical_role(pb, &role);
                // The outgoing person defaults to the current holder, or to whoever hands off.
                let from = match from {
                    Some(f) => clean_line(&f),
                    None => {
                        let holders: Vec<_> =
                            need()?.holders(&role).map(|h| h.person.clone()).collect();
                        match holders.as_slice() {
                            [one] => one.clone(),
                            _ => author.to_string(),
                        }
                    }
                };
                // 004: the briefing covers every item; what the outgoing person
                // leaves blank comes from the journal (never from private notes).
                let draft = need()?.briefing_draft(pb);
                EventKind::RoleHandedOff {
                    role,
                    from,
                    to: clean_line(&to),
                    briefing: fill_blanks(clean_briefing(briefing), draft),
                }
            }
            Intent::State { state, reason } => EventKind::StateChanged {
                state: canonical_state(pb, &state),
                reason: clean_text(&reason),
            },
            Intent::Severity { severity, reason } => EventKind::SeverityChanged {
                severity: canonical_severity(pb, &severity),
                reason: clean_text(&reason),
            },
            Intent::ServiceStatus { status, reason } => EventKind::ServiceStatusChanged {
                status: pb
                    .service_status(&status)
                    .map(|s| s.key.clone())
                    .unwrap_or(status),
                reason: clean_text(&reason),
            },
            Intent::ActionPropose(p) => EventKind::ActionProposed(Proposal {
                what: clean_line(&p.what),
                why: clean_text(&p.why),
                risk: clean_text(&p.risk),
                revert: clean_text(&p.revert),
            }),
            Intent::Action {
                step,
                reference,
                reason,
            } => {
                let action = need()?.find_action(&reference)?.id;
                let u = ActionUpdate {
                    action,
                    reason: clean_text(&reason),
                };
                match step {
                    ActionStep::Approve => EventKind::ActionApproved(u),
                    ActionStep::Reject => EventKind::ActionRejected(u),
                    ActionStep::AskInfo => EventKind::ActionInfoRequested(u),
                    ActionStep::Start => EventKind::ActionStarted(u),
                    ActionStep::Done => EventKind::ActionDone(u),
                    ActionStep::Fail => EventKind::ActionFailed(u),
                    ActionStep::Revert => EventKind::ActionReverted(u),
                }
            }
            Intent::CheckIn(c) => {
                let mut reviews: Vec<_> = c
                    .reviews
                    .into_iter()
                    .map(|r| crate::domain::event::MitigationReview {
                        action: r.action,
                        verdict: clean_line(&r.verdict),
                    })
                    .collect();
                // 001: the check-in "reviews the status of any mitigation";
                // one nobody gave a verdict is recorded "not reviewed", so
                // the export says so (issue 13), from the CLI as from the form.
                for a in incident.map(mitigations_to_review).unwrap_or_default() {
                    if !reviews.iter().any(|r| r.action == a.id) {
                        reviews.push(crate::domain::event::MitigationReview {
                            action: a.id,
                            verdict: NOT_REVIEWED.into(),
                        });
                    }
                }
                EventKind::CheckInHeld(CheckIn {
                    status: clean_text(&c.status),
                    trend: c.trend,
                    reviews,
                    next: clean_text(&c.next),
                })
            }
            Intent::Comms { audience, text } => EventKind::CommsSent {
                audience: clean_line(&audience),
                text: clean_text(&text),
            },
            Intent::Link { kind, url } => EventKind::LinkSet {
                link: pb
                    .link_kinds
                    .iter()
                    .find(|k| k.eq_ignore_ascii_case(&kind))
                    .cloned()
                    .unwrap_or(kind),
                url: clean_line(&url),
            },
            Intent::OutageStart => EventKind::OutageStarted {},
            Intent::OutageEnd => EventKind::OutageEnded {},
            Intent::CloseRequest => EventKind::CloseRequested {},
            Intent::Object(reason) => EventKind::ObjectionRaised {
                reason: clean_text(&reason),
            },
            Intent::Withdraw(reference) => {
                let inc = need()?;
                let mut standing = inc.standing_objections();
                let hit = if reference.is_empty() {
                    // Withdrawing "my" objection: the author's only standing one.
                    let mine: Vec<_> = inc
                        .standing_objections()
                        .filter(|o| o.by == author)
                        .collect();
                    if mine.len() == 1 {
                        Some(mine[0].id)
                    } else {
                        None
                    }
                } else {
                    standing
                        .find(|o| o.id.matches_prefix(&reference))
                        .map(|o| o.id)
                };
                EventKind::ObjectionWithdrawn {
                    objection: hit.ok_or(RuleError::UnknownObjection(reference))?,
                }
            }
            Intent::CloseConfirm => EventKind::Closed {},
            Intent::Reopen(reason) => EventKind::Reopened {
                reason: clean_text(&reason),
            },
            Intent::FollowUp(f) => EventKind::FollowUpAdded(FollowUp {
                text: clean_text(&f.text),
                owner: clean_line(&f.owner),
                criticality: clean_line(&f.criticality),
                due: f.due,
                from_event: f.from_event,
            }),
            Intent::Dismiss { verdict, reason } => EventKind::Dismissed {
                verdict,
                reason: clean_text(&reason),
            },
            Intent::NearMiss(sev) => EventKind::NearMiss {
                would_be_severity: canonical_severity(pb, &sev),
            },
            Intent::Security(details) => EventKind::SecurityFlagged {
                details: clean_text(&details),
            },
            Intent::ClockAck(clock) => EventKind::ClockAcknowledged {
                clock: known_clock(need()?, pb, &clock)?,
            },
            Intent::ClockSnooze { clock, until } => EventKind::ClockSnoozed {
                clock: known_clock(need()?, pb, &clock)?,
                until,
            },
            Intent::RoleAccept { role } => EventKind::HandoffAccepted {
                role: canonical_role(pb, &role),
                person: clean_line(author),
            },
            Intent::RolePage { role, person } => EventKind::RolePaged {
                role: canonical_role(pb, &role),
                person: clean_line(&person),
            },
            Intent::PublicHold { held, reason } => EventKind::PublicPostsHeld {
                held,
                reason: clean_text(&reason),
            },
            Intent::RoleDecline { role, reason } => EventKind::HandoffDeclined {
                role: canonical_role(pb, &role),
                reason: clean_text(&reason),
            },
            Intent::ChecklistTick {
                checklist,
                step,
                note,
            } => {
                let (checklist, step) = canonical_step(pb, &checklist, &step);
                EventKind::ChecklistStepDone {
                    checklist,
                    step,
                    note: clean_text(&note),
                }
            }
            Intent::ChecklistUntick {
                checklist,
                step,
                reason,
            } => {
                let (checklist, step) = canonical_step(pb, &checklist, &step);
                EventKind::ChecklistStepUndone {
                    checklist,
                    step,
                    reason: clean_text(&reason),
                }
            }
            Intent::ActionAmend {
                reference,
                what,
                why,
                risk,
                revert,
            } => {
                let action = need()?.find_action(&reference)?;
                let old = &action.proposal;
                EventKind::ActionAmended {
                    action: action.id,
                    proposal: Proposal {
                        what: what.map_or_else(|| old.what.clone(), |w| clean_line(&w)),
                        why: why.map_or_else(|| old.why.clone(), |w| clean_text(&w)),
                        risk: risk.map_or_else(|| old.risk.clone(), |w| clean_text(&w)),
                        revert: revert.map_or_else(|| old.revert.clone(), |w| clean_text(&w)),
                    },
                }
            }
            Intent::Retrospective {
                facilitator,
                on,
                link,
                exception,
            } => EventKind::RetrospectiveScheduled {
                facilitator: clean_line(&facilitator),
                on,
                link: clean_line(&link),
                exception: clean_text(&exception),
            },
        })
    }
}

fn fill_blanks(mine: Briefing, draft: Briefing) -> Briefing {
    let pick = |a: String, b: String| if a.trim().is_empty() { b } else { a };
    Briefing {
        status: pick(mine.status, draft.status),
        hypotheses_open: pick(mine.hypotheses_open, draft.hypotheses_open),
        hypotheses_eliminated: pick(mine.hypotheses_eliminated, draft.hypotheses_eliminated),
        last_customer_update_at: if mine.last_customer_update.trim().is_empty() {
            mine.last_customer_update_at
                .or(draft.last_customer_update_at)
        } else {
            mine.last_customer_update_at
        },
        last_customer_update: pick(mine.last_customer_update, draft.last_customer_update),
        channels: pick(mine.channels, draft.channels),
        people: pick(mine.people, draft.people),
    }
}

fn clean_briefing(b: Briefing) -> Briefing {
    Briefing {
        status: clean_text(&b.status),
        hypotheses_open: clean_text(&b.hypotheses_open),
        hypotheses_eliminated: clean_text(&b.hypotheses_eliminated),
        last_customer_update: clean_text(&b.last_customer_update),
        last_customer_update_at: b.last_customer_update_at,
        channels: clean_text(&b.channels),
        people: clean_text(&b.people),
    }
}

/// The clock's key as the clocks spell it, or an error listing the valid ones.
fn known_clock(incident: &Incident, pb: &Playbook, given: &str) -> Result<String, RuleError> {
    let given = clean_line(given);
    let keys = clock_keys(incident, pb);
    keys.iter()
        .find(|k| k.eq_ignore_ascii_case(&given))
        .cloned()
        .ok_or_else(|| RuleError::UnknownClock {
            given,
            valid: keys.join(", "),
        })
}

fn canonical_severity(pb: &Playbook, s: &str) -> String {
    pb.severity(s)
        .map(|x| x.name.clone())
        .unwrap_or_else(|| s.to_string())
}

fn canonical_role(pb: &Playbook, s: &str) -> String {
    pb.role(s)
        .map(|x| x.key.clone())
        .unwrap_or_else(|| s.to_string())
}

/// The playbook's keys for a checklist and a step given by key or number;
/// unknown ones pass through for the fold to refuse with the valid choices.
fn canonical_step(pb: &Playbook, checklist: &str, step: &str) -> (String, String) {
    match pb.checklist(checklist) {
        Some(c) => (
            c.key.clone(),
            c.step(step)
                .map(|(_, s)| s.key.clone())
                .unwrap_or_else(|| clean_line(step)),
        ),
        None => (clean_line(checklist), clean_line(step)),
    }
}

fn canonical_state(pb: &Playbook, s: &str) -> String {
    pb.state(s)
        .map(|x| x.key.clone())
        .unwrap_or_else(|| s.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::BUILTIN_PLAYBOOKS;

    fn pb() -> Playbook {
        Playbook::parse("default.toml", BUILTIN_PLAYBOOKS[0].1).unwrap()
    }

    #[test]
    fn note_prefix_picks_the_tag_and_text_is_cleaned() {
        let k = Intent::Note {
            text: "m: rolled back\x1b[2J v42".into(),
            tag: None,
            private: false,
        }
        .into_event(None, &pb(), "ann")
        .unwrap();
        assert_eq!(
            k,
            EventKind::Note {
                text: "rolled back v42".into(),
                tag: "mitigation".into(),
                private: false
            }
        );
        let k = Intent::Note {
            text: "plain".into(),
            tag: Some("IMPACT".into()),
            private: true,
        }
        .into_event(None, &pb(), "ann")
        .unwrap();
        assert_eq!(
            k,
            EventKind::Note {
                text: "plain".into(),
                tag: "impact".into(),
                private: true
            }
        );
    }

    #[test]
    fn keys_are_spelled_the_playbooks_way() {
        let k = Intent::Declare {
            title: "t\x1b]0;x\x07".into(),
            severity: "sev2".into(),
            summary: String::new(),
            security: false,
            playbook: "default".into(),
        }
        .into_event(None, &pb(), "ann")
        .unwrap();
        assert!(
            matches!(k, EventKind::Declared { ref severity, ref title, .. } if severity == "SEV2" && title == "t")
        );
    }

    #[test]
    fn clock_names_are_checked_against_the_playbooks_clocks() {
        use crate::domain::{Event, IncidentId};
        let pb = pb();
        let mut inc = Incident::new(IncidentId::new());
        let at = chrono::Utc::now();
        let declared = Intent::Declare {
            title: "db down".into(),
            severity: "SEV1".into(),
            summary: String::new(),
            security: false,
            playbook: "default".into(),
        }
        .into_event(None, &pb, "ann")
        .unwrap();
        inc.apply(&Event::new(inc.id, "ann", at, at, declared), &pb)
            .unwrap();
        let k = Intent::ClockAck("CheckIn".into())
            .into_event(Some(&inc), &pb, "ann")
            .unwrap();
        assert_eq!(
            k,
            EventKind::ClockAcknowledged {
                clock: "checkin".into()
            }
        );
        let k = Intent::ClockSnooze {
            clock: "fatigue.IC".into(),
            until: at,
        }
        .into_event(Some(&inc), &pb, "ann")
        .unwrap();
        assert!(matches!(k, EventKind::ClockSnoozed { ref clock, .. } if clock == "fatigue.ic"));
        let e = Intent::ClockAck("coffee".into())
            .into_event(Some(&inc), &pb, "ann")
            .unwrap_err();
        let msg = e.to_string();
        assert!(
            msg.starts_with("unknown clock `coffee`; valid: checkin, status_update"),
            "{msg}"
        );
        assert!(
            msg.contains("security_report") && msg.contains("handoff.ic"),
            "{msg}"
        );
    }
}
