//! The fold of a shared incident (issue 15): order, duplicates, the conflict
//! rule, lateness, and a property test over random interleavings.

use chrono::{Duration, TimeZone};
use proptest::prelude::*;

use super::*;
use crate::config::BUILTIN_PLAYBOOKS;
use crate::domain::event::{ActionUpdate, EventKind, Proposal};
use crate::domain::incident::ActionStatus;

fn pb() -> Playbook {
    Playbook::parse("default.toml", BUILTIN_PLAYBOOKS[0].1).expect("default playbook")
}

fn t(seconds: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 21, 10, 0, 0).unwrap() + Duration::seconds(seconds)
}

/// A deterministic event id, so generated sets are the same on every run.
fn id(n: u64) -> EventId {
    EventId(uuid::Uuid::from_u64_pair(0x15, n))
}

struct Seats {
    inc: IncidentId,
    n: u64,
    seqs: [i64; 3],
}

impl Seats {
    fn new() -> Self {
        Self {
            inc: IncidentId(uuid::Uuid::from_u64_pair(0x15, 0)),
            n: 0,
            seqs: [0; 3],
        }
    }

    /// Seat `seat` (0..3) writes `kind` as `who` at `sec`.
    fn write(&mut self, seat: usize, who: &str, sec: i64, kind: EventKind) -> Stamped {
        self.n += 1;
        self.seqs[seat] += 1;
        let mut event = Event::new(self.inc, who, t(sec), t(sec), kind);
        event.id = id(self.n);
        Stamped {
            event,
            origin: format!("seat-{seat}"),
            origin_seq: self.seqs[seat],
        }
    }
}

fn declared() -> EventKind {
    EventKind::Declared {
        title: "db down".into(),
        severity: "SEV2".into(),
        summary: String::new(),
        security: false,
        playbook: "default".into(),
    }
}

fn assign(role: &str, person: &str) -> EventKind {
    EventKind::RoleAssigned {
        role: role.into(),
        person: person.into(),
    }
}

fn note(text: &str) -> EventKind {
    EventKind::Note {
        text: text.into(),
        tag: "note".into(),
        private: false,
    }
}

fn propose() -> EventKind {
    EventKind::ActionProposed(Proposal {
        what: "fail over".into(),
        why: "primary is wedged".into(),
        risk: "30 s of failed writes".into(),
        revert: "fail back".into(),
    })
}

fn update(action: EventId, reason: &str) -> ActionUpdate {
    ActionUpdate {
        action,
        reason: reason.into(),
    }
}

#[test]
fn arrival_order_and_duplicates_do_not_change_the_fold() {
    let mut s = Seats::new();
    let all = vec![
        s.write(0, "ann", 0, declared()),
        s.write(0, "ann", 1, assign("ic", "ann")),
        s.write(1, "bob", 2, note("replica lag 40 s")),
        s.write(0, "ann", 3, note("failing over")),
    ];
    let want = converge(s.inc, all.clone(), &pb());
    let mut shuffled = all.clone();
    shuffled.reverse();
    shuffled.push(all[2].clone());
    shuffled.push(all[0].clone());
    assert_eq!(converge(s.inc, shuffled, &pb()), want);
    assert_eq!(want.events, 4, "each duplicate folds once");
    assert!(want.refused.is_empty(), "{:?}", want.refused);
}

#[test]
fn one_seats_events_keep_their_order_when_they_share_a_timestamp() {
    let mut s = Seats::new();
    // Seat 1 checked the approval after the proposal, in the same second.
    let decl = s.write(0, "ann", 0, declared());
    let ic = s.write(0, "ann", 0, assign("ic", "ann"));
    let proposal = s.write(0, "bob", 5, propose());
    let approve = s.write(
        0,
        "ann",
        5,
        EventKind::ActionApproved(update(proposal.event.id, "")),
    );
    let inc = converge(s.inc, vec![approve, proposal, ic, decl], &pb());
    assert!(inc.refused.is_empty(), "{:?}", inc.refused);
    assert_eq!(inc.actions[0].status, ActionStatus::Approved);
}

#[test]
fn two_seats_taking_ic_the_earlier_wins_and_the_later_stays_as_refused() {
    let mut s = Seats::new();
    let decl = s.write(0, "ann", 0, declared());
    let ann = s.write(0, "ann", 10, assign("ic", "ann"));
    let bob = s.write(1, "bob", 11, assign("ic", "bob"));
    for order in [
        vec![decl.clone(), ann.clone(), bob.clone()],
        vec![bob.clone(), decl.clone(), ann.clone()],
    ] {
        let inc = converge(s.inc, order, &pb());
        let holders: Vec<_> = inc.holders("ic").map(|h| h.person.clone()).collect();
        assert_eq!(holders, ["ann"]);
        assert_eq!(inc.refused.len(), 1);
        assert_eq!(inc.refused[0].event, bob.event.id);
        assert!(
            inc.refused[0].reason.contains("ann"),
            "{}",
            inc.refused[0].reason
        );
    }
}

