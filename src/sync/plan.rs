//! Which requests an event needs, per endpoint: pure, so the journal can ask
//! inside its append transaction and tests can ask without a network.
//! Message text comes from the playbook's `[templates]` (the seeds' wording),
//! which an endpoint's own `templates` table may override.

use super::delivery::{Delivery, PageAction};
use super::plan_common::Templates;
pub use super::plan_common::dedup_key;
use crate::config::{Endpoint, EndpointKind};
use crate::domain::message;
use crate::domain::playbook::Phase;
use crate::domain::{Event, EventKind, Incident, Playbook};
use crate::journal::{OutboxItem, OutboxRouter};

/// The tag of notes read back from a chat room: they came from chat, so they
/// are never posted back to chat (that would echo every message).
pub const CHAT_TAG: &str = "chat";

/// Routes events to the configured endpoints; what `Journal::set_outbox` takes.
#[derive(Debug, Clone)]
pub struct Router {
    endpoints: Vec<Endpoint>,
}

impl Router {
    /// `None` when no endpoint receives events: the journal then skips routing.
    pub fn new(endpoints: &[Endpoint]) -> Option<Self> {
        let endpoints: Vec<Endpoint> = endpoints
            .iter()
            .filter(|e| e.kind.receives_events())
            .cloned()
            .collect();
        (!endpoints.is_empty()).then_some(Self { endpoints })
    }
}

impl OutboxRouter for Router {
    fn route(&self, event: &Event, incident: &Incident, playbook: &Playbook) -> Vec<OutboxItem> {
        let mut items = Vec::new();
        for endpoint in &self.endpoints {
            for d in plan(endpoint, event, incident, playbook) {
                items.push(OutboxItem {
                    endpoint: endpoint.name.clone(),
                    what: d.what().to_string(),
                    payload: d.to_payload(),
                });
            }
        }
        items
    }

    fn route_stamped(
        &self,
        stamped: &crate::domain::converge::Stamped,
        incident: &Incident,
        playbook: &Playbook,
    ) -> Vec<OutboxItem> {
        let mut items = Vec::new();
        for endpoint in &self.endpoints {
            // A shared incident's room gets every event, once (issue 15).
            let deliveries = super::plan_seats::seat_event(endpoint, stamped, incident, CHAT_TAG)
                .unwrap_or_else(|| plan(endpoint, &stamped.event, incident, playbook));
            for d in deliveries {
                items.push(OutboxItem {
                    endpoint: endpoint.name.clone(),
                    what: d.what().to_string(),
                    payload: d.to_payload(),
                });
            }
        }
        items
    }
}

/// Event kinds an endpoint hears about when its config names none.
pub fn default_events(kind: EndpointKind) -> &'static [&'static str] {
    use EndpointKind::*;
    match kind {
        // Trigger on declare, acknowledge when the acknowledging role (the IC by
        // default; 003 the EOC) engages, resolve on Resolved.
        Pagerduty => &[
            "declared",
            "role_engaged",
            "state_changed",
            "closed",
            "reopened",
            // Issue 17: page a role's team.
            "role_paged",
            // Issue 13: a false positive resolves the page.
            "dismissed",
        ],
        // What stakeholders must hear (000/001/003): not every scribe note.
        SlackWebhook | Slack | Matrix | Mattermost | Teams => &[
            "declared",
            "severity_changed",
            "state_changed",
            "service_status_changed",
            "role_handed_off",
            "handoff_accepted",
            "check_in_held",
            "comms_sent",
            "link_set",
            "close_requested",
            "closed",
            "reopened",
            "dismissed",
        ],
        Webhook => &["*"],
        Alertmanager => &[],
        Statuspage | Jira | Gitlab | Zendesk | Statusio => super::plan_remote::default_events(kind),

        // 000: stakeholders by e-mail: the declaration, then updates in one thread.
        Email => &[
            "declared",
            "severity_changed",
            "state_changed",
            "service_status_changed",
            "handoff_accepted",
            "check_in_held",
            "comms_sent",
            "link_set",
            "security_flagged",
            "closed",
            "reopened",
        ],
        // The document is republished from the journal, not fed by events.
        Document | Confluence => &[],
    }
}

