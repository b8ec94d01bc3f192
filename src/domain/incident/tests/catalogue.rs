//! Completeness guards: one incident that goes through every event kind, and
//! one refusal of every rule. The exhaustive matches below stop compiling when a
//! variant is added, so a new kind or rule cannot go untested.

use std::collections::BTreeSet;

use super::*;

/// Every variant's name; no wildcard on purpose.
fn kind_variant(k: &EventKind) -> &'static str {
    use EventKind::*;
    match k {
        Declared { .. } => "Declared",
        TitleChanged { .. } => "TitleChanged",
        SummaryChanged { .. } => "SummaryChanged",
        SeverityChanged { .. } => "SeverityChanged",
        StateChanged { .. } => "StateChanged",
        ServiceStatusChanged { .. } => "ServiceStatusChanged",
        RoleAssigned { .. } => "RoleAssigned",
        RoleEngaged { .. } => "RoleEngaged",
        RoleReleased { .. } => "RoleReleased",
        RoleHandedOff { .. } => "RoleHandedOff",
        Note { .. } => "Note",
        Highlighted { .. } => "Highlighted",
        Amended { .. } => "Amended",
        ActionProposed(_) => "ActionProposed",
        ActionApproved(_) => "ActionApproved",
        ActionRejected(_) => "ActionRejected",
        ActionInfoRequested(_) => "ActionInfoRequested",
        ActionStarted(_) => "ActionStarted",
        ActionDone(_) => "ActionDone",
        ActionFailed(_) => "ActionFailed",
        ActionReverted(_) => "ActionReverted",
        CheckInHeld(_) => "CheckInHeld",
        CommsSent { .. } => "CommsSent",
        LinkSet { .. } => "LinkSet",
        OutageStarted {} => "OutageStarted",
        OutageEnded {} => "OutageEnded",
        CloseRequested {} => "CloseRequested",
        ObjectionRaised { .. } => "ObjectionRaised",
        ObjectionWithdrawn { .. } => "ObjectionWithdrawn",
        Closed {} => "Closed",
        Reopened { .. } => "Reopened",
        FollowUpAdded(_) => "FollowUpAdded",
        NearMiss { .. } => "NearMiss",
        SecurityFlagged { .. } => "SecurityFlagged",
        ClockAcknowledged { .. } => "ClockAcknowledged",
        ClockSnoozed { .. } => "ClockSnoozed",
        Unrecognized { .. } => "Unrecognized",
        HandoffAccepted { .. } => "HandoffAccepted",
        // The seeds' processes (issue 6): folded and refused in `process_tests.rs`.
        HandoffDeclined { .. } => "HandoffDeclined",
        ChecklistStepDone { .. } => "ChecklistStepDone",
        ChecklistStepUndone { .. } => "ChecklistStepUndone",
        ActionAmended { .. } => "ActionAmended",
        RetrospectiveScheduled { .. } => "RetrospectiveScheduled",
        // Sync (issue 5): `sync_dropped` in this file's sibling module.
        SyncDropped { .. } => "SyncDropped",
        // Issue 17: folded and refused in `remote.rs`.
        RolePaged { .. } => "RolePaged",
        PublicPostsHeld { .. } => "PublicPostsHeld",
        RemoteLinked { .. } => "RemoteLinked",
        // Issue 13: folded and refused in `tests/dismissed.rs`.
        Dismissed { .. } => "Dismissed",
    }
}
/// The kinds this incident goes through; the six newer ones above are
/// exercised where their rules live (process_tests.rs, sync_dropped).
const KIND_VARIANTS: usize = 38;

