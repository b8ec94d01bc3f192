//! The thin IO edge: one HTTP request out, its answer back, and the words for
//! what went wrong. Nothing here names a secret: errors carry the host only,
//! and every text the endpoint sends back is cleaned and redacted.

use chrono::{DateTime, Utc};
use reqwest::{Method, Url};
use std::time::Duration;

use super::backoff::{Outcome, parse_retry_after};
use crate::config::{Endpoint, EndpointKind, Secret, SecretRef, UrlSetting};
use crate::domain::sanitize::clean_line;

/// How much of an endpoint's answer is kept in an error.
const ERROR_CHARS: usize = 300;

#[derive(Debug, Clone)]
pub struct HttpRequest {
    pub method: Method,
    pub url: Url,
    pub headers: Vec<(String, String)>,
    pub body: Option<Vec<u8>>,
}

impl HttpRequest {
    pub fn json(method: Method, url: Url, body: &serde_json::Value) -> Self {
        Self {
            method,
            url,
            headers: vec![("content-type".into(), "application/json".into())],
            body: Some(serde_json::to_vec(body).expect("json serialises")),
        }
    }

    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpAnswer {
    pub status: u16,
    pub retry_after: Option<Duration>,
    pub body: String,
}

impl HttpAnswer {
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }
}

/// An endpoint with its secrets read: what the worker and the CLI talk to.
pub struct Target {
    pub endpoint: Endpoint,
    pub url: Option<Url>,
    pub token: Option<Secret>,
    pub routing_key: Option<Secret>,
    pub hmac_key: Option<Secret>,
    /// PagerDuty: routing keys by role or team (issue 17).
    pub team_keys: std::collections::BTreeMap<String, Secret>,
    /// E-mail: the SMTP AUTH password.
    pub password: Option<Secret>,
    /// Slack app-level token, for Socket Mode read-back (#19).
    pub app_token: Option<Secret>,
    /// Every secret value, to scrub from any text an endpoint sends back.
    redactions: Vec<String>,
}

impl Target {
    /// Read the endpoint's secrets. The error names the endpoint, where it is
    /// declared and the key, never a value.
    pub fn resolve(endpoint: &Endpoint) -> Result<Self, String> {
        let who = format!("{}: endpoint `{}`", endpoint.origin, endpoint.name);
        let read = |r: &Option<SecretRef>, key: &str| -> Result<Option<Secret>, String> {
            r.as_ref()
                .map(|r| r.resolve().map_err(|e| format!("{who}: {key}: {e}")))
                .transpose()
        };
        let url = match &endpoint.url {
            None => None,
            Some(UrlSetting::Plain(u)) => {
                Some(Url::parse(u).map_err(|e| format!("{who}: url: {e}"))?)
            }
            Some(UrlSetting::Secret(r)) => {
                let s = r.resolve().map_err(|e| format!("{who}: url: {e}"))?;
                let u = Url::parse(s.expose())
                    .ok()
                    .filter(|u| matches!(u.scheme(), "http" | "https"))
                    .ok_or_else(|| format!("{who}: url: {r} does not hold an http(s) URL"))?;
                Some(u)
            }
        };
        let token = read(&endpoint.token, "token")?;
        let routing_key = read(&endpoint.routing_key, "routing_key")?;
        let hmac_key = read(&endpoint.secret, "secret")?;
        let password = read(
            &endpoint.mail.as_ref().and_then(|m| m.password.clone()),
            "password",
        )?;
        let mut team_keys = std::collections::BTreeMap::new();
        for (team, r) in &endpoint.teams {
            team_keys.insert(
                team.clone(),
                r.resolve()
                    .map_err(|e| format!("{who}: teams.{team}: {e}"))?,
            );
        }
        let app_token = read(&endpoint.app_token, "app_token")?;
        let mut redactions: Vec<String> = [&token, &routing_key, &hmac_key, &password, &app_token]
            .into_iter()
            .flatten()
            .chain(team_keys.values())
            .map(|s| s.expose().to_string())
            .collect();
        if let (Some(UrlSetting::Secret(_)), Some(u)) = (&endpoint.url, &url) {
            redactions.push(u.as_str().trim_end_matches('/').to_string());
            // The path of a webhook URL is its credential.
            if u.path().len() > 1 {
                redactions.push(u.path().to_string());
            }
        }
        redactions.retain(|s| s.len() >= 4);
        Ok(Self {
            endpoint: endpoint.clone(),
            url,
            token,
            routing_key,
            hmac_key,
            team_keys,
            password,
            app_token,
            redactions,
        })
    }

    pub fn name(&self) -> &str {
        &self.endpoint.name
    }

    pub fn kind(&self) -> EndpointKind {
        self.endpoint.kind
    }

    /// The configured URL, or a kind's public default.
    pub fn base_url(&self, default: &str) -> Url {
        self.url
            .clone()
            .unwrap_or_else(|| Url::parse(default).expect("default URLs parse"))
    }

