use chrono::{DateTime, SecondsFormat, Utc};
use rusqlite::config::DbConfig;
use rusqlite::{Connection, ErrorCode, OpenFlags, OptionalExtension, TransactionBehavior, params};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::busy::{busy_wait, retry_when_busy};
use super::catchup::fold_rest;
use super::error::{BadRow, JournalError};
use super::fold::{fold_event, parse_ts};
use super::immediate::Immediate;
use super::schema::{APPLICATION_ID, MIGRATIONS, latest_version};
use crate::domain::converge::{self, OrderKey, Stamped};
use crate::domain::playbook::PlaybookSet;
use crate::domain::{Event, EventId, EventKind, Incident, IncidentId, Playbook};

/// Bump when the fold changes meaning: older snapshots are then ignored.
/// 4: `Incident::remote` (issue 17: paging, public hold, remote ids).
/// 5: a briefing keeps the latest notes only (issue 14).
/// 6: `Incident::last_lifecycle` (issue 13: the time rule).
/// 7: `highlights` holds only `highlighted` events; tagged notes are
/// highlights by their tag (issue 14).
const FOLD_VERSION: i64 = 7;
/// A catch-up that folds more events than this leaves a snapshot behind.
const SNAPSHOT_AFTER: usize = 10_000;
/// A catch-up past this many events folds the rest on a second thread.
const PIPELINE_AFTER: usize = 20_000;

pub(super) const EVENT_COLUMNS: &str = "seq, id, incident, at, recorded_at, author, kind, body";

struct Cached {
    /// Shared with whoever asked for it (`incident_shared`: the screen), and
    /// copied on write only while they hold it: a long incident's fold is
    /// megabytes, held once (issue 14).
    incident: Arc<Incident>,
    last_seq: i64,
    /// Events from other seats: folded in `converge`'s order (issue 15).
    shared: bool,
    /// The greatest fold-order key folded (for a seat-local incident: the
    /// last event's), for lateness and the time of the next local event.
    newest: Option<OrderKey>,
}

/// Which events of an incident to read, for the timeline and the CLI.
#[derive(Debug, Clone, Default)]
pub struct TimelineQuery {
    /// Only events with a larger sequence number.
    pub after_seq: i64,
    /// At most this many, the newest ones (0: all).
    pub last: usize,
}

/// One request an endpoint must receive because of an event: what the sync
/// worker will deliver. Holds no secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxItem {
    /// The endpoint's name in the config.
    pub endpoint: String,
    /// A word for people: "post", "topic", "trigger", ...
    pub what: String,
    /// The endpoint-neutral request, as JSON.
    pub payload: String,
}

/// Decides which outbox rows an event needs. It is called inside
/// `Journal::append`'s transaction, with the incident as it is after the
/// event, so it must be pure and quick (no IO).
pub trait OutboxRouter: Send + Sync {
    fn route(&self, event: &Event, incident: &Incident, playbook: &Playbook) -> Vec<OutboxItem>;

    /// `route`, told also the seat that wrote the event and its place there
    /// (issue 15: what a shared incident's room carries). By default `route`.
    fn route_stamped(
        &self,
        stamped: &Stamped,
        incident: &Incident,
        playbook: &Playbook,
    ) -> Vec<OutboxItem> {
        self.route(&stamped.event, incident, playbook)
    }
}

pub struct Journal {
    conn: Connection,
    path: PathBuf,
    playbooks: Arc<PlaybookSet>,
    cache: HashMap<IncidentId, Cached>,
    /// `None` when no endpoint is configured: appending then costs nothing more.
    outbox: Option<Arc<dyn OutboxRouter>>,
    /// Called after a commit that wrote outbox rows: the app layer wakes its
    /// sync worker with it, so delivery need not wait for the worker's tick.
    on_outbox: Option<OutboxWake>,
    /// This journal's seat id (schema v4), the origin of its own events.
    pub(super) seat: String,
}

/// What `Journal::set_outbox_wake` takes: cheap, never blocking.
pub type OutboxWake = Arc<dyn Fn() + Send + Sync>;

