//! What `cockpit doctor` asks of an open journal. Everything is read through
//! the journal's own SQLite connection: opening the file with std::fs while
//! a connection is held would drop this process's POSIX locks on it.

use super::error::JournalError;
use super::schema::latest_version;
use super::store::{Journal, sql};

/// The journal's state as SQLite sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Health {
    /// `PRAGMA user_version`, and the version this build writes.
    pub schema: i64,
    pub latest_schema: i64,
    /// Main database file size: page_count x page_size.
    pub bytes: i64,
    /// `wal` when it is set up as the journal needs.
    pub journal_mode: String,
    pub events: i64,
    pub incidents: i64,
    /// `PRAGMA integrity_check`'s complaints; empty when it says "ok".
    pub integrity: Vec<String>,
}

impl Journal {
    /// Schema, size, mode, counts and `PRAGMA integrity_check` (which reads
    /// every page: a large journal takes a moment).
    pub fn health(&self) -> Result<Health, JournalError> {
        let path = self.path();
        let conn = self.conn();
        let one = |q: &str| -> Result<i64, JournalError> {
            conn.query_row(q, [], |r| r.get(0))
                .map_err(|e| sql(path, e))
        };
        let schema = one("SELECT user_version FROM pragma_user_version")?;
        let bytes = one("SELECT page_count * page_size FROM pragma_page_count, pragma_page_size")?;
        let events = one("SELECT count(*) FROM events")?;
        let incidents = one("SELECT count(*) FROM incidents")?;
        let journal_mode: String = conn
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .map_err(|e| sql(path, e))?;
        // https://www.sqlite.org/pragma.html#pragma_integrity_check: one row
        // "ok", or up to 100 rows describing problems.
        let mut stmt = conn
            .prepare("PRAGMA integrity_check")
            .map_err(|e| sql(path, e))?;
        let rows: Vec<String> = stmt
            .query_map([], |r| r.get::<_, String>(0))
            .map_err(|e| sql(path, e))?
            .collect::<Result<_, _>>()
            .map_err(|e| sql(path, e))?;
        let integrity = if rows == ["ok"] { Vec::new() } else { rows };
        Ok(Health {
            schema,
            latest_schema: latest_version(),
            bytes,
            journal_mode: journal_mode.to_ascii_lowercase(),
            events,
            incidents,
            integrity,
        })
    }
}
