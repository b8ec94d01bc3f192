//! Application services shared by the command line and the screen: what a
//! user asks for (`Intent`) becomes a checked event in the journal, in one place.

pub mod cockpit;
pub mod describe;
pub mod intent;

pub use cockpit::{AppError, Cockpit};
pub use intent::{ActionStep, Intent};
