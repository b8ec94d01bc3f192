use super::*;
use crate::config::{Endpoint, EndpointKind, load_playbooks};
use crate::sync::plan::Router;
use chrono::Duration;
use std::sync::Arc;
use std::time::Duration as StdDuration;

fn t0() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-21T10:00:00Z")
        .unwrap()
        .with_timezone(&Utc)
}

fn endpoints() -> Vec<Endpoint> {
    let mut room = Endpoint::new("room", EndpointKind::Matrix);
    room.events = Some(["*".to_string()].into());
    vec![room, Endpoint::new("pd", EndpointKind::Pagerduty)]
}

fn journal(dir: &tempfile::TempDir, routed: bool) -> Journal {
    let mut j = Journal::open(
        &dir.path().join("j.sqlite"),
        Arc::new(load_playbooks(None).unwrap()),
    )
    .unwrap();
    if routed {
        j.set_outbox(Router::new(&endpoints()).map(|r| Arc::new(r) as _));
    }
    j
}

fn declare(j: &mut Journal) -> Event {
    j.append(Event::new(
        IncidentId::new(),
        "ann",
        t0(),
        t0(),
        EventKind::Declared {
            title: "db down".into(),
            severity: "SEV1".into(),
            summary: String::new(),
            security: false,
            playbook: "default".into(),
        },
    ))
    .unwrap()
}

fn note(
    j: &mut Journal,
    incident: IncidentId,
    text: &str,
    private: bool,
) -> Result<Event, JournalError> {
    j.append(Event::new(
        incident,
        "ann",
        t0(),
        t0(),
        EventKind::Note {
            text: text.into(),
            tag: "note".into(),
            private,
        },
    ))
}

#[test]
fn rows_are_written_with_their_event_and_only_for_what_may_leave() {
    let dir = tempfile::tempdir().unwrap();
    let mut j = journal(&dir, true);
    let d = declare(&mut j);
    let ob = Outbox::open(&j).unwrap();
    let rows = ob.rows(RowFilter::All, 100).unwrap();
    // Newest first: the room's post and topic, then the page.
    let mut got: Vec<_> = rows
        .iter()
        .map(|r| (r.endpoint.as_str(), r.part, r.what.as_str(), r.event_seq))
        .collect();
    got.sort();
    assert_eq!(
        got,
        [
            ("pd", 0, "trigger", d.seq.unwrap()),
            ("room", 0, "post", d.seq.unwrap()),
            ("room", 1, "topic", d.seq.unwrap()),
        ]
    );
    assert!(
        rows.iter()
            .all(|r| r.state == RowState::Pending && r.event_id == d.id)
    );
    assert!(rows.iter().all(|r| r.created == t0()));

    note(&mut j, d.incident, "secret plan", true).unwrap();
    assert_eq!(ob.rows(RowFilter::All, 100).unwrap().len(), 3);
    // A refused event writes no row either (the transaction rolls back).
    assert!(note(&mut j, d.incident, "  ", false).is_err());
    assert_eq!(ob.rows(RowFilter::All, 100).unwrap().len(), 3);
    note(&mut j, d.incident, "public", false).unwrap();
    assert_eq!(ob.rows(RowFilter::All, 100).unwrap().len(), 4);
    assert_eq!(
        ob.pending_by_endpoint().unwrap(),
        [("pd".to_string(), 1), ("room".to_string(), 3)]
    );
}

#[test]
fn without_endpoints_append_writes_no_rows() {
    let dir = tempfile::tempdir().unwrap();
    let mut j = journal(&dir, false);
    let d = declare(&mut j);
    note(&mut j, d.incident, "x", false).unwrap();
    let ob = Outbox::open(&j).unwrap();
    assert!(ob.rows(RowFilter::All, 10).unwrap().is_empty());
    assert_eq!(ob.health().unwrap(), SyncHealth::default());
}

