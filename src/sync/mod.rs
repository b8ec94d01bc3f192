//! Sync: tell the outside world what it must know, without ever blocking the
//! IC and without losing or doubling a message (DESIGN.md "Sync: the outbox").
//!
//! - `plan`: which requests an event needs per endpoint (pure; the journal
//!   calls it inside the append transaction, via `Router`).
//! - `outbox`: the rows, claimed with a lease, recorded attempt by attempt.
//! - `backoff`, `health`: pure rules for when to retry and what to show.
//! - `adapters`: one file per endpoint, each a pure request builder and
//!   answer classifier around a thin HTTP call.
//! - `worker`: the tokio task (ticker + force/stop) that delivers rows and
//!   reads chat back; `SyncHandle` is what the screen holds.

pub mod adapters;
pub mod backoff;
pub mod chat;
pub mod delivery;
pub mod document;
pub mod health;
pub mod http;
pub mod mail_plan;
pub mod outbox;
pub mod plan;
mod plan_common;
mod plan_remote;
pub mod plan_seats;
pub mod remote_refs;
pub mod seats_read;

mod supervise;

pub mod readback;
pub mod worker;
pub mod ws;

pub use backoff::{Backoff, Outcome};
pub use chat::ChatReader;
pub use delivery::{Delivery, PageAction};
pub use health::{SyncHealth, SyncLevel};
pub use http::Target;
pub use outbox::{Delivered, Outbox, OutboxError, OutboxRow, RowFilter, RowState, drop_row};
pub use plan::Router;
pub use worker::{Deliverer, PassReport, SyncHandle, SyncSettings};
