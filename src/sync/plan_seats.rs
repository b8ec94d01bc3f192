//! What a shared incident's Matrix room receives (issue 15, DESIGN.md
//! "Beyond one machine"): every event of this seat, once, as an
//! `m.room.message` whose `body` is the timeline's words for people in any
//! Matrix client, carrying the event itself (with its seat and that seat's
//! sequence number) under a namespaced key for the other cockpits.

use super::delivery::Delivery;
use crate::config::{Endpoint, EndpointKind};
use crate::domain::converge::Stamped;
use crate::domain::describe::describe;
use crate::domain::{EventKind, Incident};

/// The `RemoteLinked` item that binds an incident to its shared room.
pub const ROOM_ITEM: &str = "seats_room";

/// The content key the structured event rides under: namespaced
/// (reverse-DNS, as the spec asks of custom keys; DESIGN.md "Beyond one
/// machine"), so ordinary clients ignore it and show `body`.
pub const EVENT_KEY: &str = "net.incident-cockpit.event";

/// The incident's shared room, if it is bound to one.
pub fn room(incident: &Incident) -> Option<&str> {
    incident
        .remote
        .refs_of(ROOM_ITEM)
        .last()
        .map(|r| r.id.as_str())
}

/// `None`: the endpoint does not carry this incident's room (plan as usual).
/// Notes tagged `chat_tag` (`plan::CHAT_TAG`) came from the room: they stay.
/// `Some(vec![])`: it does, and this event stays on the seat.
pub fn seat_event(
    endpoint: &Endpoint,
    stamped: &Stamped,
    incident: &Incident,
    chat_tag: &str,
) -> Option<Vec<Delivery>> {
    if endpoint.kind != EndpointKind::Matrix {
        return None;
    }
    let room = room(incident)?;
    let event = &stamped.event;
    let stays = match &event.kind {
        // Private notes never leave the seat; what people said in the room
        // came from the room (it would echo).
        EventKind::Note { private, tag, .. } => *private || tag == chat_tag,
        _ => false,
    };
    if stays {
        return Some(Vec::new());
    }
    let line = describe(event, incident);
    let body = format!("{} · {}: {}", event.author, line.label, line.text);
    Some(vec![Delivery::SeatEvent {
        room: room.to_string(),
        body,
        event: serde_json::to_value(stamped).expect("events serialise"),
    }])
}

