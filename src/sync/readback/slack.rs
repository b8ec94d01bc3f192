//! Slack read-back through Socket Mode (#19).
//!
//! - `apps.connections.open` (POST, the app-level `xapp-` token in the
//!   Authorization header, scope `connections:write`) answers
//!   `{"ok":true,"url":"wss://…"}`
//!   (https://docs.slack.dev/reference/methods/apps.connections.open).
//! - On the socket: `{"type":"hello",…}`; `{"type":"events_api",
//!   "envelope_id":…, "payload":{…event_callback…}}`, each acknowledged by
//!   sending back `{"envelope_id":…}` (unacknowledged ones are sent again);
//!   `{"type":"disconnect","reason":"refresh_requested"|"warning"|…}`: open a
//!   new connection (https://api.slack.com/apis/connections/socket-implement).
//! - After every (re)connect, `conversations.history` from the newest message
//!   seen (`oldest`, paged by `response_metadata.next_cursor`) and
//!   `conversations.replies` for threads in that window catch up what the
//!   socket missed (https://docs.slack.dev/reference/methods/conversations.history,
//!   Tier 3 for internal apps; 429 with `Retry-After` is waited out).
//! - Authors by `users.info` (`user.profile.display_name`, else the real
//!   name; scope `users:read`; https://docs.slack.dev/reference/methods/users.info).
//!
//! Messages from people become `chat` notes at the time they were written;
//! bot messages (the cockpit's own carry `bot_id` and its metadata type) and
//! edits, joins and other subtypes are skipped.

use chrono::{DateTime, TimeZone, Utc};
use reqwest::{Method, Url};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use super::ctx::{Ctx, IDLE, IDLE_POLL, RECHECK, unit};
use crate::domain::sanitize::{clean_line, clean_text};
use crate::domain::{Event, EventId, EventKind, IncidentId};
use crate::sync::adapters::slack::DEFAULT_API;
use crate::sync::adapters::slack_post::{METADATA_TYPE, history_request, ts_of};
use crate::sync::health::ReadState;
use crate::sync::http::{HttpRequest, Target, send};
use crate::sync::plan::CHAT_TAG;
use crate::sync::ws;

/// How a socket session ended without an error.
enum End {
    /// `disconnect` envelope, or the channel's incident changed: reconnect now.
    Refresh,
    /// No open incident uses the channel.
    Idle,
}

/// An error, with how long Slack asked us to wait.
struct Fail(String, Option<Duration>);

impl From<String> for Fail {
    fn from(s: String) -> Self {
        Fail(s, None)
    }
}

/// A Slack ts ("1700000000.000100") as a sortable pair.
pub fn ts_key(ts: &str) -> Option<(i64, u32)> {
    let (s, f) = ts.split_once('.').unwrap_or((ts, "0"));
    let micros = format!("{f:0<6}");
    Some((s.parse().ok()?, micros.get(..6)?.parse().ok()?))
}

pub fn ts_time(ts: &str) -> Option<DateTime<Utc>> {
    let (s, us) = ts_key(ts)?;
    Utc.timestamp_opt(s, us * 1000).single()
}

/// The journal id of a note read from Slack: from the channel and the
/// message's ts (its id in the channel), so a second read adds nothing.
pub fn note_id(channel: &str, ts: &str) -> EventId {
    EventId(uuid::Uuid::new_v5(
        &uuid::Uuid::NAMESPACE_URL,
        format!("slack:{channel}/{ts}").as_bytes(),
    ))
}

