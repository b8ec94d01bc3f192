//! Mattermost read-back (#19), same rules as Slack.
//!
//! - The server is the incoming webhook's (`https://<server>/hooks/<key>`,
//!   ENDPOINTS.md §3.2); reading needs a personal access or bot `token` and
//!   the `channel` id.
//! - WebSocket `GET /api/v4/websocket`, then the authentication challenge
//!   `{"seq":1,"action":"authentication_challenge","data":{"token":…}}`,
//!   answered `{"status":"OK","seq_reply":1}`; new posts arrive as
//!   `{"event":"posted","data":{"post":"<post JSON as a string>",…},
//!   "broadcast":{"channel_id":…}}` (https://api.mattermost.com/#tag/WebSocket).
//! - Catch-up: `GET /api/v4/channels/{channel_id}/posts?since=<ms>`
//!   (`{"order":[ids],"posts":{id:post}}`, posts changed since then;
//!   https://api.mattermost.com/#tag/posts/operation/GetPostsForChannel).
//! - Authors: `GET /api/v4/users/{user_id}` (nickname, else first and last
//!   name, else username).
//!
//! Posts of people only: the cockpit's own posts come through its webhook
//! (`props.from_webhook`, and they carry `props.cockpit_event_ids`), bots
//! set `props.from_bot`, system messages have a `type`.

use chrono::{DateTime, TimeZone, Utc};
use reqwest::{Method, Url};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use super::ctx::{Ctx, IDLE, IDLE_POLL, RECHECK, unit};
use crate::domain::sanitize::{clean_line, clean_text};
use crate::domain::{Event, EventId, EventKind, IncidentId};
use crate::sync::health::ReadState;
use crate::sync::http::{HttpRequest, Target, send};
use crate::sync::plan::CHAT_TAG;
use crate::sync::ws;

/// The server's base URL: the webhook URL up to `/hooks/`.
pub fn server(t: &Target) -> Option<Url> {
    let mut url = t.url.clone()?;
    let path = url.path().to_string();
    let base = path
        .split("/hooks/")
        .next()
        .unwrap_or("")
        .trim_end_matches('/');
    url.set_path(base);
    url.set_query(None);
    Some(url)
}

fn api(t: &Target, tail: &[&str]) -> Option<Url> {
    let mut url = server(t)?;
    url.path_segments_mut()
        .ok()?
        .pop_if_empty()
        .extend(["api", "v4"])
        .extend(tail);
    Some(url)
}

/// `ws(s)://<server>/api/v4/websocket`.
pub fn socket_url(t: &Target) -> Option<String> {
    let mut url = api(t, &["websocket"])?;
    let scheme = if url.scheme() == "https" { "wss" } else { "ws" };
    url.set_scheme(scheme).ok()?;
    Some(url.to_string())
}

pub fn challenge(token: &str) -> String {
    json!({"seq": 1, "action": "authentication_challenge", "data": {"token": token}}).to_string()
}

fn get(url: Url, t: &Target) -> Option<HttpRequest> {
    Some(HttpRequest {
        method: Method::GET,
        url,
        headers: vec![(
            "authorization".into(),
            format!("Bearer {}", t.token.as_ref()?.expose()),
        )],
        body: None,
    })
}

pub fn posts_request(t: &Target, since_ms: i64) -> Option<HttpRequest> {
    let channel = t.endpoint.channel.as_deref()?;
    let mut url = api(t, &["channels", channel, "posts"])?;
    url.query_pairs_mut()
        .append_pair("since", &since_ms.to_string());
    get(url, t)
}

pub fn user_request(t: &Target, user: &str) -> Option<HttpRequest> {
    get(api(t, &["users", user])?, t)
}

pub fn note_id(channel: &str, post_id: &str) -> EventId {
    EventId(uuid::Uuid::new_v5(
        &uuid::Uuid::NAMESPACE_URL,
        format!("mattermost:{channel}/{post_id}").as_bytes(),
    ))
}

fn prop_true(p: &Value) -> bool {
    *p == true || *p == "true"
}

/// Whether a post was written by a person in the channel (not deleted).
pub fn from_person(p: &Value, channel: &str) -> bool {
    p["channel_id"] == channel
        && p["type"].as_str().unwrap_or("").is_empty()
        && p["delete_at"].as_i64().unwrap_or(0) == 0
        && !prop_true(&p["props"]["from_webhook"])
        && !prop_true(&p["props"]["from_bot"])
        && p["props"]["cockpit_event_ids"].is_null()
        && p["user_id"].is_string()
}

pub fn created(p: &Value) -> Option<DateTime<Utc>> {
    Utc.timestamp_millis_opt(p["create_at"].as_i64()?).single()
}

