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
use super::mail::{MailSettings, RawMail, check_mail};
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
    /// Atlassian Statuspage: the incident, its state and component status (003).
    Statuspage,
    /// Jira: the incident ticket and follow-ups as issues (000, 004).
    Jira,
    /// GitLab issues: the incident issue with labels, near-miss review (003).
    Gitlab,
    /// Zendesk: client updates as public comments on the linked ticket (002).
    Zendesk,

    /// E-mail over SMTP (STARTTLS or implicit TLS, AUTH).
    Email,
    /// The live incident document as files (Markdown and HTML) in a folder.
    Document,
    /// The live incident document as a Confluence Cloud page (REST API v2).
    Confluence,
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
        EndpointKind::Statuspage,
        EndpointKind::Jira,
        EndpointKind::Gitlab,
        EndpointKind::Zendesk,
        EndpointKind::Email,
        EndpointKind::Document,
        EndpointKind::Confluence,
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
            EndpointKind::Statuspage => "statuspage",
            EndpointKind::Jira => "jira",
            EndpointKind::Gitlab => "gitlab",
            EndpointKind::Zendesk => "zendesk",

            EndpointKind::Email => "email",
            EndpointKind::Document => "document",
            EndpointKind::Confluence => "confluence",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|k| k.name() == s)
    }

    /// Whether events are delivered to it through the outbox (Alertmanager
    /// is only read from and acted on, on the IC's command).
    pub fn receives_events(self) -> bool {
        self != EndpointKind::Alertmanager && !self.publishes_document()
    }

    /// Whether it holds the live incident document, republished from the
    /// journal on change (not fed event by event through the outbox).
    pub fn publishes_document(self) -> bool {
        matches!(self, EndpointKind::Document | EndpointKind::Confluence)
    }

    /// Keys this kind needs, and keys it may take, beyond name/kind/timeout.
    fn keys(self) -> (&'static [&'static str], &'static [&'static str]) {
        use EndpointKind::*;
        match self {
            Pagerduty => (
                &["routing_key"],
                &["url", "source", "teams", "events", "templates"],
            ),
            SlackWebhook | Teams => (&["url"], &["events", "templates"]),
            // #19: `read` with a token and a channel id reads the channel back.
            Mattermost => (
                &["url"],
                &["events", "templates", "read", "token", "channel"],
            ),
            // #19: `read` with an app-level token (Socket Mode) reads the channel back.
            Slack => (
                &["token", "channel"],
                &["url", "events", "templates", "read", "app_token"],
            ),
            Matrix => (&["url", "token", "room"], &["read", "events", "templates"]),
            Alertmanager => (&["url"], &["token", "filter", "created_by"]),
            Webhook => (
                &["url", "secret"],
                &["signature_header", "events", "templates"],
            ),
            Statuspage => (
                &["token", "page_id"],
                &["url", "components", "events", "templates"],
            ),
            Jira => (
                &["url", "token", "project"],
                &["user", "labels", "issue_type", "events", "templates"],
            ),
            Gitlab => (
                &["token", "project"],
                &["url", "labels", "events", "templates"],
            ),
            Zendesk => (&["url", "user", "token"], &["events", "templates"]),

            Email => (
                &["server", "from", "to"],
                &[
                    "port",
                    "tls",
                    "username",
                    "password",
                    "to_severity",
                    "to_flag",
                    "ca_file",
                    "events",
                    "templates",
                ],
            ),
            Document => (&["path"], &[]),
            Confluence => (&["url", "username", "token", "space", "parent"], &[]),
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
    /// A line break inside a token cannot go in an HTTP header: every request
    /// would fail the same way, so the endpoint waits for a fixed value
    /// instead of retrying (issue 10). The value is never shown.
    #[error("{} holds a line break or another control character inside the value; write the value on one line", .0)]
    ControlCharacter(String),
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
        if value.chars().any(char::is_control) {
            return Err(SecretError::ControlCharacter(self.to_string()));
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
    /// Slack app-level token (`xapp-…`) for Socket Mode read-back.
    pub app_token: Option<SecretRef>,
    /// Slack channel id.
    pub channel: Option<String>,
    /// Matrix room id (`!abc:example.org`).
    pub room: Option<String>,
    /// Matrix, Slack, Mattermost: read what people say back into the timeline.
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
    /// PagerDuty: a routing key per role or team, to page that team's service.
    pub teams: BTreeMap<String, SecretRef>,
    /// Statuspage page id.
    pub page_id: Option<String>,
    /// Statuspage component ids whose status follows the incident's.
    pub components: Vec<String>,
    /// Jira project key; GitLab project id or path.
    pub project: Option<String>,
    /// Labels every created ticket or issue gets.
    pub labels: Vec<String>,
    /// Jira issue type name (default `Task`).
    pub issue_type: Option<String>,
    /// Jira account e-mail (Basic auth with `token`); Zendesk agent e-mail.
    pub user: Option<String>,
    /// "config.toml:12": where it is declared, for later errors.
    pub origin: String,
    /// E-mail: the SMTP settings.
    pub mail: Option<MailSettings>,
    /// Document: the folder the files are written to.
    pub path: Option<PathBuf>,
    /// Confluence: the Atlassian account (e-mail) the API token belongs to.
    pub username: Option<String>,
    /// Confluence: the space id the pages live in.
    pub space: Option<String>,
    /// Confluence: the id of the page each incident's page is a child of.
    pub parent: Option<String>,
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
            app_token: None,
            channel: None,
            room: None,
            read: false,
            source: None,
            filter: Vec::new(),
            created_by: None,
            signature_header: None,
            timeout: DEFAULT_TIMEOUT,
            templates: BTreeMap::new(),
            teams: BTreeMap::new(),
            page_id: None,
            components: Vec::new(),
            project: None,
            labels: Vec::new(),
            issue_type: None,
            user: None,
            origin: String::new(),
            mail: None,
            path: None,
            username: None,
            space: None,
            parent: None,
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
    app_token: Option<Spanned<String>>,
    channel: Option<Spanned<String>>,
    room: Option<Spanned<String>>,
    read: Option<Spanned<bool>>,
    source: Option<Spanned<String>>,
    filter: Option<Spanned<Vec<String>>>,
    created_by: Option<Spanned<String>>,
    signature_header: Option<Spanned<String>>,
    timeout: Option<Spanned<String>>,
    templates: Option<Spanned<BTreeMap<String, String>>>,
    teams: Option<Spanned<BTreeMap<String, String>>>,
    page_id: Option<Spanned<String>>,
    components: Option<Spanned<Vec<String>>>,
    project: Option<Spanned<String>>,
    labels: Option<Spanned<Vec<String>>>,
    issue_type: Option<Spanned<String>>,
    user: Option<Spanned<String>>,

    server: Option<Spanned<String>>,
    port: Option<Spanned<i64>>,
    tls: Option<Spanned<String>>,
    username: Option<Spanned<String>>,
    password: Option<Spanned<String>>,
    from: Option<Spanned<String>>,
    to: Option<Spanned<Vec<String>>>,
    to_severity: Option<Spanned<BTreeMap<String, Vec<String>>>>,
    to_flag: Option<Spanned<BTreeMap<String, Vec<String>>>>,
    ca_file: Option<Spanned<String>>,
    path: Option<Spanned<String>>,
    space: Option<Spanned<String>>,
    parent: Option<Spanned<String>>,
}

pub(super) struct Checker<'a> {
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

    pub(super) fn err(
        &self,
        span: std::ops::Range<usize>,
        key: &str,
        message: String,
    ) -> ConfigError {
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
        ("app_token", r.app_token.as_ref().map(|s| s.span())),
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
        ("teams", r.teams.as_ref().map(|s| s.span())),
        ("page_id", r.page_id.as_ref().map(|s| s.span())),
        ("components", r.components.as_ref().map(|s| s.span())),
        ("project", r.project.as_ref().map(|s| s.span())),
        ("labels", r.labels.as_ref().map(|s| s.span())),
        ("issue_type", r.issue_type.as_ref().map(|s| s.span())),
        ("user", r.user.as_ref().map(|s| s.span())),
        ("server", r.server.as_ref().map(|s| s.span())),
        ("port", r.port.as_ref().map(|s| s.span())),
        ("tls", r.tls.as_ref().map(|s| s.span())),
        ("username", r.username.as_ref().map(|s| s.span())),
        ("password", r.password.as_ref().map(|s| s.span())),
        ("from", r.from.as_ref().map(|s| s.span())),
        ("to", r.to.as_ref().map(|s| s.span())),
        ("to_severity", r.to_severity.as_ref().map(|s| s.span())),
        ("to_flag", r.to_flag.as_ref().map(|s| s.span())),
        ("ca_file", r.ca_file.as_ref().map(|s| s.span())),
        ("path", r.path.as_ref().map(|s| s.span())),
        ("space", r.space.as_ref().map(|s| s.span())),
        ("parent", r.parent.as_ref().map(|s| s.span())),
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
    // The refusal of a secret written in clear shows the line to write instead.
    let r_name = name.clone();
    let instead = |key: &str| {
        let var: String = format!("COCKPIT_{}_{key}", r_name)
            .chars()
            .map(|ch| {
                if ch.is_ascii_alphanumeric() {
                    ch.to_ascii_uppercase()
                } else {
                    '_'
                }
            })
            .collect();
        format!("; write instead: {key} = \"env:{var}\" (and export {var})")
    };
    // #19: reading a channel back needs its own credentials.
    if let Some(read) = r.read.as_ref().filter(|b| *b.get_ref()) {
        let needs: &[(&str, bool)] = match kind {
            EndpointKind::Slack => &[("app_token", r.app_token.is_none())],
            EndpointKind::Mattermost => &[
                ("token", r.token.is_none()),
                ("channel", r.channel.is_none()),
            ],
            _ => &[],
        };
        if let Some((key, _)) = needs.iter().find(|(_, missing)| *missing) {
            return Err(c.err(
                read.span(),
                key,
                format!("endpoint `{name}` ({kind}) needs `{key}` to read the channel back"),
            ));
        }
    }
    let secret =
        |v: Option<Spanned<String>>, key: &str| -> Result<Option<SecretRef>, ConfigError> {
            match v {
                None => Ok(None),
                Some(s) => SecretRef::parse(s.get_ref())
                    .map(Some)
                    .map_err(|m| c.err(s.span(), key, m + &instead(key))),
            }
        };
    // A generic webhook signs its body with `secret` (required): its URL is
    // not the credential and may be written in clear (issue 18). Slack,
    // Teams and Mattermost webhook URLs are their own credential.
    let clear_hook = |u: &str| {
        kind == EndpointKind::Webhook && !u.starts_with("env:") && !u.starts_with("file:")
    };
    let url = match r.url {
        None => None,
        Some(u) if kind.url_is_secret() && !clear_hook(u.get_ref()) => Some(UrlSetting::Secret(
            SecretRef::parse(u.get_ref()).map_err(|m| {
                c.err(
                    u.span(),
                    "url",
                    format!("a {kind} URL is a credential: {m}{}", instead("url")),
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
            // A webhook's URL is sent as written (its path may end in "/").
            let keep = kind == EndpointKind::Webhook;
            Some(UrlSetting::Plain(
                if keep {
                    text
                } else {
                    text.trim_end_matches('/')
                }
                .to_string(),
            ))
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
    // PagerDuty `teams`: each value is a routing key, so a secret reference.
    let mut teams = BTreeMap::new();
    if let Some(t) = r.teams {
        let span = t.span();
        for (team, key) in t.into_inner() {
            let parsed = SecretRef::parse(&key)
                .map_err(|m| c.err(span.clone(), &format!("teams.{team}"), m))?;
            teams.insert(team.to_ascii_lowercase(), parsed);
        }
    }
    let username = match (&kind, &r.username) {
        (EndpointKind::Confluence, Some(u)) => Some(u.get_ref().clone()),
        _ => None,
    };
    let mail = match kind {
        EndpointKind::Email => Some(check_mail(
            c,
            RawMail {
                server: r.server,
                port: r.port,
                tls: r.tls,
                username: r.username,
                password: r.password,
                from: r.from,
                to: r.to,
                to_severity: r.to_severity,
                to_flag: r.to_flag,
                ca_file: r.ca_file,
            },
        )?),
        _ => None,
    };
    let path = match r.path {
        Some(p) if p.get_ref().trim().is_empty() => {
            return Err(c.err(p.span(), "path", "must not be empty".into()));
        }
        other => other.map(|p| PathBuf::from(p.into_inner())),
    };
    let space = nonempty(r.space, "space")?;
    let parent = nonempty(r.parent, "parent")?;
    Ok(Endpoint {
        teams,
        page_id: nonempty(r.page_id, "page_id")?,
        components: r.components.map(|f| f.into_inner()).unwrap_or_default(),
        project: nonempty(r.project, "project")?,
        labels: r.labels.map(|f| f.into_inner()).unwrap_or_default(),
        issue_type: nonempty(r.issue_type, "issue_type")?,
        user: nonempty(r.user, "user")?,
        username,
        space,
        parent,
        path,
        mail,
        origin: format!("{}:{}", c.path.display(), c.line(name_span)),
        name,
        kind,
        events,
        url,
        token: secret(r.token, "token")?,
        routing_key: secret(r.routing_key, "routing_key")?,
        secret: secret(r.secret, "secret")?,
        app_token: secret(r.app_token, "app_token")?,
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
