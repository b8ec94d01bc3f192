//! Metrics on incidents computed by hand. Times are minutes after 10:00 UTC.

use super::*;
use crate::domain::event::{ActionUpdate, CheckIn, Proposal};
use crate::domain::ids::{EventId, IncidentId};

const DEFAULT: &str = include_str!("../../assets/playbooks/default.toml");

fn pb() -> Playbook {
    Playbook::parse("default.toml", DEFAULT).unwrap()
}

fn t(minutes: i64) -> DateTime<Utc> {
    "2026-03-10T10:00:00Z".parse::<DateTime<Utc>>().unwrap() + Duration::minutes(minutes)
}

struct Script {
    id: IncidentId,
    events: Vec<Event>,
}

impl Script {
    fn new() -> Self {
        Self {
            id: IncidentId::new(),
            events: Vec::new(),
        }
    }

    fn at(&mut self, minutes: i64, author: &str, kind: EventKind) -> EventId {
        let mut e = Event::new(self.id, author, t(minutes), t(minutes), kind);
        e.seq = Some(self.events.len() as i64 + 1);
        let id = e.id;
        self.events.push(e);
        id
    }

    fn fold(&self) -> Incident {
        let i = Incident::replay(self.id, &self.events, &pb());
        assert!(i.refused.is_empty(), "{:?}", i.refused);
        i
    }

    fn metrics(&self, now: i64) -> IncidentMetrics {
        incident_metrics(&self.fold(), &self.events, &pb(), t(now))
    }
}

fn declared() -> EventKind {
    EventKind::Declared {
        title: "checkout 502".into(),
        severity: "SEV1".into(),
        summary: String::new(),
        security: false,
        playbook: "default".into(),
    }
}

fn state(s: &str) -> EventKind {
    EventKind::StateChanged {
        state: s.into(),
        reason: String::new(),
    }
}

fn checkin() -> EventKind {
    EventKind::CheckInHeld(CheckIn {
        status: "same".into(),
        ..Default::default()
    })
}

fn role(kind: &str, role: &str, person: &str) -> EventKind {
    let (role, person) = (role.to_string(), person.to_string());
    match kind {
        "assign" => EventKind::RoleAssigned { role, person },
        _ => EventKind::RoleEngaged { role, person },
    }
}

fn upd(action: EventId) -> ActionUpdate {
    ActionUpdate {
        action,
        reason: String::new(),
    }
}

fn propose(what: &str) -> EventKind {
    EventKind::ActionProposed(Proposal {
        what: what.into(),
        ..Default::default()
    })
}

/// Incident A: backdated outage start, the IC assigned by someone else and
/// engaged later, four check-ins (one too soon, one too late), outage end
/// before the resolution, closed.
fn incident_a() -> Script {
    let mut s = Script::new();
    s.at(0, "ann", declared());
    s.at(-10, "ann", EventKind::OutageStarted {});
    s.at(4, "ann", role("assign", "ic", "bob"));
    s.at(6, "bob", role("engage", "ic", "bob"));
    s.at(10, "bob", checkin());
    let a = s.at(20, "cy", propose("fail over to eu-west"));
    s.at(22, "bob", EventKind::ActionApproved(upd(a)));
    s.at(30, "bob", checkin());
    s.at(35, "cy", EventKind::ActionDone(upd(a)));
    s.at(38, "bob", checkin());
    s.at(40, "cy", EventKind::OutageEnded {});
    s.at(65, "bob", checkin());
    s.at(70, "bob", state("identified"));
    s.at(80, "bob", state("resolved"));
    s.at(100, "bob", EventKind::CloseRequested {});
    s.at(100, "bob", EventKind::Closed {});
    s
}

#[test]
fn incident_a_by_hand() {
    let m = incident_a().metrics(500);
    assert_eq!(m.time_to_detect_secs, Some(600), "09:50 -> 10:00");
    assert_eq!(
        m.time_to_acknowledge_secs,
        Some(360),
        "bob engaged at 10:06"
    );
    assert_eq!(m.acknowledged_at, Some(t(6)));
    assert_eq!(
        m.time_to_mitigate_secs,
        Some(2400),
        "outage end 10:40 wins over the action done at 10:35"
    );
    assert_eq!(m.mitigated_by, Some(MitigatedBy::OutageEnd));
    assert_eq!(m.time_to_resolve_secs, Some(4800));
    assert_eq!(m.time_to_close_secs, Some(6000));
    assert_eq!(m.incident_end, Some(t(100)));
    assert_eq!(m.outage_secs, Some(3000), "09:50 -> 10:40");
    assert_eq!(m.reopened, 0);
    let c = &m.checkins;
    assert_eq!(c.count, 4);
    assert_eq!(c.first_after_secs, Some(600));
    // gaps 20m, 8m, 27m
    assert_eq!(c.mean_gap_secs, Some((1200 + 480 + 1620) / 3));
    assert_eq!(c.max_gap_secs, Some(1620));
    assert_eq!(c.min_gap_secs, Some(480));
    assert_eq!((c.too_soon, c.too_late), (1, 1));
    assert_eq!((c.loop_min_secs, c.loop_max_secs), (Some(900), Some(1200)));
    let states: Vec<(&str, i64)> = m
        .time_in_state
        .iter()
        .map(|s| (s.state.as_str(), s.secs))
        .collect();
    assert_eq!(
        states,
        [
            ("investigating", 4200),
            ("identified", 600),
            ("resolved", 1200)
        ],
        "a closed incident stops counting at close"
    );
}

