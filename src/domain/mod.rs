//! The incident model: plain Rust, no IO, no async, no terminal.

pub mod checklist;
pub mod clocks;
pub mod describe;
pub mod event;
pub mod ids;
pub mod incident;
pub mod metrics;
pub mod playbook;
mod playbook_check;
pub mod remote;
pub mod report;
pub mod review;
pub mod roster;
pub mod rules;
pub mod sanitize;
pub mod time;

pub use event::{Event, EventKind};
pub use ids::{EventId, IncidentId};
pub use incident::Incident;
pub use playbook::Playbook;
pub use rules::RuleError;

#[cfg(test)]
mod process_tests;
