//! Keys inside overlays: dispatch to the dialogs (`dialogs`) and the `:`
//! line (`cmdline`), help, and the process overlays (close, checklists,
//! sync) whose keys come from the keymap's overlay tables. Handlers return
//! what should happen (`Outcome`); they never call back into `update`.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::cmdline;
use super::dialogs;
use super::effect::{Effect, Outcome};
use super::keymap::{Chord, Command, Lookup, Mode};
use super::model::{Level, Model, Overlay, PromptPurpose, single_line};
use super::pickers;
use crate::services::intent::Intent;
use crate::services::worker::Request;

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
        Overlay::RolePicker(p) => {
            p.input.insert_str(clean);
        }
        _ => {}
    }
}

pub fn on_key(m: &mut Model, k: KeyEvent) -> Vec<Outcome> {
    let Some(overlay) = m.overlay.take() else {
        return Vec::new();
    };
    let ctrl_c = k.code == KeyCode::Char('c') && k.modifiers.contains(KeyModifiers::CONTROL);
    if ctrl_c {
        // Issue 12: with a draft, ask first (a second Ctrl-C quits).
        m.overlay = Some(overlay);
        super::drafts::ask_quit(m);
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
        Overlay::Switcher { selected } => dialogs::switcher_key(m, selected, k),
        Overlay::Prompt(mut p) => match k.code {
            KeyCode::Esc => Vec::new(),
            KeyCode::Enter => {
                let text = p.input.lines().join(" ");
                dialogs::submit_prompt(m, p.purpose, text)
            }
            _ => {
                p.input.input(k);
                m.overlay = Some(Overlay::Prompt(p));
                Vec::new()
            }
        },
        Overlay::Declare(f) => dialogs::declare_key(m, f, k),
        Overlay::CheckIn(f) => dialogs::checkin_key(m, f, k),
        Overlay::CommandLine(c) => cmdline::on_key(m, c, k),
        Overlay::Handoff(h) => dialogs::handoff_key(m, h, k),
        Overlay::Close => close_key(m, k),
        Overlay::Checklists { checklist, step } => checklists_key(m, checklist, step, k),
        Overlay::Sync { rows, selected } => sync_key(m, rows, selected, k),
        Overlay::RolePicker(p) => pickers::role_picker_key(m, p, k),
        Overlay::Choice(c) => pickers::choice_key(m, c, k),

        Overlay::Quit { back_to_checkin } => {
            super::drafts::quit_key(m, back_to_checkin, k);
            Vec::new()
        }
    }
}

/// The close flow (keys in the keymap's [close] table; default r asks the
/// question, o objects, w withdraws yours, c closes).
fn close_key(m: &mut Model, k: KeyEvent) -> Vec<Outcome> {
    let cmd = overlay_command(m, Mode::Close, &k);
    if cmd.is_none() && matches!(k.code, KeyCode::Esc | KeyCode::Char('q')) {
        return Vec::new();
    }
    m.overlay = Some(Overlay::Close);
    match cmd {
        Some(Command::RequestClose) => vec![Outcome::act(Intent::CloseRequest)],
        Some(Command::ObjectToClose) => {
            m.overlay = Some(Overlay::Prompt(super::model::Prompt {
                title: "Object to closing: why?".into(),
                hint: "the incident stays open while an objection stands".into(),
                purpose: PromptPurpose::Object,
                input: single_line(""),
            }));
            Vec::new()
        }
        Some(Command::WithdrawObjection) => vec![Outcome::act(Intent::Withdraw(String::new()))],
        Some(Command::ConfirmClose) => vec![Outcome::act(Intent::CloseConfirm)],
        _ => Vec::new(),
    }
}

/// The command `k` is bound to in an overlay's table of the keymap.
fn overlay_command(m: &Model, mode: Mode, k: &KeyEvent) -> Option<Command> {
    let chord = Chord::from_event(k)?;
    match m.keymap.lookup(mode, &[chord]) {
        Lookup::Command(c) => Some(c),
        _ => None,
    }
}

