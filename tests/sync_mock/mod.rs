//! Loopback HTTP servers that play PagerDuty, Slack, Matrix, Alertmanager and
//! webhooks in tests: each records every request exactly as it arrived and
//! answers like the real endpoint (ENDPOINTS.md), unless a queued fault says
//! otherwise (500, 429 + Retry-After, slow past the timeout, malformed JSON).
#![allow(dead_code)]

pub mod trackers;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use serde_json::{Value, json};
use std::collections::{BTreeMap, HashMap, VecDeque};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// One request as the server saw it.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub method: String,
    /// Path and query, exactly as sent (percent-encoding kept).
    pub path: String,
    pub headers: BTreeMap<String, String>,
    pub body: Vec<u8>,
    /// Whether a fault answered it instead of the endpoint.
    pub faulted: bool,
}

impl Recorded {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).map(String::as_str)
    }
}

#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Reply {
    pub fn new(status: u16, body: impl Into<String>) -> Self {
        Self {
            status,
            headers: Vec::new(),
            body: body.into(),
        }
    }

    pub fn json(status: u16, v: Value) -> Self {
        Self::new(status, v.to_string()).with("content-type", "application/json")
    }

    pub fn with(mut self, k: &str, v: &str) -> Self {
        self.headers.push((k.into(), v.into()));
        self
    }
}

/// What to do with the next request instead of answering normally.
#[derive(Debug, Clone)]
pub enum Fault {
    /// Answer this instead.
    Reply(Reply),
    /// Wait this long, then answer normally (the client has given up by then).
    Slow(Duration),
}

/// The endpoint's behaviour; state lives in `World`.
pub type Behaviour = Arc<dyn Fn(&Recorded, &mut World) -> Reply + Send + Sync>;

/// What the fake endpoint remembers, to check "exactly once in effect".
#[derive(Debug, Default)]
pub struct World {
    /// Matrix: txn id -> event id, and the room's messages in order.
    pub txns: HashMap<String, String>,
    /// Matrix txn ids in the order their message first reached the room.
    pub txn_order: Vec<String>,
    pub room: Vec<(String, String, String)>, // (event_id, sender, body)
    pub topic: Option<String>,
    /// PagerDuty: dedup_key -> the actions that changed it, in order.
    pub alerts: BTreeMap<String, Vec<String>>,
    /// Anything else that posted: every body.
    pub posts: Vec<Value>,
    pub counter: u64,
}

pub struct Mock {
    pub addr: SocketAddr,
    pub log: Arc<Mutex<Vec<Recorded>>>,
    pub world: Arc<Mutex<World>>,
    faults: Arc<Mutex<VecDeque<Fault>>>,
    /// Every request waits this long first (a slow endpoint).
    pub delay: Arc<Mutex<Duration>>,
}

impl Mock {
    pub async fn start(behaviour: Behaviour) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let log = Arc::new(Mutex::new(Vec::new()));
        let world = Arc::new(Mutex::new(World::default()));
        let faults = Arc::new(Mutex::new(VecDeque::new()));
        let delay = Arc::new(Mutex::new(Duration::ZERO));
        let (l, w, f, d) = (log.clone(), world.clone(), faults.clone(), delay.clone());
        tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    return;
                };
                let (l, w, f, d, b) = (
                    l.clone(),
                    w.clone(),
                    f.clone(),
                    d.clone(),
                    behaviour.clone(),
                );
                tokio::spawn(async move {
                    let svc = service_fn(move |req: Request<Incoming>| {
                        let (l, w, f, d, b) =
                            (l.clone(), w.clone(), f.clone(), d.clone(), b.clone());
                        async move { Ok::<_, hyper::Error>(handle(req, l, w, f, d, b).await) }
                    });
                    let _ = http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), svc)
                        .await;
                });
            }
        });
        Self {
            addr,
            log,
            world,
            faults,
            delay,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    pub fn fault(&self, f: Fault) {
        self.faults.lock().unwrap().push_back(f);
    }

    pub fn requests(&self) -> Vec<Recorded> {
        self.log.lock().unwrap().clone()
    }

    pub fn count(&self) -> usize {
        self.log.lock().unwrap().len()
    }

    pub fn set_delay(&self, d: Duration) {
        *self.delay.lock().unwrap() = d;
    }
}

async fn handle(
    req: Request<Incoming>,
    log: Arc<Mutex<Vec<Recorded>>>,
    world: Arc<Mutex<World>>,
    faults: Arc<Mutex<VecDeque<Fault>>>,
    delay: Arc<Mutex<Duration>>,
    behaviour: Behaviour,
) -> Response<Full<Bytes>> {
    let method = req.method().to_string();
    let path = req
        .uri()
        .path_and_query()
        .map(|p| p.as_str().to_string())
        .unwrap_or_default();
    let headers = req
        .headers()
        .iter()
        .map(|(k, v)| (k.as_str().to_string(), v.to_str().unwrap_or("").to_string()))
        .collect();
    let body = req
        .into_body()
        .collect()
        .await
        .map(|b| b.to_bytes().to_vec())
        .unwrap_or_default();
    let fault = faults.lock().unwrap().pop_front();
    let rec = Recorded {
        method,
        path,
        headers,
        body,
        faulted: matches!(fault, Some(Fault::Reply(_))),
    };
    // Logged on arrival, in arrival order.
    log.lock().unwrap().push(rec.clone());
    // The endpoint does its work even if the client has gone (as a real one
    // does after a client timeout): in a task the connection cannot cancel.
    let wait = *delay.lock().unwrap();
    let work = tokio::spawn(async move {
        if !wait.is_zero() {
            tokio::time::sleep(wait).await;
        }
        match fault {
            Some(Fault::Reply(r)) => r,
            Some(Fault::Slow(d)) => {
                tokio::time::sleep(d).await;
                behaviour(&rec, &mut world.lock().unwrap())
            }
            None => behaviour(&rec, &mut world.lock().unwrap()),
        }
    });
    let reply = work.await.unwrap();
    let mut resp = Response::builder().status(reply.status);
    for (k, v) in &reply.headers {
        resp = resp.header(k, v);
    }
    resp.body(Full::new(Bytes::from(reply.body))).unwrap()
}

