//! The one place screen input becomes change: `update` takes a message (a key,
//! a tick, a reply from the journal worker) and returns effects for the runner
//! to execute. It never touches SQLite, HTTP or the terminal itself.

use chrono::{DateTime, Utc};
use crossterm::event::{KeyEvent, KeyEventKind};

use super::forms;
use super::intent::{ActionStep, Intent};
use super::keymap::{Chord, Command, Lookup, Mode};
use super::model::{
    Current, Level, Model, Overlay, Pane, PendingNote, Prompt, PromptPurpose, new_editor,
    single_line,
};
use super::worker::{Reply, Request};
use crate::journal::TimelineFilter;

#[derive(Debug)]
pub enum Msg {
    Key(KeyEvent),
    Paste(String),
    Focus(Pane),
    Scroll {
        pane: Pane,
        down: bool,
    },
    Tick(DateTime<Utc>),
    Worker(Reply),
    /// Something the adapters want the user to know (e.g. notifications are off).
    Status(Level, String),
}

#[derive(Debug)]
pub enum Effect {
    Send(Request),
    Bell,
    /// A desktop notification for a clock that came due.
    Notify(crate::notify::Notice),
    /// Ask the sync worker to deliver now (after a retry).
    SyncNow,
}

/// The largest paste the editor takes (bytes).
pub const MAX_PASTE: usize = 256 * 1024;

pub fn update(m: &mut Model, msg: Msg) -> Vec<Effect> {
    match msg {
        Msg::Tick(now) => {
            m.now = now;
            clock_effects(m)
        }
        Msg::Key(k) if k.kind == KeyEventKind::Release => Vec::new(),
        Msg::Key(k) => on_key(m, k),
        // A paste larger than a note should be is refused with a message:
        // 10 MB into the editor froze the screen for seconds per key
        // (issue 10, tests/reliability_fuzz.rs).
        Msg::Paste(text) if text.len() > MAX_PASTE => {
            m.say(
                Level::Warn,
                format!(
                    "paste of {} KB refused: a note holds at most {} KB; save it as a file and link it",
                    text.len() / 1024,
                    MAX_PASTE / 1024
                ),
            );
            Vec::new()
        }
        Msg::Paste(text) => {
            match (&mut m.overlay, m.mode) {
                (Some(o), _) => forms::paste(o, &text),
                (None, Mode::Insert) => {
                    m.editor
                        .insert_str(crate::domain::sanitize::clean_text(&text));
                }
                (None, Mode::Normal) => {
                    m.mode = Mode::Insert;
                    m.editor
                        .insert_str(crate::domain::sanitize::clean_text(&text));
                }
            }
            Vec::new()
        }
        Msg::Focus(p) => {
            m.focus = p;
            Vec::new()
        }
        Msg::Scroll { pane, down } => {
            m.focus = pane;
            move_selection(m, if down { 3 } else { -3 })
        }
        Msg::Worker(r) => on_reply(m, r),
        Msg::Status(level, text) => {
            m.say(level, text);
            Vec::new()
        }
    }
}

fn on_key(m: &mut Model, k: KeyEvent) -> Vec<Effect> {
    if m.overlay.is_some() {
        return forms::on_key(m, k);
    }
    let Some(chord) = Chord::from_event(&k) else {
        return Vec::new();
    };
    if m.mode == Mode::Insert {
        return match m.keymap.lookup(Mode::Insert, &[chord]) {
            Lookup::Command(c) => run(m, c),
            _ => {
                m.editor.input(k);
                Vec::new()
            }
        };
    }
    m.pressed.push(chord);
    match m.keymap.lookup(Mode::Normal, &m.pressed) {
        Lookup::Command(c) => {
            m.pressed.clear();
            run(m, c)
        }
        Lookup::Pending => Vec::new(),
        Lookup::None => {
            m.pressed.clear();
            Vec::new()
        }
    }
}

