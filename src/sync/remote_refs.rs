//! Ticket rows (issue 17): the first row for an item creates it, every later
//! one updates it. Which id an item has at an endpoint is found in the
//! outbox (the remote id of its delivered rows), and written back to the
//! journal as `remote_linked` when it is new, so the timeline and the
//! follow-up list show the Jira key or GitLab number. A delivered
//! status-page post is written back too: it satisfies the status-update
//! clock (003: updates "at regular intervals in accordance with the severity").

use chrono::{DateTime, Utc};
use std::sync::{Arc, Mutex};

use super::adapters::{self, tickets};
use super::backoff::Outcome;
use super::delivery::Delivery;
use super::http::{Target, send};
use super::outbox::{Outbox, OutboxRow};
use crate::config::EndpointKind;
use crate::domain::{Event, EventId, EventKind};
use crate::journal::Journal;

/// The id `item` has at the endpoint: the latest delivered row for it that
/// got one. `rows` are (payload, remote id), oldest first.
pub fn existing_id(rows: &[(String, String)], item: &str) -> Option<String> {
    rows.iter()
        .rev()
        .find(|(payload, _)| {
            matches!(Delivery::from_payload(payload), Ok(Delivery::Ticket(t)) if t.item == item)
        })
        .map(|(_, id)| id.clone())
}

/// The `remote_linked` event of one delivered row: its id derives from the
/// row, so a retried write-back is stored once.
pub fn link_event(
    row: &OutboxRow,
    item: &str,
    linked: &tickets::Linked,
    public: bool,
    now: DateTime<Utc>,
) -> Event {
    let mut e = Event::new(
        row.incident,
        "cockpit",
        now,
        now,
        EventKind::RemoteLinked {
            endpoint: row.endpoint.clone(),
            item: item.to_string(),
            id: linked.id.clone(),
            url: linked.url.clone(),
            public,
        },
    );
    e.id = EventId(uuid::Uuid::new_v5(
        &uuid::Uuid::NAMESPACE_URL,
        format!("cockpit:remote_linked:{}:{}", row.endpoint, row.id).as_bytes(),
    ));
    e
}

/// Deliver one row of a ticket endpoint: look its item's id up, send,
/// judge, write the id back.
pub async fn deliver(
    client: &reqwest::Client,
    target: &Target,
    outbox: &Arc<Mutex<Outbox>>,
    journal: Option<&Arc<Mutex<Journal>>>,
    row: &OutboxRow,
    now: DateTime<Utc>,
) -> Outcome {
    let t = match Delivery::from_payload(&row.payload) {
        Ok(Delivery::Ticket(t)) => t,
        _ => return adapters::deliver(client, target, row, now).await,
    };
    let existing = if !t.remote.is_empty() {
        Some(t.remote.clone())
    } else {
        let (ob, name, incident, item) = (
            outbox.clone(),
            row.endpoint.clone(),
            row.incident,
            t.item.clone(),
        );
        let found = tokio::task::spawn_blocking(move || {
            ob.lock()
                .expect("outbox lock")
                .remote_ids(&name, incident)
                .map(|rows| existing_id(&rows, &item))
        })
        .await
        .expect("outbox task does not panic");
        match found {
            Ok(id) => id,
            Err(e) => {
                return Outcome::Retry {
                    error: format!("reading the outbox: {e}"),
                    retry_after: None,
                };
            }
        }
    };
    let req = match tickets::request(target, &t, existing.as_deref()) {
        Ok(r) => r,
        Err(error) => {
            return Outcome::Park {
                error: target.redact(&error),
            };
        }
    };
    let answer = match send(client, req, target.endpoint.timeout, now).await {
        Ok(a) => a,
        Err(Outcome::Retry { error, retry_after }) => {
            return Outcome::Retry {
                error: target.redact(&error),
                retry_after,
            };
        }
        Err(other) => return other,
    };
    let linked = match tickets::judge(target, existing.as_deref(), &answer) {
        Ok(l) => l,
        Err(o) => return o,
    };
    let public = matches!(
        target.kind(),
        EndpointKind::Statuspage | EndpointKind::Statusio
    );
    if let Some(j) = journal
        && (existing.is_none() || public)
    {
        let (j, e) = (j.clone(), link_event(row, &t.item, &linked, public, now));
        let written = tokio::task::spawn_blocking(move || {
            j.lock().expect("journal lock").append_once(e).map(|_| ())
        })
        .await
        .expect("journal task does not panic");
        // The id is kept in the row either way; the timeline only misses it.
        if let Err(e) = written {
            tracing::warn!(endpoint = %row.endpoint, row = row.id, "writing the remote id back: {e}");
        }
    }
    Outcome::Delivered {
        remote_id: Some(linked.id),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sync::delivery::Ticket;

    fn payload(item: &str) -> String {
        Delivery::Ticket(Ticket {
            item: item.into(),
            ..Default::default()
        })
        .to_payload()
    }

    #[test]
    fn an_item_has_the_id_its_latest_delivered_row_got() {
        let rows = vec![
            (payload("incident"), "OPS-1".to_string()),
            (payload("follow_up:x"), "OPS-2".to_string()),
            (r#"{"do":"post","text":"t"}"#.to_string(), "ts".to_string()),
        ];
        assert_eq!(existing_id(&rows, "incident").as_deref(), Some("OPS-1"));
        assert_eq!(existing_id(&rows, "follow_up:x").as_deref(), Some("OPS-2"));
        assert_eq!(existing_id(&rows, "near_miss"), None);
    }
}
