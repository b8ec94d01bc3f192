//! Kill -9 the delivering cockpit in the middle of 1,000 events to a slow
//! endpoint, start it again: every event arrives at least once, in order, and
//! where the endpoint deduplicates (Matrix txn id, PagerDuty dedup_key)
//! exactly once in effect.

mod sync_mock;

use std::collections::BTreeSet;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::Utc;
use cockpit::config::{Config, load_playbooks};
use cockpit::domain::{Event, EventKind, IncidentId};
use cockpit::journal::Journal;
use cockpit::sync::{Outbox, Router, RowFilter};
use sync_mock::Mock;

const INCIDENTS: usize = 50;
const NOTES: usize = 17; // + declare, engage, resolve = 20 events an incident

fn config(room: &Mock, pd: &Mock) -> String {
    format!(
        r#"
[[endpoint]]
name = "room"
kind = "matrix"
url = "{}"
token = "env:KILL_TEST_MATRIX_TOKEN"
room = "!room:localhost"
events = ["declared", "role_engaged", "note", "state_changed"]

[[endpoint]]
name = "pd"
kind = "pagerduty"
url = "{}"
routing_key = "env:KILL_TEST_PD_KEY"

[[endpoint]]
name = "feed"
kind = "webhook"
url = "env:KILL_TEST_HOOK_URL"
secret = "env:KILL_TEST_HOOK_KEY"
"#,
        room.url(""),
        pd.url("/v2/enqueue")
    )
}

async fn wait_for(what: &str, limit: Duration, mut done: impl FnMut() -> bool) {
    let start = Instant::now();
    while !done() {
        assert!(start.elapsed() < limit, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_mid_delivery_loses_nothing_and_doubles_nothing_in_effect() {
    let room = Mock::start(sync_mock::matrix("@cockpit:localhost")).await;
    let pd = Mock::start(sync_mock::pagerduty()).await;
    let feed = Mock::start(sync_mock::hook(200, "")).await;
    // A slow room: about 3 s for everything, so the kill lands mid-way.
    room.set_delay(Duration::from_millis(3));
    let dir = tempfile::tempdir().unwrap();
    let config_path = dir.path().join("config.toml");
    let text = config(&room, &pd);
    std::fs::write(&config_path, &text).unwrap();
    let journal_path = dir.path().join("journal.sqlite");

    // The 1,000 events, with their outbox rows, as any cockpit writes them.
    let cfg = Config::parse(&config_path, &text).unwrap();
    let mut journal =
        Journal::open(&journal_path, Arc::new(load_playbooks(None).unwrap())).unwrap();
    journal.set_outbox(Router::new(&cfg.endpoints).map(|r| Arc::new(r) as _));
    let mut incidents = Vec::new();
    let mut events = 0;
    for i in 0..INCIDENTS {
        let id = IncidentId::new();
        incidents.push(id);
        let mut add = |kind| {
            let now = Utc::now();
            journal
                .append(Event::new(id, "ann", now, now, kind))
                .unwrap();
            events += 1;
        };
        add(EventKind::Declared {
            title: format!("incident {i}"),
            severity: "SEV2".into(),
            summary: String::new(),
            security: false,
            playbook: "default".into(),
        });
        add(EventKind::RoleEngaged {
            role: "ic".into(),
            person: "ann".into(),
        });
        for n in 0..NOTES {
            add(EventKind::Note {
                text: format!("incident {i} note {n}"),
                tag: "note".into(),
                private: false,
            });
        }
        add(EventKind::StateChanged {
            state: "resolved".into(),
            reason: String::new(),
        });
    }
    assert_eq!(events, 1000);
    let rows = Outbox::open(&journal)
        .unwrap()
        .rows(RowFilter::All, 10_000)
        .unwrap();
    let mut room_rows: Vec<_> = rows.iter().filter(|r| r.endpoint == "room").collect();
    room_rows.sort_by_key(|r| r.id);
    assert_eq!(room_rows.len(), INCIDENTS * (NOTES + 4));
    // Messages carry txn ids; topics are state (latest wins), checked apart.
    let expected_txns: Vec<String> = room_rows
        .iter()
        .filter(|r| r.what == "post")
        .map(|r| format!("cockpit.{}.{}", r.event_id.0.simple(), r.part))
        .collect();
    assert_eq!(expected_txns.len(), INCIDENTS * (NOTES + 3));

    let hook_url = feed.url("/hooks/feed");
    let start = || {
        Command::new(env!("CARGO_BIN_EXE_cockpit"))
            .args(["--journal", journal_path.to_str().unwrap()])
            .args(["--config", config_path.to_str().unwrap()])
            .args(["sync", "run"])
            .env("KILL_TEST_MATRIX_TOKEN", "syt_kill_test")
            .env("KILL_TEST_PD_KEY", "R0123456789abcdef0123456789abcd")
            .env("KILL_TEST_HOOK_URL", &hook_url)
            .env("KILL_TEST_HOOK_KEY", "hmac-key")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    };
    let mut first = start();
    wait_for("300 room messages", Duration::from_secs(60), || {
        room.world.lock().unwrap().room.len() >= 300
    })
    .await;
    first.kill().unwrap(); // SIGKILL
    first.wait().unwrap();
    let at_kill = room.world.lock().unwrap().room.len();
    assert!(
        at_kill < expected_txns.len(),
        "the kill landed mid-way ({at_kill})"
    );

    let second = start();
    let out = tokio::task::spawn_blocking(move || second.wait_with_output().unwrap())
        .await
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{:?} {stdout}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("parked 0\n") && !stdout.contains("rows are parked"),
        "{stdout}"
    );

    // Matrix: every message once, in journal order, whatever was resent.
    let sends = room.count();
    let w = room.world.lock().unwrap();
    let first_difference = w
        .txn_order
        .iter()
        .zip(&expected_txns)
        .position(|(a, b)| a != b);
    assert_eq!(first_difference, None, "messages out of journal order");
    assert_eq!(w.txn_order.len(), expected_txns.len());
    assert_eq!(w.room.len(), expected_txns.len());
    eprintln!(
        "room: killed after {at_kill} messages; {sends} sends for {} messages",
        w.room.len()
    );
    // PagerDuty: one alert per incident, triggered, acknowledged, resolved.
    let alerts = &pd.world.lock().unwrap().alerts;
    assert_eq!(alerts.len(), INCIDENTS);
    for id in &incidents {
        assert_eq!(
            alerts[&format!("cockpit-{id}")],
            ["trigger", "acknowledge", "resolve"]
        );
    }
    // Webhook (no dedup on its side): every event at least once.
    let delivered: BTreeSet<String> = feed
        .requests()
        .iter()
        .filter_map(|r| r.header("x-cockpit-delivery").map(str::to_string))
        .collect();
    assert_eq!(delivered.len(), 1000);
    let h = Outbox::open(&journal).unwrap().health().unwrap();
    assert_eq!((h.pending, h.parked), (0, 0));
}