fn subscribes(endpoint: &Endpoint, kind: &str) -> bool {
    // Sync bookkeeping never goes out: dropping a row is not news.
    if kind == "sync_dropped" {
        return false;
    }
    match &endpoint.events {
        Some(set) => set.contains("*") || set.contains(kind),
        None => {
            let d = default_events(endpoint.kind);
            d.contains(&"*") || d.contains(&kind)
        }
    }
}

/// What `endpoint` must receive because of `event`; `incident` is the state
/// after the event.
pub fn plan(
    endpoint: &Endpoint,
    event: &Event,
    incident: &Incident,
    playbook: &Playbook,
) -> Vec<Delivery> {
    if let EventKind::Note { private: true, .. } | EventKind::Unrecognized { .. } = event.kind {
        return Vec::new();
    }
    // A publish of the incident document is bookkeeping for the status
    // clock, never news: chat and mail would hear of it every minute.
    if crate::export::live::is_publish_record(event) {
        return Vec::new();
    }
    let kind = event.kind.name();
    if !subscribes(endpoint, &kind) {
        return Vec::new();
    }
    let t = Templates {
        endpoint,
        playbook,
        vars: message::Vars::event(incident, playbook, event),
    };
    match endpoint.kind {
        EndpointKind::Pagerduty => page(endpoint, event, incident, playbook, &t)
            .into_iter()
            .chain(super::plan_remote::team_pages(
                endpoint, event, incident, playbook, &t,
            ))
            .collect(),
        EndpointKind::Statuspage | EndpointKind::Statusio => {
            super::plan_remote::status_page(event, incident, playbook, &t)
        }
        EndpointKind::Jira | EndpointKind::Gitlab => {
            super::plan_remote::tracker(endpoint, event, incident, playbook, &t)
        }
        EndpointKind::Zendesk => super::plan_remote::client_ticket(event, incident, playbook, &t),
        EndpointKind::Webhook => vec![Delivery::Event {
            event: webhook_body(event, incident),
        }],
        EndpointKind::Alertmanager => Vec::new(),
        EndpointKind::Slack | EndpointKind::Matrix => chat(event, incident, playbook, &t, true),
        EndpointKind::SlackWebhook | EndpointKind::Mattermost | EndpointKind::Teams => {
            chat(event, incident, playbook, &t, false)
        }
        EndpointKind::Email => {
            let texts = chat(event, incident, playbook, &t, false)
                .into_iter()
                .filter_map(|d| match d {
                    Delivery::Post { text } => Some(text),
                    _ => None,
                });
            let texts: Vec<String> = match &event.kind {
                // 002: a security flag is news for the data-protection list.
                EventKind::SecurityFlagged { .. } => vec![t.render("security_flagged")],
                // 000: "Include the link to the incident document", also when it comes later.
                EventKind::LinkSet { link, .. } if incident.is_open(playbook) => {
                    if link == "document" || link == "bridge" {
                        vec![t.render("email_links")]
                    } else {
                        Vec::new()
                    }
                }
                _ => texts.collect(),
            };
            let wording = super::mail_plan::Wording {
                subject: t.render("email_subject"),
                footer: t.render("email_footer"),
            };
            super::mail_plan::mails(endpoint, event, incident, playbook, texts, &wording)
        }
        EndpointKind::Document | EndpointKind::Confluence => Vec::new(),
    }
}

