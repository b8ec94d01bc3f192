//! Checklists as guided steps: the seeds' scripts (000 "Quick Response
//! Scripts", 004 First Responder protocol and IC checklist, the close steps of
//! 000 and 001) as playbook data, and their progress folded from events.
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

use super::incident::Incident;
use super::playbook::{Phase, Playbook};
use super::rules::RuleError;

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

impl Playbook {
    pub fn checklist(&self, key: &str) -> Option<&Checklist> {
        self.checklists
            .iter()
            .find(|c| c.key.eq_ignore_ascii_case(key))
    }

    /// A checklist by key, or the error that lists the valid ones.
    pub fn known_checklist(&self, key: &str) -> Result<&Checklist, RuleError> {
        self.checklist(key)
            .ok_or_else(|| RuleError::UnknownChecklist {
                given: key.to_string(),
                valid: self
                    .checklists
                    .iter()
                    .map(|c| c.key.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
            })
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

impl Incident {
    /// Every checklist of the playbook with its progress, in playbook order.
    pub fn checklists(&self, pb: &Playbook) -> Vec<ChecklistProgress> {
        pb.checklists
            .iter()
            .map(|c| self.checklist_progress(pb, c))
            .collect()
    }

    /// The checklists whose moment has come and that still have open steps.
    pub fn checklists_now(&self, pb: &Playbook) -> Vec<ChecklistProgress> {
        self.checklists(pb)
            .into_iter()
            .filter(|c| c.relevant && !c.is_complete())
            .collect()
    }

    pub fn checklist_progress(&self, pb: &Playbook, c: &Checklist) -> ChecklistProgress {
        let since = self.checklist_round_start(c);
        let steps: Vec<StepProgress> = c
            .steps
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let status = match self.step_not_applicable(s) {
                    Some(why) => StepStatus::NotApplicable { why },
                    None => {
                        let fact = s
                            .action
                            .filter(|a| a.is_recorded())
                            .and_then(|a| self.recorded_fact(pb, a, s, since));
                        match (fact, self.tick(&c.key, &s.key, since)) {
                            (Some(what), _) => StepStatus::Recorded { what },
                            (None, Some(mark)) => StepStatus::Ticked(mark.clone()),
                            (None, None) => StepStatus::Open,
                        }
                    }
                };
                StepProgress {
                    number: i + 1,
                    hint: self.step_hint(pb, s),
                    how: s.action.map(|a| a.how(s)),
                    step: s.clone(),
                    status,
                }
            })
            .collect();
        let total = steps
            .iter()
            .filter(|s| !matches!(s.status, StepStatus::NotApplicable { .. }))
            .count();
        let done = steps.iter().filter(|s| s.status.is_done()).count();
        ChecklistProgress {
            key: c.key.clone(),
            title: c.title.clone(),
            source: c.source.clone(),
            who: c.who.clone(),
            when: c.when,
            relevant: self.checklist_relevant(pb, c),
            blocks_close: c.blocks_close,
            steps,
            done,
            total,
        }
    }

    fn checklist_relevant(&self, pb: &Playbook, c: &Checklist) -> bool {
        let phase = self.phase(pb);
        match c.when {
            ChecklistWhen::Declared => phase == Phase::Active,
            ChecklistWhen::Security => self.security.is_some(),
            ChecklistWhen::Handoff => self.handoffs.iter().any(|h| h.is_pending()),
            ChecklistWhen::Resolved => phase != Phase::Active,
            ChecklistWhen::Closing => self.close_requested.is_some() || phase == Phase::Closed,
        }
    }

    /// A handoff checklist runs once per handoff: ticks from before the
    /// previous handoff completed belong to that one (004: every shift hands off).
    fn checklist_round_start(&self, c: &Checklist) -> Option<DateTime<Utc>> {
        if c.when != ChecklistWhen::Handoff {
            return None;
        }
        let live: Vec<_> = self.handoffs.iter().filter(|h| !h.is_declined()).collect();
        if live.len() < 2 {
            return None;
        }
        live[live.len() - 2].accepted_at
    }

    fn tick(&self, checklist: &str, step: &str, since: Option<DateTime<Utc>>) -> Option<&StepMark> {
        self.checklist_marks
            .get(checklist)
            .and_then(|m| m.get(step))
            .filter(|m| since.is_none_or(|s| m.at >= s))
    }

    /// Why a step does not apply to this incident, if it does not.
    pub fn step_not_applicable(&self, s: &Step) -> Option<String> {
        if s.security_only && self.security.is_none() {
            return Some("security / PII incidents only".into());
        }
        if !s.severities.is_empty()
            && !s
                .severities
                .iter()
                .any(|v| v.eq_ignore_ascii_case(&self.severity))
        {
            return Some(format!("only at {}", s.severities.join(", ")));
        }
        None
    }

    /// The journal fact that completes a recorded step, in words.
    fn recorded_fact(
        &self,
        pb: &Playbook,
        action: StepAction,
        s: &Step,
        since: Option<DateTime<Utc>>,
    ) -> Option<String> {
        let latest_handoff = self
            .handoffs
            .iter()
            .rev()
            .find(|h| !h.is_declined() && since.is_none_or(|t| h.offered_at >= t));
        match action {
            StepAction::SetLink => {
                let kind = s.link.as_deref()?;
                let (k, url) = self
                    .links
                    .iter()
                    .find(|(k, _)| k.eq_ignore_ascii_case(kind))?;
                Some(format!("{k}: {url}"))
            }
            StepAction::AssignRole => {
                let role = pb.role(s.role.as_deref()?)?;
                if let Some(h) = self.holders(&role.key).next() {
                    return Some(format!("{} holds {}", h.person, role.name));
                }
                // 001: "the communicator role may be folded into the scribe role"
                let into = pb.role(role.folds_into.as_deref()?)?;
                let h = self.holders(&into.key).next()?;
                Some(format!("folded into {} ({})", into.name, h.person))
            }
            StepAction::RecordNearMiss => self
                .near_miss
                .as_ref()
                .map(|sev| format!("near miss, would have been {sev}")),
            StepAction::FlagSecurity => self
                .security
                .as_ref()
                .map(|f| format!("flagged by {}", f.by)),
            StepAction::HandOff => {
                latest_handoff.map(|h| format!("{} handed {} to {}", h.from, h.role, h.to))
            }
            StepAction::AcceptHandoff => latest_handoff
                .filter(|h| h.accepted_at.is_some())
                .map(|h| format!("{} has command of {}", h.to, h.role)),
            StepAction::RequestClose => self
                .close_requested
                .as_ref()
                .map(|r| format!("asked by {}", r.value))
                .or_else(|| self.closed_at.map(|_| "closed".to_string())),
            StepAction::ScheduleRetrospective => self
                .retrospective
                .as_ref()
                .map(|r| format!("facilitated by {}", r.facilitator)),
            _ => None,
        }
    }

    /// What the IC should see next to a step before ticking it.
    fn step_hint(&self, pb: &Playbook, s: &Step) -> Option<String> {
        match s.action? {
            StepAction::AddFollowUp => {
                let open: Vec<String> = self
                    .actions
                    .iter()
                    .filter(|a| !a.status.is_finished())
                    .map(|a| format!("#{} {} ({})", a.number, a.proposal.what, a.status.name()))
                    .collect();
                Some(if open.is_empty() {
                    format!(
                        "no open actions; {} follow-up(s) recorded",
                        self.follow_ups.len()
                    )
                } else {
                    format!("{} action(s) still open: {}", open.len(), open.join("; "))
                })
            }
            StepAction::ScheduleRetrospective if pb.retrospective.facilitator_not_involved => {
                let involved = self.involved_people();
                Some(format!(
                    "pick a facilitator who was not involved (involved: {})",
                    involved.join(", ")
                ))
            }
            StepAction::ScheduleRetrospective => pb
                .retrospective
                .facilitator_role
                .as_deref()
                .and_then(|r| pb.role(r))
                .map(|r| format!("run by the {}", r.name)),
            _ => None,
        }
    }

    /// Check a tick or an untick against the playbook.
    pub(crate) fn check_step(
        &self,
        pb: &Playbook,
        checklist: &str,
        step: &str,
        done: bool,
        note: &str,
    ) -> Result<(), RuleError> {
        let c = pb.known_checklist(checklist)?;
        let (number, s) = c.step(step).ok_or_else(|| RuleError::UnknownStep {
            checklist: c.key.clone(),
            given: step.to_string(),
            valid: c
                .steps
                .iter()
                .map(|s| s.key.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        })?;
        let name = format!("{} step {number} ({})", c.key, s.key);
        if let Some(a) = s.action.filter(|a| a.is_recorded())
            && done
            && note.trim().is_empty()
        {
            return Err(RuleError::StepIsRecorded {
                step: name,
                how: a.how(s),
            });
        }
        let ticked = self
            .tick(&c.key, &s.key, self.checklist_round_start(c))
            .is_some();
        if done {
            if let Some(why) = self.step_not_applicable(s) {
                return Err(RuleError::StepNotApplicable { step: name, why });
            }
            if ticked {
                return Err(RuleError::StepAlreadyDone(name));
            }
        } else if !ticked {
            return Err(RuleError::StepNotDone(name));
        }
        Ok(())
    }

    /// Checklists that must be complete before closing, with their open steps.
    pub fn close_blockers(&self, pb: &Playbook) -> Vec<(String, Vec<String>)> {
        pb.checklists
            .iter()
            .filter(|c| c.blocks_close)
            .map(|c| self.checklist_progress(pb, c))
            .filter(|p| !p.is_complete())
            .map(|p| {
                let open = p
                    .open_steps()
                    .map(|s| format!("{} {}", s.number, s.step.key))
                    .collect();
                (p.key, open)
            })
            .collect()
    }
}
