//! The role roster: each playbook role, who holds it, since when, for how
//! long. Empty required roles (IC, scribe) stand out.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Widget};

use super::Ctx;
use super::text::{fit, safe};
use crate::app::model::Pane;

pub fn render(area: Rect, buf: &mut Buffer, cx: &Ctx) {
    let t = cx.theme;
    let focused = cx.model.focus == Pane::Roster;
    let block = Block::bordered()
        .title(" Roles ")
        .border_style(t.border(focused));
    let inner = block.inner(area);
    block.render(area, buf);
    let Some(c) = &cx.model.current else { return };
    let (inc, pb) = (&c.incident, &c.playbook);
    let name_w = pb
        .roles
        .iter()
        .map(|r| r.name.chars().count())
        .max()
        .unwrap_or(10)
        .min(inner.width as usize / 2);
    let mut lines = Vec::new();
    let duties = inc.duties(pb);
    for (i, role) in pb.roles.iter().enumerate() {
        let selected = focused && i == cx.model.roster_selected;
        let name = format!("{:<name_w$} ", fit(&role.name, name_w));
        let holders: Vec<_> = inc.holders(&role.key).collect();
        let name_style = if selected { t.selected() } else { t.base() };
        if holders.is_empty() {
            // 001: "the communicator role may be folded into the scribe role".
            let carried = duties
                .iter()
                .find(|d| d.role == role.key && d.through.is_some() && d.person.is_some());
            let (text, style) = if let Some(d) = carried {
                (
                    format!(
                        "{} (as {})",
                        safe(d.person.as_deref().unwrap_or("")),
                        d.through.as_deref().unwrap_or("")
                    ),
                    t.dim(),
                )
            } else if role.required {
                (" EMPTY ".to_string(), t.alarm())
            } else {
                ("—".to_string(), t.dim())
            };
            lines.push(Line::from(vec![
                Span::styled(name, name_style),
                Span::styled(text, style),
            ]));
            continue;
        }
        for (n, h) in holders.iter().enumerate() {
            let since = h.engaged_at.unwrap_or(h.assigned_at);
            let held = cx.now - since;
            let mut spans = vec![
                Span::styled(
                    if n == 0 {
                        name.clone()
                    } else {
                        " ".repeat(name_w + 1)
                    },
                    name_style,
                ),
                Span::raw(safe(&h.person)),
            ];
            let when = if cx.model.utc {
                since.format("%H:%M").to_string()
            } else {
                since
                    .with_timezone(&chrono::Local)
                    .format("%H:%M")
                    .to_string()
            };
            spans.push(Span::styled(
                format!("  {when} ({})", short_duration(held)),
                t.dim(),
            ));
            if h.engaged_at.is_none() {
                // Assigned but not yet acknowledged: the IC should chase it.
                spans.push(Span::styled(" ?", t.warn()));
            }
            lines.push(Line::from(spans));
        }
        // 000 / 004: command passes only when the incoming person says so.
        if let Some(h) = inc.pending_handoff(&role.key) {
            lines.push(Line::from(Span::styled(
                format!(
                    "{:w$}→ {} (waits for \"I have command\": Y)",
                    "",
                    safe(&h.to),
                    w = name_w + 1
                ),
                t.warn(),
            )));
        }
    }
    if inc
        .roster
        .iter()
        .any(|h| h.is_current() && h.engaged_at.is_none())
        && (lines.len() as u16) < inner.height
    {
        lines.push(Line::from(Span::styled(
            "? assigned, not engaged yet",
            t.dim(),
        )));
    }
    let skip = cx
        .model
        .roster_selected
        .saturating_sub(inner.height.saturating_sub(1) as usize);
    Paragraph::new(lines.into_iter().skip(skip).collect::<Vec<_>>()).render(inner, buf);
}

/// "45m", "2h10m": roster times need minutes, not seconds.
fn short_duration(d: chrono::Duration) -> String {
    let m = d.num_minutes().max(0);
    if m >= 60 {
        format!("{}h{:02}m", m / 60, m % 60)
    } else {
        format!("{m}m")
    }
}
