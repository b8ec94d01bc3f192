//! `cockpit sync status|retry|drop|run` and the config's secret rules, through
//! the binary, against a loopback PagerDuty that refuses the first trigger.

mod sync_mock;

use assert_cmd::Command;
use serde_json::json;
use std::path::Path;

use sync_mock::{Fault, Mock, Reply};

fn cockpit(dir: &Path, args: &[&str]) -> (bool, String, String) {
    let out = Command::cargo_bin("cockpit")
        .unwrap()
        .arg("--journal")
        .arg(dir.join("journal.sqlite"))
        .arg("--config")
        .arg(dir.join("config.toml"))
        .args(["--as", "ann"])
        .args(args)
        .env("CLI_TEST_PD_KEY", "R0123456789abcdef0123456789abcd")
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).to_string(),
        String::from_utf8_lossy(&out.stderr).to_string(),
    )
}

fn ok(dir: &Path, args: &[&str]) -> String {
    let (success, out, err) = cockpit(dir, args);
    assert!(success, "cockpit {args:?}: {out}{err}");
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_parked_row_is_shown_retried_and_dropped_from_the_command_line() {
    let pd = Mock::start(sync_mock::pagerduty()).await;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(
        d.join("config.toml"),
        format!(
            "[[endpoint]]\nname = \"pd\"\nkind = \"pagerduty\"\nurl = \"{}\"\nrouting_key = \"env:CLI_TEST_PD_KEY\"\n",
            pd.url("/v2/enqueue")
        ),
    )
    .unwrap();
    ok(d, &["declare", "checkout down", "--severity", "SEV1"]);
    let status = ok(d, &["sync", "status"]);
    assert!(status.starts_with("sync · 1 pending\n"), "{status}");
    assert!(
        status.contains("pd             pagerduty     ready"),
        "{status}"
    );

    pd.fault(Fault::Reply(Reply::json(
        400,
        json!({"status": "invalid event", "message": "Event object is invalid", "errors": ["'payload.source' is missing"]}),
    )));
    let run = ok(d, &["sync", "run"]);
    assert!(
        run.starts_with("delivered 0, retried 0, parked 1\n"),
        "{run}"
    );
    let status = ok(d, &["sync", "status"]);
    assert!(status.starts_with("sync · 1 parked\n"), "{status}");
    assert!(
        status.contains("trigger     declared               parked  tries 1  400 Bad Request: Event object is invalid ('payload.source' is missing)"),
        "{status}"
    );
    let json_status: serde_json::Value =
        serde_json::from_str(&ok(d, &["sync", "status", "--json"])).unwrap();
    assert_eq!(json_status["level"], "parked");
    let id = json_status["rows"][0]["id"].as_i64().unwrap().to_string();

    // Retry: back in line, delivered on the next run.
    assert!(ok(d, &["sync", "retry", &id]).contains("is back in line"));
    let run = ok(d, &["sync", "run"]);
    assert!(
        run.starts_with("delivered 1, retried 0, parked 0\n"),
        "{run}"
    );
    let (success, _, err) = cockpit(d, &["sync", "retry", &id]);
    assert!(!success);
    assert!(
        err.contains("is done; only a parked row can be retried"),
        "{err}"
    );

    // Drop: parked again, then given up on; the timeline says so.
    pd.fault(Fault::Reply(Reply::json(
        400,
        json!({"message": "Event object is invalid"}),
    )));
    ok(d, &["state", "resolved"]);
    ok(d, &["sync", "run"]);
    let json_status: serde_json::Value =
        serde_json::from_str(&ok(d, &["sync", "status", "--json"])).unwrap();
    let id = json_status["rows"][0]["id"].as_i64().unwrap().to_string();
    let dropped = ok(
        d,
        &[
            "sync",
            "drop",
            &id,
            "--reason",
            "resolved by hand in PagerDuty",
        ],
    );
    assert!(
        dropped.starts_with(&format!("dropped row {id}")),
        "{dropped}"
    );
    let timeline = ok(d, &["timeline"]);
    assert!(
        timeline.contains("dropped a resolve to pd; it will never be sent (last error: 400 Bad Request: Event object is invalid): resolved by hand in PagerDuty"),
        "{timeline}"
    );
    let status = ok(d, &["sync", "status"]);
    assert!(status.starts_with("sync ok · last "), "{status}");
    assert!(status.contains("nothing waiting"), "{status}");
    assert_eq!(pd.world.lock().unwrap().alerts.len(), 1);
}

#[test]
fn secrets_in_the_config_file_or_open_files_are_refused_with_where() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(
        d.join("config.toml"),
        "author = \"ann\"\n\n[[endpoint]]\nname = \"hook\"\nkind = \"slack_webhook\"\nurl = \"https://hooks.slack.com/services/T1/B2/XYZSECRET\"\n",
    )
    .unwrap();
    let (success, _, err) = cockpit(d, &["list"]);
    assert!(!success);
    let config = d.join("config.toml");
    assert!(
        err.starts_with(&format!(
            "cockpit: {}:6: endpoint.url: a slack_webhook URL is a credential",
            config.display()
        )),
        "{err}"
    );
    assert!(!err.contains("XYZSECRET"), "{err}");

    let key = d.join("hook-url");
    std::fs::write(&key, "https://hooks.slack.com/services/T1/B2/XYZSECRET\n").unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o640)).unwrap();
    std::fs::write(
        &config,
        format!(
            "[[endpoint]]\nname = \"hook\"\nkind = \"slack_webhook\"\nurl = \"file:{}\"\n",
            key.display()
        ),
    )
    .unwrap();
    let status = ok(d, &["sync", "status"]);
    assert!(
        status.contains(&format!(
            "hook           slack_webhook unusable: {}:2: endpoint `hook`: url: {} is readable by group or others (mode 640)",
            config.display(),
            key.display()
        )),
        "{status}"
    );
    assert!(!status.contains("XYZSECRET"), "{status}");
    assert!(status.starts_with("sync: endpoint unusable"), "{status}");
    // Every command that loads the configuration says so (issue 10), even
    // one that never uses the endpoint.
    for args in [
        &["list"][..],
        &["declare", "db slow", "--severity", "SEV2"],
        &["show"],
    ] {
        let (_, _, err) = cockpit(d, args);
        assert!(
            err.contains(&format!(
                "warning: {}:2: endpoint `hook`: url: {} is readable by group or others (mode 640)",
                config.display(),
                key.display()
            )),
            "cockpit {args:?}: {err}"
        );
        assert!(!err.contains("XYZSECRET"), "{err}");
    }
}

