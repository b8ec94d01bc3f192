//! Who is on call now for each team (issue 17): the PagerDuty REST lookup
//! behind `cockpit oncall`, as a plain function the roster's person picker
//! can call. UI-free; the answer is sanitised by whoever shows it.

use std::collections::BTreeMap;

use crate::config::{Config, Endpoint, EndpointKind};
use crate::sync::adapters::pagerduty_oncall::{self, OnCall};
use crate::sync::backoff::Outcome;
use crate::sync::http::{Target, client, send};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OnCallError {
    /// No PagerDuty endpoint with a REST `token` and `escalation_policies`.
    #[error("{0}")]
    NotConfigured(String),
    /// A secret could not be read (the message names the key, never a value).
    #[error("{0}")]
    Secret(String),
    /// PagerDuty answered with an error, or not at all (already redacted).
    #[error("{0}")]
    Remote(String),
}

/// The PagerDuty endpoints that can answer (a REST token and policies),
/// or just the one named.
fn endpoints<'a>(config: &'a Config, name: Option<&str>) -> Result<Vec<&'a Endpoint>, OnCallError> {
    let found: Vec<&Endpoint> = config
        .endpoints
        .iter()
        .filter(|e| e.kind == EndpointKind::Pagerduty)
        .filter(|e| name.is_none_or(|n| e.name == n))
        .filter(|e| e.token.is_some() && !e.escalation_policies.is_empty())
        .collect();
    if found.is_empty() {
        return Err(OnCallError::NotConfigured(match name {
            Some(n) => format!(
                "no pagerduty endpoint named `{n}` with a `token` and `escalation_policies`"
            ),
            None => "no pagerduty endpoint with a REST `token` (env:/file:) and \
                     `escalation_policies = { role = \"POLICY_ID\" }` in the config"
                .into(),
        }));
    }
    Ok(found)
}

/// Who is on call now, per team, from every PagerDuty endpoint that can
/// tell (or the one named); one `GET /oncalls` each.
pub async fn on_call_now(config: &Config, name: Option<&str>) -> Result<Vec<OnCall>, OnCallError> {
    let http = client();
    let mut out = Vec::new();
    for e in endpoints(config, name)? {
        let t = Target::resolve(e).map_err(OnCallError::Secret)?;
        let req =
            pagerduty_oncall::request(&t).map_err(|m| OnCallError::NotConfigured(t.redact(&m)))?;
        let a = match send(&http, req, e.timeout, chrono::Utc::now()).await {
            Ok(a) => a,
            Err(Outcome::Retry { error, .. } | Outcome::Park { error }) => {
                return Err(OnCallError::Remote(t.redact(&error)));
            }
            Err(Outcome::Delivered { .. }) => {
                return Err(OnCallError::Remote(format!("{}: no answer", e.name)));
            }
        };
        if !a.is_success() {
            return Err(OnCallError::Remote(t.redact(&format!(
                "{}: {} {}",
                e.name,
                a.status,
                pagerduty_oncall::error_words(&a)
            ))));
        }
        out.extend(
            pagerduty_oncall::parse(&t, &a.body).map_err(|m| OnCallError::Remote(t.redact(&m)))?,
        );
    }
    Ok(out)
}

/// Names per role or team (first escalation level first), for a picker.
pub async fn names_by_role(config: &Config) -> Result<BTreeMap<String, Vec<String>>, OnCallError> {
    Ok(on_call_now(config, None)
        .await?
        .into_iter()
        .map(|o| (o.team, o.people.into_iter().map(|(_, n)| n).collect()))
        .collect())
}
