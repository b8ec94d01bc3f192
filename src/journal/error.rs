use std::path::PathBuf;

use crate::domain::RuleError;

/// Everything that can go wrong with the journal file. Every variant that
/// refuses a file says so: a refused file is never written.
#[derive(Debug, thiserror::Error)]
pub enum JournalError {
    #[error("{} is not a cockpit journal (not an SQLite database); it was left untouched", .path.display())]
    NotAJournal { path: PathBuf },
    #[error("{} is an SQLite database of another program; it was left untouched", .path.display())]
    ForeignDatabase { path: PathBuf },
    #[error("{} has journal schema v{found}, newer than this cockpit understands (v{supported}); upgrade cockpit. The file was left untouched", .path.display())]
    NewerSchema {
        path: PathBuf,
        found: i64,
        supported: i64,
    },
    #[error("{} is corrupt ({detail}); it was left untouched", .path.display())]
    Corrupt { path: PathBuf, detail: String },
    #[error("directory {} does not exist", .dir.display())]
    MissingDirectory { dir: PathBuf },
    #[error("cannot write the journal in {}: {detail}", .dir.display())]
    NotWritable { dir: PathBuf, detail: String },
    #[error("{} is a directory, not a journal file", .path.display())]
    IsDirectory { path: PathBuf },
    #[error("incident {incident} uses playbook `{playbook}`, which is not installed")]
    UnknownPlaybook { incident: String, playbook: String },
    #[error("no incident matches `{0}`")]
    NoSuchIncident(String),
    #[error("`{given}` matches several incidents: {matches}")]
    AmbiguousIncident { given: String, matches: String },
    #[error("nothing to search for in `{0}`: give a word with a letter or digit")]
    EmptySearch(String),
    #[error(
        "cannot search for `{query}` ({detail}); without --raw every word is searched as plain text"
    )]
    SearchQuery { query: String, detail: String },
    #[error(transparent)]
    Rule(#[from] RuleError),
    #[error("the disk holding {} is full: nothing was written; free some space and try again", .path.display())]
    DiskFull { path: PathBuf },
    #[error("{} is locked by another process (waited {} s); nothing was written; try again, or find the holder with `fuser {}`", .path.display(), .waited.as_secs_f32(), .path.display())]
    Locked {
        path: PathBuf,
        waited: std::time::Duration,
    },
    #[error("{} is read-only: nothing was written", .path.display())]
    ReadOnly { path: PathBuf },
    #[error("no journal at {}: nothing has been recorded there yet (`cockpit declare` starts one)", .path.display())]
    NoJournal { path: PathBuf },
    #[error("journal {}: {row}", .path.display())]
    BadRow { path: PathBuf, row: BadRow },
    #[error("journal {}: {source}", .path.display())]
    Sqlite {
        path: PathBuf,
        source: rusqlite::Error,
    },
}

/// A value in the events table no cockpit writes (a bad time or id): the
/// row's sequence number says where, instead of a silent 1970 or nil id.
#[derive(Debug, Clone, thiserror::Error)]
#[error("event row {seq}: `{column}` is not {expected}: {value:?}")]
pub struct BadRow {
    pub seq: i64,
    pub column: &'static str,
    pub expected: &'static str,
    pub value: String,
}
