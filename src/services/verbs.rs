//! The verbs that write events: one grammar for the `cockpit` command line and
//! the screen's `:` line, so both accept exactly the same words.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use clap::{Args, Subcommand, ValueEnum};

use super::intent::{ActionStep, Intent};
use crate::domain::event::{Briefing, CheckIn, FollowUp, Proposal, Trend, Verdict};
use crate::domain::playbook::parse_duration;

/// Everything that writes an event. Shared by the CLI and the `:` line.
#[derive(Debug, Subcommand, Clone)]
pub enum Verb {
    /// Declare a new incident; prints its id
    Declare {
        /// What is broken, as the people affected would say it
        title: String,
        /// The playbook's severity (`cockpit playbook show NAME` lists them; when in doubt go higher, 002)
        #[arg(long, short)]
        severity: String,
        /// One or two sentences: impact and what is known so far
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
        /// A tag of the playbook (the default's: noticed, impact, mitigation, decision, command, comms, hypothesis, eliminated, note)
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
    /// Checklists of the playbook: show progress, tick or untick a step
    #[command(subcommand)]
    Checklist(ChecklistCmd),
    /// The review after the incident (retrospective, incident review, PMR)
    #[command(subcommand)]
    Retro(RetroCmd),
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
        /// The timeline entry it comes from (event id prefix)
        #[arg(long, value_name = "EVENT")]
        from: Option<String>,
    },
    /// Record the incident as a near miss with the severity it would have had
    NearMiss { would_be: String },
    /// Close it as not an incident or a false positive, with the reason
    /// (000 responder script steps 4-5): no watch, no objections; the
    /// follow-up ticket goes to the configured trackers
    Dismiss {
        /// The alert was clearly a false positive (000 step 4)
        #[arg(long, conflicts_with = "not_an_incident")]
        false_positive: bool,
        /// The issue was not an incident (000 step 5)
        #[arg(long, required_unless_present = "false_positive")]
        not_an_incident: bool,
        /// Why: it becomes the ticket's text
        #[arg(required = true, num_args = 1..)]
        reason: Vec<String>,
    },
    /// Hold public posts back (status page, client tickets), e.g. a security
    /// fix not yet released (003), or `--resume` them
    Public {
        #[arg(long)]
        resume: bool,
        #[arg(long, default_value = "")]
        reason: String,
    },
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
    /// Acknowledge or snooze a clock (names: `cockpit clocks`)
    #[command(subcommand)]
    Clock(ClockCmd),
}

#[derive(Debug, Subcommand, Clone)]
pub enum ClockCmd {
    /// Seen to it: a recurring clock restarts, a one-off clock is satisfied
    Ack { name: String },
    /// Silence a clock for a while; it rings again when the snooze ends
    Snooze {
        name: String,
        /// How long: 90s, 5m, 1h
        #[arg(long = "for", value_name = "DURATION", default_value = "5m", value_parser = parse_snooze)]
        length: Duration,
    },
}

/// A snooze between a second and a day.
fn parse_snooze(s: &str) -> Result<Duration, String> {
    match parse_duration(s) {
        Some(d) if d > Duration::zero() && d <= Duration::days(1) => Ok(d),
        Some(_) => Err("a snooze lasts more than 0 and at most 1 day".into()),
        None => Err(format!("`{s}` is not a duration (use e.g. 90s, 5m, 1h)")),
    }
}

