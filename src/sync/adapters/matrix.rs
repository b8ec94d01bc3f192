//! Matrix client-server API (ENDPOINTS.md §4): a message is a PUT with a
//! transaction id derived from the event id, so a retry returns the original
//! `event_id` instead of posting twice; the topic is a state event (latest
//! wins). Reading the room back into the timeline lives here too.

use chrono::{DateTime, TimeZone, Utc};
use reqwest::{Method, Url};
use serde_json::json;

use crate::domain::sanitize::{clean_line, clean_text};
use crate::domain::{Event, EventId, EventKind, IncidentId};
use crate::sync::backoff::Outcome;
use crate::sync::delivery::Delivery;
use crate::sync::http::{HttpAnswer, HttpRequest, Target, judge_status};
use crate::sync::outbox::OutboxRow;
use crate::sync::plan::CHAT_TAG;
use crate::sync::plan_seats::EVENT_KEY;

/// The transaction id of a row: the same row always gets the same one, and
/// never two rows (never reuse a txn id for other content, §4.3).
pub fn txn_id(row: &OutboxRow) -> String {
    format!("cockpit.{}.{}", row.event_id.0.simple(), row.part)
}

fn room_url(target: &Target, tail: &[&str]) -> Option<Url> {
    url_in(target, target.endpoint.room.as_deref()?, tail)
}

fn url_in(target: &Target, room: &str, tail: &[&str]) -> Option<Url> {
    let mut url = target.url.clone()?;
    {
        let mut p = url.path_segments_mut().ok()?;
        p.pop_if_empty()
            .extend(["_matrix", "client", "v3", "rooms", room])
            .extend(tail);
    }
    Some(url)
}

fn authed(req: HttpRequest, target: &Target) -> Option<HttpRequest> {
    let token = target.token.as_ref()?.expose();
    Some(req.header("authorization", format!("Bearer {token}")))
}

pub fn request(target: &Target, row: &OutboxRow, d: &Delivery) -> Option<HttpRequest> {
    let req = match d {
        Delivery::Post { text } => HttpRequest::json(
            Method::PUT,
            room_url(target, &["send", "m.room.message", &txn_id(row)])?,
            &json!({ "msgtype": "m.text", "body": text }),
        ),
        // Issue 15: the event for other seats under a namespaced key, the
        // timeline's words in `body` for people (§4.3, DESIGN.md "Beyond one
        // machine"); the txn id comes from the event id, so a retry is the
        // same message.
        Delivery::SeatEvent { room, body, event } => HttpRequest::json(
            Method::PUT,
            url_in(target, room, &["send", "m.room.message", &txn_id(row)])?,
            &json!({ "msgtype": "m.text", "body": body, EVENT_KEY: event }),
        ),
        // Empty state key: the path ends in a slash.
        Delivery::Topic { topic } => HttpRequest::json(
            Method::PUT,
            room_url(target, &["state", "m.room.topic", ""])?,
            &json!({ "topic": topic }),
        ),
        _ => return None,
    };
    authed(req, target)
}

pub fn judge(a: &HttpAnswer) -> Outcome {
    let v: Option<serde_json::Value> = serde_json::from_str(&a.body).ok();
    let detail = v
        .as_ref()
        .map(|v| {
            format!(
                "{}: {}",
                v["errcode"].as_str().unwrap_or("?"),
                v["error"].as_str().unwrap_or("")
            )
        })
        .unwrap_or_else(|| a.body.trim().to_string());
    if let Some(o) = judge_status(a, &detail) {
        // §4.6: Retry-After SHOULD be sent; `retry_after_ms` is the fallback.
        return match o {
            Outcome::Retry {
                error,
                retry_after: None,
            } => Outcome::Retry {
                error,
                retry_after: v
                    .as_ref()
                    .and_then(|v| v["retry_after_ms"].as_u64())
                    .map(std::time::Duration::from_millis),
            },
            o => o,
        };
    }
    match v.as_ref().and_then(|v| v["event_id"].as_str()) {
        Some(id) => Outcome::Delivered {
            remote_id: Some(id.to_string()),
        },
        // Resending is harmless: the txn id makes it the same message.
        None => Outcome::Retry {
            error: format!(
                "Matrix answered {} without an event_id: {}",
                a.status,
                a.body.trim()
            ),
            retry_after: None,
        },
    }
}

/// `GET /account/whoami`: who "we" are, to skip our own messages.
pub fn whoami_request(target: &Target) -> Option<HttpRequest> {
    let mut url = target.url.clone()?;
    url.path_segments_mut()
        .ok()?
        .pop_if_empty()
        .extend(["_matrix", "client", "v3", "account", "whoami"]);
    authed(
        HttpRequest {
            method: Method::GET,
            url,
            headers: Vec::new(),
            body: None,
        },
        target,
    )
}

/// The newest `limit` events of the room, newest first (§4.5).
pub fn messages_request(target: &Target, limit: u32) -> Option<HttpRequest> {
    let mut url = room_url(target, &["messages"])?;
    url.query_pairs_mut()
        .append_pair("dir", "b")
        .append_pair("limit", &limit.to_string());
    authed(
        HttpRequest {
            method: Method::GET,
            url,
            headers: Vec::new(),
            body: None,
        },
        target,
    )
}

/// The journal id of a note read from Matrix: derived from the Matrix event
/// id, so reading the same message again is recognised and skipped.
pub fn note_id(room: &str, matrix_event_id: &str) -> EventId {
    EventId(uuid::Uuid::new_v5(
        &uuid::Uuid::NAMESPACE_URL,
        format!("matrix:{room}/{matrix_event_id}").as_bytes(),
    ))
}

/// Notes tagged `chat` for what other people said in the room since
/// `since`, oldest first. Text is cleaned where it enters (ENDPOINTS.md §7).
pub fn chat_notes(
    body: &serde_json::Value,
    room: &str,
    me: &str,
    incident: IncidentId,
    since: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Vec<Event> {
    let mut out: Vec<Event> = body["chunk"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .filter(|e| e["type"] == "m.room.message")
        .filter(|e| e["sender"].as_str().is_some_and(|s| s != me))
        .filter_map(|e| {
            let id = e["event_id"].as_str()?;
            let text = clean_text(e["content"]["body"].as_str()?);
            let at = Utc
                .timestamp_millis_opt(e["origin_server_ts"].as_i64()?)
                .single()?;
            if text.trim().is_empty() || at < since {
                return None;
            }
            // A chat server whose clock runs ahead of ours cannot date a message
            // after we read it (`heard_at`: the time rule would refuse the note).
            let mut ev = Event::new(
                incident,
                &clean_line(e["sender"].as_str()?),
                crate::domain::incident::heard_at(at, now),
                now,
                EventKind::Note {
                    text: text.trim().to_string(),
                    tag: CHAT_TAG.into(),
                    private: false,
                },
            );
            ev.id = note_id(room, id);
            Some(ev)
        })
        .collect();
    out.sort_by_key(|e| e.at);
    out
}
