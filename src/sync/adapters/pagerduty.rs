//! PagerDuty Events API v2 (ENDPOINTS.md §1.1): `POST /v2/enqueue`, the
//! integration key in the body, `dedup_key` from the incident id so a retried
//! trigger is at worst a log entry on the same alert, never a second page.

use reqwest::Method;
use serde_json::json;

use super::text::truncate;
use crate::sync::backoff::Outcome;
use crate::sync::delivery::{Delivery, PageAction};
use crate::sync::http::{HttpAnswer, HttpRequest, Target, judge_status};

pub const DEFAULT_URL: &str = "https://events.pagerduty.com/v2/enqueue";

pub fn request(target: &Target, d: &Delivery) -> Option<HttpRequest> {
    let Delivery::Page {
        action,
        dedup_key,
        summary,
        severity,
        source,
        team,
        links,
    } = d
    else {
        return None;
    };
    // 000 / 004: a role's team is paged on its own service, by its own key
    // (ENDPOINTS.md §1.1: ack/resolve only apply through the same routing_key).
    let key = match team {
        Some(team) => target.team_keys.get(team)?.expose(),
        None => target.routing_key.as_ref()?.expose(),
    };
    let body = match action {
        PageAction::Trigger => {
            let mut body = json!({
                "routing_key": key,
                "event_action": "trigger",
                "dedup_key": dedup_key,
                "payload": {
                    "summary": truncate(summary, 1024),
                    "source": source,
                    "severity": severity,
                },
                "client": "Incident Cockpit",
            });
            // `links[]`: `{href (required), text}` (ENDPOINTS.md §1.1).
            if !links.is_empty() {
                body["links"] = links
                    .iter()
                    .map(|(href, text)| json!({"href": href, "text": text}))
                    .collect();
            }
            body
        }
        PageAction::Acknowledge | PageAction::Resolve => json!({
            "routing_key": key,
            "event_action": action.name(),
            "dedup_key": dedup_key,
        }),
    };
    Some(HttpRequest::json(
        Method::POST,
        target.base_url(DEFAULT_URL),
        &body,
    ))
}

/// 202 is "enqueued" (the body is only informative); 400 is parked with
/// PagerDuty's own `message` and `errors`.
pub fn judge(a: &HttpAnswer) -> Outcome {
    let v: Option<serde_json::Value> = serde_json::from_str(&a.body).ok();
    let detail = v
        .as_ref()
        .map(|v| {
            let msg = v["message"].as_str().unwrap_or("");
            let errors: Vec<&str> = v["errors"]
                .as_array()
                .map(|e| e.iter().filter_map(|x| x.as_str()).collect())
                .unwrap_or_default();
            if errors.is_empty() {
                msg.to_string()
            } else {
                format!("{msg} ({})", errors.join("; "))
            }
        })
        .unwrap_or_else(|| a.body.trim().to_string());
    judge_status(a, &detail).unwrap_or_else(|| Outcome::Delivered {
        remote_id: v.and_then(|v| v["dedup_key"].as_str().map(str::to_string)),
    })
}