/// PagerDuty Events v2: 202 and the dedup_key; remembers each alert's actions.
pub fn pagerduty() -> Behaviour {
    Arc::new(|r, w| {
        let v = r.json();
        let key = v["dedup_key"].as_str().unwrap_or("").to_string();
        let action = v["event_action"].as_str().unwrap_or("").to_string();
        let actions = w.alerts.entry(key.clone()).or_default();
        // A repeated action is a no-op on the alert (dedup): record changes only.
        if actions.last() != Some(&action) {
            actions.push(action);
        }
        Reply::json(
            202,
            json!({"status": "success", "message": "Event processed", "dedup_key": key}),
        )
    })
}

/// A Matrix homeserver's room: txn ids deduplicate, the topic is state.
pub fn matrix(me: &'static str) -> Behaviour {
    Arc::new(move |r, w| {
        let path = r.path.clone();
        if path.ends_with("/account/whoami") {
            return Reply::json(200, json!({"user_id": me}));
        }
        if path.contains("/messages?") {
            let chunk: Vec<Value> = w
                .room
                .iter()
                .enumerate()
                .rev()
                .map(|(i, (id, sender, body))| {
                    json!({"type": "m.room.message", "event_id": id, "sender": sender,
                           "origin_server_ts": 1_800_000_000_000i64 + i as i64 * 1000,
                           "content": {"msgtype": "m.text", "body": body}})
                })
                .collect();
            return Reply::json(200, json!({"chunk": chunk, "start": "t1"}));
        }
        if path.contains("/state/m.room.topic/") {
            w.topic = r.json()["topic"].as_str().map(str::to_string);
            w.counter += 1;
            return Reply::json(200, json!({"event_id": format!("$topic{}", w.counter)}));
        }
        if let Some(txn) = path.split("/send/m.room.message/").nth(1) {
            if let Some(id) = w.txns.get(txn) {
                return Reply::json(200, json!({"event_id": id}));
            }
            w.counter += 1;
            let id = format!("$ev{}", w.counter);
            w.txns.insert(txn.to_string(), id.clone());
            w.txn_order.push(txn.to_string());
            let body = r.json()["body"].as_str().unwrap_or("").to_string();
            w.room.push((id.clone(), me.to_string(), body));
            return Reply::json(200, json!({"event_id": id}));
        }
        Reply::json(
            404,
            json!({"errcode": "M_UNRECOGNIZED", "error": "Unrecognized request"}),
        )
    })
}

/// Slack Web API: JSON with `ok`, a `ts` for posts.
pub fn slack_api() -> Behaviour {
    Arc::new(|r, w| {
        w.counter += 1;
        w.posts.push(r.json());
        if r.path.ends_with("/chat.postMessage") {
            Reply::json(
                200,
                json!({"ok": true, "channel": "C1", "ts": format!("1700000000.{:06}", w.counter)}),
            )
        } else {
            Reply::json(200, json!({"ok": true, "channel": {"id": "C1"}}))
        }
    })
}

/// A webhook that answers a fixed status and body (Slack "ok", Teams 202 "").
pub fn hook(status: u16, body: &'static str) -> Behaviour {
    Arc::new(move |r, w| {
        w.posts.push(r.json());
        Reply::new(status, body)
    })
}

/// Alertmanager v2: canned alerts and silences; DELETE expires.
pub fn alertmanager(alerts: Value, silences: Value) -> Behaviour {
    let silences = Arc::new(Mutex::new(silences));
    Arc::new(move |r, w| {
        w.posts.push(json!({"method": r.method, "path": r.path}));
        if r.path.starts_with("/api/v2/alerts") {
            return Reply::json(200, alerts.clone());
        }
        if r.path == "/api/v2/silences" {
            return Reply::json(200, silences.lock().unwrap().clone());
        }
        if let Some(id) = r.path.strip_prefix("/api/v2/silence/") {
            let mut s = silences.lock().unwrap();
            for x in s.as_array_mut().unwrap() {
                if x["id"] == id {
                    x["status"]["state"] = json!("expired");
                    return Reply::new(200, "");
                }
            }
            return Reply::new(404, "silence not found");
        }
        Reply::new(404, "not found")
    })
}

/// A port nothing listens on: connection refused.
pub async fn refused_port() -> u16 {
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    l.local_addr().unwrap().port()
}
