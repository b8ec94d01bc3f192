//! Every clock driven across its thresholds with injected times: no sleeping.

use chrono::{DateTime, Duration, Utc};
use chrono_tz::{America::New_York, Europe::London, Tz};

use super::*;
use crate::domain::event::{CheckIn, Event, EventKind, Trend};
use crate::domain::ids::IncidentId;

const DEFAULT: &str = include_str!("../../../assets/playbooks/default.toml");

fn utc(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

fn pb_with(extra_clocks: &str) -> Playbook {
    // TOML refuses duplicate keys: replace an existing [clocks] line, else add one.
    let mut text = DEFAULT.to_string();
    for line in extra_clocks.lines().filter(|l| !l.trim().is_empty()) {
        let key = line.split('=').next().unwrap().trim();
        let existing = text
            .lines()
            .find(|l| l.split('=').next().map(str::trim) == Some(key) && !l.starts_with('#'))
            .map(str::to_string);
        text = match existing {
            Some(old) => text.replacen(&old, line, 1),
            None => text.replacen("[clocks]\n", &format!("[clocks]\n{line}\n"), 1),
        };
    }
    Playbook::parse("test.toml", &text).unwrap_or_else(|e| panic!("{e}"))
}

/// An incident declared at `t0` (Wednesday 2026-11-18 12:00 UTC, working hours)
/// with events added at minute offsets.
struct Run {
    pb: Playbook,
    inc: Incident,
    t0: DateTime<Utc>,
    zone: Tz,
}

impl Run {
    fn new(pb: Playbook) -> Self {
        Self::declared_at(pb, utc("2026-11-18T12:00:00Z"), "SEV2")
    }

    fn declared_at(pb: Playbook, t0: DateTime<Utc>, severity: &str) -> Self {
        let mut r = Run {
            pb,
            inc: Incident::new(IncidentId::new()),
            t0,
            zone: Tz::UTC,
        };
        r.at(
            0,
            EventKind::Declared {
                title: "db down".into(),
                severity: severity.into(),
                summary: String::new(),
                security: false,
                playbook: "default".into(),
            },
        );
        r
    }

    fn t(&self, minutes: i64) -> DateTime<Utc> {
        self.t0 + Duration::minutes(minutes)
    }

    fn at(&mut self, minutes: i64, kind: EventKind) -> &mut Self {
        let at = self.t(minutes);
        let e = Event::new(self.inc.id, "ann", at, at, kind);
        self.inc
            .apply(&e, &self.pb)
            .unwrap_or_else(|err| panic!("{err}"));
        self
    }

    fn all(&self, minutes: i64) -> Vec<ClockStatus> {
        clocks(&self.inc, &self.pb, self.t(minutes), &self.zone)
    }

    fn find(&self, key: &str, minutes: i64) -> Option<ClockStatus> {
        self.all(minutes).into_iter().find(|c| c.key == key)
    }

    fn clock(&self, key: &str, minutes: i64) -> ClockStatus {
        self.find(key, minutes).unwrap_or_else(|| {
            panic!(
                "no clock {key} at +{minutes}m: {:?}",
                keys(&self.all(minutes))
            )
        })
    }

    fn state(&self, key: &str, minutes: i64) -> ClockState {
        self.clock(key, minutes).state
    }

    /// States at each minute offset, for table-style assertions.
    fn states(&self, key: &str, minutes: &[i64]) -> Vec<ClockState> {
        minutes.iter().map(|m| self.state(key, *m)).collect()
    }
}

fn keys(cs: &[ClockStatus]) -> Vec<&str> {
    cs.iter().map(|c| c.key.as_str()).collect()
}

fn role(kind: &str, role: &str, person: &str) -> EventKind {
    match kind {
        "assign" => EventKind::RoleAssigned {
            role: role.into(),
            person: person.into(),
        },
        "engage" => EventKind::RoleEngaged {
            role: role.into(),
            person: person.into(),
        },
        _ => unreachable!(),
    }
}

fn checkin(trend: Option<Trend>) -> EventKind {
    EventKind::CheckInHeld(CheckIn {
        status: "same".into(),
        trend,
        reviews: vec![],
        next: String::new(),
    })
}

fn state(s: &str) -> EventKind {
    EventKind::StateChanged {
        state: s.into(),
        reason: String::new(),
    }
}

fn ack(clock: &str) -> EventKind {
    EventKind::ClockAcknowledged {
        clock: clock.into(),
    }
}

use ClockState::*;

#[test]
fn undeclared_incidents_have_no_clocks() {
    let pb = pb_with("");
    let inc = Incident::new(IncidentId::new());
    assert!(clocks(&inc, &pb, utc("2026-11-18T12:00:00Z"), &Utc).is_empty());
}

#[test]
fn check_in_is_due_between_15_and_20_minutes() {
    let r = Run::new(pb_with(""));
    // 001: due soon 2 min before 15, due at 15, late after 20.
    assert_eq!(
        r.states("checkin", &[0, 12, 13, 14, 15, 19, 20, 90]),
        [Quiet, Quiet, DueSoon, DueSoon, Due, Due, Overdue, Overdue]
    );
    let c = r.clock("checkin", 0);
    assert_eq!(
        (c.due_soon_at, c.due_at, c.overdue_at),
        (r.t(13), r.t(15), r.t(20))
    );
    assert_eq!(c.alarm_at, Some(r.t(15)));
    assert_eq!(c.remaining(r.t(5)), Duration::minutes(10));
    assert!((c.progress(r.t(5)) - 1.0 / 3.0).abs() < 1e-9);
    assert!(c.task.contains("15m-20m"), "{}", c.task);
}

#[test]
fn holding_a_check_in_restarts_the_loop() {
    let mut r = Run::new(pb_with(""));
    r.at(17, checkin(Some(Trend::Same)));
    let c = r.clock("checkin", 17);
    assert_eq!(
        (c.started_at, c.due_at, c.overdue_at),
        (r.t(17), r.t(32), r.t(37))
    );
    assert_eq!(
        r.states("checkin", &[20, 30, 32, 37]),
        [Quiet, DueSoon, Due, Overdue]
    );
}

#[test]
fn a_one_minute_test_loop_is_not_due_soon_from_its_start() {
    let r = Run::new(pb_with("checkin_min = \"1m\"\ncheckin_max = \"2m\""));
    let c = r.clock("checkin", 0);
    assert_eq!(c.due_soon_at, r.t0 + Duration::seconds(30));
    assert_eq!(r.states("checkin", &[0, 1, 2]), [Quiet, Due, Overdue]);
}

#[test]
fn acknowledging_a_recurring_clock_restarts_its_period() {
    let mut r = Run::new(pb_with(""));
    r.at(16, ack("checkin"));
    let c = r.clock("checkin", 16);
    assert_eq!(
        (c.started_at, c.due_at, c.overdue_at),
        (r.t(16), r.t(31), r.t(36))
    );
    assert_eq!(c.acknowledged_at, Some(r.t(16)));
    assert_eq!(c.state, Quiet);
    assert_eq!(c.alarm_at, Some(r.t(31)), "the next due period rings again");
    // A check-in after the acknowledgement starts a new period it does not belong to.
    r.at(20, checkin(None));
    let c = r.clock("checkin", 20);
    assert_eq!((c.started_at, c.acknowledged_at), (r.t(20), None));
}

#[test]
fn a_snooze_silences_until_it_ends_then_rings_again() {
    let mut r = Run::new(pb_with(""));
    r.at(
        16,
        EventKind::ClockSnoozed {
            clock: "checkin".into(),
            until: r.t(22),
        },
    );
    let c = r.clock("checkin", 18);
    assert_eq!((c.state, c.snoozed_until), (Quiet, Some(r.t(22))));
    // Ends after the overdue time: straight to overdue, ringing at the snooze's end.
    let c = r.clock("checkin", 22);
    assert_eq!(
        (c.state, c.snoozed_until, c.alarm_at),
        (Overdue, None, Some(r.t(22)))
    );
    // A snooze that ended before the due time changes nothing.
    let mut r = Run::new(pb_with(""));
    r.at(
        1,
        EventKind::ClockSnoozed {
            clock: "checkin".into(),
            until: r.t(5),
        },
    );
    assert_eq!(r.clock("checkin", 15).alarm_at, Some(r.t(15)));
    assert_eq!(r.state("checkin", 15), Due);
}

#[test]
fn check_ins_sooner_than_15_minutes_are_flagged() {
    let mut r = Run::new(pb_with(""));
    r.at(15, checkin(Some(Trend::Worse)));
    r.at(24, checkin(Some(Trend::Same)));
    r.at(45, checkin(Some(Trend::Better)));
    let view = check_in_loop(&r.inc, &r.pb);
    assert_eq!(view.next_number, 4);
    assert_eq!(
        view.entries.iter().map(|e| e.too_soon).collect::<Vec<_>>(),
        [false, true, false]
    );
    assert_eq!(view.entries[1].gap, Some(Duration::minutes(9)));
    assert_eq!(view.trend_line(), "worse → same → better");
    assert_eq!(
        view.trends(),
        [Some(Trend::Worse), Some(Trend::Same), Some(Trend::Better)]
    );
    // Asked before saving: 14m59s after the last one is too soon, 15m is not.
    let soon = check_in_too_soon(&r.inc, &r.pb, r.t(60) - Duration::seconds(1)).unwrap();
    assert_eq!(soon.since_last, Duration::seconds(14 * 60 + 59));
    assert!(soon.to_string().contains("001"), "{soon}");
    assert_eq!(check_in_too_soon(&r.inc, &r.pb, r.t(60)), None);
    // Backdated between two check-ins: measured to the nearer one.
    assert_eq!(
        check_in_too_soon(&r.inc, &r.pb, r.t(43))
            .unwrap()
            .since_last,
        Duration::minutes(2)
    );
    assert_eq!(
        check_in_loop(&Run::new(pb_with("")).inc, &r.pb).next_number,
        1
    );
}

#[test]
fn mitigations_under_way_or_finished_since_the_last_check_in_are_reviewed() {
    use crate::domain::event::{ActionUpdate, Proposal};
    let mut r = Run::new(pb_with(""));
    for what in ["fail over", "restart", "scale up"] {
        r.at(
            1,
            EventKind::ActionProposed(Proposal {
                what: what.into(),
                ..Default::default()
            }),
        );
    }
    let ids: Vec<_> = r.inc.actions.iter().map(|a| a.id).collect();
    let upd = |i: usize| ActionUpdate {
        action: ids[i],
        reason: String::new(),
    };
    r.at(2, EventKind::ActionApproved(upd(0)));
    r.at(3, EventKind::ActionDone(upd(0)));
    r.at(4, EventKind::ActionApproved(upd(1)));
    r.at(5, checkin(None));
    let names = |r: &Run| {
        mitigations_to_review(&r.inc)
            .iter()
            .map(|a| a.proposal.what.clone())
            .collect::<Vec<_>>()
    };
    // Done before the check-in: reviewed then. Approved: still going. Proposed: not started.
    assert_eq!(names(&r), ["restart"]);
    r.at(6, EventKind::ActionStarted(upd(1)));
    r.at(7, EventKind::ActionFailed(upd(1)));
    assert_eq!(names(&r), ["restart"]);
}

#[test]
fn the_loop_stops_at_resolution_and_restarts_on_reopening() {
    let mut r = Run::new(pb_with(""));
    r.at(10, state("resolved"));
    assert!(r.find("checkin", 30).is_none());
    r.at(40, state("investigating"));
    let c = r.clock("checkin", 40);
    assert_eq!((c.started_at, c.due_at), (r.t(40), r.t(55)));
}

#[test]
fn status_updates_follow_the_severity_cadence_and_restart_on_comms() {
    // Default playbook: SEV1 every 30 min, SEV2 hourly, SEV3 the 2 h of 000.
    for (sev, every) in [("SEV1", 30), ("SEV2", 60), ("SEV3", 120)] {
        let r = Run::declared_at(pb_with(""), utc("2026-11-18T12:00:00Z"), sev);
        assert_eq!(r.clock("status_update", 0).due_at, r.t(every), "{sev}");
    }
    let mut r = Run::declared_at(pb_with(""), utc("2026-11-18T12:00:00Z"), "SEV3");
    assert_eq!(
        r.states("status_update", &[117, 118, 120, 125]),
        [Quiet, DueSoon, Due, Overdue]
    );
    r.at(
        100,
        EventKind::CommsSent {
            audience: "exec".into(),
            text: "no news".into(),
        },
    );
    assert_eq!(r.clock("status_update", 100).due_at, r.t(220));
    r.at(
        150,
        EventKind::SummaryChanged {
            summary: "db primary lost".into(),
        },
    );
    assert_eq!(r.clock("status_update", 150).due_at, r.t(270));
    // Still due while Resolved (000: until closed).
    r.at(160, state("resolved"));
    assert!(r.find("status_update", 161).is_some());
}

#[test]
fn summary_every_30_minutes_and_hourly_client_updates() {
    let mut r = Run::new(pb_with("summary = \"30m\"\nclient_update = \"1h\""));
    assert_eq!(
        r.states("summary", &[27, 28, 30, 35]),
        [Quiet, DueSoon, Due, Overdue]
    );
    assert_eq!(
        r.states("client_update", &[57, 58, 60, 65]),
        [Quiet, DueSoon, Due, Overdue]
    );
    r.at(
        20,
        EventKind::SummaryChanged {
            summary: "failover running".into(),
        },
    );
    assert_eq!(r.clock("summary", 20).due_at, r.t(50));
    // Only comms to a client audience count as a client update.
    r.at(
        30,
        EventKind::CommsSent {
            audience: "exec".into(),
            text: "x".into(),
        },
    );
    assert_eq!(r.clock("client_update", 30).due_at, r.t(60));
    r.at(
        40,
        EventKind::CommsSent {
            audience: "Clients".into(),
            text: "x".into(),
        },
    );
    assert_eq!(r.clock("client_update", 40).due_at, r.t(100));
    // The default playbook leaves both off.
    assert!(Run::new(pb_with("")).find("summary", 0).is_none());
}

#[test]
fn acknowledgement_within_5_minutes_or_15_for_an_alert() {
    let mut r = Run::new(pb_with(""));
    assert_eq!(
        r.states("ack", &[2, 3, 5, 10]),
        [Quiet, DueSoon, Due, Overdue]
    );
    // Assigned is not acknowledged; engaged is.
    r.at(6, role("assign", "ic", "bob"));
    assert_eq!(r.state("ack", 6), Due);
    r.at(7, role("engage", "ic", "bob"));
    let c = r.clock("ack", 7);
    assert_eq!((c.state, c.alarm_at), (Satisfied, None));
    assert_eq!(
        c.satisfied_by.as_deref(),
        Some("Incident Commander engaged")
    );

    let mut r = Run::new(pb_with(""));
    r.at(
        0,
        EventKind::LinkSet {
            link: "alert".into(),
            url: "http://am/1".into(),
        },
    );
    let c = r.clock("ack", 0);
    assert_eq!(
        (c.due_at, c.name.as_str()),
        (r.t(15), "Acknowledge the alert")
    );
}

#[test]
fn first_responder_picks_an_ic_after_10_minutes() {
    let mut r = Run::new(pb_with(""));
    assert_eq!(
        r.states("first_responder", &[7, 8, 10, 15]),
        [Quiet, DueSoon, Due, Overdue]
    );
    r.at(11, role("assign", "ic", "bob"));
    assert_eq!(r.state("first_responder", 11), Satisfied);
}

#[test]
fn investigating_escalates_30_minutes_after_engagement() {
    let mut r = Run::new(pb_with(""));
    // Nobody engaged yet: counted from entering the state.
    assert_eq!(r.clock("investigating", 0).due_at, r.t(30));
    r.at(10, role("engage", "ic", "bob"));
    assert_eq!(
        r.states("investigating", &[37, 38, 40, 45]),
        [Quiet, DueSoon, Due, Overdue]
    );
    r.at(41, ack("investigating"));
    assert_eq!(r.state("investigating", 42), Satisfied);
    // Leaving Investigating ends it; coming back starts a new period the old ack does not cover.
    r.at(50, state("identified"));
    assert!(r.find("investigating", 50).is_none());
    r.at(60, state("investigating"));
    let c = r.clock("investigating", 60);
    assert_eq!(
        (c.state, c.due_at, c.acknowledged_at),
        (Quiet, r.t(90), None)
    );
}

#[test]
fn security_report_within_an_hour_even_after_closing() {
    let mut r = Run::new(pb_with(""));
    assert!(r.find("security_report", 0).is_none());
    r.at(
        10,
        EventKind::SecurityFlagged {
            details: "PII in logs".into(),
        },
    );
    assert_eq!(
        r.states("security_report", &[11, 68, 70, 75]),
        [Quiet, DueSoon, Due, Overdue]
    );
    r.at(20, state("resolved"));
    r.at(36, EventKind::CloseRequested {});
    r.at(37, EventKind::Closed {});
    assert_eq!(
        r.state("security_report", 40),
        Quiet,
        "000: CMS must be notified even if closed"
    );
    r.at(45, ack("security_report"));
    let c = r.clock("security_report", 46);
    assert_eq!(
        (c.state, c.satisfied_by.as_deref()),
        (Satisfied, Some("acknowledged"))
    );
}

#[test]
fn out_of_hours_escalate_at_30_minutes_and_stop_at_2_hours_local_time() {
    // London in November is UTC+0; New York is UTC-5. Declared 17:40 UTC on a Wednesday.
    let mut r = Run::declared_at(pb_with(""), utc("2026-11-18T17:40:00Z"), "SEV2");
    r.zone = London;
    assert!(
        r.find("out_of_hours_escalate", 10).is_none(),
        "17:50 is working hours"
    );
    let esc = r.clock("out_of_hours_escalate", 20);
    let stop = r.clock("out_of_hours_stop", 20);
    assert_eq!(
        (esc.started_at, esc.due_at),
        (utc("2026-11-18T18:00:00Z"), utc("2026-11-18T18:30:00Z"))
    );
    assert_eq!(stop.due_at, utc("2026-11-18T20:00:00Z"));
    assert_eq!(
        r.states("out_of_hours_escalate", &[20, 48, 50, 60]),
        [Quiet, DueSoon, Due, Overdue]
    );
    // The same instants in New York (12:40 local) are working hours.
    r.zone = New_York;
    assert!(r.find("out_of_hours_escalate", 20).is_none());
    // An incident declared at night counts from its declaration.
    let mut r = Run::declared_at(pb_with(""), utc("2026-11-19T01:00:00Z"), "SEV2");
    r.zone = New_York; // 20:00 local
    assert_eq!(
        r.clock("out_of_hours_stop", 0).due_at,
        utc("2026-11-19T03:00:00Z")
    );
    // Hours are the playbook's.
    let mut r = Run::declared_at(
        pb_with("out_of_hours_start = \"20:00\""),
        utc("2026-11-18T17:40:00Z"),
        "SEV2",
    );
    r.zone = London;
    assert!(r.find("out_of_hours_escalate", 20).is_none());
    assert!(r.find("out_of_hours_escalate", 150).is_some());
}

#[test]
fn out_of_hours_across_dst_and_the_weekend() {
    // Sunday 2026-03-29, London springs forward at 01:00 GMT. Weekends are out of
    // hours (default): the stretch began Friday 18:00 GMT, before the incident.
    let mut r = Run::declared_at(pb_with(""), utc("2026-03-29T08:30:00Z"), "SEV2");
    r.zone = London;
    let c = r.clock("out_of_hours_escalate", 0);
    assert_eq!(
        (c.started_at, c.due_at),
        (r.t0, utc("2026-03-29T09:00:00Z"))
    );
    // Without the weekend rule, Sunday opens at 10:00 BST = 09:00 UTC.
    let mut r = Run::declared_at(
        pb_with("out_of_hours_weekends = false"),
        utc("2026-03-29T08:30:00Z"),
        "SEV2",
    );
    r.zone = London;
    assert!(
        r.find("out_of_hours_escalate", 0).is_some(),
        "09:30 BST is before opening"
    );
    assert!(
        r.find("out_of_hours_escalate", 30).is_none(),
        "10:00 BST = 09:00 UTC is open"
    );
    // Monday morning after a weekend: still the stretch from Friday, so the incident's own start counts.
    let mut r = Run::declared_at(pb_with(""), utc("2026-11-23T08:00:00Z"), "SEV2");
    r.zone = London;
    assert_eq!(
        r.clock("out_of_hours_stop", 0).due_at,
        utc("2026-11-23T10:00:00Z")
    );
    assert!(
        r.find("out_of_hours_stop", 120).is_none(),
        "10:00 Monday is working hours"
    );
}

#[test]
fn role_fatigue_after_two_hours_in_a_fatigue_role() {
    let mut r = Run::new(pb_with(""));
    r.at(0, role("engage", "ic", "bob"));
    r.at(5, role("assign", "tech_lead", "cy"));
    r.at(5, role("assign", "scribe", "dee"));
    let all = r.all(0);
    assert!(all.iter().any(|c| c.key == "fatigue.ic"));
    assert!(
        !all.iter().any(|c| c.key.starts_with("fatigue.scribe")),
        "scribe is not a fatigue role"
    );
    assert_eq!(
        r.states("fatigue.ic", &[100, 118, 120, 125]),
        [Quiet, DueSoon, Due, Overdue]
    );
    assert_eq!(r.clock("fatigue.tech_lead", 0).due_at, r.t(125));
    assert_eq!(
        r.clock("fatigue.ic", 0).name,
        "Role fatigue: Incident Commander (bob)"
    );
    // A handoff starts the incoming person's own two hours.
    r.at(
        121,
        EventKind::RoleHandedOff {
            role: "ic".into(),
            from: "bob".into(),
            to: "eve".into(),
            briefing: Default::default(),
        },
    );
    r.at(
        121,
        EventKind::HandoffAccepted {
            role: "ic".into(),
            person: "eve".into(),
        },
    );
    let c = r.clock("fatigue.ic", 121);
    assert_eq!((c.state, c.due_at), (Quiet, r.t(241)));
    assert!(c.name.contains("eve"));
}

#[test]
fn fatigue_in_a_shared_role_is_per_person() {
    let pb = pb_with("");
    let text = DEFAULT.replace(
        "key = \"investigator\"\nname = \"Investigator\"",
        "key = \"investigator\"\nname = \"Investigator\"\nfatigue = true",
    );
    let pb2 = Playbook::parse("t.toml", &text).unwrap();
    assert!(pb2.role("investigator").unwrap().fatigue && !pb.role("investigator").unwrap().fatigue);
    let mut r = Run::new(pb2);
    r.at(0, role("assign", "investigator", "Al Bo"));
    r.at(30, role("assign", "investigator", "cy"));
    assert_eq!(r.clock("fatigue.investigator.al-bo", 0).due_at, r.t(120));
    assert_eq!(r.clock("fatigue.investigator.cy", 30).due_at, r.t(150));
}

#[test]
fn handoff_plus_30() {
    let mut r = Run::new(pb_with(""));
    r.at(0, role("engage", "ic", "bob"));
    assert!(r.find("handoff.ic", 0).is_none());
    let handoff = |to: &str, from: &str| EventKind::RoleHandedOff {
        role: "ic".into(),
        from: from.into(),
        to: to.into(),
        briefing: Default::default(),
    };
    let accept = |to: &str| EventKind::HandoffAccepted {
        role: "ic".into(),
        person: to.into(),
    };
    r.at(60, handoff("eve", "bob"));
    // 000: the handoff completes when the incoming IC says "I have command".
    assert!(r.find("handoff.ic", 60).is_none());
    r.at(60, accept("eve"));
    let c = r.clock("handoff.ic", 60);
    assert_eq!(
        (c.due_at, c.name.as_str()),
        (r.t(90), "Handoff+30m: bob disengages")
    );
    assert_eq!(
        r.states("handoff.ic", &[60, 88, 90, 95]),
        [Quiet, DueSoon, Due, Overdue]
    );
    r.at(91, ack("handoff.ic"));
    assert_eq!(r.state("handoff.ic", 92), Satisfied);
    // The next handoff is a new period.
    r.at(100, handoff("fay", "eve"));
    r.at(100, accept("fay"));
    let c = r.clock("handoff.ic", 100);
    assert_eq!((c.state, c.due_at), (Quiet, r.t(130)));
    assert!(c.name.contains("eve"));
}

#[test]
fn watch_15_minutes_after_resolution_then_closing_ends_it() {
    let mut r = Run::new(pb_with(""));
    assert!(r.find("resolved_watch", 0).is_none());
    r.at(30, state("resolved"));
    assert_eq!(
        r.states("resolved_watch", &[30, 43, 45, 50]),
        [Quiet, DueSoon, Due, Overdue]
    );
    // The watch is quiet; the loop, acknowledgement and escalation clocks are gone.
    let ks = keys(&r.all(31))
        .into_iter()
        .map(String::from)
        .collect::<Vec<_>>();
    for gone in ["checkin", "ack", "first_responder", "investigating"] {
        assert!(!ks.iter().any(|k| k == gone), "{gone} in {ks:?}");
    }
    r.at(46, EventKind::CloseRequested {});
    r.at(47, EventKind::Closed {});
    assert!(r.find("resolved_watch", 47).is_none());
    assert!(r.find("status_update", 47).is_none());
}

#[test]
fn postmortems_are_due_in_business_days_in_the_users_zone() {
    // Resolved Friday 2026-10-30 16:00 in New York (EDT, 20:00Z). DST ends Sunday.
    let mut r = Run::declared_at(pb_with(""), utc("2026-10-30T19:00:00Z"), "SEV2");
    r.zone = New_York;
    r.at(60, state("resolved"));
    let rca = r.clock("rca", 61);
    let pmr = r.clock("pmr", 61);
    // RCA: Monday 16:00 EST = 21:00Z. PMR: the Friday after, 16:00 EST.
    assert_eq!(rca.due_at, utc("2026-11-02T21:00:00Z"));
    assert_eq!(pmr.due_at, utc("2026-11-06T21:00:00Z"));
    assert_eq!(rca.state, Quiet);
    // Over the weekend it stays quiet; Monday afternoon it is due soon, then due.
    let at = |s: &str| {
        clocks(&r.inc, &r.pb, utc(s), &r.zone)
            .into_iter()
            .find(|c| c.key == "rca")
            .unwrap()
            .state
    };
    assert_eq!(at("2026-11-01T12:00:00Z"), Quiet);
    assert_eq!(at("2026-11-02T20:59:00Z"), DueSoon);
    assert_eq!(at("2026-11-02T21:00:00Z"), Due);
    assert_eq!(at("2026-11-02T21:05:00Z"), Overdue);
    // They outlive closing, and an acknowledgement ("written") satisfies one.
    r.at(80, EventKind::CloseRequested {});
    r.at(81, EventKind::Closed {});
    r.at(90, ack("rca"));
    assert_eq!(r.state("rca", 91), Satisfied);
    assert_eq!(r.state("pmr", 91), Quiet);
    // Reopening clears them: no recovery yet.
    r.at(
        100,
        EventKind::Reopened {
            reason: "back".into(),
        },
    );
    assert!(r.find("rca", 100).is_none());
}

#[test]
fn clocks_are_listed_most_pressing_first_and_keys_are_known() {
    let mut r = Run::new(pb_with(""));
    r.at(0, role("engage", "ic", "bob"));
    r.at(
        0,
        EventKind::SecurityFlagged {
            details: String::new(),
        },
    );
    let all = r.all(16);
    let ranks: Vec<_> = all.iter().map(|c| c.state.rank()).collect();
    let mut sorted = ranks.clone();
    sorted.sort();
    assert_eq!(ranks, sorted);
    assert_eq!(all.last().unwrap().state, Satisfied);
    let known = clock_keys(&r.inc, &r.pb);
    for c in &all {
        assert!(known.contains(&c.key), "{} not in {known:?}", c.key);
    }
    for k in [
        "checkin",
        "ack",
        "rca",
        "pmr",
        "fatigue.ic",
        "fatigue.tech_lead",
        "handoff.scribe",
    ] {
        assert!(known.iter().any(|x| x == k), "{k} missing from {known:?}");
    }
    // A playbook without a clock does not run it, and its key is not valid.
    let mut r = Run::new(pb_with("").tap(|pb| pb.clocks.first_responder = None));
    r.at(0, role("assign", "ic", "bob"));
    assert!(r.find("first_responder", 20).is_none());
    assert!(!clock_keys(&r.inc, &r.pb).contains(&"first_responder".to_string()));
}

trait Tap: Sized {
    fn tap(mut self, f: impl FnOnce(&mut Self)) -> Self {
        f(&mut self);
        self
    }
}
impl Tap for Playbook {}

#[test]
fn a_snooze_must_end_after_it_starts() {
    let r = Run::new(pb_with(""));
    let mut inc = r.inc.clone();
    let e = Event::new(
        inc.id,
        "ann",
        r.t(5),
        r.t(5),
        EventKind::ClockSnoozed {
            clock: "checkin".into(),
            until: r.t(5),
        },
    );
    assert_eq!(
        inc.apply(&e, &r.pb),
        Err(crate::domain::RuleError::SnoozeInThePast)
    );
    assert!(inc.clocks.is_empty(), "nothing folded");
}

mod seed_roles;
