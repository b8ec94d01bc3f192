//! Playbooks: what differs between organisations (roles, severities, states,
//! clock durations, checklists, message templates) is data, not code.
//! Parsing is pure: the caller hands in the TOML text and a name for errors.

use chrono::Duration;
use serde::{Deserialize, Deserializer, Serialize};
use std::collections::BTreeMap;
use std::fmt;

pub use super::checklist::{Checklist, ChecklistWhen, Step, StepAction};

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

/// Parse "90s", "15m", "2h", "1h30m", "5d" (and "0").
pub fn parse_duration(s: &str) -> Option<Duration> {
    let s = s.trim();
    if s == "0" {
        return Some(Duration::zero());
    }
    let mut total = Duration::zero();
    let mut num = String::new();
    let mut any = false;
    for c in s.chars() {
        if c.is_ascii_digit() {
            num.push(c);
            continue;
        }
        let n: i64 = num.parse().ok()?;
        num.clear();
        total += match c {
            's' => Duration::seconds(n),
            'm' => Duration::minutes(n),
            'h' => Duration::hours(n),
            'd' => Duration::days(n),
            _ => return None,
        };
        any = true;
    }
    (num.is_empty() && any).then_some(total)
}

/// The inverse of `parse_duration`, for `playbook show` and serialisation.
pub fn format_duration(d: Duration) -> String {
    let secs = d.num_seconds();
    if secs == 0 {
        return "0".into();
    }
    let mut out = String::new();
    let (h, m, s) = (secs / 3600, secs / 60 % 60, secs % 60);
    if h > 0 {
        out.push_str(&format!("{h}h"));
    }
    if m > 0 {
        out.push_str(&format!("{m}m"));
    }
    if s > 0 {
        out.push_str(&format!("{s}s"));
    }
    out
}

mod opt_duration {
    use super::*;
    use serde::Serializer;

    /// `None` is written "off", so a playbook shown and read back is the same.
    pub fn serialize<S: Serializer>(d: &Option<Duration>, s: S) -> Result<S::Ok, S::Error> {
        match d {
            Some(d) => s.serialize_str(&format_duration(*d)),
            None => s.serialize_str("off"),
        }
    }

    /// "off" turns a clock off (a seed without a 15-20 min loop, e.g. 003).
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Duration>, D::Error> {
        let s = String::deserialize(d)?;
        if s.trim() == "off" {
            return Ok(None);
        }
        parse_duration(&s).map(Some).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "`{s}` is not a duration (use e.g. \"90s\", \"15m\", \"2h\", \"1h30m\", or \"off\")"
            ))
        })
    }
}

/// A playbook that could not be used, with where the mistake is.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct PlaybookError {
    pub file: String,
    pub line: Option<usize>,
    pub key: String,
    pub message: String,
}

impl fmt::Display for PlaybookError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(l) => write!(f, "{}:{}: {}: {}", self.file, l, self.key, self.message),
            None => write!(f, "{}: {}: {}", self.file, self.key, self.message),
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

    pub fn role(&self, key: &str) -> Option<&Role> {
        self.roles.iter().find(|r| r.key.eq_ignore_ascii_case(key))
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

pub fn phase_name(p: Phase) -> &'static str {
    match p {
        Phase::Active => "active",
        Phase::Resolved => "resolved",
        Phase::Closed => "closed",
    }
}

