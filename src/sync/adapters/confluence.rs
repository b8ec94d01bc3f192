//! Confluence Cloud REST API v2, pages: the live incident document as a child
//! page of a configured page. Pure request builders and answer readers; the
//! publisher (`sync::document`) does the IO.
//!
//! API facts, from Atlassian's documentation:
//! - Pages: https://developer.atlassian.com/cloud/confluence/rest/v2/api-group-page
//!   `POST /wiki/api/v2/pages` creates a page from `spaceId`, `status`,
//!   `title`, `parentId` and `body {representation, value}`;
//!   `GET /wiki/api/v2/pages/{id}` returns it with `version {number, message}`
//!   and `_links {webui, base}`; `PUT /wiki/api/v2/pages/{id}` replaces it
//!   and takes `id`, `status`, `title`, `body` and `version {number, message}`,
//!   where the number is the current one plus one.
//! - A version that is not the next one is a conflict: "409 Conflict ...
//!   the version property has not been set correctly" (update content,
//!   https://developer.atlassian.com/cloud/confluence/rest/#api-content-id-put):
//!   re-read the page and try again.
//! - Auth: basic auth with the Atlassian account e-mail and an API token,
//!   base64-encoded (https://developer.atlassian.com/cloud/confluence/basic-auth-for-rest-apis/).
//! - Rate limits: "Any REST API can return a rate limit response", 429 with
//!   `Retry-After` in seconds; some 5xx carry it too
//!   (https://developer.atlassian.com/cloud/confluence/rate-limiting/).

use base64::Engine;
use reqwest::{Method, Url};
use serde_json::json;

use crate::sync::http::{HttpAnswer, HttpRequest, Target};

/// The Confluence page as the publisher needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    pub id: String,
    pub version: u64,
    /// The last version's message: the cockpit writes the document's digest
    /// there, so "did anything change" survives a restart.
    pub message: String,
    /// The page's address for people.
    pub link: Option<String>,
}

fn url(t: &Target, tail: &str) -> Option<Url> {
    let base = t.url.as_ref()?;
    let text = format!("{}/wiki/api/v2/{tail}", base.as_str().trim_end_matches('/'));
    Url::parse(&text).ok()
}

fn with_auth(t: &Target, req: HttpRequest) -> Option<HttpRequest> {
    let user = t.endpoint.username.as_ref()?;
    let token = t.token.as_ref()?;
    let pair =
        base64::engine::general_purpose::STANDARD.encode(format!("{user}:{}", token.expose()));
    Some(
        req.header("authorization", format!("Basic {pair}"))
            .header("accept", "application/json"),
    )
}

/// `POST /wiki/api/v2/pages`: the incident's page under `parent`.
pub fn create_request(t: &Target, title: &str, storage: &str) -> Option<HttpRequest> {
    let body = json!({
        "spaceId": t.endpoint.space.as_ref()?,
        "status": "current",
        "title": title,
        "parentId": t.endpoint.parent.as_ref()?,
        "body": { "representation": "storage", "value": storage },
    });
    with_auth(t, HttpRequest::json(Method::POST, url(t, "pages")?, &body))
}

/// `GET /wiki/api/v2/pages/{id}`: the current version.
pub fn get_request(t: &Target, id: &str) -> Option<HttpRequest> {
    let req = HttpRequest {
        method: Method::GET,
        url: url(t, &format!("pages/{}", id_segment(id)?))?,
        headers: Vec::new(),
        body: None,
    };
    with_auth(t, req)
}

/// `PUT /wiki/api/v2/pages/{id}` with version `number`.
pub fn update_request(
    t: &Target,
    id: &str,
    title: &str,
    storage: &str,
    number: u64,
    message: &str,
) -> Option<HttpRequest> {
    let body = json!({
        "id": id,
        "status": "current",
        "title": title,
        "body": { "representation": "storage", "value": storage },
        "version": { "number": number, "message": message },
    });
    with_auth(
        t,
        HttpRequest::json(
            Method::PUT,
            url(t, &format!("pages/{}", id_segment(id)?))?,
            &body,
        ),
    )
}

/// Page ids are numbers; anything else never reaches a URL path.
fn id_segment(id: &str) -> Option<&str> {
    (!id.is_empty() && id.bytes().all(|b| b.is_ascii_digit())).then_some(id)
}

/// Read a page from a 2xx answer.
pub fn page(t: &Target, a: &HttpAnswer) -> Result<Page, String> {
    let v: serde_json::Value =
        serde_json::from_str(&a.body).map_err(|e| format!("the page answer is not JSON: {e}"))?;
    let id = match &v["id"] {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Number(n) => n.to_string(),
        _ => return Err("the page answer has no id".into()),
    };
    let version = v["version"]["number"].as_u64().unwrap_or(1);
    let message = v["version"]["message"].as_str().unwrap_or("").to_string();
    let webui = v["_links"]["webui"].as_str();
    let base = v["_links"]["base"]
        .as_str()
        .map(str::to_string)
        .or_else(|| {
            t.url
                .as_ref()
                .map(|u| format!("{}/wiki", u.as_str().trim_end_matches('/')))
        });
    let link = webui
        .zip(base)
        .map(|(w, b)| format!("{}{w}", b.trim_end_matches('/')));
    Ok(Page {
        id,
        version,
        message,
        link,
    })
}

/// The page id in a link the cockpit recorded: `.../pages/{id}/...`.
pub fn page_id_in_link(link: &str) -> Option<String> {
    let mut parts = link.split('/');
    parts.by_ref().find(|p| *p == "pages")?;
    parts.next().and_then(id_segment).map(str::to_string)
}

/// Confluence's own words from an error answer: `message`, or the first
/// error's `title` (v2), or the body.
pub fn error_detail(a: &HttpAnswer) -> String {
    let v: Option<serde_json::Value> = serde_json::from_str(&a.body).ok();
    v.as_ref()
        .and_then(|v| {
            v["message"]
                .as_str()
                .or_else(|| v["errors"][0]["title"].as_str())
                .map(str::to_string)
        })
        .unwrap_or_else(|| a.body.trim().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_ids_come_from_links_and_only_digits_reach_a_path() {
        assert_eq!(
            page_id_in_link("https://x.atlassian.net/wiki/spaces/OPS/pages/12345/Incident"),
            Some("12345".into())
        );
        assert_eq!(page_id_in_link("https://x.example/pages/../etc"), None);
        assert_eq!(
            page_id_in_link("https://docs.example.org/incident-42"),
            None
        );
    }
}
