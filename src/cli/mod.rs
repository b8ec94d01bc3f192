//! The `cockpit` command line: each command calls the same services the screen uses.

mod args;
mod output;
mod postmortem;
mod run;
mod when;

pub use args::{
    ActionCmd, Cli, CloseCmd, Command, ExportFormat, Global, PlaybookCmd, RoleCmd, Verb,
};
pub use run::{Failure, execute, open_cockpit, run};
pub use when::parse_when;
