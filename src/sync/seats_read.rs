//! Reading a shared incident's Matrix room (issue 15): a page of room events
//! (a `/messages` chunk or a `/sync` timeline's `events`, ENDPOINTS.md §4.5)
//! becomes the other seats' events to import, notes tagged `chat` for what
//! people wrote in any Matrix client, and when each sender was last seen.
//! Pure: the caller fetches the page and imports what this returns.

use chrono::{DateTime, TimeZone, Utc};
use std::collections::BTreeMap;

use super::adapters::matrix::note_id;
use super::plan::CHAT_TAG;
use super::plan_seats::carried;
use crate::domain::converge::Stamped;
use crate::domain::sanitize::{clean_line, clean_text};
use crate::domain::{Event, EventKind, IncidentId};

/// What one page of the room holds for the incident.
#[derive(Debug, Default, PartialEq)]
pub struct RoomPage {
    /// Cockpit events (of this incident) the room carried.
    pub events: Vec<Stamped>,
    /// What people wrote, as `chat` notes (ids derived from the Matrix event id).
    pub chat: Vec<Event>,
    /// Each sender's newest message time on this page: the seats' presence.
    pub seen: BTreeMap<String, DateTime<Utc>>,
}

pub fn read_page(
    events: &[serde_json::Value],
    room: &str,
    incident: IncidentId,
    now: DateTime<Utc>,
) -> RoomPage {
    let mut page = RoomPage::default();
    for e in events.iter().filter(|e| e["type"] == "m.room.message") {
        let (Some(sender), Some(id), Some(at)) = (
            e["sender"].as_str(),
            e["event_id"].as_str(),
            e["origin_server_ts"]
                .as_i64()
                .and_then(|ms| Utc.timestamp_millis_opt(ms).single()),
        ) else {
            continue;
        };
        let sender = clean_line(sender);
        let last = page.seen.entry(sender.clone()).or_insert(at);
        *last = (*last).max(at);
        let content = &e["content"];
        if let Some(mut s) = carried(content) {
            // Another incident sharing the room is not this one's business.
            if s.event.incident == incident {
                // Printed everywhere: one clean line, as `Event::new` makes it.
                s.event.author = clean_line(&s.event.author);
                s.event.seq = None;
                page.events.push(s);
            }
            continue;
        }
        let text = content["body"].as_str().map(clean_text).unwrap_or_default();
        if text.trim().is_empty() {
            continue;
        }
        // A chat server whose clock runs ahead of ours cannot date a message
        // after we read it (`heard_at`: the time rule would refuse the note).
        let mut note = Event::new(
            incident,
            &sender,
            crate::domain::incident::heard_at(at, now),
            now,
            EventKind::Note {
                text: text.trim().to_string(),
                tag: CHAT_TAG.into(),
                private: false,
            },
        );
        note.id = note_id(room, id);
        page.chat.push(note);
    }
    page
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sync::plan_seats::EVENT_KEY;
    use serde_json::json;

    #[test]
    fn a_page_splits_into_seat_events_chat_notes_and_presence() {
        let inc = IncidentId::new();
        let other = IncidentId::new();
        let t = Utc.with_ymd_and_hms(2026, 11, 21, 10, 0, 0).unwrap();
        let ev = |incident, author: &str| Stamped {
            event: Event::new(
                incident,
                author,
                t,
                t,
                EventKind::Note {
                    text: "replica lag".into(),
                    tag: "note".into(),
                    private: false,
                },
            ),
            origin: "seat-b".into(),
            origin_seq: 3,
        };
        let mine = ev(inc, "bob");
        let mut forged = ev(inc, "x");
        forged.event.author = "eve\u{1b}[2J".into();
        let ms = t.timestamp_millis();
        let page = [
            json!({"type": "m.room.message", "sender": "@bob:hs", "event_id": "$1",
                   "origin_server_ts": ms, "content": {"msgtype": "m.text", "body": "bob · note: replica lag", EVENT_KEY: mine}}),
            json!({"type": "m.room.message", "sender": "@bob:hs", "event_id": "$2",
                   "origin_server_ts": ms + 5, "content": {"msgtype": "m.text", "body": "x", EVENT_KEY: ev(other, "bob")}}),
            json!({"type": "m.room.message", "sender": "@eve:hs", "event_id": "$3",
                   "origin_server_ts": ms + 9, "content": {"msgtype": "m.text", "body": "x", EVENT_KEY: forged}}),
            json!({"type": "m.room.message", "sender": "@cy:hs", "event_id": "$4",
                   "origin_server_ts": ms + 7, "content": {"msgtype": "m.text", "body": "is the replica back?"}}),
            json!({"type": "m.room.member", "sender": "@dan:hs", "event_id": "$5",
                   "origin_server_ts": ms, "content": {"membership": "join"}}),
        ];
        let got = read_page(&page, "!r:hs", inc, t);
        assert_eq!(got.events.len(), 2, "the other incident's event is skipped");
        assert_eq!(got.events[0], mine);
        assert_eq!(got.events[1].event.author, "eve", "cleaned where it enters");
        assert_eq!(got.chat.len(), 1);
        assert_eq!(got.chat[0].author, "@cy:hs");
        assert_eq!(got.chat[0].id, note_id("!r:hs", "$4"));
        assert!(matches!(&got.chat[0].kind, EventKind::Note { tag, .. } if tag == CHAT_TAG));
        let seen: Vec<_> = got.seen.keys().map(String::as_str).collect();
        assert_eq!(seen, ["@bob:hs", "@cy:hs", "@eve:hs"]);
        assert_eq!(got.seen["@bob:hs"].timestamp_millis(), ms + 5);
    }
}
