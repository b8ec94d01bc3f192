//! The note editor (ratatui-textarea) and the status line under it.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Widget};

use super::context::Ctx;
use super::text::{fit, safe};
use crate::app::keymap::{Command, Mode};
use crate::app::model::Level;

pub fn render(area: Rect, buf: &mut Buffer, cx: &Ctx) {
    let t = cx.theme;
    let m = cx.model;
    let insert = m.mode == Mode::Insert && m.overlay.is_none();
    let tag = m.editor_tag.clone().unwrap_or_else(|| "auto".into());
    let k = |mode, c| m.keymap.key_for(mode, c).unwrap_or_default();
    // Issue 12: a leading `23:50 ` or `-20m ` backdates; say so before saving.
    let draft = m.editor.lines().join("\n");
    let when = match crate::services::when::leading_when(&draft, m.now) {
        Some((Ok(at), _)) => {
            let shown = if m.utc {
                at.format("%H:%M UTC").to_string()
            } else {
                at.with_timezone(&chrono::Local).format("%H:%M").to_string()
            };
            format!(" · happened at {shown}")
        }
        Some((Err(_), _)) => " · not a time: 23:50 or -20m".to_string(),
        None => String::new(),
    };
    let title = if insert {
        format!(
            " Note{when} · tag {tag} ({} changes) · {} saves · {} new line · {} leaves ",
            k(Mode::Insert, Command::CycleTag),
            k(Mode::Insert, Command::CommitNote),
            k(Mode::Insert, Command::Newline),
            k(Mode::Insert, Command::LeaveEditor)
        )
    } else {
        format!(
            " Note{when} · {} to write ",
            k(Mode::Normal, Command::EditNote)
        )
    };
    let block = Block::bordered()
        .title(fit(&title, area.width.saturating_sub(2) as usize))
        .border_style(t.border(insert));
    let mut editor = m.editor.clone();
    editor.set_block(block);
    // ratatui-textarea's own placeholder style is dark grey, even under NO_COLOR.
    editor.set_placeholder_style(t.dim());
    if !insert {
        editor.set_cursor_style(ratatui::style::Style::default());
    }
    editor.render(area, buf);
}

pub fn render_status(area: Rect, buf: &mut Buffer, cx: &Ctx) {
    let t = cx.theme;
    let m = cx.model;
    let line = match m.status.as_ref().filter(|s| s.visible(cx.now)) {
        Some(s) => {
            let style = match s.level {
                Level::Info => t.ok(),
                Level::Warn => t.warn(),
                Level::Error => t.danger(),
            };
            // Errors can quote text from the journal or another process.
            Line::from(Span::styled(
                fit(&safe(&s.text), area.width as usize),
                style,
            ))
        }
        None => {
            // Hints come from the live keymap, so they are right after a rebinding.
            let k = |c| {
                m.keymap
                    .key_for(Mode::Normal, c)
                    .unwrap_or_else(|| "-".into())
            };
            let hints = [
                (Command::Help, "help"),
                (Command::CommandLine, "command"),
                (Command::EditNote, "note"),
                (Command::CheckIn, "check-in"),
                (Command::ProposeAction, "propose"),
                (Command::FocusNext, "pane"),
                (Command::SwitchIncident, "incidents"),
                (Command::Quit, "quit"),
            ];
            // Keys of an unfinished sequence ("g …") first: at 80 columns the
            // hints fill the line and anything after them is cut off.
            let mut spans = Vec::new();
            if !m.pressed.is_empty() {
                spans.push(Span::styled(
                    format!(" {} … ", crate::app::keymap::sequence_to_string(&m.pressed)),
                    t.warn(),
                ));
            }
            for (c, label) in hints {
                spans.push(Span::styled(format!(" {} ", k(c)), t.selected()));
                spans.push(Span::styled(format!(" {label} "), t.dim()));
            }
            Line::from(spans)
        }
    };
    Paragraph::new(line).render(area, buf);
}
