//! What one outbox row asks an endpoint to do, independent of how that
//! endpoint spells it. Stored as the row's JSON payload; never holds a secret.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "do", rename_all = "snake_case")]
pub enum Delivery {
    /// A chat message.
    Post { text: String },
    /// The channel or room topic.
    Topic { topic: String },
    /// A PagerDuty Events v2 alert event.
    Page {
        action: PageAction,
        /// Derived from the incident id: retries and later events hit the same alert.
        dedup_key: String,
        summary: String,
        /// critical, error, warning or info (the playbook severity's `paging`).
        severity: String,
        source: String,
        /// The role or team whose service is paged (its routing key from the
        /// endpoint's `teams`); `None`: the endpoint's own `routing_key`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        team: Option<String>,
        /// The incident's links (document, channel, bridge), for the responder.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        links: Vec<(String, String)>,
    },
    /// The whole event, for a generic webhook.
    Event { event: serde_json::Value },
    /// One journal event in the incident's shared Matrix room (issue 15):
    /// `body` for people, the event with its seat for other cockpits.
    SeatEvent {
        room: String,
        body: String,
        event: serde_json::Value,
    },
    /// Create or update one item in a status page or a tracker (issue 17).
    /// The adapter creates it when the endpoint has no id for `item` yet
    /// (looked up in the outbox), and updates it otherwise.
    Ticket(Ticket),
    /// An e-mail in the incident's thread (000: "[Active Incident] {description}").
    Mail {
        /// `<...@domain>`, derived from the incident and event ids: a retry
        /// sends the same id, so a duplicate is recognisable as one.
        message_id: String,
        /// The declaration's Message-ID, for `In-Reply-To` and `References`.
        in_reply_to: Option<String>,
        subject: String,
        body: String,
        to: Vec<String>,
        /// Recipients who must not see each other (002: affected clients).
        bcc: Vec<String>,
    },
}

/// One item's wanted state in an outside system; each adapter spells it.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Ticket {
    /// `incident`, `follow_up:<event id>`, `near_miss`; the key its id is kept under.
    pub item: String,
    /// Title (created items; a changed title on update).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub title: String,
    /// Description on create; the update's text (a status-page update, a comment).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub body: String,
    /// Lifecycle: a status page's incident status; trackers `opened`/`closed`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub status: String,
    /// Status page: the components' status, set apart from the lifecycle (003).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub component_status: String,
    /// Labels beyond the endpoint's own (severity, `Near Miss`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub labels: Vec<String>,
    /// Only update an item that exists (never create it): a Zendesk ticket
    /// the IC linked, whose id is here.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub remote: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PageAction {
    Trigger,
    Acknowledge,
    Resolve,
}

impl PageAction {
    pub fn name(self) -> &'static str {
        match self {
            PageAction::Trigger => "trigger",
            PageAction::Acknowledge => "acknowledge",
            PageAction::Resolve => "resolve",
        }
    }
}

impl Delivery {
    /// A word for people, shown in the sync pane: "post", "topic", "trigger"...
    pub fn what(&self) -> &'static str {
        match self {
            Delivery::Post { .. } => "post",
            Delivery::Topic { .. } => "topic",
            Delivery::Page { action, .. } => action.name(),
            Delivery::Event { .. } => "event",
            Delivery::SeatEvent { .. } => "seat event",
            Delivery::Ticket(t) if !t.remote.is_empty() => "comment",
            Delivery::Ticket(_) => "ticket",

            Delivery::Mail { .. } => "mail",
        }
    }

    pub fn to_payload(&self) -> String {
        serde_json::to_string(self).expect("deliveries serialise")
    }

    pub fn from_payload(payload: &str) -> Result<Self, serde_json::Error> {
        serde_json::from_str(payload)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payloads_round_trip_and_say_what_they_do() {
        let d = Delivery::Page {
            action: PageAction::Acknowledge,
            dedup_key: "cockpit-1".into(),
            summary: "s".into(),
            severity: "critical".into(),
            source: "cockpit".into(),
            team: None,
            links: Vec::new(),
        };
        let p = d.to_payload();
        assert!(
            p.starts_with(r#"{"do":"page","action":"acknowledge""#),
            "{p}"
        );
        assert_eq!(Delivery::from_payload(&p).unwrap(), d);
        assert_eq!(d.what(), "acknowledge");
        assert_eq!(Delivery::Topic { topic: "t".into() }.what(), "topic");
    }
}
