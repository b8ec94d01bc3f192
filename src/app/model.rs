//! What the screen shows and remembers: plain data that `update` changes and
//! `ui::render` draws. Nothing here touches SQLite, HTTP or the terminal.

use chrono::{DateTime, Utc};
use ratatui_textarea::TextArea;
use std::collections::BTreeMap;
use std::sync::Arc;

pub use super::choices::{Choice, ChoiceKind, RolePicker};
use super::keymap::{Chord, Keymap, Mode};
use crate::domain::clocks::ClockStatus;
use crate::domain::event::Trend;
use crate::domain::{EventId, Incident, IncidentId, Playbook};
use crate::journal::{TimelineFilter, TimelineKey};
use crate::notify::{Notice, NotifyPlanner};
use crate::services::worker::{IncidentSummary, TimelineRow};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pane {
    Roster,
    Loop,
    Actions,
    Timeline,
}

impl Pane {
    pub const ALL: [Pane; 4] = [Pane::Roster, Pane::Loop, Pane::Actions, Pane::Timeline];

    pub fn title(self) -> &'static str {
        match self {
            Pane::Roster => "Roles",
            Pane::Loop => "Check-in loop",
            Pane::Actions => "Approval queue",
            Pane::Timeline => "Timeline",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Info,
    Warn,
    Error,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    pub text: String,
    pub level: Level,
    /// When it was said: a message gives way to the key hints after a while.
    pub at: DateTime<Utc>,
}

impl Status {
    /// How long the status line keeps a message before showing the hints again.
    pub fn visible(&self, now: DateTime<Utc>) -> bool {
        let keep = match self.level {
            Level::Info => chrono::Duration::seconds(8),
            Level::Warn | Level::Error => chrono::Duration::seconds(20),
        };
        now - self.at < keep
    }
}

/// The incident on screen, as the journal worker last sent it.
#[derive(Debug, Clone)]
pub struct Current {
    pub incident: Arc<Incident>,
    pub playbook: Arc<Playbook>,
}

#[derive(Debug, Default)]
pub struct Timeline {
    pub incident: Option<IncidentId>,
    /// The loaded window, oldest first, ordered by (when, journal order).
    pub rows: Vec<TimelineRow>,
    pub total: usize,
    pub more_before: bool,
    pub loading_older: bool,
    /// `None`: follow the newest entry.
    pub selected: Option<usize>,
    pub filter: TimelineFilter,
}

impl Timeline {
    /// Put a newly written entry in its place by time (a backdated note
    /// lands where it happened, not at the bottom).
    pub fn insert(&mut self, row: TimelineRow) {
        if self.rows.iter().any(|r| r.seq == row.seq) {
            return;
        }
        self.total += 1;
        let key: TimelineKey = row.key();
        if self.more_before && self.rows.first().is_some_and(|f| key < f.key()) {
            return; // older than the loaded window: it will come with that page
        }
        let pos = self.rows.partition_point(|r| r.key() < key);
        if let Some(sel) = self.selected.as_mut()
            && pos <= *sel
        {
            *sel += 1;
        }
        self.rows.insert(pos, row);
    }

    pub fn selected_index(&self) -> Option<usize> {
        match self.selected {
            Some(i) => Some(i.min(self.rows.len().saturating_sub(1))),
            None => self.rows.len().checked_sub(1),
        }
    }

