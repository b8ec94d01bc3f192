//! The outbox table, as the sync worker and the sync pane see it: claim rows
//! to deliver, record how each attempt ended, count health, list rows, retry
//! or drop a parked one. Its own connection (never the UI's).
//!
//! Claims: a worker takes the first pending rows of an endpoint in one
//! `BEGIN IMMEDIATE` transaction, writing its name and a lease. Another
//! cockpit on the same journal skips an endpoint whose first row is claimed
//! by someone alive, so no row is sent by two cockpits at once and rows of one
//! endpoint go out in order. A claim by a dead process on this host (kill -9)
//! is taken over at once; any other claim when its lease runs out.

use chrono::{DateTime, TimeZone, Utc};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};
use serde::Serialize;
use std::path::PathBuf;

use super::health::SyncHealth;
use crate::domain::{Event, EventId, EventKind, IncidentId};
use crate::journal::{Journal, JournalError};

#[derive(Debug, thiserror::Error)]
pub enum OutboxError {
    #[error(transparent)]
    Journal(#[from] JournalError),
    #[error("journal {}: outbox: {source}", .path.display())]
    Sqlite {
        path: PathBuf,
        source: rusqlite::Error,
    },
    #[error("no outbox row {0}")]
    NoSuchRow(i64),
    #[error("outbox row {id} is {state}; only a parked row can be {verb}")]
    NotParked {
        id: i64,
        state: &'static str,
        verb: &'static str,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RowState {
    Pending,
    Done,
    Parked,
    Dropped,
}

impl RowState {
    pub fn name(self) -> &'static str {
        match self {
            RowState::Pending => "pending",
            RowState::Done => "done",
            RowState::Parked => "parked",
            RowState::Dropped => "dropped",
        }
    }

    fn parse(s: &str) -> Self {
        match s {
            "done" => RowState::Done,
            "parked" => RowState::Parked,
            "dropped" => RowState::Dropped,
            _ => RowState::Pending,
        }
    }
}

/// One outbox row: one request to one endpoint because of one event.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OutboxRow {
    pub id: i64,
    pub endpoint: String,
    pub event_id: EventId,
    pub event_seq: i64,
    pub incident: IncidentId,
    /// The event's kind, e.g. `declared`.
    pub kind: String,
    /// Which of the event's requests to this endpoint (0, 1, ...).
    pub part: i64,
    /// "post", "topic", "trigger", ...
    pub what: String,
    #[serde(skip)]
    pub payload: String,
    pub state: RowState,
    pub attempts: i64,
    pub created: DateTime<Utc>,
    /// Not before this time (after a failure).
    pub next_attempt: Option<DateTime<Utc>>,
    pub claimed_by: Option<String>,
    pub last_error: Option<String>,
    pub done_at: Option<DateTime<Utc>>,
    /// The endpoint's id for what it received (Matrix event id, Slack ts).
    pub remote_id: Option<String>,
}

/// Which rows to list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RowFilter {
    /// Pending and parked: what still needs something.
    #[default]
    Open,
    /// Every row, newest first.
    All,
}

const ROW_COLUMNS: &str = "id, endpoint, event_id, event_seq, incident, kind, part, what, payload, state, attempts, created_ms, next_ms, claimed_by, last_error, done_ms, remote_id";

fn ms_time(ms: i64) -> DateTime<Utc> {
    Utc.timestamp_millis_opt(ms)
        .single()
        .unwrap_or(DateTime::<Utc>::UNIX_EPOCH)
}

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<OutboxRow> {
    let next_ms: i64 = r.get(12)?;
    Ok(OutboxRow {
        id: r.get(0)?,
        endpoint: r.get(1)?,
        event_id: EventId::parse(&r.get::<_, String>(2)?).unwrap_or_default(),
        event_seq: r.get(3)?,
        incident: IncidentId::parse(&r.get::<_, String>(4)?).unwrap_or_default(),
        kind: r.get(5)?,
        part: r.get(6)?,
        what: r.get(7)?,
        payload: r.get(8)?,
        state: RowState::parse(&r.get::<_, String>(9)?),
        attempts: r.get(10)?,
        created: ms_time(r.get(11)?),
        next_attempt: (next_ms > 0).then(|| ms_time(next_ms)),
        claimed_by: r.get(13)?,
        last_error: r.get(14)?,
        done_at: r.get::<_, Option<i64>>(15)?.map(ms_time),
        remote_id: r.get(16)?,
    })
}

