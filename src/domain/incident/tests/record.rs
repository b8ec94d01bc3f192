//! The record: notes, highlights, check-ins, comms, links, outage marks,
//! follow-ups, near misses, the security flag and clock marks.

use super::*;

#[test]
fn notes_count_and_highlight_by_tag() {
    let mut r = Run::declared();
    let plain = r.ok(note("looking at dashboards", "note"));
    // 001 "Scribe": when it was noticed and impact changes are highlights.
    let noticed = r.ok(note("first 500s seen", "noticed"));
    let impact = r.ok(note("EU customers too", "Impact"));
    let private = r.ok(EventKind::Note {
        text: "pager woke me".into(),
        tag: "note".into(),
        private: true,
    });
    assert_eq!(r.inc.notes, 4);
    assert!(r.inc.is_highlight(&noticed, &r.pb));
    assert!(r.inc.is_highlight(&impact, &r.pb));
    assert!(!r.inc.is_highlight(&plain, &r.pb));
    assert!(!r.inc.is_highlight(&private, &r.pb));
    // Highlights by tag are worked out, not kept: the fold stays the same
    // size however many noticed notes a long incident has (issue 14).
    assert!(r.inc.highlights.is_empty());
    assert_eq!(r.err(note(" \n ", "note")), RuleError::Empty("a note"));
    match r.err(note("x", "gossip")) {
        RuleError::UnknownTag { given, valid } => {
            assert_eq!(given, "gossip");
            assert!(
                valid.starts_with("note, noticed, impact, mitigation, decision"),
                "{valid}"
            );
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(r.inc.notes, 4);
}

#[test]
fn a_tagged_note_the_rules_refused_on_replay_is_no_highlight() {
    let mut r = Run::declared();
    // Written by something that skipped the rules: an empty noticed note.
    let empty = r.event(note(" ", "noticed"));
    r.inc.replay_one(&empty, &r.pb);
    assert_eq!(r.inc.refused.len(), 1);
    assert!(!r.inc.is_highlight(&empty, &r.pb));
    let kept = r.ok(note("first 500s seen", "noticed"));
    assert!(r.inc.is_highlight(&kept, &r.pb));
}

#[test]
fn highlights_and_corrections() {
    let mut r = Run::declared();
    let n = r.ok(note("db restarted", "note"));
    assert!(!r.inc.is_highlight(&n, &r.pb));
    r.ok(EventKind::Highlighted { event: n.id });
    assert!(r.inc.highlights.contains(&n.id));
    assert!(r.inc.is_highlight(&n, &r.pb));
    r.ok(EventKind::Amended {
        event: n.id,
        text: "replica restarted, not primary".into(),
    });
    assert_eq!(
        r.err(EventKind::Amended {
            event: n.id,
            text: " ".into()
        }),
        RuleError::Empty("the correction")
    );
    // A correction is a new event; the note itself stays as written.
    assert_eq!((r.inc.notes, r.inc.events), (1, 4));
}

#[test]
fn check_ins_are_recorded_even_inside_fifteen_minutes() {
    let mut r = Run::declared();
    let c = CheckIn {
        status: "error rate flat at 20%".into(),
        trend: Some(Trend::Same),
        reviews: vec![],
        next: "fail over".into(),
    };
    let first = r.at(15).by("ann").ok(EventKind::CheckInHeld(c.clone()));
    // 001 "never more often than every 15 min" is a clock warning, not a refusal.
    r.at(20).ok(EventKind::CheckInHeld(CheckIn {
        status: "better".into(),
        ..Default::default()
    }));
    assert_eq!(r.inc.checkins.len(), 2);
    assert_eq!(
        r.inc.checkins[0],
        CheckInRecord {
            id: first.id,
            at: t(15),
            by: "ann".into(),
            checkin: c
        }
    );
    assert_eq!(
        r.err(EventKind::CheckInHeld(CheckIn::default())),
        RuleError::Empty("the status report")
    );
}

#[test]
fn comms_links_and_outage_marks() {
    let mut r = Run::declared();
    r.at(7).ok(EventKind::CommsSent {
        audience: "status page".into(),
        text: "We are investigating".into(),
    });
    assert_eq!(r.inc.last_comms_at, Some(t(7)));
    assert_eq!(
        r.err(EventKind::CommsSent {
            audience: "all".into(),
            text: "".into()
        }),
        RuleError::Empty("the message")
    );

    let link = |l: &str, u: &str| EventKind::LinkSet {
        link: l.into(),
        url: u.into(),
    };
    r.ok(link("Bridge", "https://meet.example/a"));
    r.ok(link("bridge", "https://meet.example/b"));
    r.ok(link("document", "https://docs.example/inc"));
    assert_eq!(r.inc.links.len(), 2);
    assert_eq!(r.inc.links["bridge"], "https://meet.example/b");
    assert_eq!(r.err(link("bridge", "")), RuleError::Empty("the link"));
    match r.err(link("pager", "x")) {
        RuleError::UnknownLinkKind { given, valid } => assert_eq!(
            (given, valid),
            unknown(
                "pager",
                "bridge, channel, document, ticket, status_page, dashboard, alert"
            )
        ),
        other => panic!("{other:?}"),
    }

    // The outage may have started before the incident was declared (000).
    r.at(-20).ok(EventKind::OutageStarted {});
    r.at(30).ok(EventKind::OutageEnded {});
    assert_eq!(
        (r.inc.outage_start, r.inc.outage_end),
        (Some(t(-20)), Some(t(30)))
    );
}

#[test]
fn follow_ups_near_misses_and_the_security_flag() {
    let mut r = Run::declared();
    let item = FollowUp {
        text: "alert on replica lag".into(),
        owner: "bob".into(),
        criticality: "high".into(),
        due: chrono::NaiveDate::from_ymd_opt(2026, 11, 28),
        from_event: None,
    };
    let f = r.ok(EventKind::FollowUpAdded(item.clone()));
    assert_eq!(r.inc.follow_ups.len(), 1);
    assert_eq!(
        (r.inc.follow_ups[0].id, &r.inc.follow_ups[0].item),
        (f.id, &item)
    );
    assert_eq!(
        r.err(EventKind::FollowUpAdded(FollowUp {
            text: "".into(),
            ..item
        })),
        RuleError::Empty("the follow-up")
    );

    r.ok(EventKind::NearMiss {
        would_be_severity: "sev1".into(),
    });
    assert_eq!(r.inc.near_miss.as_deref(), Some("SEV1"));
    assert!(matches!(
        r.err(EventKind::NearMiss {
            would_be_severity: "huge".into()
        }),
        RuleError::UnknownSeverity { .. }
    ));

    r.at(3).ok(EventKind::SecurityFlagged {
        details: "tokens in logs".into(),
    });
    r.at(9).by("bob").ok(EventKind::SecurityFlagged {
        details: "and in backups".into(),
    });
    r.at(12).ok(EventKind::SecurityFlagged {
        details: String::new(),
    });
    // 000: the hour to report runs from the first flag, so its time and author
    // stay; later flags only add what has been learned.
    let flag = r.inc.security.clone().unwrap();
    assert_eq!(
        (flag.at, flag.by.as_str(), flag.details.as_str()),
        (t(3), "ann", "tokens in logs; and in backups")
    );
}

#[test]
fn clocks_are_acknowledged_and_snoozed_by_name() {
    let mut r = Run::declared();
    r.at(20).ok(EventKind::ClockAcknowledged {
        clock: "checkin".into(),
    });
    r.at(21).ok(EventKind::ClockSnoozed {
        clock: "checkin".into(),
        until: t(30),
    });
    assert_eq!(
        r.inc.clocks["checkin"],
        ClockMark {
            acknowledged_at: Some(t(20)),
            snoozed_until: Some(t(30))
        }
    );
    assert_eq!(
        r.err(EventKind::ClockAcknowledged { clock: "".into() }),
        RuleError::Empty("the clock name")
    );
    assert_eq!(
        r.err(EventKind::ClockSnoozed {
            clock: " ".into(),
            until: t(40)
        }),
        RuleError::Empty("the clock name")
    );
}
