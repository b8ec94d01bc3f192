//! The approval queue: 001 "active measures" wait for the IC's approval.

use super::*;

fn propose(what: &str) -> EventKind {
    EventKind::ActionProposed(Proposal {
        what: what.into(),
        why: "primary is wedged".into(),
        risk: "30 s of failed writes".into(),
        revert: "fail back".into(),
    })
}

/// Every step an action can take, by the status it leads to.
const STEPS: [ActionStatus; 7] = [
    ActionStatus::Approved,
    ActionStatus::Rejected,
    ActionStatus::InfoRequested,
    ActionStatus::Started,
    ActionStatus::Done,
    ActionStatus::Failed,
    ActionStatus::Reverted,
];

fn step(to: ActionStatus, action: EventId, reason: &str) -> EventKind {
    let u = ActionUpdate {
        action,
        reason: reason.into(),
    };
    match to {
        ActionStatus::Approved => EventKind::ActionApproved(u),
        ActionStatus::Rejected => EventKind::ActionRejected(u),
        ActionStatus::InfoRequested => EventKind::ActionInfoRequested(u),
        ActionStatus::Started => EventKind::ActionStarted(u),
        ActionStatus::Done => EventKind::ActionDone(u),
        ActionStatus::Failed => EventKind::ActionFailed(u),
        ActionStatus::Reverted => EventKind::ActionReverted(u),
        ActionStatus::Proposed => unreachable!("proposing is its own event"),
    }
}

/// A declared incident with one action brought to `status` the usual way.
fn action_in(status: ActionStatus) -> (Run, EventId) {
    use ActionStatus::*;
    let path: &[ActionStatus] = match status {
        Proposed => &[],
        InfoRequested => &[InfoRequested],
        Approved => &[Approved],
        Rejected => &[Rejected],
        Started => &[Approved, Started],
        Done => &[Approved, Done],
        Failed => &[Approved, Failed],
        Reverted => &[Approved, Done, Reverted],
    };
    let mut r = Run::declared();
    let id = r.ok(propose("fail over to replica")).id;
    // 001: the IC decides (`decides_actions`), and a rejection says why.
    r.ok(EventKind::RoleAssigned {
        role: "ic".into(),
        person: "ic-ann".into(),
    });
    r.by("ic-ann");
    for s in path {
        r.ok(step(*s, id, "as discussed on the bridge"));
    }
    assert_eq!(r.inc.actions[0].status, status);
    (r, id)
}

/// The whole lifecycle table, written out from 001 (propose, IC approves or
/// rejects or asks for more, then it is carried out, and a finished change can
/// be reverted) rather than read back from the code.
#[test]
fn every_step_from_every_status() {
    use ActionStatus::*;
    let allowed: [(ActionStatus, &[ActionStatus]); 8] = [
        (Proposed, &[Approved, Rejected, InfoRequested]),
        (InfoRequested, &[Approved, Rejected, InfoRequested]),
        (Approved, &[Started, Done, Failed]),
        (Started, &[Done, Failed]),
        (Done, &[Reverted]),
        (Failed, &[Reverted]),
        (Rejected, &[]),
        (Reverted, &[]),
    ];
    for (from, to_ok) in allowed {
        for to in STEPS {
            let (mut r, id) = action_in(from);
            if to_ok.contains(&to) {
                r.at(5).by("ic-ann").ok(step(to, id, "because"));
                let a = &r.inc.actions[0];
                assert_eq!(a.status, to, "{from:?} -> {to:?}");
                let last = a.history.last().unwrap();
                assert_eq!(
                    (last.status, last.at, last.by.as_str(), last.reason.as_str()),
                    (to, t(5), "ic-ann", "because")
                );
            } else {
                assert_eq!(
                    r.err(step(to, id, "")),
                    RuleError::ActionTransition {
                        number: 1,
                        from: from.name().into(),
                        to: to.name().into(),
                    },
                    "{from:?} -> {to:?}"
                );
            }
        }
    }
}

/// 001: "any new active measures need to be approved by incident commander":
/// once someone holds the IC role only they approve, reject or ask for more;
/// carrying a measure out is anyone's work.
#[test]
fn once_there_is_an_ic_only_the_ic_decides() {
    use ActionStatus::*;
    for decision in [Approved, Rejected, InfoRequested] {
        let (mut r, id) = action_in(Proposed);
        assert_eq!(
            r.by("bob").err(step(decision, id, "looks fine")),
            RuleError::NotDecider {
                roles: "Incident Commander".into(),
                person: "bob".into(),
            },
            "{decision:?}"
        );
        r.by("ic-ann").ok(step(decision, id, "looks fine"));
    }
    let (mut r, id) = action_in(Approved);
    r.by("bob").ok(step(Started, id, ""));
    r.ok(step(Done, id, ""));
    r.ok(step(Reverted, id, "made it worse"));

    // Nobody in command yet: whoever is responding decides.
    let mut r = Run::declared();
    let id = r.ok(propose("restart pgbouncer")).id;
    r.by("bob").ok(step(Approved, id, ""));
}

