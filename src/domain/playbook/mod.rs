//! Playbooks: what differs between organisations (roles, severities, states,
//! clock durations, checklists, message templates) is data, not code.
//! Parsing is pure: the caller hands in the TOML text and a name for errors.

use chrono::Duration;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

mod check;
pub mod checklist;
mod duration;
mod error;

pub use checklist::{Checklist, ChecklistWhen, Step, StepAction};
pub use duration::{format_duration, parse_duration};
pub use error::PlaybookError;

use duration::opt_duration;
use error::toml_error;

use super::rules::RuleError;

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Playbook {
    pub name: String,
    pub title: String,
    #[serde(default)]
    pub description: String,
    /// Seed documents the rules come from, e.g. `["001"]`.
    #[serde(default)]
    pub sources: Vec<String>,
    #[serde(rename = "severity")]
    pub severities: Vec<Severity>,
    #[serde(rename = "role")]
    pub roles: Vec<Role>,
    #[serde(rename = "state")]
    pub states: Vec<State>,
    #[serde(rename = "service_status")]
    pub service_statuses: Vec<ServiceStatus>,
    #[serde(rename = "tag")]
    pub tags: Vec<Tag>,
    /// The tag a note gets when none is given.
    pub default_tag: String,
    pub link_kinds: Vec<String>,
    #[serde(default)]
    pub clocks: ClockSettings,
    #[serde(default)]
    pub templates: BTreeMap<String, String>,
    #[serde(default, rename = "checklist")]
    pub checklists: Vec<Checklist>,
    /// Rules the fold enforces beyond the lifecycle.
    #[serde(default)]
    pub rules: Rules,
    /// Who owns the incident (003 cascade, 004 Incident Owner).
    #[serde(default)]
    pub ownership: Ownership,
    /// What a security / PII incident adds (000, 002, 003).
    #[serde(default)]
    pub security: SecurityRules,
    /// Who runs the review after the incident (001, 002, 003, 004).
    #[serde(default)]
    pub retrospective: RetrospectiveRules,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Rules {
    /// A severity change must say why (the timeline keeps the reasoning).
    pub severity_reason: bool,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Ownership {
    /// 003: roles in hierarchy order; ownership passes to the last one engaged,
    /// and until the next engages the previous one holds its duties.
    pub cascade: Vec<String>,
    /// 003: "only the owner of the incident can declare an incident resolved".
    pub owner_resolves: bool,
    /// Who may request and confirm the close (000: "the IC asks and
    /// decides"): role keys, or `owner` for the incident's owner (003).
    /// Empty: the role in command. Everyone may still object.
    pub close_by: Vec<String>,
    /// The role whose engagement acknowledges the incident: the acknowledge
    /// clock and PagerDuty's acknowledge (003: the EOC acknowledges within 15
    /// minutes). `None`: the role in command.
    pub acknowledged_by: Option<String>,
    /// The role the "still Investigating" clock escalates to; once it has
    /// engaged the escalation has happened (003: "escalated to the IMOC").
    pub escalates_to: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SecurityRules {
    /// Who must be told about a security / PII incident.
    pub inform: Vec<String>,
    /// What else to do, in the seed's words.
    pub guidance: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RetrospectiveRules {
    /// What this organisation calls it: retrospective, incident review, PMR.
    pub name: String,
    /// 001 / 002: facilitated, if at all possible, by someone not involved.
    pub facilitator_not_involved: bool,
    /// 003 / 004: the holder of this role runs it (IMOC, Incident Owner).
    pub facilitator_role: Option<String>,
}

impl Default for RetrospectiveRules {
    fn default() -> Self {
        Self {
            name: "retrospective".into(),
            facilitator_not_involved: false,
            facilitator_role: None,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Severity {
    pub name: String,
    pub description: String,
    #[serde(default)]
    pub example: String,
    /// PagerDuty Events v2 severity this maps to: critical, error, warning, info.
    /// Also sets how loud a due clock's desktop notification is.
    #[serde(default = "default_paging")]
    pub paging: String,
    /// Out of hours, escalate after this long at this severity; else
    /// `clocks.out_of_hours_escalate` (002: "If the incident is critical or
    /// major then you should immediately escalate to 2nd line support").
    #[serde(
        default,
        with = "opt_duration",
        skip_serializing_if = "Option::is_none"
    )]
    pub out_of_hours_escalate: Option<Duration>,
    /// Status update cadence at this severity (003: "update the status page at
    /// regular intervals in accordance with the severity"); else `clocks.document_update`.
    #[serde(
        default,
        with = "opt_duration",
        skip_serializing_if = "Option::is_none"
    )]
    pub status_update: Option<Duration>,
}

fn default_paging() -> String {
    "error".into()
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Role {
    pub key: String,
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// An incident should not run without it: an empty one stands out.
    #[serde(default)]
    pub required: bool,
    /// The role in command (exactly one per playbook): the header's "IC".
    #[serde(default)]
    pub commands: bool,
    /// At most one person holds it at a time; changing hands is a handoff.
    #[serde(default)]
    pub single: bool,
    /// Roles the same person may hold together (001: communicator folded into scribe).
    #[serde(default)]
    pub combines_with: Vec<String>,
    /// Held for long, it wears people out: the role-fatigue clock watches it.
    #[serde(default)]
    pub fatigue: bool,
    /// Its holder owns the incident (004: the Incident Owner).
    #[serde(default)]
    pub owns: bool,
    /// 004: "stays the same throughout the lifecycle of the incident": never
    /// released while open; handed over only with a documented briefing.
    #[serde(default)]
    pub lifecycle: bool,
    /// 004: "can be changed only by an explicit decision of the Incident Commander".
    #[serde(default)]
    pub changed_by_commander: bool,
    /// 000: a handoff completes only when the incoming person says they have it.
    #[serde(default)]
    pub confirm_handoff: bool,
    /// 001: active measures "need to be approved by incident commander".
    #[serde(default)]
    pub decides_actions: bool,
    /// While nobody holds it, its duties sit with this role (001: the
    /// communicator folded into the scribe).
    #[serde(default)]
    pub folds_into: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    #[default]
    Active,
    Resolved,
    Closed,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct State {
    pub key: String,
    pub label: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub phase: Phase,
    /// States reachable from this one.
    #[serde(default)]
    pub next: Vec<String>,
    /// Entering this state sets the service status (003: Resolved means
    /// "status is again Operational").
    #[serde(default)]
    pub service_status: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceStatus {
    pub key: String,
    pub label: String,
    #[serde(default)]
    pub description: String,
    /// Roles that must be engaged while the service is in this status
    /// (003: "The IMOC must be engaged").
    #[serde(default)]
    pub requires_engaged: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tag {
    pub key: String,
    pub label: String,
    /// Typing this prefix at the start of a note picks the tag (e.g. `m:`).
    #[serde(default)]
    pub prefix: String,
    /// Notes with this tag are highlights of the timeline (001's scribe list).
    #[serde(default)]
    pub highlight: bool,
    #[serde(default)]
    pub description: String,
    /// Notes with this tag feed this field of the handoff briefing (004):
    /// `hypotheses_open` or `hypotheses_eliminated`.
    #[serde(default)]
    pub briefing: Option<String>,
}

/// The briefing fields a tag may feed.
pub const BRIEFING_TAG_FIELDS: &[&str] = &["hypotheses_open", "hypotheses_eliminated"];

/// Every clock's duration. `None` means this playbook does not run that clock.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ClockSettings {
    #[serde(with = "opt_duration")]
    pub checkin_min: Option<Duration>,
    #[serde(with = "opt_duration")]
    pub checkin_max: Option<Duration>,
    #[serde(with = "opt_duration")]
    pub resolved_watch: Option<Duration>,
    #[serde(with = "opt_duration")]
    pub document_update: Option<Duration>,
    #[serde(with = "opt_duration")]
    pub summary: Option<Duration>,
    #[serde(with = "opt_duration")]
    pub client_update: Option<Duration>,
    #[serde(with = "opt_duration")]
    pub ack_incident: Option<Duration>,
    #[serde(with = "opt_duration")]
    pub ack_alert: Option<Duration>,
    #[serde(with = "opt_duration")]
    pub first_responder: Option<Duration>,
    #[serde(with = "opt_duration")]
    pub investigating_escalation: Option<Duration>,
    #[serde(with = "opt_duration")]
    pub security_report: Option<Duration>,
    #[serde(with = "opt_duration")]
    pub role_fatigue: Option<Duration>,
    #[serde(with = "opt_duration")]
    pub handoff_disengage: Option<Duration>,
    /// Out-of-hours window, local "HH:MM" times (002: 18:00-10:00).
    pub out_of_hours_start: Option<String>,
    pub out_of_hours_end: Option<String>,
    #[serde(with = "opt_duration")]
    pub out_of_hours_escalate: Option<Duration>,
    #[serde(with = "opt_duration")]
    pub out_of_hours_stop: Option<Duration>,
    /// Out of hours on Saturdays and Sundays too (000: "not during business hours").
    pub out_of_hours_weekends: bool,
    pub rca_business_days: Option<u32>,
    pub pmr_business_days: Option<u32>,
    /// How long before its due time a clock shows as "due soon".
    #[serde(with = "opt_duration")]
    pub due_soon: Option<Duration>,
    /// How long a clock may stay due before it is overdue (the check-in loop
    /// uses `checkin_max` instead).
    #[serde(with = "opt_duration")]
    pub overdue_after: Option<Duration>,
    /// Comms audiences that count as a client update (002: hourly client updates).
    pub client_audiences: Vec<String>,
}

impl Default for ClockSettings {
    fn default() -> Self {
        Self {
            checkin_min: Some(Duration::minutes(15)),
            checkin_max: Some(Duration::minutes(20)),
            resolved_watch: Some(Duration::minutes(15)),
            document_update: None,
            summary: None,
            client_update: None,
            ack_incident: None,
            ack_alert: None,
            first_responder: None,
            investigating_escalation: None,
            security_report: None,
            role_fatigue: None,
            handoff_disengage: None,
            out_of_hours_start: None,
            out_of_hours_end: None,
            out_of_hours_escalate: None,
            out_of_hours_stop: None,
            out_of_hours_weekends: true,
            rca_business_days: None,
            pmr_business_days: None,
            due_soon: Some(Duration::minutes(2)),
            overdue_after: Some(Duration::minutes(5)),
            client_audiences: ["client", "clients", "customer", "customers"]
                .map(String::from)
                .to_vec(),
        }
    }
}

impl Playbook {
    /// Parse and check a playbook. `file` only names it in errors.
    pub fn parse(file: &str, text: &str) -> Result<Self, PlaybookError> {
        let pb: Playbook = toml::from_str(text).map_err(|e| toml_error(file, text, &e))?;
        pb.validate().map_err(|fault| fault.locate(file, text))?;
        Ok(pb)
    }

    pub fn severity(&self, name: &str) -> Option<&Severity> {
        self.severities
            .iter()
            .find(|s| s.name.eq_ignore_ascii_case(name))
    }

    /// A role by its key (`tech_lead`) or by the seed's name as people say
    /// it (`Technical Lead`, `technical-lead`): issue 12, names are shown and
    /// typed, the keys stay accepted.
    pub fn role(&self, key: &str) -> Option<&Role> {
        let spoken = |s: &str| -> String {
            s.chars()
                .filter(|c| c.is_alphanumeric())
                .flat_map(char::to_lowercase)
                .collect()
        };
        self.roles
            .iter()
            .find(|r| r.key.eq_ignore_ascii_case(key))
            .or_else(|| {
                let want = spoken(key);
                (!want.is_empty())
                    .then(|| self.roles.iter().find(|r| spoken(&r.name) == want))
                    .flatten()
            })
    }

    pub fn state(&self, key: &str) -> Option<&State> {
        self.states.iter().find(|s| s.key.eq_ignore_ascii_case(key))
    }

    pub fn service_status(&self, key: &str) -> Option<&ServiceStatus> {
        self.service_statuses
            .iter()
            .find(|s| s.key.eq_ignore_ascii_case(key))
    }

    pub fn tag(&self, key: &str) -> Option<&Tag> {
        self.tags.iter().find(|t| t.key.eq_ignore_ascii_case(key))
    }

    pub fn commander(&self) -> &Role {
        self.roles
            .iter()
            .find(|r| r.commands)
            .expect("checked at parse: exactly one commanding role")
    }

    /// The role whose engagement acknowledges the incident
    /// (`[ownership] acknowledged_by`, else the role in command).
    pub fn ack_role(&self) -> &Role {
        self.ownership
            .acknowledged_by
            .as_deref()
            .and_then(|k| self.role(k))
            .unwrap_or_else(|| self.commander())
    }

    pub fn initial_state(&self) -> &State {
        &self.states[0]
    }

    pub fn state_in_phase(&self, phase: Phase) -> &State {
        self.states
            .iter()
            .find(|s| s.phase == phase)
            .expect("checked at parse: one resolved and one closed state")
    }

    pub fn severity_names(&self) -> String {
        self.severities
            .iter()
            .map(|s| s.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

impl Playbook {
    pub fn checklist(&self, key: &str) -> Option<&Checklist> {
        self.checklists
            .iter()
            .find(|c| c.key.eq_ignore_ascii_case(key))
    }

    /// A checklist by key, or the error that lists the valid ones.
    pub fn known_checklist(&self, key: &str) -> Result<&Checklist, RuleError> {
        self.checklist(key)
            .ok_or_else(|| RuleError::UnknownChecklist {
                given: key.to_string(),
                valid: self
                    .checklists
                    .iter()
                    .map(|c| c.key.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
            })
    }
}

pub fn phase_name(p: Phase) -> &'static str {
    match p {
        Phase::Active => "active",
        Phase::Resolved => "resolved",
        Phase::Closed => "closed",
    }
}

/// The playbooks a cockpit knows, by name, each with a fingerprint of its
/// content (fold snapshots made under another version of a playbook are ignored).
#[derive(Debug, Default, Clone)]
pub struct PlaybookSet {
    books: BTreeMap<String, (std::sync::Arc<Playbook>, String)>,
}

impl PlaybookSet {
    pub fn new() -> Self {
        Self::default()
    }

    /// Add or replace (a user's playbook of the same name wins over a built-in one).
    pub fn insert(&mut self, pb: Playbook) {
        let fp = fingerprint(&pb);
        self.books
            .insert(pb.name.clone(), (std::sync::Arc::new(pb), fp));
    }

    pub fn get(&self, name: &str) -> Option<std::sync::Arc<Playbook>> {
        self.books.get(name).map(|(pb, _)| pb.clone())
    }

    pub fn fingerprint(&self, name: &str) -> Option<String> {
        self.books.get(name).map(|(_, fp)| fp.clone())
    }

    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.books.keys().map(String::as_str)
    }

    pub fn all(&self) -> impl Iterator<Item = &Playbook> {
        self.books.values().map(|(pb, _)| pb.as_ref())
    }
}

/// A short hash of a playbook's content.
pub fn fingerprint(pb: &Playbook) -> String {
    use sha2::{Digest, Sha256};
    let json = serde_json::to_string(pb).unwrap_or_default();
    let digest = Sha256::digest(json.as_bytes());
    digest.iter().take(8).map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests;
