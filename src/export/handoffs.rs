//! Handoffs in the draft: the outgoing person's announcement, the 004
//! briefing, and the incoming person's "I have command" (000 "I'm the Incident
//! Commander for team A and I want to hand off my duties to another team B",
//! steps 3 and 4). The words are the playbook's `handoff` and
//! `handoff_accepted` messages, quoted as what was said in the channel, so the
//! writing linter reads them as speech. Pure.

use chrono::{DateTime, Utc};

use super::model::{HandoffBriefing, HandoffRecord};
use crate::domain::message;
use crate::domain::roster::Handoff;
use crate::domain::{Incident, Playbook};

/// A playbook message about a handoff, by the domain's one renderer: `{from}`,
/// `{to}` and `{role}` filled in, the built-in wording when the playbook has none.
fn say(pb: &Playbook, key: &str, role: &str, from: &str, to: &str) -> String {
    let mut vars = message::Vars::new();
    vars.set_handoff(pb, role, from, to);
    message::render(message::template(pb, None, key), &vars)
}

fn role_name(pb: &Playbook, role: &str) -> String {
    pb.role(role)
        .map_or_else(|| role.to_string(), |r| r.name.clone())
}

/// What the outgoing person said: `ann is handing off command of the incident to bob.`
pub fn announcement(pb: &Playbook, role: &str, from: &str, to: &str) -> String {
    say(pb, "handoff", role, from, to)
}

/// What the incoming person said: `bob now has command of the incident.`
pub fn acceptance(pb: &Playbook, role: &str, from: &str, to: &str) -> String {
    say(pb, "handoff_accepted", role, from, to)
}

/// The timeline's words for a handoff offered.
pub fn offered_line(pb: &Playbook, role: &str, from: &str, to: &str, briefed: bool) -> String {
    let mut line = format!("announced \"{}\"", announcement(pb, role, from, to));
    if briefed {
        line.push_str(" The briefing is under Handoffs.");
    }
    line
}

/// The timeline's words for "I have command", said by `person` at `at`.
pub fn accepted_line(
    incident: &Incident,
    pb: &Playbook,
    role: &str,
    person: &str,
    at: DateTime<Utc>,
) -> String {
    // The handoff this acceptance completed: the fold records its time on it.
    let from = incident
        .handoffs
        .iter()
        .find(|h| h.role == role && h.to == person && h.accepted_at == Some(at))
        .map_or("", |h| h.from.as_str());
    let mut line = format!("said \"{}\"", acceptance(pb, role, from, person));
    if !from.is_empty() {
        line.push_str(&format!(
            " {} passes from {from} to {person}.",
            role_name(pb, role)
        ));
    }
    line
}

/// The timeline's words for a handoff declined.
pub fn declined_line(pb: &Playbook, role: &str, reason: &str) -> String {
    let name = role_name(pb, role);
    match reason {
        "" => format!("declined the handoff of {name}; the outgoing person keeps it"),
        r => format!("declined the handoff of {name}: {r}; the outgoing person keeps it"),
    }
}

fn record(h: &Handoff, pb: &Playbook) -> HandoffRecord {
    let needs_acceptance = pb.role(&h.role).is_some_and(|r| r.confirm_handoff);
    let outcome = if h.declined_at.is_some() {
        "declined"
    } else if !needs_acceptance {
        "immediate"
    } else if h.accepted_at.is_some() {
        "accepted"
    } else {
        "pending"
    };
    let b = &h.briefing;
    HandoffRecord {
        event: h.id,
        role: h.role.clone(),
        role_name: role_name(pb, &h.role),
        from: h.from.clone(),
        to: h.to.clone(),
        offered_by: h.offered_by.clone(),
        offered_at: h.offered_at,
        announcement: announcement(pb, &h.role, &h.from, &h.to),
        needs_acceptance,
        outcome: outcome.to_string(),
        accepted_at: if needs_acceptance {
            h.accepted_at
        } else {
            None
        },
        acceptance: if outcome == "accepted" {
            acceptance(pb, &h.role, &h.from, &h.to)
        } else {
            String::new()
        },
        declined_at: h.declined_at,
        declined_by: h.declined_by.clone().unwrap_or_default(),
        declined_reason: h.declined_reason.clone(),
        briefing: HandoffBriefing {
            status: b.status.clone(),
            hypotheses_open: b.hypotheses_open.clone(),
            hypotheses_eliminated: b.hypotheses_eliminated.clone(),
            last_customer_update: b.last_customer_update.clone(),
            last_customer_update_at: b.last_customer_update_at,
            channels: b.channels.clone(),
            people: b.people.clone(),
        },
    }
}

/// Every handoff offered, in order.
pub fn handoffs(incident: &Incident, pb: &Playbook) -> Vec<HandoffRecord> {
    incident.handoffs.iter().map(|h| record(h, pb)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::BUILTIN_PLAYBOOKS;

    fn book(name: &str) -> Playbook {
        let (file, text) = BUILTIN_PLAYBOOKS
            .iter()
            .find(|(f, _)| f.starts_with(name))
            .unwrap();
        Playbook::parse(file, text).unwrap()
    }

    #[test]
    fn the_playbooks_handoff_messages_are_filled_with_names() {
        let qpp = book("qpp");
        assert_eq!(
            announcement(&qpp, "ic", "ann", "bob"),
            "ann is handing off command of the incident to bob."
        );
        assert_eq!(
            acceptance(&qpp, "ic", "ann", "bob"),
            "bob now has command of the incident."
        );
        let sre = book("sre-major");
        assert_eq!(
            announcement(&sre, "tech_lead", "fred", "kate"),
            "fred is handing Incident Technical Lead to kate (shift handoff)."
        );
    }

    #[test]
    fn without_messages_the_words_say_the_same() {
        let mut pb = book("default");
        pb.templates.remove("handoff");
        pb.templates.remove("handoff_accepted");
        assert_eq!(
            announcement(&pb, "ic", "ann", "bea"),
            "ann is handing off Incident Commander to bea."
        );
        assert_eq!(
            acceptance(&pb, "ic", "ann", "bea"),
            // The one built-in wording, as sync posts it (it used to differ).
            "bea has command as Incident Commander."
        );
        assert_eq!(
            offered_line(&pb, "ic", "ann", "bea", true),
            "announced \"ann is handing off Incident Commander to bea.\" The briefing is under Handoffs."
        );
    }
}