#[derive(Debug, Subcommand, Clone)]
pub enum RoleCmd {
    /// Assign ROLE to PERSON
    Assign { role: String, person: String },
    /// PERSON has engaged (acknowledged) ROLE
    Engage { role: String, person: String },
    /// Release PERSON from ROLE
    Release { role: String, person: String },
    /// Announce handing ROLE to TO, with the 004 briefing; blank fields are
    /// filled from the journal. A role that needs confirming stays yours
    /// until TO runs `role accept`.
    Handoff {
        role: String,
        to: String,
        #[arg(long)]
        from: Option<String>,
        /// Technical status of the issue
        #[arg(long, alias = "briefing", default_value = "")]
        status: String,
        /// Hypotheses still open
        #[arg(long, default_value = "")]
        open_hypotheses: String,
        /// Hypotheses eliminated
        #[arg(long, default_value = "")]
        eliminated_hypotheses: String,
        /// Content of the most recent customer update
        #[arg(long, default_value = "")]
        last_customer_update: String,
        /// When it was sent: "23:50", "-20m" or RFC 3339
        #[arg(long, value_name = "TIME", allow_hyphen_values = true)]
        last_customer_update_at: Option<String>,
        /// Channels in play: IM channel, tracking doc, bridge, email thread
        #[arg(long, default_value = "")]
        channels: String,
        /// Key people outside the team engaged in the incident
        #[arg(long, default_value = "")]
        people: String,
    },
    /// Say "I have command" of ROLE handed to you (run it as yourself, --as NAME)
    Accept { role: String },
    /// Decline (or withdraw) the handoff of ROLE; the outgoing person keeps it
    Decline {
        role: String,
        #[arg(long, default_value = "")]
        reason: String,
    },
    /// Page the on-call for ROLE (its team's PagerDuty service, when
    /// configured); the role shows as paged until someone engages it
    Page {
        role: String,
        /// Whom you mean, if you know
        #[arg(long, default_value = "")]
        person: String,
    },
}

#[derive(Debug, Subcommand, Clone)]
pub enum ChecklistCmd {
    /// Show the checklists and their progress (or one of them)
    Show { checklist: Option<String> },
    /// Mark STEP (key or number) of CHECKLIST done
    Tick {
        checklist: String,
        step: String,
        #[arg(long, default_value = "")]
        note: String,
    },
    /// Open a step ticked by mistake again
    Untick {
        checklist: String,
        step: String,
        #[arg(long, default_value = "")]
        reason: String,
    },
}

#[derive(Debug, Subcommand, Clone)]
pub enum RetroCmd {
    /// Schedule the review with its facilitator (001, 002: someone not involved)
    Schedule {
        facilitator: String,
        #[arg(long)]
        on: Option<NaiveDate>,
        #[arg(long, default_value = "")]
        link: String,
        /// Why this facilitator, when the playbook's rule would pick someone else
        #[arg(long, default_value = "")]
        exception: String,
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
    /// Approve a proposed active measure (001: the IC approves)
    Approve(ActionRef),
    /// Reject a proposal; the reason is required (the proposer learns why)
    Reject(RejectRef),
    /// Ask the proposer for more information
    Info(ActionRef),
    /// Answer a request for more: amend the proposal (unset fields stay)
    Amend {
        /// "#3", "3" or an id prefix
        id: String,
        #[arg(long)]
        what: Option<String>,
        #[arg(long)]
        why: Option<String>,
        #[arg(long)]
        risk: Option<String>,
        #[arg(long)]
        revert: Option<String>,
    },
    /// Mark an approved measure as started
    Start(ActionRef),
    /// Mark a measure as done (it had the effect wanted)
    Done(ActionRef),
    /// Mark a measure as failed (it did not have the effect wanted)
    Fail(ActionRef),
    /// Mark a measure as reverted (undone, as its revert plan says)
    Revert(ActionRef),
}

#[derive(Debug, Args, Clone)]
pub struct ActionRef {
    /// "#3", "3" or an id prefix
    pub id: String,
    #[arg(long, default_value = "")]
    pub reason: String,
}

#[derive(Debug, Args, Clone)]
pub struct RejectRef {
    /// "#3", "3" or an id prefix
    pub id: String,
    #[arg(long)]
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
    /// The `--last-customer-update-at` of a handoff, still as typed: it needs
    /// a clock to resolve ("-20m"), so the caller does that.
    pub fn handoff_time(&self) -> Option<&str> {
        match self {
            Verb::Role(RoleCmd::Handoff {
                last_customer_update_at,
                ..
            }) => last_customer_update_at.as_deref(),
            _ => None,
        }
    }

