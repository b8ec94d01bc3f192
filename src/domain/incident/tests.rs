//! Unit tests of the fold, on the built-in default playbook (seed 001) and fixed
//! times: no system clock, no IO. Every refusal is also checked to leave the
//! incident exactly as it was (the journal relies on that to validate in place).

use chrono::{Duration, TimeZone};

use super::*;
use crate::config::BUILTIN_PLAYBOOKS;
use chrono::{DateTime, Utc};

use crate::domain::event::{
    ActionUpdate, Briefing, CheckIn, Event, EventKind, FollowUp, Proposal, Trend,
};
use crate::domain::ids::{EventId, IncidentId};
use crate::domain::playbook::{Phase, Playbook};
use crate::domain::rules::RuleError;

mod actions;
mod catalogue;
mod closers;
mod closing;
mod dismissed;
mod record;
mod roles;
mod time;

/// The built-in default playbook.
pub(super) fn pb() -> Playbook {
    Playbook::parse("default.toml", BUILTIN_PLAYBOOKS[0].1).expect("default playbook")
}

/// The default playbook with one edit, for rules the default never triggers.
pub(super) fn pb_edited(from: &str, to: &str) -> Playbook {
    let text = BUILTIN_PLAYBOOKS[0].1;
    assert!(text.contains(from), "the default playbook changed: {from}");
    Playbook::parse("edited.toml", &text.replacen(from, to, 1)).expect("edited playbook")
}

/// 2026-11-21 10:00 UTC plus `minutes`.
pub(super) fn t(minutes: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 21, 10, 0, 0).unwrap() + Duration::minutes(minutes)
}

/// An incident being folded event by event, at a time and by an author the test sets.
pub(super) struct Run {
    pub pb: Playbook,
    pub inc: Incident,
    pub now: DateTime<Utc>,
    pub who: String,
}

impl Run {
    pub fn new() -> Self {
        Self::with(pb())
    }

    pub fn with(pb: Playbook) -> Self {
        Self {
            pb,
            inc: Incident::new(IncidentId::new()),
            now: t(0),
            who: "ann".into(),
        }
    }

    /// A SEV2 "db down" declared by ann at 10:00.
    pub fn declared() -> Self {
        let mut r = Self::new();
        r.ok(declared("db down", "SEV2"));
        r
    }

    pub fn declared_with(pb: Playbook) -> Self {
        let mut r = Self::with(pb);
        r.ok(declared("db down", "SEV2"));
        r
    }

    pub fn at(&mut self, minutes: i64) -> &mut Self {
        self.now = t(minutes);
        self
    }

    pub fn at_time(&mut self, at: DateTime<Utc>) -> &mut Self {
        self.now = at;
        self
    }

    pub fn by(&mut self, who: &str) -> &mut Self {
        self.who = who.into();
        self
    }

    pub fn event(&self, kind: EventKind) -> Event {
        Event::new(self.inc.id, &self.who, self.now, self.now, kind)
    }

    /// Apply; the test fails with the rule's words if it is refused.
    #[track_caller]
    pub fn ok(&mut self, kind: EventKind) -> Event {
        let e = self.event(kind);
        let before = self.inc.events;
        if let Err(err) = self.inc.apply(&e, &self.pb) {
            panic!("{} refused: {err}", e.kind.name());
        }
        assert_eq!(self.inc.events, before + 1, "every folded event is counted");
        e
    }

    /// Apply, expecting a refusal that changes nothing.
    #[track_caller]
    pub fn err(&mut self, kind: EventKind) -> RuleError {
        let e = self.event(kind);
        let before = self.inc.clone();
        let err = match self.inc.apply(&e, &self.pb) {
            Ok(()) => panic!("{} was accepted", e.kind.name()),
            Err(err) => err,
        };
        assert_eq!(
            self.inc,
            before,
            "a refused {} changed the incident",
            e.kind.name()
        );
        err
    }

    /// Move to the resolved state (from any active state).
    pub fn resolve(&mut self) -> Event {
        self.ok(state("resolved"))
    }
}

pub(super) fn declared(title: &str, severity: &str) -> EventKind {
    EventKind::Declared {
        title: title.into(),
        severity: severity.into(),
        summary: String::new(),
        security: false,
        playbook: "default".into(),
    }
}

pub(super) fn note(text: &str, tag: &str) -> EventKind {
    EventKind::Note {
        text: text.into(),
        tag: tag.into(),
        private: false,
    }
}

