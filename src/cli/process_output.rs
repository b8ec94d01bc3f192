//! The process parts of `show` (owner, duties, handoffs, security, review,
//! close), `checklist show` and `briefing`: short text, or JSON with `--json`.

use chrono::{DateTime, Utc};
use serde_json::json;

use crate::domain::checklist::{ChecklistProgress, StepStatus};
use crate::domain::event::Briefing;
use crate::domain::playbook::Phase;
use crate::domain::roster::GapKind;
use crate::domain::time::human_duration;
use crate::domain::{Incident, Playbook};

fn role_name<'a>(pb: &'a Playbook, key: &'a str) -> &'a str {
    pb.role(key).map_or(key, |r| r.name.as_str())
}

/// The computed views `show --json` adds, for tools and the screen.
pub fn show_json(i: &Incident, pb: &Playbook, now: DateTime<Utc>) -> serde_json::Value {
    json!({
        "owner": i.owner(pb),
        "duties": i.duties(pb),
        "gaps": i.gaps(pb),
        "actions_to_review": i.actions_to_review().iter().map(|a| a.number).collect::<Vec<_>>(),
        "checklists": i.checklists(pb),
        "close": i.close_readiness(pb, now),
        "security_inform": if i.security.is_some() { pb.security.inform.clone() } else { Vec::new() },
    })
}

/// Roles whose duties another role carries now (003 cascade, 001 folding).
pub fn carried_duties(i: &Incident, pb: &Playbook) -> Vec<String> {
    i.duties(pb)
        .into_iter()
        .filter_map(|d| match (d.person, d.through) {
            (Some(p), Some(through)) => Some(format!(
                "  {:<20} duties with {p} ({}) until someone engages\n",
                role_name(pb, &d.role),
                role_name(pb, &through)
            )),
            _ => None,
        })
        .collect()
}

/// The lines `show` adds after the roster.
pub fn show_process(o: &mut String, i: &Incident, pb: &Playbook, now: DateTime<Utc>) {
    let has_owner_model = pb.roles.iter().any(|r| r.owns) || !pb.ownership.cascade.is_empty();
    if has_owner_model {
        let owner = i.owner(pb);
        let via = owner
            .role
            .as_deref()
            .map(|r| format!(" as {}", role_name(pb, r)))
            .unwrap_or_else(|| " (declared it; no owning role engaged yet)".into());
        o.push_str(&format!("owner: {}{via}\n", owner.person));
    }
    for h in i.handoffs.iter().filter(|h| h.is_pending()) {
        o.push_str(&format!(
            "handoff: {} is handing {} to {} (since {}); waiting for {}'s \"I have command\"\n",
            h.from,
            role_name(pb, &h.role),
            h.to,
            h.offered_at.format("%H:%M UTC"),
            h.to
        ));
    }
    // Empty required roles are already marked in the roster above.
    let gaps: Vec<_> = i
        .gaps(pb)
        .into_iter()
        .filter(|g| g.kind != GapKind::RequiredRole)
        .collect();
    if !gaps.is_empty() {
        o.push_str("\nneeds attention:\n");
        for g in gaps {
            o.push_str(&format!("  - {}\n", g.what));
        }
    }
    if i.security.is_some() {
        if !pb.security.inform.is_empty() {
            o.push_str("\nsecurity / PII: inform\n");
            for who in &pb.security.inform {
                o.push_str(&format!("  - {who}\n"));
            }
        }
        if !pb.security.guidance.is_empty() {
            o.push_str(&format!("  {}\n", pb.security.guidance));
        }
    }
    if i.private_notes > 0 {
        o.push_str(&format!(
            "\n{} private note(s): kept in this journal only, never sent to any endpoint\n",
            i.private_notes
        ));
    }
    let review = i.actions_to_review();
    if !review.is_empty() {
        o.push_str("\nto review at this check-in (001):\n");
        for a in review {
            o.push_str(&format!(
                "  #{:<3} {:<16} {}\n",
                a.number,
                a.status.name(),
                a.proposal.what
            ));
        }
    }
    let lists: Vec<_> = i
        .checklists(pb)
        .into_iter()
        .filter(|c| c.relevant || c.done > 0)
        .collect();
    if !lists.is_empty() {
        o.push_str("\nchecklists:\n");
        for c in lists {
            o.push_str(&format!(
                "  {:<20} {}/{}{}\n",
                c.key,
                c.done,
                c.total,
                if c.is_complete() { " done" } else { "" }
            ));
        }
    }
    if let Some(r) = &i.retrospective {
        o.push_str(&format!(
            "\n{}: facilitated by {}{}\n",
            pb.retrospective.name,
            r.facilitator,
            r.on.map(|d| format!(" on {d}")).unwrap_or_default()
        ));
    }
    if i.phase(pb) == Phase::Resolved {
        let ready = i.close_readiness(pb, now);
        if let Some(w) = ready.watch_remaining {
            o.push_str(&format!(
                "\nwatching {} more before closing (001)\n",
                human_duration(w)
            ));
        }
        if let Some(why) = ready.refusal.filter(|_| ready.requested.is_some()) {
            o.push_str(&format!("cannot close yet: {why}\n"));
        }
    }
}

