//! The approval queue (001: "any new active measures need to be approved by
//! incident commander"): waiting proposals first, then approved / in progress,
//! then finished. One key approves, one rejects (asking why), and so on.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Widget};

use super::context::Ctx;
use super::text::{columns, fit, safe};
use crate::app::keymap::{Command, Mode};
use crate::app::model::Pane;
use crate::domain::incident::ActionStatus;

pub fn render(area: Rect, buf: &mut Buffer, cx: &Ctx) {
    let t = cx.theme;
    let m = cx.model;
    let focused = m.focus == Pane::Actions;
    let queue = m.queue();
    let waiting = queue.iter().filter(|a| a.status.awaits_decision()).count();
    let title = if waiting > 0 {
        format!(" Approval queue · {waiting} waiting ")
    } else {
        " Approval queue ".to_string()
    };
    let k = |c| m.keymap.key_for(Mode::Normal, c).unwrap_or_default();
    let hints = format!(
        " {} approve · {} reject · {} start · {} done · {} propose ",
        k(Command::Approve),
        k(Command::Reject),
        k(Command::StartAction),
        k(Command::DoneAction),
        k(Command::ProposeAction)
    );
    let block = Block::bordered()
        .title(Line::from(Span::styled(
            title,
            if waiting > 0 { t.warn() } else { t.title() },
        )))
        .title_bottom(Line::from(Span::styled(hints, t.dim())).right_aligned())
        .border_style(t.border(focused));
    let inner = block.inner(area);
    block.render(area, buf);
    if queue.is_empty() {
        Paragraph::new(Span::styled("no active measures proposed", t.dim())).render(inner, buf);
        return;
    }
    let height = inner.height as usize;
    let sel = m.actions_selected.min(queue.len() - 1);
    let width = inner.width as usize;
    // The selected proposal's why / risk / revert, when there is room: the IC
    // approves what is described, not a one-line title (000: "do no harm").
    let detail: Vec<Line> = {
        let a = queue[sel];
        let mut d = Vec::new();
        for (k, v) in [
            ("why", &a.proposal.why),
            ("risk", &a.proposal.risk),
            ("revert", &a.proposal.revert),
        ] {
            if !v.is_empty() {
                d.push(Line::from(vec![
                    Span::styled(format!("     {k}: "), t.dim()),
                    Span::raw(fit(&safe(v), width.saturating_sub(k.len() + 7))),
                ]));
            }
        }
        if let Some(last) = a.history.last().filter(|h| !h.reason.is_empty()) {
            d.push(Line::from(vec![
                Span::styled(
                    format!("     {} by {}: ", last.status.name(), safe(&last.by)),
                    t.dim(),
                ),
                Span::raw(safe(&last.reason)),
            ]));
        }
        // Issue 12: always shown, the other rows give way (a 3-row queue
        // at 80x24 used to drop them all).
        d.truncate(height.saturating_sub(1));
        d
    };
    let list_room = height - detail.len();
    let skip = sel.saturating_sub(list_room.saturating_sub(1));
    let mut lines: Vec<Line> = Vec::new();
    for (i, a) in queue.iter().enumerate().skip(skip).take(list_room) {
        lines.push({
            let status_style: Style = match a.status {
                ActionStatus::Proposed | ActionStatus::InfoRequested => t.warn(),
                ActionStatus::Approved | ActionStatus::Started => t.accent(),
                ActionStatus::Done => t.ok(),
                ActionStatus::Failed => t.danger(),
                ActionStatus::Rejected | ActionStatus::Reverted => t.dim(),
            };
            let head = format!("#{:<3}", a.number);
            let status = format!("{:<16}", a.status.name());
            let what = safe(&a.proposal.what);
            let by = format!(" ({})", fit(&safe(&a.proposed_by), 16));
            let room = width.saturating_sub(head.len() + status.len() + columns(&by));
            let line = Line::from(vec![
                Span::raw(head),
                Span::styled(status, status_style),
                Span::raw(fit(&what, room)),
                Span::styled(by, t.dim()),
            ]);
            if focused && i == sel {
                line.style(t.selected())
            } else {
                line
            }
        });
        if i == sel {
            lines.extend(detail.iter().cloned());
        }
    }
    Paragraph::new(lines).render(inner, buf);
}
