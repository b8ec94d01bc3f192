//! Services without terminal types, shared by the command line and the
//! screen: what a user asks for (`Intent`) becomes a checked event in the
//! journal, in one place (`Cockpit`); the journal worker runs the screen's
//! requests off the drawing thread. Nothing here imports crossterm or ratatui
//! (tests/architecture.rs checks it).

pub mod cockpit;
pub mod drafts;
pub mod error;
pub mod intent;
pub mod oncall;
pub mod verbs;
pub mod when;
pub mod worker;

pub use crate::domain::describe;
pub use cockpit::{AppError, Cockpit};
pub use error::WorkerError;
pub use intent::{ActionStep, Intent};
