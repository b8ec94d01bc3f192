//! `cockpit sync test NAME`: send one harmless test message through a
//! configured endpoint, now, outside the outbox, and print what the system
//! answered. For checking a config before an incident needs it.

use chrono::Utc;
use std::sync::Arc;

use super::failure::Failure;
use crate::config::{Config, EndpointKind};
use crate::domain::sanitize::clean_line;
use crate::domain::{EventId, IncidentId};
use crate::sync::adapters::{self, confluence, email, probe};
use crate::sync::backoff::Outcome;
use crate::sync::delivery::Delivery;
use crate::sync::http::{Target, client, send};
use crate::sync::mail_plan::domain_of;
use crate::sync::outbox::{OutboxRow, RowState};

const TEXT: &str = "Incident Cockpit test message: the endpoint works. No incident; please ignore.";

fn failure(message: impl Into<String>) -> Failure {
    Failure {
        code: 1,
        message: message.into(),
    }
}

pub fn test(config: &Config, name: &str) -> Result<String, Failure> {
    let endpoint = config
        .endpoints
        .iter()
        .find(|e| e.name == name)
        .ok_or_else(|| {
            let names: Vec<&str> = config.endpoints.iter().map(|e| e.name.as_str()).collect();
            Failure {
                code: 2,
                message: format!(
                    "no endpoint named `{}`; configured: {}",
                    clean_line(name),
                    if names.is_empty() {
                        "none".to_string()
                    } else {
                        names.join(", ")
                    }
                ),
            }
        })?;
    let target = Arc::new(Target::resolve(endpoint).map_err(failure)?);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| failure(format!("cannot start the runtime: {e}")))?;
    let answer = rt.block_on(run(&target))?;
    Ok(format!(
        "{} ({}): {}\n",
        clean_line(name),
        endpoint.kind,
        clean_line(&target.redact(&answer))
    ))
}

fn said(o: Outcome) -> Failure {
    match o {
        Outcome::Retry { error, .. } | Outcome::Park { error } => failure(error),
        Outcome::Delivered { .. } => failure("delivered"),
    }
}

async fn run(t: &Target) -> Result<String, Failure> {
    let redact = |f: Failure| Failure {
        code: f.code,
        message: t.redact(&f.message),
    };
    match t.kind() {
        EndpointKind::Email => {
            let m = t.endpoint.mail.as_ref().expect("checked config");
            let id = format!(
                "<cockpit.test.{}@{}>",
                uuid::Uuid::new_v4(),
                domain_of(&m.from)
            );
            let d = Delivery::Mail {
                message_id: id,
                in_reply_to: None,
                subject: "[Test] Incident Cockpit".into(),
                body: format!("{TEXT}\n"),
                to: m.to.clone(),
                bcc: Vec::new(),
            };
            let (id, answer) = email::send(t, &d).await.map_err(said).map_err(redact)?;
            Ok(format!(
                "sent {id} to {}; the server said: {answer}",
                m.to.join(", ")
            ))
        }
        EndpointKind::Document => {
            let dir = t.endpoint.path.clone().expect("checked config");
            let probe = dir.join(".cockpit-test");
            std::fs::create_dir_all(&dir)
                .and_then(|_| std::fs::write(&probe, TEXT))
                .and_then(|_| std::fs::remove_file(&probe))
                .map_err(|e| failure(format!("cannot write in {}: {e}", dir.display())))?;
            Ok(format!(
                "{} is writable (wrote and removed a test file)",
                dir.display()
            ))
        }
        EndpointKind::Confluence => {
            // Harmless: read the parent page the incident pages go under.
            let parent = t.endpoint.parent.clone().unwrap_or_default();
            let req = confluence::get_request(t, &parent)
                .ok_or_else(|| failure("the endpoint lacks url, username, token or parent"))?;
            let a = send(&client(), req, t.endpoint.timeout, Utc::now())
                .await
                .map_err(said)
                .map_err(redact)?;
            if !a.is_success() {
                return Err(redact(failure(format!(
                    "{}: {}",
                    a.status,
                    confluence::error_detail(&a)
                ))));
            }
            let v: serde_json::Value = serde_json::from_str(&a.body).unwrap_or_default();
            Ok(format!(
                "{} OK: parent page {} \"{}\" is readable (version {})",
                a.status,
                parent,
                v["title"].as_str().unwrap_or("?"),
                v["version"]["number"]
            ))
        }
        // Status pages and trackers: one authenticated read, nothing created
        // (a test incident would notify the page's subscribers).
        EndpointKind::Statuspage
        | EndpointKind::Statusio
        | EndpointKind::Jira
        | EndpointKind::Gitlab
        | EndpointKind::Zendesk => {
            let req = probe::request(t).map_err(failure).map_err(redact)?;
            let a = send(&client(), req, t.endpoint.timeout, Utc::now())
                .await
                .map_err(said)
                .map_err(redact)?;
            probe::judge(t, &a).map_err(failure).map_err(redact)
        }
        EndpointKind::Pagerduty => Err(failure(
            "not sent: any PagerDuty event pages the on-call (the Events API has no test mode); \
             use an e-mail endpoint to the service's address, or trigger from PagerDuty itself",
        )),
        EndpointKind::Alertmanager => Err(failure(
            "not sent: alertmanager is only read from; try `cockpit alerts --endpoint NAME`",
        )),
        _ => {
            // A chat post or a webhook event, through the same adapters as the outbox.
            let d = match t.kind() {
                EndpointKind::Webhook => Delivery::Event {
                    event: serde_json::json!({"test": true, "text": TEXT}),
                },
                _ => Delivery::Post { text: TEXT.into() },
            };
            let row = test_row(t, &d);
            let req = adapters::request(t, &row).map_err(said).map_err(redact)?;
            let a = send(&client(), req, t.endpoint.timeout, Utc::now())
                .await
                .map_err(said)
                .map_err(redact)?;
            match adapters::judge(t, &a) {
                Outcome::Delivered { remote_id } => Ok(format!(
                    "{} delivered{}",
                    a.status,
                    remote_id.map(|r| format!(" as {r}")).unwrap_or_default()
                )),
                o => Err(said(o)),
            }
        }
    }
}

/// A row that exists only for this test (Matrix derives its transaction id from it).
fn test_row(t: &Target, d: &Delivery) -> OutboxRow {
    OutboxRow {
        id: 0,
        endpoint: t.name().to_string(),
        event_id: EventId::new(),
        event_seq: 0,
        incident: IncidentId::new(),
        kind: "test".into(),
        part: 0,
        what: d.what().into(),
        payload: d.to_payload(),
        state: RowState::Pending,
        attempts: 0,
        created: Utc::now(),
        next_attempt: None,
        claimed_by: None,
        last_error: None,
        done_at: None,
        remote_id: None,
    }
}
