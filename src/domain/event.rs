//! Events: the only thing the journal stores. Incident state is a fold over them
//! (see `incident.rs`); nothing is updated in place, a correction is a new event.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::ids::{EventId, IncidentId};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Event {
    pub id: EventId,
    pub incident: IncidentId,
    /// When it happened; the scribe may backdate it ("noticed at 23:50").
    pub at: DateTime<Utc>,
    /// When it was written.
    pub recorded_at: DateTime<Utc>,
    pub author: String,
    #[serde(flatten)]
    pub kind: EventKind,
    /// The journal's local sequence number; `None` until stored.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seq: Option<i64>,
}

impl Event {
    pub fn new(
        incident: IncidentId,
        author: &str,
        at: DateTime<Utc>,
        recorded_at: DateTime<Utc>,
        kind: EventKind,
    ) -> Self {
        Self {
            id: EventId::new(),
            incident,
            at,
            recorded_at,
            // Whoever names the author (`--as`, $COCKPIT_USER, the config, a
            // chat user) names it in one clean line: it is printed everywhere.
            author: crate::domain::sanitize::clean_line(author),
            kind,
            seq: None,
        }
    }
}

/// Why an action changed state, and (for proposals) what it is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActionUpdate {
    /// The id of the `action_proposed` event.
    pub action: EventId,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub reason: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Proposal {
    pub what: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub why: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub risk: String,
    /// How to undo it (000: "do no harm").
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub revert: String,
}

/// The shift-handoff briefing of seed 004 ("Handoff", step 3): technical
/// status, open and eliminated hypotheses, time and content of the most recent
/// customer update, channels in play, key people outside the team.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Briefing {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub status: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub hypotheses_open: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub hypotheses_eliminated: String,
    /// What the last customer update said.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub last_customer_update: String,
    /// When the last customer update went out (004: "Time and content").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_customer_update_at: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub channels: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub people: String,
}

/// Direction of the service since the last check-in (001: "getting better or worse").
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Trend {
    Better,
    Same,
    Worse,
}

