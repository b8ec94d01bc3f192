//! The incident model: plain Rust, no IO, no async, no terminal.

pub mod clocks;
pub mod columns;
pub mod converge;
pub mod describe;
pub mod event;
pub mod ids;
pub mod incident;
pub mod message;
pub mod metrics;
pub mod playbook;
pub mod remote;
pub mod report;
pub mod rules;
pub mod sanitize;
pub mod time;

pub use event::{Event, EventKind};
pub use ids::{EventId, IncidentId};
pub use incident::Incident;
/// Roles, handoffs and ownership live in `incident/`; this keeps `domain::roster`.
pub use incident::roster;
pub use playbook::Playbook;
/// The checklist model lives with the playbook; this keeps `domain::checklist`.
pub use playbook::checklist;
pub use rules::RuleError;

#[cfg(test)]
mod process_tests;
