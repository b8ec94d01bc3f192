//! What every pane reads from. A leaf: the panes and overlays name it
//! without importing `ui/mod.rs`, which imports them.

use chrono::{DateTime, Utc};

use super::theme::Theme;
use crate::app::model::Model;

/// What every pane reads from.
pub struct Ctx<'a> {
    pub model: &'a Model,
    pub theme: Theme,
    pub now: DateTime<Utc>,
}