/// Ask the journal worker to record an intent on the current incident.
pub fn act(m: &mut Model, intent: Intent) -> Vec<Effect> {
    let Some(incident) = m.incident_id() else {
        m.say(Level::Warn, "no incident yet: declare one first (D)");
        return Vec::new();
    };
    let token = m.token();
    vec![Effect::Send(Request::Act {
        token,
        incident: Some(incident),
        intent,
        at: None,
    })]
}

fn run(m: &mut Model, c: Command) -> Vec<Effect> {
    use Command::*;
    match c {
        Quit => {
            m.quit = true;
            Vec::new()
        }
        Help => {
            m.overlay = Some(Overlay::Help { scroll: 0 });
            Vec::new()
        }
        CommandLine => {
            m.overlay = Some(Overlay::CommandLine(super::model::CommandLine {
                input: single_line(""),
                completions: Vec::new(),
                history_pos: None,
            }));
            Vec::new()
        }
        EditNote => {
            m.mode = Mode::Insert;
            Vec::new()
        }
        LeaveEditor => {
            m.mode = Mode::Normal;
            Vec::new()
        }
        Newline => {
            m.editor.insert_newline();
            Vec::new()
        }
        CycleTag => {
            if let Some(c) = &m.current {
                let tags: Vec<String> = c.playbook.tags.iter().map(|t| t.key.clone()).collect();
                let next = match &m.editor_tag {
                    None => tags.first().cloned(),
                    Some(t) => tags
                        .iter()
                        .position(|x| x == t)
                        .and_then(|i| tags.get(i + 1))
                        .cloned(),
                };
                m.editor_tag = next;
            }
            Vec::new()
        }
        CommitNote => commit_note(m),
        FocusNext | FocusPrev => {
            let i = Pane::ALL.iter().position(|p| *p == m.focus).unwrap_or(0);
            let n = Pane::ALL.len();
            m.focus = Pane::ALL[if c == FocusNext {
                (i + 1) % n
            } else {
                (i + n - 1) % n
            }];
            Vec::new()
        }
        FocusRoster | FocusLoop | FocusActions | FocusTimeline => {
            m.focus = match c {
                FocusRoster => Pane::Roster,
                FocusLoop => Pane::Loop,
                FocusActions => Pane::Actions,
                _ => Pane::Timeline,
            };
            Vec::new()
        }
        Up => move_selection(m, -1),
        Down => move_selection(m, 1),
        PageUp => move_selection(m, -20),
        PageDown => move_selection(m, 20),
        Top => move_selection(m, isize::MIN / 2),
        Bottom => {
            if m.focus == Pane::Timeline {
                m.timeline.selected = None;
                Vec::new()
            } else {
                move_selection(m, isize::MAX / 2)
            }
        }
        Approve | StartAction | DoneAction => {
            let Some(id) = selected_action(m) else {
                return Vec::new();
            };
            let step = match c {
                Approve => ActionStep::Approve,
                StartAction => ActionStep::Start,
                _ => ActionStep::Done,
            };
            act(
                m,
                Intent::Action {
                    step,
                    reference: id.to_string(),
                    reason: String::new(),
                },
            )
        }
        Reject | AskInfo | FailAction | RevertAction => {
            let Some(id) = selected_action(m) else {
                return Vec::new();
            };
            let (purpose, title) = match c {
                Reject => (PromptPurpose::Reject(id), "Reject: why?"),
                AskInfo => (
                    PromptPurpose::AskInfo(id),
                    "Ask for more: what do you need to know?",
                ),
                FailAction => (PromptPurpose::Fail(id), "Failed: what happened?"),
                _ => (PromptPurpose::Revert(id), "Reverted: why?"),
            };
            open_prompt(m, purpose, title, "Enter to send, Esc to cancel", "");
            Vec::new()
        }
        ProposeAction => {
            open_prompt(
                m,
                PromptPurpose::Propose,
                "Propose an active measure",
                "what; why; risk; how to revert  (Enter to propose)",
                "",
            );
            Vec::new()
        }
        CheckIn => {
            forms::open_checkin(m);
            Vec::new()
        }
        Highlight => {
            let Some(row) = m.timeline.selected_row() else {
                return Vec::new();
            };
            let id = row.id;
            act(m, Intent::Highlight(id))
        }
        Filter => {
            let current = match &m.timeline.filter {
                TimelineFilter::All => String::new(),
                TimelineFilter::Tag(t) => format!("tag:{t}"),
                TimelineFilter::Text(t) => t.clone(),
            };
            open_prompt(
                m,
                PromptPurpose::Filter,
                "Filter the timeline",
                "text, or tag:NAME; empty to clear",
                &current,
            );
            Vec::new()
        }
        ClearFilter => {
            if m.timeline.filter == TimelineFilter::All {
                return Vec::new();
            }
            vec![Effect::Send(Request::SetFilter(TimelineFilter::All))]
        }
        ToggleTime => {
            m.utc = !m.utc;
            Vec::new()
        }
        SwitchIncident => {
            let selected = m
                .incidents
                .iter()
                .position(|i| Some(i.id) == m.incident_id())
                .unwrap_or(0);
            m.overlay = Some(Overlay::Switcher { selected });
            Vec::new()
        }
        Declare => {
            forms::open_declare(m);
            Vec::new()
        }
        Handoff => {
            forms::open_handoff(m);
            Vec::new()
        }
        AcceptHandoff => {
            let Some(c) = &m.current else {
                return Vec::new();
            };
            // 000: the incoming IC says "I have command"; only they can.
            let mine = c.playbook.roles.iter().find_map(|r| {
                c.incident
                    .pending_handoff(&r.key)
                    .filter(|h| h.to == m.author)
                    .map(|_| r.key.clone())
            });
            match mine {
                Some(role) => act(m, Intent::RoleAccept { role }),
                None => {
                    m.say(Level::Info, format!("no handoff waits for {}", m.author));
                    Vec::new()
                }
            }
        }
        Close => {
            if m.current.is_some() {
                m.overlay = Some(Overlay::Close);
            }
            Vec::new()
        }
        Checklists => {
            if m.current.is_some() {
                m.overlay = Some(Overlay::Checklists {
                    checklist: 0,
                    step: 0,
                });
            }
            Vec::new()
        }
        FollowUp => {
            let Some(row) = m.timeline.selected_row() else {
                m.say(Level::Info, "select a timeline entry first");
                return Vec::new();
            };
            let id = row.id;
            open_prompt(
                m,
                PromptPurpose::FollowUp(id),
                "Follow-up from this entry",
                "text; owner; criticality; due YYYY-MM-DD  (002: about three, each with an owner)",
                "",
            );
            Vec::new()
        }
        Sync => {
            if m.sync.is_none() {
                m.say(
                    Level::Info,
                    "no endpoints configured: add [[endpoint]] tables to the config (README, Sync)",
                );
                return Vec::new();
            }
            m.overlay = Some(Overlay::Sync {
                rows: Vec::new(),
                selected: 0,
            });
            vec![Effect::Send(Request::SyncRows)]
        }
        Export => {
            let dir = std::env::current_dir().unwrap_or_else(|_| std::path::PathBuf::from("."));
            m.say(Level::Info, "writing the postmortem draft…");
            vec![Effect::Send(Request::Export {
                format: crate::export::Format::Markdown,
                dir,
            })]
        }
        AckClock | SnoozeClock => {
            let Some(key) = target_clock(m) else {
                m.say(Level::Info, "no clock needs attention");
                return Vec::new();
            };
            if c == AckClock {
                act(m, Intent::ClockAck(key))
            } else {
                let until = m.now + chrono::Duration::minutes(5);
                act(m, Intent::ClockSnooze { clock: key, until })
            }
        }
    }
}