impl Journal {
    /// Open (creating if absent) the journal at `path`. A file that is not a
    /// cockpit journal, is corrupt, or has a newer schema is refused untouched.
    pub fn open(path: &Path, playbooks: Arc<PlaybookSet>) -> Result<Self, JournalError> {
        let path = path.to_path_buf();
        check_file(&path)?;
        let mut conn = Connection::open_with_flags(
            &path,
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_CREATE
                | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|e| open_error(&path, e))?;
        // Waits for other processes' writes (see busy.rs for why not busy_timeout).
        conn.busy_handler(Some(busy_wait))
            .map_err(|e| sql(&path, e))?;
        // A refused file must stay as it was. If it has a WAL (another program
        // running, or one that crashed), closing our connection would
        // checkpoint that WAL into its database: not until the file is known
        // to be ours. (Without one, closing removes the empty WAL our reads
        // created, as it should.)
        let had_wal = side_file(&path, "-wal").exists();
        let no_checkpoint = |conn: &Connection, on: bool| {
            conn.set_db_config(DbConfig::SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, on)
                .map_err(|e| sql(&path, e))
        };
        if had_wal {
            no_checkpoint(&conn, true)?;
        }
        // Plans that do not change with the values bound: otherwise SQLite
        // (built with STAT4) re-prepares the catch-up query `seq > ?` on every
        // append, the largest CPU cost of a note after the fsync.
        conn.set_db_config(DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG, true)
            .map_err(|e| sql(&path, e))?;
        let up_to_date = check_identity(&conn, &path)?;
        if had_wal {
            no_checkpoint(&conn, false)?;
        }
        // Only now, with the file known to be ours (or new), do we write to it.
        retry_when_busy(|| conn.pragma_update(None, "journal_mode", "WAL"))
            .map_err(|e| open_error(&path, e))?;
        conn.pragma_update(None, "synchronous", "FULL")
            .map_err(|e| sql(&path, e))?;
        let mut journal = Self {
            conn,
            path,
            playbooks,
            cache: HashMap::new(),
            outbox: None,
            on_outbox: None,
            seat: String::new(),
        };
        // An up-to-date journal is only read on open: opening twice, or a
        // hundred CLI calls, never rewrites the file (and costs no commit).
        if !up_to_date {
            journal.migrate()?;
        }
        journal.seat = journal
            .conn
            .query_row("SELECT id FROM seat", [], |r| r.get(0))
            .map_err(|e| sql(&journal.path, e))?;
        Ok(journal)
    }

