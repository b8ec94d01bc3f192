//! Incident metrics: pure functions of the folded incident, its events, the
//! playbook and "now" (for an incident still open). No IO.
//!
//! What each number measures, and why (the seeds name the metrics, not their
//! exact edges, so the edges are chosen here and written down):
//!
//! - **incident start** is the declaration. 000 ("How to write a good
//!   postmortem"): "an incident is when the team acknowledges it as such".
//! - **time to detect**: the earliest evidence -> incident start: an outage
//!   start or a public note dated before the declaration (the first customer
//!   complaint, backdated; issue 13). 000: "an outage typically starts
//!   before the incident starts".
//! - **time to acknowledge (MTTA)**: incident start -> the commanding role is
//!   first engaged (`role engage`, a handoff to someone, or a person assigning
//!   the role to themselves). 000 ("Quick Response Scripts"): the incident
//!   commander "clicks 'acknowledge' on the alert"; 000 sets response goals of
//!   5 / 15 minutes; 004 asks to minimise MTTA. With an ownership cascade the
//!   first owner's engagement counts too: 003 "By acknowledging an incident in
//!   Pagerduty, the EOC is implying that they are working on it", long before
//!   the IMOC (the commanding role) engages.
//! - **time to mitigate**: incident start -> the impact ended: the first
//!   outage end marker; else the first active measure marked done and never
//!   reverted; else the resolution. `mitigated_by` says which one it was.
//! - **time to resolve (MTTR)**: incident start -> the resolution that held
//!   (the last entry into the resolved phase with no return to an active state
//!   after it). 004: "Minimizing the time it takes us to recover the service (MTTR)".
//! - **time to close**: incident start -> closed. 000: the incident ends "after
//!   any cleanup or resolving notifications are sent".
//! - **check-ins**: how many, and the gaps between them against the
//!   playbook's loop. 001: "every 15-20 minutes"; "never more often than every
//!   15 minutes".
//! - **time in each state**, with the stretches of a reopened incident added up.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use super::event::{Event, EventKind};
use super::incident::{ActionStatus, Incident};
use super::playbook::{Phase, Playbook};

/// What ended the impact, for `time_to_mitigate`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MitigatedBy {
    OutageEnd,
    Action,
    Resolved,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckInStats {
    pub count: usize,
    /// Incident start -> the first check-in.
    pub first_after_secs: Option<i64>,
    pub mean_gap_secs: Option<i64>,
    pub max_gap_secs: Option<i64>,
    pub min_gap_secs: Option<i64>,
    /// Gaps shorter than the playbook's minimum (001: never more often than 15 min).
    pub too_soon: usize,
    /// Gaps longer than the playbook's maximum (001: 15-20 min).
    pub too_late: usize,
    pub loop_min_secs: Option<i64>,
    pub loop_max_secs: Option<i64>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StateTime {
    pub state: String,
    /// The playbook's name for the state ("Triage and mitigate" for `mitigating`).
    #[serde(default)]
    pub label: String,
    pub secs: i64,
}

/// One incident's numbers. Field names are stable: tools read them from
/// `cockpit report --json` and from the JSON export.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IncidentMetrics {
    pub incident: String,
    pub title: String,
    pub severity: String,
    /// Position of the severity in its playbook's scale (0 = most severe).
    pub severity_rank: usize,
    pub incident_start: DateTime<Utc>,
    pub incident_end: Option<DateTime<Utc>>,
    pub acknowledged_at: Option<DateTime<Utc>>,
    pub mitigated_at: Option<DateTime<Utc>>,
    pub mitigated_by: Option<MitigatedBy>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub time_to_detect_secs: Option<i64>,
    pub time_to_acknowledge_secs: Option<i64>,
    pub time_to_mitigate_secs: Option<i64>,
    pub time_to_resolve_secs: Option<i64>,
    pub time_to_close_secs: Option<i64>,
    pub outage_secs: Option<i64>,
    /// How often the incident went from resolved or closed back to an active state.
    pub reopened: usize,
    pub checkins: CheckInStats,
    /// In the playbook's order of states; only states the incident was in.
    pub time_in_state: Vec<StateTime>,
}

fn secs(d: Duration) -> i64 {
    d.num_seconds().max(0)
}