/// Who claims rows: "host:pid:nonce". The pid lets a cockpit on the same
/// host take over at once from one that was killed.
pub fn claimant_name() -> String {
    format!(
        "{}:{}:{:08x}",
        this_host(),
        std::process::id(),
        rand::random::<u32>()
    )
}

fn this_host() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|h| h.trim().to_string())
        .ok()
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "localhost".into())
}

fn pid_alive(pid: u32) -> bool {
    if cfg!(target_os = "linux") {
        std::path::Path::new(&format!("/proc/{pid}")).exists()
    } else {
        true // elsewhere, wait for the lease
    }
}

/// Whether a claim still holds: pure, with liveness handed in.
pub fn claim_holds(
    claimed_by: Option<&str>,
    lease_ms: i64,
    now_ms: i64,
    me: &str,
    host: &str,
    alive: impl Fn(u32) -> bool,
) -> bool {
    let Some(by) = claimed_by else { return false };
    if by == me || lease_ms <= now_ms {
        return false;
    }
    let mut parts = by.split(':');
    match (
        parts.next(),
        parts.next().and_then(|p| p.parse::<u32>().ok()),
    ) {
        (Some(h), Some(pid)) if h == host => alive(pid),
        _ => true,
    }
}

pub struct Outbox {
    conn: Connection,
    path: PathBuf,
    host: String,
}

impl Outbox {
    /// A connection of its own to `journal`'s file.
    pub fn open(journal: &Journal) -> Result<Self, OutboxError> {
        Ok(Self {
            conn: journal.side_connection()?,
            path: journal.path().to_path_buf(),
            host: this_host(),
        })
    }

    fn sql(&self, e: rusqlite::Error) -> OutboxError {
        OutboxError::Sqlite {
            path: self.path.clone(),
            source: e,
        }
    }

    /// Claim up to `max` of `endpoint`'s first pending rows that are due.
    /// Empty when its first row is not due yet or is someone else's.
    pub fn claim(
        &mut self,
        endpoint: &str,
        me: &str,
        now: DateTime<Utc>,
        lease: std::time::Duration,
        max: usize,
    ) -> Result<Vec<OutboxRow>, OutboxError> {
        self.settle_and_claim(&[], endpoint, me, now, lease, max)
    }

    /// Mark `done` delivered and claim the next rows, in one transaction:
    /// one commit per batch instead of one per row. A crash before this
    /// commit sends the rows of `done` again (at least once, never lost).
    pub fn settle_and_claim(
        &mut self,
        done: &[Delivered],
        endpoint: &str,
        me: &str,
        now: DateTime<Utc>,
        lease: std::time::Duration,
        max: usize,
    ) -> Result<Vec<OutboxRow>, OutboxError> {
        let now_ms = now.timestamp_millis();
        let lease_ms = now_ms + lease.as_millis() as i64;
        let path = self.path.clone();
        let host = self.host.clone();
        let sql = |e| OutboxError::Sqlite {
            path: path.clone(),
            source: e,
        };
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(sql)?;
        let mut claimed = Vec::new();
        {
            mark_delivered(&tx, done).map_err(sql)?;
            if max == 0 {
                tx.commit().map_err(sql)?;
                return Ok(claimed);
            }
            let mut select = tx
                .prepare_cached(&format!(
                    "SELECT {ROW_COLUMNS}, lease_ms FROM outbox WHERE endpoint = ?1 AND state = 'pending' ORDER BY id LIMIT ?2"
                ))
                .map_err(sql)?;
            let rows = select
                .query_map(params![endpoint, max as i64], |r| {
                    Ok((row(r)?, r.get::<_, i64>(17)?))
                })
                .map_err(sql)?;
            for r in rows {
                let (r, lease) = r.map_err(sql)?;
                let due = r.next_attempt.is_none_or(|t| t <= now);
                let taken =
                    claim_holds(r.claimed_by.as_deref(), lease, now_ms, me, &host, pid_alive);
                // In order: stop at the first row that cannot go now.
                if !due || taken {
                    break;
                }
                claimed.push(r);
            }
            let mut update = tx
                .prepare_cached("UPDATE outbox SET claimed_by = ?1, lease_ms = ?2 WHERE id = ?3")
                .map_err(sql)?;
            for r in &mut claimed {
                update.execute(params![me, lease_ms, r.id]).map_err(sql)?;
                r.claimed_by = Some(me.to_string());
            }
        }
        tx.commit().map_err(sql)?;
        Ok(claimed)
    }

