//! Slack (ENDPOINTS.md §2): an incoming webhook answers a plain `ok` (never
//! parse it); the Web API answers JSON whose `ok` decides, whatever the HTTP
//! status. `{ok:false}` is parked with Slack's error, except `ratelimited`.

use reqwest::Method;
use serde_json::json;

use super::text::truncate;
use crate::sync::delivery::Delivery;
use crate::sync::http::{HttpRequest, Target};
use crate::sync::outbox::OutboxRow;

pub use super::slack_api::{DEFAULT_API, escape, judge_api};

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
