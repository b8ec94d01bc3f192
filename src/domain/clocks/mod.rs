//! The seeds' clocks, derived and never stored: a pure function of (incident,
//! playbook, now, the user's time zone) says for each clock when it started,
//! when it is due, when it is overdue, and what state it is in now. The screen
//! calls it on every redraw; nothing here ticks.
//!
//! ## Acknowledging and snoozing (events `clock_acknowledged`, `clock_snoozed`)
//!
//! Every clock runs in *periods*. A period starts at the clock's anchor (the
//! last check-in, the handoff, the security flag...) and is due at anchor +
//! the playbook's duration. The fold keeps, per clock key, the latest
//! acknowledgement time and the latest snooze end (`Incident::clocks`).
//!
//! - An acknowledgement counts for the current period only if it was made at
//!   or after the period's start; an older one belonged to an earlier period.
//! - A *recurring* clock (check-in, status update, summary, client update,
//!   role fatigue) restarts its period at the acknowledgement: "seen, remind
//!   me one full interval from now". Holding the check-in restarts it too.
//! - A *one-off* clock (everything else) is satisfied by a counting
//!   acknowledgement ("reported", "escalated") until a new period starts (a new
//!   handoff, entering Investigating again, a new resolution).
//! - A snooze silences a clock until its end, whatever the period: the clock
//!   shows as quiet with `snoozed_until`. When a snooze ends after the due
//!   time, the clock rings again at the snooze's end (`alarm_at`), which
//!   counts as a new due period for notifications.

mod calendar;
mod checkin;
mod kind;
mod rules;

use chrono::{DateTime, Duration, TimeZone, Utc};
use serde::Serialize;

pub use calendar::{WorkingHours, add_business_days, business_days_due_date, local_to_utc};
pub use checkin::{
    LoopEntry, LoopView, TooSoon, check_in_loop, check_in_too_soon, mitigations_to_review,
};
use kind::Draft;
pub use kind::{ClockKind, Weight};
pub use rules::clock_keys;

use super::incident::{ClockMark, Incident};
use super::playbook::Playbook;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ClockState {
    Quiet,
    DueSoon,
    Due,
    Overdue,
    Satisfied,
}

impl ClockState {
    pub fn label(self) -> &'static str {
        match self {
            ClockState::Quiet => "quiet",
            ClockState::DueSoon => "due soon",
            ClockState::Due => "due",
            ClockState::Overdue => "overdue",
            ClockState::Satisfied => "satisfied",
        }
    }

    /// Due or overdue: banner, bell, notification.
    pub fn needs_attention(self) -> bool {
        matches!(self, ClockState::Due | ClockState::Overdue)
    }

    /// Most pressing first: overdue, due, due soon, quiet, satisfied.
    fn rank(self) -> u8 {
        match self {
            ClockState::Overdue => 0,
            ClockState::Due => 1,
            ClockState::DueSoon => 2,
            ClockState::Quiet => 3,
            ClockState::Satisfied => 4,
        }
    }
}

/// One clock as it stands at `now`. Instants only: the screen computes the
/// countdown from them at render time (`remaining`, `progress`).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ClockStatus {
    /// Stable, typeable name: `checkin`, `security_report`, `fatigue.ic`, `handoff.ic`.
    pub key: String,
    pub kind: ClockKind,
    /// For people: "Check-in", "Role fatigue: Incident Commander (ann)".
    pub name: String,
    /// What to do when it is due.
    pub task: String,
    pub source: &'static str,
    /// Start of the current period (the anchor, or the acknowledgement that restarted it).
    pub started_at: DateTime<Utc>,
    pub due_soon_at: DateTime<Utc>,
    pub due_at: DateTime<Utc>,
    pub overdue_at: DateTime<Utc>,
    pub state: ClockState,
    /// Set while a snooze silences the clock.
    pub snoozed_until: Option<DateTime<Utc>>,
    /// The acknowledgement that counts for this period, if any.
    pub acknowledged_at: Option<DateTime<Utc>>,
    /// Why it is satisfied: "acknowledged", "an Incident Commander is assigned".
    pub satisfied_by: Option<String>,
    /// When this period starts (or started) demanding attention: the due time,
    /// or the end of a snooze that ran past it. `None` once satisfied. One
    /// desktop notification per (key, alarm_at).
    pub alarm_at: Option<DateTime<Utc>>,
}

