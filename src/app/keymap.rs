//! Key bindings: users bind a small, serde-named `Command` set per mode.
//! Keymaps are TOML (`keymaps/default.toml`, `keymaps/vim.toml`); a user file
//! overrides single bindings. Help is generated from the live keymap.

use crate::domain::sanitize::clean_line;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::fmt;

pub const DEFAULT_KEYMAP: &str = include_str!("../../keymaps/default.toml");
pub const VIM_KEYMAP: &str = include_str!("../../keymaps/vim.toml");

/// What a key can be bound to. Internal actions carry data; these do not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Command {
    Quit,
    Help,
    CommandLine,
    EditNote,
    FocusNext,
    FocusPrev,
    FocusRoster,
    FocusLoop,
    FocusActions,
    FocusTimeline,
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
    Approve,
    Reject,
    AskInfo,
    StartAction,
    DoneAction,
    FailAction,
    RevertAction,
    ProposeAction,
    CheckIn,
    Highlight,
    Filter,
    ClearFilter,
    ToggleTime,
    SwitchIncident,
    Declare,
    CommitNote,
    Newline,
    LeaveEditor,
    CycleTag,
    AckClock,
    SnoozeClock,
    Handoff,
    AcceptHandoff,
    Close,
    Checklists,
    Export,
    Sync,
    FollowUp,
    Open,
    ReleaseRole,
    SetState,
    SetServiceStatus,
    SetSeverity,

    // Issue 12: copy with OSC 52.
    CopyEntry,
    CopyBriefing,
    CopyUpdate,
    // Keys inside overlays (their own tables: [close], [checklists], [sync]).
    RequestClose,
    ObjectToClose,
    WithdrawObjection,
    ConfirmClose,
    TickWithNote,
    Untick,
    RetryRow,
    DropRow,
}

impl Command {
    /// What the help overlay says about it.
    pub fn describe(self) -> &'static str {
        use Command::*;
        match self {
            Quit => "quit (asks first if something typed is unsaved)",
            Help => "this help",
            CommandLine => "command line (same verbs as the CLI)",
            EditNote => "write a timeline note",
            FocusNext => "next pane",
            FocusPrev => "previous pane",
            FocusRoster => "focus the role roster",
            FocusLoop => "focus the check-in loop",
            FocusActions => "focus the approval queue",
            FocusTimeline => "focus the timeline",
            Up => "move up",
            Down => "move down",
            PageUp => "page up",
            PageDown => "page down",
            Top => "go to the top",
            Bottom => "go to the bottom (follow new entries)",
            Approve => "approve the selected action",
            Reject => "reject the selected action (asks why)",
            AskInfo => "ask for more about the selected action",
            StartAction => "mark the selected action started",
            DoneAction => "mark the selected action done",
            FailAction => "mark the selected action failed",
            RevertAction => "mark the selected action reverted",
            ProposeAction => "propose an active measure",
            CheckIn => "hold a check-in (restarts the loop)",
            Highlight => "highlight the selected timeline entry",
            Filter => "filter the timeline (text, or tag:NAME)",
            ClearFilter => "clear the timeline filter",
            ToggleTime => "show times in UTC or local time",
            SwitchIncident => "switch incident",
            Declare => "declare a new incident",
            CommitNote => "save the note (on disk when shown)",
            Newline => "new line in the note",
            LeaveEditor => "leave the editor (the draft stays)",
            CycleTag => "cycle the note's tag",
            AckClock => "acknowledge the selected (or most pressing) clock",
            SnoozeClock => "snooze the selected (or most pressing) clock for 5 minutes",
            Handoff => "hand off command, with the 004 briefing",
            AcceptHandoff => {
                "take command handed to you (\"I have command\"), or engage a role you were assigned"
            }
            Close => "close the incident: ask, objections, watch, checklists",
            Checklists => "the playbook's checklists",
            Export => "write the postmortem draft (Markdown) into the current directory",
            Sync => "delivery to paging and chat: rows waiting or parked; retry or drop",
            FollowUp => "raise a follow-up item from the selected timeline entry",
            Open => {
                "on a role: pick who holds it (you engage, others are paged); elsewhere: write a note"
            }
            ReleaseRole => "release the selected role (its holder steps down)",
            SetState => "change the state (the playbook's allowed next states)",
            SetServiceStatus => "change the service status",
            SetSeverity => "change the severity (with the playbook's descriptions)",

            CopyEntry => "copy the selected timeline entry to the clipboard (OSC 52)",
            CopyBriefing => "copy the 004 handoff briefing to the clipboard (OSC 52)",
            CopyUpdate => "copy the status update text to the clipboard (OSC 52)",
            RequestClose => "ask \"Is anyone opposed to me closing this incident?\" (000)",
            ObjectToClose => "object to closing (asks why)",
            WithdrawObjection => "withdraw your objection",
            ConfirmClose => "close the incident",
            TickWithNote => "tick the step with a note (why, or how it was done)",
            Untick => "untick the step",
            RetryRow => "retry the selected parked row",
            DropRow => "drop the selected parked row (asks why)",
        }
    }

    /// The table a command is bound in: an overlay's own, else the panes'
    /// and the editor's (`None`: normal or insert).
    pub fn overlay(self) -> Option<Mode> {
        use Command::*;
        match self {
            RequestClose | ObjectToClose | WithdrawObjection | ConfirmClose => Some(Mode::Close),
            TickWithNote | Untick => Some(Mode::Checklists),
            RetryRow | DropRow => Some(Mode::Sync),
            _ => None,
        }
    }
}

