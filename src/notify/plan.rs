//! What to notify, decided without IO: a clock that comes due raises one
//! notification per due period (`ClockStatus::alarm_at`), however often the
//! screen redraws. The planner remembers what it raised.

use chrono::{DateTime, Utc};
use std::collections::HashMap;

use crate::domain::clocks::{ClockKind, ClockState, ClockStatus, Weight};
use crate::domain::playbook::Severity;
use crate::domain::sanitize::{clean_line, clean_text};
use crate::domain::time::human_duration;
use crate::domain::{Incident, IncidentId, Playbook};

const SUMMARY_MAX: usize = 120;
const BODY_MAX: usize = 600;

/// How insistent a notification is (the freedesktop `urgency` hint 0, 1, 2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Urgency {
    Low,
    Normal,
    Critical,
}

/// One desktop notification to raise.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notice {
    pub incident: IncidentId,
    pub clock: String,
    pub alarm_at: DateTime<Utc>,
    /// Plain text, one line, cleaned of control sequences.
    pub summary: String,
    /// Cleaned, with `& < >` escaped: servers with `body-markup` read it as markup.
    pub body: String,
    pub urgency: Urgency,
}

/// The result of one planning pass.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Plan {
    pub notices: Vec<Notice>,
    /// Something new came due: ring the terminal bell (the screen's fallback
    /// when desktop notifications are off, and a cue when they are on).
    pub bell: bool,
}

/// Remembers, per incident and clock, the due period it last notified.
#[derive(Debug, Default)]
pub struct NotifyPlanner {
    raised: HashMap<(IncidentId, String), DateTime<Utc>>,
}

impl NotifyPlanner {
    pub fn new() -> Self {
        Self::default()
    }

    /// The notices for clocks of `incident` that need attention and have not
    /// been raised for their current due period. Call it on every tick.
    pub fn plan(
        &mut self,
        incident: &Incident,
        pb: &Playbook,
        clocks: &[ClockStatus],
        now: DateTime<Utc>,
    ) -> Plan {
        // Forget clocks that went away, so the map stays the size of the clock list.
        self.raised
            .retain(|(inc, key), _| *inc != incident.id || clocks.iter().any(|c| &c.key == key));
        let mut notices = Vec::new();
        for c in clocks.iter().filter(|c| c.state.needs_attention()) {
            let Some(alarm_at) = c.alarm_at else { continue };
            let slot = (incident.id, c.key.clone());
            if self.raised.get(&slot) == Some(&alarm_at) {
                continue;
            }
            self.raised.insert(slot, alarm_at);
            notices.push(notice(incident, pb, c, alarm_at, now));
        }
        Plan {
            bell: !notices.is_empty(),
            notices,
        }
    }

    /// Drop what was remembered about an incident (closed, or no longer watched).
    pub fn forget(&mut self, incident: IncidentId) {
        self.raised.retain(|(inc, _), _| *inc != incident);
    }
}

