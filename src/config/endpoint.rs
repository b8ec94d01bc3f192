//! `[[endpoint]]` tables: where the cockpit sends what the outside world must
//! know, and where it reads alerts and chat from. Checked when the config is
//! read, so a mistake is reported with its file, line and key before anything
//! is sent. Secrets are references (`env:NAME`, `file:PATH`), never values:
//! DESIGN.md "Secrets never enter the journal or the logs".

use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;
use toml::Spanned;

use super::error::ConfigError;
use crate::domain::event::KIND_NAMES;
use crate::domain::playbook::parse_duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EndpointKind {
    /// PagerDuty Events API v2.
    Pagerduty,
    /// Slack incoming webhook.
    SlackWebhook,
    /// Slack Web API with a bot token (post, set topic).
    Slack,
    /// Matrix client-server API (post, set topic, read the room back).
    Matrix,
    /// Prometheus Alertmanager API v2 (read alerts, list and expire silences).
    Alertmanager,
    /// Any HTTP endpoint: the event as JSON, signed with HMAC-SHA256.
    Webhook,
    /// Mattermost incoming webhook (Slack-compatible).
    Mattermost,
    /// Microsoft Teams Workflows webhook (Adaptive Card).
    Teams,
}

impl EndpointKind {
    pub const ALL: &[EndpointKind] = &[
        EndpointKind::Pagerduty,
        EndpointKind::SlackWebhook,
        EndpointKind::Slack,
        EndpointKind::Matrix,
        EndpointKind::Alertmanager,
        EndpointKind::Webhook,
        EndpointKind::Mattermost,
        EndpointKind::Teams,
    ];

    pub fn name(self) -> &'static str {
        match self {
            EndpointKind::Pagerduty => "pagerduty",
            EndpointKind::SlackWebhook => "slack_webhook",
            EndpointKind::Slack => "slack",
            EndpointKind::Matrix => "matrix",
            EndpointKind::Alertmanager => "alertmanager",
            EndpointKind::Webhook => "webhook",
            EndpointKind::Mattermost => "mattermost",
            EndpointKind::Teams => "teams",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|k| k.name() == s)
    }

    /// Whether events are delivered to it through the outbox (Alertmanager
    /// is only read from and acted on, on the IC's command).
    pub fn receives_events(self) -> bool {
        self != EndpointKind::Alertmanager
    }

    /// Keys this kind needs, and keys it may take, beyond name/kind/timeout.
    fn keys(self) -> (&'static [&'static str], &'static [&'static str]) {
        use EndpointKind::*;
        match self {
            Pagerduty => (&["routing_key"], &["url", "source", "events", "templates"]),
            SlackWebhook | Mattermost | Teams => (&["url"], &["events", "templates"]),
            Slack => (&["token", "channel"], &["url", "events", "templates"]),
            Matrix => (&["url", "token", "room"], &["read", "events", "templates"]),
            Alertmanager => (&["url"], &["token", "filter", "created_by"]),
            Webhook => (
                &["url", "secret"],
                &["signature_header", "events", "templates"],
            ),
        }
    }

    /// Whether `url` is itself a secret (a webhook URL is its own credential).
    fn url_is_secret(self) -> bool {
        use EndpointKind::*;
        matches!(self, SlackWebhook | Mattermost | Teams | Webhook)
    }
}

impl fmt::Display for EndpointKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Where a secret is read from. The reference is safe to show; the value never is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecretRef {
    Env(String),
    File(PathBuf),
}

impl fmt::Display for SecretRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SecretRef::Env(n) => write!(f, "env:{n}"),
            SecretRef::File(p) => write!(f, "file:{}", p.display()),
        }
    }
}

/// A secret's value. Printing it shows stars, so it cannot slip into a log.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The value, for the one place that puts it on the wire.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(****)")
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SecretError {
    #[error("environment variable {0} is not set")]
    MissingEnv(String),
    #[error("cannot read {}: {detail}", .path.display())]
    Unreadable { path: PathBuf, detail: String },
    #[error("{} is readable by group or others (mode {mode:o}); a secret file must be private: chmod 600 {}", .path.display(), .path.display())]
    TooOpen { path: PathBuf, mode: u32 },
    #[error("{} is empty", .0)]
    Empty(String),
}

