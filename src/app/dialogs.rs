//! Dialogs: the prompt, the declare, check-in and handoff forms, and the
//! incident switcher. Each key handler returns what should happen
//! (`Outcome`s); `update` turns them into effects.

use crossterm::event::{KeyCode, KeyEvent};

use super::effect::Outcome;
use super::model::{
    CheckInForm, DeclareForm, HandoffForm, Level, Model, Overlay, PromptPurpose, VERDICTS,
    single_line,
};
use crate::domain::event::{Briefing, CheckIn, MitigationReview, Proposal, Trend};
use crate::journal::TimelineFilter;
use crate::services::drafts::CheckInDraft;
use crate::services::intent::{ActionStep, Intent};
use crate::services::worker::Request;

pub fn open_declare(m: &mut Model) {
    m.overlay = Some(Overlay::Declare(DeclareForm {
        field: 0,
        title: single_line(""),
        severity: 0,
        summary: single_line(""),
        security: false,
    }));
}

pub fn open_checkin(m: &mut Model) {
    let Some(c) = &m.current else {
        m.say(Level::Warn, "no incident yet: declare one first (D)");
        return;
    };
    let inc = &c.incident;
    let reviews = crate::domain::clocks::mitigations_to_review(inc)
        .into_iter()
        .map(|a| (a.id, format!("#{} {}", a.number, a.proposal.what), 0))
        .collect();
    // 001: "you do not want to repeat this loop more often than once every 15 minutes"
    let warning =
        crate::domain::clocks::check_in_too_soon(inc, &c.playbook, m.now).map(|w| w.to_string());
    let mut form = CheckInForm {
        field: 0,
        trend: None,
        status: single_line(""),
        reviews,
        next: single_line(""),
        warning,
    };
    // Issue 12: what was typed and not sent (closed with Esc, or kept on
    // disk through a quit or a crash) comes back.
    if let Some(d) = m.drafts.parked.take() {
        fill_form(&mut form, &d);
    }
    m.overlay = Some(Overlay::CheckIn(form));
}

/// The check-in form's fields as a draft (issue 12).
pub fn from_form(f: &CheckInForm) -> CheckInDraft {
    CheckInDraft {
        trend: f.trend,
        status: f.status.lines().join(" "),
        next: f.next.lines().join(" "),
        // Only verdicts given: the default ("still going") is not typed.
        verdicts: f
            .reviews
            .iter()
            .filter(|r| r.2 != 0)
            .map(|r| (r.0, r.2))
            .collect(),
    }
}

/// Put a kept check-in into a freshly opened form (verdicts by action).
pub fn fill_form(f: &mut CheckInForm, d: &CheckInDraft) {
    f.trend = d.trend;
    f.status = single_line(&d.status);
    f.next = single_line(&d.next);
    for r in &mut f.reviews {
        if let Some((_, v)) = d.verdicts.iter().find(|(id, _)| *id == r.0) {
            r.2 = (*v).min(VERDICTS.len() - 1);
        }
    }
}

pub(super) fn switcher_key(m: &mut Model, selected: usize, k: KeyEvent) -> Vec<Outcome> {
    let n = m.incidents.len();
    match k.code {
        KeyCode::Esc => Vec::new(),
        KeyCode::Up | KeyCode::Char('k') => {
            m.overlay = Some(Overlay::Switcher {
                selected: selected.saturating_sub(1),
            });
            Vec::new()
        }
        KeyCode::Down | KeyCode::Char('j') => {
            m.overlay = Some(Overlay::Switcher {
                selected: (selected + 1).min(n.saturating_sub(1)),
            });
            Vec::new()
        }
        KeyCode::Char('D') => {
            open_declare(m);
            Vec::new()
        }
        KeyCode::Enter => match m.incidents.get(selected) {
            Some(i) => vec![Outcome::send(Request::Select(i.id))],
            None => Vec::new(),
        },
        _ => {
            m.overlay = Some(Overlay::Switcher { selected });
            Vec::new()
        }
    }
}