/// The clock to ack or snooze: the one selected in the loop pane, else the most pressing.
fn target_clock(m: &Model) -> Option<String> {
    if m.focus == Pane::Loop
        && let Some(c) = m.clocks.get(m.clock_selected)
    {
        return Some(c.key.clone());
    }
    m.alarms().next().map(|c| c.key.clone())
}

/// Recompute clocks; a clock newly due raises one notification and the bell.
fn clock_effects(m: &mut Model) -> Vec<Effect> {
    let (notices, bell) = m.refresh_clocks();
    let mut effects: Vec<Effect> = notices.into_iter().map(Effect::Notify).collect();
    if bell {
        effects.push(Effect::Bell);
    }
    effects
}

fn open_prompt(m: &mut Model, purpose: PromptPurpose, title: &str, hint: &str, text: &str) {
    m.overlay = Some(Overlay::Prompt(Prompt {
        title: title.into(),
        hint: hint.into(),
        purpose,
        input: single_line(text),
    }));
}

/// The action selected in the approval queue (focusing it if needed).
fn selected_action(m: &mut Model) -> Option<crate::domain::EventId> {
    let queue = m.queue();
    let id = queue
        .get(m.actions_selected.min(queue.len().saturating_sub(1)))
        .map(|a| a.id);
    if id.is_none() {
        m.say(
            Level::Warn,
            "no action selected: the approval queue is empty",
        );
    }
    m.focus = Pane::Actions;
    id
}

