//! THE message renderer: every text the cockpit fills from a playbook's
//! `[templates]` (chat posts and topics, the page summary, the screen's
//! "post the announcement" step, the export's quotes of a handoff) goes
//! through `render`, with the one vocabulary of `Vars` (documented in
//! `docs/playbooks.md`, "Message templates").
//!
//! Templates are written `{name}`, as the built-in playbooks and users'
//! playbooks do: each known name is replaced by its value; a name the
//! vocabulary lacks stays as written, so a typo shows instead of vanishing.
//! A template that contains `{{` or `{%` is rendered by MiniJinja (conditions,
//! filters) with the same vocabulary; there an unknown name is an error, and
//! the text is then sent as written rather than half-filled.

use std::collections::BTreeMap;

use minijinja::{Environment, UndefinedBehavior, Value};

use super::event::{Event, EventKind};
use super::incident::Incident;
use super::playbook::Playbook;

/// The value of a link or role nobody has set.
pub const NONE: &str = "(none)";

/// Built-in wording for the template keys a playbook may lack.
pub const BUILTIN: &[(&str, &str)] = &[
    ("declared", "[Active Incident] {title}"),
    ("reopened", "[Active Incident] {title} (reopened)"),
    (
        "topic",
        "Active Incident. Conference Line: {bridge} Incident Document: {document}",
    ),
    ("topic_closed", "No active incident."),
    ("status_update", "[{severity} {state}] {title}: {status}"),
    ("handoff", "{from} is handing off {role} to {to}."),
    ("handoff_accepted", "{to} has command as {role}."),
    (
        "close_request",
        "Is anyone opposed to me closing this incident?",
    ),
    ("closed", "[Resolved] {title} is closed."),
    ("note", "{author}: {text}"),
    ("comms", "{text}"),
    ("page", "[{severity}] {title}"),
    // 000: the subject of the stakeholder e-mail and its thread (issue 16).
    ("email_subject", "[Active Incident] {title}"),
    // 000: "Include the link to the incident document".
    (
        "email_footer",
        "Severity: {severity}\nState: {state}\nService status: {service_status}\nIncident document: {document}\nConference line: {bridge}\n\n-- \nSent by Incident Cockpit for incident {incident}.",
    ),
    (
        "security_flagged",
        "{title} is being handled as a security incident.",
    ),
    (
        "email_links",
        "Incident document: {document}\nConference line: {bridge}",
    ),
    // Status pages, trackers and paging (issue 17).
    (
        "page_role",
        "[{severity}] {title}: paging the on-call for {role}",
    ),
    ("status_page_title", "{title}"),
    ("status_page", "{state}: {title}"),
    (
        "status_page_resolved",
        "Resolved: {title}. Service is operating normally.",
    ),
    ("ticket_title", "[{severity}] {title}"),
    (
        "ticket_body",
        "{summary}\n\nIncident {incident}, declared by {author}.\nIncident document: {document}",
    ),
    ("ticket_update", "{author}: {kind}: {state} {reason}"),
    (
        "follow_up_body",
        "Follow-up of incident {incident} ({title}).\nOwner: {owner}\nDue: {due}\nIncident document: {document}",
    ),
    ("near_miss_title", "Incident review: {title}"),
    // 000: "the retrospective ticket with links to the incident document".
    ("retrospective_title", "Retrospective: {title}"),
    (
        "retrospective_body",
        "Retrospective of incident {incident} ({title}), facilitated by {facilitator} on {review_date}.\nIncident document: {document}\nRetrospective: {review_link}",
    ),
    (
        "near_miss_body",
        "Near miss: had it happened, this would have been {would_be}.\nIncident {incident}. Incident document: {document}",
    ),
];

/// The built-in wording for `key`; `{title}` for a key nobody defined.
pub fn builtin(key: &str) -> &'static str {
    BUILTIN
        .iter()
        .find(|(k, _)| *k == key)
        .map_or("{title}", |(_, t)| t)
}

