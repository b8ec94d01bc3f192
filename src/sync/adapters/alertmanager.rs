//! Prometheus Alertmanager API v2 (ENDPOINTS.md §5): not an outbox target but
//! something the IC reads and acts on: firing alerts for the incident's
//! services, and at return-to-baseline the silences still active, expired on
//! the IC's command (004: "ensure any alert silences have been removed").
//! Debian ships 0.25 while upstream is at 0.34: responses are read tolerantly.

use chrono::{DateTime, Utc};
use reqwest::{Method, Url};
use serde::Serialize;

use crate::domain::sanitize::clean_line;
use crate::sync::backoff::Outcome;
use crate::sync::http::{HttpAnswer, HttpRequest, Target, judge_status, send};

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Alert {
    pub name: String,
    pub state: String,
    pub severity: String,
    pub summary: String,
    pub starts_at: Option<DateTime<Utc>>,
    pub labels: Vec<(String, String)>,
    pub fingerprint: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Silence {
    pub id: String,
    pub state: String,
    pub created_by: String,
    pub comment: String,
    pub matchers: String,
    pub ends_at: Option<DateTime<Utc>>,
}

impl Silence {
    pub fn is_live(&self) -> bool {
        matches!(self.state.as_str(), "active" | "pending")
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("alertmanager `{endpoint}`: {message}")]
pub struct AlertmanagerError {
    pub endpoint: String,
    pub message: String,
}

fn api_url(target: &Target, tail: &[&str]) -> Option<Url> {
    let mut url = target.url.clone()?;
    url.path_segments_mut()
        .ok()?
        .pop_if_empty()
        .extend(["api", "v2"])
        .extend(tail);
    Some(url)
}

fn with_auth(mut req: HttpRequest, target: &Target) -> HttpRequest {
    if let Some(t) = &target.token {
        req = req.header("authorization", format!("Bearer {}", t.expose()));
    }
    req
}

fn get(url: Url) -> HttpRequest {
    HttpRequest {
        method: Method::GET,
        url,
        headers: Vec::new(),
        body: None,
    }
}

/// Firing alerts: active, neither silenced nor inhibited, matching `filter`.
pub fn alerts_request(target: &Target) -> Option<HttpRequest> {
    let mut url = api_url(target, &["alerts"])?;
    {
        let mut q = url.query_pairs_mut();
        q.append_pair("active", "true")
            .append_pair("silenced", "false")
            .append_pair("inhibited", "false");
        for f in &target.endpoint.filter {
            q.append_pair("filter", f);
        }
    }
    Some(with_auth(get(url), target))
}

pub fn silences_request(target: &Target) -> Option<HttpRequest> {
    Some(with_auth(get(api_url(target, &["silences"])?), target))
}

/// `DELETE /silence/{id}` expires it (it stays listed as `expired`).
pub fn expire_request(target: &Target, id: &str) -> Option<HttpRequest> {
    let mut req = get(api_url(target, &["silence", id])?);
    req.method = Method::DELETE;
    Some(with_auth(req, target))
}

fn text(v: &serde_json::Value) -> String {
    clean_line(v.as_str().unwrap_or(""))
}

fn time(v: &serde_json::Value) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(v.as_str()?)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

pub fn parse_alerts(body: &str) -> Result<Vec<Alert>, String> {
    let v: serde_json::Value =
        serde_json::from_str(body).map_err(|e| format!("alerts are not JSON: {e}"))?;
    let list = v.as_array().ok_or("alerts are not a list")?;
    let mut out: Vec<Alert> = list
        .iter()
        .map(|a| {
            let mut labels: Vec<(String, String)> = a["labels"]
                .as_object()
                .map(|m| m.iter().map(|(k, v)| (clean_line(k), text(v))).collect())
                .unwrap_or_default();
            labels.sort();
            Alert {
                name: text(&a["labels"]["alertname"]),
                state: text(&a["status"]["state"]),
                severity: text(&a["labels"]["severity"]),
                summary: text(&a["annotations"]["summary"]),
                starts_at: time(&a["startsAt"]),
                labels,
                fingerprint: text(&a["fingerprint"]),
            }
        })
        .collect();
    out.sort_by(|a, b| a.starts_at.cmp(&b.starts_at).then(a.name.cmp(&b.name)));
    Ok(out)
}

pub fn parse_silences(body: &str) -> Result<Vec<Silence>, String> {
    let v: serde_json::Value =
        serde_json::from_str(body).map_err(|e| format!("silences are not JSON: {e}"))?;
    let list = v.as_array().ok_or("silences are not a list")?;
    Ok(list
        .iter()
        .map(|s| Silence {
            id: text(&s["id"]),
            state: text(&s["status"]["state"]),
            created_by: text(&s["createdBy"]),
            comment: text(&s["comment"]),
            matchers: s["matchers"]
                .as_array()
                .map(|ms| {
                    ms.iter()
                        .map(|m| {
                            let op = match (
                                m["isRegex"].as_bool().unwrap_or(false),
                                m["isEqual"].as_bool().unwrap_or(true),
                            ) {
                                (false, true) => "=",
                                (false, false) => "!=",
                                (true, true) => "=~",
                                (true, false) => "!~",
                            };
                            format!("{}{op}\"{}\"", text(&m["name"]), text(&m["value"]))
                        })
                        .collect::<Vec<_>>()
                        .join(", ")
                })
                .unwrap_or_default(),
            ends_at: time(&s["endsAt"]),
        })
        .collect())
}

/// Whether a silence is one the cockpit's people made: its `createdBy`
/// contains the endpoint's `created_by` (default "cockpit").
pub fn is_ours(target: &Target, s: &Silence) -> bool {
    let mark = target.endpoint.created_by.as_deref().unwrap_or("cockpit");
    s.created_by.to_lowercase().contains(&mark.to_lowercase())
}

async fn call(
    client: &reqwest::Client,
    target: &Target,
    req: Option<HttpRequest>,
) -> Result<HttpAnswer, AlertmanagerError> {
    let err = |message: String| AlertmanagerError {
        endpoint: target.name().to_string(),
        message: target.redact(&message),
    };
    let req = req.ok_or_else(|| err("no url configured".into()))?;
    let answer = send(client, req, target.endpoint.timeout, Utc::now())
        .await
        .map_err(|o| match o {
            Outcome::Retry { error, .. } | Outcome::Park { error } => err(error),
            Outcome::Delivered { .. } => err("unexpected".into()),
        })?;
    match judge_status(&answer, answer.body.trim()) {
        None => Ok(answer),
        Some(Outcome::Retry { error, .. } | Outcome::Park { error }) => Err(err(error)),
        Some(Outcome::Delivered { .. }) => Ok(answer),
    }
}

pub async fn alerts(
    client: &reqwest::Client,
    target: &Target,
) -> Result<Vec<Alert>, AlertmanagerError> {
    let a = call(client, target, alerts_request(target)).await?;
    parse_alerts(&a.body).map_err(|m| AlertmanagerError {
        endpoint: target.name().into(),
        message: m,
    })
}

pub async fn silences(
    client: &reqwest::Client,
    target: &Target,
) -> Result<Vec<Silence>, AlertmanagerError> {
    let a = call(client, target, silences_request(target)).await?;
    parse_silences(&a.body).map_err(|m| AlertmanagerError {
        endpoint: target.name().into(),
        message: m,
    })
}

pub async fn expire(
    client: &reqwest::Client,
    target: &Target,
    id: &str,
) -> Result<(), AlertmanagerError> {
    call(client, target, expire_request(target, id))
        .await
        .map(|_| ())
}
