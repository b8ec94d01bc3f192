//! The draft's sections, each built from the folded incident and its events
//! (already in time order, private notes removed). Pure.

use std::collections::HashMap;

use super::handoffs;
use super::lint::lint_text;
use super::model::{
    Decision, Entry, FollowUpItem, Hypothesis, Link, Mitigation, Review, Step, TimelineEntry,
    WritingFinding,
};
use super::roles::role_key;
use crate::domain::describe::describe;
use crate::domain::incident::ActionStatus;
use crate::domain::{Event, EventId, EventKind, Incident, Playbook};

/// Which note tags feed which section. Tags are playbook data; these are the
/// keys of 001's scribe list as the default playbook spells them. A playbook
/// without one of them leaves that section empty, and every note still
/// appears in the timeline when it is highlighted.
pub const IMPACT_TAGS: &[&str] = &["impact"];
pub const MITIGATION_TAGS: &[&str] = &["mitigation"];
pub const DECISION_TAGS: &[&str] = &["decision"];
pub const HYPOTHESIS_TAGS: &[&str] = &["hypothesis"];
pub const ELIMINATED_TAGS: &[&str] = &["eliminated"];

pub fn is_private(e: &Event) -> bool {
    matches!(e.kind, EventKind::Note { private: true, .. })
}

fn note_tagged<'a>(e: &'a Event, tags: &[&str]) -> Option<&'a str> {
    match &e.kind {
        EventKind::Note { text, tag, .. } if tags.iter().any(|t| t.eq_ignore_ascii_case(tag)) => {
            Some(text)
        }
        _ => None,
    }
}

/// The latest correction of each event (`cockpit amend`).
fn amendments<'a>(events: &[&'a Event]) -> HashMap<EventId, &'a str> {
    let mut out = HashMap::new();
    for e in events {
        if let EventKind::Amended { event, text } = &e.kind {
            out.insert(*event, text.as_str());
        }
    }
    out
}

fn entry(e: &Event, text: impl Into<String>) -> Entry {
    Entry {
        event: e.id,
        at: e.at,
        author: e.author.clone(),
        text: text.into(),
    }
}

/// State changes that also changed the service status (003: "Resolved: ...
/// status is again Operational"), with the status's label.
fn statuses_set_by_state(events: &[&Event], pb: &Playbook) -> HashMap<EventId, String> {
    let mut out = HashMap::new();
    let mut current: Option<String> = None;
    for e in events {
        match &e.kind {
            EventKind::ServiceStatusChanged { status, .. } => {
                current = pb.service_status(status).map(|s| s.key.clone())
            }
            EventKind::StateChanged { state, .. } => {
                let set = pb
                    .state(state)
                    .and_then(|s| s.service_status.as_deref())
                    .and_then(|k| pb.service_status(k));
                if let Some(status) = set
                    && current.as_deref() != Some(status.key.as_str())
                {
                    current = Some(status.key.clone());
                    out.insert(e.id, status.label.clone());
                }
            }
            _ => {}
        }
    }
    out
}

/// Events that always belong in the postmortem timeline, highlighted or not.
fn is_milestone(kind: &EventKind) -> bool {
    use EventKind::*;
    matches!(
        kind,
        Declared { .. }
            | SeverityChanged { .. }
            | StateChanged { .. }
            | ServiceStatusChanged { .. }
            | SummaryChanged { .. }
            | RoleHandedOff { .. }
            | HandoffAccepted { .. }
            | HandoffDeclined { .. }
            | ActionApproved(_)
            | ActionRejected(_)
            | ActionDone(_)
            | ActionFailed(_)
            | ActionReverted(_)
            | CommsSent { .. }
            | OutageStarted {}
            | OutageEnded {}
            | CloseRequested {}
            | ObjectionRaised { .. }
            | ObjectionWithdrawn { .. }
            | Closed {}
            | Dismissed { .. }
            | Reopened { .. }
            | NearMiss { .. }
            | SecurityFlagged { .. }
    )
}

