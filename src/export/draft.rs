//! Building the postmortem draft (its types are in `model`, re-exported here).

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;

pub use super::model::*;
use super::sections;
use crate::domain::clocks::business_days_due_date;
use crate::domain::metrics::incident_metrics;
use crate::domain::playbook::Phase;
use crate::domain::{Event, EventKind, Incident, Playbook};

/// Build the draft. Pure: `now` only ends an incident still open.
/// Private notes never appear: they never leave the journal.
pub fn draft(
    incident: &Incident,
    events: &[Event],
    pb: &Playbook,
    now: DateTime<Utc>,
    zone: Option<Tz>,
) -> Postmortem {
    let events: Vec<&Event> = {
        let mut v: Vec<&Event> = events.iter().filter(|e| !sections::is_private(e)).collect();
        // Backdated entries ("noticed at 23:50") take their place by when they happened.
        v.sort_by_key(|e| (e.at, e.seq));
        v
    };
    let owned: Vec<Event> = events.iter().map(|e| (*e).clone()).collect();
    let metrics = incident_metrics(incident, &owned, pb, now);
    let end = metrics.incident_end;
    let timeline = sections::timeline(incident, &events, pb);
    let multi_day = timeline
        .first()
        .zip(timeline.last())
        .is_some_and(|(a, b)| a.at.date_naive() != b.at.date_naive());
    let deadline_from = metrics.resolved_at.or(end);
    let roles = super::roles::roles(incident, &events, pb);
    let acknowledged_by = metrics
        .acknowledged_at
        .and_then(|at| super::roles::acknowledgement(&roles, pb, at));
    let owner = super::roles::owner(incident, pb);
    Postmortem {
        format: FORMAT,
        generated_at: now,
        incident: IncidentInfo {
            id: incident.id.to_string(),
            short_id: incident.id.short(),
            title: incident.title.clone(),
            summary: incident.summary.clone(),
            declared_summary: events
                .iter()
                .find_map(|e| match &e.kind {
                    EventKind::Declared { summary, .. } => Some(summary.clone()),
                    _ => None,
                })
                .unwrap_or_default(),
            playbook: pb.name.clone(),
            playbook_title: pb.title.clone(),
            severity: incident.severity.clone(),
            severity_description: pb
                .severity(&incident.severity)
                .map(|s| s.description.clone())
                .unwrap_or_default(),
            severity_history: incident
                .severity_history
                .iter()
                .map(|s| Change {
                    value: s.value.clone(),
                    at: s.at,
                })
                .collect(),
            state: incident.state.clone(),
            state_label: pb
                .state(&incident.state)
                .map(|s| s.label.clone())
                .unwrap_or_else(|| incident.state.clone()),
            open: incident.phase(pb) != Phase::Closed,
            service_status: incident.service_status.as_deref().map(|k| {
                pb.service_status(k)
                    .map_or(k, |s| s.label.as_str())
                    .to_string()
            }),
            declared_at: incident.declared_at,
            declared_by: incident.declared_by.clone(),
            security: incident.security.is_some(),
            security_details: incident
                .security
                .as_ref()
                .map(|s| s.details.clone())
                .unwrap_or_default(),
            security_at: incident.security.as_ref().map(|s| s.at),
            security_by: incident
                .security
                .as_ref()
                .map(|s| s.by.clone())
                .unwrap_or_default(),
            security_report_due: incident
                .security
                .as_ref()
                .zip(pb.clocks.security_report)
                .map(|(s, within)| s.at + within),
            security_inform: if incident.security.is_some() {
                pb.security.inform.clone()
            } else {
                Vec::new()
            },
            near_miss: incident.near_miss.clone(),
            dismissed: incident
                .dismissed
                .as_ref()
                .map(|d| format!("{}: {}", d.verdict.label(), d.reason)),
            owner: owner.as_ref().map(|o| o.0.clone()),
            owner_role: owner.and_then(|o| o.1),
            duration_secs: (end.unwrap_or(now) - incident.declared_at)
                .num_seconds()
                .max(0),
        },
        markers: Markers {
            incident_start: incident.declared_at,
            incident_end: end,
            outages: crate::domain::metrics::outage_stretches(&owned)
                .into_iter()
                .map(|(start, end)| Outage {
                    start,
                    end,
                    secs: end.map(|e| (e - start).num_seconds()),
                })
                .collect(),
        },
        deadlines: Deadlines {
            from: deadline_from,
            rca_due: due(deadline_from, pb.clocks.rca_business_days, zone),
            pmr_due: due(deadline_from, pb.clocks.pmr_business_days, zone),
        },
        metrics,
        acknowledged_by,
        review: super::roles::review_meeting(incident, pb),
        roles,
        handoffs: super::handoffs::handoffs(incident, pb),
        multi_day,
        timeline,
        impact: sections::impact(&events, pb),
        mitigations: sections::mitigations(incident),
        mitigation_notes: sections::tagged_notes(&events, sections::MITIGATION_TAGS),
        decisions: sections::decisions(incident, &events, pb),
        hypotheses: sections::hypotheses(&events),
        root_cause: String::new(),
        follow_ups: sections::follow_ups(incident, &events),
        review_questions: review_questions(),
        links: sections::links(incident, pb),
        writing: sections::writing(&events),
    }
}

/// `days` business days after `from`, on the domain's one business-day
/// calendar in the user's zone: the date of the instant `cockpit clocks`
/// shows as due (000's RCA, 004's PMR). Holidays are not known.
fn due(from: Option<DateTime<Utc>>, days: Option<u32>, zone: Option<Tz>) -> Option<NaiveDate> {
    let (from, days) = from.zip(days)?;
    Some(match zone {
        Some(tz) => business_days_due_date(&tz, from, days),
        None => business_days_due_date(&chrono::Local, from, days),
    })
}

/// The review questions, verbatim. 002 ("Reviewing an incident", "Some key
/// questions") and 004 ("Questionnaire to be answered during the PMR").
pub fn review_questions() -> Vec<ReviewQuestion> {
    const Q: &[(&str, u8, &str)] = &[
        ("002", 0, "What happened?"),
        (
            "002",
            1,
            "What made us declare an incident? What triggered this?",
        ),
        ("002", 1, "How did we respond?"),
        ("002", 1, "What were the key decision points?"),
        ("002", 1, "How did we make those decisions?"),
        (
            "002",
            0,
            "Have we taken all the restorative actions that we need to take?",
        ),
        (
            "002",
            0,
            "Do we have a plan for communicating with the client/s?",
        ),
        ("002", 0, "How can we do better at responding to incidents?"),
        ("002", 1, "How could our processes be improved?"),
        ("002", 1, "How could our documentation be improved?"),
        (
            "002",
            0,
            "How could we prevent this kind of incident from happening again?",
        ),
        (
            "004",
            0,
            "How can we protect ourselves better from such an incident?",
        ),
        (
            "004",
            0,
            "How can we ensure that the issue does not reoccur?",
        ),
        (
            "004",
            0,
            "How can we recover quicker from such an incident?",
        ),
        ("004", 0, "How can we identify the issue quicker?"),
    ];
    Q.iter()
        .map(|(source, level, question)| ReviewQuestion {
            source: source.to_string(),
            question: question.to_string(),
            level: *level,
        })
        .collect()
}