    /// For commands that only read: refuse a path with no journal yet, so
    /// they never create or initialise one. Looks only at the directory
    /// entry (`stat`), never opens the file: closing a descriptor of a file
    /// SQLite has open drops the process's locks on it.
    pub fn must_exist(path: &Path) -> Result<(), JournalError> {
        match std::fs::metadata(path) {
            Ok(m) if m.is_dir() => Err(JournalError::IsDirectory { path: path.into() }),
            // An empty file is what SQLite leaves before the first commit: no journal yet.
            Ok(m) if m.len() == 0 && !side_file(path, "-wal").exists() => {
                Err(JournalError::NoJournal { path: path.into() })
            }
            Ok(_) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                // A missing folder is named as such (a typo in the path).
                match path.parent().filter(|d| !d.as_os_str().is_empty()) {
                    Some(dir) if !dir.is_dir() => {
                        Err(JournalError::MissingDirectory { dir: dir.into() })
                    }
                    _ => Err(JournalError::NoJournal { path: path.into() }),
                }
            }
            Err(e) => Err(JournalError::NotWritable {
                dir: path.into(),
                detail: e.to_string(),
            }),
        }
    }

    /// From now on, write outbox rows for the events `router` routes.
    pub fn set_outbox(&mut self, router: Option<Arc<dyn OutboxRouter>>) {
        self.outbox = router;
    }

    /// From now on, call `wake` after each commit that wrote outbox rows.
    pub fn set_outbox_wake(&mut self, wake: Option<OutboxWake>) {
        self.on_outbox = wake;
    }

    /// A second connection to the same file, for a task that must not share
    /// this one (the sync worker). Its commits are `synchronous=NORMAL`: it
    /// only records delivery progress, which a power cut may roll back (the
    /// row is then delivered again: at-least-once) but never corrupts.
    pub fn side_connection(&self) -> Result<Connection, JournalError> {
        let path = &self.path;
        let mut conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|e| open_error(path, e))?;
        conn.busy_handler(Some(busy_wait))
            .map_err(|e| sql(path, e))?;
        conn.pragma_update(None, "synchronous", "NORMAL")
            .map_err(|e| sql(path, e))?;
        Ok(conn)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub(super) fn conn(&self) -> &Connection {
        &self.conn
    }

    pub fn playbooks(&self) -> &Arc<PlaybookSet> {
        &self.playbooks
    }

    fn migrate(&mut self) -> Result<(), JournalError> {
        let path = self.path.clone();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| open_error(&path, e))?;
        let version: i64 = tx
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .map_err(|e| sql(&path, e))?;
        if version > latest_version() {
            return Err(JournalError::NewerSchema {
                path,
                found: version,
                supported: latest_version(),
            });
        }
        for (i, migration) in MIGRATIONS.iter().enumerate().skip(version as usize) {
            tx.execute_batch(migration).map_err(|e| sql(&path, e))?;
            tx.pragma_update(None, "user_version", i as i64 + 1)
                .map_err(|e| sql(&path, e))?;
        }
        tx.pragma_update(None, "application_id", APPLICATION_ID)
            .map_err(|e| sql(&path, e))?;
        tx.commit().map_err(|e| sql(&path, e))
    }

    /// Check `event` against its incident's rules and write it durably, with
    /// the outbox rows it needs. Returns the event with its sequence number
    /// once it is committed.
    pub fn append(&mut self, event: Event) -> Result<Event, JournalError> {
        self.write(event, false, |_| Ok(()))
            .map(|e| e.expect("only append_once skips"))
    }

    /// Like `append`, but an event whose id is already in the journal is
    /// skipped (`Ok(None)`): for events read back from outside (chat), whose
    /// ids are derived from the outside id, so a second read adds nothing.
    pub fn append_once(&mut self, event: Event) -> Result<Option<Event>, JournalError> {
        self.write(event, true, |_| Ok(()))
    }

    /// Like `append`, and run `also` in the same transaction: what it writes
    /// commits with the event or not at all.
    pub fn append_with(
        &mut self,
        event: Event,
        also: impl FnOnce(&Connection) -> rusqlite::Result<()>,
    ) -> Result<Event, JournalError> {
        self.write(event, false, also)
            .map(|e| e.expect("only append_once skips"))
    }

    fn write(
        &mut self,
        mut event: Event,
        skip_known: bool,
        also: impl FnOnce(&Connection) -> rusqlite::Result<()>,
    ) -> Result<Option<Event>, JournalError> {
        let path = self.path.clone();
        let tx = Immediate::begin(&self.conn).map_err(|e| sql(&path, e))?;
        if skip_known {
            let known: Option<i64> = tx
                .query_row(
                    "SELECT seq FROM events WHERE id = ?1",
                    params![event.id.to_string()],
                    |r| r.get(0),
                )
                .optional()
                .map_err(|e| sql(&path, e))?;
            if known.is_some() {
                return Ok(None);
            }
        }
        let mut cached = match self.cache.remove(&event.incident) {
            Some(c) => c,
            None => load_cached(&tx, &path, &self.playbooks, event.incident)?,
        };
        let playbook = if cached.incident.declared {
            playbook_for(&self.playbooks, &cached.incident, None)?
        } else {
            let first = first_event(&tx, &path, event.incident)?;
            playbook_for(
                &self.playbooks,
                &cached.incident,
                Some(first.as_ref().unwrap_or(&event)),
            )?
        };
        catch_up(&tx, &path, &mut cached, &playbook, &self.seat)?;
        if cached.shared {
            event.recorded_at = converge::local_time(event.recorded_at, cached.newest.as_ref());
        }
        let checked = Arc::make_mut(&mut cached.incident).apply(&event, &playbook);
        if let Err(e) = checked {
            self.cache.insert(event.incident, cached);
            return Err(e.into());
        }
        // From here on the cache is ahead of the file until the commit: any
        // failure drops the cache entry so it is rebuilt from disk.
        let (kind, body) = event.kind.to_columns().expect("events serialise");
        let seq = {
            let mut insert = tx
                .prepare_cached("INSERT INTO events (id, incident, at, recorded_at, author, kind, body) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)")
                .map_err(|e| sql(&path, e))?;
            insert
                .execute(params![
                    event.id.to_string(),
                    event.incident.to_string(),
                    ts(event.at),
                    ts(event.recorded_at),
                    event.author,
                    kind,
                    body
                ])
                .map_err(|e| sql(&path, e))?;
            tx.last_insert_rowid()
        };
        if matches!(event.kind, EventKind::Declared { .. }) {
            tx.execute(
                "INSERT INTO incidents (id, declared_seq) VALUES (?1, ?2)",
                params![event.incident.to_string(), seq],
            )
            .map_err(|e| sql(&path, e))?;
        }
        // A private note never leaves the journal, whatever the router says.
        let private = matches!(event.kind, EventKind::Note { private: true, .. });
        let mut routed = false;
        if let Some(router) = self.outbox.as_ref().filter(|_| !private) {
            event.seq = Some(seq);
            let stamped = Stamped {
                event,
                origin: self.seat.clone(),
                origin_seq: seq,
            };
            let items = router.route_stamped(&stamped, &cached.incident, &playbook);
            event = stamped.event;
            if !items.is_empty() {
                routed = true;
                let mut insert = tx
                    .prepare_cached("INSERT INTO outbox (endpoint, event_id, event_seq, incident, kind, part, what, payload, created_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)")
                    .map_err(|e| sql(&path, e))?;
                for (i, item) in items.iter().enumerate() {
                    // Numbered per endpoint: "the event's second request to X".
                    let part = items[..i]
                        .iter()
                        .filter(|o| o.endpoint == item.endpoint)
                        .count();
                    insert
                        .execute(params![
                            item.endpoint,
                            event.id.to_string(),
                            seq,
                            event.incident.to_string(),
                            kind,
                            part as i64,
                            item.what,
                            item.payload,
                            event.recorded_at.timestamp_millis(),
                        ])
                        .map_err(|e| sql(&path, e))?;
                }
            }
        }
        also(&tx).map_err(|e| sql(&path, e))?;
        tx.commit().map_err(|e| sql(&path, e))?;
        if routed && let Some(wake) = &self.on_outbox {
            wake();
        }
        cached.last_seq = seq;
        event.seq = Some(seq);
        cached.newest = Some(OrderKey {
            recorded_at: event.recorded_at,
            origin: self.seat.clone(),
            origin_seq: seq,
            id: event.id,
        });
        self.cache.insert(event.incident, cached);
        Ok(Some(event))
    }

    /// The incident's current state, caught up with every process's writes.
    pub fn incident(&mut self, id: IncidentId) -> Result<&Incident, JournalError> {
        let path = self.path.clone();
        let (mut cached, first) = match self.cache.remove(&id) {
            Some(c) => (c, None),
            None => {
                let first = first_event(&self.conn, &path, id)?
                    .ok_or_else(|| JournalError::NoSuchIncident(id.short()))?;
                (
                    load_cached(&self.conn, &path, &self.playbooks, id)?,
                    Some(first),
                )
            }
        };
        let playbook = playbook_for(&self.playbooks, &cached.incident, first.as_ref())?;
        let folded = catch_up(&self.conn, &path, &mut cached, &playbook, &self.seat)?;
        // A shared incident is refolded from its events (a late one may land
        // anywhere in the order): no snapshot to go stale.
        if folded > SNAPSHOT_AFTER && !cached.shared {
            // Best effort: a failed snapshot costs only time on the next open.
            let _ = save_snapshot(&self.conn, &cached, &playbook);
        }
        Ok(self.cache.entry(id).or_insert(cached).incident.as_ref())
    }

    /// The greatest fold-order key folded of an incident read before.
    pub(super) fn newest_key(&self, id: IncidentId) -> Option<OrderKey> {
        self.cache.get(&id).and_then(|c| c.newest.clone())
    }

    /// Drop an incident's cached fold: the next read folds it again.
    pub(super) fn forget(&mut self, id: IncidentId) {
        self.cache.remove(&id);
    }

    /// Like `incident`, shared rather than borrowed: the caller holds the
    /// journal's own copy, which the next change to it copies first.
    pub fn incident_shared(&mut self, id: IncidentId) -> Result<Arc<Incident>, JournalError> {
        self.incident(id)?;
        Ok(self.cache[&id].incident.clone())
    }

    /// The playbook an incident runs under.
    pub fn playbook_of(&mut self, id: IncidentId) -> Result<Arc<Playbook>, JournalError> {
        let name = self.incident(id)?.playbook.clone();
        self.playbooks
            .get(&name)
            .ok_or_else(|| JournalError::UnknownPlaybook {
                incident: id.short(),
                playbook: name,
            })
    }

    /// Every incident, in the order declared.
    pub fn incident_ids(&self) -> Result<Vec<IncidentId>, JournalError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT id FROM incidents ORDER BY declared_seq")
            .map_err(|e| sql(&self.path, e))?;
        let ids = stmt
            .query_map([], |r| r.get::<_, String>(0))
            .map_err(|e| sql(&self.path, e))?
            .filter_map(|r| r.ok().and_then(|s| IncidentId::parse(&s)))
            .collect();
        Ok(ids)
    }

    /// Every incident's current state.
    pub fn incidents(&mut self) -> Result<Vec<Incident>, JournalError> {
        let mut out = Vec::new();
        for id in self.incident_ids()? {
            out.push(self.incident(id)?.clone());
        }
        Ok(out)
    }

    /// Find an incident by a unique prefix of its id.
    pub fn resolve_incident(&self, prefix: &str) -> Result<IncidentId, JournalError> {
        let ids = self.incident_ids()?;
        let hits: Vec<_> = ids
            .into_iter()
            .filter(|id| id.matches_prefix(prefix))
            .collect();
        match hits.as_slice() {
            [one] => Ok(*one),
            [] => Err(JournalError::NoSuchIncident(prefix.to_string())),
            many => Err(JournalError::AmbiguousIncident {
                given: prefix.to_string(),
                matches: many
                    .iter()
                    .map(|i| i.short())
                    .collect::<Vec<_>>()
                    .join(", "),
            }),
        }
    }

    /// Events of an incident in journal order.
    pub fn events(
        &self,
        incident: IncidentId,
        query: &TimelineQuery,
    ) -> Result<Vec<Event>, JournalError> {
        let path = &self.path;
        let mut events = if query.last > 0 {
            let sql_text = format!(
                "SELECT {EVENT_COLUMNS} FROM events WHERE incident = ?1 AND seq > ?2 ORDER BY seq DESC LIMIT ?3"
            );
            let mut stmt = self
                .conn
                .prepare_cached(&sql_text)
                .map_err(|e| sql(path, e))?;
            let rows = stmt
                .query_map(
                    params![incident.to_string(), query.after_seq, query.last as i64],
                    row_to_event,
                )
                .map_err(|e| sql(path, e))?;
            rows.collect::<Result<Vec<_>, _>>()
                .map_err(|e| sql(path, e))?
        } else {
            let sql_text = format!(
                "SELECT {EVENT_COLUMNS} FROM events WHERE incident = ?1 AND seq > ?2 ORDER BY seq"
            );
            let mut stmt = self
                .conn
                .prepare_cached(&sql_text)
                .map_err(|e| sql(path, e))?;
            let rows = stmt
                .query_map(params![incident.to_string(), query.after_seq], row_to_event)
                .map_err(|e| sql(path, e))?;
            rows.collect::<Result<Vec<_>, _>>()
                .map_err(|e| sql(path, e))?
        };
        if query.last > 0 {
            events.reverse();
        }
        Ok(events)
    }

    /// One event by id (or unique id prefix) within an incident.
    pub fn find_event(
        &self,
        incident: IncidentId,
        prefix: &str,
    ) -> Result<Option<Event>, JournalError> {
        let p: String = prefix
            .chars()
            .filter(|c| *c != '-')
            .collect::<String>()
            .to_ascii_lowercase();
        if p.is_empty() {
            return Ok(None);
        }
        let all = self.events(incident, &TimelineQuery::default())?;
        let mut hits = all.into_iter().filter(|e| e.id.matches_prefix(&p));
        Ok(match (hits.next(), hits.next()) {
            (Some(e), None) => Some(e),
            _ => None,
        })
    }

    /// Changes whenever any connection (any process) commits to the file:
    /// a cheap way to notice another process's writes.
    pub fn data_version(&self) -> Result<i64, JournalError> {
        // A cached statement: the screen's worker asks five times a second
        // while idle (issue 14: idle CPU), and preparing costs more than running.
        self.conn
            .prepare_cached("PRAGMA data_version")
            .and_then(|mut s| s.query_row([], |r| r.get(0)))
            .map_err(|e| sql(&self.path, e))
    }

    /// The highest sequence number in the journal.
    pub fn last_seq(&self) -> Result<i64, JournalError> {
        self.conn
            .query_row("SELECT COALESCE(MAX(seq), 0) FROM events", [], |r| r.get(0))
            .map_err(|e| sql(&self.path, e))
    }
}

