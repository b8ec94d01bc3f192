//! The check-in loop of seed 001 as the cockpit shows it: which iteration is
//! next, how the service trended over the check-ins, which mitigations the next
//! check-in must review, and whether a check-in now would come too soon.

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;
use std::fmt;

use crate::domain::event::Trend;
use crate::domain::incident::{Action, ActionStatus, Incident};
use crate::domain::playbook::{Playbook, format_duration};
use crate::domain::time::human_duration;

/// One check-in already held.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LoopEntry {
    /// 1-based iteration of the loop.
    pub number: usize,
    pub at: DateTime<Utc>,
    pub by: String,
    pub trend: Option<Trend>,
    /// Time since the previous check-in.
    pub gap: Option<Duration>,
    /// Held sooner than `checkin_min` after the previous one (001).
    pub too_soon: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LoopView {
    /// The iteration the next check-in will be (1 before the first).
    pub next_number: usize,
    pub entries: Vec<LoopEntry>,
}

impl LoopView {
    pub fn last(&self) -> Option<&LoopEntry> {
        self.entries.last()
    }

    /// The trend at each check-in, oldest first (`None` where none was given).
    pub fn trends(&self) -> Vec<Option<Trend>> {
        self.entries.iter().map(|e| e.trend).collect()
    }

    /// "same → worse → better", for one line of text; `-` where no trend was given.
    pub fn trend_line(&self) -> String {
        self.entries
            .iter()
            .map(|e| match e.trend {
                Some(Trend::Better) => "better",
                Some(Trend::Same) => "same",
                Some(Trend::Worse) => "worse",
                None => "-",
            })
            .collect::<Vec<_>>()
            .join(" → ")
    }
}

pub fn check_in_loop(incident: &Incident, pb: &Playbook) -> LoopView {
    let min = pb.clocks.checkin_min;
    let mut entries: Vec<LoopEntry> = Vec::with_capacity(incident.checkins.len());
    // Check-ins are folded in journal order; a backdated one still takes its place by time.
    let mut held: Vec<_> = incident.checkins.iter().collect();
    held.sort_by_key(|c| c.at);
    for (n, c) in held.into_iter().enumerate() {
        let gap = entries.last().map(|p: &LoopEntry| c.at - p.at);
        entries.push(LoopEntry {
            number: n + 1,
            at: c.at,
            by: c.by.clone(),
            trend: c.checkin.trend,
            gap,
            too_soon: matches!((gap, min), (Some(g), Some(m)) if g < m),
        });
    }
    LoopView {
        next_number: entries.len() + 1,
        entries,
    }
}

/// A check-in that would come sooner than the loop allows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TooSoon {
    pub since_last: Duration,
    pub min: Duration,
}

impl fmt::Display for TooSoon {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "only {} between this check-in and the one before; 001: check in no more often than every {}, or the team is too busy checking in to work",
            human_duration(self.since_last),
            format_duration(self.min)
        )
    }
}

/// Would a check-in held at `at` be too soon after (or, backdated, before)
/// another one? The form asks this before saving; `check_in_loop` marks the
/// ones already held.
pub fn check_in_too_soon(incident: &Incident, pb: &Playbook, at: DateTime<Utc>) -> Option<TooSoon> {
    let min = pb.clocks.checkin_min?;
    let since_last = incident.checkins.iter().map(|c| (at - c.at).abs()).min()?;
    (since_last < min).then_some(TooSoon { since_last, min })
}

/// The mitigations the next check-in reviews (001: "the status of any
/// mitigation or solution efforts that were put in place during the previous
/// iteration"): those still under way, and those that finished since the last check-in.
pub fn mitigations_to_review(incident: &Incident) -> Vec<&Action> {
    let since = incident.checkins.iter().map(|c| c.at).max();
    incident
        .actions
        .iter()
        .filter(|a| match a.status {
            ActionStatus::Approved | ActionStatus::Started => true,
            ActionStatus::Done | ActionStatus::Failed | ActionStatus::Reverted => {
                let finished = a.history.last().map(|s| s.at);
                match (since, finished) {
                    (Some(s), Some(f)) => f >= s,
                    _ => true,
                }
            }
            _ => false,
        })
        .collect()
}