/// Slack escapes exactly `& < >` in message text.
pub fn unescape(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// Whether a message was written by a person (not a bot, not the cockpit,
/// not a join or an edit).
pub fn from_person(m: &Value) -> bool {
    let subtype_ok = match m["subtype"].as_str() {
        None => true,
        Some(s) => matches!(s, "thread_broadcast" | "file_share" | "me_message"),
    };
    m["type"] == "message"
        && subtype_ok
        && m["bot_id"].is_null()
        && m["metadata"]["event_type"] != METADATA_TYPE
        && m["user"].is_string()
}

/// The note for a person's message, or `None` (empty, before `since`).
/// A reply in a thread says which thread, by the time its first message was
/// written. Text is cleaned where it enters (ENDPOINTS.md §7).
pub fn note(
    m: &Value,
    channel: &str,
    author: &str,
    incident: IncidentId,
    since: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Option<Event> {
    let ts = m["ts"].as_str()?;
    let at = ts_time(ts)?;
    let text = clean_text(&unescape(m["text"].as_str().unwrap_or("")))
        .trim()
        .to_string();
    if text.is_empty() || at < since {
        return None;
    }
    let text = match m["thread_ts"].as_str().filter(|t| *t != ts) {
        Some(parent) => {
            let when = ts_time(parent)
                .map(|t| t.format("%H:%M:%SZ").to_string())
                .unwrap_or_else(|| parent.to_string());
            format!("↪ in the thread of {when}: {text}")
        }
        None => text,
    };
    // A chat server whose clock runs ahead of ours cannot date a message
    // after we read it (`heard_at`: the time rule would refuse the note).
    let mut ev = Event::new(
        incident,
        &clean_line(author),
        crate::domain::incident::heard_at(at, now),
        now,
        EventKind::Note {
            text,
            tag: CHAT_TAG.into(),
            private: false,
        },
    );
    ev.id = note_id(channel, ts);
    Some(ev)
}

/// A user's name as people see it: display name, else real name, else handle.
pub fn display_name(body: &Value) -> Option<String> {
    let u = &body["user"];
    [
        &u["profile"]["display_name"],
        &u["profile"]["real_name"],
        &u["real_name"],
        &u["name"],
    ]
    .into_iter()
    .filter_map(|v| v.as_str())
    .map(str::trim)
    .find(|s| !s.is_empty())
    .map(str::to_string)
}

/// One frame from the socket, as Socket Mode defines it.
#[derive(Debug, PartialEq)]
pub enum Envelope {
    Hello,
    Disconnect(String),
    /// Must be acknowledged with its `envelope_id`; `event` is the inner
    /// Events API event (for `events_api`), else null.
    Ack {
        envelope_id: String,
        event: Value,
    },
    Other,
}

pub fn parse_envelope(text: &str) -> Envelope {
    let Ok(v) = serde_json::from_str::<Value>(text) else {
        return Envelope::Other;
    };
    match (v["type"].as_str(), v["envelope_id"].as_str()) {
        (Some("hello"), _) => Envelope::Hello,
        (Some("disconnect"), _) => {
            Envelope::Disconnect(v["reason"].as_str().unwrap_or("").to_string())
        }
        (Some("events_api"), Some(id)) => Envelope::Ack {
            envelope_id: id.to_string(),
            event: v["payload"]["event"].clone(),
        },
        (_, Some(id)) => Envelope::Ack {
            envelope_id: id.to_string(),
            event: Value::Null,
        },
        _ => Envelope::Other,
    }
}

pub fn ack(envelope_id: &str) -> String {
    json!({ "envelope_id": envelope_id }).to_string()
}

fn method_url(t: &Target, method: &str) -> Option<Url> {
    let mut url = t.base_url(DEFAULT_API);
    url.path_segments_mut().ok()?.pop_if_empty().push(method);
    Some(url)
}

fn get(url: Url, token: &str) -> HttpRequest {
    HttpRequest {
        method: Method::GET,
        url,
        headers: vec![("authorization".into(), format!("Bearer {token}"))],
        body: None,
    }
}

/// `apps.connections.open`, with the app-level token.
pub fn open_request(t: &Target) -> Option<HttpRequest> {
    let token = t.app_token.as_ref()?.expose();
    Some(
        HttpRequest::json(
            Method::POST,
            method_url(t, "apps.connections.open")?,
            &json!({}),
        )
        .header("authorization", format!("Bearer {token}")),
    )
}

/// `conversations.replies` of thread `parent` since `oldest`.
pub fn replies_request(
    t: &Target,
    parent: &str,
    oldest: &str,
    cursor: Option<&str>,
) -> Option<HttpRequest> {
    let mut url = method_url(t, "conversations.replies")?;
    {
        let mut q = url.query_pairs_mut();
        q.append_pair("channel", t.endpoint.channel.as_deref()?)
            .append_pair("ts", parent)
            .append_pair("oldest", oldest)
            .append_pair("include_all_metadata", "true")
            .append_pair("limit", "200");
        if let Some(c) = cursor {
            q.append_pair("cursor", c);
        }
    }
    Some(get(url, t.token.as_ref()?.expose()))
}

pub fn user_request(t: &Target, user: &str) -> Option<HttpRequest> {
    let mut url = method_url(t, "users.info")?;
    url.query_pairs_mut().append_pair("user", user);
    Some(get(url, t.token.as_ref()?.expose()))
}

struct Reader {
    t: Arc<Target>,
    cx: Arc<Ctx>,
    channel: String,
    names: HashMap<String, String>,
    incident: Option<IncidentId>,
    /// The newest message seen in the channel (the catch-up cursor).
    seen: Option<String>,
    /// Threads known to have replies, oldest first (caught up too).
    threads: Vec<String>,
}

/// How many known threads each catch-up reads (the newest ones).
const MAX_THREADS: usize = 20;

/// Read the channel for as long as the worker runs.
pub async fn run(t: Arc<Target>, cx: Arc<Ctx>) {
    let mut r = Reader {
        channel: t.endpoint.channel.clone().unwrap_or_default(),
        t,
        cx,
        names: HashMap::new(),
        incident: None,
        seen: None,
        threads: Vec::new(),
    };
    let mut failures = 0u32;
    loop {
        match r.session().await {
            Ok(End::Refresh) => failures = 0,
            Ok(End::Idle) => {
                failures = 0;
                tokio::time::sleep(IDLE_POLL).await;
            }
            Err(Fail(e, retry_after)) => {
                failures += 1;
                let e = r.t.redact(&e);
                tracing::warn!(endpoint = r.t.name(), "slack read-back: {e}");
                r.cx.set(r.t.name(), ReadState::Reconnecting, Some(e));
                tokio::time::sleep(ws::reconnect_delay(failures, unit(), retry_after)).await;
            }
        }
    }
}

impl Reader {
    async fn session(&mut self) -> Result<End, Fail> {
        let name = self.t.name().to_string();
        let Some((incident, declared)) = self.cx.open_incident(&name).await? else {
            self.cx.set(&name, ReadState::Idle, None);
            return Ok(End::Idle);
        };
        if self.incident != Some(incident) {
            self.incident = Some(incident);
            self.seen = None;
            self.threads.clear();
        }
        self.cx.set(&name, ReadState::Connecting, None);
        let opened = self
            .call(open_request(&self.t).ok_or("no app_token to open a socket with".to_string())?)
            .await?;
        let url = opened["url"]
            .as_str()
            .ok_or("apps.connections.open answered without a url".to_string())?
            .to_string();
        let mut socket = ws::connect(&url, self.t.endpoint.timeout).await?;
        // The socket is open before catching up: nothing falls in between
        // (what arrives twice is one note: ids come from the ts).
        self.catch_up(incident, declared).await?;
        self.cx.set(&name, ReadState::Live, None);
        let mut recheck = tokio::time::interval(RECHECK);
        recheck.tick().await;
        loop {
            tokio::select! {
                frame = ws::next_text(&mut socket, IDLE) => match frame {
                    ws::Frame::Text(text) => match parse_envelope(&text) {
                        Envelope::Hello | Envelope::Other => {}
                        Envelope::Disconnect(_) => return Ok(End::Refresh),
                        Envelope::Ack { envelope_id, event } => {
                            // Acknowledge first: Slack wants it within seconds.
                            ws::send_text(&mut socket, ack(&envelope_id), self.t.endpoint.timeout).await?;
                            if event["channel"] == self.channel.as_str() {
                                self.take(vec![event], incident, declared).await?;
                            }
                        }
                    },
                    ws::Frame::Closed(e) => return Err(e.into()),
                    ws::Frame::Silent => {
                        return Err(format!("no frame for {}s: the socket is presumed dead", IDLE.as_secs()).into())
                    }
                },
                _ = recheck.tick() => {
                    if self.cx.open_incident(&name).await?.map(|x| x.0) != Some(incident) {
                        return Ok(End::Refresh);
                    }
                }
            }
        }
    }

    /// Everything since the newest message seen (or the declaration).
    async fn catch_up(
        &mut self,
        incident: IncidentId,
        declared: DateTime<Utc>,
    ) -> Result<(), Fail> {
        let oldest = self.seen.clone().unwrap_or_else(|| ts_of(declared));
        let mut messages = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let req = history_request(&self.t, &oldest, cursor.as_deref())
                .ok_or("no channel or token to read history with".to_string())?;
            let page = self.call(req).await?;
            messages.extend(page["messages"].as_array().cloned().unwrap_or_default());
            match next_cursor(&page) {
                Some(c) if Some(&c) != cursor.as_ref() => cursor = Some(c),
                _ => break,
            }
        }
        // Replies live in their threads, not in the channel's history: read
        // the threads started in the window and those known to have replies.
        let mut parents: Vec<String> = messages
            .iter()
            .filter(|m| m["reply_count"].as_u64().unwrap_or(0) > 0)
            .filter_map(|m| m["ts"].as_str().map(str::to_string))
            .collect();
        for t in self.threads.iter().rev().take(MAX_THREADS) {
            if !parents.contains(t) {
                parents.push(t.clone());
            }
        }
        for parent in parents {
            let mut cursor: Option<String> = None;
            loop {
                let req = replies_request(&self.t, &parent, &oldest, cursor.as_deref())
                    .ok_or("no channel or token to read threads with".to_string())?;
                let page = self.call(req).await?;
                for m in page["messages"].as_array().cloned().unwrap_or_default() {
                    if m["ts"].as_str() != Some(parent.as_str()) {
                        messages.push(m);
                    }
                }
                match next_cursor(&page) {
                    Some(c) if Some(&c) != cursor.as_ref() => cursor = Some(c),
                    _ => break,
                }
            }
        }
        messages.sort_by_key(|m| m["ts"].as_str().and_then(ts_key));
        messages.dedup_by(|a, b| a["ts"] == b["ts"]);
        self.take(messages, incident, declared).await
    }

    /// Turn messages into notes, in order, and append them; move the cursor.
    async fn take(
        &mut self,
        messages: Vec<Value>,
        incident: IncidentId,
        declared: DateTime<Utc>,
    ) -> Result<(), Fail> {
        let now = self.cx.clock.now();
        let mut notes = Vec::new();
        let mut newest = self.seen.clone();
        for m in &messages {
            let Some(ts) = m["ts"].as_str() else { continue };
            if let Some(parent) = m["thread_ts"].as_str()
                && !self.threads.iter().any(|t| t == parent)
                && (parent != ts || m["reply_count"].as_u64().unwrap_or(0) > 0)
            {
                self.threads.push(parent.to_string());
            }
            if from_person(m) {
                let user = m["user"].as_str().unwrap_or("");
                let author = self.name_of(user).await;
                notes.extend(note(m, &self.channel, &author, incident, declared, now));
            }
            if newest.as_deref().and_then(ts_key) < ts_key(ts) {
                newest = Some(ts.to_string());
            }
        }
        let last = notes.iter().map(|n| n.at).max();
        self.cx.append(notes).await?;
        if let Some(at) = last {
            self.cx.heard(self.t.name(), at);
        }
        self.seen = newest;
        Ok(())
    }

    /// A user's display name, asked once; their id if Slack will not say.
    async fn name_of(&mut self, user: &str) -> String {
        if let Some(n) = self.names.get(user) {
            return n.clone();
        }
        let name = match user_request(&self.t, user) {
            Some(req) => self.call(req).await.ok().and_then(|b| display_name(&b)),
            None => None,
        }
        .unwrap_or_else(|| user.to_string());
        self.names.insert(user.to_string(), name.clone());
        name
    }

    /// One Web API call: `ok:true` JSON, waiting out a 429 a few times.
    async fn call(&self, req: HttpRequest) -> Result<Value, Fail> {
        let mut waits = 0;
        loop {
            let a = send(
                &self.cx.client,
                req.clone(),
                self.t.endpoint.timeout,
                self.cx.clock.now(),
            )
            .await
            .map_err(|o| match o {
                crate::sync::Outcome::Retry { error, retry_after } => Fail(error, retry_after),
                crate::sync::Outcome::Park { error } => Fail(error, None),
                crate::sync::Outcome::Delivered { .. } => Fail(String::new(), None),
            })?;
            let v: Value = serde_json::from_str(&a.body).unwrap_or(Value::Null);
            let limited = a.status == 429 || v["error"] == "ratelimited";
            if limited && waits < 5 {
                waits += 1;
                let wait = a.retry_after.unwrap_or(Duration::from_secs(1));
                tokio::time::sleep(wait.min(Duration::from_secs(120))).await;
                continue;
            }
            if limited {
                return Err(Fail("Slack: ratelimited".into(), a.retry_after));
            }
            if !a.is_success() {
                return Err(Fail(
                    format!("{} {}", a.status, a.body.trim()),
                    a.retry_after,
                ));
            }
            let error = v["error"].as_str().map(str::to_string);
            return match (v["ok"].as_bool(), error) {
                (Some(true), _) => Ok(v),
                (_, Some(e)) => Err(format!("Slack: {e}").into()),
                _ => Err(format!("Slack answered without `ok`: {}", a.body.trim()).into()),
            };
        }
    }
}

fn next_cursor(page: &Value) -> Option<String> {
    page["response_metadata"]["next_cursor"]
        .as_str()
        .filter(|c| !c.is_empty())
        .map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn envelopes_parse_as_socket_mode_sends_them() {
        assert_eq!(
            parse_envelope(r#"{"type":"hello","num_connections":1,"debug_info":{"host":"h"}}"#),
            Envelope::Hello
        );
        assert_eq!(
            parse_envelope(r#"{"type":"disconnect","reason":"refresh_requested"}"#),
            Envelope::Disconnect("refresh_requested".into())
        );
        let e = parse_envelope(
            r#"{"envelope_id":"e1","type":"events_api","accepts_response_payload":false,
                "retry_attempt":0,"payload":{"type":"event_callback","event":{"type":"message","channel":"C1","ts":"1.5"}}}"#,
        );
        let Envelope::Ack { envelope_id, event } = e else {
            panic!("{e:?}")
        };
        assert_eq!(envelope_id, "e1");
        assert_eq!(event["channel"], "C1");
        assert_eq!(ack("e1"), r#"{"envelope_id":"e1"}"#);
    }

    #[test]
    fn people_become_notes_bots_and_the_cockpit_do_not() {
        let inc = IncidentId::new();
        let since = t("2023-11-14T00:00:00Z");
        let now = t("2023-11-15T00:00:00Z");
        let person = json!({"type":"message","user":"U1","text":"db-2 is healthy &amp; failing over \u{1b}[2J",
                            "ts":"1700000000.000200"});
        assert!(from_person(&person));
        let n = note(&person, "C1", "bob", inc, since, now).unwrap();
        assert_eq!(n.author, "bob");
        assert_eq!(n.at, ts_time("1700000000.000200").unwrap());
        assert_eq!(n.id, note_id("C1", "1700000000.000200"));
        let EventKind::Note { text, tag, .. } = &n.kind else {
            panic!()
        };
        assert_eq!(text, "db-2 is healthy & failing over");
        assert_eq!(tag, CHAT_TAG);
        let ours = json!({"type":"message","bot_id":"B1","text":"x","ts":"1.1",
                          "metadata":{"event_type": METADATA_TYPE}});
        assert!(!from_person(&ours));
        let join = json!({"type":"message","subtype":"channel_join","user":"U2","text":"joined","ts":"1.2"});
        assert!(!from_person(&join));
        let reply = json!({"type":"message","user":"U1","text":"ack","ts":"1700000100.000000",
                           "thread_ts":"1700000000.000200"});
        let n = note(&reply, "C1", "bob", inc, since, now).unwrap();
        let EventKind::Note { text, .. } = &n.kind else {
            panic!()
        };
        assert_eq!(text, "↪ in the thread of 22:13:20Z: ack");
        // Older than the incident: not its chat.
        assert!(note(&person, "C1", "bob", inc, t("2024-01-01T00:00:00Z"), since).is_none());
        // A server clock far ahead of ours: kept, dated at most the skew
        // allowance ahead, so the time rule does not refuse it (issue 13).
        let early = t("2023-11-14T22:00:00Z");
        let n = note(&person, "C1", "bob", inc, since, early).unwrap();
        assert_eq!(n.at, early + crate::domain::incident::CLOCK_SKEW);
    }

    #[test]
    fn ts_sorts_by_number_not_text_and_names_prefer_display_names() {
        assert!(ts_key("999.9") < ts_key("1000.000001"));
        assert_eq!(ts_key("1700000000.5"), Some((1_700_000_000, 500_000)));
        let u = json!({"ok":true,"user":{"name":"bob","real_name":"Bob B","profile":{"display_name":"","real_name":"Bob B"}}});
        assert_eq!(display_name(&u).as_deref(), Some("Bob B"));
        let u = json!({"ok":true,"user":{"name":"bob","profile":{"display_name":"bobby"}}});
        assert_eq!(display_name(&u).as_deref(), Some("bobby"));
    }
}
