//! `cockpit sync test NAME` for status pages and trackers (issue 17): one
//! harmless authenticated read each API documents, so a wrong key, page or
//! project shows before an incident needs it. Nothing is created.
//!
//! - Statuspage: `GET /pages/{page_id}`, `Authorization: OAuth <key>`
//!   (https://developer.statuspage.io/#operation/getPagesPageId).
//! - Jira: `GET /rest/api/2/myself`, "Returns currently logged user. This
//!   resource cannot be accessed anonymously"
//!   (https://developer.atlassian.com/cloud/jira/platform/rest/v2/#api-rest-api-2-myself-get).
//! - GitLab: `GET /projects/:id`, the id or the URL-encoded path
//!   (https://docs.gitlab.com/ce/api/projects.html#get-single-project).
//! - Zendesk: `GET /api/v2/users/me.json`, the authenticated user
//!   (https://developer.zendesk.com/api-reference/ticketing/users/users/#show-self).
//! - status.io: `GET /v2/component/list/{statuspage_id}` with `x-api-id` and
//!   `x-api-key` (statusio-python `ComponentList`, github.com/statusio/statusio-python).

use reqwest::Method;
use serde_json::Value;

use super::ticket_common::{basic, error_detail, join};
use super::{gitlab, statusio, statuspage};
use crate::config::EndpointKind;
use crate::sync::http::{HttpAnswer, HttpRequest, Target};

fn get(url: reqwest::Url) -> HttpRequest {
    HttpRequest {
        method: Method::GET,
        url,
        headers: vec![("accept".into(), "application/json".into())],
        body: None,
    }
}

/// The read for `t`, or why there is none (a missing key).
pub fn request(t: &Target) -> Result<HttpRequest, String> {
    let token = || {
        t.token
            .as_ref()
            .map(|s| s.expose().to_string())
            .ok_or("no token")
    };
    let e = &t.endpoint;
    Ok(match t.kind() {
        EndpointKind::Statuspage => {
            let page = e.page_id.as_deref().ok_or("no page_id")?;
            get(join(&t.base_url(statuspage::DEFAULT_URL), &["pages", page]))
                .header("authorization", format!("OAuth {}", token()?))
        }
        EndpointKind::Jira => {
            let base = t.url.clone().ok_or("no url")?;
            let auth = match &e.user {
                Some(user) => basic(user, &token()?),
                None => format!("Bearer {}", token()?),
            };
            get(join(&base, &["rest", "api", "2", "myself"])).header("authorization", auth)
        }
        EndpointKind::Gitlab => {
            let project = e.project.as_deref().ok_or("no project")?;
            let base = t.base_url(gitlab::DEFAULT_URL);
            get(join(&base, &["api", "v4", "projects", project])).header("private-token", token()?)
        }
        EndpointKind::Zendesk => {
            let base = t.url.clone().ok_or("no url")?;
            let user = e.user.as_deref().ok_or("no user")?;
            get(join(&base, &["api", "v2", "users", "me.json"]))
                .header("authorization", basic(&format!("{user}/token"), &token()?))
        }
        EndpointKind::Statusio => {
            let page = e.page_id.as_deref().ok_or("no page_id")?;
            let api_id = e.user.as_deref().ok_or("no user (the API ID)")?;
            let base = t.base_url(statusio::DEFAULT_URL);
            get(join(&base, &["component", "list", page]))
                .header("x-api-id", api_id)
                .header("x-api-key", token()?)
        }
        other => return Err(format!("a {other} endpoint has no read test")),
    })
}

/// What the answer says, for people: `Ok` names what was read.
pub fn judge(t: &Target, a: &HttpAnswer) -> Result<String, String> {
    let v: Value = serde_json::from_str(&a.body).unwrap_or(Value::Null);
    if !a.is_success() {
        let words = v["status"]["message"]
            .as_str()
            .map(str::to_string)
            .unwrap_or_else(|| error_detail(&a.body));
        let reason = reqwest::StatusCode::from_u16(a.status)
            .ok()
            .and_then(|s| s.canonical_reason())
            .unwrap_or("");
        return Err(match words.trim() {
            "" => format!("{} {reason}", a.status),
            w => format!("{} {reason}: {w}", a.status),
        });
    }
    let s = |v: &Value| v.as_str().unwrap_or("?").to_string();
    let e = &t.endpoint;
    Ok(match t.kind() {
        EndpointKind::Statuspage => format!(
            "{} OK: page {} \"{}\" is readable",
            a.status,
            e.page_id.as_deref().unwrap_or(""),
            s(&v["name"])
        ),
        EndpointKind::Jira => format!("{} OK: signed in as \"{}\"", a.status, s(&v["displayName"])),
        EndpointKind::Gitlab => format!(
            "{} OK: project {} is readable",
            a.status,
            s(&v["path_with_namespace"])
        ),
        EndpointKind::Zendesk => {
            // An unsigned request could still be answered with a user that
            // has no id: only a real user proves the credential.
            if v["user"]["id"].is_null() {
                return Err(format!("{}: not signed in (no user id)", a.status));
            }
            format!(
                "{} OK: signed in as \"{}\" ({})",
                a.status,
                s(&v["user"]["name"]),
                s(&v["user"]["role"])
            )
        }
        EndpointKind::Statusio => {
            if v["status"]["error"].as_str() != Some("no") {
                return Err(format!(
                    "{} refused: {}",
                    a.status,
                    s(&v["status"]["message"])
                ));
            }
            format!(
                "{} OK: status page {} has {} components",
                a.status,
                e.page_id.as_deref().unwrap_or(""),
                v["result"].as_array().map(Vec::len).unwrap_or(0)
            )
        }
        _ => format!("{} OK", a.status),
    })
}
