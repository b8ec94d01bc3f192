//! Atlassian Statuspage (003: "incidents ... have state and status"): the
//! incident is created once and patched after; its lifecycle `status` and
//! its components' status are separate fields of each post.
//!
//! - Base URL `https://api.statuspage.io/v1`, `Authorization: OAuth <key>`
//!   (https://doers.statuspage.io/api/authentication/,
//!   https://www.stitchflow.com/user-management/atlassian-statuspage/api).
//! - Create: `POST /pages/{page_id}/incidents`; update:
//!   `PATCH /pages/{page_id}/incidents/{incident_id}`; body
//!   `{"incident": {name, status, body, components: {id: status}, component_ids}}`
//!   (https://developer.statuspage.io/#operation/postPagesPageIdIncidents,
//!   https://developer.statuspage.io/#operation/patchPagesPageIdIncidentsIncidentId).
//! - "Each API token is limited to 1 request / second ... Error codes 420 or
//!   429 indicate that you have exceeded the rate limit" (API overview,
//!   quoted by https://packagist.org/packages/alissonlinneker/): both retry.
//! - No idempotency key: a create whose answer is lost may be sent again;
//!   every later row patches the one whose id came back.

use reqwest::Method;
use serde_json::{Map, Value, json};

use super::ticket_common::{Linked, error_detail, join, no_item_yet};
use crate::sync::backoff::Outcome;
use crate::sync::delivery::Ticket;
use crate::sync::http::{HttpAnswer, HttpRequest, Target, judge_status};

pub const DEFAULT_URL: &str = "https://api.statuspage.io/v1";

pub fn request(target: &Target, t: &Ticket, existing: Option<&str>) -> Result<HttpRequest, String> {
    let token = target.token.as_ref().ok_or("no token")?.expose();
    let page = target.endpoint.page_id.as_deref().ok_or("no page_id")?;
    let base = target.base_url(DEFAULT_URL);
    let mut incident = Map::new();
    if !t.title.is_empty() {
        incident.insert("name".into(), json!(t.title));
    }
    if !t.status.is_empty() {
        incident.insert("status".into(), json!(t.status));
    }
    if !t.body.is_empty() {
        incident.insert("body".into(), json!(t.body));
    }
    let ids = &target.endpoint.components;
    if !ids.is_empty() {
        if !t.component_status.is_empty() {
            let statuses: Map<String, Value> = ids
                .iter()
                .map(|id| (id.clone(), json!(t.component_status)))
                .collect();
            incident.insert("components".into(), Value::Object(statuses));
        }
        incident.insert("component_ids".into(), json!(ids));
    }
    let (method, url) = match existing {
        Some(id) => (
            Method::PATCH,
            join(&base, &["pages", page, "incidents", id]),
        ),
        None if t.title.is_empty() => return Err(no_item_yet(t)),
        None => (Method::POST, join(&base, &["pages", page, "incidents"])),
    };
    Ok(
        HttpRequest::json(method, url, &json!({ "incident": incident }))
            .header("authorization", format!("OAuth {token}")),
    )
}

/// 201/200 with the incident: its `id`, and `shortlink` for people.
pub fn judge(existing: Option<&str>, a: &HttpAnswer) -> Result<Linked, Outcome> {
    if a.status == 420 {
        return Err(Outcome::Retry {
            error: format!("420 rate limited: {}", error_detail(&a.body)),
            retry_after: a.retry_after,
        });
    }
    if let Some(o) = judge_status(a, &error_detail(&a.body)) {
        return Err(o);
    }
    let v: Value = serde_json::from_str(&a.body).unwrap_or(Value::Null);
    let url = v["shortlink"].as_str().unwrap_or("").to_string();
    match (existing, v["id"].as_str()) {
        (Some(id), _) => Ok(Linked {
            id: id.to_string(),
            url,
        }),
        (None, Some(id)) => Ok(Linked {
            id: id.to_string(),
            url,
        }),
        (None, None) => Err(Outcome::Park {
            error: format!("{} without an incident id: {}", a.status, a.body.trim()),
        }),
    }
}
