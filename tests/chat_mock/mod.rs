//! A loopback Slack and Mattermost for read-back tests (#19): one HTTP
//! server on 127.0.0.1 that answers the Web API / REST calls the cockpit
//! makes and upgrades `/link/` (Slack Socket Mode) and `/api/v4/websocket`
//! (Mattermost) to WebSockets.
//!
//! Slack: `apps.connections.open` needs the app token and hands out a
//! socket URL; a socket gets `hello`, then one `events_api` envelope per
//! message written; an envelope not acknowledged by its `envelope_id` is sent
//! again on the next connection (as Slack retries). `conversations.history`
//! and `.replies` page with cursors (50 a page here), return metadata only
//! with `include_all_metadata=true`, and can answer 429 + `Retry-After`.
//! Mattermost: the socket must open with the authentication challenge.
#![allow(dead_code)]

use bytes::Bytes;
use futures::{SinkExt, StreamExt};
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use serde_json::{Value, json};
use std::collections::{BTreeMap, HashMap};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::broadcast;
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::handshake::derive_accept_key;
use tokio_tungstenite::tungstenite::protocol::Role;

pub const CHANNEL: &str = "C0INCIDENT";
pub const MM_CHANNEL: &str = "mmchannel1";
pub const APP_TOKEN: &str = "xapp-1-test-app-token";
pub const BOT_TOKEN: &str = "xoxb-test-bot-token";
pub const MM_TOKEN: &str = "mm-personal-token-1";
/// 2026-11-21T10:00:00Z, the tests' t0: messages are written after it.
pub const BASE_SECS: i64 = 1_795_255_200;

#[derive(Debug, Clone)]
pub enum Push {
    Frame(String),
    /// Close every socket without a close frame (the network drops).
    Drop,
    /// Send Socket Mode's `disconnect` envelope.
    Disconnect,
}

#[derive(Default)]
pub struct State {
    /// The Slack channel, oldest first.
    pub messages: Vec<Value>,
    pub unacked: BTreeMap<String, String>,
    pub acked: Vec<String>,
    pub envelopes: u64,
    /// Authorization of every apps.connections.open.
    pub opens: Vec<String>,
    /// Every Web API / REST request: method and path with query.
    pub requests: Vec<String>,
    /// Answer the next history call 429 with this Retry-After.
    pub rate_limit_history: Option<u64>,
    pub rate_limited: usize,
    /// chat.postMessage: post, then wait this long before answering.
    pub slow_post: Option<Duration>,
    /// chat.postMessage: post, then answer this status.
    pub fail_after_post: Option<u16>,
    /// apps.connections.open fails (Slack unreachable for sockets).
    pub refuse_open: bool,
    /// Sockets open now.
    pub sockets: usize,
    /// Mattermost posts, oldest first.
    pub mm_posts: Vec<Value>,
    pub mm_auth: Vec<bool>,
    pub counter: i64,
}

pub struct ChatMock {
    pub addr: SocketAddr,
    pub state: Arc<Mutex<State>>,
    push: broadcast::Sender<Push>,
}