/// The verdict on one mitigation at a check-in (001: "reviews the status of any
/// mitigation or solution efforts ... put in place during the previous iteration").
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MitigationReview {
    pub action: EventId,
    pub verdict: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckIn {
    pub status: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trend: Option<Trend>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reviews: Vec<MitigationReview>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub next: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FollowUp {
    pub text: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub owner: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub criticality: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due: Option<NaiveDate>,
    /// The timeline entry it was raised from, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_event: Option<EventId>,
}

/// Every kind of event. Stored as a `kind` column plus a JSON `body`; the
/// snake_case variant name is the kind (and what sync subscriptions name).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "body", rename_all = "snake_case")]
pub enum EventKind {
    Declared {
        title: String,
        severity: String,
        #[serde(default, skip_serializing_if = "String::is_empty")]
        summary: String,
        #[serde(default)]
        security: bool,
        playbook: String,
    },
    TitleChanged {
        title: String,
    },
    SummaryChanged {
        summary: String,
    },
    SeverityChanged {
        severity: String,
        #[serde(default, skip_serializing_if = "String::is_empty")]
        reason: String,
    },
    StateChanged {
        state: String,
        #[serde(default, skip_serializing_if = "String::is_empty")]
        reason: String,
    },
    ServiceStatusChanged {
        status: String,
        #[serde(default, skip_serializing_if = "String::is_empty")]
        reason: String,
    },
    RoleAssigned {
        role: String,
        person: String,
    },
    RoleEngaged {
        role: String,
        person: String,
    },
    RoleReleased {
        role: String,
        person: String,
    },
    RoleHandedOff {
        role: String,
        from: String,
        to: String,
        #[serde(default)]
        briefing: Briefing,
    },
    Note {
        text: String,
        tag: String,
        /// A private note never leaves the journal (no outbox rows).
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        private: bool,
    },
    Highlighted {
        event: EventId,
    },
    Amended {
        event: EventId,
        text: String,
    },
    ActionProposed(Proposal),
    ActionApproved(ActionUpdate),
    ActionRejected(ActionUpdate),
    ActionInfoRequested(ActionUpdate),
    ActionStarted(ActionUpdate),
    ActionDone(ActionUpdate),
    ActionFailed(ActionUpdate),
    ActionReverted(ActionUpdate),
    CheckInHeld(CheckIn),
    CommsSent {
        audience: String,
        text: String,
    },
    LinkSet {
        link: String,
        url: String,
    },
    OutageStarted {},
    OutageEnded {},
    CloseRequested {},
    ObjectionRaised {
        reason: String,
    },
    ObjectionWithdrawn {
        objection: EventId,
    },
    Closed {},
    Reopened {
        #[serde(default, skip_serializing_if = "String::is_empty")]
        reason: String,
    },
    FollowUpAdded(FollowUp),
    NearMiss {
        would_be_severity: String,
    },
    SecurityFlagged {
        #[serde(default, skip_serializing_if = "String::is_empty")]
        details: String,
    },
    ClockAcknowledged {
        clock: String,
    },
    ClockSnoozed {
        clock: String,
        until: DateTime<Utc>,
    },
    /// The incoming person's explicit "I have command" (000 handoff script,
    /// step 4): completes a handoff of a role that needs confirming.
    HandoffAccepted {
        role: String,
        person: String,
    },
    /// A handoff that will not happen (the incoming person cannot take it, or
    /// the outgoing one withdraws it); the outgoing person keeps the role.
    HandoffDeclined {
        role: String,
        #[serde(default, skip_serializing_if = "String::is_empty")]
        reason: String,
    },
    /// One step of a playbook checklist is done.
    ChecklistStepDone {
        checklist: String,
        step: String,
        #[serde(default, skip_serializing_if = "String::is_empty")]
        note: String,
    },
    /// A step ticked by mistake is open again.
    ChecklistStepUndone {
        checklist: String,
        step: String,
        #[serde(default, skip_serializing_if = "String::is_empty")]
        reason: String,
    },
    /// The answer to "asked for more": the proposal, amended, waits for the IC again.
    ActionAmended {
        action: EventId,
        proposal: Proposal,
    },
    /// The review after the incident is scheduled (001, 002: a facilitator who
    /// was not involved; 003: the IMOC; 004: the PMR by the Incident Owner).
    RetrospectiveScheduled {
        facilitator: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        on: Option<NaiveDate>,
        #[serde(default, skip_serializing_if = "String::is_empty")]
        link: String,
        /// Why this facilitator, when the playbook's rule would pick another.
        #[serde(default, skip_serializing_if = "String::is_empty")]
        exception: String,
    },
    /// The IC gave up on delivering one outbox row (a parked message to a
    /// paging or chat endpoint): it is never sent, and the timeline says so.
    SyncDropped {
        /// The endpoint's name in the config.
        endpoint: String,
        /// The outbox row.
        row: i64,
        /// The event the row was for.
        event: EventId,
        /// What the row would have done, e.g. "post" or "trigger".
        what: String,
        /// The endpoint's last error, already redacted.
        #[serde(default, skip_serializing_if = "String::is_empty")]
        error: String,
        #[serde(default, skip_serializing_if = "String::is_empty")]
        reason: String,
    },
    /// Page the on-call of a role's team (000, 004: "page the on-call for
    /// X"); the role shows as paged until someone engages it. Sync triggers
    /// an alert on the team's PagerDuty service (issue 17).
    RolePaged {
        role: String,
        /// Whom the IC meant, if known.
        #[serde(default, skip_serializing_if = "String::is_empty")]
        person: String,
    },
    /// 003: "we may choose not to post to status.io" (a security incident in
    /// progress): while held, nothing goes to status pages or client tickets.
    PublicPostsHeld {
        held: bool,
        #[serde(default, skip_serializing_if = "String::is_empty")]
        reason: String,
    },
    /// An outside system's id for one of the incident's items (a Jira key, a
    /// GitLab issue number, a status-page incident), written back by sync.
    RemoteLinked {
        /// The endpoint's name in the config.
        endpoint: String,
        /// `incident`, `follow_up:<event id>` or `near_miss`.
        item: String,
        id: String,
        #[serde(default, skip_serializing_if = "String::is_empty")]
        url: String,
        /// A public post (a status-page update) was delivered to it now: the
        /// status-update clock counts it (003: cadence by severity).
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        public: bool,
    },
    /// 000 responder script steps 4-5: the alert was not an incident, or a
    /// false positive. Closes the record without the close ceremony (no
    /// watch, no objections); sync raises the follow-up ticket (issue 13).
    Dismissed {
        verdict: Verdict,
        reason: String,
    },
    /// A kind this build does not know (written by a newer cockpit). Kept and
    /// shown, never folded, never written by this build.
    #[serde(skip)]
    Unrecognized {
        kind: String,
        body: serde_json::Value,
    },
}

/// 000 responder script: "Is this alert clearly a false positive?" (step 4)
/// and "Is the issue we were alerted about not an incident?" (step 5).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    NotAnIncident,
    FalsePositive,
}

impl Verdict {
    /// The words shown to people: "not an incident", "false positive".
    pub fn label(self) -> &'static str {
        match self {
            Verdict::NotAnIncident => "not an incident",
            Verdict::FalsePositive => "false positive",
        }
    }
}

