//! Each clock's anchor and due time, read off the incident. One function per
//! seed rule; which clocks run, and for how long, is the playbook's `[clocks]`.

use chrono::{DateTime, Duration, TimeZone, Utc};

use super::calendar::{WorkingHours, add_business_days};
use super::kind::{ClockKind, Draft};
use crate::domain::incident::Incident;
use crate::domain::playbook::{Phase, Playbook, format_duration};

pub(super) fn drafts<Z: TimeZone>(
    i: &Incident,
    pb: &Playbook,
    now: DateTime<Utc>,
    zone: &Z,
) -> Vec<Draft> {
    let phase = i.phase(pb);
    let mut out = Vec::new();
    if phase == Phase::Active {
        out.extend(check_in(i, pb));
        out.extend(summary(i, pb));
        out.extend(client_update(i, pb));
        out.extend(acknowledge(i, pb));
        out.extend(first_responder(i, pb));
        out.extend(investigating(i, pb));
        out.extend(out_of_hours(i, pb, now, zone));
        out.extend(role_fatigue(i, pb));
    }
    if phase != Phase::Closed {
        // 000: "as long as the incident has not been declared closed".
        out.extend(status_update(i, pb));
        out.extend(handoffs(i, pb));
    }
    if phase == Phase::Resolved {
        out.extend(resolved_watch(i, pb));
    }
    if phase != Phase::Active {
        out.extend(postmortems(i, pb, zone));
    }
    // 000: "Even if the incident is closed before the hour is complete, CMS must be notified."
    out.extend(security_report(i, pb));
    out
}

/// Every key a clock of this playbook can have on this incident (a superset
/// of what `clocks` returns at any one time): what `clock ack NAME` accepts.
pub fn clock_keys(i: &Incident, pb: &Playbook) -> Vec<String> {
    let c = &pb.clocks;
    let mut keys: Vec<String> = [
        ("checkin", c.checkin_min.or(c.checkin_max).is_some()),
        (
            "status_update",
            c.document_update.is_some() || pb.severities.iter().any(|s| s.status_update.is_some()),
        ),
        ("summary", c.summary.is_some()),
        ("client_update", c.client_update.is_some()),
        ("ack", c.ack_incident.or(c.ack_alert).is_some()),
        ("first_responder", c.first_responder.is_some()),
        ("investigating", c.investigating_escalation.is_some()),
        ("security_report", c.security_report.is_some()),
        (
            "out_of_hours_escalate",
            working_hours(pb).is_some() && c.out_of_hours_escalate.is_some(),
        ),
        (
            "out_of_hours_stop",
            working_hours(pb).is_some() && c.out_of_hours_stop.is_some(),
        ),
        ("resolved_watch", c.resolved_watch.is_some()),
        ("rca", c.rca_business_days.is_some()),
        ("pmr", c.pmr_business_days.is_some()),
    ]
    .into_iter()
    .filter(|(_, on)| *on)
    .map(|(k, _)| k.to_string())
    .collect();
    if c.role_fatigue.is_some() {
        for role in pb.roles.iter().filter(|r| r.fatigue) {
            if role.single {
                keys.push(format!("fatigue.{}", role.key));
            } else {
                for h in i.holders(&role.key) {
                    keys.push(format!("fatigue.{}.{}", role.key, slug(&h.person)));
                }
            }
        }
    }
    if c.handoff_disengage.is_some() {
        keys.extend(pb.roles.iter().map(|r| format!("handoff.{}", r.key)));
    }
    keys
}

fn draft(
    kind: ClockKind,
    key: impl Into<String>,
    name: impl Into<String>,
    task: impl Into<String>,
    start: DateTime<Utc>,
    length: Duration,
) -> Draft {
    Draft {
        key: key.into(),
        kind,
        name: name.into(),
        task: task.into(),
        started_at: start,
        due_at: start + length,
        overdue_at: None,
        satisfied_by: None,
    }
}

/// When the incident last became active: declared, or reopened / back from Resolved.
fn active_since(i: &Incident, pb: &Playbook) -> DateTime<Utc> {
    let mut since = i.declared_at;
    let mut was_active = false;
    for span in &i.state_history {
        let active = pb
            .state(&span.value)
            .is_none_or(|s| s.phase == Phase::Active);
        if active && !was_active {
            since = span.at;
        }
        was_active = active;
    }
    since
}

fn latest(times: impl IntoIterator<Item = Option<DateTime<Utc>>>) -> Option<DateTime<Utc>> {
    times.into_iter().flatten().max()
}

fn check_in(i: &Incident, pb: &Playbook) -> Option<Draft> {
    let c = &pb.clocks;
    let min = c.checkin_min.or(c.checkin_max)?;
    let max = c.checkin_max.unwrap_or(min).max(min);
    // 001: the loop restarts at every check-in; the first one is due a loop after declaring.
    let start = latest([Some(active_since(i, pb)), i.checkins.last().map(|r| r.at)])?;
    let mut d = draft(
        ClockKind::CheckIn,
        "checkin",
        "Check-in",
        format!(
            "Hold the check-in: status from the tech lead, review of mitigations, the plan for the next {}-{}",
            format_duration(min),
            format_duration(max)
        ),
        start,
        min,
    );
    // 001: between 15 and 20 minutes is on time; after the longer bound it is late.
    d.overdue_at = Some(start + max);
    Some(d)
}