fn toml_error(file: &str, text: &str, e: &toml::de::Error) -> PlaybookError {
    let (line, key) = match e.span() {
        Some(span) => {
            let start = span.start.min(text.len());
            let line = text[..start].matches('\n').count() + 1;
            // The key is what stands before `=` on that line, whether the span
            // points at the key (unknown field) or at its value (bad value).
            let line_text = text.lines().nth(line - 1).unwrap_or("").trim();
            let key = if line_text.starts_with('[') {
                line_text.trim_matches(|c| c == '[' || c == ']').trim()
            } else {
                line_text.split('=').next().unwrap_or("").trim()
            };
            (Some(line), key.to_string())
        }
        None => (None, String::new()),
    };
    PlaybookError {
        file: file.into(),
        line,
        key: if key.is_empty() {
            "document".into()
        } else {
            key
        },
        message: e.message().trim().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    pub const DEFAULT: &str = include_str!("../../assets/playbooks/default.toml");

    #[test]
    fn default_playbook_parses() {
        let pb = Playbook::parse("default.toml", DEFAULT).unwrap();
        assert_eq!(pb.name, "default");
        assert_eq!(pb.commander().key, "ic");
        assert_eq!(pb.clocks.checkin_min, Some(Duration::minutes(15)));
        assert_eq!(pb.initial_state().key, "investigating");
    }

    #[test]
    fn durations_parse_and_print() {
        assert_eq!(parse_duration("15m"), Some(Duration::minutes(15)));
        assert_eq!(parse_duration("1h30m"), Some(Duration::minutes(90)));
        assert_eq!(parse_duration("90s"), Some(Duration::seconds(90)));
        assert_eq!(parse_duration("2d"), Some(Duration::days(2)));
        assert_eq!(parse_duration("0"), Some(Duration::zero()));
        assert_eq!(parse_duration("15"), None);
        assert_eq!(parse_duration("m"), None);
        assert_eq!(parse_duration("1x"), None);
        assert_eq!(format_duration(Duration::minutes(90)), "1h30m");
    }

    #[test]
    fn syntax_errors_name_file_line_and_key() {
        let broken = DEFAULT.replacen("checkin_min = \"15m\"", "checkin_min = \"fifteen\"", 1);
        let e = Playbook::parse("pb.toml", &broken).unwrap_err();
        let line = DEFAULT
            .lines()
            .position(|l| l.starts_with("checkin_min"))
            .unwrap()
            + 1;
        assert_eq!(e.line, Some(line), "{e}");
        assert!(
            e.to_string().starts_with(&format!("pb.toml:{line}:")),
            "{e}"
        );
        assert!(e.message.contains("not a duration"), "{e}");
    }

    #[test]
    fn unknown_keys_are_refused_with_their_line() {
        let broken = DEFAULT.replacen("default_tag =", "colour = \"red\"\ndefault_tag =", 1);
        let e = Playbook::parse("pb.toml", &broken).unwrap_err();
        assert_eq!(e.key, "colour");
        assert!(e.message.contains("unknown field"), "{e}");
        let line = broken
            .lines()
            .position(|l| l.starts_with("colour"))
            .unwrap()
            + 1;
        assert_eq!(e.line, Some(line));
    }

    #[test]
    fn semantic_errors_point_at_the_key() {
        let broken = DEFAULT.replacen("next = [\"identified\"", "next = [\"nowhere\"", 1);
        let e = Playbook::parse("pb.toml", &broken).unwrap_err();
        assert!(e.key.starts_with("state[0].next"), "{e}");
        let line = broken
            .lines()
            .position(|l| l.contains("\"nowhere\""))
            .unwrap()
            + 1;
        assert_eq!(e.line, Some(line), "{e}");

        let two_commanders =
            DEFAULT.replace("key = \"deputy\"", "key = \"deputy\"\ncommands = true");
        let e = Playbook::parse("pb.toml", &two_commanders).unwrap_err();
        assert!(e.message.contains("exactly one role"), "{e}");

        let bad_tag = DEFAULT.replacen("default_tag = \"note\"", "default_tag = \"nope\"", 1);
        assert!(
            Playbook::parse("pb.toml", &bad_tag)
                .unwrap_err()
                .message
                .contains("no tag `nope`")
        );
    }

    #[test]
    fn lookups_ignore_case() {
        let pb = Playbook::parse("default.toml", DEFAULT).unwrap();
        assert_eq!(pb.severity("sev1").unwrap().name, "SEV1");
        assert!(pb.role("IC").is_some());
        assert!(pb.tag("Mitigation").is_some());
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