    /// Scrub secrets from a text, clean it to one line, keep it short.
    pub fn redact(&self, text: &str) -> String {
        let mut t = clean_line(text);
        for s in &self.redactions {
            t = t.replace(s.as_str(), "****");
        }
        if t.chars().count() > ERROR_CHARS {
            t = t.chars().take(ERROR_CHARS).collect::<String>() + "…";
        }
        t
    }
}

/// "scheme://host:port/…": a URL as errors and screens may show it.
pub fn redact_url(url: &Url) -> String {
    let host = url.host_str().unwrap_or("?");
    match url.port() {
        Some(p) => format!("{}://{host}:{p}/…", url.scheme()),
        None => format!("{}://{host}/…", url.scheme()),
    }
}

pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        // A redirect could carry a token elsewhere: endpoints get none.
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("incident-cockpit/", env!("CARGO_PKG_VERSION")))
        .build()
        .expect("the HTTP client builds")
}

/// The most of an answer's body that is read (issue 10: an endpoint that
/// answers 50 MB must not take the cockpit's memory). Every API the cockpit
/// talks to answers in kilobytes; a Matrix `/sync` or `/messages` page of
/// the room's events stays well under this. One request is in flight per
/// endpoint (and one per chat reader), so this bounds sync's memory.
pub const MAX_BODY: usize = 4 << 20;

/// Send one request. A network failure is an `Outcome::Retry` already.
/// `timeout` bounds the whole exchange, connect to the body's last byte (an
/// endpoint that trickles one byte a second is cut off like one that never
/// answers).
pub async fn send(
    client: &reqwest::Client,
    req: HttpRequest,
    timeout: Duration,
    now: DateTime<Utc>,
) -> Result<HttpAnswer, Outcome> {
    let where_ = redact_url(&req.url);
    match tokio::time::timeout(timeout, exchange(client, req, timeout, now, &where_)).await {
        Ok(answer) => answer,
        Err(_) => Err(Outcome::Retry {
            error: format!("no answer from {where_} within {}s", timeout.as_secs_f32()),
            retry_after: None,
        }),
    }
}

async fn exchange(
    client: &reqwest::Client,
    req: HttpRequest,
    timeout: Duration,
    now: DateTime<Utc>,
    where_: &str,
) -> Result<HttpAnswer, Outcome> {
    let mut b = client.request(req.method, req.url).timeout(timeout);
    for (k, v) in req.headers {
        b = b.header(k, v);
    }
    if let Some(body) = req.body {
        b = b.body(body);
    }
    let fail = |e: reqwest::Error| Outcome::Retry {
        error: network_error(&e, where_, timeout),
        retry_after: None,
    };
    let mut resp = b.send().await.map_err(fail)?;
    let status = resp.status().as_u16();
    let retry_after = resp
        .headers()
        .get(reqwest::header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| parse_retry_after(v, now));
    let mut bytes: Vec<u8> = Vec::new();
    let mut cut = false;
    while let Some(chunk) = resp.chunk().await.map_err(fail)? {
        let room = MAX_BODY - bytes.len();
        if chunk.len() > room {
            bytes.extend_from_slice(&chunk[..room]);
            cut = true;
            break;
        }
        bytes.extend_from_slice(&chunk);
    }
    if cut && (200..300).contains(&status) {
        // What it accepted cannot be read (an id, a dedup key): a person
        // looks, rather than a retry that could send it twice.
        return Err(Outcome::Park {
            error: format!(
                "{where_} answered {status} with more than {} MiB; the answer was not read: is the URL the endpoint's API?",
                MAX_BODY >> 20
            ),
        });
    }
    // An error's status judges it; its body is only detail.
    Ok(HttpAnswer {
        status,
        retry_after,
        body: String::from_utf8_lossy(&bytes).into_owned(),
    })
}

fn network_error(e: &reqwest::Error, where_: &str, timeout: Duration) -> String {
    if e.is_timeout() {
        return format!("no answer from {where_} within {}s", timeout.as_secs_f32());
    }
    let mut root: &dyn std::error::Error = e;
    while let Some(s) = root.source() {
        root = s;
    }
    let cause = root.to_string();
    if e.is_connect() {
        format!("cannot connect to {where_}: {cause}")
    } else {
        format!("request to {where_} failed: {cause}")
    }
}

/// The verdict every endpoint shares, from the status alone; `None` for a
/// 2xx, whose body the endpoint's adapter must read.
pub fn judge_status(a: &HttpAnswer, detail: &str) -> Option<Outcome> {
    let line = format!("{} {}", a.status, reason(a.status));
    let error = if detail.is_empty() {
        line
    } else {
        format!("{line}: {detail}")
    };
    match a.status {
        200..=299 => None,
        // ENDPOINTS.md: 429 everywhere, 503 with Retry-After; both "later".
        429 | 503 => Some(Outcome::Retry {
            error,
            retry_after: a.retry_after,
        }),
        408 | 500..=599 => Some(Outcome::Retry {
            error,
            retry_after: a.retry_after,
        }),
        // Bad credentials or a bad request: sending it again changes nothing.
        _ => Some(Outcome::Park { error }),
    }
}

fn reason(status: u16) -> &'static str {
    reqwest::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("")
}
