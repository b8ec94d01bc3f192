//! GitLab issues (003: "Create a ... incident issue along with proper
//! labels"; a near miss's review issue "with the severity label ... with the
//! ~Near Miss label"): REST API v4.
//!
//! - `PRIVATE-TOKEN` header; `POST /projects/:id/issues` with `title`,
//!   `description` and `labels` ("Comma-separated list of label names");
//!   a private project answers 404 to a user who is not a member
//!   (https://git.causa-arcana.com/kotovalexarian-likes-gitlab/gitlab-org--gitlab-foss/src/commit/3814edf9d38ef7ce921098d9bb617595c273f42e/doc/api/issues.md).
//! - Edit `PUT /projects/:id/issues/:issue_iid` (`title`, `labels`,
//!   `state_event` close/reopen); comment `POST .../issues/:issue_iid/notes`
//!   with `body` (same page; https://www.rubydoc.info/gems/gitlab/2.0.0/Gitlab/Client/Issues).
//! - `:id` is the number or the URL-encoded path (`group%2Fapp`).
//! - Issue and note creation are rate limited per user, 300 a minute by
//!   default (https://docs.gitlab.com/rate_limits/content_creation/): 429 retries.

use reqwest::Method;
use serde_json::{Map, Value, json};

use super::ticket_common::{Linked, error_detail, join, no_item_yet};
use crate::sync::backoff::Outcome;
use crate::sync::delivery::Ticket;
use crate::sync::http::{HttpAnswer, HttpRequest, Target, judge_status};

pub const DEFAULT_URL: &str = "https://gitlab.com";

fn labels(target: &Target, t: &Ticket) -> String {
    let mut out: Vec<&str> = Vec::new();
    for l in target.endpoint.labels.iter().chain(&t.labels) {
        if !l.trim().is_empty() && !out.contains(&l.as_str()) {
            out.push(l);
        }
    }
    out.join(",")
}

pub fn request(target: &Target, t: &Ticket, existing: Option<&str>) -> Result<HttpRequest, String> {
    let token = target.token.as_ref().ok_or("no token")?.expose();
    let project = target.endpoint.project.as_deref().ok_or("no project")?;
    let base = target.base_url(DEFAULT_URL);
    let issues = ["api", "v4", "projects", project, "issues"];
    let req = match existing {
        None if t.title.is_empty() => return Err(no_item_yet(t)),
        None => HttpRequest::json(
            Method::POST,
            join(&base, &issues),
            &json!({"title": t.title, "description": t.body, "labels": labels(target, t)}),
        ),
        Some(iid) if !t.title.is_empty() || !t.labels.is_empty() || !t.status.is_empty() => {
            let mut body = Map::new();
            if !t.title.is_empty() {
                body.insert("title".into(), json!(t.title));
                if !t.body.is_empty() {
                    body.insert("description".into(), json!(t.body));
                }
            }
            if !t.labels.is_empty() {
                body.insert("labels".into(), json!(labels(target, t)));
            }
            match t.status.as_str() {
                "closed" => {
                    body.insert("state_event".into(), json!("close"));
                }
                "opened" => {
                    body.insert("state_event".into(), json!("reopen"));
                }
                _ => {}
            }
            let mut path = issues.to_vec();
            path.push(iid);
            HttpRequest::json(Method::PUT, join(&base, &path), &Value::Object(body))
        }
        Some(iid) if !t.body.is_empty() => {
            let mut path = issues.to_vec();
            path.extend([iid, "notes"]);
            HttpRequest::json(Method::POST, join(&base, &path), &json!({"body": t.body}))
        }
        Some(_) => return Err("nothing to change on the issue".into()),
    };
    Ok(req.header("private-token", token))
}

/// Created: the project-local `iid` and `web_url`; otherwise the iid sent to.
pub fn judge(existing: Option<&str>, a: &HttpAnswer) -> Result<Linked, Outcome> {
    if let Some(o) = judge_status(a, &error_detail(&a.body)) {
        return Err(o);
    }
    if let Some(iid) = existing {
        return Ok(Linked {
            id: iid.to_string(),
            url: String::new(),
        });
    }
    let v: Value = serde_json::from_str(&a.body).unwrap_or(Value::Null);
    match v["iid"].as_i64() {
        Some(iid) => Ok(Linked {
            id: iid.to_string(),
            url: v["web_url"].as_str().unwrap_or("").to_string(),
        }),
        None => Err(Outcome::Park {
            error: format!("{} without an issue iid: {}", a.status, a.body.trim()),
        }),
    }
}
