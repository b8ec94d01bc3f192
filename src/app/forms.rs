//! Keys inside overlays: prompts, the declare and check-in forms, the
//! incident switcher, help and the `:` command line.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::cmdline;
use super::intent::{ActionStep, Intent};
use super::model::{
    CheckInForm, DeclareForm, HandoffForm, Level, Model, Overlay, PromptPurpose, VERDICTS,
    single_line,
};
use super::update::{Effect, act};
use super::worker::Request;
use crate::domain::event::{Briefing, CheckIn, MitigationReview, Proposal, Trend};
use crate::journal::TimelineFilter;

pub fn paste(o: &mut Overlay, text: &str) {
    let clean = crate::domain::sanitize::clean_line(text);
    match o {
        Overlay::Prompt(p) => {
            p.input.insert_str(clean);
        }
        Overlay::CommandLine(c) => {
            c.input.insert_str(clean);
        }
        Overlay::Declare(f) if f.field == 0 => {
            f.title.insert_str(clean);
        }
        Overlay::Declare(f) if f.field == 2 => {
            f.summary.insert_str(clean);
        }
        _ => {}
    }
}

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
    m.overlay = Some(Overlay::CheckIn(CheckInForm {
        field: 0,
        trend: None,
        status: single_line(""),
        reviews,
        next: single_line(""),
        warning,
    }));
}

pub fn on_key(m: &mut Model, k: KeyEvent) -> Vec<Effect> {
    let Some(overlay) = m.overlay.take() else {
        return Vec::new();
    };
    let ctrl_c = k.code == KeyCode::Char('c') && k.modifiers.contains(KeyModifiers::CONTROL);
    if ctrl_c {
        m.quit = true;
        return Vec::new();
    }
    match overlay {
        Overlay::Help { scroll } => {
            match k.code {
                KeyCode::Up | KeyCode::Char('k') => {
                    m.overlay = Some(Overlay::Help {
                        scroll: scroll.saturating_sub(1),
                    })
                }
                KeyCode::Down | KeyCode::Char('j') => {
                    m.overlay = Some(Overlay::Help { scroll: scroll + 1 })
                }
                KeyCode::PageDown => {
                    m.overlay = Some(Overlay::Help {
                        scroll: scroll + 10,
                    })
                }
                KeyCode::PageUp => {
                    m.overlay = Some(Overlay::Help {
                        scroll: scroll.saturating_sub(10),
                    })
                }
                _ => {}
            }
            Vec::new()
        }
        Overlay::Switcher { selected } => switcher_key(m, selected, k),
        Overlay::Prompt(mut p) => match k.code {
            KeyCode::Esc => Vec::new(),
            KeyCode::Enter => {
                let text = p.input.lines().join(" ");
                submit_prompt(m, p.purpose, text)
            }
            _ => {
                p.input.input(k);
                m.overlay = Some(Overlay::Prompt(p));
                Vec::new()
            }
        },
        Overlay::Declare(f) => declare_key(m, f, k),
        Overlay::CheckIn(f) => checkin_key(m, f, k),
        Overlay::CommandLine(c) => cmdline::on_key(m, c, k),
        Overlay::Handoff(h) => handoff_key(m, h, k),
        Overlay::Close => close_key(m, k),
        Overlay::Checklists { checklist, step } => checklists_key(m, checklist, step, k),
        Overlay::Sync { rows, selected } => sync_key(m, rows, selected, k),
    }
}

fn switcher_key(m: &mut Model, selected: usize, k: KeyEvent) -> Vec<Effect> {
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
            Some(i) => vec![Effect::Send(Request::Select(i.id))],
            None => Vec::new(),
        },
        _ => {
            m.overlay = Some(Overlay::Switcher { selected });
            Vec::new()
        }
    }
}