/// The numbers of one incident. `now` ends the last stretch of an open incident.
pub fn incident_metrics(
    incident: &Incident,
    events: &[Event],
    pb: &Playbook,
    now: DateTime<Utc>,
) -> IncidentMetrics {
    let start = incident.declared_at;
    let since = |t: DateTime<Utc>| secs(t - start);
    let acknowledged_at = acknowledged_at(incident, events, pb);
    let resolved_at = resolution_that_held(incident, pb);
    let (mitigated_at, mitigated_by) = mitigated(incident, events, resolved_at);
    let incident_end = incident.closed_at;
    let outages = outage_stretches(events);
    let outage_start = outages.first().map(|o| o.0);
    IncidentMetrics {
        incident: incident.id.to_string(),
        title: incident.title.clone(),
        severity: incident.severity.clone(),
        severity_rank: pb
            .severities
            .iter()
            .position(|s| s.name == incident.severity)
            .unwrap_or(usize::MAX),
        incident_start: start,
        incident_end,
        acknowledged_at,
        mitigated_at,
        mitigated_by,
        resolved_at,
        time_to_detect_secs: earliest_evidence(events, outage_start, start)
            .map(|t| secs(start - t)),
        time_to_acknowledge_secs: acknowledged_at.map(since),
        time_to_mitigate_secs: mitigated_at.map(since),
        time_to_resolve_secs: resolved_at.map(since),
        time_to_close_secs: incident_end.map(since),
        outage_secs: outage_total(&outages),
        reopened: reopen_count(incident, pb),
        checkins: checkin_stats(incident, pb),
        time_in_state: time_in_state(incident, pb, now),
    }
}

/// Events in the order they happened (the scribe may backdate), then as written.
fn by_time(events: &[Event]) -> Vec<&Event> {
    let mut v: Vec<&Event> = events.iter().collect();
    v.sort_by_key(|e| (e.at, e.seq));
    v
}

fn first_at(events: &[Event], pred: impl Fn(&EventKind) -> bool) -> Option<DateTime<Utc>> {
    by_time(events)
        .into_iter()
        .find(|e| pred(&e.kind))
        .map(|e| e.at)
}

/// Each outage as (start, end): a start marker up to the next end marker. An
/// end with no start before it counts from nothing and is skipped.
pub fn outage_stretches(events: &[Event]) -> Vec<(DateTime<Utc>, Option<DateTime<Utc>>)> {
    let mut out: Vec<(DateTime<Utc>, Option<DateTime<Utc>>)> = Vec::new();
    for e in by_time(events) {
        match e.kind {
            EventKind::OutageStarted {} if out.last().is_none_or(|o| o.1.is_some()) => {
                out.push((e.at, None))
            }
            EventKind::OutageEnded {} => {
                if let Some(last) = out.last_mut().filter(|o| o.1.is_none()) {
                    last.1 = Some(e.at);
                }
            }
            _ => {}
        }
    }
    out
}

/// The earliest sign of the incident before its declaration: the outage
/// start, or a public note the scribe dated before it (issue 13: the first
/// customer complaint). Private notes stay out of the report's numbers too.
fn earliest_evidence(
    events: &[Event],
    outage_start: Option<DateTime<Utc>>,
    start: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
    let notes = events.iter().filter_map(|e| match &e.kind {
        EventKind::Note { private: false, .. } => Some(e.at),
        _ => None,
    });
    outage_start
        .into_iter()
        .chain(notes)
        .filter(|t| *t < start)
        .min()
}

/// Total outage time, or `None` while one is still open or none was marked.
fn outage_total(outages: &[(DateTime<Utc>, Option<DateTime<Utc>>)]) -> Option<i64> {
    if outages.is_empty() {
        return None;
    }
    outages
        .iter()
        .map(|(s, e)| e.map(|e| secs(e - *s)))
        .sum::<Option<i64>>()
}

/// The roles whose engagement acknowledges the incident: the commanding role
/// and, with an ownership cascade (003), every role of it.
pub fn acknowledging_roles(pb: &Playbook) -> Vec<String> {
    let mut keys = vec![pb.commander().key.clone()];
    for k in &pb.ownership.cascade {
        if !keys.contains(k) {
            keys.push(k.clone());
        }
    }
    keys
}

