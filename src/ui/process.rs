//! Overlays for the seeds' processes: the handoff form with the 004 briefing,
//! the close flow (000's question, objections, 001's watch, blocking
//! checklists), and the playbook's checklists with their progress.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget, Wrap};

use super::context::Ctx;
use super::text::{columns, fit, safe};
use super::widgets::{field, frame};
use crate::app::keymap::{Command, Mode};
use crate::app::model::{HANDOFF_FIELDS, HandoffForm};
use crate::domain::checklist::StepStatus;
use crate::domain::time::human_minutes;

pub fn handoff(area: Rect, buf: &mut Buffer, cx: &Ctx, h: &HandoffForm) {
    let role = cx
        .model
        .current
        .as_ref()
        .and_then(|c| c.playbook.role(&h.role))
        .map(|r| r.name.clone())
        .unwrap_or_else(|| h.role.clone());
    let title = format!(
        "Hand off {role} (004 briefing) · Tab moves · Enter on the last field announces · Esc"
    );
    let inner = frame(area, buf, cx, &title, 90, HANDOFF_FIELDS.len() as u16 + 5);
    let rows = Layout::vertical(vec![Constraint::Length(1); HANDOFF_FIELDS.len() + 2]).split(inner);
    for (i, label) in HANDOFF_FIELDS.iter().enumerate() {
        let [l, v] =
            Layout::horizontal([Constraint::Length(22), Constraint::Fill(1)]).areas(rows[i]);
        let style = if h.field == i {
            cx.theme.title()
        } else {
            cx.theme.dim()
        };
        Paragraph::new(Span::styled(format!("{label:<21}"), style)).render(l, buf);
        field(v, buf, cx, &h.inputs[i], h.field == i);
    }
    let note = "The role passes when the incoming person says \"I have command\" (Y in their cockpit, or `cockpit role accept`).";
    Paragraph::new(Span::styled(
        fit(note, inner.width as usize),
        cx.theme.dim(),
    ))
    .render(rows[HANDOFF_FIELDS.len() + 1], buf);
}

pub fn close(area: Rect, buf: &mut Buffer, cx: &Ctx) {
    let k = |c| key(cx, Mode::Close, c);
    let title = format!(
        "Close the incident · {} ask · {} object · {} withdraw · {} close · Esc",
        k(Command::RequestClose),
        k(Command::ObjectToClose),
        k(Command::WithdrawObjection),
        k(Command::ConfirmClose)
    );
    let inner = frame(area, buf, cx, &title, 84, 16);
    let Some(c) = &cx.model.current else { return };
    let t = cx.theme;
    let r = c.incident.close_readiness(&c.playbook, cx.now);
    let mut lines = vec![
        Line::from(Span::styled(format!("\"{}\"", r.question), t.title())),
        Line::raw(""),
    ];
    match &r.requested {
        Some(req) => lines.push(Line::raw(format!(
            "asked by {} {} ago",
            safe(&req.value),
            human_minutes(cx.now - req.at)
        ))),
        None => lines.push(Line::from(Span::styled(
            format!(
                "not asked yet: {} asks the room (and the chat, when configured)",
                k(Command::RequestClose)
            ),
            t.dim(),
        ))),
    }
    let standing: Vec<_> = r.objections.iter().filter(|o| !o.withdrawn).collect();
    if standing.is_empty() {
        if r.requested.is_some() {
            lines.push(Line::from(Span::styled("no objection stands", t.ok())));
        }
    } else {
        for o in standing {
            lines.push(Line::from(vec![
                Span::styled("objection ", t.danger()),
                Span::raw(format!("by {}: {}", safe(&o.by), safe(&o.reason))),
            ]));
        }
    }
    if let Some(w) = r.watch_remaining {
        lines.push(Line::from(Span::styled(
            format!(
                "watching the service {} more (001: {} after resolution)",
                human_minutes(w),
                // Issue 13: the playbook's watch, not a fixed 15 minutes.
                c.playbook
                    .clocks
                    .resolved_watch
                    .map(crate::domain::playbook::format_duration)
                    .unwrap_or_default()
            ),
            t.warn(),
        )));
    }
    for (list, open) in &r.open_checklists {
        lines.push(Line::from(Span::styled(
            format!(
                "checklist {} still open: {}",
                safe(list),
                safe(&open.join("; "))
            ),
            t.warn(),
        )));
    }
    // 000: "Document every outstanding action item" (issue 12): a warning,
    // not a refusal; each one is marked done, failed or reverted in the queue.
    let outstanding = c.incident.outstanding_actions();
    if !outstanding.is_empty() && c.incident.closed_at.is_none() {
        let list: Vec<String> = outstanding
            .iter()
            .map(|a| {
                format!(
                    "#{} {} ({})",
                    a.number,
                    safe(&a.proposal.what),
                    a.status.name()
                )
            })
            .collect();
        lines.push(Line::from(vec![
            Span::styled(
                format!(
                    "{} action(s) never marked done, failed or reverted: ",
                    list.len()
                ),
                t.warn(),
            ),
            Span::raw(list.join("; ")),
        ]));
    }
    lines.push(Line::raw(""));
    // Once closed, "not yet: must be resolved (it is closed)" would read as a refusal.
    match (&r.refusal, c.incident.closed_at) {
        (_, Some(at)) => lines.push(Line::from(Span::styled(
            format!("closed {} ago: Esc leaves", human_minutes(cx.now - at)),
            t.ok(),
        ))),
        (Some(why), None) => lines.push(Line::from(vec![
            Span::styled("not yet: ", t.danger()),
            Span::raw(safe(why)),
        ])),
        (None, None) => lines.push(Line::from(Span::styled(
            format!("ready: {} closes the incident", k(Command::ConfirmClose)),
            t.ok(),
        ))),
    }
    Paragraph::new(lines)
        .wrap(Wrap { trim: true })
        .render(inner, buf);
}

