//! Checklists as guided steps: the seeds' scripts (000 "Quick Response
//! Scripts", 004 First Responder protocol and IC checklist, the close steps of
//! 000 and 001) as playbook data, and the shape of their progress (folded
//! from events in `incident/checklists.rs`).
//!
//! A step is done when someone ticks it (`checklist_step_done`), or, for steps
//! that record a fact the cockpit already keeps (a link, a role, a handoff, the
//! close request, the retrospective), when that fact is in the journal. Those
//! are ticked by hand only with a note saying why the fact will not come
//! ("n/a: no client impact"): doing the thing is what ticks them, so the rules
//! behind them (e.g. the facilitator who was not involved) are never skipped
//! silently.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Checklist {
    pub key: String,
    pub title: String,
    /// Where in the seeds it comes from, e.g. "000 Quick Response Scripts".
    #[serde(default)]
    pub source: String,
    #[serde(default)]
    pub description: String,
    /// Who runs it, in the seed's words ("Incident Commander", "First Responder").
    #[serde(default)]
    pub who: String,
    /// When its moment comes (the screen offers it then).
    #[serde(default)]
    pub when: ChecklistWhen,
    /// Closing is refused while a step of this checklist is open (000: the
    /// closing script's steps are part of closing).
    #[serde(default)]
    pub blocks_close: bool,
    #[serde(rename = "step")]
    pub steps: Vec<Step>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChecklistWhen {
    /// From the declaration, while the incident is active.
    #[default]
    Declared,
    /// Once the incident is flagged security / PII.
    Security,
    /// While a handoff is waiting for the incoming person.
    Handoff,
    /// Once the incident is resolved.
    Resolved,
    /// Once someone has asked to close.
    Closing,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    pub key: String,
    pub text: String,
    /// Something the cockpit can do (or record) for this step.
    #[serde(default)]
    pub action: Option<StepAction>,
    /// The role an action pages or assigns.
    #[serde(default)]
    pub role: Option<String>,
    /// The link kind a `set_link` action sets.
    #[serde(default)]
    pub link: Option<String>,
    /// The message template a posting action uses.
    #[serde(default)]
    pub template: Option<String>,
    /// Only for security / PII incidents (000 step 6).
    #[serde(default)]
    pub security_only: bool,
    /// Only at these severities (003: join the Situation Room for S1/S2).
    #[serde(default)]
    pub severities: Vec<String>,
}

/// What the cockpit can do for a step. Sync actions go through the outbox
/// (the screen offers them, then ticks the step); recorded actions are
/// cockpit verbs whose event itself completes the step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StepAction {
    PostAnnouncement,
    PostUpdate,
    SetTopic,
    ResetTopic,
    PageRole,
    ResolvePaging,
    RemoveSilences,
    AddFollowUp,
    SetLink,
    AssignRole,
    FlagSecurity,
    HandOff,
    AcceptHandoff,
    RequestClose,
    ScheduleRetrospective,
    RecordNearMiss,
}

