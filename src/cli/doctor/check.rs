//! One line of `cockpit doctor`'s report: a leaf the checks share.

use serde::Serialize;

use crate::domain::sanitize::clean_line;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    Ok,
    /// Worth knowing; nothing to fix.
    Info,
    /// Something will not work, but incidents can be run.
    Warn,
    /// An incident cannot be run until this is fixed.
    Fail,
}

impl Level {
    pub(super) fn word(self) -> &'static str {
        match self {
            Level::Ok => "ok",
            Level::Info => "info",
            Level::Warn => "WARN",
            Level::Fail => "FAIL",
        }
    }
}

/// One line of the report.
#[derive(Debug, Clone, Serialize)]
pub struct Check {
    pub area: &'static str,
    pub level: Level,
    /// What was found.
    pub found: String,
    /// What to do, when there is something to do.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub todo: String,
}

impl Check {
    pub fn new(area: &'static str, level: Level, found: impl Into<String>) -> Self {
        Self {
            area,
            level,
            found: found.into(),
            todo: String::new(),
        }
    }

    pub fn todo(mut self, todo: impl Into<String>) -> Self {
        self.todo = todo.into();
        self
    }

    /// One line, cleaned: paths and endpoint answers come from outside.
    pub(super) fn line(&self) -> String {
        let mut s = format!("{:<4}  {:<9} {}", self.level.word(), self.area, self.found);
        if !self.todo.is_empty() {
            s.push_str(" -> ");
            s.push_str(&self.todo);
        }
        clean_line(&s)
    }
}
