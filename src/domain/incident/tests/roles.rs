//! The roster: assign, engage, release, hand off (001 roles, 004 handoff).

use super::*;

fn assign(role: &str, person: &str) -> EventKind {
    EventKind::RoleAssigned {
        role: role.into(),
        person: person.into(),
    }
}

fn engage(role: &str, person: &str) -> EventKind {
    EventKind::RoleEngaged {
        role: role.into(),
        person: person.into(),
    }
}

fn release(role: &str, person: &str) -> EventKind {
    EventKind::RoleReleased {
        role: role.into(),
        person: person.into(),
    }
}

fn handoff(role: &str, from: &str, to: &str) -> EventKind {
    EventKind::RoleHandedOff {
        role: role.into(),
        from: from.into(),
        to: to.into(),
        briefing: Briefing {
            status: "replica lag falling".into(),
            ..Default::default()
        },
    }
}

fn accept(role: &str, person: &str) -> EventKind {
    EventKind::HandoffAccepted {
        role: role.into(),
        person: person.into(),
    }
}

fn holders(r: &Run, role: &str) -> Vec<String> {
    r.inc.holders(role).map(|h| h.person.clone()).collect()
}

#[test]
fn assigning_records_who_and_when_in_the_playbooks_spelling() {
    let mut r = Run::declared();
    r.at(2).ok(assign("IC", "ann"));
    let h = &r.inc.roster[0];
    assert_eq!((h.role.as_str(), h.person.as_str()), ("ic", "ann"));
    assert_eq!(
        (h.assigned_at, h.engaged_at, h.released_at),
        (t(2), None, None)
    );
    assert_eq!(
        r.inc.commander(&r.pb).map(|h| h.person.as_str()),
        Some("ann")
    );
    assert_eq!(r.inc.roles_of("ann").count(), 1);
}

#[test]
fn unknown_roles_are_listed_and_people_need_names() {
    let mut r = Run::declared();
    match r.err(assign("imoc", "ann")) {
        RuleError::UnknownRole { given, valid } => assert_eq!(
            (given.as_str(), valid.as_str()),
            (
                "imoc",
                "ic, deputy, tech_lead, investigator, communicator, scribe"
            )
        ),
        other => panic!("{other:?}"),
    }
    for kind in [
        engage("boss", "ann"),
        release("boss", "ann"),
        handoff("boss", "a", "b"),
    ] {
        assert!(matches!(r.err(kind), RuleError::UnknownRole { .. }));
    }
    assert_eq!(r.err(assign("ic", " ")), RuleError::Empty("the person"));
}

#[test]
fn a_single_role_has_one_holder_and_changes_hands_by_handoff() {
    let mut r = Run::declared();
    r.ok(assign("ic", "ann"));
    assert_eq!(
        r.err(assign("ic", "ann")),
        RuleError::AlreadyHolding {
            role: "ic".into(),
            person: "ann".into()
        }
    );
    assert_eq!(
        r.err(assign("ic", "bob")),
        RuleError::RoleTaken {
            role: "ic".into(),
            holder: "ann".into()
        }
    );
    // Engaging someone new in a taken single role is assigning it: refused too.
    assert!(matches!(
        r.err(engage("ic", "bob")),
        RuleError::RoleTaken { .. }
    ));
}

#[test]
fn several_people_may_investigate() {
    let mut r = Run::declared();
    r.ok(assign("investigator", "bob"));
    r.ok(assign("investigator", "cy"));
    assert_eq!(holders(&r, "investigator"), vec!["bob", "cy"]);
    assert!(matches!(
        r.err(assign("investigator", "cy")),
        RuleError::AlreadyHolding { .. }
    ));
}

/// 001: the communicator role may be folded into the scribe's; nothing else combines.
#[test]
fn roles_combine_only_where_the_playbook_says() {
    let mut r = Run::declared();
    r.ok(assign("scribe", "dee"));
    r.ok(assign("communicator", "dee"));
    assert_eq!(r.inc.roles_of("dee").count(), 2);

    let mut r = Run::declared();
    r.ok(assign("communicator", "dee"));
    r.ok(assign("scribe", "dee"));

    let mut r = Run::declared();
    r.ok(assign("ic", "ann"));
    assert_eq!(
        r.err(assign("scribe", "ann")),
        RuleError::RolesDoNotCombine {
            person: "ann".into(),
            held: "ic".into(),
            role: "scribe".into()
        }
    );
    assert!(matches!(
        r.err(engage("investigator", "ann")),
        RuleError::RolesDoNotCombine { .. }
    ));
    // 001: the IC does not investigate.
    r.ok(assign("investigator", "bob"));
    assert!(matches!(
        r.err(handoff("ic", "ann", "bob")),
        RuleError::RolesDoNotCombine { .. }
    ));
}

#[test]
fn engaging_marks_the_first_acknowledgement_and_can_assign() {
    let mut r = Run::declared();
    r.at(1).ok(assign("tech_lead", "bob"));
    r.at(4).ok(engage("tech_lead", "bob"));
    // A second acknowledgement does not move the time engaged.
    r.at(9).ok(engage("Tech_Lead", "bob"));
    let h = r.inc.holders("tech_lead").next().unwrap();
    assert_eq!((h.assigned_at, h.engaged_at), (t(1), Some(t(4))));

    // Someone who joins on their own is assigned and engaged at once.
    r.at(6).ok(engage("investigator", "cy"));
    let h = r.inc.holders("investigator").next().unwrap();
    assert_eq!(
        (h.person.as_str(), h.assigned_at, h.engaged_at),
        ("cy", t(6), Some(t(6)))
    );
}

