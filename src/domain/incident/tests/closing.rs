//! Resolving, closing and reopening: 000 "Is anyone opposed to me closing this
//! incident?", 001 "wait an additional 15 minutes before you disband".

use super::*;

fn object(reason: &str) -> EventKind {
    EventKind::ObjectionRaised {
        reason: reason.into(),
    }
}

fn withdraw(objection: EventId) -> EventKind {
    EventKind::ObjectionWithdrawn { objection }
}

/// Declared at 10:00, resolved at 10:30, close requested at 10:31.
fn resolved_and_asked() -> Run {
    let mut r = Run::declared();
    r.at(30).resolve();
    r.at(31).ok(EventKind::CloseRequested {});
    r
}

#[test]
fn closing_needs_a_resolved_incident() {
    let mut r = Run::declared();
    let not_resolved = RuleError::NotResolved {
        resolved: "resolved".into(),
        state: "investigating".into(),
    };
    assert_eq!(r.err(EventKind::CloseRequested {}), not_resolved);
    assert_eq!(r.err(EventKind::Closed {}), not_resolved);
    r.ok(state("monitoring"));
    assert_eq!(
        r.err(EventKind::Closed {}).to_string(),
        "the incident must be resolved before it is closed (it is monitoring)"
    );
}

#[test]
fn resolving_starts_the_watch() {
    let mut r = Run::declared();
    r.at(30).resolve();
    assert_eq!(r.inc.resolved_at, Some(t(30)));
    assert_eq!(r.inc.phase(&r.pb), Phase::Resolved);
    assert!(r.inc.is_open(&r.pb), "resolved is not closed yet");
}

#[test]
fn closing_needs_a_close_request_first() {
    let mut r = Run::declared();
    r.at(0).resolve();
    assert_eq!(
        r.at(60).err(EventKind::Closed {}),
        RuleError::CloseNotRequested
    );
    assert_eq!(r.err(object("not yet")), RuleError::CloseNotRequested);
    r.by("ann").ok(EventKind::CloseRequested {});
    assert_eq!(
        r.inc.close_requested,
        Some(Span {
            value: "ann".into(),
            at: t(60)
        })
    );
    assert_eq!(
        r.err(EventKind::CloseRequested {}),
        RuleError::CloseAlreadyRequested
    );
}

/// 001: wait 15 minutes after resolution; counted from when it was resolved,
/// to when the close says it happened.
#[test]
fn the_fifteen_minute_watch_after_resolution() {
    let mut r = resolved_and_asked();
    r.at_time(t(44) + Duration::seconds(59));
    assert_eq!(
        r.err(EventKind::Closed {}),
        RuleError::WatchNotOver {
            remaining: "1s".into(),
            watch: "15m".into()
        }
    );
    assert_eq!(
        r.at(35).err(EventKind::Closed {}).to_string(),
        "watch the service 10m 00s more before closing (001: wait 15m after resolution)"
    );
    r.at(45).ok(EventKind::Closed {});
    assert_eq!(r.inc.state, "closed");
    assert_eq!(r.inc.closed_at, Some(t(45)));
    assert_eq!(r.inc.phase(&r.pb), Phase::Closed);
    assert!(!r.inc.is_open(&r.pb));
}

#[test]
fn standing_objections_block_the_close_until_withdrawn() {
    let mut r = resolved_and_asked();
    let a = r.at(32).by("bob").ok(object("EU still slow"));
    let b = r.by("cy").ok(object("waiting for the vendor"));
    assert_eq!(r.err(object("  ")), RuleError::Empty("the objection"));
    // Anyone objects; ann, who declared (no IC yet), decides (issue 13).
    r.at(50).by("ann");
    assert_eq!(r.err(EventKind::Closed {}), RuleError::ObjectionsStand(2));
    r.ok(withdraw(a.id));
    assert_eq!(r.err(EventKind::Closed {}), RuleError::ObjectionsStand(1));
    assert_eq!(
        r.err(withdraw(a.id)),
        RuleError::UnknownObjection(a.id.short())
    );
    let stray = EventId::new();
    assert_eq!(
        r.err(withdraw(stray)),
        RuleError::UnknownObjection(stray.short())
    );
    r.ok(withdraw(b.id));
    assert_eq!(r.inc.standing_objections().count(), 0);
    assert!(r.inc.objections.iter().all(|o| o.withdrawn));
    r.ok(EventKind::Closed {});
}

