//! Status pages, trackers and client tickets (issue 17): one item per
//! `Ticket::item`, created by the first row that reaches the endpoint and
//! updated by every later one. The item's id comes from the outbox (the
//! remote id of the row that created it), so requests stay pure.

pub use super::ticket_common::{Linked, basic, error_detail, join, no_item_yet};
use super::{gitlab, jira, statusio, statuspage, zendesk};
use crate::config::EndpointKind;
use crate::sync::backoff::Outcome;
use crate::sync::delivery::Ticket;
use crate::sync::http::{HttpAnswer, HttpRequest, Target};

/// Kinds whose rows are `Ticket`s.
pub fn is_ticket_kind(kind: EndpointKind) -> bool {
    matches!(
        kind,
        EndpointKind::Statuspage
            | EndpointKind::Jira
            | EndpointKind::Gitlab
            | EndpointKind::Zendesk
            | EndpointKind::Statusio
    )
}

/// The request for `t`, given the item's id at this endpoint if it has one.
/// `Err`: a reason to park the row.
pub fn request(target: &Target, t: &Ticket, existing: Option<&str>) -> Result<HttpRequest, String> {
    match target.kind() {
        EndpointKind::Statuspage => statuspage::request(target, t, existing),
        EndpointKind::Jira => jira::request(target, t, existing),
        EndpointKind::Gitlab => gitlab::request(target, t, existing),
        EndpointKind::Zendesk => zendesk::request(target, t),
        EndpointKind::Statusio => statusio::request(target, t, existing),
        other => Err(format!("a {other} endpoint cannot take a ticket")),
    }
}

/// What the answer means; on success, the item's id (and a link to it).
pub fn judge(target: &Target, existing: Option<&str>, a: &HttpAnswer) -> Result<Linked, Outcome> {
    let outcome = match target.kind() {
        EndpointKind::Statuspage => statuspage::judge(existing, a),
        EndpointKind::Jira => jira::judge(existing, a),
        EndpointKind::Gitlab => gitlab::judge(existing, a),
        EndpointKind::Statusio => statusio::judge(existing, a),
        _ => zendesk::judge(existing, a),
    };
    outcome.map_err(|o| match o {
        Outcome::Retry { error, retry_after } => Outcome::Retry {
            error: target.redact(&error),
            retry_after,
        },
        Outcome::Park { error } => Outcome::Park {
            error: target.redact(&error),
        },
        d => d,
    })
}
