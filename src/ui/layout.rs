//! Where each pane goes, as a pure function of the terminal size, so the
//! renderer and mouse clicks agree. Panes collapse on small terminals.

use ratatui::layout::{Constraint, Layout, Rect};

use crate::app::model::Pane;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Areas {
    pub header: Rect,
    /// One row under the header while a clock needs attention.
    pub banner: Option<Rect>,
    pub roster: Option<Rect>,
    pub check_in: Option<Rect>,
    pub actions: Option<Rect>,
    pub timeline: Option<Rect>,
    pub editor: Rect,
    pub status: Rect,
}

impl Areas {
    pub fn pane_at(&self, x: u16, y: u16) -> Option<Pane> {
        let hit =
            |r: Option<Rect>| r.is_some_and(|r| r.contains(ratatui::layout::Position { x, y }));
        [
            (self.roster, Pane::Roster),
            (self.check_in, Pane::Loop),
            (self.actions, Pane::Actions),
            (self.timeline, Pane::Timeline),
        ]
        .into_iter()
        .find(|(r, _)| hit(*r))
        .map(|(_, p)| p)
    }
}

pub fn areas(area: Rect, focus: Pane, editor_lines: usize, banner: bool) -> Areas {
    let editor_h = (editor_lines as u16 + 2)
        .clamp(3, 8)
        .min(area.height.saturating_sub(3).max(1));
    let header_h = if area.height >= 16 { 2 } else { 1 };
    let [header, body, editor, status] = Layout::vertical([
        Constraint::Length(header_h),
        Constraint::Fill(1),
        Constraint::Length(editor_h),
        Constraint::Length(1),
    ])
    .areas(area);
    let mut a = Areas {
        header,
        editor,
        status,
        ..Default::default()
    };
    let body = if banner && body.height > 4 {
        let [b, rest] = Layout::vertical([Constraint::Length(1), Constraint::Fill(1)]).areas(body);
        a.banner = Some(b);
        rest
    } else {
        body
    };
    if area.width >= 120 && body.height >= 24 {
        // Wide: roster | loop | queue over a full-width timeline.
        let top_h = (body.height * 2 / 5).clamp(10, 16);
        let [top, timeline] =
            Layout::vertical([Constraint::Length(top_h), Constraint::Fill(1)]).areas(body);
        let [r, l, q] = Layout::horizontal([
            Constraint::Percentage(30),
            Constraint::Percentage(28),
            Constraint::Percentage(42),
        ])
        .areas(top);
        (a.roster, a.check_in, a.actions, a.timeline) = (Some(r), Some(l), Some(q), Some(timeline));
    } else if body.height >= 23 && area.width >= 60 {
        // Medium: roster | loop, then the queue, then a timeline that keeps
        // at least 8 rows of entries (issue 12).
        let queue_h = body.height.saturating_sub(7 + 10).clamp(5, 8);
        let [top, queue, timeline] = Layout::vertical([
            Constraint::Length(7),
            Constraint::Length(queue_h),
            Constraint::Fill(1),
        ])
        .areas(body);
        let [r, l] =
            Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(top);
        (a.roster, a.check_in, a.actions, a.timeline) =
            (Some(r), Some(l), Some(queue), Some(timeline));
    } else if body.height >= 16 && area.width >= 60 {
        // 80x24 (issue 12): roster | queue (the selected proposal's why /
        // risk / revert beside the roles), the loop as one line, then a
        // timeline that keeps 8 rows of entries.
        let top_h = body.height.saturating_sub(11);
        let [top, l, timeline] = Layout::vertical([
            Constraint::Length(top_h),
            Constraint::Length(1),
            Constraint::Fill(1),
        ])
        .areas(body);
        let [r, queue] =
            Layout::horizontal([Constraint::Percentage(45), Constraint::Percentage(55)]).areas(top);
        (a.roster, a.check_in, a.actions, a.timeline) =
            (Some(r), Some(l), Some(queue), Some(timeline));
    } else {
        // Tiny: only the focused pane.
        match focus {
            Pane::Roster => a.roster = Some(body),
            Pane::Loop => a.check_in = Some(body),
            Pane::Actions => a.actions = Some(body),
            Pane::Timeline => a.timeline = Some(body),
        }
    }
    a
}

/// A centred rectangle for overlays, never larger than `area`.
pub fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let w = width.min(area.width);
    let h = height.min(area.height);
    Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height - h) / 2,
        width: w,
        height: h,
    }
}