fn rule_variant(e: &RuleError) -> &'static str {
    use RuleError::*;
    match e {
        NotDeclared => "NotDeclared",
        AlreadyDeclared => "AlreadyDeclared",
        IncidentClosed => "IncidentClosed",
        UnknownSeverity { .. } => "UnknownSeverity",
        UnknownState { .. } => "UnknownState",
        UnknownServiceStatus { .. } => "UnknownServiceStatus",
        UnknownRole { .. } => "UnknownRole",
        UnknownTag { .. } => "UnknownTag",
        UnknownLinkKind { .. } => "UnknownLinkKind",
        StateTransition { .. } => "StateTransition",
        SameState(_) => "SameState",
        CloseByState(_) => "CloseByState",
        NotHolding { .. } => "NotHolding",
        AlreadyHolding { .. } => "AlreadyHolding",
        RoleTaken { .. } => "RoleTaken",
        RolesDoNotCombine { .. } => "RolesDoNotCombine",
        UnknownAction(_) => "UnknownAction",
        ActionTransition { .. } => "ActionTransition",
        UnknownEvent(_) => "UnknownEvent",
        Empty(_) => "Empty",
        CloseNotRequested => "CloseNotRequested",
        CloseAlreadyRequested => "CloseAlreadyRequested",
        ObjectionsStand(_) => "ObjectionsStand",
        UnknownObjection(_) => "UnknownObjection",
        NotResolved { .. } => "NotResolved",
        WatchNotOver { .. } => "WatchNotOver",
        NotReopenable(_) => "NotReopenable",
        Unrecognized(_) => "Unrecognized",
        // Clocks (issue 4): refused in domain/clocks/tests.rs and the CLI tests.
        UnknownClock { .. } => "UnknownClock",
        SnoozeInThePast => "SnoozeInThePast",
        // The seeds' processes (issue 6): refused in process_tests.rs.
        HandoffPending { .. } => "HandoffPending",
        NoPendingHandoff(_) => "NoPendingHandoff",
        NotHandoffTarget { .. } => "NotHandoffTarget",
        HandoverUndocumented(_) => "HandoverUndocumented",
        StaysForLifecycle(_) => "StaysForLifecycle",
        CommanderDecides { .. } => "CommanderDecides",
        OnlyOwnerResolves { .. } => "OnlyOwnerResolves",
        NotDecider { .. } => "NotDecider",
        UnknownChecklist { .. } => "UnknownChecklist",
        UnknownStep { .. } => "UnknownStep",
        StepIsRecorded { .. } => "StepIsRecorded",
        StepNotApplicable { .. } => "StepNotApplicable",
        StepAlreadyDone(_) => "StepAlreadyDone",
        StepNotDone(_) => "StepNotDone",
        ChecklistOpen { .. } => "ChecklistOpen",
        FacilitatorInvolved { .. } => "FacilitatorInvolved",
        FacilitatorNotInRole { .. } => "FacilitatorNotInRole",
        ReviewTooEarly(_) => "ReviewTooEarly",
        // The time rule (issue 13): refused in tests/time.rs.
        InTheFuture { .. } => "InTheFuture",
        Backdated { .. } => "Backdated",
        // Who may close (issue 13): refused in tests/closing.rs.
        NotCloser { .. } => "NotCloser",
    }
}
/// The rules refused below; the newer ones above are refused where they live.
const RULE_VARIANTS: usize = 28;

fn upd(action: EventId) -> ActionUpdate {
    ActionUpdate {
        action,
        reason: String::new(),
    }
}

fn role(kind: &str, role: &str, person: &str) -> EventKind {
    let (role, person) = (role.to_string(), person.to_string());
    match kind {
        "assign" => EventKind::RoleAssigned { role, person },
        "engage" => EventKind::RoleEngaged { role, person },
        _ => EventKind::RoleReleased { role, person },
    }
}