    pub fn delivered(
        &self,
        id: i64,
        now: DateTime<Utc>,
        remote_id: Option<&str>,
    ) -> Result<(), OutboxError> {
        let d = Delivered {
            id,
            at: now,
            remote_id: remote_id.map(str::to_string),
        };
        mark_delivered(&self.conn, std::slice::from_ref(&d)).map_err(|e| self.sql(e))
    }

    /// Mark several rows delivered in one transaction.
    pub fn delivered_all(&mut self, done: &[Delivered]) -> Result<(), OutboxError> {
        if done.is_empty() {
            return Ok(());
        }
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| OutboxError::Sqlite {
                path: self.path.clone(),
                source: e,
            })?;
        let r = mark_delivered(&tx, done).and_then(|_| tx.commit());
        r.map_err(|e| self.sql(e))
    }

    /// A failed attempt: try again at `next`.
    pub fn failed(&self, id: i64, next: DateTime<Utc>, error: &str) -> Result<(), OutboxError> {
        self.conn
            .prepare_cached("UPDATE outbox SET attempts = attempts + 1, next_ms = ?2, last_error = ?3, claimed_by = NULL, lease_ms = 0 WHERE id = ?1")
            .and_then(|mut s| s.execute(params![id, next.timestamp_millis(), error]))
            .map(|_| ())
            .map_err(|e| self.sql(e))
    }

    pub fn park(&self, id: i64, error: &str) -> Result<(), OutboxError> {
        self.conn
            .prepare_cached("UPDATE outbox SET state = 'parked', attempts = attempts + 1, last_error = ?2, claimed_by = NULL, lease_ms = 0 WHERE id = ?1")
            .and_then(|mut s| s.execute(params![id, error]))
            .map(|_| ())
            .map_err(|e| self.sql(e))
    }

    /// Give back rows claimed but not attempted (after a failure, or on stop).
    pub fn release(&self, ids: &[i64], me: &str) -> Result<(), OutboxError> {
        let mut s = self
            .conn
            .prepare_cached("UPDATE outbox SET claimed_by = NULL, lease_ms = 0 WHERE id = ?1 AND claimed_by = ?2")
            .map_err(|e| self.sql(e))?;
        for id in ids {
            s.execute(params![id, me]).map_err(|e| self.sql(e))?;
        }
        Ok(())
    }

    pub fn row(&self, id: i64) -> Result<OutboxRow, OutboxError> {
        self.conn
            .query_row(
                &format!("SELECT {ROW_COLUMNS} FROM outbox WHERE id = ?1"),
                params![id],
                row,
            )
            .optional()
            .map_err(|e| self.sql(e))?
            .ok_or(OutboxError::NoSuchRow(id))
    }

    /// Rows for the sync pane, newest first, at most `limit`.
    pub fn rows(&self, filter: RowFilter, limit: usize) -> Result<Vec<OutboxRow>, OutboxError> {
        let wherec = match filter {
            RowFilter::Open => "WHERE state IN ('pending', 'parked')",
            RowFilter::All => "",
        };
        let mut s = self
            .conn
            .prepare_cached(&format!(
                "SELECT {ROW_COLUMNS} FROM outbox {wherec} ORDER BY id DESC LIMIT ?1"
            ))
            .map_err(|e| self.sql(e))?;
        let rows = s
            .query_map(params![limit as i64], row)
            .map_err(|e| self.sql(e))?;
        rows.collect::<Result<_, _>>().map_err(|e| self.sql(e))
    }

    /// Endpoints with pending rows, and how many each.
    pub fn pending_by_endpoint(&self) -> Result<Vec<(String, usize)>, OutboxError> {
        let mut s = self
            .conn
            .prepare_cached("SELECT endpoint, count(*) FROM outbox WHERE state = 'pending' GROUP BY endpoint ORDER BY endpoint")
            .map_err(|e| self.sql(e))?;
        let rows = s
            .query_map([], |r| Ok((r.get(0)?, r.get::<_, i64>(1)? as usize)))
            .map_err(|e| self.sql(e))?;
        rows.collect::<Result<_, _>>().map_err(|e| self.sql(e))
    }

    /// The earliest time a pending row of `endpoints` may be attempted.
    pub fn next_due(&self, endpoints: &[String]) -> Result<Option<DateTime<Utc>>, OutboxError> {
        let mut best: Option<i64> = None;
        let mut s = self
            .conn
            .prepare_cached("SELECT next_ms FROM outbox WHERE endpoint = ?1 AND state = 'pending' ORDER BY id LIMIT 1")
            .map_err(|e| self.sql(e))?;
        for e in endpoints {
            let n: Option<i64> = s
                .query_row(params![e], |r| r.get(0))
                .optional()
                .map_err(|e| self.sql(e))?;
            if let Some(n) = n {
                best = Some(best.map_or(n, |b| b.min(n)));
            }
        }
        Ok(best.map(ms_time))
    }

    pub fn health(&self) -> Result<SyncHealth, OutboxError> {
        let (pending, failing, parked): (i64, i64, i64) = self
            .conn
            .query_row(
                "SELECT
                    coalesce(sum(state = 'pending'), 0),
                    coalesce(sum(state = 'pending' AND last_error IS NOT NULL), 0),
                    coalesce(sum(state = 'parked'), 0)
                 FROM outbox WHERE state IN ('pending', 'parked')",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .map_err(|e| self.sql(e))?;
        let last_ms: Option<i64> = self
            .conn
            .query_row(
                "SELECT max(done_ms) FROM outbox WHERE state = 'done'",
                [],
                |r| r.get(0),
            )
            .map_err(|e| self.sql(e))?;
        let last_error: Option<String> = self
            .conn
            .query_row(
                "SELECT last_error FROM outbox WHERE state IN ('pending', 'parked') AND last_error IS NOT NULL ORDER BY id DESC LIMIT 1",
                [],
                |r| r.get(0),
            )
            .optional()
            .map_err(|e| self.sql(e))?;
        Ok(SyncHealth {
            pending: pending as usize,
            failing: failing as usize,
            parked: parked as usize,
            last_success: last_ms.map(ms_time),
            last_error,
            problems: Vec::new(),
            reading: Vec::new(),
        })
    }

    /// Put a parked row back in line, as if new (it goes out in its place).
    pub fn retry(&self, id: i64) -> Result<OutboxRow, OutboxError> {
        let r = self.row(id)?;
        if r.state != RowState::Parked {
            return Err(OutboxError::NotParked {
                id,
                state: r.state.name(),
                verb: "retried",
            });
        }
        self.conn
            .execute(
                "UPDATE outbox SET state = 'pending', attempts = 0, next_ms = 0, last_error = NULL, claimed_by = NULL, lease_ms = 0 WHERE id = ?1 AND state = 'parked'",
                params![id],
            )
            .map_err(|e| self.sql(e))?;
        self.row(id)
    }

    /// The incident `endpoint` last had a row for: where chat read from it belongs.
    pub fn last_incident(&self, endpoint: &str) -> Result<Option<IncidentId>, OutboxError> {
        let s: Option<String> = self
            .conn
            .query_row(
                "SELECT incident FROM outbox WHERE endpoint = ?1 ORDER BY id DESC LIMIT 1",
                params![endpoint],
                |r| r.get(0),
            )
            .optional()
            .map_err(|e| self.sql(e))?;
        Ok(s.and_then(|s| IncidentId::parse(&s)))
    }

    /// Every parked row's id, oldest first.
    pub fn parked_ids(&self) -> Result<Vec<i64>, OutboxError> {
        let mut s = self
            .conn
            .prepare_cached("SELECT id FROM outbox WHERE state = 'parked' ORDER BY id")
            .map_err(|e| self.sql(e))?;
        let rows = s.query_map([], |r| r.get(0)).map_err(|e| self.sql(e))?;
        rows.collect::<Result<_, _>>().map_err(|e| self.sql(e))
    }

    /// Delivered rows of `endpoint` for `incident` that got a remote id, as
    /// (payload, remote id), oldest first: where a tracker's ids are found
    /// (issue 17, `remote_refs.rs`).
    pub fn remote_ids(
        &self,
        endpoint: &str,
        incident: IncidentId,
    ) -> Result<Vec<(String, String)>, OutboxError> {
        let mut s = self
            .conn
            .prepare_cached("SELECT payload, remote_id FROM outbox WHERE endpoint = ?1 AND incident = ?2 AND state = 'done' AND remote_id IS NOT NULL ORDER BY id")
            .map_err(|e| self.sql(e))?;
        let rows = s
            .query_map(params![endpoint, incident.to_string()], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .map_err(|e| self.sql(e))?;
        rows.collect::<Result<_, _>>().map_err(|e| self.sql(e))
    }
}

/// A row the endpoint accepted, not yet recorded as done.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivered {
    pub id: i64,
    pub at: DateTime<Utc>,
    /// The endpoint's id for what it received (Matrix event id, Slack ts).
    pub remote_id: Option<String>,
}