fn status_update(i: &Incident, pb: &Playbook) -> Option<Draft> {
    let cadence = pb
        .severity(&i.severity)
        .and_then(|s| s.status_update)
        .or(pb.clocks.document_update)?;
    // 003 (issue 17): a delivered status-page post is a status update too.
    let start = latest([
        Some(i.declared_at),
        i.last_comms_at,
        i.summary_at,
        i.remote.last_public_post,
    ])?;
    Some(draft(
        ClockKind::StatusUpdate,
        "status_update",
        "Status update",
        "Update the incident document and stakeholders, even if only to say nothing is new",
        start,
        cadence,
    ))
}

fn summary(i: &Incident, pb: &Playbook) -> Option<Draft> {
    let every = pb.clocks.summary?;
    let start = latest([Some(i.declared_at), i.summary_at])?;
    Some(draft(
        ClockKind::Summary,
        "summary",
        "Summary",
        "Write a summary of where the incident stands",
        start,
        every,
    ))
}

fn client_update(i: &Incident, pb: &Playbook) -> Option<Draft> {
    let every = pb.clocks.client_update?;
    let audiences = &pb.clocks.client_audiences;
    let last_to_clients = i
        .comms_by_audience
        .iter()
        .filter(|(a, _)| audiences.iter().any(|c| c.eq_ignore_ascii_case(a)))
        .map(|(_, t)| *t)
        .max();
    let start = latest([Some(i.declared_at), last_to_clients])?;
    Some(draft(
        ClockKind::ClientUpdate,
        "client_update",
        "Client update",
        "Send affected clients an update",
        start,
        every,
    ))
}

fn acknowledge(i: &Incident, pb: &Playbook) -> Option<Draft> {
    let c = &pb.clocks;
    // 000: 15 min for an automated alert, 5 min for an incident report. An
    // incident opened from an alert carries an `alert` link.
    let from_alert = i.links.keys().any(|k| k.eq_ignore_ascii_case("alert"));
    let window = if from_alert {
        c.ack_alert.or(c.ack_incident)
    } else {
        c.ack_incident.or(c.ack_alert)
    }?;
    // 003: "acknowledged within 15 minutes": by the EOC, not the IMOC the
    // page escalates to; which role acknowledges is playbook data.
    let commander = pb.ack_role();
    let mut d = draft(
        ClockKind::Acknowledge,
        "ack",
        if from_alert {
            "Acknowledge the alert"
        } else {
            "Acknowledge the incident"
        },
        format!("Someone engages as {}", commander.name),
        i.declared_at,
        window,
    );
    if i.roster
        .iter()
        .any(|h| h.role == commander.key && h.engaged_at.is_some())
    {
        d.satisfied_by = Some(format!("{} engaged", commander.name));
    }
    Some(d)
}

fn first_responder(i: &Incident, pb: &Playbook) -> Option<Draft> {
    let after = pb.clocks.first_responder?;
    let commander = pb.commander();
    let mut d = draft(
        ClockKind::FirstResponder,
        "first_responder",
        format!("Pick an {}", commander.name),
        format!(
            "Halt technical work and pick an {} from the people present",
            commander.name
        ),
        i.declared_at,
        after,
    );
    if i.roster.iter().any(|h| h.role == commander.key) {
        d.satisfied_by = Some(format!("an {} is assigned", commander.name));
    }
    Some(d)
}

fn investigating(i: &Incident, pb: &Playbook) -> Option<Draft> {
    let after = pb.clocks.investigating_escalation?;
    let first = pb.initial_state();
    if i.state != first.key {
        return None;
    }
    let entered = i.state_history.last().map_or(i.declared_at, |s| s.at);
    // 003: "for longer than 30 minutes after the EOC has engaged".
    let engaged = i
        .roster
        .iter()
        .filter_map(|h| h.engaged_at)
        .min()
        .unwrap_or(entered);
    let start = entered.max(engaged);
    let mut d = draft(
        ClockKind::Investigating,
        "investigating",
        format!("Still {}", first.label),
        format!("{} for {}: escalate", first.label, format_duration(after)),
        start,
        after,
    );
    // 003: "the incident should be escalated to the IMOC": once the IMOC has
    // engaged, the escalation has happened.
    if let Some(role) = pb
        .ownership
        .escalates_to
        .as_deref()
        .and_then(|k| pb.role(k))
        && i.holders(&role.key).any(|h| h.engaged_at.is_some())
    {
        d.satisfied_by = Some(format!("{} engaged", role.name));
    }
    Some(d)
}

fn security_report(i: &Incident, pb: &Playbook) -> Option<Draft> {
    let within = pb.clocks.security_report?;
    let flag = i.security.as_ref()?;
    Some(draft(
        ClockKind::SecurityReport,
        "security_report",
        "Security / PII report",
        "Report the security / PII incident to the security desk",
        flag.at,
        within,
    ))
}