impl ChatMock {
    pub async fn start() -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let state = Arc::new(Mutex::new(State::default()));
        let (push, _) = broadcast::channel(4096);
        let (s, p) = (state.clone(), push.clone());
        tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    return;
                };
                let (s, p) = (s.clone(), p.clone());
                tokio::spawn(async move {
                    let svc = service_fn(move |req: Request<Incoming>| {
                        let (s, p) = (s.clone(), p.clone());
                        async move { Ok::<_, hyper::Error>(handle(req, s, p, addr).await) }
                    });
                    let _ = http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), svc)
                        .with_upgrades()
                        .await;
                });
            }
        });
        Self { addr, state, push }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    pub fn push(&self, p: Push) {
        let _ = self.push.send(p);
    }

    pub fn sockets(&self) -> usize {
        self.state.lock().unwrap().sockets
    }

    /// A person writes in the Slack channel; returns the message's ts.
    pub fn say(&self, user: &str, text: &str, thread_ts: Option<&str>) -> String {
        let mut st = self.state.lock().unwrap();
        st.counter += 1;
        let n = st.counter;
        let ts = format!("{}.{:06}", BASE_SECS + 60 + n, n % 1_000_000);
        let mut m = json!({"type": "message", "user": user, "text": text, "ts": ts});
        if let Some(t) = thread_ts {
            m["thread_ts"] = json!(t);
        }
        st.messages.push(m.clone());
        if st.sockets > 0 {
            st.envelopes += 1;
            let id = format!("env-{}", st.envelopes);
            let mut event = m;
            event["channel"] = json!(CHANNEL);
            event["channel_type"] = json!("channel");
            let frame = json!({
                "envelope_id": id, "type": "events_api", "accepts_response_payload": false,
                "retry_attempt": 0, "retry_reason": "",
                "payload": {"type": "event_callback", "team_id": "T1", "api_app_id": "A1",
                            "event": event, "event_id": format!("Ev{n}"), "event_time": BASE_SECS + n},
            })
            .to_string();
            st.unacked.insert(id, frame.clone());
            drop(st);
            let _ = self.push.send(Push::Frame(frame));
        }
        ts
    }

    /// A person posts in the Mattermost channel.
    pub fn mm_say(&self, user: &str, text: &str, root: Option<&str>) -> String {
        let post = {
            let mut st = self.state.lock().unwrap();
            st.counter += 1;
            let n = st.counter;
            let post = json!({"id": format!("post{n:05}"), "channel_id": MM_CHANNEL, "user_id": user,
                              "create_at": (BASE_SECS + 60 + n) * 1000, "update_at": (BASE_SECS + 60 + n) * 1000,
                              "delete_at": 0, "message": text, "type": "", "root_id": root.unwrap_or(""),
                              "props": {}});
            st.mm_posts.push(post.clone());
            post
        };
        self.mm_push(&post);
        post["id"].as_str().unwrap().to_string()
    }

    fn mm_push(&self, post: &Value) {
        let frame = json!({"event": "posted", "data": {"channel_type": "O", "post": post.to_string(),
                           "sender_name": format!("@{}", post["user_id"].as_str().unwrap_or(""))},
                           "broadcast": {"channel_id": MM_CHANNEL}, "seq": 2});
        let _ = self.push.send(Push::Frame(frame.to_string()));
    }
}

fn reply(status: u16, body: Value) -> Response<Full<Bytes>> {
    Response::builder()
        .status(status)
        .header("content-type", "application/json")
        .body(Full::new(Bytes::from(body.to_string())))
        .unwrap()
}

fn query(path: &str) -> HashMap<String, String> {
    let url = reqwest::Url::parse(&format!("http://x{path}")).unwrap();
    url.query_pairs().into_owned().collect()
}

fn ts_num(ts: &str) -> f64 {
    ts.parse().unwrap_or(0.0)
}

/// A page of `all` (newest first for history, oldest first for replies).
fn page(all: Vec<Value>, q: &HashMap<String, String>) -> Value {
    let limit: usize = q
        .get("limit")
        .and_then(|l| l.parse().ok())
        .unwrap_or(100)
        .min(50);
    let start: usize = q
        .get("cursor")
        .and_then(|c| c.strip_prefix("off:"))
        .and_then(|o| o.parse().ok())
        .unwrap_or(0);
    let end = (start + limit).min(all.len());
    let more = end < all.len();
    let mut v = json!({"ok": true, "messages": all[start.min(end)..end], "has_more": more});
    if more {
        v["response_metadata"] = json!({"next_cursor": format!("off:{end}")});
    }
    v
}