fn mark_delivered(conn: &Connection, done: &[Delivered]) -> rusqlite::Result<()> {
    if done.is_empty() {
        return Ok(());
    }
    let mut s = conn.prepare_cached("UPDATE outbox SET state = 'done', attempts = attempts + 1, done_ms = ?2, remote_id = ?3, last_error = NULL, claimed_by = NULL, lease_ms = 0 WHERE id = ?1")?;
    for d in done {
        s.execute(params![d.id, d.at.timestamp_millis(), d.remote_id])?;
    }
    Ok(())
}

/// Drop a parked row: a `sync_dropped` event on its incident and the row
/// marked dropped, in one transaction (so the timeline never misses a drop).
pub fn drop_row(
    journal: &mut Journal,
    outbox: &Outbox,
    id: i64,
    author: &str,
    now: DateTime<Utc>,
    reason: &str,
) -> Result<Event, OutboxError> {
    let r = outbox.row(id)?;
    if r.state != RowState::Parked {
        return Err(OutboxError::NotParked {
            id,
            state: r.state.name(),
            verb: "dropped",
        });
    }
    let event = Event::new(
        r.incident,
        author,
        now,
        now,
        EventKind::SyncDropped {
            endpoint: r.endpoint.clone(),
            row: r.id,
            event: r.event_id,
            what: r.what.clone(),
            error: r.last_error.clone().unwrap_or_default(),
            reason: reason.to_string(),
        },
    );
    let dropped = journal.append_with(event, |tx| {
        let n = tx.execute(
            "UPDATE outbox SET state = 'dropped', claimed_by = NULL WHERE id = ?1 AND state = 'parked'",
            params![id],
        )?;
        if n == 1 {
            Ok(())
        } else {
            // Someone retried it meanwhile: drop nothing, record nothing.
            Err(rusqlite::Error::QueryReturnedNoRows)
        }
    });
    match dropped {
        Ok(e) => Ok(e),
        Err(JournalError::Sqlite {
            source: rusqlite::Error::QueryReturnedNoRows,
            ..
        }) => Err(OutboxError::NotParked {
            id,
            state: outbox.row(id)?.state.name(),
            verb: "dropped",
        }),
        Err(e) => Err(e.into()),
    }
}

#[cfg(test)]
#[path = "outbox_tests.rs"]
mod tests;