impl SecretRef {
    /// `env:NAME` or `file:PATH`; anything else is refused without echoing it.
    pub fn parse(s: &str) -> Result<Self, String> {
        if let Some(name) = s.strip_prefix("env:") {
            let ok =
                !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
            return if ok {
                Ok(SecretRef::Env(name.to_string()))
            } else {
                Err("`env:` must be followed by a variable name (letters, digits, _)".into())
            };
        }
        if let Some(path) = s.strip_prefix("file:") {
            return if path.is_empty() {
                Err("`file:` must be followed by a path".into())
            } else {
                Ok(SecretRef::File(PathBuf::from(path)))
            };
        }
        Err("a secret is never written in the config file: use `env:NAME` or `file:PATH` (a file only its owner can read)".into())
    }

    /// Read the value now. A file readable by group or others is refused.
    pub fn resolve(&self) -> Result<Secret, SecretError> {
        let value = match self {
            SecretRef::Env(name) => {
                std::env::var(name).map_err(|_| SecretError::MissingEnv(name.clone()))?
            }
            SecretRef::File(path) => read_private_file(path)?,
        };
        let value = value.trim().to_string();
        if value.is_empty() {
            return Err(SecretError::Empty(self.to_string()));
        }
        Ok(Secret(value))
    }
}

fn read_private_file(path: &Path) -> Result<String, SecretError> {
    let unreadable = |e: std::io::Error| SecretError::Unreadable {
        path: path.into(),
        detail: e.to_string(),
    };
    let meta = std::fs::metadata(path).map_err(unreadable)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = meta.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            return Err(SecretError::TooOpen {
                path: path.into(),
                mode,
            });
        }
    }
    #[cfg(not(unix))]
    let _ = meta;
    std::fs::read_to_string(path).map_err(unreadable)
}

/// An endpoint URL: plain, or (for webhooks) a secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UrlSetting {
    Plain(String),
    Secret(SecretRef),
}

/// One checked `[[endpoint]]` table.
#[derive(Debug, Clone, PartialEq)]
pub struct Endpoint {
    pub name: String,
    pub kind: EndpointKind,
    /// Event kinds it hears about; `None`: the kind's defaults. `"*"`: all.
    pub events: Option<BTreeSet<String>>,
    pub url: Option<UrlSetting>,
    /// Slack bot token, Matrix access token, Alertmanager bearer token.
    pub token: Option<SecretRef>,
    /// PagerDuty integration key.
    pub routing_key: Option<SecretRef>,
    /// Webhook HMAC-SHA256 key.
    pub secret: Option<SecretRef>,
    /// Slack channel id.
    pub channel: Option<String>,
    /// Matrix room id (`!abc:example.org`).
    pub room: Option<String>,
    /// Matrix: read what people say in the room back into the timeline.
    pub read: bool,
    /// PagerDuty `payload.source`.
    pub source: Option<String>,
    /// Alertmanager matchers for "the incident's services", e.g. `service="db"`.
    pub filter: Vec<String>,
    /// Alertmanager: whose silences are "ours" (matched against `createdBy`).
    pub created_by: Option<String>,
    /// Webhook: the signature header's name.
    pub signature_header: Option<String>,
    pub timeout: Duration,
    /// Overrides of the playbook's `[templates]` for this endpoint.
    pub templates: BTreeMap<String, String>,
    /// "config.toml:12": where it is declared, for later errors.
    pub origin: String,
}

impl Endpoint {
    /// A minimal endpoint of `kind`, for tests and tools; checked fields empty.
    pub fn new(name: &str, kind: EndpointKind) -> Self {
        Self {
            name: name.into(),
            kind,
            events: None,
            url: None,
            token: None,
            routing_key: None,
            secret: None,
            channel: None,
            room: None,
            read: false,
            source: None,
            filter: Vec::new(),
            created_by: None,
            signature_header: None,
            timeout: DEFAULT_TIMEOUT,
            templates: BTreeMap::new(),
            origin: String::new(),
        }
    }
}

pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

/// `[[endpoint]]` as written, with where each value is.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawEndpoint {
    name: Spanned<String>,
    kind: Spanned<String>,
    events: Option<Spanned<Vec<String>>>,
    url: Option<Spanned<String>>,
    token: Option<Spanned<String>>,
    routing_key: Option<Spanned<String>>,
    secret: Option<Spanned<String>>,
    channel: Option<Spanned<String>>,
    room: Option<Spanned<String>>,
    read: Option<Spanned<bool>>,
    source: Option<Spanned<String>>,
    filter: Option<Spanned<Vec<String>>>,
    created_by: Option<Spanned<String>>,
    signature_header: Option<Spanned<String>>,
    timeout: Option<Spanned<String>>,
    templates: Option<Spanned<BTreeMap<String, String>>>,
}

struct Checker<'a> {
    path: &'a Path,
    text: &'a str,
}

impl Checker<'_> {
    fn line(&self, span: std::ops::Range<usize>) -> usize {
        self.text[..span.start.min(self.text.len())]
            .matches('\n')
            .count()
            + 1
    }

    fn err(&self, span: std::ops::Range<usize>, key: &str, message: String) -> ConfigError {
        ConfigError::Invalid {
            path: self.path.into(),
            line: Some(self.line(span)),
            key: format!("endpoint.{key}"),
            message,
        }
    }
}

/// Check every `[[endpoint]]` table, in order.
pub(super) fn check_endpoints(
    path: &Path,
    text: &str,
    raw: Vec<RawEndpoint>,
) -> Result<Vec<Endpoint>, ConfigError> {
    let c = Checker { path, text };
    let mut out: Vec<Endpoint> = Vec::new();
    for r in raw {
        let e = check_one(&c, r)?;
        out.push(e);
    }
    Ok(out)
}

