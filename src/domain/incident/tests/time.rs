//! The time rule (issue 13): nothing dated later than its recording plus the
//! clock-skew allowance; no lifecycle event backdated before the declaration
//! or the lifecycle event it follows; notes may be backdated (000: the first
//! customer complaint came before the declaration).

use super::*;
use crate::domain::incident::lifecycle::CLOCK_SKEW;

impl Run {
    /// Apply `kind` happening at `at` but recorded at the run's `now`.
    fn apply_at(&mut self, kind: EventKind, at: DateTime<Utc>) -> Result<(), RuleError> {
        let e = Event::new(self.inc.id, &self.who, at, self.now, kind);
        let before = self.inc.clone();
        let out = self.inc.apply(&e, &self.pb);
        if out.is_err() {
            assert_eq!(self.inc, before, "a refused event changed the incident");
        }
        out
    }
}

#[test]
fn a_time_later_than_now_plus_the_skew_is_refused_for_every_event() {
    let mut r = Run::declared();
    r.at(10);
    // A note dated tomorrow (issue 13, item 1).
    let err = r
        .apply_at(note("db is back", "note"), t(10) + Duration::days(1))
        .unwrap_err();
    assert!(matches!(err, RuleError::InTheFuture { .. }), "{err}");
    assert!(err.to_string().starts_with("the time rule:"), "{err}");
    assert!(err.to_string().contains("the 2m 00s allowed"), "{err}");
    // Within the skew it is "now" said by a fast clock.
    r.apply_at(note("db is back", "note"), t(10) + CLOCK_SKEW)
        .unwrap();
    let err = r
        .apply_at(
            state("identified"),
            t(10) + CLOCK_SKEW + Duration::seconds(1),
        )
        .unwrap_err();
    assert!(matches!(err, RuleError::InTheFuture { .. }), "{err}");
}

#[test]
fn a_future_close_confirm_cannot_skip_the_watch() {
    let mut r = Run::declared();
    r.at(30).resolve();
    r.at(31).ok(EventKind::CloseRequested {});
    // 001: watch 15 minutes after resolution; dating the confirm 16 minutes
    // ahead must not close at once.
    let err = r
        .apply_at(EventKind::Closed {}, t(31) + Duration::minutes(16))
        .unwrap_err();
    assert!(matches!(err, RuleError::InTheFuture { .. }), "{err}");
    assert_ne!(r.inc.phase(&r.pb), Phase::Closed);
}

#[test]
fn a_future_declaration_is_refused() {
    let mut r = Run::new();
    let err = r
        .apply_at(declared("db down", "SEV2"), t(0) + Duration::hours(1))
        .unwrap_err();
    assert!(matches!(err, RuleError::InTheFuture { .. }), "{err}");
    assert!(!r.inc.declared);
}

#[test]
fn lifecycle_events_are_not_backdated_before_the_declaration() {
    let mut r = Run::declared();
    r.at(20);
    for kind in [state("resolved"), severity("SEV1"), state("identified")] {
        let err = r.apply_at(kind.clone(), t(-5)).unwrap_err();
        match &err {
            RuleError::Backdated { before, .. } => assert_eq!(before, "declared"),
            other => panic!("{} gave {other}", kind.name()),
        }
        assert!(err.to_string().contains("the time rule"), "{err}");
    }
}

#[test]
fn lifecycle_events_keep_their_order() {
    let mut r = Run::declared();
    r.at(30).resolve();
    r.at(40);
    // Closing 16 minutes "before" the resolution: refused (the export would
    // say "Duration 0s" but "Resolved 16m").
    let err = r.apply_at(EventKind::CloseRequested {}, t(14)).unwrap_err();
    match &err {
        RuleError::Backdated { kind, before, .. } => {
            assert_eq!(
                (kind.as_str(), before.as_str()),
                ("close_requested", "state_changed")
            );
        }
        other => panic!("{other}"),
    }
    // A reopen backdated before the resolution, likewise.
    let err = r
        .apply_at(
            EventKind::Reopened {
                reason: "again".into(),
            },
            t(29),
        )
        .unwrap_err();
    assert!(matches!(err, RuleError::Backdated { .. }), "{err}");
    // At the same minute or later: fine.
    r.apply_at(EventKind::CloseRequested {}, t(30)).unwrap();
}

#[test]
fn notes_and_outage_markers_may_be_backdated_before_the_declaration() {
    let mut r = Run::declared();
    r.at(20).resolve();
    r.at(25);
    // The first customer complaint came before anyone declared (000).
    r.apply_at(note("first customer complaint", "note"), t(-30))
        .unwrap();
    r.apply_at(EventKind::OutageStarted {}, t(-40)).unwrap();
    assert_eq!(r.inc.outage_start, Some(t(-40)));
    assert_eq!(r.inc.notes, 1);
}

#[test]
fn replay_records_a_refused_future_event() {
    let r = Run::declared();
    let id = r.inc.id;
    let decl = Event::new(id, "ann", t(0), t(0), declared("db down", "SEV2"));
    let future = Event::new(id, "ann", t(0) + Duration::days(1), t(1), note("x", "note"));
    let inc = Incident::replay(id, [&decl, &future], &r.pb);
    assert_eq!(inc.notes, 0);
    assert_eq!(inc.refused.len(), 1);
    assert!(inc.refused[0].reason.starts_with("the time rule"));
}
