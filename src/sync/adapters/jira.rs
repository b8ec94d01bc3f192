//! Jira (000: "create a JIRA ticket on your team's JIRA board, and label
//! the ticket 'qpp-incident-response'"; 004: the incident ticket, action
//! items as tickets): REST API v2.
//!
//! - Create: `POST /rest/api/2/issue` with `{"fields": {project: {key},
//!   summary, description, issuetype: {name}, labels}}`, answered 201 with
//!   `{id, key, self}`
//!   (https://developer.atlassian.com/server/jira/platform/jira-rest-api-example-create-issue-7897248).
//! - Edit: `PUT /rest/api/2/issue/{key}` with `{"fields": {...}}`, answered
//!   "204 No Content"
//!   (https://developer.atlassian.com/server/jira/platform/jira-rest-api-example-edit-issues-6291632.html).
//! - Comment: `POST /rest/api/2/issue/{key}/comment` with `{"body"}`
//!   (https://developer.atlassian.com/server/jira-servicedesk/rest/v1004/api-group-issue).
//! - Auth: `--user email@example.com:<api_token>` (Basic) on Cloud, same
//!   page; a Data Center personal access token as a Bearer token when no
//!   `user` is configured.
//! - 429 "may be accompanied by Retry-After" (Jira Cloud rate limiting,
//!   quoted in https://jira.atlassian.com/browse/JRACLOUD-69262).
//! - Labels cannot contain spaces ("The label ... contains spaces which is
//!   invalid", https://grokipedia.com/page/Jira_Labels): spaces become `-`.
//! - Workflow transitions differ per project: closing is a comment, and with
//!   the endpoint's `done_transition` also `POST
//!   /rest/api/2/issue/{key}/transitions` with `{"transition": {"id"}}`,
//!   answered "204 No Content"
//!   (https://developer.atlassian.com/cloud/jira/platform/rest/v2/api-group-issues/#api-rest-api-2-issue-issueidorkey-transitions-post;
//!   a curl trace of it: https://pastebin.com/44EhHXWd).

use reqwest::Method;
use serde_json::{Map, Value, json};

use super::ticket_common::{Linked, basic, error_detail, join, no_item_yet};
use crate::sync::backoff::Outcome;
use crate::sync::delivery::Ticket;
use crate::sync::http::{HttpAnswer, HttpRequest, Target, judge_status};

fn labels(target: &Target, t: &Ticket) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for l in target.endpoint.labels.iter().chain(&t.labels) {
        let l: String = l.split_whitespace().collect::<Vec<_>>().join("-");
        if !l.is_empty() && !out.contains(&l) {
            out.push(l);
        }
    }
    out
}

pub fn request(target: &Target, t: &Ticket, existing: Option<&str>) -> Result<HttpRequest, String> {
    let token = target.token.as_ref().ok_or("no token")?.expose();
    let base = target.url.clone().ok_or("no url")?;
    let auth = match &target.endpoint.user {
        Some(user) => basic(user, token),
        None => format!("Bearer {token}"),
    };
    let req = match existing {
        None if t.title.is_empty() => return Err(no_item_yet(t)),
        None => {
            let project = target.endpoint.project.as_deref().ok_or("no project")?;
            let issue_type = target.endpoint.issue_type.as_deref().unwrap_or("Task");
            HttpRequest::json(
                Method::POST,
                join(&base, &["rest", "api", "2", "issue"]),
                &json!({"fields": {
                    "project": {"key": project},
                    "summary": t.title,
                    "description": t.body,
                    "issuetype": {"name": issue_type},
                    "labels": labels(target, t),
                }}),
            )
        }
        // The incident resolved: through the configured workflow transition.
        Some(key) if t.status == "closed" => {
            let id = target
                .endpoint
                .done_transition
                .as_deref()
                .ok_or("no done_transition to close the ticket with")?;
            HttpRequest::json(
                Method::POST,
                join(&base, &["rest", "api", "2", "issue", key, "transitions"]),
                &json!({"transition": {"id": id}}),
            )
        }
        // A changed title or severity: edit the fields; an item whose text
        // changed (a rescheduled retrospective) gets its description too.
        Some(key) if !t.title.is_empty() || !t.labels.is_empty() => {
            let mut fields = Map::new();
            if !t.title.is_empty() {
                fields.insert("summary".into(), json!(t.title));
                if !t.body.is_empty() {
                    fields.insert("description".into(), json!(t.body));
                }
            }
            if !t.labels.is_empty() {
                fields.insert("labels".into(), json!(labels(target, t)));
            }
            HttpRequest::json(
                Method::PUT,
                join(&base, &["rest", "api", "2", "issue", key]),
                &json!({ "fields": fields }),
            )
        }
        Some(key) if !t.body.is_empty() => HttpRequest::json(
            Method::POST,
            join(&base, &["rest", "api", "2", "issue", key, "comment"]),
            &json!({"body": t.body}),
        ),
        Some(_) => return Err("nothing to change on the ticket".into()),
    };
    Ok(req.header("authorization", auth))
}

/// Created: `key` and `self`; edited or commented: the key it was sent to.
pub fn judge(existing: Option<&str>, a: &HttpAnswer) -> Result<Linked, Outcome> {
    if let Some(o) = judge_status(a, &error_detail(&a.body)) {
        return Err(o);
    }
    if let Some(key) = existing {
        return Ok(Linked {
            id: key.to_string(),
            url: String::new(),
        });
    }
    let v: Value = serde_json::from_str(&a.body).unwrap_or(Value::Null);
    match v["key"].as_str() {
        Some(key) => Ok(Linked {
            id: key.to_string(),
            url: v["self"].as_str().unwrap_or("").to_string(),
        }),
        None => Err(Outcome::Park {
            error: format!("{} without an issue key: {}", a.status, a.body.trim()),
        }),
    }
}
