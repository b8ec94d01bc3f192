//! Who is on call now, per team (000 / 004 "page the on-call for X"; issue
//! 17: "with a PagerDuty REST token, the roster's person picker shows who is
//! on call for each team now"): PagerDuty REST API v2, read only.
//!
//! - `GET https://api.pagerduty.com/oncalls` with `escalation_policy_ids[]`
//!   (one per configured team) and `earliest=true` ("only the earliest
//!   on-call for each combination of escalation policy, escalation level,
//!   and user"); without `since`/`until` it lists the on-calls now
//!   (https://developer.pagerduty.com/api-reference/3a6b910f11050-list-all-of-the-on-calls).
//! - Answer `{"oncalls": [{"user": {"id", "summary"}, "escalation_policy":
//!   {"id"}, "escalation_level", "start", "end"}], "more"}` (same page).
//! - Headers `Authorization: Token token=<key>` (exact, otherwise 401) and
//!   `Accept: application/vnd.pagerduty+json;version=2`; errors
//!   `{"error": {"message", "code", "errors"}}`; 429 with or without
//!   `ratelimit-reset` (ENDPOINTS.md §1.3).

use reqwest::Method;
use serde_json::Value;
use std::collections::BTreeMap;

use crate::sync::http::{HttpAnswer, HttpRequest, Target};

pub const DEFAULT_URL: &str = "https://api.pagerduty.com";

/// One team's on-call people, first escalation level first.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct OnCall {
    /// The role or team key from the endpoint's `escalation_policies`.
    pub team: String,
    pub policy: String,
    /// (escalation level, name), sorted by level.
    pub people: Vec<(u32, String)>,
}

/// The request, or why there is none.
pub fn request(t: &Target) -> Result<HttpRequest, String> {
    let token = t
        .token
        .as_ref()
        .ok_or("no `token` (a PagerDuty REST API key) on this endpoint")?
        .expose();
    let policies = &t.endpoint.escalation_policies;
    if policies.is_empty() {
        return Err("no `escalation_policies` (team = policy id) on this endpoint".into());
    }
    let base = t
        .endpoint
        .rest_url
        .clone()
        .unwrap_or_else(|| DEFAULT_URL.into());
    let mut url = reqwest::Url::parse(&base).map_err(|e| format!("rest_url: {e}"))?;
    if let Ok(mut p) = url.path_segments_mut() {
        p.pop_if_empty().push("oncalls");
    }
    {
        let mut q = url.query_pairs_mut();
        for id in policies.values() {
            q.append_pair("escalation_policy_ids[]", id);
        }
        q.append_pair("earliest", "true");
    }
    Ok(HttpRequest {
        method: Method::GET,
        url,
        headers: vec![
            ("authorization".into(), format!("Token token={token}")),
            (
                "accept".into(),
                "application/vnd.pagerduty+json;version=2".into(),
            ),
        ],
        body: None,
    })
}

/// PagerDuty's own words from an error answer.
pub fn error_words(a: &HttpAnswer) -> String {
    let v: Value = serde_json::from_str(&a.body).unwrap_or(Value::Null);
    let msg = v["error"]["message"].as_str().unwrap_or("").to_string();
    let errors: Vec<&str> = v["error"]["errors"]
        .as_array()
        .map(|e| e.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    match (msg.is_empty(), errors.is_empty()) {
        (true, _) => a.body.trim().to_string(),
        (false, true) => msg,
        (false, false) => format!("{msg} ({})", errors.join("; ")),
    }
}

/// Per configured team (in the config's order of keys), who is on call.
pub fn parse(t: &Target, body: &str) -> Result<Vec<OnCall>, String> {
    let v: Value = serde_json::from_str(body).map_err(|e| format!("unreadable answer: {e}"))?;
    let list = v["oncalls"]
        .as_array()
        .ok_or("the answer has no `oncalls` list")?;
    let mut by_policy: BTreeMap<&str, Vec<(u32, String)>> = BTreeMap::new();
    for o in list {
        let (Some(policy), Some(name)) = (
            o["escalation_policy"]["id"].as_str(),
            o["user"]["summary"].as_str(),
        ) else {
            continue;
        };
        let level = o["escalation_level"].as_u64().unwrap_or(0) as u32;
        let people = by_policy.entry(policy).or_default();
        if !people.iter().any(|(l, n)| *l == level && n == name) {
            people.push((level, name.to_string()));
        }
    }
    Ok(t.endpoint
        .escalation_policies
        .iter()
        .map(|(team, policy)| {
            let mut people = by_policy.get(policy.as_str()).cloned().unwrap_or_default();
            people.sort();
            OnCall {
                team: team.clone(),
                policy: policy.clone(),
                people,
            }
        })
        .collect())
}
