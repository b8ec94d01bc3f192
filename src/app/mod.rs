//! The screen's state machine: the model, `update` (the one place the model
//! changes), the overlays' forms, the `:` command line and the keymap. The
//! services it drives (intents, the cockpit, the journal worker) live in
//! `crate::services`, free of terminal types.

mod choices;
pub mod cmdline;
mod commands;
mod copy;
pub mod dialogs;
pub mod drafts;
pub mod effect;
pub mod forms;
pub mod keymap;
pub mod model;
pub mod pickers;
mod replies;
pub mod update;

// Paths from before the services moved out of `app` (other code and the
// tests may still name them); new code names `crate::services`.
pub use crate::services::{ActionStep, Intent};
pub use crate::services::{AppError, Cockpit, describe};
pub use crate::services::{cockpit, intent, verbs, when, worker};
