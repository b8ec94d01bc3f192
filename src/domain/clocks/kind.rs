//! Which clock a clock is, and a clock as the seed rules draft it: a leaf
//! shared by the rules (`rules.rs`) and the settling of acknowledgements
//! and snoozes (`mod.rs`).

use chrono::{DateTime, Utc};
use serde::Serialize;

/// Which of the seeds' clocks this is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ClockKind {
    CheckIn,
    StatusUpdate,
    Summary,
    ClientUpdate,
    Acknowledge,
    FirstResponder,
    Investigating,
    SecurityReport,
    OutOfHoursEscalate,
    OutOfHoursStop,
    RoleFatigue,
    HandoffDisengage,
    ResolvedWatch,
    RootCauseAnalysis,
    PostMortemReview,
}

/// How much a clock matters, before the incident's severity is considered.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Weight {
    Low,
    Normal,
    High,
}

impl ClockKind {
    /// Where the rule comes from, quoted short.
    pub fn source(self) -> &'static str {
        use ClockKind::*;
        match self {
            CheckIn => "001: the 15-20 minute check-in loop",
            StatusUpdate => {
                "000: update the incident document at least every 2 hours; 003: status by severity"
            }
            Summary => "002: a summary every 30 minutes",
            ClientUpdate => "002: hourly updates to affected clients",
            Acknowledge => "000/003: acknowledge within 5 min (incident) or 15 min (alert)",
            FirstResponder => "004: 10 minutes after the announcement, pick an Incident Commander",
            Investigating => "003: Investigating for more than 30 minutes after engaging: escalate",
            SecurityReport => {
                "000: report a security / PII incident within one hour of identification"
            }
            OutOfHoursEscalate => "002: out of hours, escalate if not fixed within 30 minutes",
            OutOfHoursStop => "002: out of hours, stop after two hours unless close or urgent",
            RoleFatigue => "000/002: rotate people after a couple of hours in a demanding role",
            HandoffDisengage => "004: outgoing people disengage by handoff+30",
            ResolvedWatch => "001: wait 15 minutes after resolution before disbanding",
            RootCauseAnalysis => "000: the RCA within one business day",
            PostMortemReview => "004: the PMR within 5 business days after recovery",
        }
    }

    pub fn weight(self) -> Weight {
        use ClockKind::*;
        match self {
            Acknowledge | FirstResponder | SecurityReport | OutOfHoursEscalate | Investigating => {
                Weight::High
            }
            CheckIn | StatusUpdate | Summary | ClientUpdate | OutOfHoursStop | RoleFatigue
            | HandoffDisengage => Weight::Normal,
            ResolvedWatch | RootCauseAnalysis | PostMortemReview => Weight::Low,
        }
    }

    /// Recurring clocks restart on acknowledgement; the others are satisfied by it.
    pub fn recurring(self) -> bool {
        use ClockKind::*;
        matches!(
            self,
            CheckIn | StatusUpdate | Summary | ClientUpdate | RoleFatigue
        )
    }
}

/// A clock before acknowledgements and snoozes are applied (built in `rules`).
#[derive(Clone, Debug)]
pub(super) struct Draft {
    pub(super) key: String,
    pub(super) kind: ClockKind,
    pub(super) name: String,
    pub(super) task: String,
    pub(super) started_at: DateTime<Utc>,
    pub(super) due_at: DateTime<Utc>,
    /// `None`: `due_at` + the playbook's `overdue_after`.
    pub(super) overdue_at: Option<DateTime<Utc>>,
    /// Satisfied by the incident's own state, with the reason.
    pub(super) satisfied_by: Option<String>,
}
