//! One harmless request per endpoint, through the same adapters and HTTP
//! client the sync worker uses: what answered, and how fast. Nothing is
//! posted, paged or changed.

use reqwest::Method;
use std::time::{Duration, Instant};

use super::check::{Check, Level};
use crate::config::{Config, EndpointKind};
use crate::sync::adapters::{alertmanager, matrix, slack};
use crate::sync::http::{self, HttpAnswer, HttpRequest, redact_url};
use crate::sync::{Outcome, Target};

/// What we ask, and how to read the answer.
enum Probe {
    /// A read that also proves the credential (Matrix whoami, Alertmanager
    /// silences, Slack auth.test): a non-2xx answer is a problem.
    Authenticated(HttpRequest),
    /// A GET on a URL that only takes POSTs that would page or post
    /// (PagerDuty, incoming webhooks): any HTTP answer shows the host is
    /// reachable; the status is reported, not judged.
    Reachability(HttpRequest),
}

fn probe(t: &Target) -> Option<Probe> {
    use EndpointKind::*;
    let get = |url: reqwest::Url| HttpRequest {
        method: Method::GET,
        url,
        headers: Vec::new(),
        body: None,
    };
    Some(match t.kind() {
        // GET /_matrix/client/v3/account/whoami (spec §5.7.1, the adapter's).
        Matrix => Probe::Authenticated(matrix::whoami_request(t)?),
        // GET /api/v2/silences: read-only (the adapter's `cockpit silences`).
        Alertmanager => Probe::Authenticated(alertmanager::silences_request(t)?),
        // https://api.slack.com/methods/auth.test: "Checks authentication
        // & identity"; answers {"ok": true|false, ...}.
        Slack => {
            let mut url = t.base_url(slack::DEFAULT_API);
            url.path_segments_mut()
                .ok()?
                .pop_if_empty()
                .push("auth.test");
            let token = t.token.as_ref()?.expose();
            Probe::Authenticated(HttpRequest {
                method: Method::POST,
                url,
                headers: vec![("authorization".into(), format!("Bearer {token}"))],
                body: None,
            })
        }
        Pagerduty => Probe::Reachability(get(
            t.base_url(crate::sync::adapters::pagerduty::DEFAULT_URL)
        )),
        SlackWebhook | Mattermost | Teams | Webhook => Probe::Reachability(get(t.url.clone()?)),
        // Status pages and trackers: a GET on the configured base URL shows
        // the host answers; `cockpit sync test NAME` proves the credential.
        Statuspage | Jira | Gitlab | Zendesk | Confluence => {
            Probe::Reachability(get(t.url.clone()?))
        }
        Statusio => {
            Probe::Reachability(get(t.base_url(crate::sync::adapters::statusio::DEFAULT_URL)))
        }
        // Not HTTP (SMTP) or local files: `cockpit sync test NAME` sends a
        // test message or writes a probe file.
        Email | Document => return None,
    })
}

/// Probe every endpoint whose secrets resolve (the others are reported by
/// the secrets check), all at once, each within its own timeout.
pub fn probe_all(config: &Config, out: &mut Vec<Check>) {
    if config.endpoints.is_empty() {
        out.push(Check::new(
            "endpoint",
            Level::Ok,
            "none configured: the cockpit works on its own",
        ));
        return;
    }
    let mut targets: Vec<(Target, Probe)> = Vec::new();
    for t in config
        .endpoints
        .iter()
        .filter_map(|e| Target::resolve(e).ok())
    {
        match probe(&t) {
            Some(p) => targets.push((t, p)),
            None => out.push(Check::new(
                "endpoint",
                Level::Ok,
                format!(
                    "{} ({}): not probed by doctor; `cockpit sync test {}` sends a harmless test",
                    t.name(),
                    t.kind().name(),
                    t.name()
                ),
            )),
        }
    }
    let rt = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            out.push(Check::new(
                "endpoint",
                Level::Warn,
                format!("cannot start the HTTP runtime: {e}"),
            ));
            return;
        }
    };
    let client = http::client();
    let results = rt.block_on(futures::future::join_all(targets.iter().map(|(t, p)| {
        let client = &client;
        async move {
            let req = match p {
                Probe::Authenticated(r) | Probe::Reachability(r) => r.clone(),
            };
            let start = Instant::now();
            let answer = http::send(client, req, t.endpoint.timeout, chrono::Utc::now()).await;
            (answer, start.elapsed())
        }
    })));
    for ((t, p), (answer, took)) in targets.iter().zip(results) {
        out.push(verdict(t, p, answer, took));
    }
}

fn verdict(t: &Target, p: &Probe, answer: Result<HttpAnswer, Outcome>, took: Duration) -> Check {
    let (req, authenticated) = match p {
        Probe::Authenticated(r) => (r, true),
        Probe::Reachability(r) => (r, false),
    };
    let who = format!("`{}` ({}) {}", t.name(), t.kind(), redact_url(&req.url));
    let ms = took.as_millis();
    let a = match answer {
        Ok(a) => a,
        Err(o) => {
            let why = match o {
                Outcome::Retry { error, .. } | Outcome::Park { error } => error,
                other => format!("{other:?}"),
            };
            return Check::new(
                "endpoint",
                Level::Warn,
                format!("{who}: {} after {ms} ms", t.redact(&why)),
            )
            .todo("check the URL and the network; messages wait in the outbox meanwhile");
        }
    };
    let status = format!("HTTP {}", a.status);
    if !authenticated {
        return Check::new(
            "endpoint",
            Level::Ok,
            format!("{who}: reachable, {status} to a GET in {ms} ms (nothing was sent)"),
        );
    }
    // Slack answers 200 with ok:false for a bad token.
    let slack_refused = t.kind() == EndpointKind::Slack
        && serde_json::from_str::<serde_json::Value>(&a.body)
            .ok()
            .and_then(|v| v.get("ok").and_then(|o| o.as_bool()))
            != Some(true);
    if a.is_success() && !slack_refused {
        Check::new("endpoint", Level::Ok, format!("{who}: {status} in {ms} ms"))
    } else {
        Check::new(
            "endpoint",
            Level::Warn,
            format!("{who}: {status} in {ms} ms: {}", t.redact(&a.body)),
        )
        .todo("check the token and the URL; messages wait in the outbox meanwhile")
    }
}
