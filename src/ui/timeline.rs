//! The live timeline: newest at the bottom, highlighted entries stand out.
//! Only the visible rows are turned into widgets, so 100,000 entries draw
//! as fast as 100 (MEASURED.md: cost grows with rows handed to the widget).

use chrono::Local;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Widget};

use super::context::Ctx;
use super::text::{fit, pad, safe};
use crate::app::model::Pane;
use crate::journal::TimelineFilter;

pub fn render(area: Rect, buf: &mut Buffer, cx: &Ctx) {
    let t = cx.theme;
    let m = cx.model;
    let tl = &m.timeline;
    let focused = m.focus == Pane::Timeline;
    let filter = match &tl.filter {
        TimelineFilter::All => String::new(),
        TimelineFilter::Tag(x) => format!(" · tag:{}", safe(x)),
        TimelineFilter::Text(x) => format!(" · \"{}\"", safe(x)),
    };
    // Until the journal has counted (a long timeline's first page comes first).
    let counting = if tl.more_before && tl.total <= tl.rows.len() {
        "+"
    } else {
        ""
    };
    let position = match tl.selected {
        None => format!(
            "{}{counting} {} · following",
            tl.total,
            if tl.total == 1 && counting.is_empty() {
                "entry"
            } else {
                "entries"
            }
        ),
        Some(i) => format!(
            "{} of {}{counting}",
            tl.total.saturating_sub(tl.rows.len()) + i + 1,
            tl.total
        ),
    };
    let block = Block::bordered()
        .title(format!(" Timeline{filter} "))
        .title(Line::from(format!(" {position} ")).right_aligned())
        .border_style(t.border(focused));
    let inner = block.inner(area);
    block.render(area, buf);
    let height = inner.height as usize;
    if height == 0 {
        return;
    }
    let pending: Vec<_> = m.pending_notes.values().collect();
    let rows_room = height.saturating_sub(pending.len().min(height));
    let selected = tl.selected_index();
    let end = match tl.selected {
        None => tl.rows.len(),
        Some(_) => {
            let sel = selected.unwrap_or(0);
            // Keep the selection in view, a few rows from the bottom edge.
            (sel + 1 + rows_room.saturating_sub(1) / 3)
                .clamp(rows_room.min(tl.rows.len()), tl.rows.len())
        }
    };
    let start = end.saturating_sub(rows_room);
    let multi_day = tl
        .rows
        .first()
        .zip(tl.rows.last())
        .is_some_and(|(a, b)| a.at.date_naive() != b.at.date_naive());
    let highlights = m.current.as_ref().map(|c| &c.incident.highlights);
    let width = inner.width as usize;
    let mut lines: Vec<Line> = Vec::with_capacity(height);
    for (i, row) in tl.rows[start..end].iter().enumerate() {
        let index = start + i;
        let when = match (m.utc, multi_day) {
            (true, false) => row.at.format("%H:%M:%SZ").to_string(),
            (true, true) => row.at.format("%m-%d %H:%MZ").to_string(),
            (false, false) => row.at.with_timezone(&Local).format("%H:%M:%S").to_string(),
            (false, true) => row
                .at
                .with_timezone(&Local)
                .format("%m-%d %H:%M")
                .to_string(),
        };
        let high = row.tag_highlight || highlights.is_some_and(|h| h.contains(&row.id));
        let mark = if high { "★" } else { " " };
        // Padded by columns, not chars: a CJK author must not shift the columns.
        let author = pad(&safe(&row.author), 10);
        let label = pad(&format!("[{}]", fit(&safe(&row.label), 10)), 12);
        let used = when.len() + 2 + 11 + 12 + 1;
        let mut text = safe(&row.text);
        if row.private {
            text = format!("🔒 {text}");
        }
        let text_style = if high { t.highlight() } else { t.base() };
        let label_style = match row.label.as_str() {
            "outage" | "security" => t.danger(),
            "declared" | "state" | "severity" | "close" => t.title(),
            _ => t.accent(),
        };
        let mut line = Line::from(vec![
            Span::styled(when, t.dim()),
            Span::styled(mark, t.highlight()),
            Span::raw(" "),
            Span::styled(format!("{author} "), t.dim()),
            Span::styled(label, label_style),
            Span::raw(" "),
            Span::styled(fit(&text, width.saturating_sub(used)), text_style),
        ]);
        if focused && Some(index) == selected && tl.selected.is_some() {
            line = line.style(t.selected());
        }
        lines.push(line);
    }
    for p in pending.iter().take(height) {
        lines.push(Line::from(Span::styled(
            format!("saving… {}", fit(&safe(&p.text), width.saturating_sub(9))),
            t.dim(),
        )));
    }
    if tl.rows.is_empty() && pending.is_empty() {
        let text = if tl.filter == TimelineFilter::All {
            "nothing recorded yet"
        } else {
            "nothing matches the filter (Esc clears it)"
        };
        lines.push(Line::from(Span::styled(text, t.dim())));
    }
    Paragraph::new(lines).render(inner, buf);
}