/// Where keys are read: the panes, the note editor, or an overlay with
/// keys of its own (the close flow, the checklists, the sync rows).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Mode {
    Normal,
    Insert,
    Close,
    Checklists,
    Sync,
}

impl Mode {
    /// Every table of a keymap file, in the order help lists them.
    pub const ALL: [Mode; 5] = [
        Mode::Normal,
        Mode::Insert,
        Mode::Close,
        Mode::Checklists,
        Mode::Sync,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Mode::Normal => "normal",
            Mode::Insert => "insert",
            Mode::Close => "close",
            Mode::Checklists => "checklists",
            Mode::Sync => "sync",
        }
    }
}

/// One key with its modifiers, e.g. `ctrl-c`, `G`, `enter`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Chord {
    pub code: KeyCodeKey,
    pub ctrl: bool,
    pub alt: bool,
}

/// `KeyCode` is not `Ord`; this is the subset we bind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum KeyCodeKey {
    Char(char),
    F(u8),
    Enter,
    Esc,
    Tab,
    BackTab,
    Backspace,
    Delete,
    Up,
    Down,
    Left,
    Right,
    PageUp,
    PageDown,
    Home,
    End,
}

impl Chord {
    pub fn from_event(k: &KeyEvent) -> Option<Self> {
        let code = match k.code {
            KeyCode::Char(c) => KeyCodeKey::Char(c),
            KeyCode::F(n) => KeyCodeKey::F(n),
            KeyCode::Enter => KeyCodeKey::Enter,
            KeyCode::Esc => KeyCodeKey::Esc,
            KeyCode::Tab => KeyCodeKey::Tab,
            KeyCode::BackTab => KeyCodeKey::BackTab,
            KeyCode::Backspace => KeyCodeKey::Backspace,
            KeyCode::Delete => KeyCodeKey::Delete,
            KeyCode::Up => KeyCodeKey::Up,
            KeyCode::Down => KeyCodeKey::Down,
            KeyCode::Left => KeyCodeKey::Left,
            KeyCode::Right => KeyCodeKey::Right,
            KeyCode::PageUp => KeyCodeKey::PageUp,
            KeyCode::PageDown => KeyCodeKey::PageDown,
            KeyCode::Home => KeyCodeKey::Home,
            KeyCode::End => KeyCodeKey::End,
            _ => return None,
        };
        // Shift is carried by the character itself ('G'), not by a modifier.
        Some(Chord {
            code,
            ctrl: k.modifiers.contains(KeyModifiers::CONTROL),
            alt: k.modifiers.contains(KeyModifiers::ALT),
        })
    }

