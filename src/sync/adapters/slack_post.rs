//! Slack `chat.postMessage` without double posts (issue #19). Slack has no
//! idempotency key (ENDPOINTS.md §2.3), so:
//!
//! - every message carries the ids of the rows it delivers in its message
//!   `metadata` (https://docs.slack.dev/messaging/message-metadata:
//!   `{"event_type": ..., "event_payload": {...}}`);
//! - before a row that already failed once is posted again (a timeout or a
//!   5xx may have posted it), the channel's recent history is read with
//!   `include_all_metadata=true`
//!   (https://docs.slack.dev/reference/methods/conversations.history) and a
//!   row found there is done, with the ts Slack gave it;
//! - `chat.postMessage` "generally allows posting one message per second per
//!   channel" (https://docs.slack.dev/apis/web-api/rate-limits): posts that
//!   are due together are coalesced into one message, and messages to one
//!   channel are at least a second apart.

use reqwest::{Method, Url};
use serde_json::{Value, json};
use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::sync::Mutex;
use std::time::Duration;
use tokio::time::Instant;

use super::slack_api::{DEFAULT_API, judge_api};
use crate::sync::backoff::Outcome;
use crate::sync::delivery::Delivery;
use crate::sync::http::{HttpRequest, Target, send};
use crate::sync::outbox::OutboxRow;

/// `metadata.event_type` of every message the cockpit posts: how read-back
/// recognises the cockpit's own messages, and how a retry finds a post.
pub const METADATA_TYPE: &str = "incident_cockpit_update";

/// At most this many rows in one coalesced message.
pub const MAX_ROWS: usize = 20;
/// Slack truncates `text` past 40,000 characters; stay far below, so a
/// coalesced update stays readable (one screen).
pub const MAX_CHARS: usize = 3_000;
/// Slack: one message per second per channel.
pub const GAP: Duration = Duration::from_secs(1);
/// How far back, before a row was queued, its earlier attempts may have posted.
const LOOKBACK_SECS: i64 = 60;
/// Pages of history read to find a row (200 messages each).
const HISTORY_PAGES: usize = 5;

/// The id a row carries in Slack: its event id and part.
pub fn row_key(row: &OutboxRow) -> String {
    format!("{}.{}", row.event_id.0.simple(), row.part)
}

fn post_text(row: &OutboxRow) -> Option<String> {
    match Delivery::from_payload(&row.payload).ok()? {
        Delivery::Post { text } => Some(text),
        _ => None,
    }
}

/// Runs of rows that go out as one request: consecutive posts of one
/// incident coalesce (up to `MAX_ROWS` and `MAX_CHARS`), anything else
/// (a topic) goes alone, in order.
pub fn groups(rows: &[OutboxRow]) -> Vec<Range<usize>> {
    let mut out: Vec<Range<usize>> = Vec::new();
    let mut chars = 0;
    for (i, r) in rows.iter().enumerate() {
        let len = post_text(r).map(|t| t.chars().count());
        let joins = match (out.last(), len) {
            (Some(g), Some(len)) => {
                let prev = &rows[i - 1];
                g.end == i
                    && post_text(prev).is_some()
                    && prev.incident == r.incident
                    && g.len() < MAX_ROWS
                    && chars + 1 + len <= MAX_CHARS
            }
            _ => false,
        };
        if joins {
            out.last_mut().expect("a group").end = i + 1;
            chars += 1 + len.unwrap_or(0);
        } else {
            out.push(i..i + 1);
            chars = len.unwrap_or(0);
        }
    }
    out
}

fn method_url(target: &Target, method: &str) -> Option<Url> {
    let mut url = target.base_url(DEFAULT_API);
    url.path_segments_mut().ok()?.pop_if_empty().push(method);
    Some(url)
}

fn authed(req: HttpRequest, target: &Target) -> Option<HttpRequest> {
    let token = target.token.as_ref()?.expose();
    Some(req.header("authorization", format!("Bearer {token}")))
}

/// One `chat.postMessage` for posts `rows` (texts already escaped), tagged
/// with every row's key.
pub fn post_request(target: &Target, rows: &[OutboxRow]) -> Option<HttpRequest> {
    let channel = target.endpoint.channel.as_deref()?;
    let texts: Vec<String> = rows.iter().map(post_text).collect::<Option<_>>()?;
    let keys: Vec<String> = rows.iter().map(row_key).collect();
    let body = json!({
        "channel": channel,
        "text": texts.iter().map(|t| super::slack_api::escape(t)).collect::<Vec<_>>().join("\n"),
        "metadata": {
            "event_type": METADATA_TYPE,
            // Payload values are strings, numbers, booleans or objects: the
            // keys go as one comma-separated string.
            "event_payload": { "event_ids": keys.join(",") },
        },
    });
    let mut req = HttpRequest::json(Method::POST, method_url(target, "chat.postMessage")?, &body);
    req.headers = vec![(
        "content-type".into(),
        "application/json; charset=utf-8".into(),
    )];
    authed(req, target)
}

