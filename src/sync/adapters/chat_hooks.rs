//! Webhooks that only take a POST: the generic JSON webhook (signed with
//! HMAC-SHA256), Mattermost (Slack-compatible `{"text"}`, ENDPOINTS.md §3.2)
//! and Microsoft Teams Workflows (Adaptive Card envelope, any 2xx, §3.1).

use hmac::{Hmac, Mac};
use reqwest::Method;
use serde_json::json;
use sha2::Sha256;

use crate::sync::backoff::Outcome;
use crate::sync::delivery::Delivery;
use crate::sync::http::{HttpAnswer, HttpRequest, Target, judge_status};
use crate::sync::outbox::OutboxRow;

pub const DEFAULT_SIGNATURE_HEADER: &str = "x-cockpit-signature";

/// `sha256=<hex>` of the body, keyed with the endpoint's secret (the
/// receiver recomputes it to know the request is ours and unaltered).
pub fn signature(key: &[u8], body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes any key length");
    mac.update(body);
    let hex: String = mac
        .finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("sha256={hex}")
}

pub fn webhook_request(target: &Target, row: &OutboxRow, d: &Delivery) -> Option<HttpRequest> {
    let Delivery::Event { event } = d else {
        return None;
    };
    let mut req = HttpRequest::json(Method::POST, target.url.clone()?, event);
    let body = req.body.as_deref().unwrap_or_default();
    let sig = signature(target.hmac_key.as_ref()?.expose().as_bytes(), body);
    let header = target
        .endpoint
        .signature_header
        .as_deref()
        .unwrap_or(DEFAULT_SIGNATURE_HEADER)
        .to_ascii_lowercase();
    req = req
        .header(header, sig)
        // Lets the receiver drop a redelivery (at-least-once).
        .header(
            "x-cockpit-delivery",
            format!("{}.{}", row.event_id, row.part),
        );
    Some(req)
}

pub fn mattermost_request(target: &Target, row: &OutboxRow, d: &Delivery) -> Option<HttpRequest> {
    let Delivery::Post { text } = d else {
        return None;
    };
    // `props` carry the row's id (#19): read-back knows the cockpit's own posts.
    Some(HttpRequest::json(
        Method::POST,
        target.url.clone()?,
        &json!({
            "text": text,
            "props": { "cockpit_event_ids": format!("{}.{}", row.event_id.0.simple(), row.part) },
        }),
    ))
}

pub fn teams_request(target: &Target, d: &Delivery) -> Option<HttpRequest> {
    let Delivery::Post { text } = d else {
        return None;
    };
    let card = json!({
        "type": "message",
        "attachments": [{
            "contentType": "application/vnd.microsoft.card.adaptive",
            "contentUrl": null,
            "content": {
                "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
                "type": "AdaptiveCard",
                "version": "1.2",
                "body": [{ "type": "TextBlock", "text": text, "wrap": true }],
            },
        }],
    });
    Some(HttpRequest::json(Method::POST, target.url.clone()?, &card))
}

/// Any 2xx is success (Workflows: 202, empty body); a legacy connector may
/// hide an error in a 200 body ("...returned HTTP error 429").
pub fn judge_teams(a: &HttpAnswer) -> Outcome {
    if let Some(o) = judge_status(a, a.body.trim()) {
        return o;
    }
    let body = a.body.trim();
    if body.contains("returned HTTP error") {
        return if body.contains("429") {
            Outcome::Retry {
                error: format!("Teams: {body}"),
                retry_after: a.retry_after,
            }
        } else {
            Outcome::Park {
                error: format!("Teams: {body}"),
            }
        };
    }
    Outcome::Delivered { remote_id: None }
}