/// Checklists: j/k steps, h/l (or ←/→) checklists, Enter ticks; the keymap's
/// [checklists] table ticks with a note (n) and unticks (u).
fn checklists_key(m: &mut Model, checklist: usize, step: usize, k: KeyEvent) -> Vec<Outcome> {
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
    // n and u by default: the keymap's [checklists] table.
    let cmd = overlay_command(m, Mode::Checklists, &k);
    let (with_note, untick) = (
        cmd == Some(Command::TickWithNote),
        cmd == Some(Command::Untick),
    );
    let tick = cmd.is_none() && matches!(k.code, KeyCode::Enter | KeyCode::Char(' '));
    match k.code {
        _ if with_note || untick || tick => {
            let Some(s) = lists[ci].steps.get(si) else {
                return Vec::new();
            };
            let (checklist, step) = (lists[ci].key.clone(), s.step.key.clone());
            if with_note {
                m.overlay = Some(Overlay::Prompt(super::model::Prompt {
                    title: format!("Tick \"{}\": why, or how it was done", s.step.text),
                    hint: "Enter ticks the step with this note".into(),
                    purpose: PromptPurpose::TickWithNote { checklist, step },
                    input: single_line(""),
                }));
                return Vec::new();
            }
            reopen(m, ci, si);
            if untick {
                return vec![Outcome::act(Intent::ChecklistUntick {
                    checklist,
                    step,
                    reason: String::new(),
                })];
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
            return vec![Outcome::act(Intent::ChecklistTick {
                checklist,
                step,
                note: String::new(),
            })];
        }
        KeyCode::Esc | KeyCode::Char('q') => return Vec::new(),
        KeyCode::Down | KeyCode::Char('j') => si = (si + 1).min(steps - 1),
        KeyCode::Up | KeyCode::Char('k') => si = si.saturating_sub(1),
        KeyCode::Right | KeyCode::Char('l') | KeyCode::Tab => {
            (ci2, si) = ((ci + 1) % lists.len(), 0)
        }
        KeyCode::Left | KeyCode::Char('h') | KeyCode::BackTab => {
            (ci2, si) = ((ci + lists.len() - 1) % lists.len(), 0)
        }
        _ => {}
    }
    reopen(m, ci2, si);
    Vec::new()
}

/// The sync overlay: j/k move; the keymap's [sync] table retries a parked
/// row (r) or drops it (x, asks why).
fn sync_key(
    m: &mut Model,
    rows: Vec<crate::sync::OutboxRow>,
    selected: usize,
    k: KeyEvent,
) -> Vec<Outcome> {
    let row = rows.get(selected).map(|r| (r.id, r.state));
    let n = rows.len().max(1);
    let mut effects = Vec::new();
    let mut selected = selected;
    let cmd = overlay_command(m, Mode::Sync, &k);
    match k.code {
        _ if cmd == Some(Command::RetryRow) => match row {
            Some((id, crate::sync::RowState::Parked)) => {
                effects = vec![
                    Outcome::send(Request::SyncRetry(id)),
                    Outcome::Effect(Effect::SyncNow),
                ]
            }
            _ => m.say(Level::Info, "only a parked row can be retried"),
        },
        _ if cmd == Some(Command::DropRow) => match row {
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
        KeyCode::Esc | KeyCode::Char('q') => return Vec::new(),
        KeyCode::Down | KeyCode::Char('j') => selected = (selected + 1).min(n - 1),
        KeyCode::Up | KeyCode::Char('k') => selected = selected.saturating_sub(1),
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
) -> Option<Vec<Outcome>> {
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
            let mut effects = vec![Outcome::act(Intent::Comms {
                audience: "channel".into(),
                text,
            })];
            effects.push(Outcome::act(tick));
            m.say(
                Level::Info,
                "posted to the incident channel (sent to chat by sync when configured)",
            );
            Some(effects)
        }
        HandOff => {
            dialogs::open_handoff(m);
            Some(Vec::new())
        }
        // 000 closing script: once follow-ups are documented, Enter ticks
        // the step instead of asking for another one (issue 13).
        AddFollowUp if !inc.follow_ups.is_empty() => {
            let n = inc.follow_ups.len();
            m.say(
                Level::Info,
                format!("{n} follow-up(s) documented: step ticked (:followup adds more)"),
            );
            Some(vec![Outcome::act(tick)])
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
            let effects = vec![
                Outcome::act(Intent::RolePage {
                    role: role.clone(),
                    person: String::new(),
                }),
                Outcome::act(tick),
            ];
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
