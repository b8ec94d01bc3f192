//! What a key bound in the panes or the editor does (`Command`), and the
//! helpers every handler shares: recording an intent (`act`), clocks,
//! selection. Called only from `update`.

use chrono::{DateTime, Utc};

use super::dialogs;
use super::effect::Effect;
use super::keymap::{Command, Mode};
use super::model::{
    ChoiceKind, Level, Model, Overlay, Pane, PendingNote, Prompt, PromptPurpose, new_editor,
    single_line,
};
use crate::domain::RuleError;
use crate::domain::incident::ActionStatus;

use super::pickers;
use crate::journal::TimelineFilter;
use crate::services::intent::{ActionStep, Intent};
use crate::services::worker::Request;

/// Ask the journal worker to record an intent on the current incident.
pub fn act(m: &mut Model, intent: Intent) -> Vec<Effect> {
    act_at(m, intent, None)
}

pub(super) fn act_at(m: &mut Model, intent: Intent, at: Option<DateTime<Utc>>) -> Vec<Effect> {
    let Some(incident) = m.incident_id() else {
        m.say(Level::Warn, "no incident yet: declare one first (D)");
        return Vec::new();
    };
    let token = m.token();
    vec![Effect::Send(Request::Act {
        token,
        incident: Some(incident),
        intent,
        at,
    })]
}

/// A pure dispatch table: each command's work is in the function it names.
pub(super) fn run(m: &mut Model, c: Command) -> Vec<Effect> {
    use Command::*;
    match c {
        Quit => set(m, super::drafts::ask_quit),
        Help => set(m, |m| m.overlay = Some(Overlay::Help { scroll: 0 })),
        CommandLine => set(m, |m| open_command_line(m, "")),
        EditNote => set(m, |m| m.mode = Mode::Insert),
        LeaveEditor => set(m, |m| m.mode = Mode::Normal),
        Newline => set(m, |m| m.editor.insert_newline()),
        CycleTag => set(m, cycle_tag),
        CommitNote => commit_note(m),
        FocusNext | FocusPrev | FocusRoster | FocusLoop | FocusActions | FocusTimeline => {
            set(m, |m| focus(m, c))
        }
        Up => move_selection(m, -1),
        Down => move_selection(m, 1),
        PageUp => move_selection(m, -20),
        PageDown => move_selection(m, 20),
        Top => move_selection(m, isize::MIN / 2),
        Bottom => bottom(m),
        Approve | StartAction | DoneAction => action_step(m, c),
        Reject | AskInfo | FailAction | RevertAction => set(m, |m| action_prompt(m, c)),
        ProposeAction => set(m, |m| {
            open_prompt(
                m,
                PromptPurpose::Propose,
                "Propose an active measure",
                "what; why; risk; how to revert  (Enter to propose)",
                "",
            )
        }),
        CheckIn => set(m, dialogs::open_checkin),
        Highlight => highlight(m),
        Filter => set(m, filter_prompt),
        ClearFilter => clear_filter(m),
        ToggleTime => set(m, |m| m.utc = !m.utc),
        SwitchIncident => set(m, switch_incident),
        Declare => set(m, dialogs::open_declare),
        Handoff => set(m, handoff),
        Open => set(m, |m| {
            if m.focus == Pane::Roster && m.current.is_some() {
                pickers::open_role_picker(m, false)
            } else {
                m.mode = Mode::Insert
            }
        }),
        ReleaseRole => release_role(m),
        SetState => set(m, |m| pickers::open_choice(m, ChoiceKind::State)),
        SetServiceStatus => set(m, |m| pickers::open_choice(m, ChoiceKind::ServiceStatus)),
        SetSeverity => set(m, |m| pickers::open_choice(m, ChoiceKind::Severity)),
        AcceptHandoff => accept_handoff(m),
        Close => set(m, |m| open_if_current(m, Overlay::Close)),
        Checklists => set(m, |m| {
            open_if_current(
                m,
                Overlay::Checklists {
                    checklist: 0,
                    step: 0,
                },
            )
        }),
        FollowUp => set(m, follow_up_prompt),
        Sync => open_sync(m),
        Export => export(m),
        // Bound only in the overlays' own tables (the keymap refuses them
        // here); the overlay handlers in `forms` run them.
        RequestClose | ObjectToClose | WithdrawObjection | ConfirmClose | TickWithNote | Untick
        | RetryRow | DropRow => Vec::new(),
        AckClock | SnoozeClock => clock(m, c),
        CopyEntry | CopyBriefing | CopyUpdate => super::copy::copy(m, c),
    }
}

/// A command that only changes the model.
fn set(m: &mut Model, f: impl FnOnce(&mut Model)) -> Vec<Effect> {
    f(m);
    Vec::new()
}

fn open_command_line(m: &mut Model, text: &str) {
    m.overlay = Some(Overlay::CommandLine(super::model::CommandLine {
        input: single_line(text),
        completions: Vec::new(),
        history_pos: None,
    }));
}

fn open_if_current(m: &mut Model, overlay: Overlay) {
    if m.current.is_some() {
        m.overlay = Some(overlay);
    }
}

fn cycle_tag(m: &mut Model) {
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
}

fn focus(m: &mut Model, c: Command) {
    m.focus = match c {
        Command::FocusNext | Command::FocusPrev => {
            let i = Pane::ALL.iter().position(|p| *p == m.focus).unwrap_or(0);
            let n = Pane::ALL.len();
            Pane::ALL[if c == Command::FocusNext {
                (i + 1) % n
            } else {
                (i + n - 1) % n
            }]
        }
        Command::FocusRoster => Pane::Roster,
        Command::FocusLoop => Pane::Loop,
        Command::FocusActions => Pane::Actions,
        _ => Pane::Timeline,
    };
}

