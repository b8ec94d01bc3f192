//! The check-in loop pane: a large countdown to the next check-in (001: a
//! 15-20 minute loop), the iteration, the trend over check-ins, the last
//! check-in's summary, then the other clocks.

use chrono::{DateTime, Duration, Utc};
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Widget, Wrap};
use tui_big_text::{BigText, PixelSize};

use super::Ctx;
use super::text::safe;
use crate::app::model::Pane;
use crate::domain::event::Trend;
use crate::domain::playbook::Phase;
use crate::domain::{Incident, Playbook};

/// Where the loop stands now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoopState {
    /// Too soon for the next check-in (001: not more often than every 15 min).
    Running {
        remaining: Duration,
    },
    /// Inside the 15-20 minute window.
    Window {
        remaining: Duration,
    },
    Overdue {
        by: Duration,
    },
    Stopped,
}

pub fn loop_state(inc: &Incident, pb: &Playbook, now: DateTime<Utc>) -> LoopState {
    let (Some(min), Some(max)) = (pb.clocks.checkin_min, pb.clocks.checkin_max) else {
        return LoopState::Stopped;
    };
    if inc.phase(pb) != Phase::Active {
        return LoopState::Stopped;
    }
    let last = inc.checkins.last().map(|c| c.at).unwrap_or(inc.declared_at);
    let due = last + max;
    if now > due {
        LoopState::Overdue { by: now - due }
    } else if now >= last + min {
        LoopState::Window {
            remaining: due - now,
        }
    } else {
        LoopState::Running {
            remaining: due - now,
        }
    }
}

fn mmss(d: Duration) -> String {
    let s = d.num_seconds().max(0);
    if s >= 3600 {
        format!("{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)
    } else {
        format!("{:02}:{:02}", s / 60, s % 60)
    }
}

pub fn trend_mark(t: Option<Trend>) -> &'static str {
    match t {
        Some(Trend::Better) => "↑",
        Some(Trend::Same) => "→",
        Some(Trend::Worse) => "↓",
        None => "·",
    }
}

pub fn render(area: Rect, buf: &mut Buffer, cx: &Ctx) {
    let t = cx.theme;
    let focused = cx.model.focus == Pane::Loop;
    let Some(c) = &cx.model.current else {
        Block::bordered()
            .title(" Check-in loop ")
            .border_style(t.border(focused))
            .render(area, buf);
        return;
    };
    let (inc, pb) = (&c.incident, &c.playbook);
    let iteration = inc.checkins.len() + 1;
    let key = cx
        .model
        .keymap
        .key_for(
            crate::app::keymap::Mode::Normal,
            crate::app::keymap::Command::CheckIn,
        )
        .unwrap_or_default();
    let block = Block::bordered()
        .title(format!(" Check-in loop · #{iteration} "))
        .title_bottom(
            Line::from(Span::styled(format!(" {key} holds a check-in "), t.dim())).right_aligned(),
        )
        .border_style(t.border(focused));
    let inner = block.inner(area);
    block.render(area, buf);
    let state = loop_state(inc, pb, cx.now);
    let (label, digits, style): (String, String, Style) = match state {
        LoopState::Running { remaining } => ("next check-in in".into(), mmss(remaining), t.ok()),
        LoopState::Window { remaining } => (
            "check-in window open, due in".into(),
            mmss(remaining),
            t.warn(),
        ),
        LoopState::Overdue { by } => ("CHECK-IN OVERDUE by".into(), mmss(by), t.alarm()),
        LoopState::Stopped => (
            "loop stopped:".into(),
            pb.state(&inc.state)
                .map(|s| s.label.clone())
                .unwrap_or_default(),
            t.dim(),
        ),
    };
    let big = inner.height >= 8 && inner.width >= 24 && !matches!(state, LoopState::Stopped);
    let digits_h = if big { 4 } else { 1 };
    let [label_area, digits_area, rest] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(digits_h),
        Constraint::Fill(1),
    ])
    .areas(inner);
    Paragraph::new(Line::from(Span::styled(label, style))).render(label_area, buf);
    if big {
        BigText::builder()
            .pixel_size(PixelSize::Quadrant)
            .style(style)
            .lines(vec![Line::from(digits)])
            .build()
            .render(digits_area, buf);
    } else {
        Paragraph::new(Line::from(Span::styled(format!(" {digits}"), style)))
            .render(digits_area, buf);
    }
    let mut lines = Vec::new();
    if !inc.checkins.is_empty() {
        let trend: String = inc
            .checkins
            .iter()
            .rev()
            .take(12)
            .rev()
            .map(|c| trend_mark(c.checkin.trend))
            .collect::<Vec<_>>()
            .join(" ");
        lines.push(Line::from(vec![
            Span::styled("trend ", t.dim()),
            Span::raw(trend),
        ]));
    }
    match inc.checkins.last() {
        Some(last) => {
            let ago = crate::domain::time::human_duration(cx.now - last.at);
            lines.push(Line::from(vec![
                Span::styled(format!("last ({ago} ago, {}): ", safe(&last.by)), t.dim()),
                Span::raw(safe(&last.checkin.status)),
            ]));
            if !last.checkin.next.is_empty() {
                lines.push(Line::from(vec![
                    Span::styled("next: ", t.dim()),
                    Span::raw(safe(&last.checkin.next)),
                ]));
            }
        }
        None => lines.push(Line::from(Span::styled(
            "no check-in yet: the first is due 20 min after declaring",
            t.dim(),
        ))),
    }
    Paragraph::new(lines)
        .wrap(Wrap { trim: true })
        .render(rest, buf);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn countdown_format() {
        assert_eq!(mmss(Duration::seconds(75)), "01:15");
        assert_eq!(mmss(Duration::seconds(3725)), "1:02:05");
        assert_eq!(mmss(Duration::seconds(-5)), "00:00");
    }
}
