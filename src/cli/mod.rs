//! The `cockpit` command line: each command calls the same services the screen uses.

mod args;
mod output;
mod run;
mod when;

pub use args::{ActionCmd, Cli, CloseCmd, Command, Global, PlaybookCmd, RoleCmd, Verb};
pub use run::{Failure, open_cockpit, run, usage_error_line};
pub use when::parse_when;
