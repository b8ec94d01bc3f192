//! `ConfigError`: what is wrong with a configuration, naming the file, the
//! line and the key. A leaf: the config file, its endpoints and the playbook
//! loader all return it without importing one another for it.

use std::path::PathBuf;

use crate::domain::playbook::PlaybookError;

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read {}: {detail}", .path.display())]
    Read { path: PathBuf, detail: String },
    #[error("{}:{}: {key}: {message}", .path.display(), .line.map(|l| l.to_string()).unwrap_or_else(|| "?".into()))]
    Invalid {
        path: PathBuf,
        line: Option<usize>,
        key: String,
        message: String,
    },
    #[error(transparent)]
    Playbook(#[from] PlaybookError),
    #[error(
        "unknown time zone `{0}` in the configuration; use an IANA name like \"Europe/London\""
    )]
    TimeZone(String),
}
