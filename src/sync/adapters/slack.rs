//! Slack (ENDPOINTS.md §2): an incoming webhook answers a plain `ok` (never
//! parse it); the Web API answers JSON whose `ok` decides, whatever the HTTP
//! status. `{ok:false}` is parked with Slack's error, except `ratelimited`.

use reqwest::Method;
use serde_json::json;

use super::text::truncate;
use crate::sync::backoff::Outcome;
use crate::sync::delivery::Delivery;
use crate::sync::http::{HttpAnswer, HttpRequest, Target, judge_status};
use crate::sync::outbox::OutboxRow;

pub const DEFAULT_API: &str = "https://slack.com/api";

/// mrkdwn needs exactly these three escaped (§2.7).
pub fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

pub fn webhook_request(target: &Target, d: &Delivery) -> Option<HttpRequest> {
    let Delivery::Post { text } = d else {
        return None;
    };
    Some(HttpRequest::json(
        Method::POST,
        target.url.clone()?,
        &json!({ "text": escape(text) }),
    ))
}

pub fn api_request(target: &Target, row: &OutboxRow, d: &Delivery) -> Option<HttpRequest> {
    let channel = target.endpoint.channel.as_deref()?;
    let (method, body) = match d {
        // Tagged with the row's id (#19: no double posts).
        Delivery::Post { .. } => return super::slack_post::post_request(target, &[row.clone()]),
        // "does not support formatting"; longer than 250 is `too_long`.
        Delivery::Topic { topic } => (
            "conversations.setTopic",
            json!({ "channel": channel, "topic": truncate(topic, 250) }),
        ),
        _ => return None,
    };
    let mut url = target.base_url(DEFAULT_API);
    url.path_segments_mut().ok()?.pop_if_empty().push(method);
    let token = target.token.as_ref()?.expose();
    let mut req = HttpRequest::json(Method::POST, url, &body);
    req.headers = vec![
        (
            "content-type".into(),
            "application/json; charset=utf-8".into(),
        ),
        ("authorization".into(), format!("Bearer {token}")),
    ];
    Some(req)
}

pub fn judge_api(a: &HttpAnswer) -> Outcome {
    if let Some(o) = judge_status(a, a.body.trim()) {
        return o;
    }
    let Ok(v) = serde_json::from_str::<serde_json::Value>(&a.body) else {
        // Maybe posted, maybe not: a retry could post twice, so ask the IC.
        return Outcome::Park {
            error: format!(
                "Slack answered {} with something that is not JSON: {}",
                a.status,
                a.body.trim()
            ),
        };
    };
    match (v["ok"].as_bool(), v["error"].as_str()) {
        (Some(true), _) => Outcome::Delivered {
            remote_id: v["ts"].as_str().map(str::to_string),
        },
        (_, Some("ratelimited")) => Outcome::Retry {
            error: "Slack: ratelimited".into(),
            retry_after: a.retry_after,
        },
        (_, Some(e)) => Outcome::Park {
            error: format!("Slack: {e}"),
        },
        _ => Outcome::Park {
            error: format!("Slack answered without `ok`: {}", a.body.trim()),
        },
    }
}