    pub fn parse(s: &str) -> Option<Self> {
        let mut ctrl = false;
        let mut alt = false;
        let mut rest = s;
        loop {
            if let Some(r) = rest.strip_prefix("ctrl-") {
                ctrl = true;
                rest = r;
            } else if let Some(r) = rest.strip_prefix("alt-") {
                alt = true;
                rest = r;
            } else {
                break;
            }
        }
        let code = match rest {
            "enter" => KeyCodeKey::Enter,
            "esc" => KeyCodeKey::Esc,
            "tab" => KeyCodeKey::Tab,
            "backtab" | "shift-tab" => KeyCodeKey::BackTab,
            "backspace" => KeyCodeKey::Backspace,
            "delete" => KeyCodeKey::Delete,
            "up" => KeyCodeKey::Up,
            "down" => KeyCodeKey::Down,
            "left" => KeyCodeKey::Left,
            "right" => KeyCodeKey::Right,
            "pageup" => KeyCodeKey::PageUp,
            "pagedown" => KeyCodeKey::PageDown,
            "home" => KeyCodeKey::Home,
            "end" => KeyCodeKey::End,
            "space" => KeyCodeKey::Char(' '),
            f if f.len() > 1 && f.starts_with('f') && f[1..].parse::<u8>().is_ok() => {
                KeyCodeKey::F(f[1..].parse().ok()?)
            }
            c if c.chars().count() == 1 => KeyCodeKey::Char(c.chars().next()?),
            _ => return None,
        };
        Some(Chord { code, ctrl, alt })
    }
}

impl fmt::Display for Chord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.ctrl {
            write!(f, "ctrl-")?;
        }
        if self.alt {
            write!(f, "alt-")?;
        }
        match self.code {
            KeyCodeKey::Char(' ') => write!(f, "space"),
            KeyCodeKey::Char(c) => write!(f, "{c}"),
            KeyCodeKey::F(n) => write!(f, "f{n}"),
            other => write!(f, "{}", format!("{other:?}").to_lowercase()),
        }
    }
}

/// A sequence of chords like `g g`.
pub type Sequence = Vec<Chord>;

pub fn sequence_to_string(seq: &[Chord]) -> String {
    seq.iter()
        .map(|c| c.to_string())
        .collect::<Vec<_>>()
        .join(" ")
}

/// What pressing keys did so far.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lookup {
    Command(Command),
    /// A prefix of a longer binding: wait for the next key.
    Pending,
    None,
}

#[derive(Debug, Clone, Default)]
pub struct Keymap {
    pub name: String,
    bindings: BTreeMap<Mode, Vec<(Sequence, Command)>>,
}

/// A keymap file that could not be used, with where the mistake is.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
// Cleaned: the key and message may quote the file's raw text (issue 10).
#[error("{}:{line}: {}: {}", clean_line(.file), clean_line(.key), clean_line(.message))]
pub struct KeymapError {
    pub file: String,
    pub line: usize,
    pub key: String,
    pub message: String,
}

impl Keymap {
    /// Parse a keymap file. `file` only names it in errors.
    pub fn parse(file: &str, text: &str) -> Result<Self, KeymapError> {
        let mut km = Keymap {
            name: file.to_string(),
            ..Default::default()
        };
        km.merge(file, text)?;
        Ok(km)
    }

