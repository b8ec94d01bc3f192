//! Zendesk (002: "we will become aware of an incident because a client has
//! raised a Zendesk ticket"): client-facing updates as public comments on
//! the ticket the IC linked.
//!
//! - "Ticket comments are created by including a comment object in the
//!   ticket object when ... updating the ticket": `PUT
//!   /api/v2/tickets/{id}.json` with `{"ticket": {"comment": {"body",
//!   "public": true}}}`, authenticated `{email_address}/token:{api_token}`;
//!   a ticket past 5000 comments answers 422
//!   (https://developer.zendesk.com/rest_api/docs/support/ticket_comments/).
//! - Basic auth of the e-mail and token
//!   (https://support.zendesk.com/hc/de/articles/115000510267-Wie-authentifiziere-ich-API-Anfragen-).
//! - Rate limits per minute; 429 retries after `Retry-After`
//!   (https://developer.zendesk.com/documentation/api-basics/best-practices/best-practices-for-avoiding-rate-limiting).

use reqwest::Method;
use serde_json::json;

use super::ticket_common::{Linked, basic, error_detail, join};
use crate::sync::backoff::Outcome;
use crate::sync::delivery::Ticket;
use crate::sync::http::{HttpAnswer, HttpRequest, Target, judge_status};

pub fn request(target: &Target, t: &Ticket) -> Result<HttpRequest, String> {
    if t.remote.is_empty() {
        return Err(
            "no Zendesk ticket is linked to the incident (`cockpit link zendesk ID`)".into(),
        );
    }
    let token = target.token.as_ref().ok_or("no token")?.expose();
    let user = target.endpoint.user.as_deref().ok_or("no user")?;
    let base = target.url.clone().ok_or("no url")?;
    let ticket = format!("{}.json", t.remote);
    Ok(HttpRequest::json(
        Method::PUT,
        join(&base, &["api", "v2", "tickets", &ticket]),
        &json!({"ticket": {"comment": {"body": t.body, "public": true}}}),
    )
    .header("authorization", basic(&format!("{user}/token"), token)))
}

pub fn judge(existing: Option<&str>, a: &HttpAnswer) -> Result<Linked, Outcome> {
    if let Some(o) = judge_status(a, &error_detail(&a.body)) {
        return Err(o);
    }
    Ok(Linked {
        id: existing.unwrap_or_default().to_string(),
        url: String::new(),
    })
}