#[test]
fn a_rejection_needs_a_reason() {
    let (mut r, id) = action_in(ActionStatus::Proposed);
    for reason in ["", "   "] {
        assert_eq!(
            r.err(step(ActionStatus::Rejected, id, reason)),
            RuleError::Empty("the reason for rejecting")
        );
    }
    r.ok(step(ActionStatus::Rejected, id, "failover loses writes"));
    assert_eq!(r.inc.actions[0].history[1].reason, "failover loses writes");
}

#[test]
fn a_step_on_an_action_never_proposed_is_refused() {
    let mut r = Run::declared();
    let note = r.ok(note("not an action", "note"));
    for to in STEPS {
        for id in [EventId::new(), note.id] {
            assert_eq!(
                r.err(step(to, id, "")),
                RuleError::UnknownAction(id.short())
            );
        }
    }
}

#[test]
fn proposals_are_numbered_and_keep_what_why_risk_and_revert() {
    let mut r = Run::declared();
    let first = r.at(3).by("bob").ok(propose("fail over to replica"));
    let second = r.at(4).ok(propose("restart pgbouncer"));
    let a = &r.inc.actions[0];
    assert_eq!(
        (
            a.id,
            a.number,
            a.proposed_by.as_str(),
            a.proposed_at,
            a.status
        ),
        (first.id, 1, "bob", t(3), ActionStatus::Proposed)
    );
    assert_eq!(a.proposal.revert, "fail back");
    assert_eq!(a.history.len(), 1);
    assert!(a.status.awaits_decision() && !a.status.is_finished());
    assert_eq!(r.inc.actions[1].number, 2);
    assert_eq!(
        r.err(EventKind::ActionProposed(Proposal::default())),
        RuleError::Empty("what the action does")
    );

    assert_eq!(r.inc.find_action("#2").unwrap().id, second.id);
    assert_eq!(r.inc.find_action("1").unwrap().id, first.id);
    assert_eq!(r.inc.find_action(&first.id.short()).unwrap().id, first.id);
    assert_eq!(
        r.inc.find_action("#9").unwrap_err(),
        RuleError::UnknownAction("#9".into())
    );
}

#[test]
fn numbers_are_never_read_as_id_prefixes() {
    let mut r = Run::declared();
    let mut e = r.event(propose("fail over"));
    e.id = EventId(uuid::Uuid::parse_str("9999abcd-0000-4000-8000-000000000000").unwrap());
    r.inc.apply(&e, &r.pb).unwrap();
    for reference in ["9", "#9", "99", "#9999", "999"] {
        assert_eq!(
            r.inc.find_action(reference).unwrap_err(),
            RuleError::UnknownAction(reference.into()),
            "{reference}"
        );
    }
    assert_eq!(r.inc.find_action("9999").unwrap().id, e.id);
    assert_eq!(r.inc.find_action("9999ab").unwrap().id, e.id);
    assert_eq!(r.inc.find_action(" #1 ").unwrap().id, e.id);
}

#[test]
fn steps_apply_to_the_named_action_only() {
    let (mut r, first) = action_in(ActionStatus::Approved);
    let second = r.ok(propose("restart pgbouncer")).id;
    r.ok(step(ActionStatus::Rejected, second, "too risky"));
    r.ok(step(ActionStatus::Done, first, ""));
    let statuses: Vec<_> = r.inc.actions.iter().map(|a| a.status).collect();
    assert_eq!(statuses, vec![ActionStatus::Done, ActionStatus::Rejected]);
    assert_eq!(r.inc.actions[1].history[1].reason, "too risky");
    assert!(r.inc.actions.iter().all(|a| a.status.is_finished()));
}

#[test]
fn no_new_measures_once_closed() {
    let (mut r, id) = action_in(ActionStatus::Approved);
    r.resolve();
    r.ok(EventKind::CloseRequested {});
    r.at(15).ok(EventKind::Closed {});
    assert_eq!(r.err(propose("one more thing")), RuleError::IncidentClosed);
    assert_eq!(
        r.err(step(ActionStatus::Done, id, "")),
        RuleError::IncidentClosed
    );
}
