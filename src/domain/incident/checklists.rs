//! Checklist ticks (`checklist_step_done` / `_undone`) and the progress of
//! every checklist of the playbook, folded from the ticks and from the facts
//! the journal already keeps (see `playbook/checklist.rs` for the model).

use chrono::{DateTime, Utc};

use super::model::Incident;
use crate::domain::event::{Event, EventKind};
use crate::domain::playbook::checklist::{
    ChecklistProgress, ChecklistWhen, StepMark, StepProgress, StepStatus,
};
use crate::domain::playbook::{Checklist, Phase, Playbook, Step, StepAction};
use crate::domain::rules::RuleError;

/// A tick or untick that passed its rules, with the playbook's keys.
pub(super) enum Change<'e> {
    Done {
        checklist: String,
        step: String,
        note: &'e str,
    },
    Undone {
        checklist: String,
        step: String,
    },
}

/// `None`: not a checklist event.
pub(super) fn check<'e>(
    inc: &Incident,
    e: &'e Event,
    pb: &Playbook,
) -> Option<Result<Change<'e>, RuleError>> {
    use EventKind::*;
    Some(match &e.kind {
        ChecklistStepDone {
            checklist,
            step,
            note,
        } => inc
            .check_step(pb, checklist, step, true, note)
            .map(|(checklist, step)| Change::Done {
                checklist,
                step,
                note,
            }),
        ChecklistStepUndone {
            checklist, step, ..
        } => inc
            .check_step(pb, checklist, step, false, "")
            .map(|(checklist, step)| Change::Undone { checklist, step }),
        _ => return None,
    })
}

pub(super) fn fold(inc: &mut Incident, e: &Event, change: Change<'_>) {
    match change {
        Change::Done {
            checklist,
            step,
            note,
        } => {
            inc.checklist_marks.entry(checklist).or_default().insert(
                step,
                StepMark {
                    at: e.at,
                    by: e.author.clone(),
                    note: note.to_string(),
                },
            );
        }
        Change::Undone { checklist, step } => {
            if let Some(marks) = inc.checklist_marks.get_mut(&checklist) {
                marks.remove(&step);
            }
        }
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

    /// Check a tick or an untick against the playbook; the playbook's keys
    /// of the checklist and the step when it passes.
    fn check_step(
        &self,
        pb: &Playbook,
        checklist: &str,
        step: &str,
        done: bool,
        note: &str,
    ) -> Result<(String, String), RuleError> {
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
        Ok((c.key.clone(), s.key.clone()))
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