async fn handle(
    req: Request<Incoming>,
    state: Arc<Mutex<State>>,
    push: broadcast::Sender<Push>,
    addr: SocketAddr,
) -> Response<Full<Bytes>> {
    let path = req
        .uri()
        .path_and_query()
        .map(|p| p.to_string())
        .unwrap_or_default();
    let auth = req
        .headers()
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    if path.starts_with("/link/") || path.starts_with("/api/v4/websocket") {
        return upgrade(req, state, push, path.starts_with("/link/"));
    }
    let method = req.method().to_string();
    let body = req
        .into_body()
        .collect()
        .await
        .map(|b| b.to_bytes().to_vec())
        .unwrap_or_default();
    let body: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    state
        .lock()
        .unwrap()
        .requests
        .push(format!("{method} {path}"));
    let q = query(&path);
    let route = path.split('?').next().unwrap_or("");
    let bot = auth == format!("Bearer {BOT_TOKEN}");
    match route {
        "/api/apps.connections.open" => {
            state.lock().unwrap().opens.push(auth.clone());
            if auth != format!("Bearer {APP_TOKEN}") {
                return reply(200, json!({"ok": false, "error": "invalid_auth"}));
            }
            if state.lock().unwrap().refuse_open {
                return reply(200, json!({"ok": false, "error": "internal_error"}));
            }
            let n = state.lock().unwrap().opens.len();
            reply(
                200,
                json!({"ok": true, "url": format!("ws://{addr}/link/?ticket=T{n}&app_id=A1")}),
            )
        }
        "/api/conversations.history" | "/api/conversations.replies" if bot => {
            let mut st = state.lock().unwrap();
            if let Some(secs) = st.rate_limit_history.take() {
                st.rate_limited += 1;
                return Response::builder()
                    .status(429)
                    .header("retry-after", secs.to_string())
                    .body(Full::new(Bytes::from(
                        r#"{"ok":false,"error":"ratelimited"}"#,
                    )))
                    .unwrap();
            }
            let oldest = q.get("oldest").map(|o| ts_num(o)).unwrap_or(0.0);
            let meta = q.get("include_all_metadata").is_some_and(|v| v == "true");
            let shown = |m: &Value| {
                let mut m = m.clone();
                if !meta {
                    m.as_object_mut().unwrap().remove("metadata");
                }
                m
            };
            let msgs = &st.messages;
            let all: Vec<Value> = if route.ends_with("history") {
                msgs.iter()
                    .filter(|m| ts_num(m["ts"].as_str().unwrap()) > oldest)
                    .filter(|m| m["thread_ts"].is_null() || m["thread_ts"] == m["ts"])
                    .rev()
                    .map(|m| {
                        let mut m = shown(m);
                        let ts = m["ts"].clone();
                        let n = msgs
                            .iter()
                            .filter(|r| r["thread_ts"] == ts && r["ts"] != ts)
                            .count();
                        if n > 0 {
                            m["reply_count"] = json!(n);
                            m["thread_ts"] = ts;
                        }
                        m
                    })
                    .collect()
            } else {
                let parent = q.get("ts").cloned().unwrap_or_default();
                msgs.iter()
                    .filter(|m| {
                        m["ts"] == parent.as_str()
                            || (m["thread_ts"] == parent.as_str()
                                && ts_num(m["ts"].as_str().unwrap()) > oldest)
                    })
                    .map(shown)
                    .collect()
            };
            reply(200, page(all, &q))
        }
        "/api/users.info" if bot => {
            let u = q.get("user").cloned().unwrap_or_default();
            reply(
                200,
                json!({"ok": true, "user": {"id": u, "name": u.to_lowercase(),
                   "real_name": format!("{u} Real"), "profile": {"display_name": format!("{u}-display"), "real_name": format!("{u} Real")}}}),
            )
        }
        "/api/chat.postMessage" if bot => {
            let (slow, fail, ts) = {
                let mut st = state.lock().unwrap();
                st.counter += 1;
                let n = st.counter;
                let ts = format!("{}.{:06}", BASE_SECS + 60 + n, n % 1_000_000);
                let mut m = json!({"type": "message", "subtype": "bot_message", "bot_id": "B0COCKPIT",
                                   "text": body["text"], "ts": ts});
                if !body["metadata"].is_null() {
                    m["metadata"] = body["metadata"].clone();
                }
                st.messages.push(m);
                (st.slow_post.take(), st.fail_after_post.take(), ts)
            };
            if let Some(d) = slow {
                tokio::time::sleep(d).await;
            }
            if let Some(status) = fail {
                return reply(status, json!({"ok": false, "error": "internal_error"}));
            }
            reply(
                200,
                json!({"ok": true, "channel": CHANNEL, "ts": ts, "message": {"ts": ts}}),
            )
        }
        "/api/conversations.setTopic" if bot => {
            reply(200, json!({"ok": true, "channel": {"id": CHANNEL}}))
        }
        r if r.starts_with("/api/") && r.contains('.') => {
            reply(200, json!({"ok": false, "error": "invalid_auth"}))
        }
        r if r.starts_with("/hooks/") => {
            let post = {
                let mut st = state.lock().unwrap();
                st.counter += 1;
                let n = st.counter;
                let mut props = body["props"].clone();
                if props.is_null() {
                    props = json!({});
                }
                props["from_webhook"] = json!("true");
                let post = json!({"id": format!("post{n:05}"), "channel_id": MM_CHANNEL, "user_id": "hookowner",
                                  "create_at": (BASE_SECS + 60 + n) * 1000, "delete_at": 0, "message": body["text"],
                                  "type": "", "root_id": "", "props": props});
                st.mm_posts.push(post.clone());
                post
            };
            let frame = json!({"event": "posted", "data": {"post": post.to_string()},
                               "broadcast": {"channel_id": MM_CHANNEL}, "seq": 2});
            let _ = push.send(Push::Frame(frame.to_string()));
            Response::new(Full::new(Bytes::from("ok")))
        }
        r if r.starts_with("/api/v4/") => {
            if auth != format!("Bearer {MM_TOKEN}") {
                return reply(
                    401,
                    json!({"id": "api.context.session_expired.app_error", "status_code": 401}),
                );
            }
            if let Some(user) = r.strip_prefix("/api/v4/users/") {
                return reply(
                    200,
                    json!({"id": user, "username": user, "first_name": "", "last_name": "",
                                         "nickname": format!("{user}-nick")}),
                );
            }
            if r == format!("/api/v4/channels/{MM_CHANNEL}/posts") {
                let since: i64 = q.get("since").and_then(|s| s.parse().ok()).unwrap_or(0);
                let st = state.lock().unwrap();
                let posts: Vec<&Value> = st
                    .mm_posts
                    .iter()
                    .filter(|p| p["create_at"].as_i64().unwrap() > since)
                    .collect();
                let order: Vec<Value> = posts.iter().rev().map(|p| p["id"].clone()).collect();
                let map: serde_json::Map<String, Value> = posts
                    .iter()
                    .map(|p| (p["id"].as_str().unwrap().to_string(), (*p).clone()))
                    .collect();
                return reply(
                    200,
                    json!({"order": order, "posts": map, "next_post_id": "", "prev_post_id": ""}),
                );
            }
            reply(404, json!({"status_code": 404}))
        }
        _ => reply(404, json!({"ok": false, "error": "unknown_method"})),
    }
}

