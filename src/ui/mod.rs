//! The screen: terminal setup, the event loop, and one file per pane and
//! overlay. Each pane renders from borrowed state into a `Buffer`; rendering
//! is a pure function of the model, so every pane is snapshot-tested.

mod actions;
mod banner;
mod checkin;
pub mod clipboard;
mod context;
mod drafts;
mod editor;
pub mod header;
pub mod layout;
mod overlays;
mod pickers;
mod process;
mod roster;
pub mod runner;
pub mod terminal;
pub mod text;
pub mod theme;
mod timeline;
mod widgets;

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

pub use context::Ctx;
use theme::Theme;

use crate::app::model::Model;

/// Draw the whole screen into `buf`.
pub fn render(area: Rect, buf: &mut Buffer, model: &Model, theme: Theme) {
    let cx = Ctx {
        model,
        theme,
        now: model.now,
    };
    let a = layout::areas(
        area,
        model.focus,
        model.editor.lines().len(),
        model.needs_banner(),
    );
    header::render(a.header, buf, &cx);
    if let Some(r) = a.banner {
        banner::render(r, buf, &cx);
    }
    if let Some(r) = a.roster {
        roster::render(r, buf, &cx);
    }
    if let Some(r) = a.check_in {
        checkin::render(r, buf, &cx);
    }
    if let Some(r) = a.actions {
        actions::render(r, buf, &cx);
    }
    if let Some(r) = a.timeline {
        timeline::render(r, buf, &cx);
    }
    editor::render(a.editor, buf, &cx);
    editor::render_status(a.status, buf, &cx);
    overlays::render(area, buf, &cx);
}
