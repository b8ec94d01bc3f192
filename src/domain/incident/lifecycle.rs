//! Lifecycle: declaring, the title and summary, severity, the state machine
//! of the playbook, the service status, the outage markers and reopening.
//! Also the time rule every event meets (issue 13): nothing is dated in the
//! future, and the lifecycle is never backdated out of order.

use chrono::{DateTime, Duration, Utc};

use super::known::{known_severity, known_state, non_empty, or_none};
use super::model::{Incident, SecurityFlag, Span};
use crate::domain::event::{Event, EventKind};
use crate::domain::playbook::{Phase, Playbook, State};
use crate::domain::rules::RuleError;
use crate::domain::time::human_duration;

/// A lifecycle event that passed its rules, with the playbook's spelling of
/// every name it carries.
pub(super) enum Change<'e> {
    Declared {
        title: &'e str,
        severity: String,
        summary: &'e str,
        security: bool,
        playbook: &'e str,
        state: String,
    },
    Title(&'e str),
    Summary(&'e str),
    Severity(String),
    State {
        key: String,
        phase: Phase,
        /// 003: "Resolved: ... status is again Operational."
        service_status: Option<String>,
    },
    ServiceStatus(String),
    OutageStarted,
    OutageEnded,
    Reopened {
        state: String,
    },
}

/// `None`: not a lifecycle event.
pub(super) fn check<'e>(
    inc: &Incident,
    e: &'e Event,
    pb: &Playbook,
) -> Option<Result<Change<'e>, RuleError>> {
    use EventKind::*;
    Some(match &e.kind {
        Declared {
            title,
            severity,
            summary,
            security,
            playbook,
        } => declared(inc, pb, title, severity).map(|severity| Change::Declared {
            title,
            severity,
            summary,
            security: *security,
            playbook,
            state: pb.initial_state().key.clone(),
        }),
        TitleChanged { title } => non_empty(title, "the title").map(|()| Change::Title(title)),
        SummaryChanged { summary } => Ok(Change::Summary(summary)),
        SeverityChanged { severity, reason } => severity_change(pb, severity, reason),
        StateChanged { state, .. } => state_change(inc, pb, state, &e.author),
        ServiceStatusChanged { status, .. } => match pb.service_status(status) {
            Some(s) => Ok(Change::ServiceStatus(s.key.clone())),
            None => Err(RuleError::UnknownServiceStatus {
                given: status.clone(),
                valid: pb
                    .service_statuses
                    .iter()
                    .map(|s| s.key.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
            }),
        },
        OutageStarted {} => Ok(Change::OutageStarted),
        OutageEnded {} => Ok(Change::OutageEnded),
        Reopened { .. } => match inc.phase(pb) {
            Phase::Active => Err(RuleError::NotReopenable(
                pb.state_in_phase(Phase::Resolved).label.clone(),
            )),
            _ => Ok(Change::Reopened {
                state: pb.initial_state().key.clone(),
            }),
        },
        _ => return None,
    })
}

fn declared(
    inc: &Incident,
    pb: &Playbook,
    title: &str,
    severity: &str,
) -> Result<String, RuleError> {
    if inc.declared {
        return Err(RuleError::AlreadyDeclared);
    }
    non_empty(title, "the title")?;
    Ok(known_severity(pb, severity)?.name.clone())
}

fn severity_change<'e>(
    pb: &Playbook,
    severity: &str,
    reason: &str,
) -> Result<Change<'e>, RuleError> {
    let sev = known_severity(pb, severity)?;
    if pb.rules.severity_reason {
        non_empty(reason, "the reason for the severity change")?;
    }
    Ok(Change::Severity(sev.name.clone()))
}

fn state_change<'e>(
    inc: &Incident,
    pb: &Playbook,
    to: &str,
    author: &str,
) -> Result<Change<'e>, RuleError> {
    let target = allowed_state(inc, pb, to)?;
    if target.phase == Phase::Resolved {
        inc.check_owner_resolves(pb, author)?;
    }
    Ok(Change::State {
        key: target.key.clone(),
        phase: target.phase,
        service_status: target
            .service_status
            .as_deref()
            .and_then(|s| pb.service_status(s))
            .map(|s| s.key.clone()),
    })
}

/// The playbook's state machine: only the `next` states of the current one;
/// the closed state only through the close flow.
fn allowed_state<'p>(inc: &Incident, pb: &'p Playbook, to: &str) -> Result<&'p State, RuleError> {
    let target = known_state(pb, to)?;
    if target.phase == Phase::Closed {
        return Err(RuleError::CloseByState(target.key.clone()));
    }
    if target.key == inc.state {
        return Err(RuleError::SameState(target.key.clone()));
    }
    let allowed = pb
        .state(&inc.state)
        .map(|s| s.next.clone())
        .unwrap_or_default();
    if allowed.contains(&target.key) {
        Ok(target)
    } else {
        Err(RuleError::StateTransition {
            from: inc.state.clone(),
            to: target.key.clone(),
            allowed: or_none(&allowed.join(", ")),
        })
    }
}

