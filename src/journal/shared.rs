//! Events from other seats (issue 15): importing them idempotently, and
//! reading this seat's own events with their place in the fold order, to send.
//! How a shared incident folds is `store.rs`'s `catch_up`, after
//! `domain/converge.rs`.

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};
use std::collections::hash_map::Entry;
use std::collections::{BTreeSet, HashMap};

use super::error::JournalError;
use super::immediate::Immediate;
use super::store::{Journal, sql, stamped_rows, ts};
use crate::domain::converge::{self, OrderKey, Stamped};
use crate::domain::{EventId, EventKind, IncidentId};

/// What one import did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Imported {
    /// Events new to this journal.
    pub added: usize,
    /// Events it already held (by id): skipped.
    pub known: usize,
    /// Of the added, those that arrived after an event that follows them.
    pub late: usize,
    /// Events that came back from this seat itself (its own, echoed by the room).
    pub own: usize,
}

impl Journal {
    /// This journal's seat id: the origin of the events written here.
    pub fn seat_id(&self) -> &str {
        &self.seat
    }

    /// Store events other seats wrote, each once (by event id), with their
    /// origin seat and its sequence number, and when they arrived. They are
    /// never routed to the outbox (they were sent by the seat that wrote
    /// them), and never refused here: the fold checks them against the rules
    /// like a local event and lists the ones it refuses (converge.rs).
    pub fn import(
        &mut self,
        batch: Vec<Stamped>,
        now: DateTime<Utc>,
    ) -> Result<Imported, JournalError> {
        let mut done = Imported::default();
        let (own, batch): (Vec<_>, Vec<_>) = converge::in_fold_order(batch)
            .into_iter()
            .partition(|s| s.origin == self.seat);
        done.own = own.len();
        // The newest key each incident had folded before this batch.
        let mut newest: HashMap<IncidentId, Option<OrderKey>> = HashMap::new();
        for s in &batch {
            let id = s.event.incident;
            if let Entry::Vacant(slot) = newest.entry(id) {
                let known = match self.incident(id) {
                    Ok(_) => self.newest_key(id),
                    // Not declared here yet: joining from the room.
                    Err(JournalError::NoSuchIncident(_) | JournalError::Rule(_)) => None,
                    Err(e) => return Err(e),
                };
                slot.insert(known);
            }
        }
        let path = self.path().to_path_buf();
        let tx = Immediate::begin(self.conn()).map_err(|e| sql(&path, e))?;
        let mut touched = BTreeSet::new();
        for s in &batch {
            let e = &s.event;
            let exists: Option<i64> = tx
                .query_row(
                    "SELECT seq FROM events WHERE id = ?1",
                    params![e.id.to_string()],
                    |r| r.get(0),
                )
                .optional()
                .map_err(|e| sql(&path, e))?;
            if exists.is_some() {
                done.known += 1;
                continue;
            }
            let key = s.key();
            let slot = newest.entry(e.incident).or_default();
            let late = converge::is_late(&key, slot.as_ref());
            if slot.as_ref().is_none_or(|n| key > *n) {
                *slot = Some(key);
            }
            let (kind, body) = e.kind.to_columns().expect("events serialise");
            tx.execute(
                "INSERT INTO events (id, incident, at, recorded_at, author, kind, body, origin, origin_seq, imported_at, late) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
                params![
                    e.id.to_string(),
                    e.incident.to_string(),
                    ts(e.at),
                    ts(e.recorded_at),
                    e.author,
                    kind,
                    body,
                    s.origin,
                    s.origin_seq,
                    ts(now),
                    late,
                ],
            )
            .map_err(|e| sql(&path, e))?;
            let seq = tx.last_insert_rowid();
            if matches!(e.kind, EventKind::Declared { .. }) {
                tx.execute(
                    "INSERT INTO incidents (id, declared_seq, shared) VALUES (?1, ?2, 1)
                     ON CONFLICT (id) DO NOTHING",
                    params![e.incident.to_string(), seq],
                )
                .map_err(|e| sql(&path, e))?;
            }
            touched.insert(e.incident);
            done.added += 1;
            done.late += usize::from(late);
        }
        for id in &touched {
            // Folded from its events from now on (store.rs `catch_up`); a
            // snapshot of the seat-local fold would no longer be it.
            tx.execute(
                "UPDATE incidents SET shared = 1 WHERE id = ?1",
                params![id.to_string()],
            )
            .map_err(|e| sql(&path, e))?;
            tx.execute(
                "DELETE FROM snapshots WHERE incident = ?1",
                params![id.to_string()],
            )
            .map_err(|e| sql(&path, e))?;
        }
        tx.commit().map_err(|e| sql(&path, e))?;
        for id in touched {
            self.forget(id);
        }
        Ok(done)
    }

    /// This seat's own events of an incident after `after_seq`, stamped with
    /// its seat id and their `seq`: what it sends to the room. Private notes
    /// never leave the seat.
    pub fn own_events(
        &self,
        incident: IncidentId,
        after_seq: i64,
    ) -> Result<Vec<Stamped>, JournalError> {
        let mut rows = stamped_rows(self.conn(), self.path(), incident, after_seq, &self.seat)?;
        rows.retain(|s| {
            s.origin == self.seat && !matches!(s.event.kind, EventKind::Note { private: true, .. })
        });
        Ok(rows)
    }

    /// The events of an incident that arrived late on this seat.
    pub fn late_events(&self, incident: IncidentId) -> Result<BTreeSet<EventId>, JournalError> {
        let mut stmt = self
            .conn()
            .prepare_cached("SELECT id FROM events WHERE incident = ?1 AND late = 1")
            .map_err(|e| sql(self.path(), e))?;
        let ids = stmt
            .query_map(params![incident.to_string()], |r| r.get::<_, String>(0))
            .map_err(|e| sql(self.path(), e))?
            .filter_map(|r| r.ok().and_then(|s| EventId::parse(&s)))
            .collect();
        Ok(ids)
    }

    /// Whether an incident holds events from other seats.
    pub fn is_shared(&self, incident: IncidentId) -> Result<bool, JournalError> {
        self.conn()
            .query_row(
                "SELECT shared FROM incidents WHERE id = ?1",
                params![incident.to_string()],
                |r| r.get(0),
            )
            .optional()
            .map_err(|e| sql(self.path(), e))
            .map(|s| s.unwrap_or(false))
    }
}