fn submit_prompt(m: &mut Model, purpose: PromptPurpose, text: String) -> Vec<Effect> {
    let text = text.trim().to_string();
    let step = |step, id: crate::domain::EventId, reason: String| Intent::Action {
        step,
        reference: id.to_string(),
        reason,
    };
    match purpose {
        PromptPurpose::Filter => vec![Effect::Send(Request::SetFilter(TimelineFilter::parse(
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
            act(m, Intent::ActionPropose(p))
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
        PromptPurpose::Reject(id) => act(m, step(ActionStep::Reject, id, text)),
        PromptPurpose::AskInfo(id) => act(m, step(ActionStep::AskInfo, id, text)),
        PromptPurpose::Fail(id) => act(m, step(ActionStep::Fail, id, text)),
        PromptPurpose::Revert(id) => act(m, step(ActionStep::Revert, id, text)),
        PromptPurpose::Object if text.is_empty() => {
            m.say(Level::Warn, "an objection needs a reason");
            Vec::new()
        }
        PromptPurpose::Object => act(m, Intent::Object(text)),
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
            act(m, Intent::FollowUp(item))
        }
        PromptPurpose::DropRow(row) => {
            m.overlay = Some(Overlay::Sync {
                rows: Vec::new(),
                selected: 0,
            });
            vec![Effect::Send(Request::SyncDrop { row, reason: text })]
        }
        PromptPurpose::TickWithNote { checklist, step } => act(
            m,
            Intent::ChecklistTick {
                checklist,
                step,
                note: text,
            },
        ),
    }
}

fn declare_key(m: &mut Model, mut f: DeclareForm, k: KeyEvent) -> Vec<Effect> {
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
                return vec![Effect::Send(Request::Act {
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
fn checkin_key(m: &mut Model, mut f: CheckInForm, k: KeyEvent) -> Vec<Effect> {
    let fields = 3 + f.reviews.len();
    let last = fields - 1;
    match k.code {
        KeyCode::Esc => return Vec::new(),
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
                let reviews = f
                    .reviews
                    .iter()
                    .filter(|r| VERDICTS[r.2] != "not reviewed")
                    .map(|r| MitigationReview {
                        action: r.0,
                        verdict: VERDICTS[r.2].to_string(),
                    })
                    .collect();
                return act(
                    m,
                    Intent::CheckIn(CheckIn {
                        status,
                        trend: f.trend,
                        reviews,
                        next: f.next.lines().join(" "),
                    }),
                );
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
    let b = c.incident.briefing_draft(&c.playbook);
    let inputs = [
        String::new(),
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

fn handoff_key(m: &mut Model, mut h: HandoffForm, k: KeyEvent) -> Vec<Effect> {
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
                return act(
                    m,
                    Intent::RoleHandoff {
                        role: h.role.clone(),
                        from: None,
                        to,
                        briefing,
                    },
                );
            }
        }
        _ => {
            h.inputs[h.field].input(k);
        }
    }
    m.overlay = Some(Overlay::Handoff(h));
    Vec::new()
}

/// The close flow: r asks the question, o objects, w withdraws yours, c closes.
fn close_key(m: &mut Model, k: KeyEvent) -> Vec<Effect> {
    match k.code {
        KeyCode::Esc | KeyCode::Char('q') => Vec::new(),
        KeyCode::Char('r') => {
            m.overlay = Some(Overlay::Close);
            act(m, Intent::CloseRequest)
        }
        KeyCode::Char('o') => {
            m.overlay = Some(Overlay::Prompt(super::model::Prompt {
                title: "Object to closing: why?".into(),
                hint: "the incident stays open while an objection stands".into(),
                purpose: PromptPurpose::Object,
                input: single_line(""),
            }));
            Vec::new()
        }
        KeyCode::Char('w') => {
            m.overlay = Some(Overlay::Close);
            act(m, Intent::Withdraw(String::new()))
        }
        KeyCode::Char('c') => {
            m.overlay = Some(Overlay::Close);
            act(m, Intent::CloseConfirm)
        }
        _ => {
            m.overlay = Some(Overlay::Close);
            Vec::new()
        }
    }
}

/// Checklists: j/k steps, h/l (or ←/→) checklists, Enter ticks, n ticks with a note, u unticks.
fn checklists_key(m: &mut Model, checklist: usize, step: usize, k: KeyEvent) -> Vec<Effect> {
    let lists = m
        .current
        .as_ref()
        .map(|c| c.incident.checklists(&c.playbook))
        .unwrap_or_default();
    if lists.is_empty() {
        m.say(Level::Info, "this playbook has no checklists");
        return Vec::new();
    }
    let ci = checklist.min(lists.len() - 1);
    let steps = lists[ci].steps.len().max(1);
    let (mut ci2, mut si) = (ci, step.min(steps - 1));
    let reopen = |m: &mut Model, c, s| {
        m.overlay = Some(Overlay::Checklists {
            checklist: c,
            step: s,
        })
    };
    match k.code {
        KeyCode::Esc | KeyCode::Char('q') => return Vec::new(),
        KeyCode::Down | KeyCode::Char('j') => si = (si + 1).min(steps - 1),
        KeyCode::Up | KeyCode::Char('k') => si = si.saturating_sub(1),
        KeyCode::Right | KeyCode::Char('l') | KeyCode::Tab => {
            (ci2, si) = ((ci + 1) % lists.len(), 0)
        }
        KeyCode::Left | KeyCode::Char('h') | KeyCode::BackTab => {
            (ci2, si) = ((ci + lists.len() - 1) % lists.len(), 0)
        }
        KeyCode::Enter | KeyCode::Char(' ') | KeyCode::Char('n') | KeyCode::Char('u') => {
            let Some(s) = lists[ci].steps.get(si) else {
                return Vec::new();
            };
            let (checklist, step) = (lists[ci].key.clone(), s.step.key.clone());
            if k.code == KeyCode::Char('n') {
                m.overlay = Some(Overlay::Prompt(super::model::Prompt {
                    title: format!("Tick \"{}\": why, or how it was done", s.step.text),
                    hint: "Enter ticks the step with this note".into(),
                    purpose: PromptPurpose::TickWithNote { checklist, step },
                    input: single_line(""),
                }));
                return Vec::new();
            }
            reopen(m, ci, si);
            if k.code == KeyCode::Char('u') {
                return act(
                    m,
                    Intent::ChecklistUntick {
                        checklist,
                        step,
                        reason: String::new(),
                    },
                );
            }
            // 006: steps the cockpit can do itself are offered, not just ticked.
            if k.code == KeyCode::Enter
                && matches!(s.status, crate::domain::checklist::StepStatus::Open)
                && let Some(action) = s.step.action
                && let Some(effects) = do_step(m, action, &checklist, &step, s.step.role.as_deref())
            {
                return effects;
            }
            if let Some(how) = &s.how {
                m.say(
                    Level::Info,
                    format!("do it with: {how} (it ticks itself when recorded)"),
                );
            }
            return act(
                m,
                Intent::ChecklistTick {
                    checklist,
                    step,
                    note: String::new(),
                },
            );
        }
        _ => {}
    }
    reopen(m, ci2, si);
    Vec::new()
}

/// The sync overlay: j/k move, r retries a parked row, x drops it (asks why).
fn sync_key(
    m: &mut Model,
    rows: Vec<crate::sync::OutboxRow>,
    selected: usize,
    k: KeyEvent,
) -> Vec<Effect> {
    let row = rows.get(selected).map(|r| (r.id, r.state));
    let n = rows.len().max(1);
    let mut effects = Vec::new();
    let mut selected = selected;
    match k.code {
        KeyCode::Esc | KeyCode::Char('q') => return Vec::new(),
        KeyCode::Down | KeyCode::Char('j') => selected = (selected + 1).min(n - 1),
        KeyCode::Up | KeyCode::Char('k') => selected = selected.saturating_sub(1),
        KeyCode::Char('r') => match row {
            Some((id, crate::sync::RowState::Parked)) => {
                effects = vec![Effect::Send(Request::SyncRetry(id)), Effect::SyncNow]
            }
            _ => m.say(Level::Info, "only a parked row can be retried"),
        },
        KeyCode::Char('x') => match row {
            Some((id, crate::sync::RowState::Parked)) => {
                m.overlay = Some(Overlay::Prompt(super::model::Prompt {
                    title: format!("Drop row {id}: it will never be sent. Why?"),
                    hint: "the timeline records the drop".into(),
                    purpose: PromptPurpose::DropRow(id),
                    input: single_line(""),
                }));
                return Vec::new();
            }
            _ => m.say(Level::Info, "only a parked row can be dropped"),
        },
        _ => {}
    }
    m.overlay = Some(Overlay::Sync { rows, selected });
    effects
}

/// Do what a checklist step asks, where the cockpit can: post the
/// announcement or an update (sent to chat by sync), or open the form that
/// records the fact. `None`: nothing to do here, just tick it.
fn do_step(
    m: &mut Model,
    action: crate::domain::checklist::StepAction,
    checklist: &str,
    step: &str,
    role: Option<&str>,
) -> Option<Vec<Effect>> {
    use crate::domain::checklist::StepAction::*;
    let c = m.current.as_ref()?;
    let (inc, pb) = (&c.incident, &c.playbook);
    // The domain's one renderer and vocabulary, as sync fills the same templates.
    let fill = |key: &str| {
        let mut vars = crate::domain::message::Vars::incident(inc, pb);
        vars.set("author", m.author.clone());
        crate::domain::message::render(crate::domain::message::template(pb, None, key), &vars)
    };
    let command_line = |m: &mut Model, text: &str| {
        m.overlay = Some(Overlay::CommandLine(super::model::CommandLine {
            input: single_line(text),
            completions: Vec::new(),
            history_pos: None,
        }));
    };
    let tick = Intent::ChecklistTick {
        checklist: checklist.into(),
        step: step.into(),
        note: String::new(),
    };
    match action {
        PostAnnouncement | PostUpdate => {
            let text = if action == PostAnnouncement {
                fill("declared")
            } else {
                fill("status_update")
            };
            let mut effects = act(
                m,
                Intent::Comms {
                    audience: "channel".into(),
                    text,
                },
            );
            effects.extend(act(m, tick));
            m.say(
                Level::Info,
                "posted to the incident channel (sent to chat by sync when configured)",
            );
            Some(effects)
        }
        HandOff => {
            open_handoff(m);
            Some(Vec::new())
        }
        AddFollowUp => {
            command_line(m, "followup ");
            Some(Vec::new())
        }
        SetLink => {
            command_line(m, "link bridge ");
            Some(Vec::new())
        }
        AssignRole => {
            command_line(m, "role assign ");
            Some(Vec::new())
        }
        FlagSecurity => {
            command_line(m, "security --details ");
            Some(Vec::new())
        }
        ScheduleRetrospective => {
            command_line(m, "retro schedule ");
            Some(Vec::new())
        }
        RecordNearMiss => {
            command_line(m, "near-miss ");
            Some(Vec::new())
        }
        RequestClose => {
            m.overlay = Some(Overlay::Close);
            Some(Vec::new())
        }
        // 000 / 004 (issue 17): page the role's team; sync triggers its
        // PagerDuty service when the endpoint's `teams` names the role.
        PageRole => {
            let role = role?.to_string();
            let mut effects = act(
                m,
                Intent::RolePage {
                    role: role.clone(),
                    person: String::new(),
                },
            );
            effects.extend(act(m, tick));
            m.say(
                Level::Info,
                format!("paging the on-call for {role}: sync triggers the PagerDuty service its `teams` entry names"),
            );
            Some(effects)
        }
        // Topic, paging and silences follow the journal through sync; ticking records it.
        SetTopic | ResetTopic | ResolvePaging | RemoveSilences | AcceptHandoff => None,
    }
}
