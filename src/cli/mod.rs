//! The `cockpit` command line: each command calls the same services the screen uses.

mod args;
mod clock_output;
mod completions;
mod doctor;
mod failure;
mod oncall_cmd;
mod output;
mod postmortem;
mod process_output;
mod remote_output;
mod room_cmd;
mod run;
mod search_output;
mod sync_cmd;
mod sync_test;

pub use crate::services::verbs::{
    ActionCmd, ChecklistCmd, ClockCmd, CloseCmd, RetroCmd, RoleCmd, Verb,
};
pub use crate::services::when::parse_when;
pub use args::{Cli, Command, CompletionShell, ExportFormat, Global, PlaybookCmd, SyncCmd};
pub use completions::{COMPLETE_VAR, command as completion_command};
pub use run::{
    Failure, execute, open_cockpit, open_cockpit_with_config, run, screen, usage_error_line,
};
