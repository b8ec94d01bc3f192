//! How much a redraw's `clocks()` costs on a long incident: the screen calls it
//! once a second (and on every change), so it must stay far below a frame.
//! Run: cargo test --test clocks_cost -- --ignored --nocapture

use chrono::{DateTime, Duration, Utc};
use std::time::Instant;

use cockpit::domain::clocks::{check_in_loop, clocks};
use cockpit::domain::event::{CheckIn, Event, EventKind};
use cockpit::domain::{Incident, IncidentId, Playbook};
use cockpit::notify::NotifyPlanner;

const DEFAULT: &str = include_str!("../assets/playbooks/default.toml");

#[test]
#[ignore = "a measurement; run with --ignored --nocapture"]
fn clocks_on_a_24_hour_incident_cost_microseconds() {
    let pb = Playbook::parse("default.toml", DEFAULT).unwrap();
    let t0 = DateTime::parse_from_rfc3339("2026-11-18T12:00:00Z")
        .unwrap()
        .with_timezone(&Utc);
    let mut inc = Incident::new(IncidentId::new());
    let mut add = |min: i64, kind: EventKind| {
        let at = t0 + Duration::minutes(min);
        inc.apply(&Event::new(inc.id, "ann", at, at, kind), &pb)
            .unwrap();
    };
    add(
        0,
        EventKind::Declared {
            title: "db down".into(),
            severity: "SEV1".into(),
            summary: String::new(),
            security: true,
            playbook: "default".into(),
        },
    );
    // A day of 15-minute check-ins, a handoff every two hours, comms every half hour.
    let people = ["bob", "eve", "fay", "gus"];
    add(
        0,
        EventKind::RoleEngaged {
            role: "ic".into(),
            person: "bob".into(),
        },
    );
    for n in 1..=96 {
        let min = n * 15;
        add(
            min,
            EventKind::CheckInHeld(CheckIn {
                status: format!("loop {n}"),
                ..Default::default()
            }),
        );
        if n % 2 == 0 {
            add(
                min,
                EventKind::CommsSent {
                    audience: "clients".into(),
                    text: "update".into(),
                },
            );
        }
        if n % 8 == 0 {
            let (from, to) = (
                people[(n as usize / 8 - 1) % 4],
                people[(n as usize / 8) % 4],
            );
            add(
                min,
                EventKind::RoleHandedOff {
                    role: "ic".into(),
                    from: from.into(),
                    to: to.into(),
                    briefing: Default::default(),
                },
            );
            // 000: command passes when the incoming IC accepts.
            add(
                min,
                EventKind::HandoffAccepted {
                    role: "ic".into(),
                    person: to.into(),
                },
            );
        }
    }
    let inc = inc;
    let zone = chrono_tz::Europe::London;
    let now = t0 + Duration::hours(24) + Duration::minutes(3);
    let mut planner = NotifyPlanner::new();
    let rounds = 20_000u32;
    let start = Instant::now();
    let mut n = 0;
    for i in 0..rounds {
        let at = now + Duration::seconds(i64::from(i));
        let list = clocks(&inc, &pb, at, &zone);
        n += planner.plan(&inc, &pb, &list, at).notices.len();
        n += check_in_loop(&inc, &pb).entries.len();
    }
    let per = start.elapsed() / rounds;
    println!(
        "clocks + plan + loop view per redraw: {per:?} ({} clocks, {n} items)",
        clocks(&inc, &pb, now, &zone).len()
    );
    // Even unoptimised, far below one frame.
    assert!(per.as_micros() < 1_000, "{per:?}");
}
