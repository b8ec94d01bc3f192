//! The `cockpit` command line: each command calls the same services the screen uses.

mod args;
mod output;
mod run;
mod sync_cmd;
mod when;

pub use args::{ActionCmd, Cli, CloseCmd, Command, Global, PlaybookCmd, RoleCmd, SyncCmd, Verb};
pub use run::{Failure, open_cockpit, open_cockpit_with_config, run};
pub use when::parse_when;