#[test]
fn claims_go_in_order_and_never_to_two_live_workers() {
    let dir = tempfile::tempdir().unwrap();
    let mut j = journal(&dir, true);
    let d = declare(&mut j);
    for i in 0..3 {
        note(&mut j, d.incident, &format!("n{i}"), false).unwrap();
    }
    let mut a = Outbox::open(&j).unwrap();
    let mut b = Outbox::open(&j).unwrap();
    let lease = StdDuration::from_secs(60);
    let me_a = claimant_name();
    // Another process on another host: only its lease protects its claim.
    let me_b = "elsewhere:1:00000000";
    let got = a.claim("room", &me_a, t0(), lease, 2).unwrap();
    assert_eq!(got.iter().map(|r| r.part).collect::<Vec<_>>(), [0, 1]);
    assert!(b.claim("room", me_b, t0(), lease, 10).unwrap().is_empty());
    // The first delivered, the second failed: the rest wait behind it.
    a.delivered(got[0].id, t0(), Some("$ev1")).unwrap();
    a.failed(
        got[1].id,
        t0() + Duration::seconds(30),
        "500 Internal Server Error",
    )
    .unwrap();
    assert!(b.claim("room", me_b, t0(), lease, 10).unwrap().is_empty());
    let h = a.health().unwrap();
    assert_eq!((h.pending, h.failing, h.parked), (5, 1, 0));
    assert_eq!(h.last_success, Some(t0()));
    assert_eq!(h.last_error.as_deref(), Some("500 Internal Server Error"));
    let later = t0() + Duration::seconds(31);
    let got = b.claim("room", me_b, later, lease, 10).unwrap();
    assert_eq!(got.len(), 4, "the failed row first, then the rest");
    assert_eq!(got[0].attempts, 1);
    // b's claim (another host) holds for a until the lease runs out.
    assert!(a.claim("room", &me_a, later, lease, 10).unwrap().is_empty());
    let expired = later + Duration::seconds(61);
    assert_eq!(a.claim("room", &me_a, expired, lease, 10).unwrap().len(), 4);
}

#[test]
fn a_killed_workers_claims_on_this_host_are_taken_over_at_once() {
    let host = "h1";
    // Pid 4_000_000 is above Linux's pid_max: never alive.
    let dead = "h1:4000000:0000abcd";
    let live = format!("h1:{}:0000abcd", std::process::id());
    let alive = |pid: u32| pid == std::process::id();
    assert!(!claim_holds(Some(dead), 2_000, 1_000, "me", host, alive));
    assert!(claim_holds(Some(&live), 2_000, 1_000, "me", host, alive));
    assert!(!claim_holds(Some(&live), 2_000, 2_000, "me", host, alive));
    assert!(claim_holds(
        Some("h2:4000000:0"),
        2_000,
        1_000,
        "me",
        host,
        alive
    ));
    assert!(!claim_holds(Some("me"), 2_000, 1_000, "me", host, alive));
    assert!(!claim_holds(None, 2_000, 1_000, "me", host, alive));
}

#[test]
fn parked_rows_are_retried_in_place_or_dropped_with_an_event() {
    let dir = tempfile::tempdir().unwrap();
    let mut j = journal(&dir, true);
    let d = declare(&mut j);
    let mut ob = Outbox::open(&j).unwrap();
    let me = claimant_name();
    let lease = StdDuration::from_secs(60);
    let pd = ob.claim("pd", &me, t0(), lease, 10).unwrap();
    ob.park(pd[0].id, "400 invalid event: routing_key wrong length")
        .unwrap();
    let room = ob.claim("room", &me, t0(), lease, 10).unwrap();
    ob.park(room[0].id, "403 M_FORBIDDEN: not in room").unwrap();
    ob.delivered(room[1].id, t0(), None).unwrap();
    let h = ob.health().unwrap();
    assert_eq!((h.pending, h.failing, h.parked), (0, 0, 2));
    let mut parked = vec![pd[0].id, room[0].id];
    parked.sort();
    assert_eq!(ob.parked_ids().unwrap(), parked);
    // Parked rows are out of line: the endpoint's later rows still go.
    note(&mut j, d.incident, "later", false).unwrap();
    assert_eq!(ob.claim("room", &me, t0(), lease, 10).unwrap().len(), 1);

    let r = ob.retry(pd[0].id).unwrap();
    assert_eq!(
        (r.state, r.attempts, r.last_error),
        (RowState::Pending, 0, None)
    );
    assert!(matches!(
        ob.retry(pd[0].id),
        Err(OutboxError::NotParked {
            state: "pending",
            ..
        })
    ));

    let before = j.last_seq().unwrap();
    let e = drop_row(&mut j, &ob, room[0].id, "ann", t0(), "room is gone").unwrap();
    assert_eq!(e.seq, Some(before + 1));
    let EventKind::SyncDropped {
        endpoint,
        row,
        event,
        what,
        error,
        reason,
    } = &e.kind
    else {
        panic!("{e:?}")
    };
    assert_eq!(
        (
            endpoint.as_str(),
            *row,
            *event,
            what.as_str(),
            error.as_str(),
            reason.as_str()
        ),
        (
            "room",
            room[0].id,
            d.id,
            "post",
            "403 M_FORBIDDEN: not in room",
            "room is gone"
        )
    );
    assert_eq!(ob.row(room[0].id).unwrap().state, RowState::Dropped);
    assert!(matches!(
        drop_row(&mut j, &ob, room[0].id, "ann", t0(), ""),
        Err(OutboxError::NotParked {
            state: "dropped",
            ..
        })
    ));
    assert!(matches!(ob.row(999), Err(OutboxError::NoSuchRow(999))));
    assert_eq!(ob.health().unwrap().parked, 0);
}

