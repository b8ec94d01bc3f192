//! The postmortem draft as data: what the JSON export prints and what the
//! Markdown and HTML templates read. Field names are stable (`format` is bumped
//! when one changes meaning); times are RFC 3339 UTC, durations whole seconds.
//! A leaf: the draft and each of its sections build these types without
//! importing one another for them.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use super::lint::Rule;
use crate::domain::EventId;
use crate::domain::metrics::IncidentMetrics;

/// Version of the JSON shape below.
pub const FORMAT: u32 = 1;

#[derive(Clone, Debug, Serialize)]
pub struct Postmortem {
    pub format: u32,
    pub generated_at: DateTime<Utc>,
    pub incident: IncidentInfo,
    pub markers: Markers,
    pub metrics: IncidentMetrics,
    pub deadlines: Deadlines,
    /// Who acknowledged the incident (the end of the MTTA).
    pub acknowledged_by: Option<Acknowledgement>,
    /// The review after the incident: retrospective, incident review, PMR.
    pub review: ReviewMeeting,
    pub roles: Vec<RoleStint>,
    /// Every handoff offered, with its briefing and how it ended (000, 004).
    pub handoffs: Vec<HandoffRecord>,
    pub timeline: Vec<TimelineEntry>,
    /// The timeline spans more than one UTC day: show dates, not only times.
    pub multi_day: bool,
    pub impact: Vec<Entry>,
    pub mitigations: Vec<Mitigation>,
    pub mitigation_notes: Vec<Entry>,
    pub decisions: Vec<Decision>,
    pub hypotheses: Vec<Hypothesis>,
    /// Left empty for the authors: the journal records what happened, not why.
    pub root_cause: String,
    pub follow_ups: Vec<FollowUpItem>,
    pub review_questions: Vec<ReviewQuestion>,
    pub links: Vec<Link>,
    pub writing: Vec<WritingFinding>,
}

#[derive(Clone, Debug, Serialize)]
pub struct IncidentInfo {
    pub id: String,
    pub short_id: String,
    pub title: String,
    /// The latest summary (002: the summary written every 30 minutes).
    pub summary: String,
    /// The summary given at the declaration: the impact as first known.
    pub declared_summary: String,
    pub playbook: String,
    pub playbook_title: String,
    pub severity: String,
    pub severity_description: String,
    pub severity_history: Vec<Change>,
    pub state: String,
    pub state_label: String,
    pub open: bool,
    pub service_status: Option<String>,
    pub declared_at: DateTime<Utc>,
    pub declared_by: String,
    pub security: bool,
    pub security_details: String,
    pub security_at: Option<DateTime<Utc>>,
    pub security_by: String,
    /// The playbook's report clock from the flag (000: within one hour).
    pub security_report_due: Option<DateTime<Utc>>,
    /// Who must be told, from the playbook (000: the CMS IT Service Help Desk;
    /// 002: the CTO, Head of Tech Ops and DPO).
    pub security_inform: Vec<String>,
    pub near_miss: Option<String>,
    /// Closed as "not an incident" or "false positive", with the reason
    /// (000 responder script steps 4-5, issue 13).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dismissed: Option<String>,
    /// Who owns the incident at the end, for playbooks with an owner
    /// (003: the last role of the cascade engaged; 004: the Incident Owner).
    pub owner: Option<String>,
    pub owner_role: Option<String>,
    /// Incident start -> end, or -> the time of export while still open.
    pub duration_secs: i64,
}

#[derive(Clone, Debug, Serialize)]
pub struct Change {
    pub value: String,
    pub at: DateTime<Utc>,
}