fn bottom(m: &mut Model) -> Vec<Effect> {
    if m.focus == Pane::Timeline {
        m.timeline.selected = None;
        Vec::new()
    } else {
        move_selection(m, isize::MAX / 2)
    }
}

fn action_step(m: &mut Model, c: Command) -> Vec<Effect> {
    let Some(id) = selected_action(m) else {
        return Vec::new();
    };
    let step = match c {
        Command::Approve => ActionStep::Approve,
        Command::StartAction => ActionStep::Start,
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

fn action_prompt(m: &mut Model, c: Command) {
    let Some(id) = selected_action(m) else {
        return;
    };
    // Check first, ask for the reason after (issue 13): the fold's own words
    // for a step the action cannot take, before anyone types a reason.
    let to = match c {
        Command::Reject => ActionStatus::Rejected,
        Command::AskInfo => ActionStatus::InfoRequested,
        Command::FailAction => ActionStatus::Failed,
        _ => ActionStatus::Reverted,
    };
    if let Some(a) = m.queue().into_iter().find(|a| a.id == id)
        && !a.status.may_become(to)
    {
        let refusal = RuleError::ActionTransition {
            number: a.number,
            from: a.status.name().into(),
            to: to.name().into(),
        };
        m.say(Level::Warn, refusal.to_string());
        return;
    }
    let (purpose, title) = match c {
        Command::Reject => (PromptPurpose::Reject(id), "Reject: why?"),
        Command::AskInfo => (
            PromptPurpose::AskInfo(id),
            "Ask for more: what do you need to know?",
        ),
        Command::FailAction => (PromptPurpose::Fail(id), "Failed: what happened?"),
        _ => (PromptPurpose::Revert(id), "Reverted: why?"),
    };
    open_prompt(m, purpose, title, "Enter to send, Esc to cancel", "");
}

fn highlight(m: &mut Model) -> Vec<Effect> {
    let Some(row) = m.timeline.selected_row() else {
        return Vec::new();
    };
    let id = row.id;
    act(m, Intent::Highlight(id))
}

fn filter_prompt(m: &mut Model) {
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
}

fn clear_filter(m: &mut Model) -> Vec<Effect> {
    if m.timeline.filter == TimelineFilter::All {
        return Vec::new();
    }
    vec![Effect::Send(Request::SetFilter(TimelineFilter::All))]
}

fn switch_incident(m: &mut Model) {
    let selected = m
        .incidents
        .iter()
        .position(|i| Some(i.id) == m.incident_id())
        .unwrap_or(0);
    m.overlay = Some(Overlay::Switcher { selected });
}

fn accept_handoff(m: &mut Model) -> Vec<Effect> {
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
    // Issue 12: a role someone assigned you shows as paged until you engage.
    let assigned = c
        .incident
        .roles_of(&m.author)
        .find(|h| h.engaged_at.is_none())
        .map(|h| h.role.clone());
    let person = m.author.clone();
    match (mine, assigned) {
        (Some(role), _) => act(m, Intent::RoleAccept { role }),
        (None, Some(role)) => act(m, Intent::RoleEngage { role, person }),
        (None, None) => {
            m.say(
                Level::Info,
                format!("no handoff or assigned role waits for {}", m.author),
            );
            Vec::new()
        }
    }
}

/// `H`: on the roster, hand off the selected role; elsewhere, command.
fn handoff(m: &mut Model) {
    match pickers::selected_role(m).filter(|_| m.focus == Pane::Roster) {
        Some(role) => dialogs::open_handoff_to(m, &role, ""),
        None => dialogs::open_handoff(m),
    }
}

fn release_role(m: &mut Model) -> Vec<Effect> {
    let outcomes = pickers::release_role(m);
    let mut effects = Vec::new();
    for o in outcomes {
        if let super::effect::Outcome::Act { intent, at } = o {
            effects.extend(act_at(m, intent, at));
        }
    }
    effects
}

fn follow_up_prompt(m: &mut Model) {
    let Some(row) = m.timeline.selected_row() else {
        m.say(Level::Info, "select a timeline entry first");
        return;
    };
    let id = row.id;
    open_prompt(
        m,
        PromptPurpose::FollowUp(id),
        "Follow-up from this entry",
        "text; owner; criticality; due YYYY-MM-DD  (002: about three, each with an owner)",
        "",
    );
}

fn open_sync(m: &mut Model) -> Vec<Effect> {
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

fn export(m: &mut Model) -> Vec<Effect> {
    m.say(Level::Info, "writing the postmortem draft…");
    vec![Effect::Send(Request::Export {
        format: crate::export::Format::Markdown,
    })]
}

fn clock(m: &mut Model, c: Command) -> Vec<Effect> {
    let Some(key) = target_clock(m) else {
        m.say(Level::Info, "no clock needs attention");
        return Vec::new();
    };
    if c == Command::AckClock {
        act(m, Intent::ClockAck(key))
    } else {
        let until = m.now + chrono::Duration::minutes(5);
        act(m, Intent::ClockSnooze { clock: key, until })
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
pub(super) fn clock_effects(m: &mut Model) -> Vec<Effect> {
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
    // Issue 12: `23:50 …` or `-20m …` backdates the note (shown in the
    // editor's title before saving); a time that is not one keeps the draft.
    let (text, at) = match crate::services::when::leading_when(&text, m.now) {
        Some((Ok(at), rest)) => (rest.to_string(), Some(at)),
        Some((Err(e), _)) => {
            m.say(Level::Warn, format!("{e}; your draft is kept"));
            return Vec::new();
        }
        None => (text, None),
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
        at,
    })]
}

pub(super) fn move_selection(m: &mut Model, delta: isize) -> Vec<Effect> {
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