pub fn timeline(incident: &Incident, events: &[&Event], pb: &Playbook) -> Vec<TimelineEntry> {
    let amended = amendments(events);
    let status_by_state = statuses_set_by_state(events, pb);
    // Only the close that stood is the incident's end (a reopen undoes one).
    let last_close = incident
        .closed_at
        .and_then(|_| {
            events
                .iter()
                .rev()
                .find(|e| matches!(e.kind, EventKind::Closed {} | EventKind::Dismissed { .. }))
        })
        .map(|e| e.id);
    events
        .iter()
        .filter(|e| incident.is_highlight(e, pb) || is_milestone(&e.kind))
        .map(|e| {
            let line = describe(e, incident);
            let mut markers = Vec::new();
            let text = match &e.kind {
                EventKind::Declared { .. } => {
                    markers.push("incident_start".to_string());
                    line.text
                }
                EventKind::OutageStarted {} => {
                    markers.push("outage_start".to_string());
                    "the outage started".into()
                }
                EventKind::OutageEnded {} => {
                    markers.push("outage_end".to_string());
                    "the outage ended".into()
                }
                EventKind::Closed {} | EventKind::Dismissed { .. } if Some(e.id) == last_close => {
                    markers.push("incident_end".to_string());
                    line.text
                }
                EventKind::ObjectionWithdrawn { .. } => "withdrew the objection".into(),
                EventKind::StateChanged { state, reason } => {
                    let label = pb.state(state).map_or(state.as_str(), |s| &s.label);
                    let head = match status_by_state.get(&e.id) {
                        Some(status) => format!("state {label}, service status {status}"),
                        None => format!("state {label}"),
                    };
                    match reason.as_str() {
                        "" => head,
                        r => format!("{head}: {r}"),
                    }
                }
                // 002: the summary written every 30 minutes.
                EventKind::SummaryChanged { summary } => format!("summary: {summary}"),
                // The announcement, short; the briefing has its own section.
                EventKind::RoleHandedOff {
                    role,
                    from,
                    to,
                    briefing,
                } => handoffs::offered_line(
                    pb,
                    &role_key(pb, role),
                    from,
                    to,
                    *briefing != Default::default(),
                ),
                // 000: the incoming IC "explicitly" says they now have command.
                EventKind::HandoffAccepted { role, person } => {
                    handoffs::accepted_line(incident, pb, &role_key(pb, role), person, e.at)
                }
                EventKind::HandoffDeclined { role, reason } => {
                    handoffs::declined_line(pb, &role_key(pb, role), reason)
                }
                EventKind::ServiceStatusChanged { status, reason } => {
                    let label = pb
                        .service_status(status)
                        .map_or(status.as_str(), |s| &s.label);
                    match reason.as_str() {
                        "" => format!("service status {label}"),
                        r => format!("service status {label}: {r}"),
                    }
                }
                // Quoted, so the linter reads it as the IC's words (000's script).
                EventKind::CloseRequested {} => format!(
                    "asked \"{}\"",
                    pb.templates
                        .get("close_request")
                        .map(String::as_str)
                        .unwrap_or(line.text.as_str())
                ),
                _ => match amended.get(&e.id) {
                    Some(correction) => correction.to_string(),
                    None => line.text,
                },
            };
            TimelineEntry {
                event: e.id,
                at: e.at,
                author: e.author.clone(),
                kind: e.kind.name(),
                label: line.label,
                text,
                markers,
                highlighted: incident.is_highlight(e, pb),
                amended: amended.contains_key(&e.id),
            }
        })
        .collect()
}

/// 001: the scribe records "impact changes"; severity and service status changes too.
pub fn impact(events: &[&Event], pb: &Playbook) -> Vec<Entry> {
    let mut out = Vec::new();
    let status_by_state = statuses_set_by_state(events, pb);
    for e in events {
        if let (Some(status), EventKind::StateChanged { state, .. }) =
            (status_by_state.get(&e.id), &e.kind)
        {
            let label = pb.state(state).map_or(state.as_str(), |s| &s.label);
            out.push(entry(
                e,
                format!("service status {status}, with the state {label}"),
            ));
            continue;
        }
        let reasoned = |base: String, reason: &str| {
            if reason.is_empty() {
                base
            } else {
                format!("{base}: {reason}")
            }
        };
        match &e.kind {
            EventKind::SeverityChanged { severity, reason } => {
                out.push(entry(e, reasoned(format!("severity {severity}"), reason)))
            }
            EventKind::ServiceStatusChanged { status, reason } => {
                let label = pb
                    .service_status(status)
                    .map_or(status.as_str(), |s| &s.label);
                out.push(entry(
                    e,
                    reasoned(format!("service status {label}"), reason),
                ))
            }
            _ => {
                if let Some(text) = note_tagged(e, IMPACT_TAGS) {
                    out.push(entry(e, text))
                }
            }
        }
    }
    out
}

pub fn tagged_notes(events: &[&Event], tags: &[&str]) -> Vec<Entry> {
    events
        .iter()
        .filter_map(|e| note_tagged(e, tags).map(|t| entry(e, t)))
        .collect()
}