fn working_hours(pb: &Playbook) -> Option<WorkingHours> {
    let c = &pb.clocks;
    WorkingHours::parse(
        c.out_of_hours_start.as_deref()?,
        c.out_of_hours_end.as_deref()?,
        c.out_of_hours_weekends,
    )
}

fn out_of_hours<Z: TimeZone>(
    i: &Incident,
    pb: &Playbook,
    now: DateTime<Utc>,
    zone: &Z,
) -> Vec<Draft> {
    let Some(hours) = working_hours(pb) else {
        return Vec::new();
    };
    let Some(since) = hours.out_of_hours_since(zone, now) else {
        return Vec::new();
    };
    // The out-of-hours part of the response starts when both it is out of hours
    // and the incident is running.
    let start = since.max(active_since(i, pb));
    let c = &pb.clocks;
    let mut out = Vec::new();
    // 002: "If the incident is critical or major then you should immediately
    // escalate to 2nd line support ... [else] within 30 minutes".
    let escalate = pb
        .severity(&i.severity)
        .and_then(|s| s.out_of_hours_escalate)
        .or(c.out_of_hours_escalate);
    if let Some(after) = escalate {
        out.push(draft(
            ClockKind::OutOfHoursEscalate,
            "out_of_hours_escalate",
            "Out of hours: escalate",
            "Not fixed yet out of hours: escalate to 2nd line support",
            start,
            after,
        ));
    }
    if let Some(after) = c.out_of_hours_stop {
        out.push(draft(
            ClockKind::OutOfHoursStop,
            "out_of_hours_stop",
            "Out of hours: stop",
            "Out of hours this long: stop and leave it to working hours, unless close or urgent",
            start,
            after,
        ));
    }
    out
}

fn role_fatigue(i: &Incident, pb: &Playbook) -> Vec<Draft> {
    let Some(limit) = pb.clocks.role_fatigue else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for role in pb.roles.iter().filter(|r| r.fatigue) {
        for h in i.holders(&role.key) {
            let key = if role.single {
                format!("fatigue.{}", role.key)
            } else {
                format!("fatigue.{}.{}", role.key, slug(&h.person))
            };
            out.push(draft(
                ClockKind::RoleFatigue,
                key,
                format!("Role fatigue: {} ({})", role.name, h.person),
                format!(
                    "{} has been {} for {}: hand off to someone rested",
                    h.person,
                    role.name,
                    format_duration(limit)
                ),
                h.engaged_at.unwrap_or(h.assigned_at),
                limit,
            ));
        }
    }
    out
}

fn handoffs(i: &Incident, pb: &Playbook) -> Vec<Draft> {
    let Some(grace) = pb.clocks.handoff_disengage else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for role in &pb.roles {
        // The latest handoff of each role.
        let last = i
            .roster
            .iter()
            .filter(|h| h.role == role.key && h.handed_to.is_some())
            .filter_map(|h| h.released_at.map(|at| (at, h)))
            .max_by_key(|(at, _)| *at);
        let Some((at, h)) = last else { continue };
        out.push(draft(
            ClockKind::HandoffDisengage,
            format!("handoff.{}", role.key),
            format!(
                "Handoff+{}: {} disengages",
                format_duration(grace),
                h.person
            ),
            format!(
                "{} handed {} to {}: no more hands-on work, only answers and final updates",
                h.person,
                role.name,
                h.handed_to.as_deref().unwrap_or("?")
            ),
            at,
            grace,
        ));
    }
    out
}

fn resolved_watch(i: &Incident, pb: &Playbook) -> Option<Draft> {
    let watch = pb.clocks.resolved_watch?;
    let resolved = i.resolved_at?;
    Some(draft(
        ClockKind::ResolvedWatch,
        "resolved_watch",
        "Watch after resolution",
        "The watch is over: if all stayed quiet, ask to close and disband",
        resolved,
        watch,
    ))
}

fn postmortems<Z: TimeZone>(i: &Incident, pb: &Playbook, zone: &Z) -> Vec<Draft> {
    let Some(ended) = i.resolved_at.or(i.closed_at) else {
        return Vec::new();
    };
    let c = &pb.clocks;
    let mut out = Vec::new();
    for (kind, key, name, task, days) in [
        (
            ClockKind::RootCauseAnalysis,
            "rca",
            "Root cause analysis",
            "Write the RCA",
            c.rca_business_days,
        ),
        (
            ClockKind::PostMortemReview,
            "pmr",
            "Post mortem review",
            "Hold the PMR meeting",
            c.pmr_business_days,
        ),
    ] {
        let Some(days) = days else { continue };
        let due = add_business_days(zone, ended, days);
        let mut d = draft(
            kind,
            key,
            name,
            format!("{task} (due {days} business day(s) after recovery)"),
            ended,
            Duration::zero(),
        );
        d.due_at = due;
        out.push(d);
    }
    out
}

/// A name as a key part: lower case, letters and digits, `-` between words.
pub(super) fn slug(s: &str) -> String {
    let mut out = String::new();
    for c in s.trim().chars() {
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_string()
}
