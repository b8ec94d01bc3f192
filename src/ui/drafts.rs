//! The question before quitting with a draft (issue 12): what is kept and
//! where, so the IC can quit knowing nothing typed is lost.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget, Wrap};

use super::context::Ctx;
use super::widgets::frame;

pub(super) fn quit(area: Rect, buf: &mut Buffer, cx: &Ctx) {
    let t = cx.theme;
    let d = crate::app::drafts::snapshot(cx.model);
    let mut what = Vec::new();
    if !d.note.trim().is_empty() {
        what.push("a note in the editor");
    }
    if d.checkin.is_some() {
        what.push("a check-in not yet sent");
    }
    if !d.unconfirmed.is_empty() {
        what.push("a note the journal has not confirmed");
    }
    let inner = frame(area, buf, cx, "Quit?", 60, 8);
    let lines = vec![
        Line::from(Span::styled(
            format!("Not saved to the journal: {}.", what.join(", ")),
            t.warn(),
        )),
        Line::raw("It is kept beside the journal and comes back when you reopen this incident."),
        Line::raw(""),
        Line::from(vec![
            Span::styled(" y ", t.selected()),
            Span::raw(" quit   "),
            Span::styled(" n ", t.selected()),
            Span::raw(" go back and save it"),
        ]),
    ];
    Paragraph::new(lines)
        .wrap(Wrap { trim: true })
        .render(inner, buf);
}
