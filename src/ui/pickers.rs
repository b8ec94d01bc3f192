//! Issue 12's pickers: who holds a role (fuzzy-filtered people), and the
//! state / service status / severity with the playbook's descriptions.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget, Wrap};

use super::context::Ctx;
use super::text::{fit, safe};
use super::widgets::{field, frame};
use crate::app::model::{Choice, RolePicker};
use crate::app::pickers::{candidates, kind_name, options, role_name};

pub fn role_picker(area: Rect, buf: &mut Buffer, cx: &Ctx, p: &RolePicker) {
    let t = cx.theme;
    let m = cx.model;
    let name = role_name(m, &p.role);
    let title = if p.release {
        format!("Release {name}: who steps down? · Enter · Esc")
    } else {
        format!("{name}: who? · type to filter · Enter picks · Esc")
    };
    let typed = p.input.lines().join(" ");
    let list = candidates(m, &p.role, &typed, p.release);
    let h = (list.len() as u16 + 5).clamp(7, area.height.saturating_sub(2).max(7));
    let inner = frame(area, buf, cx, &title, 64, h);
    if inner.height < 3 {
        return;
    }
    let input = Rect { height: 1, ..inner };
    field(input, buf, cx, &p.input, true);
    let rows = inner.height.saturating_sub(3) as usize;
    let selected = p.selected.min(list.len().saturating_sub(1));
    let skip = selected.saturating_sub(rows.saturating_sub(1));
    let w = inner.width as usize;
    let mut lines: Vec<Line> = Vec::new();
    for (i, c) in list.iter().enumerate().skip(skip).take(rows) {
        let what = match (c.holds, c.engaged, c.source) {
            (true, true, _) => "holds it".to_string(),
            (true, false, _) => "paged, not engaged".to_string(),
            (_, _, "you") => "you: engages you".to_string(),
            (_, _, "new") => "new name: assigns and pages".to_string(),
            (_, _, src) => format!("{src}: assigns and pages"),
        };
        let style = if i == selected {
            t.selected()
        } else {
            t.base()
        };
        let person = fit(&safe(&c.person), w.saturating_sub(what.len() + 4).max(4));
        lines.push(Line::from(vec![
            Span::styled(format!(" {person} "), style),
            Span::styled(format!(" {what}"), t.dim()),
        ]));
    }
    if list.is_empty() {
        lines.push(Line::from(Span::styled(" type a name", t.dim())));
    }
    let body = Rect {
        y: inner.y + 1,
        height: inner.height.saturating_sub(2),
        ..inner
    };
    Paragraph::new(lines).render(body, buf);
    let k = |c| m.keymap.key_for(crate::app::keymap::Mode::Normal, c);
    let hint = format!(
        "On the roster: {} releases, {} hands off. Others engage with Y in their cockpit.",
        k(crate::app::keymap::Command::ReleaseRole).unwrap_or_else(|| "-".into()),
        k(crate::app::keymap::Command::Handoff).unwrap_or_else(|| "-".into()),
    );
    let foot = Rect {
        y: inner.y + inner.height - 1,
        height: 1,
        ..inner
    };
    Paragraph::new(Span::styled(fit(&hint, w), t.dim())).render(foot, buf);
}

pub fn choice(area: Rect, buf: &mut Buffer, cx: &Ctx, c: &Choice) {
    let t = cx.theme;
    let list = options(cx.model, c.kind);
    let title = format!(
        "{} · 1-9 or Enter sets · Tab: state / service / severity · Esc",
        kind_name(c.kind)
    );
    let width = 72u16.min(area.width);
    let text_w = width.saturating_sub(8) as usize;
    let mut lines: Vec<Line> = Vec::new();
    for (i, o) in list.iter().enumerate() {
        let style = if i == c.selected {
            t.selected()
        } else {
            t.title()
        };
        lines.push(Line::from(Span::styled(
            format!(" {} {} ", i + 1, safe(&o.label)),
            style,
        )));
        if !o.description.is_empty() {
            lines.push(Line::from(Span::styled(
                format!("   {}", fit(&safe(&o.description), text_w)),
                t.dim(),
            )));
        }
    }
    if list.is_empty() {
        lines.push(Line::from(Span::styled(" nothing to choose here", t.dim())));
    }
    let h = (lines.len() as u16 + 2).min(area.height.saturating_sub(2).max(3));
    let inner = frame(area, buf, cx, &title, width, h);
    // Keep the selected option in view on a short terminal.
    let first = lines
        .iter()
        .position(|l| l.spans.first().is_some_and(|s| s.style == t.selected()))
        .unwrap_or(0);
    let skip = first.saturating_sub((inner.height as usize).saturating_sub(2));
    Paragraph::new(lines.into_iter().skip(skip).collect::<Vec<_>>())
        .wrap(Wrap { trim: false })
        .render(inner, buf);
}
