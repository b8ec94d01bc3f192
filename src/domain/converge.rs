//! Many seats, one incident (issue 15, DESIGN.md "Beyond one machine"): each
//! seat keeps its own journal and receives the other seats' events through
//! the incident's Matrix room, in whatever order the room delivers them, more
//! than once after a retry, or an hour late after a seat was offline. Two
//! seats that have seen the same set of events must show the same incident,
//! so the fold of a shared incident never follows arrival order:
//!
//! **The fold order** is the total order of [`OrderKey`]: the time the event
//! was written (`recorded_at`), then the seat that wrote it, then that seat's
//! own sequence number, then the event id. Every seat computes it from the
//! event alone. `recorded_at` rather than `at`: the scribe may backdate `at`
//! ("noticed at 23:50"), and a fold by `at` would move a backdated approval
//! before the proposal it answers. The timeline still shows events by `at`.
//! The origin seat's sequence number keeps one seat's events in the order
//! that seat checked them even when they share a timestamp.
//!
//! **Duplicates** (the same event id twice) fold once.
//!
//! **The conflict rule**: the event earlier in the fold order wins; a later
//! event that the playbook's rules refuse after it (a second person taking
//! the single IC role, a rejection of an action already approved) is kept on
//! the timeline and listed in `Incident::refused` with the rule's words,
//! never applied. A remote event is checked against exactly the rules a
//! local one is, so a remote event that breaks one is shown as refused.
//!
//! **Late events** are folded where they belong in the order, not at the end;
//! an event is late on a seat when that seat had already folded an event that
//! follows it ([`is_late`]). Lateness is the seat's view, so it is kept beside
//! the event (the journal's `late` column), never in the shared fold.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

use super::event::Event;
use super::ids::{EventId, IncidentId};
use super::incident::Incident;
use super::playbook::Playbook;

/// An event with the seat that wrote it and its sequence number there: what
/// travels between seats.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Stamped {
    pub event: Event,
    /// The writing seat's id (its journal's seat id, not a Matrix user).
    pub origin: String,
    /// The event's `seq` in the writing seat's journal.
    pub origin_seq: i64,
}

/// The position of an event in the fold of a shared incident (see the
/// module's words). Fields compare in declaration order.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct OrderKey {
    pub recorded_at: DateTime<Utc>,
    pub origin: String,
    pub origin_seq: i64,
    pub id: EventId,
}

impl Stamped {
    pub fn key(&self) -> OrderKey {
        OrderKey {
            recorded_at: self.event.recorded_at,
            origin: self.origin.clone(),
            origin_seq: self.origin_seq,
            id: self.event.id,
        }
    }
}

/// The events in fold order, each id once. Of two copies of one id the one
/// first in the order is kept (and of copies with equal keys, the one whose
/// content sorts first), so the choice does not depend on arrival either.
pub fn in_fold_order(mut events: Vec<Stamped>) -> Vec<Stamped> {
    events.sort_by_cached_key(|s| (s.key(), content(&s.event)));
    let mut seen = HashSet::with_capacity(events.len());
    events.retain(|s| seen.insert(s.event.id));
    events
}

/// The incident `id` folded from a set of events in fold order.
pub fn converge(id: IncidentId, events: Vec<Stamped>, playbook: &Playbook) -> Incident {
    let ordered = in_fold_order(events);
    Incident::replay(id, ordered.iter().map(|s| &s.event), playbook)
}

/// Whether an event arriving now is late: the seat already folded an event
/// that follows it in the order (`newest`: the greatest key folded so far).
pub fn is_late(key: &OrderKey, newest: Option<&OrderKey>) -> bool {
    newest.is_some_and(|n| key < n)
}

/// The time a new local event of a shared incident is written at: never
/// before the newest event folded, so the order the seat checked it in (after
/// everything it has seen) is the order every seat folds it in, even when
/// another seat's clock runs ahead (a hybrid logical clock's rule).
pub fn local_time(now: DateTime<Utc>, newest: Option<&OrderKey>) -> DateTime<Utc> {
    match newest {
        Some(n) if n.recorded_at >= now => n.recorded_at + chrono::Duration::microseconds(1),
        _ => now,
    }
}

/// What an event says, without the local sequence number of the seat holding it.
fn content(e: &Event) -> String {
    let mut e = e.clone();
    e.seq = None;
    serde_json::to_string(&e).unwrap_or_default()
}

#[cfg(test)]
#[path = "converge_tests.rs"]
mod tests;