/// The template for `key`: an endpoint's own `templates` first, then the
/// playbook's, then the built-in wording.
pub fn template<'a>(
    pb: &'a Playbook,
    overrides: Option<&'a BTreeMap<String, String>>,
    key: &str,
) -> &'a str {
    overrides
        .and_then(|o| o.get(key))
        .or_else(|| pb.templates.get(key))
        .map_or_else(|| builtin(key), String::as_str)
}

/// The names a template may use, with their values.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Vars(BTreeMap<String, String>);

impl Vars {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn set(&mut self, name: &str, value: impl Into<String>) -> &mut Self {
        self.0.insert(name.to_string(), value.into());
        self
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.0.get(name).map(String::as_str)
    }

    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.0.keys().map(String::as_str)
    }

    /// The incident-wide names: what the incident is now.
    pub fn incident(inc: &Incident, pb: &Playbook) -> Self {
        let mut v = Vars::new();
        // Every role key: who holds it now (sre-major's topic "IC: {ic}").
        for r in &pb.roles {
            let people: Vec<&str> = inc.holders(&r.key).map(|h| h.person.as_str()).collect();
            v.set(&r.key, joined_or_none(&people));
        }
        // Every link kind: its URL (000's topic "Conference Line: {bridge}").
        // The four the built-in wording uses are always there, "(none)" where
        // a playbook has no such kind.
        let kinds = pb.link_kinds.iter().map(String::as_str);
        for k in ["bridge", "document", "channel", "ticket"]
            .into_iter()
            .chain(kinds)
        {
            v.set(k, inc.links.get(k).map_or(NONE, String::as_str));
        }
        let state = pb
            .state(&inc.state)
            .map_or_else(|| inc.state.clone(), |s| s.label.clone());
        let service = inc
            .service_status
            .as_deref()
            .and_then(|s| pb.service_status(s))
            .map(|s| s.label.clone())
            .unwrap_or_default();
        let report = inc
            .checkins
            .last()
            .map(|c| c.checkin.status.clone())
            .unwrap_or_else(|| inc.summary.clone());
        // The built-in names come last: they win over a role or link of the same name.
        v.set("title", inc.title.clone())
            .set("description", inc.title.clone())
            .set("summary", inc.summary.clone())
            .set("severity", inc.severity.clone())
            .set("state", state)
            .set("service_status", service)
            .set("status", report)
            .set(
                "since",
                inc.declared_at.format("%Y-%m-%d %H:%M UTC").to_string(),
            )
            .set("incident", inc.id.short())
            .set("author", "")
            .set("kind", "")
            .set("text", "")
            .set("reason", "")
            .set("role", "")
            .set("from", "")
            .set("to", "")
            .set("owner", "")
            .set("due", "")
            .set("would_be", "")
            .set("facilitator", "")
            .set("review_date", "")
            .set("review_link", "");
        v
    }

    /// The incident-wide names and those `event` sets (its author, text,
    /// reason, and the role, from and to of a role change).
    pub fn event(inc: &Incident, pb: &Playbook, event: &Event) -> Self {
        use EventKind::*;
        let mut v = Vars::incident(inc, pb);
        v.set("author", event.author.clone())
            .set("kind", event.kind.name().replace('_', " "));
        match &event.kind {
            Note { text, .. } | CommsSent { text, .. } => {
                v.set("text", text.clone());
            }
            CheckInHeld(c) => {
                v.set("status", c.status.clone())
                    .set("text", c.next.clone());
            }
            SeverityChanged { reason, .. }
            | StateChanged { reason, .. }
            | ServiceStatusChanged { reason, .. }
            | Reopened { reason } => {
                v.set("reason", reason.clone());
            }
            RoleHandedOff { role, from, to, .. } => {
                v.set_handoff(pb, role, from, to);
            }
            HandoffAccepted { role, person } => {
                let from = inc
                    .handoffs
                    .iter()
                    .rev()
                    .find(|h| &h.role == role && &h.to == person)
                    .map(|h| h.from.clone())
                    .unwrap_or_default();
                v.set_handoff(pb, role, &from, person);
            }
            RoleAssigned { role, person }
            | RoleEngaged { role, person }
            | RoleReleased { role, person } => {
                v.set_handoff(pb, role, "", person);
            }
            FollowUpAdded(f) => {
                v.set("text", f.text.clone())
                    .set("owner", f.owner.clone())
                    .set(
                        "due",
                        f.due.map_or_else(|| NONE.to_string(), |d| d.to_string()),
                    );
            }
            NearMiss { would_be_severity } => {
                v.set("would_be", would_be_severity.clone());
            }
            RetrospectiveScheduled {
                facilitator,
                on,
                link,
                ..
            } => {
                v.set("facilitator", facilitator.clone())
                    .set(
                        "review_date",
                        on.map_or_else(|| NONE.to_string(), |d| d.to_string()),
                    )
                    .set(
                        "review_link",
                        if link.is_empty() { NONE } else { link.as_str() },
                    );
            }
            _ => {}
        }
        v
    }

    /// `role` (the role's name), `from` and `to` of a change of hands.
    pub fn set_handoff(&mut self, pb: &Playbook, role: &str, from: &str, to: &str) -> &mut Self {
        let name = pb
            .role(role)
            .map_or_else(|| role.to_string(), |r| r.name.clone());
        self.set("role", name).set("from", from).set("to", to)
    }
}