fn upgrade(
    mut req: Request<Incoming>,
    state: Arc<Mutex<State>>,
    push: broadcast::Sender<Push>,
    slack: bool,
) -> Response<Full<Bytes>> {
    let Some(key) = req
        .headers()
        .get("sec-websocket-key")
        .map(|k| derive_accept_key(k.as_bytes()))
    else {
        return reply(400, json!({"error": "not a websocket request"}));
    };
    let rx = push.subscribe();
    tokio::spawn(async move {
        let Ok(upgraded) = hyper::upgrade::on(&mut req).await else {
            return;
        };
        let ws = WebSocketStream::from_raw_socket(TokioIo::new(upgraded), Role::Server, None).await;
        state.lock().unwrap().sockets += 1;
        if slack {
            slack_socket(ws, state.clone(), rx).await;
        } else {
            mm_socket(ws, state.clone(), rx).await;
        }
        state.lock().unwrap().sockets -= 1;
    });
    Response::builder()
        .status(101)
        .header("connection", "Upgrade")
        .header("upgrade", "websocket")
        .header("sec-websocket-accept", key)
        .body(Full::new(Bytes::new()))
        .unwrap()
}

type Ws = WebSocketStream<TokioIo<hyper::upgrade::Upgraded>>;

async fn slack_socket(mut ws: Ws, state: Arc<Mutex<State>>, mut rx: broadcast::Receiver<Push>) {
    let hello = json!({"type": "hello", "num_connections": 1,
                       "debug_info": {"host": "applink-test", "approximate_connection_time": 18060},
                       "connection_info": {"app_id": "A1"}});
    if ws
        .send(Message::Text(hello.to_string().into()))
        .await
        .is_err()
    {
        return;
    }
    // What was sent before and never acknowledged comes again.
    let again: Vec<String> = state.lock().unwrap().unacked.values().cloned().collect();
    for f in again {
        if ws.send(Message::Text(f.into())).await.is_err() {
            return;
        }
    }
    loop {
        tokio::select! {
            m = ws.next() => match m {
                Some(Ok(Message::Text(t))) => {
                    let v: Value = serde_json::from_str(&t).unwrap_or(Value::Null);
                    if let Some(id) = v["envelope_id"].as_str() {
                        let mut st = state.lock().unwrap();
                        st.unacked.remove(id);
                        st.acked.push(id.to_string());
                    }
                }
                Some(Ok(_)) => {}
                _ => return,
            },
            p = rx.recv() => match p {
                Ok(Push::Frame(f)) => {
                    if ws.send(Message::Text(f.into())).await.is_err() {
                        return;
                    }
                }
                Ok(Push::Drop) => return,
                Ok(Push::Disconnect) => {
                    let d = json!({"type": "disconnect", "reason": "refresh_requested",
                                   "debug_info": {"host": "applink-test"}});
                    let _ = ws.send(Message::Text(d.to_string().into())).await;
                }
                Err(broadcast::error::RecvError::Lagged(_)) => return,
                Err(_) => return,
            }
        }
    }
}

