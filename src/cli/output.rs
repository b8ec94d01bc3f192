//! What the CLI prints: short human text, or JSON with `--json`.

use chrono::{DateTime, Utc};
use serde_json::json;

use super::process_output;
use crate::domain::describe::describe;
use crate::domain::playbook::PlaybookSet;
use crate::domain::time::human_duration;
use crate::domain::{Event, EventKind, Incident, Playbook};

fn hm(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M UTC").to_string()
}

pub fn event_json(e: &Event) -> serde_json::Value {
    let (kind, body) = match &e.kind {
        EventKind::Unrecognized { kind, body } => (kind.clone(), body.clone()),
        k => {
            let (kind, body) = k.to_columns().unwrap_or_default();
            (kind, serde_json::from_str(&body).unwrap_or_default())
        }
    };
    json!({
        "id": e.id, "incident": e.incident, "seq": e.seq, "at": e.at, "recorded_at": e.recorded_at,
        "author": e.author, "kind": kind, "body": body,
    })
}

pub fn declared(e: &Event, as_json: bool) -> String {
    if as_json {
        return json!({"incident": e.incident, "short": e.incident.short(), "event": event_json(e)})
            .to_string() + "\n";
    }
    format!("{}\n", e.incident.short())
}

pub fn recorded(e: &Event, incident: &Incident, as_json: bool) -> String {
    if as_json {
        return event_json(e).to_string() + "\n";
    }
    let line = describe(e, incident);
    format!("{} [{}] {}\n", e.id.short(), line.label, line.text)
}

pub fn list(
    incidents: &[Incident],
    books: &PlaybookSet,
    now: DateTime<Utc>,
    as_json: bool,
) -> String {
    let mut out = String::new();
    // Columns as wide as their widest value ("critical", "partial_disruption").
    let width = |f: fn(&Incident) -> &str, min: usize| {
        incidents
            .iter()
            .map(|i| unicode_width::UnicodeWidthStr::width(f(i)))
            .max()
            .unwrap_or(0)
            .max(min)
    };
    let (sev_w, state_w) = (width(|i| &i.severity, 5), width(|i| &i.state, 13));
    for i in incidents {
        let open = books.get(&i.playbook).is_none_or(|pb| i.is_open(&pb));
        if as_json {
            out.push_str(
                &json!({"incident": i.id, "short": i.id.short(), "title": i.title, "severity": i.severity, "state": i.state,
                        "open": open, "declared_at": i.declared_at})
                .to_string(),
            );
            out.push('\n');
        } else {
            out.push_str(&format!(
                "{}  {:<sev_w$} {:<state_w$} {:<10} {}\n",
                i.id.short(),
                i.severity,
                i.state,
                human_duration(now - i.declared_at),
                i.title
            ));
        }
    }
    if out.is_empty() && !as_json {
        out.push_str("no incidents yet; declare one with `cockpit declare TITLE --severity SEV`\n");
    }
    out
}