impl ClockStatus {
    /// Time left until due; negative once past.
    pub fn remaining(&self, now: DateTime<Utc>) -> Duration {
        self.due_at - now
    }

    /// How far through the period, 0.0 at its start to 1.0 at the due time.
    pub fn progress(&self, now: DateTime<Utc>) -> f64 {
        let total = (self.due_at - self.started_at).num_milliseconds();
        if total <= 0 {
            return 1.0;
        }
        let done = (now - self.started_at).num_milliseconds() as f64 / total as f64;
        done.clamp(0.0, 1.0)
    }
}

/// Every clock the playbook runs that applies to the incident now, most
/// pressing first. Undeclared incidents have none.
pub fn clocks<Z: TimeZone>(
    incident: &Incident,
    pb: &Playbook,
    now: DateTime<Utc>,
    zone: &Z,
) -> Vec<ClockStatus> {
    if !incident.declared {
        return Vec::new();
    }
    let mut out: Vec<ClockStatus> = rules::drafts(incident, pb, now, zone)
        .into_iter()
        .map(|d| {
            let mark = incident.clocks.get(&d.key).cloned().unwrap_or_default();
            settle(d, &mark, pb, now)
        })
        .collect();
    out.sort_by(|a, b| (a.state.rank(), a.due_at, &a.key).cmp(&(b.state.rank(), b.due_at, &b.key)));
    out
}

/// Apply the clock's acknowledgement and snooze, then place `now` against its times.
fn settle(d: Draft, mark: &ClockMark, pb: &Playbook, now: DateTime<Utc>) -> ClockStatus {
    let grace = pb.clocks.overdue_after.unwrap_or_else(Duration::zero);
    let mut started_at = d.started_at;
    let mut due_at = d.due_at;
    let mut overdue_at = d.overdue_at.unwrap_or(due_at + grace).max(due_at);
    let mut satisfied_by = d.satisfied_by;
    let ack = mark.acknowledged_at.filter(|a| *a >= started_at);
    if let Some(a) = ack {
        if d.kind.recurring() {
            // Restart the period at the acknowledgement.
            let shift = a - started_at;
            started_at = a;
            due_at += shift;
            overdue_at += shift;
        } else if satisfied_by.is_none() {
            satisfied_by = Some("acknowledged".into());
        }
    }
    let window = pb.clocks.due_soon.unwrap_or_else(Duration::zero);
    // A short period (a 1-minute test loop) is not "due soon" from its start.
    let window = window.min((due_at - started_at) / 2).max(Duration::zero());
    let due_soon_at = due_at - window;
    let snooze = mark.snoozed_until.filter(|u| *u > now);
    let state = if satisfied_by.is_some() {
        ClockState::Satisfied
    } else if snooze.is_some() || now < due_soon_at {
        ClockState::Quiet
    } else if now < due_at {
        ClockState::DueSoon
    } else if now < overdue_at {
        ClockState::Due
    } else {
        ClockState::Overdue
    };
    let alarm_at = satisfied_by.is_none().then(|| match mark.snoozed_until {
        Some(u) if u > due_at => u,
        _ => due_at,
    });
    ClockStatus {
        key: d.key,
        kind: d.kind,
        name: d.name,
        task: d.task,
        source: d.kind.source(),
        started_at,
        due_soon_at,
        due_at,
        overdue_at,
        state,
        snoozed_until: if satisfied_by.is_some() { None } else { snooze },
        acknowledged_at: ack,
        satisfied_by,
        alarm_at,
    }
}

#[cfg(test)]
mod tests;