/// The event a room message carries, if it carries one.
pub fn carried(content: &serde_json::Value) -> Option<Stamped> {
    serde_json::from_value(content.get(EVENT_KEY)?.clone()).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Playbook;
    use crate::domain::{Event, IncidentId};
    use crate::journal::OutboxRouter;
    use crate::sync::plan::{CHAT_TAG, Router};
    use chrono::{TimeZone, Utc};

    fn playbook() -> Playbook {
        Playbook::parse(
            "default.toml",
            include_str!("../../assets/playbooks/default.toml"),
        )
        .unwrap()
    }

    fn stamped(inc: &mut Incident, pb: &Playbook, seq: i64, kind: EventKind) -> Stamped {
        let t = Utc.with_ymd_and_hms(2026, 11, 21, 10, 0, 0).unwrap();
        let e = Event::new(inc.id, "ann", t, t, kind);
        // A note read from the room may carry a tag this playbook lacks;
        // routing does not depend on it.
        let _ = inc.apply(&e, pb);
        Stamped {
            event: e,
            origin: "seat-a".into(),
            origin_seq: seq,
        }
    }

    fn note(private: bool, tag: &str) -> EventKind {
        EventKind::Note {
            text: "replica lag 40 s".into(),
            tag: tag.into(),
            private,
        }
    }

    #[test]
    fn a_bound_incident_sends_every_event_once_with_its_seat_and_keeps_private_ones() {
        let pb = playbook();
        let mut inc = Incident::new(IncidentId::new());
        let matrix = Endpoint::new("mx", EndpointKind::Matrix);
        let pd = Endpoint::new("pd", EndpointKind::Pagerduty);
        let router = Router::new(&[matrix, pd]).unwrap();
        let declared = EventKind::Declared {
            title: "db down".into(),
            severity: "SEV2".into(),
            summary: String::new(),
            security: false,
            playbook: "default".into(),
        };
        let d = stamped(&mut inc, &pb, 1, declared);
        // Not bound yet: the Matrix endpoint is an ordinary chat room.
        let before = router.route_stamped(&d, &inc, &pb);
        assert!(before.iter().all(|i| i.what != "seat event"), "{before:?}");
        let link = stamped(
            &mut inc,
            &pb,
            2,
            EventKind::RemoteLinked {
                endpoint: "mx".into(),
                item: ROOM_ITEM.into(),
                id: "!room:localhost".into(),
                url: String::new(),
                public: false,
            },
        );
        assert_eq!(room(&inc), Some("!room:localhost"));
        let items = router.route_stamped(&link, &inc, &pb);
        let mx: Vec<_> = items.iter().filter(|i| i.endpoint == "mx").collect();
        assert_eq!(mx.len(), 1, "{items:?}");
        let Delivery::SeatEvent { room, body, event } =
            Delivery::from_payload(&mx[0].payload).unwrap()
        else {
            panic!("{}", mx[0].payload)
        };
        assert_eq!(room, "!room:localhost");
        assert!(body.starts_with("ann · "), "{body}");
        let back: Stamped = serde_json::from_value(event).unwrap();
        assert_eq!(back, link);
        assert_eq!(
            carried(&serde_json::json!({ "body": body, EVENT_KEY: back.clone() })),
            Some(link)
        );
        // Private notes and notes read from the room stay on the seat.
        for kind in [note(true, "note"), note(false, CHAT_TAG)] {
            let n = stamped(&mut inc, &pb, 3, kind);
            let items = router.route_stamped(&n, &inc, &pb);
            assert!(items.iter().all(|i| i.endpoint != "mx"), "{items:?}");
        }
        let n = stamped(&mut inc, &pb, 4, note(false, "note"));
        let items = router.route_stamped(&n, &inc, &pb);
        assert_eq!(items.iter().filter(|i| i.endpoint == "mx").count(), 1);
    }

    #[test]
    fn the_matrix_request_puts_the_message_with_a_txn_id_from_the_event_id() {
        use crate::config::{SecretRef, UrlSetting};
        use crate::sync::adapters::matrix;
        use crate::sync::http::Target;
        use crate::sync::outbox::{OutboxRow, RowState};
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let token = dir.path().join("mx");
        std::fs::write(&token, "syt_seat").unwrap();
        std::fs::set_permissions(&token, std::fs::Permissions::from_mode(0o600)).unwrap();
        let mut m = Endpoint::new("mx", EndpointKind::Matrix);
        m.url = Some(UrlSetting::Plain("http://127.0.0.1:18008".into()));
        m.token = Some(SecretRef::File(token));
        m.room = Some("!chat:localhost".into());
        let target = Target::resolve(&m).unwrap();
        let pb = playbook();
        let mut inc = Incident::new(IncidentId::new());
        let s = stamped(&mut inc, &pb, 7, note(false, "note"));
        let d = Delivery::SeatEvent {
            room: "!seats:localhost".into(),
            body: "ann · note: replica lag 40 s".into(),
            event: serde_json::to_value(&s).unwrap(),
        };
        let row = OutboxRow {
            id: 1,
            endpoint: "mx".into(),
            event_id: s.event.id,
            event_seq: 7,
            incident: inc.id,
            kind: "note".into(),
            part: 0,
            what: d.what().into(),
            payload: d.to_payload(),
            state: RowState::Pending,
            attempts: 0,
            created: s.event.recorded_at,
            next_attempt: None,
            claimed_by: None,
            last_error: None,
            done_at: None,
            remote_id: None,
        };
        let req = matrix::request(&target, &row, &d).unwrap();
        assert_eq!(req.method, reqwest::Method::PUT);
        // ENDPOINTS.md §4.3: PUT /rooms/{roomId}/send/m.room.message/{txnId}.
        assert_eq!(
            req.url.path(),
            format!(
                "/_matrix/client/v3/rooms/!seats:localhost/send/m.room.message/cockpit.{}.0",
                s.event.id.0.simple()
            )
        );
        let body: serde_json::Value = serde_json::from_slice(req.body.as_deref().unwrap()).unwrap();
        assert_eq!(body["msgtype"], "m.text");
        assert_eq!(body["body"], "ann · note: replica lag 40 s");
        assert_eq!(carried(&body), Some(s));
    }
}
