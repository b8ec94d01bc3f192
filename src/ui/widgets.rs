//! Pieces every overlay draws with: the framed box and a text field. A leaf,
//! so the overlays and the process overlays share them without importing
//! one another.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::widgets::{Block, Clear, Widget};
use ratatui_textarea::TextArea;

use super::context::Ctx;
use super::layout::centered;

pub(super) fn frame(area: Rect, buf: &mut Buffer, cx: &Ctx, title: &str, w: u16, h: u16) -> Rect {
    let r = centered(area, w, h);
    Clear.render(r, buf);
    let block = Block::bordered()
        .title(format!(" {title} "))
        .border_style(cx.theme.border(true));
    let inner = block.inner(r);
    block.render(r, buf);
    inner
}

pub(super) fn field(area: Rect, buf: &mut Buffer, cx: &Ctx, ta: &TextArea<'static>, active: bool) {
    let mut ta = ta.clone();
    if !active {
        ta.set_cursor_style(ratatui::style::Style::default());
    }
    ta.set_style(if active {
        cx.theme.selected()
    } else {
        cx.theme.base()
    });
    ta.render(area, buf);
}