pub(super) fn state(s: &str) -> EventKind {
    EventKind::StateChanged {
        state: s.into(),
        reason: String::new(),
    }
}

/// A severity change with its reason: every shipped playbook asks for one
/// (`[rules] severity_reason`, issue 6 "severity changes need a reason").
pub(super) fn severity(s: &str) -> EventKind {
    EventKind::SeverityChanged {
        severity: s.into(),
        reason: "impact is wider than we thought".into(),
    }
}

pub(super) fn unknown(given: &str, valid: &str) -> (String, String) {
    (given.to_string(), valid.to_string())
}

#[test]
fn declaring_sets_title_severity_first_state_and_author() {
    let mut r = Run::new();
    r.at(-5).by("bob");
    let e = r.ok(EventKind::Declared {
        title: "checkout 500s".into(),
        severity: "sev1".into(),
        summary: "card payments fail".into(),
        security: false,
        playbook: "default".into(),
    });
    let i = &r.inc;
    assert!(i.declared);
    assert_eq!(i.title, "checkout 500s");
    assert_eq!(i.summary, "card payments fail");
    // The playbook's spelling, whatever the user typed.
    assert_eq!(i.severity, "SEV1");
    assert_eq!(i.state, "investigating");
    assert_eq!(i.playbook, "default");
    assert_eq!((i.declared_at, i.declared_by.as_str()), (t(-5), "bob"));
    assert_eq!(
        i.severity_history,
        vec![Span {
            value: "SEV1".into(),
            at: t(-5)
        }]
    );
    assert_eq!(
        i.state_history,
        vec![Span {
            value: "investigating".into(),
            at: t(-5)
        }]
    );
    assert_eq!(i.security, None);
    assert_eq!((i.events, i.last_event_at), (1, Some(e.at)));
    assert!(i.is_open(&r.pb));
    assert_eq!(i.phase(&r.pb), Phase::Active);
}

#[test]
fn a_security_declaration_raises_the_flag() {
    let mut r = Run::new();
    r.ok(EventKind::Declared {
        title: "leaked keys".into(),
        severity: "SEV1".into(),
        summary: String::new(),
        security: true,
        playbook: "default".into(),
    });
    let flag = r.inc.security.clone().expect("flagged");
    assert_eq!((flag.at, flag.by.as_str()), (t(0), "ann"));
}

#[test]
fn an_incident_is_declared_once_with_a_title_and_a_known_severity() {
    let mut r = Run::new();
    assert_eq!(r.err(declared("  ", "SEV1")), RuleError::Empty("the title"));
    match r.err(declared("db down", "P0")) {
        RuleError::UnknownSeverity { given, valid } => {
            assert_eq!((given, valid), unknown("P0", "SEV1, SEV2, SEV3"))
        }
        other => panic!("{other:?}"),
    }
    r.ok(declared("db down", "SEV2"));
    assert_eq!(r.err(declared("again", "SEV1")), RuleError::AlreadyDeclared);
}

#[test]
fn nothing_happens_to_an_incident_before_it_is_declared() {
    let mut r = Run::new();
    for kind in [
        note("too early", "note"),
        state("identified"),
        severity("SEV1"),
        EventKind::CloseRequested {},
        EventKind::OutageStarted {},
        EventKind::RoleAssigned {
            role: "ic".into(),
            person: "ann".into(),
        },
    ] {
        assert_eq!(r.err(kind), RuleError::NotDeclared);
    }
    assert!(!r.inc.declared);
    assert!(!r.inc.is_open(&r.pb));
}

#[test]
fn title_and_summary_change_but_the_title_never_empties() {
    let mut r = Run::declared();
    r.ok(EventKind::TitleChanged {
        title: "db primary down".into(),
    });
    r.ok(EventKind::SummaryChanged {
        summary: "writes fail".into(),
    });
    assert_eq!(
        (r.inc.title.as_str(), r.inc.summary.as_str()),
        ("db primary down", "writes fail")
    );
    assert_eq!(
        r.err(EventKind::TitleChanged { title: "".into() }),
        RuleError::Empty("the title")
    );
    // An empty summary is allowed: it clears it.
    r.ok(EventKind::SummaryChanged {
        summary: String::new(),
    });
    assert_eq!(r.inc.summary, "");
}

