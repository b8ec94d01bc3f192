//! Copy to the clipboard (issue 12): the selected timeline entry, the 004
//! handoff briefing or the status update text. `update` decides what; the
//! runner writes the one OSC 52 sequence (`ui/clipboard.rs`).

use super::effect::Effect;
use super::keymap::Command;
use super::model::{HANDOFF_FIELDS, Level, Model};

pub(super) fn copy(m: &mut Model, c: Command) -> Vec<Effect> {
    let (what, text) = match c {
        Command::CopyEntry => match m.timeline.selected_row() {
            Some(r) => {
                let when = r.at.format("%Y-%m-%d %H:%M UTC");
                (
                    "the timeline entry",
                    format!("{when} {} [{}] {}", r.author, r.label, r.text),
                )
            }
            None => {
                m.say(Level::Info, "nothing to copy: the timeline is empty");
                return Vec::new();
            }
        },
        Command::CopyBriefing | Command::CopyUpdate => {
            let Some(cur) = &m.current else {
                m.say(Level::Warn, "no incident yet: declare one first (D)");
                return Vec::new();
            };
            let (inc, pb) = (&cur.incident, &cur.playbook);
            if c == Command::CopyBriefing {
                // 004's briefing, as the handoff form prefills it.
                let b = inc.briefing_draft(pb);
                let fields = [
                    &b.status,
                    &b.hypotheses_open,
                    &b.hypotheses_eliminated,
                    &b.last_customer_update,
                    &b.channels,
                    &b.people,
                ];
                let lines: Vec<String> = HANDOFF_FIELDS[1..]
                    .iter()
                    .zip(fields)
                    .map(|(label, value)| format!("{label}: {value}"))
                    .collect();
                (
                    "the briefing",
                    format!("{}\n{}", inc.title, lines.join("\n")),
                )
            } else {
                // The domain's one renderer, as sync posts the same template.
                let mut vars = crate::domain::message::Vars::incident(inc, pb);
                vars.set("author", m.author.clone());
                let text = crate::domain::message::render(
                    crate::domain::message::template(pb, None, "status_update"),
                    &vars,
                );
                ("the status update", text)
            }
        }
        _ => return Vec::new(),
    };
    if text.len() > crate::app::effect::MAX_COPY {
        m.say(
            Level::Warn,
            format!(
                "{what} is {} KB: too long for the terminal's clipboard (at most {} KB)",
                text.len() / 1024,
                crate::app::effect::MAX_COPY / 1024
            ),
        );
        return Vec::new();
    }
    // OSC 52 has no answer: the terminal may ignore it (tmux: set-clipboard on).
    m.say(
        Level::Info,
        format!("copied {what} to the clipboard (OSC 52; tmux needs set-clipboard on)"),
    );
    vec![Effect::Copy(text)]
}