/// Every kind's stored name, in declaration order: what `[[endpoint]]`
/// subscriptions may name. A test keeps it in step with the enum.
pub const KIND_NAMES: &[&str] = &[
    "declared",
    "title_changed",
    "summary_changed",
    "severity_changed",
    "state_changed",
    "service_status_changed",
    "role_assigned",
    "role_engaged",
    "role_released",
    "role_handed_off",
    "note",
    "highlighted",
    "amended",
    "action_proposed",
    "action_approved",
    "action_rejected",
    "action_info_requested",
    "action_started",
    "action_done",
    "action_failed",
    "action_reverted",
    "check_in_held",
    "comms_sent",
    "link_set",
    "outage_started",
    "outage_ended",
    "close_requested",
    "objection_raised",
    "objection_withdrawn",
    "closed",
    "reopened",
    "follow_up_added",
    "near_miss",
    "security_flagged",
    "clock_acknowledged",
    "clock_snoozed",
    "handoff_accepted",
    "handoff_declined",
    "checklist_step_done",
    "checklist_step_undone",
    "action_amended",
    "retrospective_scheduled",
    "sync_dropped",
    "role_paged",
    "public_posts_held",
    "remote_linked",
    "dismissed",
];

impl EventKind {
    /// The kind's stored name, e.g. `action_approved`.
    pub fn name(&self) -> String {
        if let EventKind::Unrecognized { kind, .. } = self {
            return kind.clone();
        }
        match serde_json::to_value(self) {
            Ok(serde_json::Value::Object(m)) => m
                .get("kind")
                .and_then(|k| k.as_str())
                .unwrap_or("unknown")
                .to_string(),
            _ => "unknown".to_string(),
        }
    }

    /// Split into the stored `kind` and `body` columns.
    pub fn to_columns(&self) -> Result<(String, String), serde_json::Error> {
        let mut v = serde_json::to_value(self)?;
        let obj = v
            .as_object_mut()
            .expect("adjacently tagged enum serialises to an object");
        let kind = obj
            .remove("kind")
            .and_then(|k| k.as_str().map(str::to_string))
            .unwrap_or_default();
        let body = obj
            .remove("body")
            .unwrap_or(serde_json::Value::Object(Default::default()));
        Ok((kind, body.to_string()))
    }

    /// Rebuild from the stored columns; an unknown kind becomes `Unrecognized`.
    pub fn from_columns(kind: &str, body: &str) -> Self {
        // The common case in one pass over the body, without building a
        // `serde_json::Value` or any text first: the largest cost of folding
        // a journal that has no snapshot (issue 14).
        if let Some(k) = super::columns::from_kind_and_body(kind, body) {
            return k;
        }
        let parsed: Result<serde_json::Value, _> = serde_json::from_str(body);
        let Ok(body_value) = parsed else {
            return EventKind::Unrecognized {
                kind: kind.to_string(),
                body: serde_json::Value::String(body.to_string()),
            };
        };
        let wrapped = serde_json::json!({ "kind": kind, "body": body_value });
        serde_json::from_value(wrapped).unwrap_or(EventKind::Unrecognized {
            kind: kind.to_string(),
            body: body_value,
        })
    }

