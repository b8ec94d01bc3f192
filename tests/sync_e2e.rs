//! End to end against a real Synapse and a real Alertmanager on 127.0.0.1,
//! started by `tests/support/sync.sh` (which sets COCKPIT_E2E and the
//! addresses and tokens below). The cockpit posts to a room, sets its topic,
//! reads back what another user said; lists a firing alert and expires a
//! silence, all through the `cockpit` binary and its config file.

use assert_cmd::Command;
use chrono::{Duration, Utc};
use serde_json::{Value, json};
use std::path::Path;
use std::sync::Arc;

use cockpit::config::{Config, load_playbooks};
use cockpit::domain::time::SystemClock;
use cockpit::journal::Journal;
use cockpit::sync::{ChatReader, Deliverer, Router, SyncSettings};

fn env(k: &str) -> String {
    std::env::var(k).unwrap_or_else(|_| panic!("{k} is set by tests/support/sync.sh"))
}

fn cockpit(dir: &Path, args: &[&str]) -> String {
    let out = Command::cargo_bin("cockpit")
        .unwrap()
        .arg("--journal")
        .arg(dir.join("journal.sqlite"))
        .arg("--config")
        .arg(dir.join("config.toml"))
        .args(["--as", "ann"])
        .args(args)
        .env("E2E_MATRIX_TOKEN", env("COCKPIT_E2E_MATRIX_TOKEN"))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(
        out.status.success(),
        "cockpit {args:?}: {stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

async fn matrix(method: reqwest::Method, path: &str, token: &str, body: Option<Value>) -> Value {
    let url = format!("{}{path}", env("COCKPIT_E2E_MATRIX_URL"));
    let mut req = reqwest::Client::new()
        .request(method, url)
        .bearer_auth(token);
    if let Some(b) = body {
        req = req.json(&b);
    }
    let resp = req.send().await.unwrap();
    let status = resp.status();
    let v: Value = resp.json().await.unwrap_or(Value::Null);
    assert!(status.is_success(), "{path}: {status} {v}");
    v
}

fn room_path(tail: &str) -> String {
    let room = env("COCKPIT_E2E_MATRIX_ROOM");
    format!(
        "/_matrix/client/v3/rooms/{}/{tail}",
        room.replace('!', "%21").replace(':', "%3A")
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_real_synapse_and_alertmanager() {
    if std::env::var("COCKPIT_E2E").is_err() {
        eprintln!(
            "SKIPPED sync_e2e: needs a real Synapse and Alertmanager on 127.0.0.1; \
             run tests/support/sync.sh, which starts them and runs this test"
        );
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let config = format!(
        r#"
[[endpoint]]
name = "room"
kind = "matrix"
url = "{}"
token = "env:E2E_MATRIX_TOKEN"
room = "{}"
read = true

[[endpoint]]
name = "am"
kind = "alertmanager"
url = "{}"
filter = ['service="db"']
"#,
        env("COCKPIT_E2E_MATRIX_URL"),
        env("COCKPIT_E2E_MATRIX_ROOM"),
        env("COCKPIT_E2E_ALERTMANAGER_URL"),
    );
    std::fs::write(dir.path().join("config.toml"), &config).unwrap();
    let d = dir.path();
    let title = format!("e2e db down {}", Utc::now().timestamp_millis());

    // Post to the room and set its topic, through the outbox.
    cockpit(d, &["declare", &title, "--severity", "SEV1"]);
    cockpit(d, &["link", "bridge", "https://meet.example/e2e"]);
    let run = cockpit(d, &["sync", "run"]);
    assert!(run.starts_with("delivered 3, retried 0, parked 0"), "{run}");
    let bob = env("COCKPIT_E2E_MATRIX_BOB_TOKEN");
    let msgs = matrix(
        reqwest::Method::GET,
        &room_path("messages?dir=b&limit=20"),
        &bob,
        None,
    )
    .await;
    let bodies: Vec<&str> = msgs["chunk"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["type"] == "m.room.message")
        .filter_map(|e| e["content"]["body"].as_str())
        .collect();
    assert!(
        bodies.contains(&format!("[Active Incident] {title}").as_str()),
        "{bodies:?}"
    );
    let topic = matrix(
        reqwest::Method::GET,
        &room_path("state/m.room.topic/"),
        &bob,
        None,
    )
    .await;
    assert_eq!(
        topic["topic"],
        "Active Incident. Conference Line: https://meet.example/e2e Incident Document: (none)"
    );

    // Bob says something in the room: it reaches the timeline once, as chat.
    let said = format!("replica lag is 40s ({})", Utc::now().timestamp_millis());
    matrix(
        reqwest::Method::PUT,
        &room_path(&format!(
            "send/m.room.message/bob{}",
            Utc::now().timestamp_millis()
        )),
        &bob,
        Some(json!({"msgtype": "m.text", "body": said})),
    )
    .await;
    // SAFETY: set before any thread of this test reads it; only this test uses it.
    #[allow(unsafe_code)]
    unsafe {
        std::env::set_var("E2E_MATRIX_TOKEN", env("COCKPIT_E2E_MATRIX_TOKEN"))
    };
    let cfg = Config::parse(&d.join("config.toml"), &config).unwrap();
    let playbooks = Arc::new(load_playbooks(None).unwrap());
    let path = d.join("journal.sqlite");
    let mut journal = Journal::open(&path, playbooks.clone()).unwrap();
    journal.set_outbox(Router::new(&cfg.endpoints).map(|r| Arc::new(r) as _));
    let settings = SyncSettings::new(
        path,
        playbooks,
        cfg.endpoints.clone(),
        Arc::new(SystemClock),
    );
    let deliverer = Deliverer::new(&journal, &settings).unwrap();
    assert!(
        deliverer.problems().is_empty(),
        "{:?}",
        deliverer.problems()
    );
    let mut reader = ChatReader::new(journal, deliverer.targets(), Arc::new(SystemClock));
    assert_eq!(reader.read(&deliverer).await, (1, vec![]));
    assert_eq!(reader.read(&deliverer).await, (0, vec![]));
    let timeline = cockpit(d, &["timeline"]);
    assert!(timeline.contains(&said), "{timeline}");
    assert_eq!(timeline.matches(&said).count(), 1, "{timeline}");

    // A firing alert for the incident's service shows in `cockpit alerts`.
    let am = env("COCKPIT_E2E_ALERTMANAGER_URL");
    let client = reqwest::Client::new();
    let alertname = format!("CockpitE2E{}", Utc::now().timestamp_millis());
    let resp = client
        .post(format!("{am}/api/v2/alerts"))
        .json(&json!([{
            "labels": {"alertname": alertname, "service": "db", "severity": "critical"},
            "annotations": {"summary": "primary is down"},
            "startsAt": Utc::now().to_rfc3339(),
        }]))
        .send()
        .await
        .unwrap();
    assert!(resp.status().is_success(), "{}", resp.status());
    let mut alerts = String::new();
    for _ in 0..50 {
        alerts = cockpit(d, &["alerts"]);
        if alerts.contains(&alertname) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(alerts.contains(&alertname), "{alerts}");
    assert!(alerts.contains("primary is down"), "{alerts}");

    // A silence we made is listed as ours and expired on command.
    let silence: Value = client
        .post(format!("{am}/api/v2/silences"))
        .json(&json!({
            "matchers": [{"name": "alertname", "value": alertname, "isRegex": false, "isEqual": true}],
            "startsAt": Utc::now().to_rfc3339(),
            "endsAt": (Utc::now() + Duration::hours(1)).to_rfc3339(),
            "createdBy": "cockpit (ann)",
            "comment": "e2e mitigation; remove at resolution",
        }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = silence["silenceID"].as_str().unwrap().to_string();
    let listed = cockpit(d, &["silences"]);
    assert!(listed.contains(&format!("{id}  active")), "{listed}");
    assert!(listed.contains("(ours)"), "{listed}");
    let expired = cockpit(d, &["silences", "--expire-all-ours"]);
    assert!(expired.contains(&format!("expired {id}")), "{expired}");
    let state: Value = client
        .get(format!("{am}/api/v2/silence/{id}"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(state["status"]["state"], "expired");
    let timeline = cockpit(d, &["timeline"]);
    assert!(
        timeline.contains(&format!("Expired Alertmanager silence {id}")),
        "{timeline}"
    );
    eprintln!("sync_e2e: Synapse room post, topic, read-back; Alertmanager alert and silence: ok");
}