    pub fn selected_row(&self) -> Option<&TimelineRow> {
        self.selected_index().and_then(|i| self.rows.get(i))
    }
}

/// A one-line question: a reason, a proposal, a filter.
#[derive(Debug)]
pub struct Prompt {
    pub title: String,
    pub hint: String,
    pub purpose: PromptPurpose,
    pub input: TextArea<'static>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum PromptPurpose {
    Reject(EventId),
    AskInfo(EventId),
    Fail(EventId),
    Revert(EventId),
    Propose,
    Filter,
    Object,
    TickWithNote {
        checklist: String,
        step: String,
    },
    DropRow(i64),
    /// A follow-up item raised from a timeline entry (007).
    FollowUp(EventId),
    /// The reason the playbook asks for before a state, service status or
    /// severity change (issue 12): which one, and to what.
    Change(ChoiceKind, String),
}

#[derive(Debug)]
pub struct DeclareForm {
    pub field: usize,
    pub title: TextArea<'static>,
    pub severity: usize,
    pub summary: TextArea<'static>,
    pub security: bool,
}

/// Seed 001's loop, one step per field: the tech lead's report, a verdict on
/// each mitigation since the last check-in, and the course for the next 15-20 min.
#[derive(Debug)]
pub struct CheckInForm {
    pub field: usize,
    pub trend: Option<Trend>,
    pub status: TextArea<'static>,
    /// (action, what it is, index into `VERDICTS`)
    pub reviews: Vec<(EventId, String, usize)>,
    pub next: TextArea<'static>,
    /// Shown when the loop is being run more often than the playbook allows.
    pub warning: Option<String>,
}

/// A mitigation's verdict at a check-in; the first is the default: what the
/// IC tabbed past was not reviewed, and the record says so (issue 13).
pub const VERDICTS: [&str; 4] = ["not reviewed", "still going", "worked", "failed"];

/// The 004 shift-handoff briefing, prefilled from the journal (the last
/// check-in, hypotheses, last comms, links, roster); the outgoing person edits it.
#[derive(Debug)]
pub struct HandoffForm {
    pub field: usize,
    pub role: String,
    /// 0: who takes over, then the six briefing fields.
    pub inputs: Vec<TextArea<'static>>,
}

pub const HANDOFF_FIELDS: [&str; 7] = [
    "Hand to",
    "Status",
    "Open hypotheses",
    "Eliminated",
    "Last customer update",
    "Channels",
    "Key people",
];

#[derive(Debug)]
pub struct CommandLine {
    pub input: TextArea<'static>,
    pub completions: Vec<String>,
    pub history_pos: Option<usize>,
}

#[derive(Debug)]
pub enum Overlay {
    Help {
        scroll: u16,
    },
    Switcher {
        selected: usize,
    },
    Prompt(Prompt),
    Declare(DeclareForm),
    CheckIn(CheckInForm),
    CommandLine(CommandLine),
    Handoff(HandoffForm),
    /// The close flow (000, 001): the question, objections, the watch, blocking checklists.
    Close,
    /// The playbook's checklists: (checklist index, step index).
    Checklists {
        checklist: usize,
        step: usize,
    },
    /// Who holds the selected role (issue 12).
    RolePicker(RolePicker),
    /// State, service status or severity by key (issue 12).
    Choice(Choice),
    /// Outbox rows that still need something, as the worker last read them.
    Sync {
        rows: Vec<crate::sync::OutboxRow>,
        selected: usize,
    },
    /// Quit with a draft: asks first (issue 12); `back_to_checkin` reopens
    /// the check-in form on "no".
    Quit {
        back_to_checkin: bool,
    },
}

/// A note handed to the journal and not yet confirmed on disk.
#[derive(Debug, Clone)]
pub struct PendingNote {
    pub text: String,
    pub tag: Option<String>,
}

pub struct Model {
    pub keymap: Keymap,
    pub mode: Mode,
    pub focus: Pane,
    pub overlay: Option<Overlay>,
    pub pressed: Vec<Chord>,
    pub incidents: Vec<IncidentSummary>,
    pub current: Option<Current>,
    pub timeline: Timeline,
    pub roster_selected: usize,
    pub actions_selected: usize,
    pub editor: TextArea<'static>,
    /// The tag the next note gets (`None`: from its prefix, or the playbook default).
    pub editor_tag: Option<String>,
    pub pending_notes: BTreeMap<u64, PendingNote>,
    pub next_token: u64,
    pub status: Option<Status>,
    pub utc: bool,
    pub quit: bool,
    pub author: String,
    pub journal: String,
    pub command_history: Vec<String>,
    /// Whether the first incident list has arrived (so "no incident" is real).
    pub loaded: bool,
    pub now: DateTime<Utc>,
    /// The user's time zone for out-of-hours and business-day clocks (`None`: the system's).
    pub zone: Option<chrono_tz::Tz>,
    /// The current incident's clocks at `now`, most pressing first.
    pub clocks: Vec<ClockStatus>,
    /// Which clock the loop pane has selected (for ack / snooze).
    pub clock_selected: usize,
    /// Remembers which due periods were already notified.
    pub planner: NotifyPlanner,
    /// Delivery health when endpoints are configured (`None`: no sync).
    pub sync: Option<crate::sync::SyncHealth>,
    /// The incident asked for with `--incident`, opened first.
    pub wanted: Option<IncidentId>,
    /// The playbook new incidents are declared under (config / --playbook):
    /// the declare form offers its severities.
    pub declare_playbook: Option<Arc<Playbook>>,
    /// The config's `people`: the role picker offers them (issue 12).
    pub people: Vec<String>,