pub fn mitigations(incident: &Incident) -> Vec<Mitigation> {
    incident
        .actions
        .iter()
        .map(|a| {
            let decision = a
                .history
                .iter()
                .rev()
                .find(|s| matches!(s.status, ActionStatus::Approved | ActionStatus::Rejected));
            let last = a.history.last();
            let outcome = match last {
                Some(s) if !s.reason.is_empty() => format!("{}: {}", s.status.name(), s.reason),
                _ => a.status.name().to_string(),
            };
            Mitigation {
                event: a.id,
                number: a.number,
                what: a.proposal.what.clone(),
                why: a.proposal.why.clone(),
                risk: a.proposal.risk.clone(),
                revert: a.proposal.revert.clone(),
                proposed_by: a.proposed_by.clone(),
                proposed_at: a.proposed_at,
                status: a.status.name().to_string(),
                outcome,
                decided_by: decision.map(|s| s.by.clone()),
                decided_at: decision.map(|s| s.at),
                steps: a
                    .history
                    .iter()
                    .map(|s| Step {
                        status: s.status.name().to_string(),
                        at: s.at,
                        by: s.by.clone(),
                        reason: s.reason.clone(),
                    })
                    .collect(),
                reviews: incident
                    .checkins
                    .iter()
                    .flat_map(|c| {
                        c.checkin
                            .reviews
                            .iter()
                            .filter(|r| r.action == a.id)
                            .map(|r| Review {
                                at: c.at,
                                by: c.by.clone(),
                                verdict: r.verdict.clone(),
                            })
                    })
                    .collect(),
            }
        })
        .collect()
}

/// Who decided what: the IC's approvals and rejections (001), decision notes,
/// and the close and reopen calls (000).
pub fn decisions(incident: &Incident, events: &[&Event], pb: &Playbook) -> Vec<Decision> {
    let mut out = Vec::new();
    for e in events {
        let mut push = |decision: &str, what: String, reason: &str| {
            out.push(Decision {
                event: e.id,
                at: e.at,
                by: e.author.clone(),
                decision: decision.to_string(),
                what,
                reason: reason.to_string(),
            })
        };
        let action = |id| {
            incident
                .action(id)
                .map(|a| format!("#{} {}", a.number, a.proposal.what))
                .unwrap_or_default()
        };
        match &e.kind {
            EventKind::ActionApproved(u) => push("approved", action(u.action), &u.reason),
            EventKind::ActionRejected(u) => push("rejected", action(u.action), &u.reason),
            // 001 / 000: the IC may also ask the proposer for more.
            EventKind::ActionInfoRequested(u) => {
                push("asked for more", action(u.action), &u.reason)
            }
            // 004: the Tech Lead "can be changed only by an explicit decision
            // of the Incident Commander".
            EventKind::RoleHandedOff { role, from, to, .. }
                if pb.role(role).is_some_and(|r| r.changed_by_commander) =>
            {
                let name = pb.role(role).map_or(role.as_str(), |r| &r.name);
                push("decided", format!("{name} passes from {from} to {to}"), "")
            }
            EventKind::Closed {} => push("closed", "close the incident".into(), ""),
            // 000 responder script steps 4-5: the verdict is a decision, with its reason.
            EventKind::Dismissed { verdict, reason } => {
                push("decided", format!("close as {}", verdict.label()), reason)
            }
            EventKind::Reopened { reason } => {
                push("reopened", "reopen the incident".into(), reason)
            }
            _ => {
                if let Some(text) = note_tagged(e, DECISION_TAGS) {
                    push("decided", text.to_string(), "")
                }
            }
        }
    }
    out
}

/// What a briefing's hypotheses add to the notes. A briefing prefilled from
/// the notes joins them with "; " (a note may hold "; " itself); the notes are
/// taken off the front one by one, and what no note explains is kept.
fn beyond_notes(briefed: &str, noted: &[String]) -> String {
    let mut rest = briefed.trim();
    let mut out: Vec<&str> = Vec::new();
    while !rest.is_empty() {
        let note = noted
            .iter()
            .map(|n| n.trim())
            .filter(|n| {
                !n.is_empty()
                    && rest
                        .strip_prefix(n)
                        .is_some_and(|after| after.is_empty() || after.starts_with(';'))
            })
            .max_by_key(|n| n.len());
        let (part, after) = match note {
            Some(n) => (None, &rest[n.len()..]),
            None => match rest.split_once(';') {
                Some((part, after)) => (Some(part.trim()), after),
                None => (Some(rest), ""),
            },
        };
        out.extend(part.filter(|p| !p.is_empty()));
        rest = after.trim_start_matches(';').trim_start();
    }
    out.join("; ")
}