fn notice(
    incident: &Incident,
    pb: &Playbook,
    c: &ClockStatus,
    alarm_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Notice {
    let summary = clean_line(&format!(
        "{} {}: {} ({})",
        incident.severity,
        incident.title,
        c.name,
        c.state.label()
    ));
    let mut body = format!("{}.", c.task);
    if c.state == ClockState::Overdue {
        body.push_str(&format!(
            "\nOverdue: was due {} ago.",
            human_duration(now - c.due_at)
        ));
    }
    body.push_str(&format!("\n({})", c.source));
    Notice {
        incident: incident.id,
        clock: c.key.clone(),
        alarm_at,
        summary: truncate(&summary, SUMMARY_MAX),
        body: escape_markup(&truncate(&clean_text(&body), BODY_MAX)),
        urgency: urgency(pb.severity(&incident.severity), c.kind, c.state),
    }
}

/// Urgency from the incident's severity (its `paging` level), the clock's
/// weight and lateness: a SEV1's check-in is critical, a SEV3's RCA is low.
pub fn urgency(severity: Option<&Severity>, kind: ClockKind, state: ClockState) -> Urgency {
    let level: i32 = match severity.map(|s| s.paging.as_str()) {
        Some("critical") => 3,
        Some("warning") => 1,
        Some("info") => 0,
        _ => 2,
    };
    let weight = match kind.weight() {
        Weight::High => 1,
        Weight::Normal => 0,
        Weight::Low => -1,
    };
    let late = i32::from(state == ClockState::Overdue);
    match level + weight + late {
        s if s >= 3 => Urgency::Critical,
        s if s >= 1 => Urgency::Normal,
        _ => Urgency::Low,
    }
}

/// Escape what notification servers read as markup (`body-markup`): `& < >`.
pub fn escape_markup(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
    out
}

fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut out: String = s.chars().take(max - 1).collect();
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::clocks::clocks;
    use crate::domain::event::{Event, EventKind};
    use chrono::Duration;

    const DEFAULT: &str = include_str!("../../assets/playbooks/default.toml");

    fn t(min: i64) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-11-18T12:00:00Z")
            .unwrap()
            .with_timezone(&Utc)
            + Duration::minutes(min)
    }

    fn incident(pb: &Playbook, severity: &str, title: &str) -> Incident {
        let mut i = Incident::new(IncidentId::new());
        let mut add = |min: i64, kind: EventKind| {
            let e = Event::new(i.id, "ann", t(min), t(min), kind);
            i.apply(&e, pb).unwrap();
        };
        add(
            0,
            EventKind::Declared {
                title: title.into(),
                severity: severity.into(),
                summary: String::new(),
                security: false,
                playbook: "default".into(),
            },
        );
        // Satisfy the start-up clocks so the check-in is the one that comes due.
        add(
            0,
            EventKind::RoleEngaged {
                role: "ic".into(),
                person: "bob".into(),
            },
        );
        i
    }

    fn plan_at(p: &mut NotifyPlanner, i: &Incident, pb: &Playbook, min: i64) -> Plan {
        let cs = clocks(i, pb, t(min), &Utc);
        p.plan(i, pb, &cs, t(min))
    }

    #[test]
    fn one_notice_per_due_period_however_often_it_redraws() {
        let pb = Playbook::parse("d", DEFAULT).unwrap();
        let mut i = incident(&pb, "SEV2", "db down");
        let mut p = NotifyPlanner::new();
        assert!(plan_at(&mut p, &i, &pb, 14).notices.is_empty());
        let first = plan_at(&mut p, &i, &pb, 15);
        assert_eq!(first.notices.len(), 1);
        assert!(first.bell);
        let n = &first.notices[0];
        assert_eq!(n.clock, "checkin");
        assert_eq!(n.summary, "SEV2 db down: Check-in (due)");
        assert_eq!(n.urgency, Urgency::Normal);
        // Every redraw after that, and becoming overdue, raises nothing more.
        for min in [15, 16, 19, 20, 25] {
            let again = plan_at(&mut p, &i, &pb, min);
            assert!(again.notices.is_empty() && !again.bell, "+{min}m");
        }
        // A check-in starts a new period: the next due time raises one again.
        let held = EventKind::CheckInHeld(crate::domain::event::CheckIn {
            status: "same".into(),
            ..Default::default()
        });
        let e = Event::new(i.id, "ann", t(26), t(26), held);
        i.apply(&e, &pb).unwrap();
        let checkins = |plan: Plan| plan.notices.iter().filter(|n| n.clock == "checkin").count();
        assert_eq!(checkins(plan_at(&mut p, &i, &pb, 40)), 0);
        assert_eq!(checkins(plan_at(&mut p, &i, &pb, 41)), 1);
        assert_eq!(checkins(plan_at(&mut p, &i, &pb, 42)), 0);
    }

    #[test]
    fn a_snooze_that_ends_rings_once_more() {
        let pb = Playbook::parse("d", DEFAULT).unwrap();
        let mut i = incident(&pb, "SEV2", "db down");
        let mut p = NotifyPlanner::new();
        assert_eq!(plan_at(&mut p, &i, &pb, 15).notices.len(), 1);
        let e = Event::new(
            i.id,
            "ann",
            t(16),
            t(16),
            EventKind::ClockSnoozed {
                clock: "checkin".into(),
                until: t(21),
            },
        );
        i.apply(&e, &pb).unwrap();
        assert!(plan_at(&mut p, &i, &pb, 18).notices.is_empty());
        let after = plan_at(&mut p, &i, &pb, 21);
        assert_eq!(after.notices.len(), 1);
        // Overdue by the time it rings again: louder, and says so.
        assert_eq!(after.notices[0].urgency, Urgency::Critical);
        assert!(
            after.notices[0].body.contains("Overdue"),
            "{}",
            after.notices[0].body
        );
        assert!(plan_at(&mut p, &i, &pb, 22).notices.is_empty());
    }

    #[test]
    fn outside_text_is_cleaned_and_the_body_escaped() {
        let pb = Playbook::parse("d", DEFAULT).unwrap();
        let mut i = incident(&pb, "SEV1", "db \x1b]0;pwned\x07<b>down</b>");
        let e = Event::new(
            i.id,
            "ann",
            t(1),
            t(1),
            EventKind::RoleHandedOff {
                role: "ic".into(),
                from: "bob".into(),
                to: "eve <ops> & co".into(),
                briefing: Default::default(),
            },
        );
        i.apply(&e, &pb).unwrap();
        let accept = Event::new(
            i.id,
            "eve <ops> & co",
            t(1),
            t(1),
            EventKind::HandoffAccepted {
                role: "ic".into(),
                person: "eve <ops> & co".into(),
            },
        );
        i.apply(&accept, &pb).unwrap();
        let mut p = NotifyPlanner::new();
        let plan = plan_at(&mut p, &i, &pb, 31);
        let n = plan
            .notices
            .iter()
            .find(|n| n.clock == "handoff.ic")
            .unwrap();
        assert!(!n.summary.contains('\x1b') && !n.summary.contains('\x07'));
        assert!(
            n.summary.starts_with("SEV1 db <b>down</b>: "),
            "{}",
            n.summary
        );
        assert!(
            n.body.contains("to eve &lt;ops&gt; &amp; co:"),
            "{}",
            n.body
        );
        assert!(!n.body.contains('<'));
    }

    #[test]
    fn urgency_by_severity_and_clock() {
        let pb = Playbook::parse("d", DEFAULT).unwrap();
        let sev = |name: &str| pb.severity(name);
        use ClockKind::*;
        use ClockState::*;
        // SEV1 pages as critical: even a normal clock is critical.
        assert_eq!(urgency(sev("SEV1"), CheckIn, Due), Urgency::Critical);
        assert_eq!(
            urgency(sev("SEV1"), RootCauseAnalysis, Due),
            Urgency::Normal
        );
        assert_eq!(urgency(sev("SEV2"), CheckIn, Due), Urgency::Normal);
        assert_eq!(urgency(sev("SEV2"), CheckIn, Overdue), Urgency::Critical);
        assert_eq!(urgency(sev("SEV2"), SecurityReport, Due), Urgency::Critical);
        assert_eq!(urgency(sev("SEV3"), CheckIn, Due), Urgency::Normal);
        assert_eq!(urgency(sev("SEV3"), PostMortemReview, Due), Urgency::Low);
        assert_eq!(urgency(None, CheckIn, Due), Urgency::Normal);
    }

    #[test]
    fn forgetting_an_incident_and_long_text() {
        let pb = Playbook::parse("d", DEFAULT).unwrap();
        let long = "x".repeat(500);
        let i = incident(&pb, "SEV2", &long);
        let mut p = NotifyPlanner::new();
        let plan = plan_at(&mut p, &i, &pb, 15);
        assert_eq!(plan.notices[0].summary.chars().count(), SUMMARY_MAX);
        assert!(plan.notices[0].summary.ends_with('…'));
        p.forget(i.id);
        assert_eq!(plan_at(&mut p, &i, &pb, 16).notices.len(), 1);
        assert_eq!(escape_markup("a<b>&c"), "a&lt;b&gt;&amp;c");
    }
}
