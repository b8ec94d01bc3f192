//! The incident: a pure fold over its events. `apply` checks an event against
//! the playbook's rules first and changes nothing when it refuses, so the journal
//! can validate a new event on its cached state and roll back on refusal.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

use super::checklist::StepMark;
use super::event::{ActionUpdate, CheckIn, Event, EventKind, FollowUp, Proposal};
use super::ids::{EventId, IncidentId};
use super::playbook::{Phase, Playbook};
use super::review::Retrospective;
use super::roster::Handoff;
use super::rules::RuleError;
use super::time::human_duration;

/// The shortest id prefix that names an action; shorter references are numbers.
pub const MIN_ID_PREFIX: usize = 4;

/// How many of the latest notes feed each briefing field.
pub const BRIEFING_NOTES_KEPT: usize = 20;

/// One person holding one role for a stretch of time.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Holding {
    pub role: String,
    pub person: String,
    pub assigned_at: DateTime<Utc>,
    pub engaged_at: Option<DateTime<Utc>>,
    pub released_at: Option<DateTime<Utc>>,
    /// Set when the role was handed off rather than simply released.
    pub handed_to: Option<String>,
}

impl Holding {
    pub fn is_current(&self) -> bool {
        self.released_at.is_none()
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActionStatus {
    Proposed,
    InfoRequested,
    Approved,
    Rejected,
    Started,
    Done,
    Failed,
    Reverted,
}

impl ActionStatus {
    pub fn name(self) -> &'static str {
        match self {
            ActionStatus::Proposed => "proposed",
            ActionStatus::InfoRequested => "waiting for info",
            ActionStatus::Approved => "approved",
            ActionStatus::Rejected => "rejected",
            ActionStatus::Started => "in progress",
            ActionStatus::Done => "done",
            ActionStatus::Failed => "failed",
            ActionStatus::Reverted => "reverted",
        }
    }

    /// The IC's answers to a proposal (001: approved by incident commander).
    pub fn is_decision(self) -> bool {
        matches!(
            self,
            ActionStatus::Approved | ActionStatus::Rejected | ActionStatus::InfoRequested
        )
    }

    /// 001: active measures wait for the IC. These are the ones waiting.
    pub fn awaits_decision(self) -> bool {
        matches!(self, ActionStatus::Proposed | ActionStatus::InfoRequested)
    }

    pub fn is_finished(self) -> bool {
        matches!(
            self,
            ActionStatus::Rejected
                | ActionStatus::Done
                | ActionStatus::Failed
                | ActionStatus::Reverted
        )
    }

    fn may_become(self, to: ActionStatus) -> bool {
        use ActionStatus::*;
        match self {
            Proposed => matches!(to, Approved | Rejected | InfoRequested),
            InfoRequested => matches!(to, Approved | Rejected | InfoRequested),
            Approved => matches!(to, Started | Done | Failed),
            Started => matches!(to, Done | Failed),
            Done | Failed => matches!(to, Reverted),
            Rejected | Reverted => false,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ActionStep {
    pub status: ActionStatus,
    pub at: DateTime<Utc>,
    pub by: String,
    pub reason: String,
}

/// An active measure and its way through the approval queue.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Action {
    pub id: EventId,
    /// 1-based, in the order proposed: what people say ("approve #3").
    pub number: usize,
    pub proposal: Proposal,
    pub proposed_by: String,
    pub proposed_at: DateTime<Utc>,
    pub status: ActionStatus,
    pub history: Vec<ActionStep>,
    /// Earlier versions of the proposal, oldest first (each amendment answers
    /// an "asked for more").
    #[serde(default)]
    pub revisions: Vec<Proposal>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CheckInRecord {
    pub id: EventId,
    pub at: DateTime<Utc>,
    pub by: String,
    pub checkin: CheckIn,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FollowUpRecord {
    pub id: EventId,
    pub at: DateTime<Utc>,
    pub by: String,
    pub item: FollowUp,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Objection {
    pub id: EventId,
    pub by: String,
    pub at: DateTime<Utc>,
    pub reason: String,
    pub withdrawn: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Span {
    pub value: String,
    pub at: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SecurityFlag {
    pub at: DateTime<Utc>,
    pub by: String,
    pub details: String,
}

/// The last message sent to stakeholders (the handoff briefing's "time and
/// content of the most recent customer update", 004).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CommsRecord {
    pub at: DateTime<Utc>,
    pub audience: String,
    pub text: String,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ClockMark {
    pub acknowledged_at: Option<DateTime<Utc>>,
    pub snoozed_until: Option<DateTime<Utc>>,
}

/// An event the fold could not apply on replay (e.g. two cockpits approved the
/// same action at once); kept visible rather than silently dropped.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Refused {
    pub event: EventId,
    pub reason: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Incident {
    pub id: IncidentId,
    pub declared: bool,
    pub playbook: String,
    pub title: String,
    pub summary: String,
    pub severity: String,
    pub state: String,
    pub service_status: Option<String>,
    pub declared_at: DateTime<Utc>,
    pub declared_by: String,
    pub roster: Vec<Holding>,
    pub actions: Vec<Action>,
    pub checkins: Vec<CheckInRecord>,
    pub links: BTreeMap<String, String>,
    pub outage_start: Option<DateTime<Utc>>,
    pub outage_end: Option<DateTime<Utc>>,
    pub follow_ups: Vec<FollowUpRecord>,
    pub security: Option<SecurityFlag>,
    pub near_miss: Option<String>,
    pub state_history: Vec<Span>,
    pub severity_history: Vec<Span>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    pub close_requested: Option<Span>,
    pub objections: Vec<Objection>,
    pub highlights: BTreeSet<EventId>,
    pub clocks: BTreeMap<String, ClockMark>,
    pub last_comms_at: Option<DateTime<Utc>>,
    /// The last message to each audience (lower case): 002's hourly client updates.
    pub comms_by_audience: BTreeMap<String, DateTime<Utc>>,
    /// When the summary was last written (002: a summary every 30 minutes).
    pub summary_at: Option<DateTime<Utc>>,
    pub notes: usize,
    pub events: usize,
    pub last_event_at: Option<DateTime<Utc>>,
    pub refused: Vec<Refused>,
    /// Every handoff offered, in order (pending, accepted or declined).
    pub handoffs: Vec<Handoff>,
    /// Ticked checklist steps: checklist key -> step key -> tick.
    pub checklist_marks: BTreeMap<String, BTreeMap<String, StepMark>>,
    pub retrospective: Option<Retrospective>,
    pub last_comms: Option<CommsRecord>,
    /// Texts of non-private notes whose tag feeds a briefing field, by field.
    pub briefing_notes: BTreeMap<String, Vec<String>>,
    /// Notes marked private: they stay in this journal and are never sent.
    pub private_notes: usize,
}

impl Incident {
    pub fn new(id: IncidentId) -> Self {
        Self {
            id,
            declared: false,
            playbook: String::new(),
            title: String::new(),
            summary: String::new(),
            severity: String::new(),
            state: String::new(),
            service_status: None,
            declared_at: DateTime::<Utc>::UNIX_EPOCH,
            declared_by: String::new(),
            roster: Vec::new(),
            actions: Vec::new(),
            checkins: Vec::new(),
            links: BTreeMap::new(),
            outage_start: None,
            outage_end: None,
            follow_ups: Vec::new(),
            security: None,
            near_miss: None,
            state_history: Vec::new(),
            severity_history: Vec::new(),
            resolved_at: None,
            closed_at: None,
            close_requested: None,
            objections: Vec::new(),
            highlights: BTreeSet::new(),
            clocks: BTreeMap::new(),
            last_comms_at: None,
            comms_by_audience: BTreeMap::new(),
            summary_at: None,
            notes: 0,
            events: 0,
            last_event_at: None,
            refused: Vec::new(),
            handoffs: Vec::new(),
            checklist_marks: BTreeMap::new(),
            retrospective: None,
            last_comms: None,
            briefing_notes: BTreeMap::new(),
            private_notes: 0,
        }
    }

    /// Fold events in journal order. Events the rules refuse are recorded in
    /// `refused`, not applied; events of unknown kinds are skipped.
    pub fn replay<'a>(
        id: IncidentId,
        events: impl IntoIterator<Item = &'a Event>,
        playbook: &Playbook,
    ) -> Self {
        let mut incident = Incident::new(id);
        for e in events {
            incident.replay_one(e, playbook);
        }
        incident
    }

    /// Apply one stored event during replay, recording a refusal instead of failing.
    pub fn replay_one(&mut self, event: &Event, playbook: &Playbook) {
        match self.apply(event, playbook) {
            Ok(()) | Err(RuleError::Unrecognized(_)) => {}
            Err(e) => self.refused.push(Refused {
                event: event.id,
                reason: e.to_string(),
            }),
        }
    }

    pub fn phase(&self, playbook: &Playbook) -> Phase {
        playbook
            .state(&self.state)
            .map(|s| s.phase)
            .unwrap_or_default()
    }

    pub fn is_open(&self, playbook: &Playbook) -> bool {
        self.declared && self.phase(playbook) != Phase::Closed
    }

    /// People holding `role` now.
    pub fn holders<'a>(&'a self, role: &'a str) -> impl Iterator<Item = &'a Holding> + 'a {
        self.roster
            .iter()
            .filter(move |h| h.is_current() && h.role == role)
    }

    /// Roles `person` holds now.
    pub fn roles_of<'a>(&'a self, person: &'a str) -> impl Iterator<Item = &'a Holding> + 'a {
        self.roster
            .iter()
            .filter(move |h| h.is_current() && h.person == person)
    }

    /// Whoever holds the commanding role now.
    pub fn commander<'a>(&'a self, playbook: &Playbook) -> Option<&'a Holding> {
        let key = &playbook.commander().key;
        self.roster
            .iter()
            .find(|h| h.is_current() && &h.role == key)
    }

    pub fn action(&self, id: EventId) -> Option<&Action> {
        // Newest first: the actions being decided and carried out are the recent ones.
        self.actions.iter().rev().find(|a| a.id == id)
    }

    /// Find an action by `#3`, `3` or an id prefix of at least
    /// `MIN_ID_PREFIX` characters. `#3` is only ever a number, and so is a
    /// shorter reference: "approve 9" must not approve whichever action's id
    /// happens to start with 9.
    pub fn find_action(&self, reference: &str) -> Result<&Action, RuleError> {
        let unknown = || RuleError::UnknownAction(reference.to_string());
        let given = reference.trim();
        let r = given.trim_start_matches('#');
        if let Ok(n) = r.parse::<usize>()
            && let Some(a) = self.actions.iter().find(|a| a.number == n)
        {
            return Ok(a);
        }
        if given.starts_with('#') || r.len() < MIN_ID_PREFIX {
            return Err(unknown());
        }
        let mut hits = self.actions.iter().filter(|a| a.id.matches_prefix(r));
        match (hits.next(), hits.next()) {
            (Some(a), None) => Ok(a),
            _ => Err(unknown()),
        }
    }

    pub fn standing_objections(&self) -> impl Iterator<Item = &Objection> {
        self.objections.iter().filter(|o| !o.withdrawn)
    }

    /// Check `event` against the rules and, only if it passes, fold it in.
    pub fn apply(&mut self, event: &Event, pb: &Playbook) -> Result<(), RuleError> {
        self.check(event, pb)?;
        self.fold(event, pb);
        Ok(())
    }

    fn check(&self, event: &Event, pb: &Playbook) -> Result<(), RuleError> {
        use EventKind::*;
        let kind = &event.kind;
        if let Unrecognized { kind, .. } = kind {
            return Err(RuleError::Unrecognized(kind.clone()));
        }
        if let Declared {
            title, severity, ..
        } = kind
        {
            if self.declared {
                return Err(RuleError::AlreadyDeclared);
            }
            non_empty(title, "the title")?;
            return known_severity(pb, severity);
        }
        if !self.declared {
            return Err(RuleError::NotDeclared);
        }
        let closed = self.phase(pb) == Phase::Closed;
        let allowed_when_closed = matches!(
            kind,
            Note { .. }
                | Highlighted { .. }
                | Amended { .. }
                | FollowUpAdded(_)
                | LinkSet { .. }
                | Reopened { .. }
                | ClockAcknowledged { .. }
                | ClockSnoozed { .. }
                | ChecklistStepDone { .. }
                | ChecklistStepUndone { .. }
                | RetrospectiveScheduled { .. }
                | SyncDropped { .. }
        );
        if closed && !allowed_when_closed {
            return Err(RuleError::IncidentClosed);
        }
        match kind {
            Declared { .. } | Unrecognized { .. } => unreachable!("handled above"),
            TitleChanged { title } => non_empty(title, "the title"),
            SummaryChanged { .. }
            | Highlighted { .. }
            | OutageStarted {}
            | OutageEnded {}
            | SecurityFlagged { .. } => Ok(()),
            SeverityChanged { severity, reason } => {
                known_severity(pb, severity)?;
                if pb.rules.severity_reason {
                    non_empty(reason, "the reason for the severity change")?;
                }
                Ok(())
            }
            NearMiss { would_be_severity } => known_severity(pb, would_be_severity),
            StateChanged { state, .. } => {
                self.check_state_change(pb, state)?;
                let resolving = pb.state(state).is_some_and(|s| s.phase == Phase::Resolved);
                if resolving && pb.ownership.owner_resolves {
                    // 003: "only the owner of the incident can declare an incident resolved"
                    let owner = self.owner(pb);
                    if owner.person != event.author {
                        return Err(RuleError::OnlyOwnerResolves {
                            owner: owner.person,
                        });
                    }
                }
                Ok(())
            }
            ServiceStatusChanged { status, .. } => match pb.service_status(status) {
                Some(_) => Ok(()),
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
            RoleAssigned { role, person } => {
                self.check_assign(pb, role, person)?;
                self.check_commander_decides(pb, role, &event.author)
            }
            RoleEngaged { role, person } => {
                let role = known_role(pb, role)?;
                if self.holders(&role).any(|h| &h.person == person) {
                    Ok(())
                } else {
                    self.check_assign(pb, &role, person)?;
                    self.check_commander_decides(pb, &role, &event.author)
                }
            }
            RoleReleased { role, person } => {
                let role = known_role(pb, role)?;
                self.check_holds(&role, person)?;
                let def = pb.role(&role).expect("known role");
                if def.lifecycle {
                    return Err(RuleError::StaysForLifecycle(def.name.clone()));
                }
                self.check_commander_decides(pb, &role, &event.author)
            }
            RoleHandedOff {
                role,
                from,
                to,
                briefing,
            } => {
                let role = known_role(pb, role)?;
                non_empty(to, "the person taking over")?;
                self.check_holds(&role, from)?;
                // Handing to yourself, or to someone already holding a shared role.
                if from == to || self.holders(&role).any(|h| &h.person == to) {
                    return Err(RuleError::AlreadyHolding {
                        role,
                        person: to.clone(),
                    });
                }
                self.check_combines(pb, &role, to)?;
                self.check_handoff_offer(pb, &role, briefing, &event.author)
            }
            HandoffAccepted { role, person } => {
                let role = known_role(pb, role)?;
                self.check_handoff_accept(pb, &role, person)
            }
            HandoffDeclined { role, .. } => {
                let role = known_role(pb, role)?;
                match self.pending_handoff(&role) {
                    Some(_) => Ok(()),
                    None => Err(RuleError::NoPendingHandoff(role)),
                }
            }
            ChecklistStepDone {
                checklist,
                step,
                note,
            } => self.check_step(pb, checklist, step, true, note),
            ChecklistStepUndone {
                checklist, step, ..
            } => self.check_step(pb, checklist, step, false, ""),
            ActionAmended { action, proposal } => {
                non_empty(&proposal.what, "what the action does")?;
                let a = self
                    .action(*action)
                    .ok_or_else(|| RuleError::UnknownAction(action.short()))?;
                if a.status.awaits_decision() {
                    Ok(())
                } else {
                    Err(RuleError::ActionTransition {
                        number: a.number,
                        from: a.status.name().into(),
                        to: "amended".into(),
                    })
                }
            }
            RetrospectiveScheduled {
                facilitator,
                exception,
                ..
            } => self.check_retrospective(pb, facilitator, exception),
            Note { text, tag, .. } => {
                non_empty(text, "a note")?;
                known_tag(pb, tag)
            }
            Amended { text, .. } => non_empty(text, "the correction"),
            ActionProposed(p) => non_empty(&p.what, "what the action does"),
            ActionApproved(u)
            | ActionRejected(u)
            | ActionInfoRequested(u)
            | ActionStarted(u)
            | ActionDone(u)
            | ActionFailed(u)
            | ActionReverted(u) => {
                let to = action_target(kind).expect("action lifecycle kind");
                self.check_action(u, to)?;
                if matches!(kind, ActionRejected(_)) {
                    // 001 / 000: the proposer learns why, and the timeline keeps it.
                    non_empty(&u.reason, "the reason for rejecting")?;
                }
                if to.is_decision() {
                    self.check_decider(pb, &event.author)?;
                }
                Ok(())
            }
            CheckInHeld(c) => non_empty(&c.status, "the status report"),
            CommsSent { text, .. } => non_empty(text, "the message"),
            LinkSet { link, url } => {
                non_empty(url, "the link")?;
                if pb.link_kinds.iter().any(|k| k.eq_ignore_ascii_case(link)) {
                    Ok(())
                } else {
                    Err(RuleError::UnknownLinkKind {
                        given: link.clone(),
                        valid: pb.link_kinds.join(", "),
                    })
                }
            }
            CloseRequested {} => {
                self.check_resolved(pb)?;
                if self.close_requested.is_some() {
                    Err(RuleError::CloseAlreadyRequested)
                } else {
                    Ok(())
                }
            }
            ObjectionRaised { reason } => {
                non_empty(reason, "the objection")?;
                if self.close_requested.is_none() {
                    Err(RuleError::CloseNotRequested)
                } else {
                    Ok(())
                }
            }
            ObjectionWithdrawn { objection } => {
                if self.standing_objections().any(|o| o.id == *objection) {
                    Ok(())
                } else {
                    Err(RuleError::UnknownObjection(objection.short()))
                }
            }
            Closed {} => self.check_close(pb, event.at),
            Reopened { .. } => match self.phase(pb) {
                Phase::Active => Err(RuleError::NotReopenable(
                    pb.state_in_phase(Phase::Resolved).label.clone(),
                )),
                _ => Ok(()),
            },
            FollowUpAdded(f) => non_empty(&f.text, "the follow-up"),
            ClockAcknowledged { clock } => non_empty(clock, "the clock name"),
            ClockSnoozed { clock, until } => {
                non_empty(clock, "the clock name")?;
                if *until <= event.at {
                    return Err(RuleError::SnoozeInThePast);
                }
                Ok(())
            }
            SyncDropped { endpoint, .. } => non_empty(endpoint, "the endpoint"),
        }
    }

    fn check_state_change(&self, pb: &Playbook, to: &str) -> Result<(), RuleError> {
        let Some(target) = pb.state(to) else {
            return Err(RuleError::UnknownState {
                given: to.to_string(),
                valid: pb
                    .states
                    .iter()
                    .map(|s| s.key.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
            });
        };
        if target.phase == Phase::Closed {
            return Err(RuleError::CloseByState(target.key.clone()));
        }
        if target.key == self.state {
            return Err(RuleError::SameState(target.key.clone()));
        }
        let current = pb.state(&self.state);
        let allowed = current.map(|s| s.next.clone()).unwrap_or_default();
        if allowed.contains(&target.key) {
            Ok(())
        } else {
            Err(RuleError::StateTransition {
                from: self.state.clone(),
                to: target.key.clone(),
                allowed: or_none(&allowed.join(", ")),
            })
        }
    }

    fn check_assign(&self, pb: &Playbook, role: &str, person: &str) -> Result<(), RuleError> {
        let role = known_role(pb, role)?;
        non_empty(person, "the person")?;
        if self.holders(&role).any(|h| h.person == person) {
            return Err(RuleError::AlreadyHolding {
                role,
                person: person.to_string(),
            });
        }
        let def = pb.role(&role).expect("known role");
        let holder = self.holders(&role).next().map(|h| h.person.clone());
        if def.single
            && let Some(holder) = holder
        {
            return Err(RuleError::RoleTaken { role, holder });
        }
        self.check_combines(pb, &role, person)
    }

    /// A person may hold several roles only where the playbook says they combine.
    /// Callers have refused `person` already holding `role`, so every role
    /// looked at here is another one.
    pub(crate) fn check_combines(
        &self,
        pb: &Playbook,
        role: &str,
        person: &str,
    ) -> Result<(), RuleError> {
        let wanted = pb.role(role).expect("known role");
        for held in self.roles_of(person) {
            let other = pb.role(&held.role);
            let ok = wanted.combines_with.contains(&held.role)
                || other.is_some_and(|o| o.combines_with.iter().any(|k| k == role));
            if !ok {
                return Err(RuleError::RolesDoNotCombine {
                    person: person.to_string(),
                    held: held.role.clone(),
                    role: role.to_string(),
                });
            }
        }
        Ok(())
    }

    fn check_holds(&self, role: &str, person: &str) -> Result<(), RuleError> {
        if self.holders(role).any(|h| h.person == person) {
            Ok(())
        } else {
            Err(RuleError::NotHolding {
                role: role.to_string(),
                person: person.to_string(),
            })
        }
    }

    fn check_action(&self, update: &ActionUpdate, to: ActionStatus) -> Result<(), RuleError> {
        let action = self
            .action(update.action)
            .ok_or_else(|| RuleError::UnknownAction(update.action.short()))?;
        if action.status.may_become(to) {
            Ok(())
        } else {
            Err(RuleError::ActionTransition {
                number: action.number,
                from: action.status.name().into(),
                to: to.name().into(),
            })
        }
    }

    fn check_resolved(&self, pb: &Playbook) -> Result<(), RuleError> {
        if self.phase(pb) == Phase::Resolved {
            Ok(())
        } else {
            Err(RuleError::NotResolved {
                resolved: pb.state_in_phase(Phase::Resolved).key.clone(),
                state: self.state.clone(),
            })
        }
    }

    pub(crate) fn check_close(&self, pb: &Playbook, at: DateTime<Utc>) -> Result<(), RuleError> {
        self.check_resolved(pb)?;
        if self.close_requested.is_none() {
            return Err(RuleError::CloseNotRequested);
        }
        let standing = self.standing_objections().count();
        if standing > 0 {
            return Err(RuleError::ObjectionsStand(standing));
        }
        // 001: "wait an additional 15 minutes before you disband the response team"
        if let (Some(watch), Some(resolved)) = (pb.clocks.resolved_watch, self.resolved_at) {
            let remaining = resolved + watch - at;
            if remaining > chrono::Duration::zero() {
                return Err(RuleError::WatchNotOver {
                    remaining: human_duration(remaining),
                });
            }
        }
        // 000: the closing script's steps (bridge shut, topic reset, paging
        // resolved, actions documented, retrospective) where the playbook says so.
        if let Some((checklist, steps)) = self.close_blockers(pb).into_iter().next() {
            return Err(RuleError::ChecklistOpen {
                checklist,
                steps: steps.join(", "),
            });
        }
        Ok(())
    }

    /// Fold an event that passed `check`.
    fn fold(&mut self, e: &Event, pb: &Playbook) {
        use EventKind::*;
        self.events += 1;
        self.last_event_at = Some(self.last_event_at.map_or(e.at, |t| t.max(e.at)));
        match &e.kind {
            Declared {
                title,
                severity,
                summary,
                security,
                playbook,
            } => {
                let sev = pb
                    .severity(severity)
                    .map(|s| s.name.clone())
                    .unwrap_or_else(|| severity.clone());
                let state = pb.initial_state().key.clone();
                self.declared = true;
                self.title = title.clone();
                self.summary = summary.clone();
                if !summary.is_empty() {
                    self.summary_at = Some(e.at);
                }
                self.playbook = playbook.clone();
                self.declared_at = e.at;
                self.declared_by = e.author.clone();
                self.severity_history.push(Span {
                    value: sev.clone(),
                    at: e.at,
                });
                self.severity = sev;
                self.state_history.push(Span {
                    value: state.clone(),
                    at: e.at,
                });
                self.state = state;
                if *security {
                    self.security = Some(SecurityFlag {
                        at: e.at,
                        by: e.author.clone(),
                        details: String::new(),
                    });
                }
            }
            TitleChanged { title } => self.title = title.clone(),
            SummaryChanged { summary } => {
                self.summary = summary.clone();
                self.summary_at = Some(self.summary_at.map_or(e.at, |t| t.max(e.at)));
            }
            SeverityChanged { severity, .. } => {
                let sev = pb
                    .severity(severity)
                    .map(|s| s.name.clone())
                    .unwrap_or_else(|| severity.clone());
                self.severity_history.push(Span {
                    value: sev.clone(),
                    at: e.at,
                });
                self.severity = sev;
            }
            StateChanged { state, .. } => {
                let target = pb.state(state).expect("checked");
                self.set_state(&target.key, target.phase, e.at);
                // 003: "Resolved: ... status is again Operational."
                if let Some(status) = target
                    .service_status
                    .as_deref()
                    .and_then(|s| pb.service_status(s))
                {
                    self.service_status = Some(status.key.clone());
                }
            }
            ServiceStatusChanged { status, .. } => {
                self.service_status = pb.service_status(status).map(|s| s.key.clone());
            }
            RoleAssigned { role, person } => {
                self.assign(&known_role(pb, role).expect("checked"), person, e.at, false)
            }
            RoleEngaged { role, person } => {
                let role = known_role(pb, role).expect("checked");
                match self
                    .roster
                    .iter_mut()
                    .find(|h| h.is_current() && h.role == role && &h.person == person)
                {
                    Some(h) => {
                        h.engaged_at.get_or_insert(e.at);
                    }
                    None => self.assign(&role, person, e.at, true),
                }
            }
            RoleReleased { role, person } => {
                let role = known_role(pb, role).expect("checked");
                self.release(&role, person, e.at, None);
            }
            RoleHandedOff {
                role,
                from,
                to,
                briefing,
            } => {
                let role = known_role(pb, role).expect("checked");
                let confirm = pb.role(&role).is_some_and(|r| r.confirm_handoff);
                self.handoffs.push(Handoff {
                    id: e.id,
                    role: role.clone(),
                    from: from.clone(),
                    to: to.clone(),
                    briefing: briefing.clone(),
                    offered_at: e.at,
                    offered_by: e.author.clone(),
                    accepted_at: (!confirm).then_some(e.at),
                    declined_at: None,
                    declined_by: None,
                    declined_reason: String::new(),
                });
                // 000: the outgoing person keeps command until the incoming one
                // says they have it; without `confirm_handoff` it passes now.
                if !confirm {
                    self.release(&role, from, e.at, Some(to.clone()));
                    self.assign(&role, to, e.at, true);
                }
            }
            HandoffAccepted { role, person } => {
                let role = known_role(pb, role).expect("checked");
                let from = self.pending_handoff(&role).map(|h| h.from.clone());
                if let Some(h) = self
                    .handoffs
                    .iter_mut()
                    .rev()
                    .find(|h| h.role == role && h.is_pending())
                {
                    h.accepted_at = Some(e.at);
                }
                if let Some(from) = from {
                    self.release(&role, &from, e.at, Some(person.clone()));
                }
                self.assign(&role, person, e.at, true);
            }
            HandoffDeclined { role, reason } => {
                let role = known_role(pb, role).expect("checked");
                if let Some(h) = self
                    .handoffs
                    .iter_mut()
                    .rev()
                    .find(|h| h.role == role && h.is_pending())
                {
                    h.declined_at = Some(e.at);
                    h.declined_by = Some(e.author.clone());
                    h.declined_reason = reason.clone();
                }
            }
            Note { text, tag, private } => {
                self.notes += 1;
                let tag = pb.tag(tag);
                if tag.is_some_and(|t| t.highlight) {
                    self.highlights.insert(e.id);
                }
                if *private {
                    self.private_notes += 1;
                } else if let Some(field) = tag.and_then(|t| t.briefing.clone()) {
                    let notes = self.briefing_notes.entry(field).or_default();
                    notes.push(text.clone());
                    // 004: a briefing is what the next IC takes in at a
                    // handoff, the latest notes; and the fold stays the same
                    // size however long the incident (issue 14).
                    if notes.len() > BRIEFING_NOTES_KEPT {
                        notes.remove(0);
                    }
                }
            }
            ChecklistStepDone {
                checklist,
                step,
                note,
            } => {
                if let Some((c, s)) = canonical_step(pb, checklist, step) {
                    self.checklist_marks.entry(c).or_default().insert(
                        s,
                        StepMark {
                            at: e.at,
                            by: e.author.clone(),
                            note: note.clone(),
                        },
                    );
                }
            }
            ChecklistStepUndone {
                checklist, step, ..
            } => {
                if let Some((c, s)) = canonical_step(pb, checklist, step)
                    && let Some(marks) = self.checklist_marks.get_mut(&c)
                {
                    marks.remove(&s);
                }
            }
            ActionAmended { action, proposal } => {
                if let Some(a) = self.actions.iter_mut().find(|a| a.id == *action) {
                    let old = std::mem::replace(&mut a.proposal, proposal.clone());
                    a.revisions.push(old);
                    a.status = ActionStatus::Proposed;
                    a.history.push(ActionStep {
                        status: ActionStatus::Proposed,
                        at: e.at,
                        by: e.author.clone(),
                        reason: "amended".into(),
                    });
                }
            }
            RetrospectiveScheduled {
                facilitator,
                on,
                link,
                exception,
            } => {
                self.retrospective = Some(Retrospective {
                    id: e.id,
                    facilitator: facilitator.clone(),
                    on: *on,
                    link: link.clone(),
                    exception: exception.clone(),
                    scheduled_at: e.at,
                    scheduled_by: e.author.clone(),
                });
            }
            Highlighted { event } => {
                self.highlights.insert(*event);
            }
            Amended { .. } => {}
            ActionProposed(p) => {
                let number = self.actions.len() + 1;
                self.actions.push(Action {
                    id: e.id,
                    number,
                    proposal: p.clone(),
                    proposed_by: e.author.clone(),
                    proposed_at: e.at,
                    status: ActionStatus::Proposed,
                    history: vec![ActionStep {
                        status: ActionStatus::Proposed,
                        at: e.at,
                        by: e.author.clone(),
                        reason: String::new(),
                    }],
                    revisions: Vec::new(),
                });
            }
            ActionApproved(u)
            | ActionRejected(u)
            | ActionInfoRequested(u)
            | ActionStarted(u)
            | ActionDone(u)
            | ActionFailed(u)
            | ActionReverted(u) => {
                let to = action_target(&e.kind).expect("action kind");
                if let Some(a) = self.actions.iter_mut().rev().find(|a| a.id == u.action) {
                    a.status = to;
                    a.history.push(ActionStep {
                        status: to,
                        at: e.at,
                        by: e.author.clone(),
                        reason: u.reason.clone(),
                    });
                }
            }
            CheckInHeld(c) => self.checkins.push(CheckInRecord {
                id: e.id,
                at: e.at,
                by: e.author.clone(),
                checkin: c.clone(),
            }),
            CommsSent { audience, text } => {
                self.last_comms_at = Some(e.at);
                self.last_comms = Some(CommsRecord {
                    at: e.at,
                    audience: audience.clone(),
                    text: text.clone(),
                });
                // A backdated entry never moves the clock backwards.
                let last = self
                    .comms_by_audience
                    .entry(audience.trim().to_lowercase())
                    .or_insert(e.at);
                *last = (*last).max(e.at);
            }
            LinkSet { link, url } => {
                let kind = pb
                    .link_kinds
                    .iter()
                    .find(|k| k.eq_ignore_ascii_case(link))
                    .cloned()
                    .unwrap_or_else(|| link.clone());
                self.links.insert(kind, url.clone());
            }
            OutageStarted {} => self.outage_start = Some(e.at),
            OutageEnded {} => self.outage_end = Some(e.at),
            CloseRequested {} => {
                self.close_requested = Some(Span {
                    value: e.author.clone(),
                    at: e.at,
                });
                self.objections.clear();
            }
            ObjectionRaised { reason } => self.objections.push(Objection {
                id: e.id,
                by: e.author.clone(),
                at: e.at,
                reason: reason.clone(),
                withdrawn: false,
            }),
            ObjectionWithdrawn { objection } => {
                if let Some(o) = self.objections.iter_mut().find(|o| o.id == *objection) {
                    o.withdrawn = true;
                }
            }
            Closed {} => {
                let closed = pb.state_in_phase(Phase::Closed).key.clone();
                self.set_state(&closed, Phase::Closed, e.at);
            }
            Reopened { .. } => {
                let first = pb.initial_state().key.clone();
                self.set_state(&first, Phase::Active, e.at);
            }
            FollowUpAdded(f) => self.follow_ups.push(FollowUpRecord {
                id: e.id,
                at: e.at,
                by: e.author.clone(),
                item: f.clone(),
            }),
            NearMiss { would_be_severity } => {
                self.near_miss = pb.severity(would_be_severity).map(|s| s.name.clone());
            }
            SecurityFlagged { details } => {
                // The 1-hour report clock (000) runs from the first flag; later
                // flags only add what has been learned.
                let flag = self.security.get_or_insert(SecurityFlag {
                    at: e.at,
                    by: e.author.clone(),
                    details: String::new(),
                });
                if !details.is_empty() {
                    if !flag.details.is_empty() {
                        flag.details.push_str("; ");
                    }
                    flag.details.push_str(details);
                }
            }
            ClockAcknowledged { clock } => {
                self.clocks
                    .entry(clock.clone())
                    .or_default()
                    .acknowledged_at = Some(e.at)
            }
            ClockSnoozed { clock, until } => {
                self.clocks.entry(clock.clone()).or_default().snoozed_until = Some(*until)
            }
            // Sync bookkeeping: on the timeline, not part of the incident's state.
            SyncDropped { .. } => {}
            Unrecognized { .. } => {}
        }
    }

    fn set_state(&mut self, key: &str, phase: Phase, at: DateTime<Utc>) {
        self.state = key.to_string();
        self.state_history.push(Span {
            value: key.to_string(),
            at,
        });
        match phase {
            Phase::Active => {
                self.resolved_at = None;
                self.closed_at = None;
                self.close_requested = None;
                self.objections.clear();
            }
            Phase::Resolved => {
                self.resolved_at = Some(at);
                self.closed_at = None;
            }
            Phase::Closed => self.closed_at = Some(at),
        }
    }

    fn assign(&mut self, role: &str, person: &str, at: DateTime<Utc>, engaged: bool) {
        self.roster.push(Holding {
            role: role.to_string(),
            person: person.to_string(),
            assigned_at: at,
            engaged_at: engaged.then_some(at),
            released_at: None,
            handed_to: None,
        });
    }

    fn release(&mut self, role: &str, person: &str, at: DateTime<Utc>, handed_to: Option<String>) {
        if let Some(h) = self
            .roster
            .iter_mut()
            .find(|h| h.is_current() && h.role == role && h.person == person)
        {
            h.released_at = Some(at);
            h.handed_to = handed_to;
        }
    }
}

/// The playbook's spelling of a checklist and step, given a key or a number.
fn canonical_step(pb: &Playbook, checklist: &str, step: &str) -> Option<(String, String)> {
    let c = pb.checklist(checklist)?;
    let (_, s) = c.step(step)?;
    Some((c.key.clone(), s.key.clone()))
}

fn action_target(kind: &EventKind) -> Option<ActionStatus> {
    use EventKind::*;
    Some(match kind {
        ActionApproved(_) => ActionStatus::Approved,
        ActionRejected(_) => ActionStatus::Rejected,
        ActionInfoRequested(_) => ActionStatus::InfoRequested,
        ActionStarted(_) => ActionStatus::Started,
        ActionDone(_) => ActionStatus::Done,
        ActionFailed(_) => ActionStatus::Failed,
        ActionReverted(_) => ActionStatus::Reverted,
        _ => return None,
    })
}

fn non_empty(s: &str, what: &'static str) -> Result<(), RuleError> {
    if s.trim().is_empty() {
        Err(RuleError::Empty(what))
    } else {
        Ok(())
    }
}

fn or_none(s: &str) -> String {
    if s.is_empty() {
        "nothing".into()
    } else {
        s.into()
    }
}

fn known_severity(pb: &Playbook, given: &str) -> Result<(), RuleError> {
    match pb.severity(given) {
        Some(_) => Ok(()),
        None => Err(RuleError::UnknownSeverity {
            given: given.to_string(),
            valid: pb.severity_names(),
        }),
    }
}

/// The playbook's spelling of a role key, or an error listing the valid ones.
fn known_role(pb: &Playbook, given: &str) -> Result<String, RuleError> {
    pb.role(given)
        .map(|r| r.key.clone())
        .ok_or_else(|| RuleError::UnknownRole {
            given: given.to_string(),
            valid: pb
                .roles
                .iter()
                .map(|r| r.key.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        })
}

fn known_tag(pb: &Playbook, given: &str) -> Result<(), RuleError> {
    match pb.tag(given) {
        Some(_) => Ok(()),
        None => Err(RuleError::UnknownTag {
            given: given.to_string(),
            valid: pb
                .tags
                .iter()
                .map(|t| t.key.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        }),
    }
}

#[cfg(test)]
#[path = "incident_tests.rs"]
mod tests;
