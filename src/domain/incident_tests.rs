use super::*;
use crate::domain::event::{Event, EventKind};
use crate::domain::ids::EventId;

fn playbook() -> Playbook {
    Playbook::parse(
        "default.toml",
        include_str!("../../assets/playbooks/default.toml"),
    )
    .unwrap()
}

fn event(incident: IncidentId, kind: EventKind) -> Event {
    let t = DateTime::parse_from_rfc3339("2026-11-21T10:00:00Z")
        .unwrap()
        .with_timezone(&Utc);
    Event::new(incident, "ann", t, t, kind)
}

fn dropped(endpoint: &str) -> EventKind {
    EventKind::SyncDropped {
        endpoint: endpoint.into(),
        row: 3,
        event: EventId::new(),
        what: "post".into(),
        error: String::new(),
        reason: String::new(),
    }
}

#[test]
fn a_dropped_sync_row_is_recorded_even_after_close_but_needs_an_endpoint() {
    let pb = playbook();
    let id = IncidentId::new();
    let mut inc = Incident::new(id);
    assert_eq!(
        inc.apply(&event(id, dropped("chat")), &pb),
        Err(RuleError::NotDeclared)
    );
    let declared = EventKind::Declared {
        title: "db down".into(),
        severity: "SEV2".into(),
        summary: String::new(),
        security: false,
        playbook: "default".into(),
    };
    inc.apply(&event(id, declared), &pb).unwrap();
    let before = inc.clone();
    inc.apply(&event(id, dropped("chat")), &pb).unwrap();
    // Bookkeeping only: counted, but the incident's state is unchanged.
    assert_eq!(inc.events, before.events + 1);
    assert_eq!(inc.state, before.state);
    assert_eq!(
        inc.apply(&event(id, dropped(" ")), &pb),
        Err(RuleError::Empty("the endpoint"))
    );
    inc.state = pb.state_in_phase(Phase::Closed).key.clone();
    inc.apply(&event(id, dropped("chat")), &pb).unwrap();
}
