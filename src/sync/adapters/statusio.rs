//! status.io (003: "incidents in status.io have state and status and are
//! updated by the incident owner"): API v2. The incident's lifecycle
//! (`current_state`) and the affected components' status (`current_status`)
//! are two separate numbers of every message, as 003 requires.
//!
//! API facts, from status.io's own clients (github.com/statusio/statusio-go
//! `statusio.go`, `incidents.go`, `incidents_types.go`;
//! github.com/statusio/statusio-python `statusio/api.py`), which point at the
//! reference http://docs.statusio.apiary.io:
//! - Base URL `https://api.status.io/v2/`; headers `x-api-id` and
//!   `x-api-key`; JSON bodies (`Content-Type: application/json`).
//! - `POST incident/create` with `statuspage_id`, `infrastructure_affected`
//!   ("ID of each affected component and container combo"), `incident_name`,
//!   `incident_details`, `message_subject`, `current_status`,
//!   `current_state`, `notify_email` / `notify_sms` / `notify_webhook` /
//!   `social` / `irc` / `hipchat` / `slack` ("1 = Send notification"),
//!   `all_infrastructure_affected`; answered
//!   `{"status": {"error": "no", "message"}, "result": "<incident id>"}`.
//! - `POST incident/update` and `POST incident/resolve` ("The incident will
//!   be shown in the history instead of on the main page") with
//!   `incident_id`, `incident_details`, `current_status`, `current_state`,
//!   `message_subject` and the notify flags; `result: true`.
//! - States: investigating 100, identified 200, monitoring 300. Statuses:
//!   operational 100, degraded performance 300, partial service disruption
//!   400, service disruption 500, security event 600 (statusio-go constants).
//! - A refusal may come as HTTP 200 with `status.error` other than `"no"`
//!   (the clients check both): parked with status.io's `message`.
//! - No idempotency key: a create whose answer is lost may be sent again.

use reqwest::Method;
use serde_json::{Map, Value, json};

use super::ticket_common::{Linked, error_detail, join, no_item_yet};
use crate::sync::backoff::Outcome;
use crate::sync::delivery::Ticket;
use crate::sync::http::{HttpAnswer, HttpRequest, Target, judge_status};

pub const DEFAULT_URL: &str = "https://api.status.io/v2";

/// `current_state` from the lifecycle status the planner gives every
/// status page (investigating, identified, monitoring, resolved). A resolve
/// keeps 300: status.io documents no state past monitoring; the
/// `incident/resolve` call is what ends the incident.
pub fn state_code(status: &str) -> Option<u16> {
    match status {
        "investigating" => Some(100),
        "identified" => Some(200),
        "monitoring" | "resolved" => Some(300),
        _ => None,
    }
}

/// `current_status` from the component status the planner gives (Statuspage's
/// words: operational, degraded_performance, partial_outage, major_outage).
/// None: leave the components as they are (the clients omit it then).
pub fn status_code(component_status: &str) -> Option<u16> {
    match component_status {
        "operational" => Some(100),
        "degraded_performance" => Some(300),
        "partial_outage" => Some(400),
        "major_outage" => Some(500),
        "security_issue" | "security_event" => Some(600),
        _ => None,
    }
}

pub fn request(target: &Target, t: &Ticket, existing: Option<&str>) -> Result<HttpRequest, String> {
    let key = target.token.as_ref().ok_or("no token")?.expose();
    let api_id = target
        .endpoint
        .user
        .as_deref()
        .ok_or("no user (the API ID)")?;
    let page = target.endpoint.page_id.as_deref().ok_or("no page_id")?;
    let base = target.base_url(DEFAULT_URL);
    let mut body = Map::new();
    body.insert("statuspage_id".into(), json!(page));
    let (call, subject) = match existing {
        None if t.title.is_empty() => return Err(no_item_yet(t)),
        None => {
            let components = &target.endpoint.components;
            body.insert("incident_name".into(), json!(t.title));
            body.insert("infrastructure_affected".into(), json!(components));
            body.insert(
                "all_infrastructure_affected".into(),
                json!(if components.is_empty() { "1" } else { "0" }),
            );
            ("create", t.title.as_str())
        }
        Some(id) => {
            body.insert("incident_id".into(), json!(id));
            let call = if t.status == "resolved" {
                "resolve"
            } else {
                "update"
            };
            (call, t.title.as_str())
        }
    };
    body.insert("incident_details".into(), json!(t.body));
    body.insert("message_subject".into(), json!(subject));
    if let Some(s) = state_code(&t.status) {
        body.insert("current_state".into(), json!(s));
    }
    if let Some(s) = status_code(&t.component_status) {
        body.insert("current_status".into(), json!(s));
    }
    // 003: the public is told; subscribers by e-mail and webhook. SMS,
    // Twitter and chat relays stay off: the cockpit posts to chat itself.
    for (flag, on) in [
        ("notify_email", "1"),
        ("notify_sms", "0"),
        ("notify_webhook", "1"),
        ("social", "0"),
        ("irc", "0"),
        ("hipchat", "0"),
        ("slack", "0"),
    ] {
        body.insert(flag.into(), json!(on));
    }
    Ok(HttpRequest::json(
        Method::POST,
        join(&base, &["incident", call]),
        &Value::Object(body),
    )
    .header("x-api-id", api_id)
    .header("x-api-key", key))
}

/// HTTP errors as everywhere; then status.io's own `status.error`.
pub fn judge(existing: Option<&str>, a: &HttpAnswer) -> Result<Linked, Outcome> {
    let v: Value = serde_json::from_str(&a.body).unwrap_or(Value::Null);
    let said = v["status"]["message"]
        .as_str()
        .map(str::to_string)
        .unwrap_or_else(|| error_detail(&a.body));
    if let Some(o) = judge_status(a, &said) {
        return Err(o);
    }
    if v["status"]["error"].as_str() != Some("no") {
        return Err(Outcome::Park {
            error: format!("{} refused: {}", a.status, said.trim()),
        });
    }
    match (existing, v["result"].as_str()) {
        (Some(id), _) => Ok(Linked {
            id: id.to_string(),
            url: String::new(),
        }),
        (None, Some(id)) if !id.is_empty() => Ok(Linked {
            id: id.to_string(),
            url: String::new(),
        }),
        (None, _) => Err(Outcome::Park {
            error: format!("{} without an incident id: {}", a.status, a.body.trim()),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn state_and_status_are_separate_numbers() {
        assert_eq!(state_code("identified"), Some(200));
        assert_eq!(state_code("resolved"), Some(300));
        assert_eq!(state_code("closed"), None);
        assert_eq!(status_code("partial_outage"), Some(400));
        assert_eq!(status_code(""), None);
    }

    #[test]
    fn a_refusal_in_a_200_is_parked_with_its_words() {
        let a = HttpAnswer {
            status: 200,
            body: r#"{"status":{"error":"yes","message":"Invalid statuspage_id"}}"#.into(),
            retry_after: None,
        };
        assert_eq!(
            judge(None, &a),
            Err(Outcome::Park {
                error: "200 refused: Invalid statuspage_id".into()
            })
        );
    }
}