#[test]
fn without_outage_markers_a_done_action_mitigates() {
    let mut s = incident_a();
    s.events.retain(|e| {
        !matches!(
            e.kind,
            EventKind::OutageEnded {} | EventKind::OutageStarted {}
        )
    });
    let m = s.metrics(500);
    assert_eq!(m.time_to_mitigate_secs, Some(2100));
    assert_eq!(m.mitigated_by, Some(MitigatedBy::Action));
    assert_eq!(m.time_to_detect_secs, None);
    assert_eq!(m.outage_secs, None);
}

/// Incident B: the IC assigns herself at once; a fix is done then reverted;
/// resolved, back to investigating, a second fix holds, resolved, closed, and
/// reopened after close.
fn incident_b(reopen_after_close: bool) -> Script {
    let mut s = Script::new();
    s.at(0, "ann", declared());
    s.at(0, "ann", role("assign", "ic", "ann"));
    let a1 = s.at(15, "cy", propose("restart the pool"));
    s.at(16, "ann", EventKind::ActionApproved(upd(a1)));
    s.at(25, "cy", EventKind::ActionDone(upd(a1)));
    s.at(30, "ann", state("resolved"));
    s.at(50, "ann", state("investigating"));
    s.at(50, "cy", EventKind::ActionReverted(upd(a1)));
    let a2 = s.at(60, "cy", propose("raise the connection limit"));
    s.at(61, "ann", EventKind::ActionApproved(upd(a2)));
    s.at(70, "cy", EventKind::ActionDone(upd(a2)));
    s.at(90, "ann", state("monitoring"));
    s.at(120, "ann", state("resolved"));
    s.at(140, "ann", EventKind::CloseRequested {});
    s.at(140, "ann", EventKind::Closed {});
    if reopen_after_close {
        s.at(
            180,
            "ann",
            EventKind::Reopened {
                reason: "errors are back".into(),
            },
        );
    }
    s
}

#[test]
fn reopened_after_resolve_counts_the_resolution_that_held() {
    let m = incident_b(false).metrics(500);
    assert_eq!(m.time_to_acknowledge_secs, Some(0), "self-assigned IC");
    assert_eq!(m.reopened, 1, "resolved -> investigating at 10:50");
    assert_eq!(
        m.time_to_resolve_secs,
        Some(7200),
        "the second resolution, 12:00"
    );
    assert_eq!(m.resolved_at, Some(t(120)));
    assert_eq!(
        m.time_to_mitigate_secs,
        Some(4200),
        "the reverted fix at 10:25 does not count; the second at 11:10 does"
    );
    assert_eq!(m.mitigated_by, Some(MitigatedBy::Action));
    assert_eq!(m.time_to_close_secs, Some(8400));
    let states: Vec<(&str, i64)> = m
        .time_in_state
        .iter()
        .map(|s| (s.state.as_str(), s.secs))
        .collect();
    // investigating 10:00-10:30 + 10:50-11:30; monitoring 11:30-12:00;
    // resolved 10:30-10:50 + 12:00-12:20
    assert_eq!(
        states,
        [
            ("investigating", 4200),
            ("monitoring", 1800),
            ("resolved", 2400)
        ]
    );
    assert_eq!(m.checkins.count, 0);
    assert_eq!(m.checkins.mean_gap_secs, None);
}

#[test]
fn reopened_after_close_is_open_again() {
    let m = incident_b(true).metrics(210);
    assert_eq!(m.reopened, 2);
    assert_eq!(m.time_to_resolve_secs, None, "open again: not resolved");
    assert_eq!(m.time_to_close_secs, None);
    assert_eq!(m.incident_end, None);
    assert_eq!(m.time_to_mitigate_secs, Some(4200));
    let states: Vec<(&str, i64)> = m
        .time_in_state
        .iter()
        .map(|s| (s.state.as_str(), s.secs))
        .collect();
    // investigating adds 13:00-13:30 (now); closed 12:20-13:00 is a stretch now
    assert_eq!(
        states,
        [
            ("investigating", 6000),
            ("monitoring", 1800),
            ("resolved", 2400),
            ("closed", 2400)
        ]
    );
}

