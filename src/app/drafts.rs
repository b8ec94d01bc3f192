//! Nothing typed is lost (issue 12): which draft belongs to which incident,
//! when it goes to disk, what comes back on reopen, and the question before
//! quitting with one. The runner writes and reads the files
//! (`services::drafts`); this file only decides, like `update`.

use std::collections::BTreeMap;

use super::dialogs::from_form;
use super::effect::Effect;
use super::model::{Level, Model, Overlay, new_editor};
use crate::domain::IncidentId;
use crate::services::drafts::{Draft, NEW};

/// Everything typed and unsaved for the incident on screen.
pub fn snapshot(m: &Model) -> Draft {
    let checkin = match &m.overlay {
        Some(Overlay::CheckIn(f)) => Some(from_form(f)),
        Some(Overlay::Quit { .. }) | None | Some(_) => m.drafts.parked.clone(),
    };
    Draft {
        note: m.editor.lines().join("\n"),
        tag: m.editor_tag.clone(),
        unconfirmed: m.pending_notes.values().map(|n| n.text.clone()).collect(),
        checkin: checkin.filter(|c| !c.is_empty()),
    }
}

/// At start, before the first incident arrives: the drafts found on disk
/// (the runner reads them). What was typed before any incident comes back now.
pub fn found(m: &mut Model, drafts: BTreeMap<String, Draft>) {
    m.drafts.others = drafts;
    if let Some(d) = m.drafts.others.remove(NEW) {
        m.drafts.on_disk = d.clone();
        restore(m, d);
    }
}

/// After a message changed the model: note when what is typed first
/// differs from what is on disk.
pub(super) fn touched(m: &mut Model) {
    if m.drafts.dirty_since.is_none() && snapshot(m) != m.drafts.on_disk {
        m.drafts.dirty_since = Some(m.now);
    }
}

/// On a tick (once a second): write what changed since the last write, so
/// typing costs at most one small file write a second (debounced), and a
/// crash loses at most the last second.
pub(super) fn tick(m: &mut Model) -> Vec<Effect> {
    if m.drafts.dirty_since.is_some() {
        flush(m).into_iter().collect()
    } else {
        Vec::new()
    }
}

/// Write now if what is typed differs from what is on disk (the runner
/// calls it on the way out, after a quit or a signal).
pub fn flush(m: &mut Model) -> Option<Effect> {
    m.drafts.dirty_since = None;
    let now = snapshot(m);
    if now == m.drafts.on_disk {
        return None;
    }
    m.drafts.on_disk = now.clone();
    Some(Effect::SaveDraft {
        key: m.drafts.key(),
        draft: now,
    })
}

/// The incident on screen changed (`m.current` is already the new one).
pub(super) fn switched(m: &mut Model, to: IncidentId) -> Vec<Effect> {
    if m.drafts.incident == Some(to) {
        return Vec::new();
    }
    let mut effects = Vec::new();
    if m.drafts.incident.is_none() {
        // Typed before there was an incident: it is for this one. Its file
        // under `new` goes; the text is written under the incident next tick.
        if !m.drafts.on_disk.is_empty() {
            effects.push(Effect::SaveDraft {
                key: NEW.into(),
                draft: Draft::default(),
            });
        }
    } else {
        effects.extend(flush(m));
        let mut left = snapshot(m);
        left.unconfirmed.clear(); // they come back by their own reply if refused
        if !left.is_empty() {
            m.drafts.others.insert(m.drafts.key(), left);
        }
        m.editor = new_editor();
        m.editor_tag = None;
        m.drafts.parked = None;
    }
    m.drafts.incident = Some(to);
    m.drafts.on_disk = Draft::default();
    if let Some(d) = m.drafts.others.remove(&m.drafts.key()) {
        m.drafts.on_disk = d.clone();
        restore(m, d);
    }
    touched(m);
    effects
}

/// Bring a kept draft back: the note into the editor (after anything typed
/// meanwhile), the check-in form reopened with its fields.
fn restore(m: &mut Model, d: Draft) {
    let mut parts: Vec<String> = d.unconfirmed.clone();
    parts.push(d.note.clone());
    let current = m.editor.lines().join("\n");
    if !current.trim().is_empty() {
        parts.push(current);
    }
    let text: Vec<String> = parts.into_iter().filter(|p| !p.trim().is_empty()).collect();
    let mut what = Vec::new();
    if !text.is_empty() {
        m.editor = new_editor();
        m.editor.insert_str(text.join("\n"));
        what.push("the note");
    }
    if d.tag.is_some() {
        m.editor_tag = d.tag.clone();
    }
    if let Some(c) = d.checkin.filter(|c| !c.is_empty()) {
        what.push("the check-in");
        m.drafts.parked = Some(c);
        if m.overlay.is_none() && m.current.is_some() {
            super::dialogs::open_checkin(m);
        }
    }
    if !what.is_empty() {
        m.say(
            Level::Warn,
            format!(
                "recovered {} you had not saved (kept beside the journal)",
                what.join(" and ")
            ),
        );
    }
}

/// `q` or Ctrl-C: quit at once when nothing is unsaved, else ask first.
pub(super) fn ask_quit(m: &mut Model) {
    if let Some(Overlay::Quit { .. }) = m.overlay {
        m.quit = true;
        return;
    }
    let back_to_checkin = match m.overlay.take() {
        Some(Overlay::CheckIn(f)) => {
            m.drafts.parked = Some(from_form(&f));
            true
        }
        other => {
            m.overlay = other;
            false
        }
    };
    if snapshot(m).is_empty() {
        m.quit = true;
    } else {
        m.overlay = Some(Overlay::Quit { back_to_checkin });
    }
}

/// The question's keys: y, q or Ctrl-C quit (the draft stays on disk and
/// comes back on reopen); n or Esc go back to where the IC was.
pub(super) fn quit_key(m: &mut Model, back_to_checkin: bool, k: crossterm::event::KeyEvent) {
    use crossterm::event::{KeyCode, KeyModifiers};
    let ctrl_c = k.code == KeyCode::Char('c') && k.modifiers.contains(KeyModifiers::CONTROL);
    match k.code {
        KeyCode::Char('y' | 'Y' | 'q') => m.quit = true,
        _ if ctrl_c => m.quit = true,
        KeyCode::Char('n' | 'N') | KeyCode::Esc => {
            if back_to_checkin {
                super::dialogs::open_checkin(m);
            }
        }
        _ => m.overlay = Some(Overlay::Quit { back_to_checkin }),
    }
}