fn commit_note(m: &mut Model) -> Vec<Effect> {
    let text = m.editor.lines().join("\n");
    if text.trim().is_empty() {
        return Vec::new();
    }
    let Some(incident) = m.incident_id() else {
        m.say(
            Level::Warn,
            "no incident yet: declare one first (D); your draft is kept",
        );
        return Vec::new();
    };
    let token = m.token();
    let tag = m.editor_tag.take();
    m.pending_notes.insert(
        token,
        PendingNote {
            text: text.clone(),
            tag: tag.clone(),
        },
    );
    // The editor is free at once; the note shows as saving until the journal confirms.
    m.editor = new_editor();
    vec![Effect::Send(Request::Act {
        token,
        incident: Some(incident),
        intent: Intent::Note {
            text,
            tag,
            private: false,
        },
        at: None,
    })]
}

fn move_selection(m: &mut Model, delta: isize) -> Vec<Effect> {
    let step = |cur: usize, len: usize| -> usize {
        if len == 0 {
            return 0;
        }
        (cur as isize)
            .saturating_add(delta)
            .clamp(0, len as isize - 1) as usize
    };
    match m.focus {
        Pane::Roster => {
            let len = m
                .current
                .as_ref()
                .map(|c| c.playbook.roles.len())
                .unwrap_or(0);
            m.roster_selected = step(m.roster_selected, len);
        }
        Pane::Actions => {
            let len = m.queue().len();
            m.actions_selected = step(m.actions_selected, len);
        }
        Pane::Loop => {
            let len = m.clocks.len();
            m.clock_selected = step(m.clock_selected, len);
        }
        Pane::Timeline => {
            let len = m.timeline.rows.len();
            let Some(cur) = m.timeline.selected_index() else {
                return Vec::new();
            };
            let next = step(cur, len);
            m.timeline.selected = if next + 1 >= len && delta > 0 {
                None
            } else {
                Some(next)
            };
            // Near the top of what is loaded: fetch the page before it.
            if next < 50
                && m.timeline.more_before
                && !m.timeline.loading_older
                && let Some(first) = m.timeline.rows.first()
            {
                m.timeline.loading_older = true;
                return vec![Effect::Send(Request::LoadOlder {
                    before: first.key(),
                })];
            }
        }
    }
    Vec::new()
}

