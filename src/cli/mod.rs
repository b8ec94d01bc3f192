//! The `cockpit` command line: each command calls the same services the screen uses.

mod args;
mod clock_output;
mod output;
mod run;
mod when;

pub use args::{ActionCmd, Cli, ClockCmd, CloseCmd, Command, Global, PlaybookCmd, RoleCmd, Verb};
pub use run::{Failure, open_cockpit, run};
pub use when::parse_when;
