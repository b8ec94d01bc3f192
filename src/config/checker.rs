//! Errors of a `[[endpoint]]` table with their line: a leaf the endpoint
//! and mail checkers share.

use std::path::Path;

use super::error::ConfigError;

pub(super) struct Checker<'a> {
    pub(super) path: &'a Path,
    pub(super) text: &'a str,
}

impl Checker<'_> {
    pub(super) fn line(&self, span: std::ops::Range<usize>) -> usize {
        self.text[..span.start.min(self.text.len())]
            .matches('\n')
            .count()
            + 1
    }

    pub(super) fn err(
        &self,
        span: std::ops::Range<usize>,
        key: &str,
        message: String,
    ) -> ConfigError {
        ConfigError::Invalid {
            path: self.path.into(),
            line: Some(self.line(span)),
            key: format!("endpoint.{key}"),
            message,
        }
    }
}
