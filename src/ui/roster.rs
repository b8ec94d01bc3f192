//! The role roster: each playbook role, who holds it, since when, for how
//! long. Empty required roles (IC, scribe) stand out.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Widget};

use super::context::Ctx;
use super::text::{columns, fit, pad, safe};
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
        .map(|r| columns(&r.name))
        .max()
        .unwrap_or(10)
        .min(inner.width as usize / 2);
    // (role index, line, whether it may be left out when the pane is short)
    let mut rows: Vec<(usize, Line, bool)> = Vec::new();
    let duties = inc.duties(pb);
    // 000 / 004 (issue 17): a paged role shows so until someone engages it.
    let paged_row = |i: usize, key: &str| -> Option<(usize, Line, bool)> {
        let p = inc.remote.paged.get(key)?;
        let at = if cx.model.utc {
            p.at.format("%H:%M").to_string()
        } else {
            p.at.with_timezone(&chrono::Local)
                .format("%H:%M")
                .to_string()
        };
        let who = if p.person.is_empty() {
            "on-call".to_string()
        } else {
            safe(&p.person)
        };
        Some((
            i,
            Line::from(Span::styled(
                format!(
                    "{:w$}paged {who} {at} ({}), not engaged",
                    "",
                    short_duration(cx.now - p.at),
                    w = name_w + 1
                ),
                t.warn(),
            )),
            false,
        ))
    };
    for (i, role) in pb.roles.iter().enumerate() {
        let selected = focused && i == cx.model.roster_selected;
        let name = format!("{} ", pad(&role.name, name_w));
        let holders: Vec<_> = inc.holders(&role.key).collect();
        let name_style = if selected { t.selected() } else { t.base() };
        if holders.is_empty() {
            // 001: "the communicator role may be folded into the scribe role".
            let carried = duties
                .iter()
                .find(|d| d.role == role.key && d.through.is_some() && d.person.is_some());
            let (text, style) = if let Some(d) = carried {
                let carrier = format!(" (as {})", d.through.as_deref().unwrap_or(""));
                let room = (inner.width as usize)
                    .saturating_sub(name_w + 1 + columns(&carrier))
                    .max(4);
                (
                    format!(
                        "{}{carrier}",
                        fit(&safe(d.person.as_deref().unwrap_or("")), room)
                    ),
                    t.dim(),
                )
            } else if role.required {
                (" EMPTY ".to_string(), t.alarm())
            } else {
                ("—".to_string(), t.dim())
            };
            rows.push((
                i,
                Line::from(vec![
                    Span::styled(name, name_style),
                    Span::styled(text, style),
                ]),
                !role.required && !selected,
            ));
            rows.extend(paged_row(i, &role.key));
            continue;
        }
        for (n, h) in holders.iter().enumerate() {
            let since = h.engaged_at.unwrap_or(h.assigned_at);
            let held = cx.now - since;
            let when = if cx.model.utc {
                since.format("%H:%M").to_string()
            } else {
                since
                    .with_timezone(&chrono::Local)
                    .format("%H:%M")
                    .to_string()
            };
            // Issue 12: assigned by someone else shows as paged until they
            // engage (Y in their cockpit); the IC should chase it.
            let when = if h.engaged_at.is_none() {
                format!("  paged {} ago", short_duration(held))
            } else {
                format!("  {when} ({})", short_duration(held))
            };
            let unengaged = if h.engaged_at.is_none() { " ?" } else { "" };
            // Narrow (80x24): the person's name before the clock time.
            let full = name_w + 1 + columns(&h.person) + columns(&when) + unengaged.len();
            let when = if full > inner.width as usize {
                if h.engaged_at.is_none() {
                    " paged".to_string()
                } else {
                    format!(" {}", short_duration(held))
                }
            } else {
                when
            };
            // A long name is cut so the time held stays in view.
            let room = (inner.width as usize)
                .saturating_sub(name_w + 1 + columns(&when) + unengaged.len())
                .max(4);
            let mut spans = vec![
                Span::styled(
                    if n == 0 {
                        name.clone()
                    } else {
                        " ".repeat(name_w + 1)
                    },
                    name_style,
                ),
                Span::raw(fit(&safe(&h.person), room)),
                Span::styled(when, t.dim()),
            ];
            if !unengaged.is_empty() {
                spans.push(Span::styled(unengaged, t.warn()));
            }
            rows.push((i, Line::from(spans), false));
        }
        rows.extend(paged_row(i, &role.key));
        // 000 / 004: command passes only when the incoming person says so.
        if let Some(h) = inc.pending_handoff(&role.key) {
            rows.push((
                i,
                Line::from(Span::styled(
                    fit(
                        &format!(
                            "{:w$}→ {} incoming (waits for \"I have command\": Y)",
                            "",
                            safe(&h.to),
                            w = name_w + 1
                        ),
                        inner.width as usize,
                    ),
                    t.warn(),
                )),
                false,
            ));
        }
    }
    // 003: who owns the incident (only the owner resolves), where the
    // playbook has owners; it never gives way on a short pane.
    if pb.roles.iter().any(|r| r.owns) || !pb.ownership.cascade.is_empty() {
        let o = inc.owner(pb);
        let through = o
            .role
            .as_deref()
            .and_then(|r| pb.role(r))
            .map(|r| format!(" (as {})", r.key))
            .unwrap_or_else(|| " (declared it)".into());
        rows.insert(
            0,
            (
                0,
                Line::from(vec![
                    Span::styled(format!("{} ", pad("Owner", name_w)), t.title()),
                    Span::raw(safe(&o.person)),
                    Span::styled(through, t.dim()),
                ]),
                false,
            ),
        );
    }
    // Too short for every role (80x24): optional empty roles give way first,
    // so an empty IC or scribe never scrolls out of sight.
    let height = inner.height as usize;
    while rows.len() > height {
        match rows.iter().rposition(|(_, _, optional)| *optional) {
            Some(i) => {
                rows.remove(i);
            }
            None => break,
        }
    }
    let first_selected = rows
        .iter()
        .position(|(i, _, _)| *i >= cx.model.roster_selected)
        .unwrap_or(0);
    let skip = first_selected.saturating_sub(height.saturating_sub(1));
    let mut lines: Vec<Line> = rows.into_iter().skip(skip).map(|(_, l, _)| l).collect();
    if inc
        .roster
        .iter()
        .any(|h| h.is_current() && h.engaged_at.is_none())
        && lines.len() < height
    {
        lines.push(Line::from(Span::styled(
            "? paged, not engaged: Y in their cockpit",
            t.dim(),
        )));
    }
    Paragraph::new(lines).render(inner, buf);
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