async fn mm_socket(mut ws: Ws, state: Arc<Mutex<State>>, mut rx: broadcast::Receiver<Push>) {
    // The first frame must be the authentication challenge with the token.
    let first = tokio::time::timeout(Duration::from_secs(5), ws.next()).await;
    let ok = matches!(&first, Ok(Some(Ok(Message::Text(t)))) if {
        let v: Value = serde_json::from_str(t).unwrap_or(Value::Null);
        v["action"] == "authentication_challenge" && v["data"]["token"] == MM_TOKEN && v["seq"] == 1
    });
    state.lock().unwrap().mm_auth.push(ok);
    if !ok {
        let _ = ws
            .send(Message::Text(json!({"status": "FAIL", "seq_reply": 1, "error": {"id": "api.web_socket_router.not_authenticated.app_error"}}).to_string().into()))
            .await;
        return;
    }
    let _ = ws
        .send(Message::Text(
            json!({"status": "OK", "seq_reply": 1}).to_string().into(),
        ))
        .await;
    let _ = ws
        .send(Message::Text(json!({"event": "hello", "data": {"server_version": "10.0.0"}, "broadcast": {}, "seq": 1}).to_string().into()))
        .await;
    loop {
        tokio::select! {
            m = ws.next() => match m {
                Some(Ok(_)) => {}
                _ => return,
            },
            p = rx.recv() => match p {
                Ok(Push::Frame(f)) => {
                    if ws.send(Message::Text(f.into())).await.is_err() {
                        return;
                    }
                }
                Ok(Push::Drop) => return,
                Ok(Push::Disconnect) => return,
                Err(_) => return,
            }
        }
    }
}