    /// The intent this verb expresses at `now` (a snooze "for 5m" ends at
    /// `now` + 5m). Highlight needs an event id, which the caller resolves, so
    /// it is returned as `None`.
    pub fn into_intent_at(self, now: DateTime<Utc>) -> Option<Intent> {
        match self {
            Verb::Clock(ClockCmd::Snooze { name, length }) => Some(Intent::ClockSnooze {
                clock: name,
                until: now + length,
            }),
            other => other.into_intent(),
        }
    }

    /// The intent this verb expresses. Highlight needs an event id, a snooze
    /// needs the time (`into_intent_at`), and `checklist show` writes nothing:
    /// all are `None` here.
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
                status,
                open_hypotheses,
                eliminated_hypotheses,
                last_customer_update,
                last_customer_update_at: _,
                channels,
                people,
            }) => Intent::RoleHandoff {
                role,
                from,
                to,
                // The time needs a clock: the caller resolves it (`handoff_time`).
                briefing: Briefing {
                    status,
                    hypotheses_open: open_hypotheses,
                    hypotheses_eliminated: eliminated_hypotheses,
                    last_customer_update,
                    last_customer_update_at: None,
                    channels,
                    people,
                },
            },
            Verb::Role(RoleCmd::Accept { role }) => Intent::RoleAccept { role },
            Verb::Role(RoleCmd::Decline { role, reason }) => Intent::RoleDecline { role, reason },
            Verb::Role(RoleCmd::Page { role, person }) => Intent::RolePage { role, person },
            Verb::Checklist(ChecklistCmd::Show { .. }) => return None,
            Verb::Checklist(ChecklistCmd::Tick {
                checklist,
                step,
                note,
            }) => Intent::ChecklistTick {
                checklist,
                step,
                note,
            },
            Verb::Checklist(ChecklistCmd::Untick {
                checklist,
                step,
                reason,
            }) => Intent::ChecklistUntick {
                checklist,
                step,
                reason,
            },
            Verb::Retro(RetroCmd::Schedule {
                facilitator,
                on,
                link,
                exception,
            }) => Intent::Retrospective {
                facilitator,
                on,
                link,
                exception,
            },
            Verb::Action(ActionCmd::Amend {
                id,
                what,
                why,
                risk,
                revert,
            }) => Intent::ActionAmend {
                reference: id,
                what,
                why,
                risk,
                revert,
            },
            Verb::Action(ActionCmd::Reject(r)) => Intent::Action {
                step: ActionStep::Reject,
                reference: r.id,
                reason: r.reason,
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
                    ActionCmd::Info(r) => (ActionStep::AskInfo, r),
                    ActionCmd::Start(r) => (ActionStep::Start, r),
                    ActionCmd::Done(r) => (ActionStep::Done, r),
                    ActionCmd::Fail(r) => (ActionStep::Fail, r),
                    ActionCmd::Revert(r) => (ActionStep::Revert, r),
                    ActionCmd::Propose { .. } | ActionCmd::Reject(_) | ActionCmd::Amend { .. } => {
                        unreachable!("matched above")
                    }
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
            Verb::Followup { from: Some(_), .. } => return None,
            Verb::Followup {
                text,
                owner,
                criticality,
                due,
                from: None,
            } => Intent::FollowUp(FollowUp {
                text: join(text),
                owner,
                criticality,
                due,
                from_event: None,
            }),
            Verb::NearMiss { would_be } => Intent::NearMiss(would_be),
            Verb::Dismiss {
                false_positive,
                reason,
                ..
            } => Intent::Dismiss {
                verdict: if false_positive {
                    Verdict::FalsePositive
                } else {
                    Verdict::NotAnIncident
                },
                reason: join(reason),
            },
            Verb::Security { details } => Intent::Security(details),
            Verb::Public { resume, reason } => Intent::PublicHold {
                held: !resume,
                reason,
            },
            Verb::Title { title } => Intent::Title(join(title)),
            Verb::Summary { summary } => Intent::Summary(join(summary)),
            Verb::Clock(ClockCmd::Ack { name }) => Intent::ClockAck(name),
            Verb::Clock(ClockCmd::Snooze { .. }) => return None,
        })
    }
}
