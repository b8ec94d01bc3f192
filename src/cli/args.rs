//! The command-line grammar. The verbs that write events (`app::verbs::Verb`)
//! are shared with the screen's `:` command line.

use chrono::NaiveDate;
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

pub use crate::services::verbs::Verb;

#[derive(Debug, Parser)]
#[command(name = "cockpit", version, about = "A terminal cockpit for the Incident Commander", long_about = None)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Args, Clone, Default)]
pub struct Global {
    /// Journal file [default: the user's data dir]
    #[arg(long, global = true, env = "COCKPIT_JOURNAL", value_name = "PATH")]
    pub journal: Option<PathBuf>,
    /// Incident id or unique prefix [default: the only open incident]
    #[arg(long, global = true, value_name = "ID")]
    pub incident: Option<String>,
    /// Author of what you write [default: $COCKPIT_USER, then the login name]
    #[arg(long = "as", global = true, value_name = "NAME")]
    pub author: Option<String>,
    /// Machine-readable output
    #[arg(long, global = true)]
    pub json: bool,
    /// Configuration file [default: the user's config dir]
    #[arg(long, global = true, env = "COCKPIT_CONFIG", value_name = "PATH")]
    pub config: Option<PathBuf>,
    /// Playbook for new incidents
    #[arg(long, global = true, env = "COCKPIT_PLAYBOOK", value_name = "NAME")]
    pub playbook: Option<String>,
    /// When it happened, if not now: "23:50" (local), "-20m", or RFC 3339
    #[arg(long, global = true, value_name = "TIME", allow_hyphen_values = true)]
    pub at: Option<String>,
}

// Parsed once per process: the size of the largest variant does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Subcommand)]
pub enum Command {
    #[command(flatten)]
    Verb(Verb),
    /// List incidents
    List,
    /// Show the current incident
    Show,
    /// Search what was written in every incident (notes, amendments, titles), best match first
    Search {
        /// The words to find (all of them, in any order; punctuation is plain text; `--` before a word starting with `-`)
        #[arg(required = true, num_args = 1.., value_name = "TEXT")]
        text: Vec<String>,
        /// At most N hits
        #[arg(long, value_name = "N", default_value_t = 20)]
        limit: usize,
        /// TEXT is an FTS5 query (OR, NOT, NEAR, "a phrase", prefix*)
        #[arg(long)]
        raw: bool,
    },
    /// Print the incident's timeline
    Timeline {
        /// Only the last N entries
        #[arg(long, value_name = "N")]
        last: Option<usize>,
    },
    /// Open the cockpit on a throw-away journal with a scripted SEV1
    Demo,
    /// Print the incident's clocks: check-in loop, status update, escalations...
    /// (`--json` for shell prompts and status bars)
    Clocks,
    /// Playbooks: list, show, check
    #[command(subcommand)]
    Playbook(PlaybookCmd),
    /// Print the handoff briefing the cockpit prefills from the journal (004)
    Briefing,
    /// Write the postmortem / RCA draft of the incident (templates: the config
    /// dir's templates/postmortem.md.j2 and postmortem.html.j2 replace the built-in ones)
    Export {
        /// md, json (structured, for tools) or html (one self-contained page) [default: md; json with --json]
        #[arg(long, value_enum)]
        format: Option<ExportFormat>,
        /// File to write [default: standard output]
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// Metrics across incidents (MTTA, time to mitigate, MTTR, check-ins), by severity
    Report {
        /// Only incidents declared on or after this day (YYYY-MM-DD, UTC)
        #[arg(long, value_name = "DATE")]
        since: Option<NaiveDate>,
    },
    /// Check a text against seed 000's postmortem writing rules ("-" reads standard input)
    Lint { file: PathBuf },
    /// Delivery to paging and chat endpoints: status, retry, drop, run
    #[command(subcommand)]
    Sync(SyncCmd),
    /// The incident's shared Matrix room (many seats, one incident: #15)
    #[command(subcommand)]
    Room(RoomCmd),
    /// Firing alerts from Alertmanager (for the incident's services)
    Alerts {
        /// Which alertmanager endpoint [default: the only one]
        #[arg(long, value_name = "NAME")]
        endpoint: Option<String>,
    },
    /// Who is on call now for each team (PagerDuty REST: `token` and `escalation_policies`)
    Oncall {
        /// Which pagerduty endpoint [default: every one that can tell]
        #[arg(long, value_name = "NAME")]
        endpoint: Option<String>,
    },
    /// Alertmanager silences; expire one, or every one we made (004)
    Silences {
        /// Expire this silence
        #[arg(long, value_name = "ID", conflicts_with = "expire_all_ours")]
        expire: Option<String>,
        /// Expire every active silence made by us (see `created_by`)
        #[arg(long)]
        expire_all_ours: bool,
        /// Which alertmanager endpoint [default: the only one]
        #[arg(long, value_name = "NAME")]
        endpoint: Option<String>,
    },
    /// Print the shell script that completes cockpit's commands, incident ids,
    /// roles, people and severities (e.g. `source <(cockpit completions bash)`)
    Completions {
        #[arg(value_enum)]
        shell: CompletionShell,
    },
    /// Print the manual page cockpit(1) (`cockpit man > cockpit.1`)
    Man {
        /// Write cockpit.1 and a page per command into this folder instead
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
    },
    /// Check the journal, config, playbooks, keymap, secrets, endpoints,
    /// notifications, terminal and time zone; one line each, with what to do
    Doctor,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CompletionShell {
    Bash,
    Zsh,
    Fish,
    Elvish,
    Powershell,
}

impl CompletionShell {
    pub fn name(self) -> &'static str {
        match self {
            Self::Bash => "bash",
            Self::Zsh => "zsh",
            Self::Fish => "fish",
            Self::Elvish => "elvish",
            Self::Powershell => "powershell",
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum SyncCmd {
    /// Sync health, endpoints, and the rows that still need something
    Status {
        /// Every row, delivered ones too
        #[arg(long)]
        all: bool,
        /// At most N rows
        #[arg(long, value_name = "N", default_value_t = 50)]
        last: usize,
    },
    /// Put a parked row back in line
    Retry {
        /// The row (as `sync status` shows it)
        #[arg(required_unless_present = "all")]
        id: Option<i64>,
        /// Every parked row
        #[arg(long, conflicts_with = "id")]
        all: bool,
    },
    /// Give up on a parked row; the timeline records it
    Drop {
        id: i64,
        #[arg(long, default_value = "")]
        reason: String,
    },
    /// Deliver in the foreground until the outbox is empty, or Ctrl-C
    Run {
        /// Keep running: deliver as rows come and read chat back (headless)
        #[arg(long)]
        watch: bool,
    },
    /// Send one harmless test message through an endpoint and print the answer
    Test {
        /// The endpoint's name in the config
        name: String,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    Md,
    Json,
    Html,
}

#[derive(Debug, Subcommand)]
pub enum PlaybookCmd {
    /// List installed playbooks
    List,
    /// Print a playbook as TOML
    Show { name: String },
    /// Check a playbook file and report the first mistake with its line
    Check { file: PathBuf },
}

#[derive(Debug, Subcommand)]
pub enum RoomCmd {
    /// Bind the incident to a Matrix room: from now on each of its events
    /// goes to the room once (private notes never)
    Link {
        /// The room id (`!opaque:server`)
        room: String,
        /// Which matrix endpoint [default: the only one]
        #[arg(long, value_name = "NAME")]
        endpoint: Option<String>,
    },
}