#[test]
fn severity_changes_are_kept_in_order_in_the_playbooks_spelling() {
    let mut r = Run::declared();
    r.at(10).ok(severity("sev1"));
    r.at(40).ok(severity("SEV3"));
    assert_eq!(r.inc.severity, "SEV3");
    let history: Vec<_> = r
        .inc
        .severity_history
        .iter()
        .map(|s| (s.value.as_str(), s.at))
        .collect();
    assert_eq!(
        history,
        vec![("SEV2", t(0)), ("SEV1", t(10)), ("SEV3", t(40))]
    );
    match r.err(severity("critical")) {
        RuleError::UnknownSeverity { given, valid } => {
            assert_eq!((given, valid), unknown("critical", "SEV1, SEV2, SEV3"))
        }
        other => panic!("{other:?}"),
    }
    // The default playbook asks why the severity changed.
    for reason in ["", "  "] {
        assert_eq!(
            r.err(EventKind::SeverityChanged {
                severity: "SEV2".into(),
                reason: reason.into(),
            }),
            RuleError::Empty("the reason for the severity change")
        );
    }
    // A playbook that does not ask takes a change without one.
    let mut r = Run::declared_with(pb_edited(
        "severity_reason = true",
        "severity_reason = false",
    ));
    r.at(5).ok(EventKind::SeverityChanged {
        severity: "SEV1".into(),
        reason: String::new(),
    });
    assert_eq!(r.inc.severity, "SEV1");
}

/// 001 / 003: the active states and Resolved reach each other freely in the
/// default playbook; Closed is reached only by closing.
#[test]
fn state_changes_follow_the_default_playbook() {
    let active = ["investigating", "identified", "monitoring", "resolved"];
    for from in active {
        for to in active {
            let mut r = Run::declared();
            if from != "investigating" {
                r.ok(state(from));
            }
            if from == to {
                assert_eq!(r.err(state(to)), RuleError::SameState(to.into()));
            } else {
                r.at(5).ok(state(to));
                assert_eq!(r.inc.state, to);
                assert_eq!(r.inc.state_history.last().unwrap().at, t(5));
            }
        }
        let mut r = Run::declared();
        if from != "investigating" {
            r.ok(state(from));
        }
        assert_eq!(
            r.err(state("closed")),
            RuleError::CloseByState("closed".into())
        );
        assert_eq!(
            r.err(state("Closed")),
            RuleError::CloseByState("closed".into())
        );
    }
}

