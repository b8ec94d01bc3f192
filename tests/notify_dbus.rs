//! Real desktop notifications over a real, private D-Bus session bus, received
//! by the fake notification server in `tests/support/fake_notifyd.py`.
//! Run by `tests/support/clocks.sh`, which starts `dbus-run-session`, the
//! server, and this test with `COCKPIT_FAKE_NOTIFYD_LOG` naming its log.

use chrono::{DateTime, Duration, Utc};
use std::time::Duration as StdDuration;

use cockpit::domain::clocks::clocks;
use cockpit::domain::event::{Event, EventKind};
use cockpit::domain::{Incident, IncidentId, Playbook};
use cockpit::notify::{Notifier, NotifierReport, NotifyPlanner, Urgency};

const DEFAULT: &str = include_str!("../assets/playbooks/default.toml");

fn t(min: i64) -> DateTime<Utc> {
    // A Wednesday noon in UTC: working hours, so no out-of-hours clocks.
    DateTime::parse_from_rfc3339("2026-11-18T12:00:00Z")
        .unwrap()
        .with_timezone(&Utc)
        + Duration::minutes(min)
}

/// SEV2 "db <primary> & replica", IC bob engaged at once, who hands command to
/// "eve <ops> & co" a minute later. At +31 min the check-in is overdue, the
/// handoff+30 and the Investigating escalation are due.
fn incident(pb: &Playbook) -> Incident {
    let mut i = Incident::new(IncidentId::new());
    let events = [
        (
            0,
            EventKind::Declared {
                title: "db <primary> & replica".into(),
                severity: "SEV2".into(),
                summary: String::new(),
                security: false,
                playbook: "default".into(),
            },
        ),
        (
            0,
            EventKind::RoleEngaged {
                role: "ic".into(),
                person: "bob".into(),
            },
        ),
        (
            1,
            EventKind::RoleHandedOff {
                role: "ic".into(),
                from: "bob".into(),
                to: "eve <ops> & co".into(),
                briefing: Default::default(),
            },
        ),
        // 000: command passes (and 004's handoff+30 starts) when the incoming IC accepts.
        (
            1,
            EventKind::HandoffAccepted {
                role: "ic".into(),
                person: "eve <ops> & co".into(),
            },
        ),
    ];
    for (min, kind) in events {
        let e = Event::new(i.id, "ann", t(min), t(min), kind);
        i.apply(&e, pb).unwrap();
    }
    i
}

#[test]
#[ignore = "needs a private D-Bus session and the fake server: run tests/support/clocks.sh"]
fn due_clocks_arrive_as_desktop_notifications_over_dbus() {
    let log = std::env::var("COCKPIT_FAKE_NOTIFYD_LOG")
        .expect("COCKPIT_FAKE_NOTIFYD_LOG is set by tests/support/clocks.sh");
    let before = std::fs::read_to_string(&log)
        .unwrap_or_default()
        .lines()
        .count();

    let pb = Playbook::parse("default.toml", DEFAULT).unwrap();
    let inc = incident(&pb);
    let now = t(31);
    let list = clocks(&inc, &pb, now, &Utc);
    let mut planner = NotifyPlanner::new();
    let plan = planner.plan(&inc, &pb, &list, now);
    let mut raised: Vec<_> = plan.notices.iter().map(|n| n.clock.as_str()).collect();
    raised.sort();
    assert_eq!(raised, ["checkin", "handoff.ic", "investigating"]);
    assert!(plan.bell);

    let notifier = Notifier::desktop();
    for n in plan.notices.clone() {
        notifier.send(n);
    }
    let mut shown = Vec::new();
    while shown.len() < 3 {
        match notifier.wait_report(StdDuration::from_secs(30)) {
            Some(NotifierReport::Shown { clock, id }) => shown.push((clock, id)),
            other => panic!("expected a shown notification, got {other:?}"),
        }
    }
    // A redraw a second later raises nothing more.
    let again = planner.plan(
        &inc,
        &pb,
        &clocks(&inc, &pb, now + Duration::seconds(1), &Utc),
        now,
    );
    assert!(again.notices.is_empty() && !again.bell);

    let text = std::fs::read_to_string(&log).unwrap();
    let arrived: Vec<serde_json::Value> = text
        .lines()
        .skip(before)
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(arrived.len(), 3, "{text}");
    let find = |clock: &str| {
        let n = plan.notices.iter().find(|n| n.clock == clock).unwrap();
        let got = arrived
            .iter()
            .find(|a| a["summary"] == n.summary.as_str())
            .unwrap_or_else(|| panic!("no notification with summary {:?} in {text}", n.summary));
        (n.clone(), got.clone())
    };

    let (n, got) = find("checkin");
    assert_eq!(got["app_name"], "incident-cockpit");
    assert_eq!(
        got["summary"],
        "SEV2 db <primary> & replica: Check-in (overdue)"
    );
    assert_eq!(n.urgency, Urgency::Critical);
    assert_eq!(got["hints"]["urgency"], 2, "critical: overdue at SEV2");
    let body = got["body"].as_str().unwrap();
    assert!(
        body.starts_with("Hold the check-in: status from the tech lead"),
        "{body}"
    );
    assert!(body.contains("Overdue: was due 16m 00s ago."), "{body}");
    assert!(
        body.contains("(001: the 15-20 minute check-in loop)"),
        "{body}"
    );

    let (n, got) = find("handoff.ic");
    assert_eq!(
        got["summary"],
        "SEV2 db <primary> & replica: Handoff+30m: bob disengages (due)"
    );
    assert_eq!(got["hints"]["urgency"], 1, "normal: a due handoff at SEV2");
    assert_eq!(got["body"], n.body.as_str());
    let body = got["body"].as_str().unwrap();
    assert!(
        body.contains("bob handed Incident Commander to eve &lt;ops&gt; &amp; co:"),
        "{body}"
    );
    assert!(
        !body.contains("<ops>"),
        "markup in the body is escaped: {body}"
    );

    let (_, got) = find("investigating");
    assert_eq!(
        got["summary"],
        "SEV2 db <primary> & replica: Still Investigating (due)"
    );
    assert_eq!(
        got["hints"]["urgency"], 2,
        "critical: an escalation clock at SEV2"
    );

    // The ids the server gave are the ones reported back.
    let mut ids: Vec<u64> = arrived.iter().map(|a| a["id"].as_u64().unwrap()).collect();
    let mut reported: Vec<u64> = shown.iter().map(|(_, id)| u64::from(*id)).collect();
    ids.sort();
    reported.sort();
    assert_eq!(ids, reported);
}
