//! Application services shared by the command line and the screen: what a
//! user asks for (`Intent`) becomes a checked event in the journal, in one
//! place; the screen's state (`Model`) changes only in `update`.

pub mod cmdline;
pub mod cockpit;
pub mod forms;
pub mod intent;
pub mod keymap;
pub mod model;
pub mod update;
pub mod verbs;
pub mod when;
pub mod worker;

pub use crate::domain::describe;
pub use cockpit::{AppError, Cockpit};
pub use intent::{ActionStep, Intent};