impl StepAction {
    pub fn name(self) -> &'static str {
        match self {
            StepAction::PostAnnouncement => "post_announcement",
            StepAction::PostUpdate => "post_update",
            StepAction::SetTopic => "set_topic",
            StepAction::ResetTopic => "reset_topic",
            StepAction::PageRole => "page_role",
            StepAction::ResolvePaging => "resolve_paging",
            StepAction::RemoveSilences => "remove_silences",
            StepAction::AddFollowUp => "add_follow_up",
            StepAction::SetLink => "set_link",
            StepAction::AssignRole => "assign_role",
            StepAction::FlagSecurity => "flag_security",
            StepAction::HandOff => "hand_off",
            StepAction::AcceptHandoff => "accept_handoff",
            StepAction::RequestClose => "request_close",
            StepAction::ScheduleRetrospective => "schedule_retrospective",
            StepAction::RecordNearMiss => "record_near_miss",
        }
    }

    /// Done by recording a fact with a cockpit verb, never by a bare tick.
    pub fn is_recorded(self) -> bool {
        matches!(
            self,
            StepAction::SetLink
                | StepAction::AssignRole
                | StepAction::FlagSecurity
                | StepAction::HandOff
                | StepAction::AcceptHandoff
                | StepAction::RequestClose
                | StepAction::ScheduleRetrospective
                | StepAction::RecordNearMiss
        )
    }

    /// The cockpit verb that records it, for error messages and the screen.
    pub fn how(self, step: &Step) -> String {
        let role = step.role.as_deref().unwrap_or("ROLE");
        match self {
            StepAction::SetLink => format!(
                "cockpit link {} URL",
                step.link.as_deref().unwrap_or("KIND")
            ),
            StepAction::AssignRole => format!("cockpit role assign {role} PERSON"),
            StepAction::FlagSecurity => "cockpit security --details TEXT".into(),
            StepAction::HandOff => "cockpit role handoff ROLE PERSON --status ...".into(),
            StepAction::AcceptHandoff => "cockpit role accept ROLE --as PERSON".into(),
            StepAction::RequestClose => "cockpit close request".into(),
            StepAction::ScheduleRetrospective => "cockpit retro schedule FACILITATOR".into(),
            StepAction::RecordNearMiss => "cockpit near-miss SEVERITY".into(),
            StepAction::PageRole => format!("page {role}"),
            other => other.name().replace('_', " "),
        }
    }

    /// Needs `role = ...` on the step.
    pub fn needs_role(self) -> bool {
        matches!(self, StepAction::PageRole | StepAction::AssignRole)
    }
}

/// A tick: who ticked a step, when, with an optional note ("n/a: phone bridge").
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StepMark {
    pub at: DateTime<Utc>,
    pub by: String,
    pub note: String,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum StepStatus {
    Open,
    /// Ticked by hand.
    Ticked(StepMark),
    /// The fact is in the journal (e.g. the bridge link is set).
    Recorded {
        what: String,
    },
    /// Not for this incident (security-only step, other severity).
    NotApplicable {
        why: String,
    },
}

impl StepStatus {
    pub fn is_done(&self) -> bool {
        matches!(self, StepStatus::Ticked(_) | StepStatus::Recorded { .. })
    }
}

/// One step as the checklist pane shows it.
#[derive(Clone, Debug, Serialize)]
pub struct StepProgress {
    /// 1-based, as the seeds number them.
    pub number: usize,
    pub step: Step,
    pub status: StepStatus,
    /// Something the IC should know before ticking (open actions, who is involved).
    pub hint: Option<String>,
    /// How to do it in the cockpit, when the step has an action.
    pub how: Option<String>,
}

/// A checklist with its progress.
#[derive(Clone, Debug, Serialize)]
pub struct ChecklistProgress {
    pub key: String,
    pub title: String,
    pub source: String,
    pub who: String,
    pub when: ChecklistWhen,
    /// Its moment has come (the screen shows it without being asked).
    pub relevant: bool,
    pub blocks_close: bool,
    pub steps: Vec<StepProgress>,
    /// Applicable steps done, and applicable steps in all.
    pub done: usize,
    pub total: usize,
}

impl ChecklistProgress {
    pub fn is_complete(&self) -> bool {
        self.done == self.total
    }

    pub fn open_steps(&self) -> impl Iterator<Item = &StepProgress> {
        self.steps
            .iter()
            .filter(|s| matches!(s.status, StepStatus::Open))
    }
}

impl Checklist {
    /// A step by key or by its 1-based number.
    pub fn step(&self, reference: &str) -> Option<(usize, &Step)> {
        let r = reference.trim().trim_start_matches('#');
        if let Ok(n) = r.parse::<usize>()
            && n >= 1
            && n <= self.steps.len()
        {
            return Some((n, &self.steps[n - 1]));
        }
        self.steps
            .iter()
            .enumerate()
            .find(|(_, s)| s.key.eq_ignore_ascii_case(r))
            .map(|(i, s)| (i + 1, s))
    }
}