#[test]
fn going_back_to_work_cancels_the_close_and_restarts_the_watch() {
    let mut r = resolved_and_asked();
    r.at(32).ok(object("errors are back"));
    r.at(33).ok(state("investigating"));
    assert_eq!(r.inc.resolved_at, None);
    assert_eq!(r.inc.close_requested, None);
    assert!(r.inc.objections.is_empty());

    r.at(60).resolve();
    assert_eq!(
        r.at(80).err(EventKind::Closed {}),
        RuleError::CloseNotRequested
    );
    r.at(70).ok(EventKind::CloseRequested {});
    // The watch runs from the second resolution.
    assert!(matches!(
        r.at(74).err(EventKind::Closed {}),
        RuleError::WatchNotOver { .. }
    ));
    r.at(75).ok(EventKind::Closed {});
}

#[test]
fn a_new_close_request_starts_a_new_round_of_objections() {
    let mut r = resolved_and_asked();
    r.at(32).ok(object("wait"));
    r.at(33).ok(state("monitoring"));
    r.at(40).resolve();
    r.at(41).ok(EventKind::CloseRequested {});
    assert_eq!(r.inc.standing_objections().count(), 0);
    r.at(55).ok(EventKind::Closed {});
}

#[test]
fn a_closed_incident_takes_only_notes_and_paperwork() {
    let mut r = resolved_and_asked();
    let n = r.at(40).ok(note("all clear", "note"));
    r.at(45).ok(EventKind::Closed {});

    // Post-incident work goes on (000, 004: follow-ups, corrections, links).
    r.at(50).ok(note("postmortem scheduled", "note"));
    r.ok(EventKind::Highlighted { event: n.id });
    r.ok(EventKind::Amended {
        event: n.id,
        text: "all clear at 10:44".into(),
    });
    r.ok(EventKind::FollowUpAdded(FollowUp {
        text: "replica lag alert".into(),
        owner: String::new(),
        criticality: String::new(),
        due: None,
        from_event: None,
    }));
    r.ok(EventKind::LinkSet {
        link: "document".into(),
        url: "https://docs.example/pm".into(),
    });
    r.ok(EventKind::ClockAcknowledged {
        clock: "rca".into(),
    });
    r.ok(EventKind::ClockSnoozed {
        clock: "rca".into(),
        until: t(600),
    });

    for kind in [
        EventKind::TitleChanged { title: "x".into() },
        EventKind::SummaryChanged {
            summary: "x".into(),
        },
        severity("SEV1"),
        state("investigating"),
        state("closed"),
        EventKind::ServiceStatusChanged {
            status: "operational".into(),
            reason: String::new(),
        },
        EventKind::CheckInHeld(CheckIn {
            status: "x".into(),
            ..Default::default()
        }),
        EventKind::CommsSent {
            audience: "all".into(),
            text: "x".into(),
        },
        EventKind::OutageStarted {},
        EventKind::OutageEnded {},
        EventKind::CloseRequested {},
        object("late"),
        withdraw(EventId::new()),
        EventKind::Closed {},
        EventKind::NearMiss {
            would_be_severity: "SEV1".into(),
        },
        EventKind::SecurityFlagged {
            details: String::new(),
        },
    ] {
        assert_eq!(r.err(kind), RuleError::IncidentClosed);
    }
}

#[test]
fn reopening_a_resolved_or_closed_incident_starts_over_at_the_first_state() {
    let mut r = Run::declared();
    assert_eq!(
        r.err(EventKind::Reopened {
            reason: String::new()
        }),
        RuleError::NotReopenable("Resolved".into())
    );

    let mut r = resolved_and_asked();
    r.at(35).ok(EventKind::Reopened {
        reason: "errors are back".into(),
    });
    assert_eq!(
        (r.inc.state.as_str(), r.inc.resolved_at),
        ("investigating", None)
    );
    assert_eq!(r.inc.close_requested, None);

    let mut r = resolved_and_asked();
    r.at(45).ok(EventKind::Closed {});
    r.at(120).ok(EventKind::Reopened {
        reason: "same fault again".into(),
    });
    assert_eq!(r.inc.state, "investigating");
    assert_eq!((r.inc.closed_at, r.inc.resolved_at), (None, None));
    assert!(r.inc.is_open(&r.pb));
    let states: Vec<_> = r
        .inc
        .state_history
        .iter()
        .map(|s| s.value.as_str())
        .collect();
    assert_eq!(
        states,
        ["investigating", "resolved", "closed", "investigating"]
    );
    // Work goes on as before.
    r.ok(severity("SEV1"));
    assert_eq!(
        r.err(EventKind::Reopened {
            reason: String::new()
        }),
        RuleError::NotReopenable("Resolved".into())
    );
}