/// `conversations.history` of the endpoint's channel since `oldest` (a ts),
/// with metadata, one page.
pub fn history_request(target: &Target, oldest: &str, cursor: Option<&str>) -> Option<HttpRequest> {
    let channel = target.endpoint.channel.as_deref()?;
    let mut url = method_url(target, "conversations.history")?;
    {
        let mut q = url.query_pairs_mut();
        q.append_pair("channel", channel)
            .append_pair("oldest", oldest)
            .append_pair("include_all_metadata", "true")
            .append_pair("limit", "200");
        if let Some(c) = cursor {
            q.append_pair("cursor", c);
        }
    }
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

/// Row keys the cockpit's messages in a history page carry, with each
/// message's ts.
pub fn posted_keys(page: &Value) -> HashMap<String, String> {
    let mut out = HashMap::new();
    for m in page["messages"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
    {
        if m["metadata"]["event_type"] != METADATA_TYPE {
            continue;
        }
        let (Some(ids), Some(ts)) = (
            m["metadata"]["event_payload"]["event_ids"].as_str(),
            m["ts"].as_str(),
        ) else {
            continue;
        };
        for k in ids.split(',').filter(|k| !k.is_empty()) {
            out.insert(k.to_string(), ts.to_string());
        }
    }
    out
}

/// A Slack ts ("1700000000.000100") for a time.
pub fn ts_of(t: chrono::DateTime<chrono::Utc>) -> String {
    format!(
        "{}.{:06}",
        t.timestamp(),
        t.timestamp_subsec_micros().min(999_999)
    )
}

/// Keeps messages to one channel a second apart.
#[derive(Default)]
pub struct Pacer {
    last: Mutex<HashMap<String, Instant>>,
}

impl Pacer {
    /// Wait until `gap` has passed since the last message to `key`, and
    /// count this one as sent now.
    pub async fn wait(&self, key: &str, gap: Duration) {
        let until = {
            let last = self.last.lock().expect("pacer lock");
            last.get(key).map(|t| *t + gap)
        };
        if let Some(until) = until {
            tokio::time::sleep_until(until).await;
        }
        self.last
            .lock()
            .expect("pacer lock")
            .insert(key.to_string(), Instant::now());
    }
}

/// Deliver a run of Slack post rows as one message; one outcome per row.
pub async fn deliver_posts(
    client: &reqwest::Client,
    target: &Target,
    rows: &[OutboxRow],
    now: chrono::DateTime<chrono::Utc>,
    pacer: &Pacer,
) -> Vec<Outcome> {
    let mut outcomes: Vec<Option<Outcome>> = vec![None; rows.len()];
    // A row tried before may be in the channel already: look before posting.
    if rows.iter().any(|r| r.attempts > 0) {
        let oldest = rows.iter().map(|r| r.created).min().unwrap_or(now)
            - chrono::Duration::seconds(LOOKBACK_SECS);
        match find_posted(client, target, &ts_of(oldest), now).await {
            Ok(found) => {
                for (i, r) in rows.iter().enumerate() {
                    if let Some(ts) = found.get(&row_key(r)) {
                        outcomes[i] = Some(Outcome::Delivered {
                            remote_id: Some(ts.clone()),
                        });
                    }
                }
            }
            Err(o) => return vec![o; rows.len()],
        }
    }
    let todo: Vec<usize> = (0..rows.len()).filter(|i| outcomes[*i].is_none()).collect();
    if !todo.is_empty() {
        let send_rows: Vec<OutboxRow> = todo.iter().map(|i| rows[*i].clone()).collect();
        let outcome = match post_request(target, &send_rows) {
            None => Outcome::Park {
                error: "a slack endpoint needs a channel and a token to post".into(),
            },
            Some(req) => {
                let channel = target.endpoint.channel.clone().unwrap_or_default();
                pacer
                    .wait(&format!("{}/{channel}", target.name()), GAP)
                    .await;
                match send(client, req, target.endpoint.timeout, now).await {
                    Ok(a) => judge_api(&a),
                    Err(o) => o,
                }
            }
        };
        let outcome = redact(target, outcome);
        for i in todo {
            outcomes[i] = Some(outcome.clone());
        }
    }
    outcomes
        .into_iter()
        .map(|o| o.expect("every row has an outcome"))
        .collect()
}

fn redact(target: &Target, o: Outcome) -> Outcome {
    match o {
        Outcome::Retry { error, retry_after } => Outcome::Retry {
            error: target.redact(&error),
            retry_after,
        },
        Outcome::Park { error } => Outcome::Park {
            error: target.redact(&error),
        },
        d => d,
    }
}

/// Every row key the channel's messages since `oldest` carry. Not knowing is
/// an error: never post blind after an ambiguous failure.
async fn find_posted(
    client: &reqwest::Client,
    target: &Target,
    oldest: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<HashMap<String, String>, Outcome> {
    let mut found = HashMap::new();
    let mut cursor: Option<String> = None;
    let mut seen_cursors = HashSet::new();
    for _ in 0..HISTORY_PAGES {
        let req = history_request(target, oldest, cursor.as_deref()).ok_or(Outcome::Park {
            error: "a slack endpoint needs a channel and a token".into(),
        })?;
        let why = |e: String| format!("cannot tell whether Slack already has this post: {e}");
        let a = send(client, req, target.endpoint.timeout, now)
            .await
            .map_err(|o| match o {
                Outcome::Retry { error, retry_after } => Outcome::Retry {
                    error: target.redact(&why(error)),
                    retry_after,
                },
                o => o,
            })?;
        let page: Value = match judge_api(&a) {
            Outcome::Delivered { .. } => serde_json::from_str(&a.body).unwrap_or(Value::Null),
            Outcome::Retry { error, retry_after } => {
                return Err(Outcome::Retry {
                    error: target.redact(&why(error)),
                    retry_after,
                });
            }
            // e.g. missing_scope: without channels:history a retry could
            // post twice, so the IC decides.
            Outcome::Park { error } => {
                return Err(Outcome::Park {
                    error: target.redact(&why(error)),
                });
            }
        };
        found.extend(posted_keys(&page));
        match page["response_metadata"]["next_cursor"].as_str() {
            Some(c)
                if !c.is_empty()
                    && page["has_more"] == true
                    && seen_cursors.insert(c.to_string()) =>
            {
                cursor = Some(c.to_string())
            }
            _ => break,
        }
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{EventId, IncidentId};

    fn row(part: i64, d: Delivery, incident: IncidentId) -> OutboxRow {
        OutboxRow {
            id: part,
            endpoint: "slack".into(),
            event_id: EventId::new(),
            event_seq: 1,
            incident,
            kind: "note".into(),
            part,
            what: d.what().into(),
            payload: d.to_payload(),
            state: crate::sync::RowState::Pending,
            attempts: 0,
            created: chrono::Utc::now(),
            next_attempt: None,
            claimed_by: None,
            last_error: None,
            done_at: None,
            remote_id: None,
        }
    }

    #[test]
    fn consecutive_posts_of_one_incident_coalesce_and_a_topic_stands_alone() {
        let a = IncidentId::new();
        let b = IncidentId::new();
        let post = |t: &str| Delivery::Post { text: t.into() };
        let topic = Delivery::Topic { topic: "t".into() };
        let rows = vec![
            row(0, post("one"), a),
            row(1, post("two"), a),
            row(2, topic, a),
            row(3, post("three"), a),
            row(4, post("four"), b),
        ];
        assert_eq!(groups(&rows), vec![0..2, 2..3, 3..4, 4..5]);
        let many: Vec<OutboxRow> = (0..45).map(|i| row(i, post("x"), a)).collect();
        assert_eq!(groups(&many), vec![0..20, 20..40, 40..45]);
        let long = "y".repeat(1_600);
        let big: Vec<OutboxRow> = (0..3).map(|i| row(i, post(&long), a)).collect();
        assert_eq!(groups(&big), vec![0..1, 1..2, 2..3]);
    }

    #[test]
    fn history_pages_yield_the_keys_of_the_cockpits_messages_only() {
        let page = json!({"ok": true, "messages": [
            {"type": "message", "ts": "1.000002", "metadata": {"event_type": METADATA_TYPE,
              "event_payload": {"event_ids": "aa.0,bb.1"}}},
            {"type": "message", "ts": "1.000003", "metadata": {"event_type": "other_app",
              "event_payload": {"event_ids": "cc.0"}}},
            {"type": "message", "ts": "1.000004", "text": "event_ids dd.0"}
        ]});
        let keys = posted_keys(&page);
        assert_eq!(keys.len(), 2);
        assert_eq!(keys["aa.0"], "1.000002");
        assert_eq!(keys["bb.1"], "1.000002");
    }

    #[test]
    fn ts_has_six_decimals() {
        let t = chrono::DateTime::from_timestamp(1_700_000_000, 123_456_789).unwrap();
        assert_eq!(ts_of(t), "1700000000.123456");
    }
}