    /// The action an action-lifecycle event refers to.
    pub fn action_update(&self) -> Option<&ActionUpdate> {
        use EventKind::*;
        match self {
            ActionApproved(u)
            | ActionRejected(u)
            | ActionInfoRequested(u)
            | ActionStarted(u)
            | ActionDone(u)
            | ActionFailed(u)
            | ActionReverted(u) => Some(u),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_round_trip_every_shape() {
        let kinds = vec![
            EventKind::Declared {
                title: "db down".into(),
                severity: "SEV1".into(),
                summary: String::new(),
                security: false,
                playbook: "default".into(),
            },
            EventKind::ActionProposed(Proposal {
                what: "fail over".into(),
                ..Default::default()
            }),
            EventKind::ActionApproved(ActionUpdate {
                action: EventId::new(),
                reason: String::new(),
            }),
            EventKind::OutageStarted {},
            EventKind::CheckInHeld(CheckIn {
                status: "same".into(),
                trend: Some(Trend::Same),
                reviews: vec![],
                next: "wait".into(),
            }),
        ];
        for k in kinds {
            let (name, body) = k.to_columns().unwrap();
            assert_eq!(name, k.name());
            assert_eq!(EventKind::from_columns(&name, &body), k);
        }
    }

    #[test]
    fn kind_names_list_every_variant() {
        let id = EventId::new();
        let u = || ActionUpdate {
            action: id,
            reason: String::new(),
        };
        // One of each variant, in declaration order.
        let all = vec![
            EventKind::Declared {
                title: "t".into(),
                severity: "s".into(),
                summary: String::new(),
                security: false,
                playbook: "p".into(),
            },
            EventKind::TitleChanged { title: "t".into() },
            EventKind::SummaryChanged {
                summary: "s".into(),
            },
            EventKind::SeverityChanged {
                severity: "s".into(),
                reason: String::new(),
            },
            EventKind::StateChanged {
                state: "s".into(),
                reason: String::new(),
            },
            EventKind::ServiceStatusChanged {
                status: "s".into(),
                reason: String::new(),
            },
            EventKind::RoleAssigned {
                role: "r".into(),
                person: "p".into(),
            },
            EventKind::RoleEngaged {
                role: "r".into(),
                person: "p".into(),
            },
            EventKind::RoleReleased {
                role: "r".into(),
                person: "p".into(),
            },
            EventKind::RoleHandedOff {
                role: "r".into(),
                from: "a".into(),
                to: "b".into(),
                briefing: Briefing::default(),
            },
            EventKind::Note {
                text: "n".into(),
                tag: "t".into(),
                private: false,
            },
            EventKind::Highlighted { event: id },
            EventKind::Amended {
                event: id,
                text: "t".into(),
            },
            EventKind::ActionProposed(Proposal::default()),
            EventKind::ActionApproved(u()),
            EventKind::ActionRejected(u()),
            EventKind::ActionInfoRequested(u()),
            EventKind::ActionStarted(u()),
            EventKind::ActionDone(u()),
            EventKind::ActionFailed(u()),
            EventKind::ActionReverted(u()),
            EventKind::CheckInHeld(CheckIn::default()),
            EventKind::CommsSent {
                audience: "a".into(),
                text: "t".into(),
            },
            EventKind::LinkSet {
                link: "l".into(),
                url: "u".into(),
            },
            EventKind::OutageStarted {},
            EventKind::OutageEnded {},
            EventKind::CloseRequested {},
            EventKind::ObjectionRaised { reason: "r".into() },
            EventKind::ObjectionWithdrawn { objection: id },
            EventKind::Closed {},
            EventKind::Reopened {
                reason: String::new(),
            },
            EventKind::FollowUpAdded(FollowUp {
                text: "f".into(),
                owner: String::new(),
                criticality: String::new(),
                due: None,
                from_event: None,
            }),
            EventKind::NearMiss {
                would_be_severity: "s".into(),
            },
            EventKind::SecurityFlagged {
                details: String::new(),
            },
            EventKind::ClockAcknowledged { clock: "c".into() },
            EventKind::ClockSnoozed {
                clock: "c".into(),
                until: DateTime::<Utc>::UNIX_EPOCH,
            },
            EventKind::HandoffAccepted {
                role: "r".into(),
                person: "p".into(),
            },
            EventKind::HandoffDeclined {
                role: "r".into(),
                reason: String::new(),
            },
            EventKind::ChecklistStepDone {
                checklist: "c".into(),
                step: "s".into(),
                note: String::new(),
            },
            EventKind::ChecklistStepUndone {
                checklist: "c".into(),
                step: "s".into(),
                reason: String::new(),
            },
            EventKind::ActionAmended {
                action: id,
                proposal: Proposal::default(),
            },
            EventKind::RetrospectiveScheduled {
                facilitator: "f".into(),
                on: None,
                link: String::new(),
                exception: String::new(),
            },
            EventKind::SyncDropped {
                endpoint: "e".into(),
                row: 1,
                event: id,
                what: "post".into(),
                error: String::new(),
                reason: String::new(),
            },
            EventKind::RolePaged {
                role: "r".into(),
                person: String::new(),
            },
            EventKind::PublicPostsHeld {
                held: true,
                reason: String::new(),
            },
            EventKind::RemoteLinked {
                endpoint: "e".into(),
                item: "incident".into(),
                id: "1".into(),
                url: String::new(),
                public: false,
            },
            EventKind::Dismissed {
                verdict: Verdict::FalsePositive,
                reason: "r".into(),
            },
        ];
        let names: Vec<String> = all.iter().map(EventKind::name).collect();
        assert_eq!(names, KIND_NAMES);
    }

    #[test]
    fn kind_names_are_snake_case() {
        assert_eq!(EventKind::OutageStarted {}.name(), "outage_started");
        assert_eq!(
            EventKind::CheckInHeld(CheckIn::default()).name(),
            "check_in_held"
        );
    }

    #[test]
    fn unknown_kinds_are_kept_not_lost() {
        let k = EventKind::from_columns("from_the_future", r#"{"x":1}"#);
        assert_eq!(
            k,
            EventKind::Unrecognized {
                kind: "from_the_future".into(),
                body: serde_json::json!({"x":1})
            }
        );
        assert_eq!(k.name(), "from_the_future");
        let bad = EventKind::from_columns("note", "not json");
        assert!(matches!(bad, EventKind::Unrecognized { .. }));
    }
}
