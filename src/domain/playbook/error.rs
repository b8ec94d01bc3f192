//! A playbook that could not be used: file, line and key of the mistake.

use std::fmt;

use crate::domain::sanitize::clean_line;

/// A playbook that could not be used, with where the mistake is.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct PlaybookError {
    pub file: String,
    pub line: Option<usize>,
    pub key: String,
    pub message: String,
}

impl fmt::Display for PlaybookError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Cleaned: the key and message may quote the file's raw text (issue 10).
        let (file, key, message) = (
            clean_line(&self.file),
            clean_line(&self.key),
            clean_line(&self.message),
        );
        match self.line {
            Some(l) => write!(f, "{file}:{l}: {key}: {message}"),
            None => write!(f, "{file}: {key}: {message}"),
        }
    }
}

pub(super) fn toml_error(file: &str, text: &str, e: &toml::de::Error) -> PlaybookError {
    let (line, key) = match e.span() {
        Some(span) => {
            let start = span.start.min(text.len());
            let line = text[..start].matches('\n').count() + 1;
            // The key is what stands before `=` on that line, whether the span
            // points at the key (unknown field) or at its value (bad value).
            let line_text = text.lines().nth(line - 1).unwrap_or("").trim();
            let key = if line_text.starts_with('[') {
                line_text.trim_matches(|c| c == '[' || c == ']').trim()
            } else {
                line_text.split('=').next().unwrap_or("").trim()
            };
            (Some(line), key.to_string())
        }
        None => (None, String::new()),
    };
    PlaybookError {
        file: file.into(),
        line,
        key: if key.is_empty() {
            "document".into()
        } else {
            key
        },
        message: e.message().trim().to_string(),
    }
}