fn chat(
    event: &Event,
    incident: &Incident,
    pb: &Playbook,
    t: &Templates<'_>,
    has_topic: bool,
) -> Vec<Delivery> {
    use EventKind::*;
    let post = |key: &str| Delivery::Post {
        text: t.render(key),
    };
    let topic = |key: &str| Delivery::Topic {
        topic: t.render(key),
    };
    let mut out = Vec::new();
    let closing = matches!(event.kind, Closed {})
        || matches!(&event.kind, StateChanged { .. } if incident.phase(pb) == Phase::Closed);
    match &event.kind {
        _ if closing => {
            out.push(post("closed"));
            if has_topic {
                out.push(topic("topic_closed"));
            }
        }
        Declared { .. } => {
            out.push(post("declared"));
            if has_topic {
                out.push(topic("topic"));
            }
        }
        // 000 steps 4-5: the verdict and its reason, then the closed topic.
        Dismissed { verdict, reason } => {
            out.push(Delivery::Post {
                text: format!(
                    "{} closed the incident as {}: {reason}",
                    event.author,
                    verdict.label()
                ),
            });
            if has_topic {
                out.push(topic("topic_closed"));
            }
        }
        Reopened { .. } => {
            out.push(post("reopened"));
            if has_topic {
                out.push(topic("topic"));
            }
        }
        SeverityChanged { .. }
        | StateChanged { .. }
        | ServiceStatusChanged { .. }
        | CheckInHeld(_) => out.push(post("status_update")),
        RoleHandedOff { .. } => out.push(post("handoff")),
        // 000 / 004: the incoming IC's "I have command" goes to chat too.
        HandoffAccepted { .. } => out.push(post("handoff_accepted")),
        CloseRequested {} => out.push(post("close_request")),
        CommsSent { .. } => out.push(post("comms")),
        // A link changes the topic (000: conference line, incident document).
        LinkSet { .. } => {
            if has_topic && incident.is_open(pb) {
                out.push(topic("topic"));
            }
        }
        Note { tag, .. } if tag == CHAT_TAG => {}
        Note { .. } => out.push(post("note")),
        _ => out.push(Delivery::Post {
            text: fallback_text(event),
        }),
    }
    out
}

fn page(
    endpoint: &Endpoint,
    event: &Event,
    incident: &Incident,
    pb: &Playbook,
    t: &Templates<'_>,
) -> Option<Delivery> {
    use EventKind::*;
    let action = match &event.kind {
        Declared { .. } | Reopened { .. } => PageAction::Trigger,
        RoleEngaged { role, .. } if pb.ack_role().key.eq_ignore_ascii_case(role) => {
            PageAction::Acknowledge
        }
        StateChanged { .. } | Closed {} | Dismissed { .. }
            if incident.phase(pb) != Phase::Active =>
        {
            PageAction::Resolve
        }
        _ => return None,
    };
    Some(Delivery::Page {
        action,
        dedup_key: dedup_key(incident),
        summary: t.render("page"),
        severity: pb
            .severity(&incident.severity)
            .map(|s| s.paging.clone())
            .unwrap_or_else(|| "error".into()),
        source: endpoint
            .source
            .clone()
            .unwrap_or_else(|| "incident-cockpit".into()),
        team: None,
        links: super::plan_remote::page_links(incident),
    })
}

fn webhook_body(event: &Event, incident: &Incident) -> serde_json::Value {
    serde_json::json!({
        "event": event,
        "incident": {
            "id": incident.id,
            "title": incident.title,
            "severity": incident.severity,
            "state": incident.state,
        },
    })
}

/// Words for an event kind no template covers: "action proposed: fail over".
fn fallback_text(event: &Event) -> String {
    let kind = event.kind.name().replace('_', " ");
    let body = serde_json::to_value(&event.kind)
        .ok()
        .and_then(|v| v.get("body").cloned());
    let detail = body.as_ref().and_then(|b| {
        [
            "text", "what", "title", "status", "reason", "summary", "details",
        ]
        .iter()
        .find_map(|k| b.get(*k).and_then(|v| v.as_str()))
        .filter(|s| !s.is_empty())
        .map(str::to_string)
    });
    match detail {
        Some(d) => format!("{} {kind}: {d}", event.author),
        None => format!("{} {kind}", event.author),
    }
}

#[cfg(test)]
#[path = "plan_tests.rs"]
mod tests;