/// `journal.sqlite-wal` and the like, next to the journal.
fn side_file(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// Refuse, before SQLite touches it, a path that cannot be a journal.
///
/// Only `stat` here, never `open`: on Linux, closing *any* descriptor of a
/// file drops every POSIX lock the process holds on it, so opening and
/// closing the journal by a path other than SQLite while a connection exists
/// (the sync worker opens a second one) leaves this process's connections
/// without their locks. The next ordinary SQLite client to open and close the
/// file then believes it is the last user and deletes `-wal` and `-shm` under
/// the running cockpit, and acknowledged notes are lost. Whether the file is
/// an SQLite database at all is SQLite's to say: its first read answers
/// `SQLITE_NOTADB` for anything else, which `open_error` reports as
/// `NotAJournal` before anything is written.
fn check_file(path: &Path) -> Result<(), JournalError> {
    if path.is_dir() {
        return Err(JournalError::IsDirectory { path: path.into() });
    }
    if path.exists() {
        return Ok(());
    }
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    if !dir.is_dir() {
        return Err(JournalError::MissingDirectory { dir });
    }
    Ok(())
}

/// Read-only checks that the file is ours and not from the future. Returns
/// whether it is a journal at the latest schema version (nothing to migrate).
fn check_identity(conn: &Connection, path: &Path) -> Result<bool, JournalError> {
    // One statement, so one consistent view: read one by one, another process
    // creating the journal could commit between the reads, and its tables
    // without its mark made it look like another program's database.
    let (app_id, version, tables): (i64, i64, i64) = conn
        .query_row(
            "SELECT (SELECT application_id FROM pragma_application_id),
                    (SELECT user_version FROM pragma_user_version),
                    (SELECT count(*) FROM sqlite_master)",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .map_err(|e| open_error(path, e))?;
    if app_id != APPLICATION_ID && (app_id != 0 || tables > 0) {
        return Err(JournalError::ForeignDatabase { path: path.into() });
    }
    if version > latest_version() {
        return Err(JournalError::NewerSchema {
            path: path.into(),
            found: version,
            supported: latest_version(),
        });
    }
    Ok(app_id == APPLICATION_ID && version == latest_version())
}

fn open_error(path: &Path, e: rusqlite::Error) -> JournalError {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
        .to_path_buf();
    match e.sqlite_error_code() {
        Some(ErrorCode::NotADatabase) => JournalError::NotAJournal { path: path.into() },
        Some(ErrorCode::DatabaseCorrupt) => JournalError::Corrupt {
            path: path.into(),
            detail: e.to_string(),
        },
        Some(ErrorCode::CannotOpen)
        | Some(ErrorCode::ReadOnly)
        | Some(ErrorCode::PermissionDenied) => JournalError::NotWritable {
            dir,
            detail: e.to_string(),
        },
        _ => sql(path, e),
    }
}

pub(super) fn sql(path: &Path, e: rusqlite::Error) -> JournalError {
    // A value no cockpit writes (see `column`): say which row, not "conversion error".
    if let rusqlite::Error::FromSqlConversionFailure(_, _, inner) = &e
        && let Some(row) = inner.downcast_ref::<BadRow>()
    {
        return JournalError::BadRow {
            path: path.into(),
            row: row.clone(),
        };
    }
    match e.sqlite_error_code() {
        Some(ErrorCode::DatabaseCorrupt) | Some(ErrorCode::NotADatabase) => JournalError::Corrupt {
            path: path.into(),
            detail: e.to_string(),
        },
        // SQLITE_FULL is what SQLite makes of ENOSPC (https://sqlite.org/rescode.html#full);
        // a write that fails in the WAL index can surface as a plain I/O error
        // instead, so an I/O error on a filesystem with no space left is one too.
        Some(ErrorCode::DiskFull) => JournalError::DiskFull { path: path.into() },
        Some(ErrorCode::SystemIoFailure) if super::space::no_space_left(path) => {
            JournalError::DiskFull { path: path.into() }
        }
        // Still busy after the busy handler gave up: another process holds the lock.
        Some(ErrorCode::DatabaseBusy) | Some(ErrorCode::DatabaseLocked) => JournalError::Locked {
            path: path.into(),
            waited: super::busy::busy_timeout(),
        },
        Some(ErrorCode::ReadOnly) => JournalError::ReadOnly { path: path.into() },
        _ => JournalError::Sqlite {
            path: path.into(),
            source: e,
        },
    }
}

pub(crate) fn ts(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Micros, true)
}

/// Column `i` of an events row, parsed by `parse`; a value that does not
/// parse is an error naming the row (never a default).
pub(super) fn column<T>(
    r: &rusqlite::Row<'_>,
    i: usize,
    column: &'static str,
    expected: &'static str,
    parse: impl FnOnce(&str) -> Option<T>,
) -> rusqlite::Result<T> {
    let value: String = r.get(i)?;
    parse(&value).ok_or_else(|| {
        let seq = r.get(0).unwrap_or(-1);
        let bad = BadRow {
            seq,
            column,
            expected,
            value,
        };
        rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, Box::new(bad))
    })
}