/// Hypotheses from the notes, and those a handoff briefing adds (004: "List of
/// open and eliminated hypothesis"), leaving out what repeats a note.
pub fn hypotheses(events: &[&Event]) -> Vec<Hypothesis> {
    let mut out = Vec::new();
    let mut noted: Vec<String> = Vec::new();
    for e in events {
        let mut push = |text: &str, status: &str, source: &str| {
            out.push(Hypothesis {
                event: e.id,
                at: e.at,
                author: e.author.clone(),
                text: text.to_string(),
                status: status.to_string(),
                source: source.to_string(),
            })
        };
        if let Some(t) = note_tagged(e, HYPOTHESIS_TAGS) {
            push(t, "open", "note");
            noted.push(t.to_string());
        } else if let Some(t) = note_tagged(e, ELIMINATED_TAGS) {
            push(t, "eliminated", "note");
            noted.push(t.to_string());
        } else if let EventKind::RoleHandedOff { briefing, .. } = &e.kind {
            let open = beyond_notes(&briefing.hypotheses_open, &noted);
            if !open.is_empty() {
                push(&open, "open", "handoff");
            }
            let eliminated = beyond_notes(&briefing.hypotheses_eliminated, &noted);
            if !eliminated.is_empty() {
                push(&eliminated, "eliminated", "handoff");
            }
        }
    }
    out
}

pub fn follow_ups(incident: &Incident, events: &[&Event]) -> Vec<FollowUpItem> {
    incident
        .follow_ups
        .iter()
        .map(|f| {
            let source = f
                .item
                .from_event
                .and_then(|id| events.iter().find(|e| e.id == id));
            FollowUpItem {
                event: f.id,
                text: f.item.text.clone(),
                owner: f.item.owner.clone(),
                criticality: f.item.criticality.clone(),
                due: f.item.due,
                added_by: f.by.clone(),
                added_at: f.at,
                from_event: f.item.from_event,
                from: source.map(|e| {
                    format!(
                        "{} {}: {}",
                        e.at.format("%Y-%m-%d %H:%M UTC"),
                        e.author,
                        describe(e, incident).text
                    )
                }),
            }
        })
        .collect()
}

/// The playbook's link kinds first, in its order (bridge, channel, document, ticket...).
pub fn links(incident: &Incident, pb: &Playbook) -> Vec<Link> {
    let order = |k: &str| {
        pb.link_kinds
            .iter()
            .position(|x| x.eq_ignore_ascii_case(k))
            .unwrap_or(usize::MAX)
    };
    let mut out: Vec<Link> = incident
        .links
        .iter()
        .map(|(kind, url)| Link {
            kind: kind.clone(),
            url: url.clone(),
        })
        .collect();
    out.sort_by_key(|l| order(&l.kind));
    out
}

/// Seed 000's writing rules over the words people wrote in the journal.
pub fn writing(events: &[&Event]) -> Vec<WritingFinding> {
    let mut out = Vec::new();
    for e in events {
        let texts: Vec<(&str, &str)> = match &e.kind {
            EventKind::Declared { title, summary, .. } => {
                vec![("title", title), ("summary", summary)]
            }
            EventKind::TitleChanged { title } => vec![("title", title)],
            EventKind::SummaryChanged { summary } => vec![("summary", summary)],
            EventKind::Note { text, .. } => vec![("note", text)],
            EventKind::Amended { text, .. } => vec![("correction", text)],
            EventKind::ActionProposed(p) => vec![("proposal", &p.what), ("why", &p.why)],
            EventKind::CheckInHeld(c) => vec![("check-in", &c.status), ("next steps", &c.next)],
            EventKind::CommsSent { text, .. } => vec![("comms", text)],
            EventKind::FollowUpAdded(f) => vec![("follow-up", &f.text)],
            EventKind::RoleHandedOff { briefing, .. } => vec![("handoff status", &briefing.status)],
            _ => vec![],
        }
        .into_iter()
        .map(|(f, t)| (f, t.as_str()))
        .collect();
        for (field, text) in texts {
            for f in lint_text(text) {
                out.push(WritingFinding {
                    event: e.id,
                    at: e.at,
                    author: e.author.clone(),
                    field: field.to_string(),
                    line: f.line,
                    rule: f.rule,
                    found: f.found,
                    suggestion: f.suggestion,
                });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn notes(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn a_prefilled_briefing_adds_nothing_to_the_notes() {
        let noted = notes(&[
            "The editors use two-factor sign-in; no session came from a new address.",
            "The pool is full.",
        ]);
        assert_eq!(
            beyond_notes(
                "The editors use two-factor sign-in; no session came from a new address.; The pool is full.",
                &noted
            ),
            "",
            "a note holding \"; \" is still one note"
        );
    }

    #[test]
    fn what_the_outgoing_person_typed_stays() {
        let noted = notes(&["not a network partition"]);
        assert_eq!(
            beyond_notes("A network partition between the etcd members.", &noted),
            "A network partition between the etcd members."
        );
        assert_eq!(
            beyond_notes(
                "not a network partition; the disk of member 2 fails",
                &noted
            ),
            "the disk of member 2 fails"
        );
        assert_eq!(beyond_notes("", &noted), "");
    }
}
