//! The `cockpit` command line: each command calls the same services the screen uses.

mod args;
mod output;
mod process_output;
mod run;
mod when;

pub use args::{
    ActionCmd, ChecklistCmd, Cli, CloseCmd, Command, Global, PlaybookCmd, RetroCmd, RoleCmd, Verb,
};
pub use run::{Failure, open_cockpit, run};
pub use when::parse_when;
