//! The header: severity, state, service status, time since declared, IC,
//! sync health; then the title and the incident's id.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget};

use super::context::Ctx;
use super::text::{columns, pad, safe};
use crate::app::keymap::Command;
use crate::domain::time::human_minutes;

/// The header item under column `x` of its first row (issue 12: severity,
/// state and service status are clickable): the command that changes it.
pub fn item_at(m: &crate::app::model::Model, x: u16) -> Option<Command> {
    let c = m.current.as_ref()?;
    let (inc, pb) = (&c.incident, &c.playbook);
    let state = pb
        .state(&inc.state)
        .map(|s| s.label.clone())
        .unwrap_or_else(|| inc.state.clone());
    let service = inc
        .service_status
        .as_deref()
        .and_then(|s| pb.service_status(s))
        .map(|s| s.label.clone());
    // The same widths `render` draws: " SEV " │ state │ service.
    let mut items = vec![
        (
            columns(&format!(" {} ", inc.severity)),
            Command::SetSeverity,
        ),
        (columns(&state), Command::SetState),
    ];
    if let Some(s) = service {
        items.push((columns(&s), Command::SetServiceStatus));
    }
    let mut start = 0usize;
    for (w, cmd) in items {
        if (start..start + w).contains(&(x as usize)) {
            return Some(cmd);
        }
        start += w + columns(" │ ");
    }
    None
}

pub fn render(area: Rect, buf: &mut Buffer, cx: &Ctx) {
    let t = cx.theme;
    let m = cx.model;
    let Some(c) = &m.current else {
        let open = m.incidents.iter().filter(|i| i.open).count();
        let text = if m.loaded {
            format!(" Incident Cockpit · no incident open ({open}) · D declares one · ? help")
        } else {
            " Incident Cockpit · opening the journal…".into()
        };
        Paragraph::new(Line::from(Span::styled(text, t.title()))).render(area, buf);
        return;
    };
    let (inc, pb) = (&c.incident, &c.playbook);
    let rank = pb
        .severities
        .iter()
        .position(|s| s.name == inc.severity)
        .unwrap_or(9);
    let state = pb
        .state(&inc.state)
        .map(|s| s.label.clone())
        .unwrap_or_else(|| inc.state.clone());
    let service = inc
        .service_status
        .as_deref()
        .and_then(|s| pb.service_status(s))
        .map(|s| s.label.clone());
    let ic = inc.commander(pb).map(|h| h.person.clone());
    let sep = || Span::styled(" │ ", t.dim());
    let mut spans = vec![
        Span::styled(format!(" {} ", inc.severity), t.severity(rank)),
        sep(),
        Span::styled(state, t.title()),
    ];
    if let Some(s) = service {
        spans.push(sep());
        spans.push(Span::styled(s, t.warn()));
    }
    spans.push(sep());
    spans.push(Span::raw(human_minutes(cx.now - inc.declared_at)));
    spans.push(sep());
    match ic {
        Some(p) => spans.push(Span::raw(format!(
            "{}: {}",
            pb.commander().key.to_uppercase(),
            safe(&p)
        ))),
        None => spans.push(Span::styled(
            format!("no {}", pb.commander().name),
            t.alarm(),
        )),
    }
    if inc.security.is_some() {
        spans.push(sep());
        spans.push(Span::styled("SECURITY", t.alarm()));
    }
    // 003 (issue 17): the IC chose not to post publicly; status pages and
    // client tickets wait until `public --resume`.
    if inc.remote.held() {
        spans.push(sep());
        spans.push(Span::styled("PUBLIC POSTS HELD", t.warn()));
    }
    spans.push(sep());
    match &m.sync {
        Some(s) => {
            let style = match s.level() {
                crate::sync::SyncLevel::Ok => t.ok(),
                crate::sync::SyncLevel::Pending => t.base(),
                crate::sync::SyncLevel::Failing => t.warn(),
                crate::sync::SyncLevel::Parked => t.alarm(),
            };
            spans.push(Span::styled(s.label(cx.now), style));
        }
        None => spans.push(Span::styled("sync: not configured", t.dim())),
    }
    let mut lines = vec![Line::from(spans)];
    if area.height > 1 {
        let open = m.incidents.iter().filter(|i| i.open).count();
        let others = if open > 1 {
            format!("  ({open} open · I switches)")
        } else {
            String::new()
        };
        let clock = if m.utc { "UTC" } else { "local" };
        let right = format!("{} · times {clock}{others}", inc.id.short());
        let title_w = (area.width as usize).saturating_sub(columns(&right) + 3);
        lines.push(Line::from(vec![
            Span::styled(format!(" {}", pad(&safe(&inc.title), title_w)), t.title()),
            Span::styled(format!(" {right}"), t.dim()),
        ]));
    }
    Paragraph::new(lines).render(area, buf);
}