fn joined_or_none(people: &[&str]) -> String {
    if people.is_empty() {
        NONE.to_string()
    } else {
        people.join(", ")
    }
}

/// Whether a template is written in MiniJinja rather than with `{name}`.
pub fn is_minijinja(template: &str) -> bool {
    template.contains("{{") || template.contains("{%")
}

/// Fill `template` with `vars`. Never fails: a MiniJinja template that does
/// not render (a syntax error, an unknown name) comes back as written.
pub fn render(template: &str, vars: &Vars) -> String {
    if is_minijinja(template) {
        render_minijinja(template, vars).unwrap_or_else(|_| template.to_string())
    } else {
        substitute(template, vars, |_| {})
    }
}

/// Whether a MiniJinja template compiles; the playbook checker's question.
pub fn check(template: &str) -> Result<(), String> {
    if !is_minijinja(template) {
        return Ok(());
    }
    environment()
        .template_from_str(template)
        .map(|_| ())
        .map_err(|e| e.to_string())
}

/// The placeholders of a template the vocabulary does not fill (for a
/// MiniJinja template: its error, if it does not render).
pub fn unknown_names(template: &str, vars: &Vars) -> Vec<String> {
    if is_minijinja(template) {
        return render_minijinja(template, vars).err().into_iter().collect();
    }
    let mut unknown = Vec::new();
    substitute(template, vars, |name| unknown.push(name.to_string()));
    unknown
}

fn environment() -> Environment<'static> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env
}

fn render_minijinja(source: &str, vars: &Vars) -> Result<String, String> {
    environment()
        .render_str(source, Value::from_serialize(&vars.0))
        .map_err(|e| e.to_string())
}

/// Replace each `{name}` with its value; an unknown `{name}` stays as written
/// and is reported to `unknown`.
fn substitute(template: &str, vars: &Vars, mut unknown: impl FnMut(&str)) -> String {
    let mut out = String::with_capacity(template.len() + 32);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let name = after.find('}').map(|close| &after[..close]);
        match name.and_then(|n| vars.get(n).map(|v| (n, v))) {
            Some((n, value)) => {
                out.push_str(value);
                rest = &after[n.len() + 1..];
            }
            None => {
                if let Some(n) = name.filter(|n| is_name(n)) {
                    unknown(n);
                }
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

fn is_name(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

#[cfg(test)]
#[path = "message_tests.rs"]
mod tests;