pub(super) fn fold(inc: &mut Incident, e: &Event, change: Change<'_>) {
    match change {
        Change::Declared {
            title,
            severity,
            summary,
            security,
            playbook,
            state,
        } => {
            inc.declared = true;
            inc.title = title.to_string();
            inc.summary = summary.to_string();
            if !summary.is_empty() {
                inc.summary_at = Some(e.at);
            }
            inc.playbook = playbook.to_string();
            inc.declared_at = e.at;
            inc.declared_by = e.author.clone();
            set_severity(inc, severity, e.at);
            inc.state_history.push(Span {
                value: state.clone(),
                at: e.at,
            });
            inc.state = state;
            if security {
                inc.security = Some(SecurityFlag {
                    at: e.at,
                    by: e.author.clone(),
                    details: String::new(),
                });
            }
        }
        Change::Title(title) => inc.title = title.to_string(),
        Change::Summary(summary) => {
            inc.summary = summary.to_string();
            inc.summary_at = Some(inc.summary_at.map_or(e.at, |t| t.max(e.at)));
        }
        Change::Severity(sev) => set_severity(inc, sev, e.at),
        Change::State {
            key,
            phase,
            service_status,
        } => {
            inc.set_state(&key, phase, e.at);
            if service_status.is_some() {
                inc.service_status = service_status;
            }
        }
        Change::ServiceStatus(key) => inc.service_status = Some(key),
        Change::OutageStarted => inc.outage_start = Some(e.at),
        Change::OutageEnded => inc.outage_end = Some(e.at),
        Change::Reopened { state } => {
            // The verdict was wrong after all: it is an incident again.
            inc.dismissed = None;
            inc.set_state(&state, Phase::Active, e.at)
        }
    }
}

fn set_severity(inc: &mut Incident, sev: String, at: DateTime<Utc>) {
    inc.severity_history.push(Span {
        value: sev.clone(),
        at,
    });
    inc.severity = sev;
}

/// How far ahead of its recording an event's time may be: the clock skew
/// between a scribe's watch, a chat server and this machine. Two minutes is
/// above what NTP-synced clocks drift and far below the 15-minute watch of
/// 001 that a future `close confirm --at` would skip (issue 13).
pub const CLOCK_SKEW: Duration = Duration::minutes(2);

/// When a message another system timestamped (a chat server) was written, as
/// this machine records it: the server's time, but never more than
/// `CLOCK_SKEW` ahead of ours. A server clock running further ahead would
/// have the time rule refuse the note (issue 13): it is kept instead, and
/// messages keep their order (the cap never reorders them).
pub fn heard_at(at: DateTime<Utc>, now: DateTime<Utc>) -> DateTime<Utc> {
    at.min(now + CLOCK_SKEW)
}

/// The events that make the incident's lifecycle: their times are its
/// spine (duration, time to resolve, the watch), so they keep their order.
/// Notes, outage markers and the rest may be backdated before the
/// declaration: the first customer complaint came before it (000).
fn is_lifecycle(kind: &EventKind) -> bool {
    use EventKind::*;
    matches!(
        kind,
        Declared { .. }
            | StateChanged { .. }
            | SeverityChanged { .. }
            | CloseRequested {}
            | Closed {}
            | Dismissed { .. }
            | Reopened { .. }
    )
}

fn stamp(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%d %H:%M:%S UTC").to_string()
}

/// The time rule, checked before every event's own rules: no time later than
/// its recording plus `CLOCK_SKEW`; no lifecycle event before the lifecycle
/// event it follows (the declaration first of all).
pub(super) fn check_time(inc: &Incident, e: &Event) -> Result<(), RuleError> {
    if e.at > e.recorded_at + CLOCK_SKEW {
        return Err(RuleError::InTheFuture {
            at: stamp(e.at),
            now: stamp(e.recorded_at),
            skew: human_duration(CLOCK_SKEW),
        });
    }
    if let Some(last) = &inc.last_lifecycle
        && is_lifecycle(&e.kind)
        && e.at < last.at
    {
        return Err(RuleError::Backdated {
            kind: e.kind.name(),
            at: stamp(e.at),
            before: last.value.clone(),
            then: stamp(last.at),
        });
    }
    Ok(())
}

/// The fold half of the time rule: remember the latest lifecycle event.
pub(super) fn fold_time(inc: &mut Incident, e: &Event) {
    if is_lifecycle(&e.kind) {
        inc.last_lifecycle = Some(Span {
            value: e.kind.name(),
            at: e.at,
        });
    }
}