#[test]
fn releasing_ends_the_holding_and_frees_the_role() {
    let mut r = Run::declared();
    r.at(1).ok(assign("ic", "ann"));
    r.at(50).ok(release("ic", "ann"));
    assert!(holders(&r, "ic").is_empty());
    assert_eq!(r.inc.roster[0].released_at, Some(t(50)));
    assert_eq!(r.inc.roster[0].handed_to, None);
    assert!(r.inc.commander(&r.pb).is_none());
    let not_holding = RuleError::NotHolding {
        role: "ic".into(),
        person: "ann".into(),
    };
    assert_eq!(r.err(release("ic", "ann")), not_holding);
    assert!(matches!(
        r.err(release("scribe", "zed")),
        RuleError::NotHolding { .. }
    ));
    // The role is free again; the old holding stays in the roster's history.
    r.at(55).ok(assign("ic", "bob"));
    assert_eq!(holders(&r, "ic"), vec!["bob"]);
    assert_eq!(r.inc.roster.len(), 2);
}

/// 004 "Shift Handoff", 000 "Handoff between teams": the outgoing IC keeps
/// command until the incoming one says "I have command" (`confirm_handoff`).
#[test]
fn an_ic_handoff_moves_command_when_the_incoming_ic_accepts() {
    let mut r = Run::declared();
    r.at(1).ok(assign("ic", "ann"));
    let offer = r.at(90).ok(handoff("ic", "ann", "bob"));
    assert_eq!(
        holders(&r, "ic"),
        vec!["ann"],
        "ann keeps command meanwhile"
    );
    let pending = r.inc.handoffs.last().unwrap();
    assert_eq!(
        (pending.id, pending.to.as_str(), pending.accepted_at),
        (offer.id, "bob", None)
    );
    assert_eq!(
        r.err(accept("ic", "cy")),
        RuleError::NotHandoffTarget {
            role: "Incident Commander".into(),
            to: "bob".into(),
            person: "cy".into(),
        }
    );

    r.at(93).by("bob").ok(accept("ic", "bob"));
    assert_eq!(holders(&r, "ic"), vec!["bob"]);
    let ann = &r.inc.roster[0];
    assert_eq!(
        (ann.released_at, ann.handed_to.as_deref()),
        (Some(t(93)), Some("bob"))
    );
    let bob = r.inc.commander(&r.pb).unwrap();
    assert_eq!((bob.assigned_at, bob.engaged_at), (t(93), Some(t(93))));
    assert_eq!(r.inc.handoffs.last().unwrap().accepted_at, Some(t(93)));
    assert_eq!(
        r.err(accept("ic", "bob")),
        RuleError::NoPendingHandoff("Incident Commander".into())
    );
}

/// A role the playbook does not ask to confirm passes in one step.
#[test]
fn a_handoff_without_confirmation_moves_the_role_in_one_step() {
    let mut r = Run::declared();
    r.at(1).ok(assign("tech_lead", "ann"));
    r.at(90).ok(handoff("tech_lead", "ann", "bob"));
    assert_eq!(holders(&r, "tech_lead"), vec!["bob"]);
    let ann = &r.inc.roster[0];
    assert_eq!(
        (ann.released_at, ann.handed_to.as_deref()),
        (Some(t(90)), Some("bob"))
    );
    let bob = r.inc.holders("tech_lead").next().unwrap();
    assert_eq!((bob.assigned_at, bob.engaged_at), (t(90), Some(t(90))));
    assert_eq!(r.inc.handoffs.last().unwrap().accepted_at, Some(t(90)));
}

#[test]
fn handoffs_need_a_holder_and_someone_new() {
    let mut r = Run::declared();
    assert_eq!(
        r.err(handoff("ic", "ann", "bob")),
        RuleError::NotHolding {
            role: "ic".into(),
            person: "ann".into()
        }
    );
    r.ok(assign("ic", "ann"));
    assert_eq!(
        r.err(handoff("ic", "ann", "ann")),
        RuleError::AlreadyHolding {
            role: "ic".into(),
            person: "ann".into()
        }
    );
    assert_eq!(
        r.err(handoff("ic", "ann", "  ")),
        RuleError::Empty("the person taking over")
    );

    // Handing a shared role to someone who already holds it says so.
    r.ok(assign("investigator", "bob"));
    r.ok(assign("investigator", "cy"));
    assert_eq!(
        r.err(handoff("investigator", "bob", "cy")),
        RuleError::AlreadyHolding {
            role: "investigator".into(),
            person: "cy".into()
        }
    );
    // A combining role may be handed to someone holding its partner.
    r.ok(assign("scribe", "dee"));
    r.ok(assign("communicator", "eve"));
    r.ok(handoff("communicator", "eve", "dee"));
    assert_eq!(r.inc.roles_of("dee").count(), 2);
}

#[test]
fn the_roster_is_frozen_once_closed() {
    let mut r = Run::declared();
    r.ok(assign("ic", "ann"));
    r.at(0).resolve();
    r.ok(EventKind::CloseRequested {});
    r.at(15).ok(EventKind::Closed {});
    for kind in [
        assign("scribe", "bob"),
        engage("ic", "ann"),
        release("ic", "ann"),
        handoff("ic", "ann", "bob"),
    ] {
        assert_eq!(r.err(kind), RuleError::IncidentClosed);
    }
}
