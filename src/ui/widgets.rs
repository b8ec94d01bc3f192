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
        .title(format!(
            " {} ",
            whole_words(title, r.width.saturating_sub(4) as usize)
        ))
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

/// `title` cut at a word boundary (with `…`) when wider than `width`
/// columns: issue 12, titles are not cut mid-word.
pub(super) fn whole_words(title: &str, width: usize) -> String {
    if super::text::columns(title) <= width {
        return title.to_string();
    }
    let mut out = String::new();
    for word in title.split(' ') {
        let next = if out.is_empty() {
            word.to_string()
        } else {
            format!("{out} {word}")
        };
        if super::text::columns(&next) + 1 > width {
            break;
        }
        out = next;
    }
    let out = out.trim_end_matches([' ', '·', ':', ',']).to_string();
    if out.is_empty() {
        super::text::fit(title, width)
    } else {
        format!("{out}…")
    }
}

#[cfg(test)]
mod tests {
    use super::whole_words;

    #[test]
    fn titles_are_cut_between_words() {
        assert_eq!(
            whole_words("Close the incident · r ask", 40),
            "Close the incident · r ask"
        );
        assert_eq!(
            whole_words("Close the incident · r ask · o object", 22),
            "Close the incident…"
        );
        assert_eq!(whole_words("Supercalifragilistic", 6).chars().count(), 6);
    }
}
