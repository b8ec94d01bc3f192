//! `ConfigError`: what is wrong with a configuration, naming the file, the
//! line and the key. A leaf: the config file, its endpoints and the playbook
//! loader all return it without importing one another for it.

use std::path::PathBuf;

use crate::domain::playbook::PlaybookError;
use crate::domain::sanitize::clean_line;

/// Errors quote the file's raw text and name: cleaned, so a message never
/// carries an escape sequence to a terminal (issue 10).
fn clean_path(p: &std::path::Path) -> String {
    clean_line(&p.display().to_string())
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read {}: {}", clean_path(.path), clean_line(.detail))]
    Read { path: PathBuf, detail: String },
    #[error("{}:{}: {}: {}", clean_path(.path), .line.map(|l| l.to_string()).unwrap_or_else(|| "?".into()), clean_line(.key), clean_line(.message))]
    Invalid {
        path: PathBuf,
        line: Option<usize>,
        key: String,
        message: String,
    },
    #[error(transparent)]
    Playbook(#[from] PlaybookError),
    #[error(
        "unknown time zone `{}` in the configuration; use an IANA name like \"Europe/London\"", clean_line(.0)
    )]
    TimeZone(String),
}