pub(super) fn row_to_event(r: &rusqlite::Row<'_>) -> rusqlite::Result<Event> {
    const TIME: &str = "an RFC 3339 time";
    const UUID: &str = "a UUID";
    let kind: String = r.get(6)?;
    let body: String = r.get(7)?;
    Ok(Event {
        seq: Some(r.get(0)?),
        id: column(r, 1, "id", UUID, EventId::parse)?,
        incident: column(r, 2, "incident", UUID, IncidentId::parse)?,
        at: column(r, 3, "at", TIME, parse_ts)?,
        recorded_at: column(r, 4, "recorded_at", TIME, parse_ts)?,
        author: r.get(5)?,
        kind: EventKind::from_columns(&kind, &body),
    })
}

fn first_event(
    conn: &Connection,
    path: &Path,
    id: IncidentId,
) -> Result<Option<Event>, JournalError> {
    let sql_text =
        format!("SELECT {EVENT_COLUMNS} FROM events WHERE incident = ?1 ORDER BY seq LIMIT 1");
    let first = conn
        .query_row(&sql_text, params![id.to_string()], row_to_event)
        .optional()
        .map_err(|e| sql(path, e))?;
    if first
        .as_ref()
        .is_none_or(|e| matches!(e.kind, EventKind::Declared { .. }))
    {
        return Ok(first);
    }
    // Imported from a room (issue 15), the declaration need not come first.
    let sql_text = format!(
        "SELECT {EVENT_COLUMNS} FROM events WHERE incident = ?1 AND kind = 'declared' ORDER BY seq LIMIT 1"
    );
    Ok(conn
        .query_row(&sql_text, params![id.to_string()], row_to_event)
        .optional()
        .map_err(|e| sql(path, e))?
        .or(first))
}

