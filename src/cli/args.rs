//! The command-line grammar. `Verb` is shared with the screen's `:` command
//! line, so both accept exactly the same words.

use chrono::NaiveDate;
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

use crate::app::{ActionStep, Intent};
use crate::domain::event::{Briefing, CheckIn, FollowUp, Proposal, Trend};

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

#[derive(Debug, Subcommand)]
pub enum Command {
    #[command(flatten)]
    Verb(Verb),
    /// List incidents
    List,
    /// Show the current incident
    Show,
    /// Print the incident's timeline
    Timeline {
        /// Only the last N entries
        #[arg(long, value_name = "N")]
        last: Option<usize>,
    },
    /// Playbooks: list, show, check
    #[command(subcommand)]
    Playbook(PlaybookCmd),
    /// Delivery to paging and chat endpoints: status, retry, drop, run
    #[command(subcommand)]
    Sync(SyncCmd),
    /// Firing alerts from Alertmanager (for the incident's services)
    Alerts {
        /// Which alertmanager endpoint [default: the only one]
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

/// Everything that writes an event. Shared by the CLI and the `:` line.
#[derive(Debug, Subcommand, Clone)]
pub enum Verb {
    /// Declare a new incident; prints its id
    Declare {
        title: String,
        #[arg(long, short)]
        severity: String,
        #[arg(long, default_value = "")]
        summary: String,
        /// A security or PII incident (000: report within one hour)
        #[arg(long)]
        security: bool,
    },
    /// Add a note to the timeline ("m: ..." picks the mitigation tag)
    Note {
        #[arg(required = true, num_args = 1..)]
        text: Vec<String>,
        #[arg(long, short)]
        tag: Option<String>,
        /// Never sent to any endpoint
        #[arg(long)]
        private: bool,
    },
    /// Assign, engage, release or hand off roles
    #[command(subcommand)]
    Role(RoleCmd),
    /// Change the lifecycle state (investigating, identified, monitoring, resolved)
    State {
        state: String,
        #[arg(long, default_value = "")]
        reason: String,
    },
    /// Change the severity
    Severity {
        severity: String,
        #[arg(long, default_value = "")]
        reason: String,
    },
    /// Change the service status shown to stakeholders
    Status {
        status: String,
        #[arg(long, default_value = "")]
        reason: String,
    },
    /// Propose and decide active measures
    #[command(subcommand)]
    Action(ActionCmd),
    /// Record a check-in of the 15-20 minute loop
    Checkin {
        #[arg(long)]
        status: String,
        #[arg(long, default_value = "")]
        next: String,
        #[arg(long, value_enum)]
        trend: Option<TrendArg>,
    },
    /// Record a message sent to stakeholders
    Comms {
        audience: String,
        #[arg(required = true, num_args = 1..)]
        text: Vec<String>,
    },
    /// Set a link: bridge, channel, document, ticket, ...
    Link { kind: String, url: String },
    /// Mark where the outage started or ended (use --at for the time)
    Outage {
        #[arg(value_enum)]
        edge: OutageEdge,
    },
    /// Close: request, object, withdraw, confirm
    #[command(subcommand)]
    Close(CloseCmd),
    /// Reopen a resolved or closed incident
    Reopen {
        #[arg(long, default_value = "")]
        reason: String,
    },
    /// Highlight a timeline entry by id prefix
    Highlight { event: String },
    /// Add a follow-up item
    Followup {
        #[arg(required = true, num_args = 1..)]
        text: Vec<String>,
        #[arg(long, default_value = "")]
        owner: String,
        #[arg(long, default_value = "")]
        criticality: String,
        #[arg(long)]
        due: Option<NaiveDate>,
    },
    /// Record the incident as a near miss with the severity it would have had
    NearMiss { would_be: String },
    /// Flag the incident as security / PII
    Security {
        #[arg(long, default_value = "")]
        details: String,
    },
    /// Change the title
    Title {
        #[arg(required = true, num_args = 1..)]
        title: Vec<String>,
    },
    /// Change the summary
    Summary {
        #[arg(required = true, num_args = 1..)]
        summary: Vec<String>,
    },
}

#[derive(Debug, Subcommand, Clone)]
pub enum RoleCmd {
    /// Assign ROLE to PERSON
    Assign { role: String, person: String },
    /// PERSON has engaged (acknowledged) ROLE
    Engage { role: String, person: String },
    /// Release PERSON from ROLE
    Release { role: String, person: String },
    /// Hand ROLE to TO, with a briefing (004)
    Handoff {
        role: String,
        to: String,
        #[arg(long)]
        from: Option<String>,
        /// Technical status for the incoming person
        #[arg(long, default_value = "")]
        briefing: String,
    },
}

#[derive(Debug, Subcommand, Clone)]
pub enum ActionCmd {
    /// Propose an active measure for the IC to approve
    Propose {
        #[arg(required = true, num_args = 1..)]
        what: Vec<String>,
        #[arg(long, default_value = "")]
        why: String,
        #[arg(long, default_value = "")]
        risk: String,
        #[arg(long, default_value = "")]
        revert: String,
    },
    Approve(ActionRef),
    Reject(ActionRef),
    /// Ask the proposer for more information
    Info(ActionRef),
    Start(ActionRef),
    Done(ActionRef),
    Fail(ActionRef),
    Revert(ActionRef),
}

#[derive(Debug, Args, Clone)]
pub struct ActionRef {
    /// "#3", "3" or an id prefix
    pub id: String,
    #[arg(long, default_value = "")]
    pub reason: String,
}

#[derive(Debug, Subcommand, Clone)]
pub enum CloseCmd {
    /// Ask "Is anyone opposed to me closing this incident?" (000)
    Request,
    /// Object to closing
    Object {
        #[arg(required = true, num_args = 1..)]
        reason: Vec<String>,
    },
    /// Withdraw an objection (yours if no id is given)
    Withdraw { objection: Option<String> },
    /// Close, once nobody objects and the watch after resolution is over
    Confirm,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum TrendArg {
    Better,
    Same,
    Worse,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum OutageEdge {
    Start,
    End,
}

impl Verb {
    /// The intent this verb expresses. Highlight needs an event id, which the
    /// caller resolves, so it is returned as `None` here.
    pub fn into_intent(self) -> Option<Intent> {
        let join = |v: Vec<String>| v.join(" ");
        Some(match self {
            Verb::Declare {
                title,
                severity,
                summary,
                security,
            } => Intent::Declare {
                title,
                severity,
                summary,
                security,
                playbook: String::new(),
            },
            Verb::Note { text, tag, private } => Intent::Note {
                text: join(text),
                tag,
                private,
            },
            Verb::Role(RoleCmd::Assign { role, person }) => Intent::RoleAssign { role, person },
            Verb::Role(RoleCmd::Engage { role, person }) => Intent::RoleEngage { role, person },
            Verb::Role(RoleCmd::Release { role, person }) => Intent::RoleRelease { role, person },
            Verb::Role(RoleCmd::Handoff {
                role,
                to,
                from,
                briefing,
            }) => Intent::RoleHandoff {
                role,
                from,
                to,
                briefing: Briefing {
                    status: briefing,
                    ..Default::default()
                },
            },
            Verb::State { state, reason } => Intent::State { state, reason },
            Verb::Severity { severity, reason } => Intent::Severity { severity, reason },
            Verb::Status { status, reason } => Intent::ServiceStatus { status, reason },
            Verb::Action(ActionCmd::Propose {
                what,
                why,
                risk,
                revert,
            }) => Intent::ActionPropose(Proposal {
                what: join(what),
                why,
                risk,
                revert,
            }),
            Verb::Action(cmd) => {
                let (step, r) = match cmd {
                    ActionCmd::Approve(r) => (ActionStep::Approve, r),
                    ActionCmd::Reject(r) => (ActionStep::Reject, r),
                    ActionCmd::Info(r) => (ActionStep::AskInfo, r),
                    ActionCmd::Start(r) => (ActionStep::Start, r),
                    ActionCmd::Done(r) => (ActionStep::Done, r),
                    ActionCmd::Fail(r) => (ActionStep::Fail, r),
                    ActionCmd::Revert(r) => (ActionStep::Revert, r),
                    ActionCmd::Propose { .. } => unreachable!("matched above"),
                };
                Intent::Action {
                    step,
                    reference: r.id,
                    reason: r.reason,
                }
            }
            Verb::Checkin {
                status,
                next,
                trend,
            } => Intent::CheckIn(CheckIn {
                status,
                next,
                trend: trend.map(|t| match t {
                    TrendArg::Better => Trend::Better,
                    TrendArg::Same => Trend::Same,
                    TrendArg::Worse => Trend::Worse,
                }),
                reviews: Vec::new(),
            }),
            Verb::Comms { audience, text } => Intent::Comms {
                audience,
                text: join(text),
            },
            Verb::Link { kind, url } => Intent::Link { kind, url },
            Verb::Outage {
                edge: OutageEdge::Start,
            } => Intent::OutageStart,
            Verb::Outage {
                edge: OutageEdge::End,
            } => Intent::OutageEnd,
            Verb::Close(CloseCmd::Request) => Intent::CloseRequest,
            Verb::Close(CloseCmd::Object { reason }) => Intent::Object(join(reason)),
            Verb::Close(CloseCmd::Withdraw { objection }) => {
                Intent::Withdraw(objection.unwrap_or_default())
            }
            Verb::Close(CloseCmd::Confirm) => Intent::CloseConfirm,
            Verb::Reopen { reason } => Intent::Reopen(reason),
            Verb::Highlight { .. } => return None,
            Verb::Followup {
                text,
                owner,
                criticality,
                due,
            } => Intent::FollowUp(FollowUp {
                text: join(text),
                owner,
                criticality,
                due,
                from_event: None,
            }),
            Verb::NearMiss { would_be } => Intent::NearMiss(would_be),
            Verb::Security { details } => Intent::Security(details),
            Verb::Title { title } => Intent::Title(join(title)),
            Verb::Summary { summary } => Intent::Summary(join(summary)),
        })
    }
}