/// A whole incident, one event of each kind, through the fold and through replay.
#[test]
fn one_incident_through_every_event_kind() {
    let mut r = Run::new();
    let mut log = vec![r.ok(declared("db down", "SEV2"))];
    let mut push = |r: &mut Run, kind: EventKind| {
        let e = r.ok(kind);
        log.push(e.clone());
        e
    };
    push(
        &mut r,
        EventKind::TitleChanged {
            title: "db primary down".into(),
        },
    );
    push(
        &mut r,
        EventKind::SummaryChanged {
            summary: "writes fail".into(),
        },
    );
    push(&mut r, severity("SEV1"));
    push(&mut r, role("assign", "ic", "ann"));
    push(&mut r, role("engage", "ic", "ann"));
    push(&mut r, role("assign", "scribe", "bob"));
    push(&mut r, role("release", "scribe", "bob"));
    push(
        &mut r,
        EventKind::RoleHandedOff {
            role: "ic".into(),
            from: "ann".into(),
            to: "cy".into(),
            briefing: Briefing::default(),
        },
    );
    // 000: command passes when the incoming IC says they have it; from here
    // on cy decides the actions (001).
    r.by("cy");
    push(
        &mut r,
        EventKind::HandoffAccepted {
            role: "ic".into(),
            person: "cy".into(),
        },
    );
    let n = push(&mut r, note("noticed at 09:50", "noticed"));
    push(&mut r, EventKind::Highlighted { event: n.id });
    push(
        &mut r,
        EventKind::Amended {
            event: n.id,
            text: "09:48".into(),
        },
    );
    push(
        &mut r,
        EventKind::ServiceStatusChanged {
            status: "disruption".into(),
            reason: String::new(),
        },
    );
    push(&mut r, EventKind::OutageStarted {});
    let ids: Vec<EventId> = (0..5)
        .map(|i| {
            push(
                &mut r,
                EventKind::ActionProposed(Proposal {
                    what: format!("measure {i}"),
                    ..Default::default()
                }),
            )
            .id
        })
        .collect();
    push(&mut r, EventKind::ActionInfoRequested(upd(ids[0])));
    push(
        &mut r,
        EventKind::ActionRejected(ActionUpdate {
            action: ids[0],
            reason: "too risky".into(),
        }),
    );
    push(&mut r, EventKind::ActionApproved(upd(ids[1])));
    push(&mut r, EventKind::ActionStarted(upd(ids[1])));
    push(&mut r, EventKind::ActionDone(upd(ids[1])));
    push(&mut r, EventKind::ActionReverted(upd(ids[1])));
    push(&mut r, EventKind::ActionApproved(upd(ids[2])));
    push(&mut r, EventKind::ActionFailed(upd(ids[2])));
    push(
        &mut r,
        EventKind::CheckInHeld(CheckIn {
            status: "same".into(),
            ..Default::default()
        }),
    );
    push(
        &mut r,
        EventKind::CommsSent {
            audience: "status page".into(),
            text: "investigating".into(),
        },
    );
    push(
        &mut r,
        EventKind::LinkSet {
            link: "bridge".into(),
            url: "https://meet.example".into(),
        },
    );
    push(
        &mut r,
        EventKind::NearMiss {
            would_be_severity: "SEV1".into(),
        },
    );
    push(
        &mut r,
        EventKind::SecurityFlagged {
            details: "keys".into(),
        },
    );
    push(
        &mut r,
        EventKind::ClockAcknowledged {
            clock: "checkin".into(),
        },
    );
    push(
        &mut r,
        EventKind::ClockSnoozed {
            clock: "checkin".into(),
            until: t(20),
        },
    );
    push(&mut r, EventKind::OutageEnded {});
    push(&mut r, state("resolved"));
    push(&mut r, EventKind::CloseRequested {});
    let o = push(
        &mut r,
        EventKind::ObjectionRaised {
            reason: "wait".into(),
        },
    );
    push(&mut r, EventKind::ObjectionWithdrawn { objection: o.id });
    r.at(15);
    push(&mut r, EventKind::Closed {});
    push(
        &mut r,
        EventKind::FollowUpAdded(FollowUp {
            text: "alert on lag".into(),
            owner: "bob".into(),
            criticality: String::new(),
            due: None,
            from_event: None,
        }),
    );
    push(
        &mut r,
        EventKind::Reopened {
            reason: "back".into(),
        },
    );
    let future = r.event(EventKind::Unrecognized {
        kind: "from_the_future".into(),
        body: serde_json::Value::Null,
    });
    log.push(future);

    let seen: BTreeSet<_> = log.iter().map(|e| kind_variant(&e.kind)).collect();
    assert_eq!(
        seen.len(),
        KIND_VARIANTS,
        "a kind is missing from this incident"
    );

    let i = &r.inc;
    assert_eq!(
        (i.title.as_str(), i.severity.as_str(), i.state.as_str()),
        ("db primary down", "SEV1", "investigating")
    );
    assert_eq!(i.commander(&r.pb).unwrap().person, "cy");
    let statuses: Vec<_> = i.actions.iter().map(|a| a.status).collect();
    use ActionStatus::*;
    assert_eq!(statuses, [Rejected, Reverted, Failed, Proposed, Proposed]);
    assert_eq!(
        i.events,
        log.len() - 1,
        "all but the unknown kind are folded"
    );

    let replayed = Incident::replay(i.id, &log, &r.pb);
    assert!(replayed.refused.is_empty(), "{:?}", replayed.refused);
    assert_eq!(&replayed, i);
}