/// 000: "Add start and end times to the outage and incident ... in the
/// timeline, and mark them clearly for ease of scanning."
#[derive(Clone, Debug, Serialize)]
pub struct Markers {
    pub incident_start: DateTime<Utc>,
    pub incident_end: Option<DateTime<Utc>>,
    pub outages: Vec<Outage>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Outage {
    pub start: DateTime<Utc>,
    pub end: Option<DateTime<Utc>>,
    pub secs: Option<i64>,
}

/// 000: RCA within one business day; 004: PMR within 5 business days of recovery.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Deadlines {
    /// What the days count from: the resolution, else the close.
    pub from: Option<DateTime<Utc>>,
    pub rca_due: Option<NaiveDate>,
    pub pmr_due: Option<NaiveDate>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Acknowledgement {
    pub at: DateTime<Utc>,
    pub person: String,
    pub role: String,
    pub role_name: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct ReviewMeeting {
    /// What the playbook calls it: retrospective, incident review, PMR.
    pub name: String,
    pub scheduled: bool,
    pub facilitator: String,
    pub on: Option<NaiveDate>,
    pub link: String,
}

/// One handoff: the outgoing person's announcement, the briefing (004), and
/// the incoming person's "I have command" (000) or a decline.
#[derive(Clone, Debug, Serialize)]
pub struct HandoffRecord {
    pub event: EventId,
    pub role: String,
    pub role_name: String,
    pub from: String,
    pub to: String,
    pub offered_by: String,
    pub offered_at: DateTime<Utc>,
    /// What the outgoing person said (the playbook's `handoff` message).
    pub announcement: String,
    /// The role passes only when the incoming person says so (`confirm_handoff`).
    pub needs_acceptance: bool,
    /// `accepted`, `immediate` (no acceptance needed), `declined` or `pending`.
    pub outcome: String,
    pub accepted_at: Option<DateTime<Utc>>,
    /// What the incoming person said (the playbook's `handoff_accepted` message).
    pub acceptance: String,
    pub declined_at: Option<DateTime<Utc>>,
    pub declined_by: String,
    pub declined_reason: String,
    pub briefing: HandoffBriefing,
}

/// 004 "Handoff": what the outgoing people brief. Empty fields stay empty strings.
#[derive(Clone, Debug, Serialize)]
pub struct HandoffBriefing {
    pub status: String,
    pub hypotheses_open: String,
    pub hypotheses_eliminated: String,
    pub last_customer_update: String,
    pub last_customer_update_at: Option<DateTime<Utc>>,
    pub channels: String,
    pub people: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct RoleStint {
    pub role: String,
    pub role_name: String,
    pub person: String,
    pub assigned_at: DateTime<Utc>,
    pub engaged_at: Option<DateTime<Utc>>,
    pub released_at: Option<DateTime<Utc>>,
    pub handed_to: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct TimelineEntry {
    pub event: EventId,
    pub at: DateTime<Utc>,
    pub author: String,
    pub kind: String,
    pub label: String,
    pub text: String,
    /// Any of `incident_start`, `incident_end`, `outage_start`, `outage_end`.
    pub markers: Vec<String>,
    pub highlighted: bool,
    /// The text shown is a later correction of what was first written.
    pub amended: bool,
}

#[derive(Clone, Debug, Serialize)]
pub struct Entry {
    pub event: EventId,
    pub at: DateTime<Utc>,
    pub author: String,
    pub text: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct Step {
    pub status: String,
    pub at: DateTime<Utc>,
    pub by: String,
    pub reason: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct Review {
    pub at: DateTime<Utc>,
    pub by: String,
    pub verdict: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct Mitigation {
    pub event: EventId,
    pub number: usize,
    pub what: String,
    pub why: String,
    pub risk: String,
    pub revert: String,
    pub proposed_by: String,
    pub proposed_at: DateTime<Utc>,
    /// The last status: proposed, approved, rejected, started, done, failed, reverted...
    pub status: String,
    pub outcome: String,
    pub decided_by: Option<String>,
    pub decided_at: Option<DateTime<Utc>>,
    pub steps: Vec<Step>,
    /// Verdicts at check-ins (001: the team "reviews the status of any mitigation").
    pub reviews: Vec<Review>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Decision {
    pub event: EventId,
    pub at: DateTime<Utc>,
    pub by: String,
    /// approved, rejected, asked for more, decided (a decision note), closed, reopened.
    pub decision: String,
    pub what: String,
    pub reason: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct Hypothesis {
    pub event: EventId,
    pub at: DateTime<Utc>,
    pub author: String,
    pub text: String,
    /// `open` or `eliminated`.
    pub status: String,
    /// `note` or `handoff` (004: the briefing lists open and eliminated hypotheses).
    pub source: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct FollowUpItem {
    pub event: EventId,
    pub text: String,
    pub owner: String,
    pub criticality: String,
    pub due: Option<NaiveDate>,
    pub added_by: String,
    pub added_at: DateTime<Utc>,
    pub from_event: Option<EventId>,
    /// The timeline entry it came from, in words ("23:52 ann: ...").
    pub from: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct ReviewQuestion {
    /// The seed it is quoted from.
    pub source: String,
    pub question: String,
    /// 0 for a question, 1 for one under it.
    pub level: u8,
}

#[derive(Clone, Debug, Serialize)]
pub struct Link {
    pub kind: String,
    pub url: String,
}

/// A linter finding in a text from the journal.
#[derive(Clone, Debug, Serialize)]
pub struct WritingFinding {
    pub event: EventId,
    pub at: DateTime<Utc>,
    pub author: String,
    /// Which text of the event: note, summary, title, proposal, check-in...
    pub field: String,
    pub line: usize,
    pub rule: Rule,
    pub found: String,
    pub suggestion: String,
}