fn acknowledged_at(incident: &Incident, events: &[Event], pb: &Playbook) -> Option<DateTime<Utc>> {
    let keys = acknowledging_roles(pb);
    let acknowledges = |role: &str| pb.role(role).is_some_and(|r| keys.contains(&r.key));
    let engaged = incident
        .roster
        .iter()
        .filter(|h| acknowledges(&h.role))
        .filter_map(|h| h.engaged_at)
        .min();
    let self_assigned = by_time(events).into_iter().find_map(|e| match &e.kind {
        EventKind::RoleAssigned { role, person } if acknowledges(role) && *person == e.author => {
            Some(e.at)
        }
        _ => None,
    });
    match (engaged, self_assigned) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// The last entry into the resolved phase, unless the incident went back to
/// an active state after it (then it is not resolved).
fn resolution_that_held(incident: &Incident, pb: &Playbook) -> Option<DateTime<Utc>> {
    let phase = |key: &str| pb.state(key).map(|s| s.phase).unwrap_or_default();
    let mut resolved = None;
    for span in &incident.state_history {
        match phase(&span.value) {
            Phase::Resolved => resolved = Some(span.at),
            Phase::Active => resolved = None,
            // Closing keeps the resolution; a close without one is resolved by it.
            Phase::Closed => resolved = resolved.or(Some(span.at)),
        }
    }
    resolved
}

fn mitigated(
    incident: &Incident,
    events: &[Event],
    resolved_at: Option<DateTime<Utc>>,
) -> (Option<DateTime<Utc>>, Option<MitigatedBy>) {
    if let Some(t) = first_at(events, |k| matches!(k, EventKind::OutageEnded {})) {
        return (Some(t), Some(MitigatedBy::OutageEnd));
    }
    // An action whose last word is "done": a reverted one did not mitigate anything.
    let held = |id| {
        incident
            .action(id)
            .is_some_and(|a| a.status == ActionStatus::Done)
    };
    let action = by_time(events).into_iter().find_map(|e| match &e.kind {
        EventKind::ActionDone(u) if held(u.action) => Some(e.at),
        _ => None,
    });
    if let Some(t) = action {
        return (Some(t), Some(MitigatedBy::Action));
    }
    match resolved_at {
        Some(t) => (Some(t), Some(MitigatedBy::Resolved)),
        None => (None, None),
    }
}

fn reopen_count(incident: &Incident, pb: &Playbook) -> usize {
    let phase = |key: &str| pb.state(key).map(|s| s.phase).unwrap_or_default();
    incident
        .state_history
        .windows(2)
        .filter(|w| phase(&w[0].value) != Phase::Active && phase(&w[1].value) == Phase::Active)
        .count()
}

fn checkin_stats(incident: &Incident, pb: &Playbook) -> CheckInStats {
    let mut times: Vec<DateTime<Utc>> = incident.checkins.iter().map(|c| c.at).collect();
    times.sort();
    let gaps: Vec<i64> = times.windows(2).map(|w| secs(w[1] - w[0])).collect();
    let min = pb.clocks.checkin_min.map(|d| d.num_seconds());
    let max = pb.clocks.checkin_max.map(|d| d.num_seconds());
    CheckInStats {
        count: times.len(),
        first_after_secs: times.first().map(|t| secs(*t - incident.declared_at)),
        mean_gap_secs: mean(&gaps),
        max_gap_secs: gaps.iter().copied().max(),
        min_gap_secs: gaps.iter().copied().min(),
        too_soon: min.map_or(0, |m| gaps.iter().filter(|g| **g < m).count()),
        too_late: max.map_or(0, |m| gaps.iter().filter(|g| **g > m).count()),
        loop_min_secs: min,
        loop_max_secs: max,
    }
}

fn time_in_state(incident: &Incident, pb: &Playbook, now: DateTime<Utc>) -> Vec<StateTime> {
    let spans = &incident.state_history;
    let mut totals: Vec<StateTime> = Vec::new();
    for (i, span) in spans.iter().enumerate() {
        let end = match spans.get(i + 1) {
            Some(next) => next.at,
            // The closed state is the end of the incident, not a stretch of it.
            None if pb
                .state(&span.value)
                .is_some_and(|s| s.phase == Phase::Closed) =>
            {
                span.at
            }
            None => now,
        };
        let d = secs(end - span.at);
        match totals.iter_mut().find(|t| t.state == span.value) {
            Some(t) => t.secs += d,
            None => totals.push(StateTime {
                state: span.value.clone(),
                label: pb
                    .state(&span.value)
                    .map_or_else(|| span.value.clone(), |s| s.label.clone()),
                secs: d,
            }),
        }
    }
    let order = |k: &str| {
        pb.states
            .iter()
            .position(|s| s.key == k)
            .unwrap_or(usize::MAX)
    };
    totals.sort_by_key(|t| order(&t.state));
    totals.retain(|t| t.secs > 0 || pb.state(&t.state).is_none_or(|s| s.phase != Phase::Closed));
    totals
}

pub fn mean(values: &[i64]) -> Option<i64> {
    if values.is_empty() {
        return None;
    }
    Some(values.iter().sum::<i64>() / values.len() as i64)
}

/// The middle value; with an even count, the mean of the two middle ones.
pub fn median(values: &[i64]) -> Option<i64> {
    if values.is_empty() {
        return None;
    }
    let mut v = values.to_vec();
    v.sort_unstable();
    let n = v.len();
    Some(if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2
    })
}

#[cfg(test)]
#[path = "metrics_tests.rs"]
mod tests;