    /// What is typed and not yet saved, and where it is kept (issue 12).
    pub drafts: crate::services::drafts::DraftState,
}

impl Model {
    pub fn new(keymap: Keymap, author: String, journal: String, now: DateTime<Utc>) -> Self {
        Self {
            keymap,
            mode: Mode::Normal,
            focus: Pane::Timeline,
            overlay: None,
            pressed: Vec::new(),
            incidents: Vec::new(),
            current: None,
            timeline: Timeline::default(),
            roster_selected: 0,
            actions_selected: 0,
            editor: new_editor(),
            editor_tag: None,
            pending_notes: BTreeMap::new(),
            next_token: 1,
            status: None,
            utc: false,
            quit: false,
            author,
            journal,
            command_history: Vec::new(),
            loaded: false,
            now,
            zone: None,
            clocks: Vec::new(),
            clock_selected: 0,
            planner: NotifyPlanner::new(),
            sync: None,
            wanted: None,
            declare_playbook: None,
            people: Vec::new(),

            drafts: Default::default(),
        }
    }

    pub fn token(&mut self) -> u64 {
        self.next_token += 1;
        self.next_token
    }

    /// Every status line goes through here, cleaned: errors quote what was
    /// typed or read (a keymap, a playbook, a `:` command), and the terminal
    /// must not act on it (issue 10).
    pub fn say(&mut self, level: Level, text: impl Into<String>) {
        self.status = Some(Status {
            text: crate::domain::sanitize::clean_line(&text.into()),
            level,
            at: self.now,
        });
    }

    pub fn incident_id(&self) -> Option<IncidentId> {
        self.current.as_ref().map(|c| c.incident.id)
    }

    /// Actions in queue order: waiting for the IC first, then approved / in
    /// progress, then finished (what the approval pane lists, top to bottom).
    pub fn queue(&self) -> Vec<&crate::domain::incident::Action> {
        let Some(c) = &self.current else {
            return Vec::new();
        };
        let rank = |a: &&crate::domain::incident::Action| {
            if a.status.awaits_decision() {
                0
            } else if a.status.is_finished() {
                2
            } else {
                1
            }
        };
        let mut v: Vec<_> = c.incident.actions.iter().collect();
        v.sort_by_key(|a| (rank(a), a.number));
        v
    }
}

impl Model {
    /// Recompute the clocks for `now`; returns notices for newly due periods.
    pub fn refresh_clocks(&mut self) -> (Vec<Notice>, bool) {
        let Some(c) = &self.current else {
            self.clocks.clear();
            return (Vec::new(), false);
        };
        self.clocks = match &self.zone {
            Some(tz) => crate::domain::clocks::clocks(&c.incident, &c.playbook, self.now, tz),
            None => {
                crate::domain::clocks::clocks(&c.incident, &c.playbook, self.now, &chrono::Local)
            }
        };
        let plan = self
            .planner
            .plan(&c.incident, &c.playbook, &self.clocks, self.now);
        (plan.notices, plan.bell)
    }

    /// Issue 12: what waits for the person at this cockpit: a handoff to
    /// them (role key, from) or a role they were assigned and have not
    /// engaged (role key, empty).
    pub fn waiting_for_me(&self) -> Option<(String, String)> {
        let c = self.current.as_ref()?;
        let (inc, pb) = (&c.incident, &c.playbook);
        pb.roles
            .iter()
            .find_map(|r| {
                inc.pending_handoff(&r.key)
                    .filter(|h| h.to == self.author)
                    .map(|h| (r.key.clone(), h.from.clone()))
            })
            .or_else(|| {
                inc.roles_of(&self.author)
                    .find(|h| h.engaged_at.is_none())
                    .map(|h| (h.role.clone(), String::new()))
            })
    }

    /// Whether the banner row shows: a clock due, or something waits for me.
    pub fn needs_banner(&self) -> bool {
        self.alarms().next().is_some() || self.waiting_for_me().is_some()
    }

    /// Clocks that need the IC now (due or overdue).
    pub fn alarms(&self) -> impl Iterator<Item = &ClockStatus> {
        self.clocks.iter().filter(|c| c.state.needs_attention())
    }
}

impl Model {
    /// The severity scale the declare form offers.
    pub fn declare_severities(&self) -> &[crate::domain::playbook::Severity] {
        match (&self.declare_playbook, &self.current) {
            (Some(pb), _) => &pb.severities,
            (None, Some(c)) => &c.playbook.severities,
            (None, None) => &[],
        }
    }
}

pub fn new_editor() -> TextArea<'static> {
    let mut t = TextArea::default();
    t.set_placeholder_text(
        "Write a note; Enter saves. m: i: d: h: tags it; 23:50 or -20m first backdates.",
    );
    t.set_cursor_line_style(ratatui::style::Style::default());
    t
}

pub fn single_line(text: &str) -> TextArea<'static> {
    let mut t = TextArea::new(vec![text.to_string()]);
    t.set_cursor_line_style(ratatui::style::Style::default());
    t.move_cursor(ratatui_textarea::CursorMove::End);
    t
}