    /// Lay `text` over this keymap: each binding replaces the same keys' binding.
    pub fn merge(&mut self, file: &str, text: &str) -> Result<(), KeymapError> {
        let table: toml::Table = text.parse().map_err(|e: toml::de::Error| {
            let line = e
                .span()
                .map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1)
                .unwrap_or(1);
            KeymapError {
                file: file.into(),
                line,
                key: "document".into(),
                message: e.message().trim().to_string(),
            }
        })?;
        let line_of = |mode: &str, key: &str| find_line(text, mode, key);
        for (mode_name, entries) in table {
            let Some(mode) = Mode::ALL.into_iter().find(|m| m.name() == mode_name) else {
                return Err(KeymapError {
                    file: file.into(),
                    line: find_line(text, &mode_name, "").max(1),
                    key: mode_name.clone(),
                    message:
                        "unknown mode; use [normal], [insert], [close], [checklists] or [sync]"
                            .into(),
                });
            };
            let Some(entries) = entries.as_table() else {
                return Err(KeymapError {
                    file: file.into(),
                    line: line_of(&mode_name, ""),
                    key: mode_name,
                    message: "must be a table of \"keys\" = \"command\"".into(),
                });
            };
            for (keys, command) in entries {
                let err = |message: String| KeymapError {
                    file: file.into(),
                    line: line_of(&mode_name, keys),
                    key: format!("{mode_name}.\"{keys}\""),
                    message,
                };
                let seq: Option<Sequence> = keys.split_whitespace().map(Chord::parse).collect();
                let seq = seq.filter(|s| !s.is_empty()).ok_or_else(|| {
                    err(format!(
                        "`{keys}` is not a key (use e.g. \"a\", \"ctrl-c\", \"g g\", \"pagedown\")"
                    ))
                })?;
                let name = command
                    .as_str()
                    .ok_or_else(|| err("the command must be a string".into()))?;
                let cmd: Command =
                    serde_json::from_value(serde_json::Value::String(name.to_string()))
                        .map_err(|_| err(format!("unknown command `{name}`")))?;
                let wanted = match mode {
                    Mode::Normal | Mode::Insert => None,
                    overlay => Some(overlay),
                };
                if wanted.is_some() && seq.len() > 1 {
                    return Err(err(
                        "keys inside an overlay are single keys, not sequences".into()
                    ));
                }
                if cmd.overlay() != wanted {
                    let place = cmd.overlay().map_or("normal] or [insert", Mode::name);
                    return Err(err(format!("`{name}` is bound in [{place}], not here")));
                }
                let list = self.bindings.entry(mode).or_default();
                list.retain(|(s, _)| *s != seq);
                list.push((seq, cmd));
            }
        }
        Ok(())
    }

    /// Look up the keys pressed so far in `mode`.
    pub fn lookup(&self, mode: Mode, pressed: &[Chord]) -> Lookup {
        let Some(list) = self.bindings.get(&mode) else {
            return Lookup::None;
        };
        if let Some((_, c)) = list.iter().find(|(s, _)| s.as_slice() == pressed) {
            return Lookup::Command(*c);
        }
        if list
            .iter()
            .any(|(s, _)| s.len() > pressed.len() && s.starts_with(pressed))
        {
            return Lookup::Pending;
        }
        Lookup::None
    }

    /// Every binding of `mode`, for the help overlay, grouped by command.
    pub fn bindings(&self, mode: Mode) -> Vec<(Command, Vec<String>)> {
        let mut by_cmd: BTreeMap<Command, Vec<String>> = BTreeMap::new();
        for (seq, cmd) in self.bindings.get(&mode).into_iter().flatten() {
            by_cmd
                .entry(*cmd)
                .or_default()
                .push(sequence_to_string(seq));
        }
        by_cmd.into_iter().collect()
    }

    /// The first key bound to `cmd`, for hints in the status line.
    pub fn key_for(&self, mode: Mode, cmd: Command) -> Option<String> {
        // The shortest binding is the one worth showing ("q" rather than "ctrl-c").
        self.bindings
            .get(&mode)?
            .iter()
            .filter(|(_, c)| *c == cmd)
            .map(|(s, _)| sequence_to_string(s))
            .min_by_key(|s| (s.chars().count(), s.clone()))
    }
}

/// The line of `key` inside `[mode]` (or of the header when `key` is empty).
fn find_line(text: &str, mode: &str, key: &str) -> usize {
    let mut inside = false;
    for (n, line) in text.lines().enumerate() {
        let t = line.trim();
        if t.starts_with('[') {
            inside = t.trim_matches(|c| c == '[' || c == ']').trim() == mode;
            if inside && key.is_empty() {
                return n + 1;
            }
            continue;
        }
        if inside && !key.is_empty() {
            let k = t
                .split('=')
                .next()
                .unwrap_or("")
                .trim()
                .trim_matches('"')
                .trim_matches('\'');
            if k == key {
                return n + 1;
            }
        }
    }
    1
}

#[cfg(test)]
#[path = "keymap_tests.rs"]
mod tests;