fn check_one(c: &Checker<'_>, r: RawEndpoint) -> Result<Endpoint, ConfigError> {
    let name_span = r.name.span();
    let name = r.name.into_inner();
    if name.is_empty()
        || !name
            .chars()
            .all(|ch| ch.is_ascii_alphanumeric() || matches!(ch, '_' | '-' | '.'))
    {
        return Err(c.err(
            name_span,
            "name",
            format!("`{name}` is not a usable name (letters, digits, `_`, `-`, `.`)"),
        ));
    }
    let kind_span = r.kind.span();
    let kind = EndpointKind::parse(r.kind.get_ref()).ok_or_else(|| {
        c.err(
            kind_span.clone(),
            "kind",
            format!(
                "unknown kind `{}`; valid: {}",
                r.kind.get_ref(),
                EndpointKind::ALL
                    .iter()
                    .map(|k| k.name())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        )
    })?;
    let (needed, optional) = kind.keys();
    // Which keys were given, with where: to refuse the ones this kind ignores.
    let given: Vec<(&str, Option<std::ops::Range<usize>>)> = vec![
        ("events", r.events.as_ref().map(|s| s.span())),
        ("url", r.url.as_ref().map(|s| s.span())),
        ("token", r.token.as_ref().map(|s| s.span())),
        ("routing_key", r.routing_key.as_ref().map(|s| s.span())),
        ("secret", r.secret.as_ref().map(|s| s.span())),
        ("channel", r.channel.as_ref().map(|s| s.span())),
        ("room", r.room.as_ref().map(|s| s.span())),
        ("read", r.read.as_ref().map(|s| s.span())),
        ("source", r.source.as_ref().map(|s| s.span())),
        ("filter", r.filter.as_ref().map(|s| s.span())),
        ("created_by", r.created_by.as_ref().map(|s| s.span())),
        (
            "signature_header",
            r.signature_header.as_ref().map(|s| s.span()),
        ),
        ("templates", r.templates.as_ref().map(|s| s.span())),
    ];
    for (key, span) in &given {
        if let Some(span) = span
            && !needed.contains(key)
            && !optional.contains(key)
        {
            return Err(c.err(
                span.clone(),
                key,
                format!("endpoint `{name}` ({kind}) does not use `{key}`"),
            ));
        }
    }
    for key in needed {
        if given.iter().any(|(k, s)| k == key && s.is_none()) {
            return Err(c.err(
                name_span.clone(),
                key,
                format!("endpoint `{name}` ({kind}) needs `{key}`"),
            ));
        }
    }
    let secret =
        |v: Option<Spanned<String>>, key: &str| -> Result<Option<SecretRef>, ConfigError> {
            match v {
                None => Ok(None),
                Some(s) => SecretRef::parse(s.get_ref())
                    .map(Some)
                    .map_err(|m| c.err(s.span(), key, m)),
            }
        };
    let url = match r.url {
        None => None,
        Some(u) if kind.url_is_secret() => Some(UrlSetting::Secret(
            SecretRef::parse(u.get_ref()).map_err(|m| {
                c.err(
                    u.span(),
                    "url",
                    format!("a {kind} URL is a credential: {m}"),
                )
            })?,
        )),
        Some(u) => {
            let text = u.get_ref();
            if !(text.starts_with("http://") || text.starts_with("https://"))
                || reqwest::Url::parse(text).is_err()
            {
                return Err(c.err(u.span(), "url", "not an http:// or https:// URL".into()));
            }
            Some(UrlSetting::Plain(text.trim_end_matches('/').to_string()))
        }
    };
    let events = match r.events {
        None => None,
        Some(ev) => {
            let span = ev.span();
            let mut set = BTreeSet::new();
            for k in ev.into_inner() {
                if k != "*" && !KIND_NAMES.contains(&k.as_str()) {
                    return Err(c.err(
                        span,
                        "events",
                        format!(
                            "unknown event kind `{k}`; use \"*\" or some of: {}",
                            KIND_NAMES.join(", ")
                        ),
                    ));
                }
                set.insert(k);
            }
            Some(set)
        }
    };
    let timeout = match r.timeout {
        None => DEFAULT_TIMEOUT,
        Some(t) => parse_duration(t.get_ref())
            .and_then(|d| d.to_std().ok())
            .filter(|d| !d.is_zero())
            .ok_or_else(|| {
                c.err(
                    t.span(),
                    "timeout",
                    format!("`{}` is not a duration (e.g. \"10s\")", t.get_ref()),
                )
            })?,
    };
    let nonempty = |v: Option<Spanned<String>>, key: &str| -> Result<Option<String>, ConfigError> {
        match v {
            Some(s) if s.get_ref().trim().is_empty() => {
                Err(c.err(s.span(), key, "must not be empty".into()))
            }
            other => Ok(other.map(|s| s.into_inner())),
        }
    };
    Ok(Endpoint {
        origin: format!("{}:{}", c.path.display(), c.line(name_span)),
        name,
        kind,
        events,
        url,
        token: secret(r.token, "token")?,
        routing_key: secret(r.routing_key, "routing_key")?,
        secret: secret(r.secret, "secret")?,
        channel: nonempty(r.channel, "channel")?,
        room: nonempty(r.room, "room")?,
        read: r.read.map(|b| b.into_inner()).unwrap_or(false),
        source: nonempty(r.source, "source")?,
        filter: r.filter.map(|f| f.into_inner()).unwrap_or_default(),
        created_by: nonempty(r.created_by, "created_by")?,
        signature_header: nonempty(r.signature_header, "signature_header")?,
        timeout,
        templates: r.templates.map(|t| t.into_inner()).unwrap_or_default(),
    })
}

/// Two endpoints may not share a name: rows name their endpoint.
pub(super) fn check_unique(path: &Path, endpoints: &[Endpoint]) -> Result<(), ConfigError> {
    let mut seen = BTreeSet::new();
    for e in endpoints {
        if !seen.insert(e.name.as_str()) {
            let line = e.origin.rsplit(':').next().and_then(|l| l.parse().ok());
            return Err(ConfigError::Invalid {
                path: path.into(),
                line,
                key: "endpoint.name".into(),
                message: format!("a second endpoint is named `{}`", e.name),
            });
        }
    }
    Ok(())
}

#[cfg(test)]
#[path = "endpoint_tests.rs"]
mod tests;