pub fn checklists(lists: &[ChecklistProgress], as_json: bool) -> String {
    if as_json {
        return serde_json::to_string(lists).unwrap_or_default() + "\n";
    }
    let mut o = String::new();
    for c in lists {
        o.push_str(&format!(
            "{} ({}/{}){}: {}\n",
            c.key,
            c.done,
            c.total,
            if c.relevant { " now" } else { "" },
            c.title
        ));
        if !c.source.is_empty() {
            o.push_str(&format!("  from {}\n", c.source));
        }
        for s in &c.steps {
            let mark = match &s.status {
                StepStatus::Open => "[ ]",
                StepStatus::Ticked(_) | StepStatus::Recorded { .. } => "[x]",
                StepStatus::NotApplicable { .. } => "[-]",
            };
            o.push_str(&format!(
                "  {mark} {:>2}. {}: {}\n",
                s.number, s.step.key, s.step.text
            ));
            let detail = match &s.status {
                StepStatus::Ticked(m) if m.note.is_empty() => Some(format!("by {}", m.by)),
                StepStatus::Ticked(m) => Some(format!("by {}: {}", m.by, m.note)),
                StepStatus::Recorded { what } => Some(what.clone()),
                StepStatus::NotApplicable { why } => Some(why.clone()),
                StepStatus::Open => s.how.clone().map(|h| format!("do: {h}")),
            };
            if let Some(d) = detail {
                o.push_str(&format!("         {d}\n"));
            }
            if let (Some(h), StepStatus::Open) = (&s.hint, &s.status) {
                o.push_str(&format!("         {h}\n"));
            }
        }
    }
    if o.is_empty() {
        o.push_str("this playbook has no checklists\n");
    }
    o
}

pub fn briefing(b: &Briefing, as_json: bool) -> String {
    if as_json {
        return serde_json::to_string(b).unwrap_or_default() + "\n";
    }
    let at = b
        .last_customer_update_at
        .map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string())
        .unwrap_or_else(|| "-".into());
    let or_dash = |s: &str| {
        if s.is_empty() {
            "-".to_string()
        } else {
            s.to_string()
        }
    };
    format!(
        "status:                {}\nopen hypotheses:       {}\neliminated hypotheses: {}\nlast customer update:  {} ({at})\nchannels:              {}\npeople:                {}\n",
        or_dash(&b.status),
        or_dash(&b.hypotheses_open),
        or_dash(&b.hypotheses_eliminated),
        or_dash(&b.last_customer_update),
        or_dash(&b.channels),
        or_dash(&b.people),
    )
}
