//! Replies from the journal worker, folded into the model. Called only
//! from `update`.

use super::commands::clock_effects;
use super::dialogs;
use super::effect::Effect;
use super::model::{Current, Level, Model, Overlay, new_editor};
use crate::services::WorkerError;
use crate::services::worker::{Reply, Request};

pub(super) fn on_reply(m: &mut Model, r: Reply) -> Vec<Effect> {
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
            let mut effects = Vec::new();
            if changed {
                m.roster_selected = 0;
                m.actions_selected = 0;
                m.clock_selected = 0;
                // Issue 12: each incident keeps its own draft.
                effects = super::drafts::switched(m, m.incident_id().expect("just set"));
            }
            effects.extend(clock_effects(m));
            effects
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
        Reply::Acted { token, result } => acted(m, token, result),
        Reply::SyncRows(rows) => {
            match (rows, &mut m.overlay) {
                (Ok(new), Some(Overlay::Sync { rows, selected })) => {
                    *selected = (*selected).min(new.len().saturating_sub(1));
                    *rows = new;
                }
                (Err(e), _) => m.say(Level::Error, e.to_string()),
                _ => {}
            }
            Vec::new()
        }
        Reply::Exported(Ok((path, findings))) => {
            exported(m, &path, findings);
            Vec::new()
        }
        Reply::Exported(Err(e)) => {
            m.say(Level::Error, format!("export failed: {e}"));
            Vec::new()
        }
        Reply::Failed(e) => {
            m.say(Level::Error, e.to_string());
            Vec::new()
        }
    }
}

/// The journal's answer to an intent: words for the status line, or the
/// refusal (a refused note comes back to the editor: nothing typed is lost).
fn acted(m: &mut Model, token: u64, result: Result<String, WorkerError>) -> Vec<Effect> {
    let note = m.pending_notes.remove(&token);
    match result {
        Ok(words) => {
            if note.is_none() {
                m.say(Level::Info, words);
            }
            Vec::new()
        }
        Err(e) => {
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
            m.say(Level::Error, e.to_string());
            vec![Effect::Bell]
        }
    }
}

fn exported(m: &mut Model, path: &std::path::Path, findings: usize) {
    let lint = if findings > 0 {
        format!("; {findings} writing findings listed in it (000's rules)")
    } else {
        String::new()
    };
    m.say(
        Level::Info,
        format!("postmortem draft written to {}{lint}", path.display()),
    );
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
            dialogs::open_declare(m);
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
