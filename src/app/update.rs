//! The one place screen input becomes change: `update` takes a message (a key,
//! a tick, a reply from the journal worker) and returns effects for the runner
//! to execute. It never touches SQLite, HTTP or the terminal itself.

use chrono::{DateTime, Utc};
use crossterm::event::{KeyEvent, KeyEventKind};

use super::commands::{self, act_at, clock_effects, move_selection};
pub use super::effect::Effect;
use super::effect::Outcome;
use super::forms;
use super::keymap::{Chord, Lookup, Mode};
use super::model::{Level, Model, Pane};
use super::replies;
use crate::services::worker::Reply;

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
    /// The sync worker's health, read by the runner once a tick.
    Sync(crate::sync::SyncHealth),
    /// A command from the mouse (issue 12: a click on a header item).
    Command(super::keymap::Command),
}

/// The largest paste the editor takes (bytes).
pub const MAX_PASTE: usize = 256 * 1024;

pub fn update(m: &mut Model, msg: Msg) -> Vec<Effect> {
    let tick = matches!(msg, Msg::Tick(_));
    let mut effects = step(m, msg);
    // Issue 12: what is typed goes to disk at the next tick (debounced).
    super::drafts::touched(m);
    if tick {
        effects.extend(super::drafts::tick(m));
    }
    effects
}

fn step(m: &mut Model, msg: Msg) -> Vec<Effect> {
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
                (None, _) => {
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
        Msg::Worker(r) => replies::on_reply(m, r),
        Msg::Status(level, text) => {
            m.say(level, text);
            Vec::new()
        }
        Msg::Sync(health) => {
            m.sync = Some(health);
            Vec::new()
        }
        Msg::Command(c) if m.overlay.is_none() => commands::run(m, c),
        Msg::Command(_) => Vec::new(),
    }
}

fn on_key(m: &mut Model, k: KeyEvent) -> Vec<Effect> {
    if m.overlay.is_some() {
        let outcomes = forms::on_key(m, k);
        return resolve(m, outcomes);
    }
    let Some(chord) = Chord::from_event(&k) else {
        return Vec::new();
    };
    if m.mode == Mode::Insert {
        return match m.keymap.lookup(Mode::Insert, &[chord]) {
            Lookup::Command(c) => commands::run(m, c),
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
            commands::run(m, c)
        }
        Lookup::Pending => Vec::new(),
        Lookup::None => {
            m.pressed.clear();
            Vec::new()
        }
    }
}

/// Turn what an overlay asked for into effects, in order.
fn resolve(m: &mut Model, outcomes: Vec<Outcome>) -> Vec<Effect> {
    let mut effects = Vec::new();
    for o in outcomes {
        match o {
            Outcome::Act { intent, at } => effects.extend(act_at(m, intent, at)),
            Outcome::Effect(e) => effects.push(e),
        }
    }
    effects
}
