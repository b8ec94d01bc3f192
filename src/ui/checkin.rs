//! The check-in loop pane: a large countdown to the next check-in (001: a
//! 15-20 minute loop), the iteration, the trend over check-ins, the last
//! check-in's summary, then the other clocks.

use chrono::Duration;
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Widget};
use tui_big_text::{BigText, PixelSize};

use super::context::Ctx;
use super::text::{fit, safe};
use crate::app::model::Pane;
use crate::domain::clocks::{ClockKind, ClockState};
use crate::domain::event::Trend;

fn mmss(d: Duration) -> String {
    let s = d.num_seconds().max(0);
    if s >= 3600 {
        format!("{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)
    } else {
        format!("{:02}:{:02}", s / 60, s % 60)
    }
}

/// Time left, for the big digits. Seconds only in the last minute, where a
/// person acts on them; above it whole minutes, rounded up ("3m" means
/// within three minutes), which change once a minute: an idle screen then
/// redraws once a minute (issue 14: an IC on SSH over a phone link).
fn remaining(d: Duration) -> String {
    let s = d.num_seconds().max(0);
    if s <= 60 {
        return mmss(d);
    }
    minutes((s + 59) / 60)
}

/// Time past, for the big digits: seconds in the first minute, then whole
/// minutes.
fn past(d: Duration) -> String {
    let s = d.num_seconds().max(0);
    if s < 60 {
        return mmss(d);
    }
    minutes(s / 60)
}

fn minutes(m: i64) -> String {
    if m < 60 {
        format!("{m}m")
    } else {
        format!("{}h{:02}m", m / 60, m % 60)
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
    // Issue 12: a playbook without the loop (qpp: "000 has no check-in
    // loop") gets a clocks pane that does not claim one.
    let has_loop = pb.clocks.checkin_min.is_some() || pb.clocks.checkin_max.is_some();
    let pane_title = if has_loop {
        format!(" Check-in loop · #{iteration} ")
    } else {
        " Clocks · no check-in loop in this playbook ".to_string()
    };
    let block = Block::bordered()
        .title(pane_title)
        .title_bottom(
            Line::from(Span::styled(format!(" {key} holds a check-in "), t.dim())).right_aligned(),
        )
        .border_style(t.border(focused));
    let inner = block.inner(area);
    // Issue 12: at 80x24 the loop is one line, so the timeline keeps 8 rows.
    let strip = area.height < 3;
    if !strip {
        block.render(area, buf);
    }
    let checkin = cx
        .model
        .clocks
        .iter()
        .find(|c| c.kind == ClockKind::CheckIn);
    let (label, digits, style): (String, String, Style) = match checkin {
        Some(k) => match k.state {
            ClockState::Overdue => (
                "CHECK-IN OVERDUE by".into(),
                past(cx.now - k.overdue_at),
                t.alarm(),
            ),
            ClockState::Due => (
                "check-in due now; overdue in".into(),
                remaining(k.overdue_at - cx.now),
                t.warn(),
            ),
            ClockState::Satisfied => (
                "check-in acknowledged".into(),
                remaining(k.overdue_at - cx.now),
                t.dim(),
            ),
            _ if k.snoozed_until.is_some_and(|s| s > cx.now) => (
                "check-in snoozed; due in".into(),
                remaining(k.due_at - cx.now),
                t.dim(),
            ),
            _ => (
                "next check-in in".into(),
                remaining(k.due_at - cx.now),
                t.ok(),
            ),
        },
        None if !has_loop => (
            "no check-in loop:".into(),
            "the playbook has none".into(),
            t.dim(),
        ),
        None => (
            "loop stopped:".into(),
            pb.state(&inc.state)
                .map(|s| s.label.clone())
                .unwrap_or_default(),
            t.dim(),
        ),
    };
    if strip {
        let mark = if focused { "▶" } else { " " };
        let line = Line::from(vec![
            Span::styled(
                if has_loop {
                    format!("{mark}Check-in loop · #{iteration} · ")
                } else {
                    format!("{mark}Clocks · ")
                },
                t.title(),
            ),
            Span::styled(format!("{label} {digits}"), style),
            Span::styled(
                if has_loop {
                    format!(" · {key} holds a check-in")
                } else {
                    String::new()
                },
                t.dim(),
            ),
        ]);
        Paragraph::new(line).render(area, buf);
        return;
    }
    let stopped = checkin.is_none();
    let big = inner.height >= 9 && inner.width >= 24 && !stopped;
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
    let width = rest.width as usize;
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
            let ago = crate::domain::time::human_minutes(cx.now - last.at);
            let head = format!("last ({ago} ago): ");
            let room = width.saturating_sub(head.chars().count());
            lines.push(Line::from(vec![
                Span::styled(head, t.dim()),
                Span::raw(fit(&safe(&last.checkin.status), room)),
            ]));
            if !last.checkin.next.is_empty() {
                lines.push(Line::from(vec![
                    Span::styled("next: ", t.dim()),
                    Span::raw(fit(&safe(&last.checkin.next), width.saturating_sub(6))),
                ]));
            }
        }
        None if !stopped => lines.push(Line::from(Span::styled("no check-in yet", t.dim()))),
        None => {}
    }
    // The other clocks (DESIGN "Clocks"), most pressing first; A acks, Z snoozes.
    let focused_loop = cx.model.focus == Pane::Loop;
    for (i, k) in cx.model.clocks.iter().enumerate() {
        if k.kind == ClockKind::CheckIn && !focused_loop {
            continue;
        }
        let (when, style) = match k.state {
            ClockState::Overdue => (format!("overdue {}", short(cx.now - k.due_at)), t.alarm()),
            ClockState::Due => (format!("due {}", short(cx.now - k.due_at)), t.warn()),
            ClockState::DueSoon => (format!("in {}", short(k.due_at - cx.now)), t.warn()),
            ClockState::Quiet => (format!("in {}", short(k.due_at - cx.now)), t.base()),
            ClockState::Satisfied => ("done".to_string(), t.dim()),
        };
        let when = if k.snoozed_until.is_some_and(|s| s > cx.now) {
            format!(
                "snoozed {}",
                short(k.snoozed_until.unwrap_or(cx.now) - cx.now)
            )
        } else {
            when
        };
        let name_w = width.saturating_sub(when.chars().count() + 1);
        let line = Line::from(vec![
            Span::styled(format!("{:<name_w$}", fit(&k.name, name_w)), style),
            Span::styled(format!(" {when}"), style),
        ]);
        lines.push(if focused_loop && i == cx.model.clock_selected {
            line.style(t.selected())
        } else {
            line
        });
    }
    Paragraph::new(lines).render(rest, buf);
}

/// "3m", "1h05m", "2d": clock lists need minutes, not seconds.
fn short(d: Duration) -> String {
    let m = d.num_minutes().max(0);
    match m {
        0..60 => format!("{m}m"),
        60..1440 => format!("{}h{:02}m", m / 60, m % 60),
        _ => format!("{}d", m / 1440),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn countdown_format() {
        assert_eq!(mmss(Duration::seconds(75)), "01:15");
        assert_eq!(mmss(Duration::seconds(3725)), "1:02:05");
        assert_eq!(mmss(Duration::seconds(-5)), "00:00");
        // Seconds only in the last minute; minutes, rounded up, above it.
        assert_eq!(remaining(Duration::seconds(60)), "01:00");
        assert_eq!(remaining(Duration::seconds(59)), "00:59");
        assert_eq!(remaining(Duration::seconds(61)), "2m");
        assert_eq!(remaining(Duration::seconds(14 * 60)), "14m");
        assert_eq!(remaining(Duration::seconds(14 * 60 + 1)), "15m");
        assert_eq!(remaining(Duration::seconds(3725)), "1h03m");
        assert_eq!(past(Duration::seconds(59)), "00:59");
        assert_eq!(past(Duration::seconds(150)), "2m");
    }
}
