//! The banner: one line under the header while any clock is due or overdue,
//! until it is satisfied, acknowledged or snoozed (each of those an event).

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget};

use super::context::Ctx;
use super::text::fit;
use crate::app::keymap::{Command, Mode};
use crate::domain::clocks::ClockState;

pub fn render(area: Rect, buf: &mut Buffer, cx: &Ctx) {
    let t = cx.theme;
    let m = cx.model;
    let k = |c| m.keymap.key_for(Mode::Normal, c).unwrap_or_default();
    // Issue 12: the named person is told, in their cockpit, what one key does.
    // A clock due goes first, unless command is being handed to me.
    let waiting = m
        .waiting_for_me()
        .filter(|(_, from)| !from.is_empty() || m.alarms().next().is_none());
    if let Some((role, from)) = waiting {
        let name = m
            .current
            .as_ref()
            .and_then(|c| c.playbook.role(&role))
            .map(|r| r.name.clone())
            .unwrap_or(role);
        let y = k(Command::AcceptHandoff);
        let text = if from.is_empty() {
            format!(" ▶ You were assigned {name}: press {y} to engage")
        } else {
            format!(
                " ▶ {} hands you {name}: press {y} to take command (\"I have command\")",
                super::text::safe(&from)
            )
        };
        let line = Line::from(Span::styled(
            format!(
                "{:<w$}",
                fit(&text, area.width as usize),
                w = area.width as usize
            ),
            t.alarm(),
        ));
        Paragraph::new(line).render(area, buf);
        return;
    }
    let alarms: Vec<_> = m.alarms().collect();
    let Some(first) = alarms.first() else { return };
    let what = |c: &&crate::domain::clocks::ClockStatus| {
        let state = if c.state == ClockState::Overdue {
            "OVERDUE"
        } else {
            "due"
        };
        format!("{} {state}", c.name)
    };
    let mut text = format!(" ⚠ {}: {}", what(first), first.task);
    if alarms.len() > 1 {
        text.push_str(&format!(
            "  (+{}: {})",
            alarms.len() - 1,
            alarms[1..].iter().map(what).collect::<Vec<_>>().join(", ")
        ));
    }
    let hints = format!(
        " {} ack · {} snooze 5m ",
        k(Command::AckClock),
        k(Command::SnoozeClock)
    );
    let room = (area.width as usize).saturating_sub(hints.chars().count());
    let line = Line::from(vec![
        Span::styled(format!("{:<room$}", fit(&text, room)), t.alarm()),
        Span::styled(hints, t.alarm()),
    ]);
    Paragraph::new(line).render(area, buf);
}
