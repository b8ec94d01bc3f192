//! One file per endpoint. Each turns a row's `Delivery` into the endpoint's
//! exact request and judges its answer; both pure. `deliver` is the one
//! place that does IO for a row.

pub mod alertmanager;
pub mod chat_hooks;
pub mod gitlab;
pub mod jira;

pub mod confluence;
pub mod email;
pub mod matrix;
pub mod pagerduty;
pub mod pagerduty_oncall;
pub mod probe;
pub mod slack;
mod slack_api;
pub mod statusio;
pub mod statuspage;
pub mod ticket_common;
pub mod tickets;
pub mod zendesk;

pub mod slack_post;
mod text;

pub use text::truncate;

use chrono::{DateTime, Utc};

use super::backoff::Outcome;
use super::delivery::Delivery;
use super::http::{HttpAnswer, HttpRequest, Target, judge_status, send};
use super::outbox::OutboxRow;
use crate::config::EndpointKind;

/// The request `row` needs at `target`; `Err` when it can never be sent.
pub fn request(target: &Target, row: &OutboxRow) -> Result<HttpRequest, Outcome> {
    let delivery = Delivery::from_payload(&row.payload).map_err(|e| Outcome::Park {
        error: format!("row {} has an unreadable payload: {e}", row.id),
    })?;
    let unsupported = || Outcome::Park {
        error: format!("a {} endpoint cannot {}", target.kind(), delivery.what()),
    };
    match target.kind() {
        EndpointKind::Pagerduty => pagerduty::request(target, &delivery).ok_or_else(unsupported),
        EndpointKind::Slack => slack::api_request(target, row, &delivery).ok_or_else(unsupported),
        EndpointKind::SlackWebhook => {
            slack::webhook_request(target, &delivery).ok_or_else(unsupported)
        }
        EndpointKind::Matrix => matrix::request(target, row, &delivery).ok_or_else(unsupported),
        EndpointKind::Webhook => {
            chat_hooks::webhook_request(target, row, &delivery).ok_or_else(unsupported)
        }
        EndpointKind::Mattermost => {
            chat_hooks::mattermost_request(target, row, &delivery).ok_or_else(unsupported)
        }
        EndpointKind::Teams => chat_hooks::teams_request(target, &delivery).ok_or_else(unsupported),
        EndpointKind::Alertmanager => Err(unsupported()),
        // Tickets need the item's remote id: `remote_refs::deliver` builds them.
        EndpointKind::Statuspage
        | EndpointKind::Jira
        | EndpointKind::Gitlab
        | EndpointKind::Zendesk
        | EndpointKind::Statusio => match &delivery {
            Delivery::Ticket(t) => {
                tickets::request(target, t, None).map_err(|error| Outcome::Park {
                    error: target.redact(&error),
                })
            }
            _ => Err(unsupported()),
        },

        // Mail goes by SMTP, not HTTP: `deliver` sends it through `email`.
        EndpointKind::Email => Err(unsupported()),
        // Documents are published by `sync::document`, not through rows.
        EndpointKind::Document | EndpointKind::Confluence => Err(unsupported()),
    }
}

/// What the endpoint's answer means for the row.
pub fn judge(target: &Target, answer: &HttpAnswer) -> Outcome {
    let outcome = match target.kind() {
        EndpointKind::Pagerduty => pagerduty::judge(answer),
        EndpointKind::Slack => slack::judge_api(answer),
        EndpointKind::Matrix => matrix::judge(answer),
        EndpointKind::Teams => chat_hooks::judge_teams(answer),
        EndpointKind::SlackWebhook | EndpointKind::Mattermost | EndpointKind::Webhook => {
            judge_status(answer, answer.body.trim())
                .unwrap_or(Outcome::Delivered { remote_id: None })
        }
        EndpointKind::Alertmanager
        | EndpointKind::Email
        | EndpointKind::Document
        | EndpointKind::Confluence => judge_status(answer, answer.body.trim())
            .unwrap_or(Outcome::Delivered { remote_id: None }),
        EndpointKind::Statuspage
        | EndpointKind::Jira
        | EndpointKind::Gitlab
        | EndpointKind::Zendesk
        | EndpointKind::Statusio => match tickets::judge(target, None, answer) {
            Ok(l) => Outcome::Delivered {
                remote_id: Some(l.id),
            },
            Err(o) => o,
        },
    };
    // Whatever the endpoint said goes through the redactor before it is stored.
    match outcome {
        Outcome::Retry { error, retry_after } => Outcome::Retry {
            error: target.redact(&error),
            retry_after,
        },
        Outcome::Park { error } => Outcome::Park {
            error: target.redact(&error),
        },
        d => d,
    }
}

/// Deliver one row: build, send, judge.
pub async fn deliver(
    client: &reqwest::Client,
    target: &Target,
    row: &OutboxRow,
    now: DateTime<Utc>,
) -> Outcome {
    if target.kind() == EndpointKind::Email {
        let outcome = match Delivery::from_payload(&row.payload) {
            Ok(d) => email::deliver(target, &d).await,
            Err(e) => Outcome::Park {
                error: format!("row {} has an unreadable payload: {e}", row.id),
            },
        };
        return redacted(target, outcome);
    }
    let req = match request(target, row) {
        Ok(r) => r,
        Err(o) => return o,
    };
    match send(client, req, target.endpoint.timeout, now).await {
        Ok(answer) => judge(target, &answer),
        Err(Outcome::Retry { error, retry_after }) => Outcome::Retry {
            error: target.redact(&error),
            retry_after,
        },
        Err(other) => other,
    }
}
/// Whatever an endpoint said, through the redactor before it is stored.
fn redacted(target: &Target, outcome: Outcome) -> Outcome {
    match outcome {
        Outcome::Retry { error, retry_after } => Outcome::Retry {
            error: target.redact(&error),
            retry_after,
        },
        Outcome::Park { error } => Outcome::Park {
            error: target.redact(&error),
        },
        d => d,
    }
}

/// Runs of `rows` that go out as one request (Slack coalesces posts, #19);
/// one row each elsewhere.
pub fn groups(target: &Target, rows: &[OutboxRow]) -> Vec<std::ops::Range<usize>> {
    if target.kind() == EndpointKind::Slack {
        slack_post::groups(rows)
    } else {
        (0..rows.len()).map(|i| i..i + 1).collect()
    }
}

/// Deliver one run from `groups`: one outcome per row, in order.
pub async fn deliver_group(
    client: &reqwest::Client,
    target: &Target,
    rows: &[OutboxRow],
    now: DateTime<Utc>,
    pacer: &slack_post::Pacer,
) -> Vec<Outcome> {
    let posts = rows.iter().all(|r| r.what == "post");
    if target.kind() == EndpointKind::Slack && posts && !rows.is_empty() {
        return slack_post::deliver_posts(client, target, rows, now, pacer).await;
    }
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        out.push(deliver(client, target, r, now).await);
    }
    out
}
