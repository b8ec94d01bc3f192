//! The journal: one SQLite file (WAL) of append-only events for every incident.
//!
//! Writes are durable before they return (synchronous=FULL) and are checked
//! against the incident's rules inside the same `BEGIN IMMEDIATE` transaction
//! that writes them, so several processes appending at once neither lose a
//! write nor see `database is locked` (MEASURED.md: deferred transactions
//! failed hundreds of times; immediate ones with a busy timeout never did).
//! Waiting writers retry every fraction of a millisecond (`busy.rs`), so
//! processes writing back to back take turns instead of one starving.

mod busy;
mod catchup;
mod error;
mod fold;
mod health;
mod immediate;
mod schema;
mod search;
mod shared;
mod space;
mod store;
mod timeline;

pub use busy::{BUSY_TIMEOUT, busy_timeout};
pub use error::{BadRow, JournalError};
pub use health::Health;
pub use schema::{APPLICATION_ID, MIGRATIONS, latest_version};
pub use search::{MATCH_END, MATCH_START, RANKED, SearchHit, fts_query};
pub use shared::Imported;
pub use store::{Journal, OutboxItem, OutboxRouter, OutboxWake, TimelineQuery};
pub use timeline::{TimelineFilter, TimelineKey, key_of};