pub fn checklists(area: Rect, buf: &mut Buffer, cx: &Ctx, checklist: usize, step: usize) {
    let title = format!(
        "Checklists · ←/→ list · j/k step · Enter ticks · {} ticks with a note · {} unticks · Esc",
        key(cx, Mode::Checklists, Command::TickWithNote),
        key(cx, Mode::Checklists, Command::Untick)
    );
    let inner = frame(area, buf, cx, &title, 100, area.height.saturating_sub(4));
    let Some(c) = &cx.model.current else { return };
    let t = cx.theme;
    let lists = c.incident.checklists(&c.playbook);
    if lists.is_empty() {
        Paragraph::new(Span::styled("this playbook has no checklists", t.dim())).render(inner, buf);
        return;
    }
    let ci = checklist.min(lists.len() - 1);
    let [tabs, body] = Layout::vertical([Constraint::Length(1), Constraint::Fill(1)]).areas(inner);
    let labels: Vec<String> = lists
        .iter()
        .map(|l| format!(" {} {}/{} ", l.title, l.done, l.total))
        .collect();
    // Issue 12: the strip scrolls so the selected list is always in view
    // (at 80 columns the later tabs used to be cut off), marked ‹ when
    // lists are hidden to the left.
    let room = tabs.width as usize;
    let mut first = 0;
    while first < ci && labels[first..=ci].iter().map(|l| columns(l)).sum::<usize>() + 1 > room {
        first += 1;
    }
    let mut spans = Vec::new();
    if first > 0 {
        spans.push(Span::styled("‹", t.dim()));
    }
    for (i, (l, label)) in lists.iter().zip(labels).enumerate().skip(first) {
        let style = if i == ci {
            t.selected()
        } else if l.relevant && !l.is_complete() {
            t.warn()
        } else {
            t.dim()
        };
        spans.push(Span::styled(label, style));
    }
    Paragraph::new(Line::from(spans)).render(tabs, buf);
    let list = &lists[ci];
    let width = body.width as usize;
    let mut lines = vec![Line::from(Span::styled(
        format!(
            "{} · for {} · {}",
            list.source,
            list.who,
            if list.blocks_close {
                "must be complete to close"
            } else {
                "a guide"
            }
        ),
        t.dim(),
    ))];
    for (i, s) in list.steps.iter().enumerate() {
        let (mark, style) = match &s.status {
            StepStatus::Open => ("[ ]", t.base()),
            StepStatus::Ticked(_) => ("[x]", t.ok()),
            StepStatus::Recorded { .. } => ("[x]", t.ok()),
            StepStatus::NotApplicable { .. } => (" - ", t.dim()),
        };
        let mut text = format!("{mark} {:>2}. {}", s.number, s.step.text);
        if let StepStatus::Recorded { what } = &s.status {
            text.push_str(&format!("  ({what})"));
        }
        let line = Line::from(Span::styled(fit(&text, width), style));
        lines.push(if i == step {
            line.style(t.selected())
        } else {
            line
        });
        if i == step {
            for extra in [s.hint.as_deref(), s.how.as_deref().map(|h| h.trim())]
                .into_iter()
                .flatten()
            {
                lines.push(Line::from(Span::styled(
                    fit(&format!("       {extra}"), width),
                    t.dim(),
                )));
            }
        }
    }
    let skip = (step + 2).saturating_sub(body.height as usize);
    Paragraph::new(lines.into_iter().skip(skip).collect::<Vec<_>>()).render(body, buf);
}