/// The note for a person's post; a reply names its thread by the time the
/// thread began, when that is known.
pub fn note(
    p: &Value,
    author: &str,
    root_at: Option<DateTime<Utc>>,
    incident: IncidentId,
    since: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Option<Event> {
    let id = p["id"].as_str()?;
    let at = created(p)?;
    let text = clean_text(p["message"].as_str().unwrap_or(""))
        .trim()
        .to_string();
    if text.is_empty() || at < since {
        return None;
    }
    let text = match p["root_id"].as_str().filter(|r| !r.is_empty()) {
        Some(_) => match root_at {
            Some(t) => format!("↪ in the thread of {}: {text}", t.format("%H:%M:%SZ")),
            None => format!("↪ in a thread: {text}"),
        },
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
    ev.id = note_id(p["channel_id"].as_str()?, id);
    Some(ev)
}

pub fn display_name(u: &Value) -> Option<String> {
    let full = format!(
        "{} {}",
        u["first_name"].as_str().unwrap_or(""),
        u["last_name"].as_str().unwrap_or("")
    );
    [
        u["nickname"].as_str(),
        Some(full.trim()),
        u["username"].as_str(),
    ]
    .into_iter()
    .flatten()
    .map(str::trim)
    .find(|s| !s.is_empty())
    .map(str::to_string)
}

/// The post inside a `posted` event (its `data.post` is JSON in a string).
pub fn posted(frame: &str) -> Option<Value> {
    let v: Value = serde_json::from_str(frame).ok()?;
    if v["event"] != "posted" {
        return None;
    }
    serde_json::from_str(v["data"]["post"].as_str()?).ok()
}

struct Reader {
    t: Arc<Target>,
    cx: Arc<Ctx>,
    channel: String,
    names: HashMap<String, String>,
    /// When each post seen was written (to name a reply's thread).
    times: HashMap<String, DateTime<Utc>>,
    incident: Option<IncidentId>,
    /// `create_at` of the newest post seen (the catch-up cursor), ms.
    seen: Option<i64>,
}

enum End {
    Refresh,
    Idle,
}

pub async fn run(t: Arc<Target>, cx: Arc<Ctx>) {
    let mut r = Reader {
        channel: t.endpoint.channel.clone().unwrap_or_default(),
        t,
        cx,
        names: HashMap::new(),
        times: HashMap::new(),
        incident: None,
        seen: None,
    };
    let mut failures = 0u32;
    loop {
        match r.session().await {
            Ok(End::Refresh) => failures = 0,
            Ok(End::Idle) => {
                failures = 0;
                tokio::time::sleep(IDLE_POLL).await;
            }
            Err((e, retry_after)) => {
                failures += 1;
                let e = r.t.redact(&e);
                tracing::warn!(endpoint = r.t.name(), "mattermost read-back: {e}");
                r.cx.set(r.t.name(), ReadState::Reconnecting, Some(e));
                tokio::time::sleep(ws::reconnect_delay(failures, unit(), retry_after)).await;
            }
        }
    }
}

type Fail = (String, Option<Duration>);

impl Reader {
    async fn session(&mut self) -> Result<End, Fail> {
        let name = self.t.name().to_string();
        let nf = |e: String| (e, None);
        let Some((incident, declared)) = self.cx.open_incident(&name).await.map_err(nf)? else {
            self.cx.set(&name, ReadState::Idle, None);
            return Ok(End::Idle);
        };
        if self.incident != Some(incident) {
            self.incident = Some(incident);
            self.seen = None;
        }
        self.cx.set(&name, ReadState::Connecting, None);
        let url = socket_url(&self.t).ok_or(nf("the webhook url names no server".into()))?;
        let token = self
            .t
            .token
            .as_ref()
            .ok_or(nf("no token".into()))?
            .expose()
            .to_string();
        let mut socket = ws::connect(&url, self.t.endpoint.timeout)
            .await
            .map_err(nf)?;
        ws::send_text(&mut socket, challenge(&token), self.t.endpoint.timeout)
            .await
            .map_err(nf)?;
        self.catch_up(incident, declared).await?;
        self.cx.set(&name, ReadState::Live, None);
        let mut recheck = tokio::time::interval(RECHECK);
        recheck.tick().await;
        loop {
            tokio::select! {
                frame = ws::next_text(&mut socket, IDLE) => match frame {
                    ws::Frame::Text(text) => {
                        let v: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
                        if v["seq_reply"] == 1 && v["status"] != "OK" {
                            return Err(nf(format!("the authentication challenge failed: {}", v["error"])));
                        }
                        if let Some(p) = posted(&text) {
                            self.take(vec![p], incident, declared).await?;
                        }
                    }
                    ws::Frame::Closed(e) => return Err(nf(e)),
                    ws::Frame::Silent => {
                        return Err(nf(format!("no frame for {}s: the socket is presumed dead", IDLE.as_secs())))
                    }
                },
                _ = recheck.tick() => {
                    if self.cx.open_incident(&name).await.map_err(nf)?.map(|x| x.0) != Some(incident) {
                        return Ok(End::Refresh);
                    }
                }
            }
        }
    }

    async fn catch_up(
        &mut self,
        incident: IncidentId,
        declared: DateTime<Utc>,
    ) -> Result<(), Fail> {
        let since = self.seen.unwrap_or(declared.timestamp_millis() - 1);
        let req = posts_request(&self.t, since).ok_or(("no channel or token".to_string(), None))?;
        let body = self.call(req).await?;
        let mut posts: Vec<Value> = body["order"]
            .as_array()
            .map(Vec::as_slice)
            .unwrap_or_default()
            .iter()
            .filter_map(|id| body["posts"].get(id.as_str()?).cloned())
            .collect();
        posts.sort_by_key(|p| p["create_at"].as_i64());
        self.take(posts, incident, declared).await
    }

    async fn take(
        &mut self,
        posts: Vec<Value>,
        incident: IncidentId,
        declared: DateTime<Utc>,
    ) -> Result<(), Fail> {
        let now = self.cx.clock.now();
        let mut notes = Vec::new();
        for p in &posts {
            if let (Some(id), Some(at)) = (p["id"].as_str(), created(p)) {
                self.times.insert(id.to_string(), at);
            }
        }
        for p in &posts {
            if p["channel_id"] != self.channel.as_str() {
                continue;
            }
            if from_person(p, &self.channel) {
                let author = self.name_of(p["user_id"].as_str().unwrap_or("")).await;
                let root = p["root_id"]
                    .as_str()
                    .and_then(|r| self.times.get(r))
                    .copied();
                notes.extend(note(p, &author, root, incident, declared, now));
            }
            if let Some(c) = p["create_at"].as_i64() {
                self.seen = Some(self.seen.map_or(c, |s| s.max(c)));
            }
        }
        let last = notes.iter().map(|n| n.at).max();
        self.cx.append(notes).await.map_err(|e| (e, None))?;
        if let Some(at) = last {
            self.cx.heard(self.t.name(), at);
        }
        Ok(())
    }

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

    /// One REST call; a 429 is waited out a few times (`Retry-After`).
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
                crate::sync::Outcome::Retry { error, retry_after } => (error, retry_after),
                crate::sync::Outcome::Park { error } => (error, None),
                crate::sync::Outcome::Delivered { .. } => (String::new(), None),
            })?;
            if a.status == 429 && waits < 5 {
                waits += 1;
                let wait = a.retry_after.unwrap_or(Duration::from_secs(1));
                tokio::time::sleep(wait.min(Duration::from_secs(120))).await;
                continue;
            }
            if !a.is_success() {
                return Err((format!("{} {}", a.status, a.body.trim()), a.retry_after));
            }
            return serde_json::from_str(&a.body).map_err(|e| (format!("not JSON: {e}"), None));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{Endpoint, EndpointKind, UrlSetting};

    #[test]
    fn the_server_comes_from_the_webhook_url() {
        let mut e = Endpoint::new("mm", EndpointKind::Mattermost);
        e.url = Some(UrlSetting::Plain(
            "https://chat.example.org/mm/hooks/abc123".into(),
        ));
        e.channel = Some("ch1".into());
        let t = Target::resolve(&e).unwrap();
        assert_eq!(server(&t).unwrap().as_str(), "https://chat.example.org/mm");
        assert_eq!(
            socket_url(&t).unwrap(),
            "wss://chat.example.org/mm/api/v4/websocket"
        );
    }

    #[test]
    fn posted_events_unwrap_and_only_people_become_notes() {
        let post = json!({"id":"p2","channel_id":"ch1","user_id":"u1","create_at":1_700_000_000_000i64,
                          "message":"failing over","type":"","root_id":"p1","props":{}});
        let frame = json!({"event":"posted","data":{"post": post.to_string(),"sender_name":"@bob"},
                           "broadcast":{"channel_id":"ch1"},"seq":3})
        .to_string();
        let p = posted(&frame).unwrap();
        assert!(from_person(&p, "ch1"));
        assert!(!from_person(&p, "other"));
        let inc = IncidentId::new();
        let since = Utc.timestamp_millis_opt(0).unwrap();
        let root = Utc.timestamp_millis_opt(1_699_999_000_000).single();
        let n = note(&p, "Bob", root, inc, since, since).unwrap();
        let EventKind::Note { text, .. } = &n.kind else {
            panic!()
        };
        assert_eq!(text, "↪ in the thread of 21:56:40Z: failing over");
        assert_eq!(n.id, note_id("ch1", "p2"));
        let hook = json!({"id":"p3","channel_id":"ch1","user_id":"u9","create_at":1,
                          "message":"x","type":"","props":{"from_webhook":"true"}});
        assert!(!from_person(&hook, "ch1"));
        let sys = json!({"id":"p4","channel_id":"ch1","user_id":"u1","create_at":1,
                         "message":"bob joined","type":"system_join_channel","props":{}});
        assert!(!from_person(&sys, "ch1"));
        assert_eq!(
            display_name(
                &json!({"username":"bob","first_name":"Bob","last_name":"B","nickname":""})
            ),
            Some("Bob B".into())
        );
    }
}