#[test]
fn an_open_incident_counts_up_to_now() {
    let mut s = Script::new();
    s.at(0, "ann", declared());
    s.at(5, "bob", role("assign", "ic", "ann"));
    let m = s.metrics(45);
    assert_eq!(
        m.time_to_acknowledge_secs, None,
        "assigned by someone else, not engaged"
    );
    assert_eq!(m.time_to_mitigate_secs, None);
    assert_eq!(m.time_to_resolve_secs, None);
    assert_eq!(m.time_in_state[0].secs, 2700);
}

#[test]
fn medians() {
    assert_eq!(median(&[5, 1, 3]), Some(3));
    assert_eq!(median(&[4, 1, 3, 2]), Some(2));
    assert_eq!(median(&[]), None);
    assert_eq!(mean(&[1, 2]), Some(1));
}

#[test]
fn outage_stretches_pair_starts_with_ends() {
    let mut s = Script::new();
    s.at(0, "ann", declared());
    s.at(5, "cy", EventKind::OutageStarted {});
    s.at(10, "cy", EventKind::OutageEnded {});
    s.at(20, "cy", EventKind::OutageStarted {});
    assert_eq!(
        s.metrics(30).outage_secs,
        None,
        "an outage still open has no total"
    );
    s.at(26, "cy", EventKind::OutageEnded {});
    assert_eq!(
        outage_stretches(&s.events),
        [(t(5), Some(t(10))), (t(20), Some(t(26)))]
    );
    assert_eq!(s.metrics(30).outage_secs, Some(300 + 360));
    assert_eq!(
        s.metrics(30).time_to_detect_secs,
        None,
        "the outage began after the declaration"
    );
}

#[test]
fn with_an_ownership_cascade_the_first_owner_engaged_acknowledges() {
    // 003: the EOC acknowledges the page and owns the incident; the IMOC, the
    // commanding role, engages later.
    let pb = Playbook::parse(
        "eoc-imoc-cmoc.toml",
        include_str!("../../assets/playbooks/eoc-imoc-cmoc.toml"),
    )
    .unwrap();
    let id = IncidentId::new();
    let mut events = Vec::new();
    let mut at = |minutes: i64, author: &str, kind: EventKind| {
        let mut e = Event::new(id, author, t(minutes), t(minutes), kind);
        e.seq = Some(events.len() as i64 + 1);
        events.push(e);
    };
    at(
        0,
        "rex",
        EventKind::Declared {
            title: "git pushes fail".into(),
            severity: "S3".into(),
            summary: String::new(),
            security: false,
            playbook: "eoc-imoc-cmoc".into(),
        },
    );
    at(2, "eve", role("engage", "eoc", "eve"));
    at(10, "eve", role("assign", "imoc", "ian"));
    at(15, "ian", role("engage", "imoc", "ian"));
    let incident = Incident::replay(id, &events, &pb);
    assert!(incident.refused.is_empty(), "{:?}", incident.refused);
    let m = incident_metrics(&incident, &events, &pb, t(30));
    assert_eq!(
        m.acknowledged_at,
        Some(t(2)),
        "the EOC, not the IMOC at 10:15"
    );
    assert_eq!(m.time_to_acknowledge_secs, Some(120));
    assert_eq!(acknowledging_roles(&pb), ["imoc", "eoc", "cmoc"]);
}

/// Issue 13, item 4: time to detect counts from the earliest evidence, a
/// backdated public note included; a private note does not count.
#[test]
fn time_to_detect_counts_from_the_first_backdated_note() {
    let note = |text: &str, private: bool| EventKind::Note {
        text: text.into(),
        tag: "note".into(),
        private,
    };
    let mut s = Script::new();
    s.at(0, "ann", declared());
    assert_eq!(s.metrics(5).time_to_detect_secs, None);
    s.at(-25, "ann", note("first customer complaint", false));
    assert_eq!(s.metrics(5).time_to_detect_secs, Some(25 * 60));
    s.at(-40, "ann", note("private hunch", true));
    assert_eq!(s.metrics(5).time_to_detect_secs, Some(25 * 60));
    s.at(-30, "ann", EventKind::OutageStarted {});
    assert_eq!(s.metrics(5).time_to_detect_secs, Some(30 * 60));
}