#[test]
fn approve_against_reject_the_first_decision_stands() {
    let mut s = Seats::new();
    let decl = s.write(0, "ann", 0, declared());
    let p = s.write(1, "cy", 3, propose());
    // No IC yet, so whoever responds decides (003's cascade). Offline on
    // seat 1, bob rejects at 20 s; ann on seat 0 approves at 21 s.
    let reject = s.write(
        1,
        "bob",
        20,
        EventKind::ActionRejected(update(p.event.id, "too risky")),
    );
    let approve = s.write(
        0,
        "ann",
        21,
        EventKind::ActionApproved(update(p.event.id, "")),
    );
    let on_a = converge(
        s.inc,
        vec![decl.clone(), p.clone(), approve.clone(), reject.clone()],
        &pb(),
    );
    let on_b = converge(s.inc, vec![reject, p, decl, approve.clone()], &pb());
    assert_eq!(on_a, on_b);
    assert_eq!(on_a.actions[0].status, ActionStatus::Rejected);
    // The approval stays on the timeline, refused with the rule's words.
    assert_eq!(on_a.refused.len(), 1);
    assert_eq!(on_a.refused[0].event, approve.event.id);
}

#[test]
fn a_rule_breaking_remote_event_is_refused_not_applied() {
    let mut s = Seats::new();
    let decl = s.write(0, "ann", 0, declared());
    let ic = s.write(0, "ann", 1, assign("ic", "ann"));
    let p = s.write(0, "cy", 3, propose());
    // 001: only the IC approves; cy (not IC) approves from another seat.
    let rogue = s.write(
        2,
        "cy",
        4,
        EventKind::ActionApproved(update(p.event.id, "")),
    );
    let inc = converge(s.inc, vec![rogue.clone(), p, ic, decl], &pb());
    assert_eq!(inc.actions[0].status, ActionStatus::Proposed);
    assert_eq!(inc.refused.len(), 1);
    assert_eq!(inc.refused[0].event, rogue.event.id);
}

#[test]
fn late_is_earlier_than_what_the_seat_already_folded() {
    let mut s = Seats::new();
    let a = s.write(0, "ann", 100, note("a"));
    let b = s.write(1, "bob", 50, note("b, an hour offline"));
    assert!(!is_late(&a.key(), None));
    assert!(!is_late(&a.key(), Some(&b.key())));
    assert!(is_late(&b.key(), Some(&a.key())));
    assert!(!is_late(&a.key(), Some(&a.key())));
}

#[test]
fn local_time_never_goes_before_the_newest_folded_event() {
    let mut s = Seats::new();
    let ahead = s.write(1, "bob", 100, note("from a clock 100 s ahead"));
    assert_eq!(local_time(t(0), None), t(0));
    assert_eq!(local_time(t(200), Some(&ahead.key())), t(200));
    let bumped = local_time(t(0), Some(&ahead.key()));
    assert!(bumped > ahead.event.recorded_at);
    assert_eq!(bumped - ahead.event.recorded_at, Duration::microseconds(1));
}

/// A generated script: each step is (seat, kind, person, second).
fn script(steps: &[(usize, u8, u8, u8)]) -> (IncidentId, Vec<Stamped>) {
    let people = ["ann", "bob", "cy"];
    let mut s = Seats::new();
    let mut out = vec![s.write(0, "ann", 0, declared())];
    let mut proposals: Vec<EventId> = Vec::new();
    for &(seat, kind, person, sec) in steps {
        let who = people[person as usize % 3];
        let sec = i64::from(sec);
        let pick = |n: u8| proposals.get(n as usize % proposals.len().max(1)).copied();
        let kind = match kind % 8 {
            0 => note("n"),
            1 => assign("ic", who),
            2 => assign("deputy", who),
            3 => propose(),
            4 => match pick(person) {
                Some(a) => EventKind::ActionApproved(update(a, "")),
                None => note("no action yet"),
            },
            5 => match pick(person) {
                Some(a) => EventKind::ActionRejected(update(a, "no")),
                None => note("no action yet"),
            },
            6 => EventKind::StateChanged {
                state: ["investigating", "identified", "monitoring"][person as usize % 3].into(),
                reason: String::new(),
            },
            _ => EventKind::RoleReleased {
                role: "deputy".into(),
                person: who.into(),
            },
        };
        let stamped = s.write(seat % 3, who, sec, kind);
        if matches!(stamped.event.kind, EventKind::ActionProposed(_)) {
            proposals.push(stamped.event.id);
        }
        out.push(stamped);
    }
    (s.inc, out)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// Done-when of issue 15: random interleavings and duplications of the
    /// same event set fold to the same state.
    #[test]
    fn any_interleaving_with_duplicates_folds_to_the_same_state(
        steps in prop::collection::vec((0usize..3, any::<u8>(), any::<u8>(), 0u8..60), 1..40),
        order in prop::collection::vec(any::<prop::sample::Index>(), 0..200),
        dups in prop::collection::vec(any::<prop::sample::Index>(), 0..20),
    ) {
        let (inc, events) = script(&steps);
        let want = converge(inc, events.clone(), &pb());
        // A random permutation (a shuffle driven by the generated indices),
        // then random copies of random events appended anywhere.
        let mut arrived = events.clone();
        for (i, ix) in order.iter().enumerate() {
            let n = arrived.len();
            arrived.swap(i % n, ix.index(n));
        }
        for ix in &dups {
            let copy = events[ix.index(events.len())].clone();
            let at = ix.index(arrived.len() + 1);
            arrived.insert(at, copy);
        }
        let got = converge(inc, arrived, &pb());
        prop_assert_eq!(got.events + got.refused.len(), events.len());
        prop_assert_eq!(got, want);
    }
}