#[test]
fn states_are_matched_without_case_and_unknown_ones_listed() {
    let mut r = Run::declared();
    r.ok(state("Identified"));
    assert_eq!(r.inc.state, "identified");
    match r.err(state("fixed")) {
        RuleError::UnknownState { given, valid } => assert_eq!(
            (given, valid),
            unknown(
                "fixed",
                "investigating, identified, monitoring, resolved, closed"
            )
        ),
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_playbook_can_forbid_a_transition_and_says_what_is_allowed() {
    // Investigating may only go to Identified; Monitoring leads nowhere.
    let pb = pb_edited(
        "next = [\"identified\", \"monitoring\", \"resolved\"]",
        "next = [\"identified\"]",
    );
    let mut r = Run::declared_with(pb);
    assert_eq!(
        r.err(state("monitoring")),
        RuleError::StateTransition {
            from: "investigating".into(),
            to: "monitoring".into(),
            allowed: "identified".into(),
        }
    );
    let pb = pb_edited(
        "next = [\"investigating\", \"identified\", \"resolved\"]",
        "next = []",
    );
    let mut r = Run::declared_with(pb);
    r.ok(state("monitoring"));
    let err = r.err(state("resolved"));
    assert_eq!(
        err.to_string(),
        "cannot go from monitoring to resolved; from monitoring the playbook allows: nothing"
    );
}

#[test]
fn service_status_takes_the_playbooks_key() {
    let mut r = Run::declared();
    assert_eq!(r.inc.service_status, None);
    r.ok(EventKind::ServiceStatusChanged {
        status: "Partial_Disruption".into(),
        reason: String::new(),
    });
    assert_eq!(r.inc.service_status.as_deref(), Some("partial_disruption"));
    match r.err(EventKind::ServiceStatusChanged {
        status: "down".into(),
        reason: String::new(),
    }) {
        RuleError::UnknownServiceStatus { given, valid } => assert_eq!(
            (given, valid),
            unknown(
                "down",
                "operational, degraded, partial_disruption, disruption, security_issue"
            )
        ),
        other => panic!("{other:?}"),
    }
}

#[test]
fn events_of_a_newer_cockpit_are_refused_by_apply_and_skipped_by_replay() {
    let mut r = Run::declared();
    let future = EventKind::Unrecognized {
        kind: "pager_escalated".into(),
        body: serde_json::json!({"level": 2}),
    };
    assert_eq!(
        r.err(future.clone()),
        RuleError::Unrecognized("pager_escalated".into())
    );

    let events = vec![
        r.event(declared("db down", "SEV2")),
        r.event(future),
        r.event(note("still here", "note")),
    ];
    let replayed = Incident::replay(r.inc.id, &events, &r.pb);
    assert!(replayed.refused.is_empty(), "{:?}", replayed.refused);
    assert_eq!((replayed.events, replayed.notes), (2, 1));
}

#[test]
fn replay_records_refused_events_and_goes_on() {
    let r = Run::declared();
    let id = r.inc.id;
    let mut events = vec![r.event(declared("db down", "SEV2"))];
    let proposal = r.event(EventKind::ActionProposed(Proposal {
        what: "fail over".into(),
        ..Default::default()
    }));
    let approve = |r: &Run| {
        r.event(EventKind::ActionApproved(ActionUpdate {
            action: proposal.id,
            reason: String::new(),
        }))
    };
    // Two cockpits approved the same action at once: the journal has both.
    let (first, second) = (approve(&r), approve(&r));
    let late_declaration = r.event(declared("again", "SEV1"));
    events.extend([
        proposal.clone(),
        first,
        second.clone(),
        late_declaration.clone(),
    ]);
    events.push(r.event(note("after the conflict", "note")));

    let i = Incident::replay(id, &events, &r.pb);
    assert_eq!(
        i.refused,
        vec![
            Refused {
                event: second.id,
                reason: "action #1 is approved; it cannot become approved".into()
            },
            Refused {
                event: late_declaration.id,
                reason: "the incident is already declared".into()
            },
        ]
    );
    assert_eq!(i.actions[0].status, ActionStatus::Approved);
    assert_eq!((i.events, i.notes, i.title.as_str()), (4, 1, "db down"));
}

#[test]
fn replay_equals_applying_one_by_one() {
    let mut r = Run::new();
    let mut log = vec![r.ok(declared("db down", "SEV2"))];
    log.push(r.at(2).ok(EventKind::RoleAssigned {
        role: "ic".into(),
        person: "ann".into(),
    }));
    log.push(r.at(3).ok(note("noticed at 09:50", "noticed")));
    log.push(r.at(4).ok(EventKind::ActionProposed(Proposal {
        what: "restart".into(),
        ..Default::default()
    })));
    let action = log.last().unwrap().id;
    log.push(r.at(5).ok(EventKind::ActionApproved(ActionUpdate {
        action,
        reason: String::new(),
    })));
    log.push(r.at(6).ok(state("monitoring")));
    let replayed = Incident::replay(r.inc.id, &log, &r.pb);
    assert_eq!(replayed, r.inc);
}

#[test]
fn backdated_events_keep_the_latest_time_seen() {
    let mut r = Run::declared();
    r.at(30).ok(note("now", "note"));
    // "noticed at 09:50", written at 10:30.
    r.at(-10).ok(note("first alert", "noticed"));
    assert_eq!(r.inc.last_event_at, Some(t(30)));
}

#[test]
fn a_folded_incident_survives_json_as_the_snapshot_stores_it() {
    let mut r = Run::declared();
    r.ok(EventKind::RoleAssigned {
        role: "ic".into(),
        person: "ann".into(),
    });
    let n = r.ok(note("seen", "noticed"));
    r.ok(EventKind::Highlighted { event: n.id });
    r.ok(EventKind::ClockSnoozed {
        clock: "checkin".into(),
        until: t(25),
    });
    r.ok(EventKind::RoleHandedOff {
        role: "ic".into(),
        from: "ann".into(),
        to: "bob".into(),
        briefing: Briefing::default(),
    });
    r.resolve();
    r.ok(EventKind::CloseRequested {});
    r.ok(EventKind::ObjectionRaised {
        reason: "wait".into(),
    });
    let json = serde_json::to_string(&r.inc).unwrap();
    let back: Incident = serde_json::from_str(&json).unwrap();
    assert_eq!(back, r.inc);
}

/// The sync engine's `sync_dropped` event (issue 5).
mod sync_dropped {
    use super::*;
    use crate::domain::event::{Event, EventKind};
    use crate::domain::ids::EventId;

    fn playbook() -> Playbook {
        Playbook::parse(
            "default.toml",
            include_str!("../../../assets/playbooks/default.toml"),
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
}