/// The sync overlay: what still needs delivering, with each row's state and
/// the endpoint's own error (already redacted of secrets).
pub fn sync(
    area: Rect,
    buf: &mut Buffer,
    cx: &Ctx,
    rows: &[crate::sync::OutboxRow],
    selected: usize,
) {
    let title = format!(
        "Sync · j/k move · {} retries a parked row · {} drops it · Esc",
        key(cx, Mode::Sync, Command::RetryRow),
        key(cx, Mode::Sync, Command::DropRow)
    );
    let inner = frame(area, buf, cx, &title, 110, area.height.saturating_sub(4));
    let t = cx.theme;
    let mut lines = Vec::new();
    if let Some(h) = &cx.model.sync {
        lines.push(Line::from(Span::styled(h.label(cx.now), t.title())));
        for p in &h.problems {
            lines.push(Line::from(Span::styled(
                fit(&safe(p), inner.width as usize),
                t.danger(),
            )));
        }
        // Chat read-back, like delivery (#19).
        for r in &h.reading {
            let style = match r.state {
                crate::sync::health::ReadState::Reconnecting => t.danger(),
                crate::sync::health::ReadState::Live => t.ok(),
                _ => t.base(),
            };
            lines.push(Line::from(Span::styled(
                fit(&safe(&r.line(cx.now)), inner.width as usize),
                style,
            )));
        }
    }
    if rows.is_empty() {
        lines.push(Line::from(Span::styled(
            "nothing waiting: every message was delivered",
            t.ok(),
        )));
    }
    let width = inner.width as usize;
    for (i, r) in rows.iter().enumerate() {
        let style = match r.state {
            crate::sync::RowState::Parked => t.danger(),
            _ if r.last_error.is_some() => t.warn(),
            _ => t.base(),
        };
        let head = format!(
            "{:>5} {:<8} {:<12} {:<16} {:<7} tries {}",
            r.id,
            r.state.name(),
            fit(&safe(&r.endpoint), 12),
            fit(&r.kind, 16),
            r.what,
            r.attempts
        );
        let line = Line::from(Span::styled(fit(&head, width), style));
        lines.push(if i == selected {
            line.style(t.selected())
        } else {
            line
        });
        if let Some(e) = &r.last_error {
            lines.push(Line::from(Span::styled(
                fit(&format!("        {}", safe(e)), width),
                t.dim(),
            )));
        }
    }
    Paragraph::new(lines).render(inner, buf);
}

/// The key bound to `cmd` in an overlay's table ("?" when a user's keymap unbound it).
fn key(cx: &Ctx, mode: Mode, cmd: Command) -> String {
    cx.model
        .keymap
        .key_for(mode, cmd)
        .unwrap_or_else(|| "?".into())
}