/// A token pasted across two lines cannot go in a header: the endpoint is
/// unusable with a message naming where, and nothing is sent or retried
/// until the value is fixed; then the waiting rows go out (issue 10).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_with_a_line_break_is_refused_and_its_rows_wait() {
    let pd = Mock::start(sync_mock::pagerduty()).await;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let key = d.join("pd.key");
    std::fs::write(&key, "R0123456789abcdef\n0123456789abcd\n").unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o600)).unwrap();
    let config = d.join("config.toml");
    std::fs::write(
        &config,
        format!(
            "[[endpoint]]\nname = \"pd\"\nkind = \"pagerduty\"\nurl = \"{}\"\nrouting_key = \"file:{}\"\n",
            pd.url("/v2/enqueue"),
            key.display()
        ),
    )
    .unwrap();
    ok(d, &["declare", "checkout down", "--severity", "SEV1"]);
    let (_, out, err) = cockpit(d, &["sync", "run"]);
    let said = format!("{out}{err}");
    assert!(
        said.contains(&format!(
            "{}:2: endpoint `pd`: routing_key: file:{} holds a line break",
            config.display(),
            key.display()
        )),
        "{said}"
    );
    assert!(!said.contains("0123456789abcd"), "{said}");
    let status = ok(d, &["sync", "status"]);
    assert!(status.contains("1 pending"), "{status}");
    assert_eq!(pd.world.lock().unwrap().alerts.len(), 0, "nothing was sent");
    std::fs::write(&key, "R0123456789abcdef0123456789abcd\n").unwrap();
    ok(d, &["sync", "run"]);
    assert_eq!(pd.world.lock().unwrap().alerts.len(), 1, "sent once fixed");
}

/// Issue 13, item 14: `sync run` against an endpoint that is down says, on
/// stderr, how many rows wait, when it tries next and the last error,
/// instead of printing nothing until it is interrupted.
#[test]
fn sync_run_shows_progress_and_the_last_error_while_an_endpoint_is_down() {
    // A loopback port with nothing listening: bind, learn the port, close.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(
        d.join("config.toml"),
        format!(
            "[[endpoint]]\nname = \"pd\"\nkind = \"pagerduty\"\nurl = \"http://127.0.0.1:{port}/v2/enqueue\"\nrouting_key = \"env:CLI_TEST_PD_KEY\"\n"
        ),
    )
    .unwrap();
    ok(d, &["declare", "checkout down", "--severity", "SEV1"]);
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_cockpit"))
        .arg("--journal")
        .arg(d.join("journal.sqlite"))
        .arg("--config")
        .arg(d.join("config.toml"))
        .args(["--as", "ann", "sync", "run"])
        .env("CLI_TEST_PD_KEY", "R0123456789abcdef0123456789abcd")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_secs(3));
    child.kill().unwrap();
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    let first = err.lines().next().unwrap_or_default();
    assert!(first.starts_with("sync: delivered 0, "), "{err}");
    assert!(first.contains("; 1 pending, next try in "), "{err}");
    assert!(first.contains("; last error: "), "{err}");
}
