//! One line of words per event, shared by the CLI timeline, the screen's
//! timeline pane and the export. Pure: it reads the event and the incident.

use super::event::Trend;
use super::{Event, EventKind, Incident};

/// What the timeline shows for one event: a short label and the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub label: String,
    pub text: String,
}

fn line(label: &str, text: impl Into<String>) -> Line {
    Line {
        label: label.to_string(),
        text: text.into(),
    }
}

pub fn describe(e: &Event, incident: &Incident) -> Line {
    use EventKind::*;
    let action = |id| {
        incident
            .action(id)
            .map(|a| format!("#{} {}", a.number, a.proposal.what))
            .unwrap_or_else(|| "an unknown action".into())
    };
    let with_reason = |base: String, reason: &str| {
        if reason.is_empty() {
            base
        } else {
            format!("{base}: {reason}")
        }
    };
    match &e.kind {
        Declared {
            title,
            severity,
            summary,
            security,
            playbook,
        } => {
            let mut t = format!("declared {severity} \"{title}\" (playbook {playbook})");
            if !summary.is_empty() {
                t.push_str(&format!(": {summary}"));
            }
            if *security {
                t.push_str(" [security]");
            }
            line("declared", t)
        }
        TitleChanged { title } => line("title", format!("title is now \"{title}\"")),
        SummaryChanged { summary } => line("summary", summary.clone()),
        SeverityChanged { severity, reason } => line(
            "severity",
            with_reason(format!("severity {severity}"), reason),
        ),
        StateChanged { state, reason } => {
            line("state", with_reason(format!("state {state}"), reason))
        }
        ServiceStatusChanged { status, reason } => line(
            "service",
            with_reason(format!("service status {status}"), reason),
        ),
        RoleAssigned { role, person } => line("role", format!("{person} assigned {role}")),
        RoleEngaged { role, person } => line("role", format!("{person} engaged as {role}")),
        RoleReleased { role, person } => line("role", format!("{person} released from {role}")),
        RoleHandedOff {
            role,
            from,
            to,
            briefing,
        } => {
            let mut t = format!("{from} is handing off {role} to {to}");
            for (label, v) in [
                ("status", &briefing.status),
                ("open hypotheses", &briefing.hypotheses_open),
                ("eliminated", &briefing.hypotheses_eliminated),
                ("last customer update", &briefing.last_customer_update),
                ("channels", &briefing.channels),
                ("people", &briefing.people),
            ] {
                if !v.is_empty() {
                    t.push_str(&format!("\n{label}: {v}"));
                }
            }
            if let Some(at) = briefing.last_customer_update_at {
                t.push_str(&format!(
                    "\nlast customer update at {}",
                    at.format("%H:%M UTC")
                ));
            }
            line("handoff", t)
        }
        HandoffAccepted { role, person } => {
            line("handoff", format!("{person}: I have command ({role})"))
        }
        HandoffDeclined { role, reason } => line(
            "handoff",
            with_reason(format!("handoff of {role} declined"), reason),
        ),
        ChecklistStepDone {
            checklist,
            step,
            note,
        } => line(
            "checklist",
            with_reason(format!("{checklist}: done {step}"), note),
        ),
        ChecklistStepUndone {
            checklist,
            step,
            reason,
        } => line(
            "checklist",
            with_reason(format!("{checklist}: reopened {step}"), reason),
        ),
        ActionAmended {
            action: id,
            proposal,
        } => {
            let mut t = format!("amended {}", action(*id));
            for (k, v) in [
                ("what", &proposal.what),
                ("why", &proposal.why),
                ("risk", &proposal.risk),
                ("revert", &proposal.revert),
            ] {
                if !v.is_empty() {
                    t.push_str(&format!("; {k}: {v}"));
                }
            }
            line("action", t)
        }
        RetrospectiveScheduled {
            facilitator,
            on,
            link,
            exception,
        } => {
            let mut t = format!("review scheduled, facilitated by {facilitator}");
            if let Some(on) = on {
                t.push_str(&format!(" on {on}"));
            }
            if !link.is_empty() {
                t.push_str(&format!(" ({link})"));
            }
            line("review", with_reason(t, exception))
        }
        Note { text, tag, private } => line(
            tag,
            if *private {
                format!("(private) {text}")
            } else {
                text.clone()
            },
        ),
        Highlighted { event } => line("highlight", format!("highlighted {}", event.short())),
        Amended { event, text } => line(
            "amended",
            format!("correction to {}: {text}", event.short()),
        ),
        ActionProposed(p) => {
            let number = incident.action(e.id).map(|a| a.number).unwrap_or(0);
            let mut t = format!("proposed #{number} {}", p.what);
            for (k, v) in [("why", &p.why), ("risk", &p.risk), ("revert", &p.revert)] {
                if !v.is_empty() {
                    t.push_str(&format!("; {k}: {v}"));
                }
            }
            line("action", t)
        }
        ActionApproved(u) => line(
            "action",
            with_reason(format!("approved {}", action(u.action)), &u.reason),
        ),
        ActionRejected(u) => line(
            "action",
            with_reason(format!("rejected {}", action(u.action)), &u.reason),
        ),
        ActionInfoRequested(u) => line(
            "action",
            with_reason(format!("asked for more on {}", action(u.action)), &u.reason),
        ),
        ActionStarted(u) => line(
            "action",
            with_reason(format!("started {}", action(u.action)), &u.reason),
        ),
        ActionDone(u) => line(
            "action",
            with_reason(format!("done {}", action(u.action)), &u.reason),
        ),
        ActionFailed(u) => line(
            "action",
            with_reason(format!("failed {}", action(u.action)), &u.reason),
        ),
        ActionReverted(u) => line(
            "action",
            with_reason(format!("reverted {}", action(u.action)), &u.reason),
        ),
        CheckInHeld(c) => {
            let trend = match c.trend {
                Some(Trend::Better) => " (better)",
                Some(Trend::Worse) => " (worse)",
                Some(Trend::Same) => " (same)",
                None => "",
            };
            let mut t = format!("check-in{trend}: {}", c.status);
            if !c.next.is_empty() {
                t.push_str(&format!("; next: {}", c.next));
            }
            line("check-in", t)
        }
        CommsSent { audience, text } => line("comms", format!("to {audience}: {text}")),
        LinkSet { link, url } => line("link", format!("{link}: {url}")),
        OutageStarted {} => line("outage", "OUTAGE START"),
        OutageEnded {} => line("outage", "OUTAGE END"),
        CloseRequested {} => line("close", "Is anyone opposed to me closing this incident?"),
        ObjectionRaised { reason } => line("close", format!("objection: {reason}")),
        ObjectionWithdrawn { objection } => line(
            "close",
            format!("objection {} withdrawn", objection.short()),
        ),
        Closed {} => line("close", "incident closed"),
        Dismissed { verdict, reason } => {
            line("close", format!("closed: {} ({reason})", verdict.label()))
        }
        Reopened { reason } => line("state", with_reason("reopened".into(), reason)),
        FollowUpAdded(f) => {
            let mut t = format!("follow-up: {}", f.text);
            if !f.owner.is_empty() {
                t.push_str(&format!(" (owner {})", f.owner));
            }
            if let Some(due) = f.due {
                t.push_str(&format!(" due {due}"));
            }
            line("follow-up", t)
        }
        NearMiss { would_be_severity } => line(
            "near-miss",
            format!("recorded as a near miss (would have been {would_be_severity})"),
        ),
        SecurityFlagged { details } => line(
            "security",
            with_reason("security / PII incident".into(), details),
        ),
        ClockAcknowledged { clock } => line("clock", format!("acknowledged {clock}")),
        ClockSnoozed { clock, until } => line(
            "clock",
            format!("snoozed {clock} until {}", until.format("%H:%M UTC")),
        ),
        SyncDropped {
            endpoint,
            what,
            error,
            reason,
            ..
        } => {
            let mut t = format!("dropped a {what} to {endpoint}; it will never be sent");
            if !error.is_empty() {
                t.push_str(&format!(" (last error: {error})"));
            }
            line("sync", with_reason(t, reason))
        }
        RolePaged { .. } | PublicPostsHeld { .. } | RemoteLinked { .. } => {
            let (label, text) = super::remote::describe(&e.kind).expect("a remote kind");
            line(label, text)
        }
        Unrecognized { kind, .. } => line(kind, "(an event of a newer cockpit)"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{EventId, IncidentId};
    use chrono::Utc;

    #[test]
    fn a_dropped_sync_row_says_what_will_never_be_sent() {
        let e = Event::new(
            IncidentId::new(),
            "ann",
            Utc::now(),
            Utc::now(),
            EventKind::SyncDropped {
                endpoint: "pagerduty".into(),
                row: 7,
                event: EventId::new(),
                what: "trigger".into(),
                error: "400 invalid event".into(),
                reason: "wrong service".into(),
            },
        );
        let l = describe(&e, &Incident::new(e.incident));
        assert_eq!(l.label, "sync");
        assert_eq!(
            l.text,
            "dropped a trigger to pagerduty; it will never be sent (last error: 400 invalid event): wrong service"
        );
    }
}