/// One refusal of every rule the fold enforces. `UnknownEvent` is the CLI's
/// (an id prefix that matches nothing); the fold never sees such an event.
#[test]
fn every_rule_refuses_something() {
    let mut seen = BTreeSet::new();
    let mut expect = |r: &mut Run, kind: EventKind, variant: &'static str| {
        let err = r.err(kind);
        assert_eq!(rule_variant(&err), variant, "{err}");
        assert!(!err.to_string().contains('\n'), "one line: {err}");
        seen.insert(variant);
    };

    let mut r = Run::new();
    expect(&mut r, note("x", "note"), "NotDeclared");
    expect(&mut r, declared("x", "SEV9"), "UnknownSeverity");
    expect(&mut r, declared("", "SEV1"), "Empty");
    r.ok(declared("db down", "SEV2"));
    expect(&mut r, declared("x", "SEV1"), "AlreadyDeclared");
    expect(&mut r, state("gone"), "UnknownState");
    expect(&mut r, state("investigating"), "SameState");
    expect(&mut r, state("closed"), "CloseByState");
    expect(
        &mut r,
        EventKind::ServiceStatusChanged {
            status: "meh".into(),
            reason: String::new(),
        },
        "UnknownServiceStatus",
    );
    expect(&mut r, role("assign", "boss", "ann"), "UnknownRole");
    expect(&mut r, note("x", "gossip"), "UnknownTag");
    expect(
        &mut r,
        EventKind::LinkSet {
            link: "fax".into(),
            url: "x".into(),
        },
        "UnknownLinkKind",
    );
    expect(&mut r, role("release", "ic", "ann"), "NotHolding");
    r.ok(role("assign", "ic", "ann"));
    expect(&mut r, role("assign", "ic", "ann"), "AlreadyHolding");
    expect(&mut r, role("assign", "ic", "bob"), "RoleTaken");
    expect(&mut r, role("assign", "scribe", "ann"), "RolesDoNotCombine");
    expect(
        &mut r,
        EventKind::ActionApproved(upd(EventId::new())),
        "UnknownAction",
    );
    let a = r.ok(EventKind::ActionProposed(Proposal {
        what: "x".into(),
        ..Default::default()
    }));
    expect(&mut r, EventKind::ActionDone(upd(a.id)), "ActionTransition");
    expect(&mut r, EventKind::CloseRequested {}, "NotResolved");
    expect(
        &mut r,
        EventKind::ObjectionRaised { reason: "x".into() },
        "CloseNotRequested",
    );
    expect(
        &mut r,
        EventKind::Reopened {
            reason: String::new(),
        },
        "NotReopenable",
    );
    expect(
        &mut r,
        EventKind::Unrecognized {
            kind: "new".into(),
            body: serde_json::Value::Null,
        },
        "Unrecognized",
    );
    r.ok(state("resolved"));
    r.ok(EventKind::CloseRequested {});
    expect(
        &mut r,
        EventKind::CloseRequested {},
        "CloseAlreadyRequested",
    );
    expect(
        &mut r,
        EventKind::ObjectionWithdrawn {
            objection: EventId::new(),
        },
        "UnknownObjection",
    );
    let o = r.ok(EventKind::ObjectionRaised { reason: "x".into() });
    expect(&mut r, EventKind::Closed {}, "ObjectionsStand");
    r.ok(EventKind::ObjectionWithdrawn { objection: o.id });
    expect(&mut r, EventKind::Closed {}, "WatchNotOver");
    r.at(15).ok(EventKind::Closed {});
    expect(&mut r, severity("SEV1"), "IncidentClosed");

    let mut r = Run::declared_with(pb_edited(
        "next = [\"identified\", \"monitoring\", \"resolved\"]",
        "next = [\"identified\"]",
    ));
    expect(&mut r, state("resolved"), "StateTransition");

    seen.insert(rule_variant(&RuleError::UnknownEvent(String::new())));
    assert_eq!(seen.len(), RULE_VARIANTS, "a rule has no case: {seen:?}");
}