pub fn show(i: &Incident, pb: &Playbook, now: DateTime<Utc>, as_json: bool) -> String {
    if as_json {
        let mut v = serde_json::to_value(i).unwrap_or_default();
        v["short"] = json!(i.id.short());
        v["commander"] = json!(i.commander(pb).map(|h| h.person.clone()));
        if let (Some(obj), serde_json::Value::Object(extra)) =
            (v.as_object_mut(), process_output::show_json(i, pb, now))
        {
            obj.extend(extra);
        }
        return v.to_string() + "\n";
    }
    let mut o = String::new();
    let status = i
        .service_status
        .as_deref()
        .and_then(|s| pb.service_status(s))
        .map(|s| s.label.as_str())
        .unwrap_or("not set");
    o.push_str(&format!(
        "{}  {}  {}  service: {}\n",
        i.id.short(),
        i.severity,
        i.state,
        status
    ));
    o.push_str(&format!("{}\n", i.title));
    o.push_str(&format!(
        "declared {} by {} ({} ago), playbook {}\n",
        hm(i.declared_at),
        i.declared_by,
        human_duration(now - i.declared_at),
        i.playbook
    ));
    if !i.summary.is_empty() {
        o.push_str(&format!("summary: {}\n", i.summary));
    }
    if let Some(s) = &i.security {
        o.push_str(&format!("SECURITY / PII incident since {}", hm(s.at)));
        if !s.details.is_empty() {
            o.push_str(&format!(": {}", s.details));
        }
        o.push('\n');
    }
    if let Some(d) = &i.dismissed {
        // 000 responder script steps 4-5 (issue 13).
        o.push_str(&format!(
            "closed as {} by {} at {}: {}\n",
            d.verdict.label(),
            d.by,
            hm(d.at),
            d.reason
        ));
    }
    if let Some(sev) = &i.near_miss {
        o.push_str(&format!("near miss (would have been {sev})\n"));
    }
    o.push_str("\nroles:\n");
    let duties = i.duties(pb);
    for role in &pb.roles {
        let holders: Vec<_> = i.holders(&role.key).collect();
        if holders.is_empty() {
            let carried = duties
                .iter()
                .any(|d| d.role == role.key && d.person.is_some());
            if role.required && !carried {
                o.push_str(&format!("  {:<20} (empty: required)\n", role.name));
            }
            continue;
        }
        for h in holders {
            let since = h.engaged_at.unwrap_or(h.assigned_at);
            let engaged = if h.engaged_at.is_some() {
                ""
            } else {
                ", not engaged yet"
            };
            o.push_str(&format!(
                "  {:<20} {} (since {}, {}{engaged})\n",
                role.name,
                h.person,
                since.format("%H:%M UTC"),
                human_duration(now - since)
            ));
        }
    }
    for line in process_output::carried_duties(i, pb) {
        o.push_str(&line);
    }
    process_output::show_process(&mut o, i, pb, now);
    if !i.actions.is_empty() {
        o.push_str("\nactions:\n");
        for a in &i.actions {
            o.push_str(&format!(
                "  #{:<3} {:<16} {} (by {})\n",
                a.number,
                a.status.name(),
                a.proposal.what,
                a.proposed_by
            ));
        }
    }
    match i.checkins.last() {
        Some(c) => o.push_str(&format!(
            "\ncheck-ins: {}, last {} ({} ago): {}{}\n",
            i.checkins.len(),
            c.at.format("%H:%M UTC"),
            human_duration(now - c.at),
            c.checkin.status,
            if c.checkin.next.is_empty() {
                String::new()
            } else {
                format!("; next: {}", c.checkin.next)
            }
        )),
        None => o.push_str("\ncheck-ins: none yet\n"),
    }
    if !i.links.is_empty() {
        o.push_str("\nlinks:\n");
        for (k, v) in &i.links {
            o.push_str(&format!("  {k:<12} {v}\n"));
        }
    }
    if i.outage_start.is_some() || i.outage_end.is_some() {
        let f = |t: Option<DateTime<Utc>>| t.map(hm).unwrap_or_else(|| "-".into());
        o.push_str(&format!(
            "\noutage: {} to {}\n",
            f(i.outage_start),
            f(i.outage_end)
        ));
    }
    if let Some(req) = &i.close_requested {
        o.push_str(&format!(
            "\nclose requested by {} at {}\n",
            req.value,
            req.at.format("%H:%M UTC")
        ));
        for ob in i.standing_objections() {
            o.push_str(&format!(
                "  objection {} by {}: {}\n",
                ob.id.short(),
                ob.by,
                ob.reason
            ));
        }
    }
    if !i.follow_ups.is_empty() {
        o.push_str("\nfollow-ups:\n");
        for f in &i.follow_ups {
            // Issue 17: the ticket each follow-up became.
            let item = crate::domain::remote::follow_up_item(&f.id);
            let tickets: Vec<String> = i
                .remote
                .refs_of(&item)
                .map(|r| format!(" [{} {}]", r.endpoint, r.id))
                .collect();
            o.push_str(&format!(
                "  - {}{}{}\n",
                f.item.text,
                if f.item.owner.is_empty() {
                    String::new()
                } else {
                    format!(" (owner {})", f.item.owner)
                },
                tickets.concat()
            ));
        }
    }
    o.push_str(&super::remote_output::outside(i));
    if !i.refused.is_empty() {
        o.push_str(&format!(
            "\n{} event(s) in the journal broke the rules and were not applied\n",
            i.refused.len()
        ));
    }
    o
}

pub fn timeline(events: &[Event], incident: &Incident, pb: &Playbook, as_json: bool) -> String {
    let mut out = String::new();
    // Backdated events make journal order differ from time order: compare the extremes.
    let first = events.iter().map(|e| e.at).min();
    let last = events.iter().map(|e| e.at).max();
    let multi_day = first
        .zip(last)
        .is_some_and(|(a, b)| a.date_naive() != b.date_naive());
    let mut sorted: Vec<&Event> = events.iter().collect();
    // Backdated entries ("noticed at 23:50") take their place by when they happened.
    sorted.sort_by_key(|e| (e.at, e.seq));
    for e in sorted {
        if as_json {
            out.push_str(&event_json(e).to_string());
            out.push('\n');
            continue;
        }
        let line = describe(e, incident);
        let when = if multi_day {
            e.at.format("%Y-%m-%d %H:%M:%S").to_string()
        } else {
            e.at.format("%H:%M:%S").to_string()
        };
        let mark = if incident.is_highlight(e, pb) {
            "*"
        } else {
            " "
        };
        let mut lines = line.text.lines();
        out.push_str(&format!(
            "{when}Z {mark} {:<10} {:<12} {}\n",
            e.author,
            format!("[{}]", line.label),
            lines.next().unwrap_or("")
        ));
        for more in lines {
            out.push_str(&format!("{:width$}{more}\n", "", width = when.len() + 28));
        }
    }
    out
}
