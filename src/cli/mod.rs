//! The `cockpit` command line: each command calls the same services the screen uses.

mod args;
mod clock_output;
mod failure;
mod output;
mod postmortem;
mod process_output;
mod run;
mod sync_cmd;

pub use crate::services::verbs::{
    ActionCmd, ChecklistCmd, ClockCmd, CloseCmd, RetroCmd, RoleCmd, Verb,
};
pub use crate::services::when::parse_when;
pub use args::{Cli, Command, ExportFormat, Global, PlaybookCmd, SyncCmd};
pub use run::{
    Failure, execute, open_cockpit, open_cockpit_with_config, run, screen, usage_error_line,
};
