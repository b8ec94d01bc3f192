//! `cockpit clocks`: one line per clock for people, one JSON object for
//! shell prompts and status bars.

use chrono::{DateTime, Local, TimeZone, Utc};
use chrono_tz::Tz;
use serde_json::json;

use crate::domain::Incident;
use crate::domain::clocks::{ClockState, ClockStatus, LoopView};
use crate::domain::time::human_duration;

pub fn clocks(
    incident: &Incident,
    clocks: &[ClockStatus],
    view: &LoopView,
    now: DateTime<Utc>,
    zone: Option<Tz>,
    as_json: bool,
) -> String {
    if as_json {
        let list: Vec<_> = clocks
            .iter()
            .map(|c| {
                let mut v = serde_json::to_value(c).unwrap_or_default();
                v["remaining_secs"] = json!(c.remaining(now).num_seconds());
                v["state_label"] = json!(c.state.label());
                v
            })
            .collect();
        return json!({
            "incident": incident.id,
            "short": incident.id.short(),
            "title": incident.title,
            "severity": incident.severity,
            "state": incident.state,
            "now": now,
            "loop": {
                "next": view.next_number,
                "held": view.entries.len(),
                "last_at": view.last().map(|e| e.at),
                "trend": view.trends(),
            },
            "clocks": list,
        })
        .to_string()
            + "\n";
    }
    let mut o = format!(
        "{}  {}  {}  {}\n",
        incident.id.short(),
        incident.severity,
        incident.state,
        incident.title
    );
    match view.last() {
        Some(last) => o.push_str(&format!(
            "check-in loop: #{} next; last {} ({} ago){}\n",
            view.next_number,
            local(last.at, now, zone),
            human_duration(now - last.at),
            if view.entries.iter().any(|e| e.trend.is_some()) {
                format!("; trend {}", view.trend_line())
            } else {
                String::new()
            }
        )),
        None => o.push_str("check-in loop: none held yet\n"),
    }
    if clocks.is_empty() {
        o.push_str("no clocks running\n");
    }
    for c in clocks {
        let (label, left, when) = match (c.state, c.snoozed_until) {
            (ClockState::Satisfied, _) => (
                c.state.label().to_string(),
                "-".to_string(),
                c.satisfied_by.clone().unwrap_or_default(),
            ),
            (_, Some(until)) => (
                "snoozed".to_string(),
                human_duration(c.remaining(now)),
                format!("snoozed until {}", local(until, now, zone)),
            ),
            _ => (
                c.state.label().to_string(),
                human_duration(c.remaining(now)),
                format!("due {}", local(c.due_at, now, zone)),
            ),
        };
        o.push_str(&format!(
            "{label:<9} {left:>9}  {:<24} {}  ({when})\n",
            c.key, c.name
        ));
    }
    o
}

/// A time in the user's zone: "14:05" today, "Mon 23 Nov 14:05" otherwise.
fn local(t: DateTime<Utc>, now: DateTime<Utc>, zone: Option<Tz>) -> String {
    match zone {
        Some(tz) => in_zone(&tz, t, now),
        None => in_zone(&Local, t, now),
    }
}

fn in_zone<Z: TimeZone>(zone: &Z, t: DateTime<Utc>, now: DateTime<Utc>) -> String
where
    Z::Offset: std::fmt::Display,
{
    let (t, now) = (t.with_timezone(zone), now.with_timezone(zone));
    if t.date_naive() == now.date_naive() {
        t.format("%H:%M").to_string()
    } else {
        t.format("%a %d %b %H:%M").to_string()
    }
}
