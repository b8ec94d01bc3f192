//! Not an incident / false positive (issue 13, item 6; 000 responder script
//! steps 4-5): whoever may close gives the verdict with a reason; it closes
//! the record at once, without the watch or the objections.

use super::*;
use crate::domain::event::Verdict;

fn dismiss(verdict: Verdict, reason: &str) -> EventKind {
    EventKind::Dismissed {
        verdict,
        reason: reason.into(),
    }
}

#[test]
fn a_false_positive_closes_at_once_without_the_ceremony() {
    let mut r = Run::declared();
    // Still active, never resolved, no close requested, no watch: it closes.
    let e = r
        .at(5)
        .ok(dismiss(Verdict::FalsePositive, "disk alert on a test host"));
    assert_eq!(r.inc.phase(&r.pb), Phase::Closed);
    assert_eq!(r.inc.closed_at, Some(t(5)));
    let d = r.inc.dismissed.clone().expect("the verdict is kept");
    assert_eq!(d.id, e.id);
    assert_eq!(d.verdict, Verdict::FalsePositive);
    assert_eq!(d.reason, "disk alert on a test host");
    assert_eq!(d.by, "ann");
    // A closed record takes no second verdict.
    assert_eq!(
        r.at(6).err(dismiss(Verdict::NotAnIncident, "again")),
        RuleError::IncidentClosed
    );
}

#[test]
fn the_verdict_needs_a_reason() {
    let mut r = Run::declared();
    assert_eq!(
        r.at(5).err(dismiss(Verdict::NotAnIncident, "  ")),
        RuleError::Empty("the reason")
    );
    assert!(r.inc.dismissed.is_none());
}

#[test]
fn only_whoever_may_close_gives_the_verdict() {
    let mut r = Run::declared();
    r.at(1).ok(EventKind::RoleAssigned {
        role: "ic".into(),
        person: "bob".into(),
    });
    let err = r
        .at(5)
        .by("carol")
        .err(dismiss(Verdict::NotAnIncident, "planned maintenance"));
    assert!(matches!(err, RuleError::NotCloser { .. }), "{err}");
    r.by("bob")
        .ok(dismiss(Verdict::NotAnIncident, "planned maintenance"));
    assert_eq!(r.inc.phase(&r.pb), Phase::Closed);
}

#[test]
fn a_reopen_clears_the_verdict_and_time_keeps_its_order() {
    let mut r = Run::declared();
    r.at(10)
        .ok(dismiss(Verdict::FalsePositive, "flapping probe"));
    r.at(20).ok(EventKind::Reopened {
        reason: "it was real".into(),
    });
    assert!(r.inc.dismissed.is_none());
    assert_eq!(r.inc.phase(&r.pb), Phase::Active);
    // A lifecycle event: not before the reopen it follows.
    assert!(matches!(
        r.at(15)
            .err(dismiss(Verdict::FalsePositive, "flapping probe")),
        RuleError::Backdated { .. }
    ));
}