/// The playbook for an incident: named by its `declared` event (or by
/// `event` itself when it is the declaration).
fn playbook_for(
    playbooks: &PlaybookSet,
    incident: &Incident,
    first: Option<&Event>,
) -> Result<Arc<Playbook>, JournalError> {
    let name = match (first.map(|e| &e.kind), incident.declared) {
        (_, true) => incident.playbook.clone(),
        (Some(EventKind::Declared { playbook, .. }), false) => playbook.clone(),
        _ => return Err(crate::domain::RuleError::NotDeclared.into()),
    };
    playbooks
        .get(&name)
        .ok_or_else(|| JournalError::UnknownPlaybook {
            incident: incident.id.short(),
            playbook: name,
        })
}

/// A fresh cache entry: from a valid snapshot if there is one, else empty.
fn load_cached(
    conn: &Connection,
    path: &Path,
    playbooks: &PlaybookSet,
    id: IncidentId,
) -> Result<Cached, JournalError> {
    let shared: bool = conn
        .query_row(
            "SELECT shared FROM incidents WHERE id = ?1",
            params![id.to_string()],
            |r| r.get(0),
        )
        .optional()
        .map_err(|e| sql(path, e))?
        .unwrap_or(false);
    if shared {
        return Ok(Cached {
            incident: Arc::new(Incident::new(id)),
            last_seq: 0,
            shared,
            newest: None,
        });
    }
    let snap: Option<(i64, i64, String, String)> = conn
        .query_row(
            "SELECT seq, fold_version, playbook, state FROM snapshots WHERE incident = ?1",
            params![id.to_string()],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .optional()
        .map_err(|e| sql(path, e))?;
    if let Some((seq, version, fingerprint, state)) = snap
        && version == FOLD_VERSION
        && let Ok(incident) = serde_json::from_str::<Incident>(&state)
        && playbooks.fingerprint(&incident.playbook).as_deref() == Some(fingerprint.as_str())
    {
        return Ok(Cached {
            incident: Arc::new(incident),
            last_seq: seq,
            shared,
            newest: None,
        });
    }
    Ok(Cached {
        incident: Arc::new(Incident::new(id)),
        last_seq: 0,
        shared,
        newest: None,
    })
}

/// Fold every event written since the cache was last current. Returns how
/// many. A seat-local incident folds in journal order; once an event from
/// another seat is among them, the incident is shared and folds in the fold
/// order of `domain/converge.rs`: new events that all follow what is folded
/// are folded on, anything else refolds the whole incident.
fn catch_up(
    conn: &Connection,
    path: &Path,
    cached: &mut Cached,
    playbook: &Playbook,
    seat: &str,
) -> Result<usize, JournalError> {
    if cached.shared {
        return catch_up_shared(conn, path, cached, playbook, seat);
    }
    let sql_text = format!(
        "SELECT {EVENT_COLUMNS}, origin IS NOT NULL FROM events WHERE incident = ?1 AND seq > ?2 ORDER BY seq"
    );
    let mut stmt = conn.prepare_cached(&sql_text).map_err(|e| sql(path, e))?;
    let mut rows = stmt
        .query(params![cached.incident.id.to_string(), cached.last_seq])
        .map_err(|e| sql(path, e))?;
    let mut n = 0;
    let mut last = None;
    let id = cached.incident.id;
    while let Some(row) = rows.next().map_err(|e| sql(path, e))? {
        if row.get::<_, bool>(8).map_err(|e| sql(path, e))? {
            cached.shared = true;
            break;
        }
        let event = fold_event(row, id).map_err(|e| sql(path, e))?;
        Arc::make_mut(&mut cached.incident).replay_one(&event, playbook);
        cached.last_seq = event.seq.unwrap_or(cached.last_seq);
        last = Some((event.recorded_at, event.id));
        n += 1;
        if n == PIPELINE_AFTER {
            // Most likely a first open without a snapshot: the rest on two
            // threads, SQLite reading here while another decodes and folds.
            let incident = Arc::make_mut(&mut cached.incident);
            n += fold_rest(&mut rows, incident, playbook, &mut cached.last_seq)
                .map_err(|e| sql(path, e))?;
            break;
        }
    }
    drop(rows);
    if cached.shared {
        return refold(conn, path, cached, playbook, seat);
    }
    if let Some((recorded_at, id)) = last {
        cached.newest = Some(OrderKey {
            recorded_at,
            origin: seat.to_string(),
            origin_seq: cached.last_seq,
            id,
        });
    }
    Ok(n)
}

/// The rows of an incident after `after_seq` with their place in the fold
/// order (an event of this seat has this seat's id and its own `seq`).
pub(super) fn stamped_rows(
    conn: &Connection,
    path: &Path,
    incident: IncidentId,
    after_seq: i64,
    seat: &str,
) -> Result<Vec<Stamped>, JournalError> {
    let sql_text = format!(
        "SELECT {EVENT_COLUMNS}, origin, origin_seq FROM events WHERE incident = ?1 AND seq > ?2 ORDER BY seq"
    );
    let mut stmt = conn.prepare_cached(&sql_text).map_err(|e| sql(path, e))?;
    let rows = stmt
        .query_map(params![incident.to_string(), after_seq], |r| {
            let event = fold_event(r, incident)?;
            let origin: Option<String> = r.get(8)?;
            let origin_seq: Option<i64> = r.get(9)?;
            Ok(Stamped {
                origin_seq: origin_seq.or(event.seq).unwrap_or(0),
                origin: origin.unwrap_or_else(|| seat.to_string()),
                event,
            })
        })
        .map_err(|e| sql(path, e))?;
    rows.collect::<Result<Vec<_>, _>>()
        .map_err(|e| sql(path, e))
}

fn catch_up_shared(
    conn: &Connection,
    path: &Path,
    cached: &mut Cached,
    playbook: &Playbook,
    seat: &str,
) -> Result<usize, JournalError> {
    if cached.last_seq == 0 {
        return refold(conn, path, cached, playbook, seat);
    }
    let new = converge::in_fold_order(stamped_rows(
        conn,
        path,
        cached.incident.id,
        cached.last_seq,
        seat,
    )?);
    let (Some(first), Some(newest)) = (new.first(), cached.newest.as_ref()) else {
        return Ok(0);
    };
    if first.key() <= *newest {
        return refold(conn, path, cached, playbook, seat);
    }
    let inc = Arc::make_mut(&mut cached.incident);
    for s in &new {
        inc.replay_one(&s.event, playbook);
        cached.last_seq = cached.last_seq.max(s.event.seq.unwrap_or(0));
    }
    cached.newest = new.last().map(Stamped::key);
    Ok(new.len())
}

/// Fold a shared incident again from all its events, in the fold order.
fn refold(
    conn: &Connection,
    path: &Path,
    cached: &mut Cached,
    playbook: &Playbook,
    seat: &str,
) -> Result<usize, JournalError> {
    let id = cached.incident.id;
    let all = converge::in_fold_order(stamped_rows(conn, path, id, 0, seat)?);
    cached.incident = Arc::new(Incident::replay(id, all.iter().map(|s| &s.event), playbook));
    cached.last_seq = all.iter().filter_map(|s| s.event.seq).max().unwrap_or(0);
    cached.newest = all.last().map(Stamped::key);
    cached.shared = true;
    Ok(all.len())
}

fn save_snapshot(conn: &Connection, cached: &Cached, playbook: &Playbook) -> rusqlite::Result<()> {
    let state = serde_json::to_string(cached.incident.as_ref()).unwrap_or_default();
    let fingerprint = crate::domain::playbook::fingerprint(playbook);
    conn.execute(
        "INSERT INTO snapshots (incident, seq, fold_version, playbook, state) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (incident) DO UPDATE SET seq = excluded.seq, fold_version = excluded.fold_version,
         playbook = excluded.playbook, state = excluded.state",
        params![cached.incident.id.to_string(), cached.last_seq, FOLD_VERSION, fingerprint, state],
    )?;
    Ok(())
}