/// Routes every event everywhere: to prove the journal itself keeps private
/// notes in, whatever a router says.
struct Everything;

impl crate::journal::OutboxRouter for Everything {
    fn route(
        &self,
        _: &Event,
        _: &crate::domain::Incident,
        _: &crate::domain::Playbook,
    ) -> Vec<crate::journal::OutboxItem> {
        vec![crate::journal::OutboxItem {
            endpoint: "all".into(),
            what: "post".into(),
            payload: "{}".into(),
        }]
    }
}

#[test]
fn the_journal_never_writes_a_row_for_a_private_note() {
    let dir = tempfile::tempdir().unwrap();
    let mut j = journal(&dir, false);
    j.set_outbox(Some(Arc::new(Everything)));
    let d = declare(&mut j);
    note(
        &mut j,
        d.incident,
        "the root password is in the vault",
        true,
    )
    .unwrap();
    note(&mut j, d.incident, "public", false).unwrap();
    let rows = Outbox::open(&j).unwrap().rows(RowFilter::All, 10).unwrap();
    assert_eq!(rows.len(), 2, "declared and the public note only");
    assert!(
        rows.iter()
            .all(|r| r.kind != "note" || r.event_seq == d.seq.unwrap() + 2)
    );
}

#[test]
fn a_batch_is_settled_and_the_next_claimed_in_order_in_one_transaction() {
    let dir = tempfile::tempdir().unwrap();
    let mut j = journal(&dir, true);
    let d = declare(&mut j);
    for i in 0..5 {
        note(&mut j, d.incident, &format!("n{i}"), false).unwrap();
    }
    let mut a = Outbox::open(&j).unwrap();
    let mut b = Outbox::open(&j).unwrap();
    let lease = StdDuration::from_secs(60);
    let me = claimant_name();
    let first = a.claim("room", &me, t0(), lease, 3).unwrap();
    let done: Vec<Delivered> = first
        .iter()
        .map(|r| Delivered {
            id: r.id,
            at: t0(),
            remote_id: Some(format!("$ev{}", r.id)),
        })
        .collect();
    let next = a
        .settle_and_claim(&done, "room", &me, t0(), lease, 3)
        .unwrap();
    // The next rows follow the settled ones, oldest first, none skipped.
    let ids: Vec<i64> = first.iter().chain(&next).map(|r| r.id).collect();
    let mut sorted = ids.clone();
    sorted.sort();
    assert_eq!(ids, sorted);
    assert_eq!(ids.len(), 6);
    let all: Vec<i64> = a
        .rows(RowFilter::All, 100)
        .unwrap()
        .into_iter()
        .filter(|r| r.endpoint == "room")
        .map(|r| r.id)
        .rev()
        .collect();
    // The room's first six rows, none skipped.
    assert_eq!(ids, all[..6]);
    for r in &first {
        let r = a.row(r.id).unwrap();
        assert_eq!(r.state, RowState::Done);
        assert_eq!(r.remote_id, Some(format!("$ev{}", r.id)));
        assert_eq!(r.claimed_by, None);
    }
    for r in &next {
        assert_eq!(a.row(r.id).unwrap().state, RowState::Pending);
    }
    // Delivered but never settled (the worker died): sent again once the
    // lease runs out, at least once, in the same order.
    let later = t0() + Duration::seconds(61);
    let again = b
        .claim("room", "elsewhere:1:00000000", later, lease, 10)
        .unwrap();
    assert_eq!(
        again
            .iter()
            .map(|r| r.id)
            .take(next.len())
            .collect::<Vec<_>>(),
        next.iter().map(|r| r.id).collect::<Vec<_>>()
    );
}

#[test]
fn a_commit_that_writes_outbox_rows_wakes_the_worker_and_no_other() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let dir = tempfile::tempdir().unwrap();
    let mut j = journal(&dir, true);
    let woken = Arc::new(AtomicUsize::new(0));
    let w = woken.clone();
    j.set_outbox_wake(Some(Arc::new(move || {
        w.fetch_add(1, Ordering::SeqCst);
    })));
    let d = declare(&mut j);
    assert_eq!(woken.load(Ordering::SeqCst), 1, "declared is routed");
    note(&mut j, d.incident, "public", false).unwrap();
    assert_eq!(woken.load(Ordering::SeqCst), 2);
    // A private note writes no row: nothing to wake for.
    note(&mut j, d.incident, "private", true).unwrap();
    assert_eq!(woken.load(Ordering::SeqCst), 2);
    // A refused event commits nothing.
    let e = Event::new(
        d.incident,
        "ann",
        t0(),
        t0(),
        EventKind::Note {
            text: " ".into(),
            tag: "note".into(),
            private: false,
        },
    );
    assert!(j.append(e).is_err());
    assert_eq!(woken.load(Ordering::SeqCst), 2);
}