pub(super) fn submit_prompt(m: &mut Model, purpose: PromptPurpose, text: String) -> Vec<Outcome> {
    let text = text.trim().to_string();
    let step = |step, id: crate::domain::EventId, reason: String| Intent::Action {
        step,
        reference: id.to_string(),
        reason,
    };
    match purpose {
        PromptPurpose::Filter => vec![Outcome::send(Request::SetFilter(TimelineFilter::parse(
            &text,
        )))],
        PromptPurpose::Propose => {
            // "what; why; risk; how to revert": the IC can approve only what is described.
            let mut parts = text.splitn(4, ';').map(|s| s.trim().to_string());
            let p = Proposal {
                what: parts.next().unwrap_or_default(),
                why: parts.next().unwrap_or_default(),
                risk: parts.next().unwrap_or_default(),
                revert: parts.next().unwrap_or_default(),
            };
            if p.what.is_empty() {
                m.say(Level::Warn, "nothing proposed: describe the action");
                return Vec::new();
            }
            vec![Outcome::act(Intent::ActionPropose(p))]
        }
        PromptPurpose::Reject(id) if text.is_empty() => {
            // A rejection without a reason teaches nobody anything.
            m.say(Level::Warn, "a rejection needs a reason");
            m.overlay = Some(Overlay::Prompt(super::model::Prompt {
                title: "Reject: why?".into(),
                hint: "a reason is required".into(),
                purpose: PromptPurpose::Reject(id),
                input: single_line(""),
            }));
            Vec::new()
        }
        PromptPurpose::Reject(id) => vec![Outcome::act(step(ActionStep::Reject, id, text))],
        PromptPurpose::AskInfo(id) => vec![Outcome::act(step(ActionStep::AskInfo, id, text))],
        PromptPurpose::Fail(id) => vec![Outcome::act(step(ActionStep::Fail, id, text))],
        PromptPurpose::Revert(id) => vec![Outcome::act(step(ActionStep::Revert, id, text))],
        PromptPurpose::Object if text.is_empty() => {
            m.say(Level::Warn, "an objection needs a reason");
            Vec::new()
        }
        PromptPurpose::Object => vec![Outcome::act(Intent::Object(text))],
        PromptPurpose::FollowUp(from) => {
            let mut parts = text.splitn(4, ';').map(|s| s.trim().to_string());
            let item = crate::domain::event::FollowUp {
                text: parts.next().unwrap_or_default(),
                owner: parts.next().unwrap_or_default(),
                criticality: parts.next().unwrap_or_default(),
                due: parts
                    .next()
                    .and_then(|d| chrono::NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok()),
                from_event: Some(from),
            };
            if item.text.is_empty() {
                m.say(Level::Warn, "a follow-up needs a text");
                return Vec::new();
            }
            vec![Outcome::act(Intent::FollowUp(item))]
        }
        PromptPurpose::DropRow(row) => {
            m.overlay = Some(Overlay::Sync {
                rows: Vec::new(),
                selected: 0,
            });
            vec![Outcome::send(Request::SyncDrop { row, reason: text })]
        }
        PromptPurpose::Change(kind, key) if text.is_empty() => {
            m.say(
                Level::Warn,
                "the playbook asks for a reason for this change",
            );
            m.overlay = Some(Overlay::Prompt(super::model::Prompt {
                title: "Why?".into(),
                hint: "a reason is required".into(),
                purpose: PromptPurpose::Change(kind, key),
                input: single_line(""),
            }));
            Vec::new()
        }
        PromptPurpose::Change(kind, key) => vec![Outcome::act(kind.intent(key, text))],
        PromptPurpose::TickWithNote { checklist, step } => {
            vec![Outcome::act(Intent::ChecklistTick {
                checklist,
                step,
                note: text,
            })]
        }
    }
}

pub(super) fn declare_key(m: &mut Model, mut f: DeclareForm, k: KeyEvent) -> Vec<Outcome> {
    let severities = m.declare_severities().len().max(1);
    match k.code {
        KeyCode::Esc => return Vec::new(),
        KeyCode::Tab | KeyCode::Down => f.field = (f.field + 1) % 4,
        KeyCode::BackTab | KeyCode::Up => f.field = (f.field + 3) % 4,
        KeyCode::Left if f.field == 1 => f.severity = (f.severity + severities - 1) % severities,
        KeyCode::Right if f.field == 1 => f.severity = (f.severity + 1) % severities,
        KeyCode::Char(' ') if f.field == 3 => f.security = !f.security,
        KeyCode::Enter => {
            let title = f.title.lines().join(" ");
            if title.trim().is_empty() {
                f.field = 0;
                m.say(Level::Warn, "an incident needs a title");
            } else {
                let severity = m
                    .declare_severities()
                    .get(f.severity)
                    .map(|s| s.name.clone())
                    .unwrap_or_default();
                let token = m.token();
                let intent = Intent::Declare {
                    title,
                    severity,
                    summary: f.summary.lines().join(" "),
                    security: f.security,
                    playbook: String::new(),
                };
                return vec![Outcome::send(Request::Act {
                    token,
                    incident: None,
                    intent,
                    at: None,
                })];
            }
        }
        _ => match f.field {
            0 => {
                f.title.input(k);
            }
            2 => {
                f.summary.input(k);
            }
            _ => {}
        },
    }
    m.overlay = Some(Overlay::Declare(f));
    Vec::new()
}

