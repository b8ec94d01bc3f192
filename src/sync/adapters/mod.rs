//! One file per endpoint. Each turns a row's `Delivery` into the endpoint's
//! exact request and judges its answer; both pure. `deliver` is the one
//! place that does IO for a row.

pub mod alertmanager;
pub mod chat_hooks;
pub mod matrix;
pub mod pagerduty;
pub mod slack;
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
        EndpointKind::Slack => slack::api_request(target, &delivery).ok_or_else(unsupported),
        EndpointKind::SlackWebhook => {
            slack::webhook_request(target, &delivery).ok_or_else(unsupported)
        }
        EndpointKind::Matrix => matrix::request(target, row, &delivery).ok_or_else(unsupported),
        EndpointKind::Webhook => {
            chat_hooks::webhook_request(target, row, &delivery).ok_or_else(unsupported)
        }
        EndpointKind::Mattermost => {
            chat_hooks::mattermost_request(target, &delivery).ok_or_else(unsupported)
        }
        EndpointKind::Teams => chat_hooks::teams_request(target, &delivery).ok_or_else(unsupported),
        EndpointKind::Alertmanager => Err(unsupported()),
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
        EndpointKind::Alertmanager => judge_status(answer, answer.body.trim())
            .unwrap_or(Outcome::Delivered { remote_id: None }),
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