fn on_reply(m: &mut Model, r: Reply) -> Vec<Effect> {
    match r {
        Reply::Incidents(list) => {
            let first_load = !m.loaded;
            m.loaded = true;
            m.incidents = list;
            if first_load && m.current.is_none() {
                return pick_initial_incident(m);
            }
            Vec::new()
        }
        Reply::Current { incident, playbook } => {
            let changed = m.incident_id() != Some(incident.id);
            m.current = Some(Current { incident, playbook });
            if changed {
                m.roster_selected = 0;
                m.actions_selected = 0;
                m.clock_selected = 0;
            }
            clock_effects(m)
        }
        Reply::TimelineReset {
            incident,
            filter,
            rows,
            total,
            more_before,
        } => {
            m.timeline = super::model::Timeline {
                incident: Some(incident),
                rows,
                total,
                more_before,
                loading_older: false,
                selected: None,
                filter,
            };
            Vec::new()
        }
        Reply::TimelineTotal {
            incident,
            filter,
            total,
        } => {
            // Only for the timeline it was counted for; entries that arrived
            // meanwhile are already in `total` (rare: at most a poll's worth).
            if m.timeline.incident == Some(incident) && m.timeline.filter == filter {
                m.timeline.total = total.max(m.timeline.rows.len());
            }
            Vec::new()
        }
        Reply::TimelineOlder {
            incident,
            mut rows,
            more_before,
        } => {
            if m.timeline.incident != Some(incident) {
                return Vec::new();
            }
            let added = rows.len();
            rows.append(&mut m.timeline.rows);
            m.timeline.rows = rows;
            m.timeline.more_before = more_before;
            m.timeline.loading_older = false;
            if let Some(s) = m.timeline.selected.as_mut() {
                *s += added;
            }
            Vec::new()
        }
        Reply::TimelineNew { incident, rows } => {
            if m.timeline.incident == Some(incident) {
                for row in rows {
                    m.timeline.insert(row);
                }
            }
            Vec::new()
        }
        Reply::Acted { token, result } => {
            let note = m.pending_notes.remove(&token);
            match result {
                Ok(words) => {
                    if note.is_none() {
                        m.say(Level::Info, words);
                    }
                    Vec::new()
                }
                Err(e) => {
                    // A refused note comes back to the editor: nothing typed is lost.
                    if let Some(n) = note {
                        let mut draft = n.text;
                        if !m.editor.is_empty() {
                            draft.push('\n');
                            draft.push_str(&m.editor.lines().join("\n"));
                        }
                        m.editor = new_editor();
                        m.editor.insert_str(draft);
                        m.editor_tag = n.tag;
                    }
                    m.say(Level::Error, e);
                    vec![Effect::Bell]
                }
            }
        }
        Reply::SyncRows(rows) => {
            match (rows, &mut m.overlay) {
                (Ok(new), Some(Overlay::Sync { rows, selected })) => {
                    *selected = (*selected).min(new.len().saturating_sub(1));
                    *rows = new;
                }
                (Err(e), _) => m.say(Level::Error, e),
                _ => {}
            }
            Vec::new()
        }
        Reply::Exported(Ok((path, findings))) => {
            let lint = if findings > 0 {
                format!("; {findings} writing findings listed in it (000's rules)")
            } else {
                String::new()
            };
            m.say(
                Level::Info,
                format!("postmortem draft written to {}{lint}", path.display()),
            );
            Vec::new()
        }
        Reply::Exported(Err(e)) => {
            m.say(Level::Error, format!("export failed: {e}"));
            Vec::new()
        }
        Reply::Failed(e) => {
            m.say(Level::Error, e);
            Vec::new()
        }
    }
}

/// On start: the only open incident, else the newest open one with the
/// switcher open, else the declare form.
fn pick_initial_incident(m: &mut Model) -> Vec<Effect> {
    if let Some(id) = m
        .wanted
        .filter(|id| m.incidents.iter().any(|i| i.id == *id))
    {
        return vec![Effect::Send(Request::Select(id))];
    }
    let open: Vec<_> = m.incidents.iter().filter(|i| i.open).collect();
    match open.as_slice() {
        [] => {
            forms::open_declare(m);
            Vec::new()
        }
        [one] => vec![Effect::Send(Request::Select(one.id))],
        many => {
            let newest = many
                .iter()
                .max_by_key(|i| i.declared_at)
                .map(|i| i.id)
                .expect("non-empty");
            let selected = m.incidents.iter().position(|i| i.id == newest).unwrap_or(0);
            m.overlay = Some(Overlay::Switcher { selected });
            vec![Effect::Send(Request::Select(newest))]
        }
    }
}
