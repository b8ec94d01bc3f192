//! What the fold keeps: the `Incident` and the records it is made of, with
//! the lookups every concern shares. Types only and read-only queries; the
//! rules and the fold of each event live in the concern files beside this one.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

use crate::domain::event::{Briefing, CheckIn, FollowUp, Proposal, Verdict};
use crate::domain::ids::{EventId, IncidentId};
use crate::domain::playbook::checklist::StepMark;
use crate::domain::playbook::{Phase, Playbook};
use crate::domain::rules::RuleError;

/// The shortest id prefix that names an action; shorter references are numbers.
pub const MIN_ID_PREFIX: usize = 4;

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

    /// Whether an action in this status may move to `to` (the screen checks
    /// before it asks for a reason; issue 13).
    pub fn may_become(self, to: ActionStatus) -> bool {
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

/// A handoff of one role: offered by the outgoing person (000 step 3: "explicitly
/// say ... that they are handing off command"), completed by the incoming one
/// (000 step 4: "explicitly say ... that they now have command").
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Handoff {
    /// The `role_handed_off` event.
    pub id: EventId,
    pub role: String,
    pub from: String,
    pub to: String,
    pub briefing: Briefing,
    pub offered_at: DateTime<Utc>,
    pub offered_by: String,
    /// When the incoming person said "I have command" (the handoff+30 anchor, 004).
    pub accepted_at: Option<DateTime<Utc>>,
    pub declined_at: Option<DateTime<Utc>>,
    pub declined_by: Option<String>,
    pub declined_reason: String,
}

impl Handoff {
    pub fn is_pending(&self) -> bool {
        self.accepted_at.is_none() && self.declined_at.is_none()
    }

    pub fn is_declined(&self) -> bool {
        self.declined_at.is_some()
    }
}

/// The review after the incident, as scheduled.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Retrospective {
    pub id: EventId,
    pub facilitator: String,
    pub on: Option<NaiveDate>,
    pub link: String,
    pub exception: String,
    pub scheduled_at: DateTime<Utc>,
    pub scheduled_by: String,
}

/// 000 responder script steps 4-5: the verdict that closed the record
/// without the close ceremony (issue 13).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Dismissal {
    pub id: EventId,
    pub verdict: Verdict,
    pub reason: String,
    pub by: String,
    pub at: DateTime<Utc>,
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
    /// Events marked by a `highlighted` event. Notes that are highlights by
    /// their tag are not listed: ask `is_highlight`.
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
    /// Paging, public-post hold and remote ids (issue 17; `domain/remote.rs`).
    #[serde(default)]
    pub remote: crate::domain::remote::Remote,
    /// The latest lifecycle event (declared, state, severity, close, reopen)
    /// by kind name and time: the time rule (`lifecycle::check_time`) refuses
    /// a lifecycle event backdated before it (issue 13).
    #[serde(default)]
    pub last_lifecycle: Option<Span>,
    /// Closed as not an incident or a false positive (issue 13); a reopen clears it.
    #[serde(default)]
    pub dismissed: Option<Dismissal>,
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
            remote: Default::default(),
            last_lifecycle: None,
            dismissed: None,
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

    /// The handoff of `role` waiting for the incoming person, if any.
    pub fn pending_handoff(&self, role: &str) -> Option<&Handoff> {
        self.handoffs
            .iter()
            .rev()
            .find(|h| h.role == role && h.is_pending())
    }

    pub fn standing_objections(&self) -> impl Iterator<Item = &Objection> {
        self.objections.iter().filter(|o| !o.withdrawn)
    }

    pub(super) fn set_state(&mut self, key: &str, phase: Phase, at: DateTime<Utc>) {
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
}