/// Fields: 0 trend, 1 status, 2.. reviews, last: next steps.
pub(super) fn checkin_key(m: &mut Model, mut f: CheckInForm, k: KeyEvent) -> Vec<Outcome> {
    let fields = 3 + f.reviews.len();
    let last = fields - 1;
    match k.code {
        KeyCode::Esc => {
            // Closed unsent: kept (and on disk) until sent, reopened by the check-in key.
            let d = from_form(&f);
            if !d.is_empty() {
                m.say(
                    Level::Info,
                    "check-in kept as a draft: open the check-in again to finish it",
                );
                m.drafts.parked = Some(d);
            }
            return Vec::new();
        }
        KeyCode::Tab | KeyCode::Down => f.field = (f.field + 1) % fields,
        KeyCode::BackTab | KeyCode::Up => f.field = (f.field + fields - 1) % fields,
        KeyCode::Left | KeyCode::Right if f.field == 0 => {
            let order = [
                None,
                Some(Trend::Better),
                Some(Trend::Same),
                Some(Trend::Worse),
            ];
            let i = order.iter().position(|t| *t == f.trend).unwrap_or(0);
            let n = order.len();
            f.trend = order[if k.code == KeyCode::Right {
                (i + 1) % n
            } else {
                (i + n - 1) % n
            }];
        }
        KeyCode::Left | KeyCode::Right if (2..last).contains(&f.field) => {
            let r = &mut f.reviews[f.field - 2];
            let n = VERDICTS.len();
            r.2 = if k.code == KeyCode::Right {
                (r.2 + 1) % n
            } else {
                (r.2 + n - 1) % n
            };
        }
        KeyCode::Enter if f.field == last => {
            let status = f.status.lines().join(" ");
            if status.trim().is_empty() {
                f.field = 1;
                m.say(Level::Warn, "a check-in needs the status report");
            } else {
                // Every mitigation keeps its verdict, "not reviewed" too: the
                // export then says which ones nobody looked at (issue 13).
                let reviews = f
                    .reviews
                    .iter()
                    .map(|r| MitigationReview {
                        action: r.0,
                        verdict: VERDICTS[r.2].to_string(),
                    })
                    .collect();
                return vec![Outcome::act(Intent::CheckIn(CheckIn {
                    status,
                    trend: f.trend,
                    reviews,
                    next: f.next.lines().join(" "),
                }))];
            }
        }
        KeyCode::Enter => f.field += 1,
        _ if f.field == 1 => {
            f.status.input(k);
        }
        _ if f.field == last => {
            f.next.input(k);
        }
        _ => {}
    }
    m.overlay = Some(Overlay::CheckIn(f));
    Vec::new()
}

/// Open the handoff form for the commanding role, prefilled from the journal.
pub fn open_handoff(m: &mut Model) {
    let Some(c) = &m.current else {
        m.say(Level::Warn, "no incident yet: declare one first (D)");
        return;
    };
    let role = c.playbook.commander().key.clone();
    open_handoff_to(m, &role, "");
}

/// The handoff form for `role` (issue 12: from the roster, any role),
/// "Hand to" prefilled with `to`.
pub fn open_handoff_to(m: &mut Model, role: &str, to: &str) {
    let Some(c) = &m.current else {
        m.say(Level::Warn, "no incident yet: declare one first (D)");
        return;
    };
    let role = role.to_string();
    let b = c.incident.briefing_draft(&c.playbook);
    let inputs = [
        to.to_string(),
        b.status,
        b.hypotheses_open,
        b.hypotheses_eliminated,
        b.last_customer_update,
        b.channels,
        b.people,
    ]
    .iter()
    .map(|s| single_line(s))
    .collect();
    m.overlay = Some(Overlay::Handoff(HandoffForm {
        field: 0,
        role,
        inputs,
    }));
}

pub(super) fn handoff_key(m: &mut Model, mut h: HandoffForm, k: KeyEvent) -> Vec<Outcome> {
    let n = h.inputs.len();
    match k.code {
        KeyCode::Esc => return Vec::new(),
        KeyCode::Tab | KeyCode::Down => h.field = (h.field + 1) % n,
        KeyCode::BackTab | KeyCode::Up => h.field = (h.field + n - 1) % n,
        KeyCode::Enter if h.field + 1 < n => h.field += 1,
        KeyCode::Enter => {
            let text = |i: usize| h.inputs[i].lines().join(" ").trim().to_string();
            let to = text(0);
            if to.is_empty() {
                h.field = 0;
                m.say(Level::Warn, "who takes over?");
            } else {
                let briefing = Briefing {
                    status: text(1),
                    hypotheses_open: text(2),
                    hypotheses_eliminated: text(3),
                    last_customer_update: text(4),
                    last_customer_update_at: m
                        .current
                        .as_ref()
                        .and_then(|c| c.incident.last_comms.as_ref().map(|l| l.at)),
                    channels: text(5),
                    people: text(6),
                };
                return vec![Outcome::act(Intent::RoleHandoff {
                    role: h.role.clone(),
                    from: None,
                    to,
                    briefing,
                })];
            }
        }
        _ => {
            h.inputs[h.field].input(k);
        }
    }
    m.overlay = Some(Overlay::Handoff(h));
    Vec::new()
}
