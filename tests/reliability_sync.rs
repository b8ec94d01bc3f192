//! Issue 10, suite item 7 (sync half): a panic inside the sync task is
//! logged, shown in the sync health the header draws from, and the task is
//! started again, which then delivers every row exactly once to the endpoint.
//! The panic is injected with `cockpit::fault` (src/fault.rs) at the start of
//! the task's first pass, before it claims anything.

mod sync_mock;

use chrono::{DateTime, Utc};
use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use cockpit::config::{Endpoint, EndpointKind, SecretRef, UrlSetting, load_playbooks};
use cockpit::domain::time::FixedClock;
use cockpit::domain::{Event, EventKind, IncidentId};
use cockpit::journal::Journal;
use cockpit::sync::{Router, SyncHandle, SyncSettings};
use sync_mock::Mock;

#[derive(Clone, Default)]
struct Log(Arc<Mutex<Vec<u8>>>);

impl Write for Log {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn t0() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-21T10:00:00Z")
        .unwrap()
        .with_timezone(&Utc)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_panic_in_the_sync_task_is_logged_shown_and_the_task_restarts() {
    let log = Log::default();
    let writer = log.clone();
    tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .init();

    let mock = Mock::start(sync_mock::hook(200, "ok")).await;
    let dir = tempfile::tempdir().unwrap();
    let secret = dir.path().join("h");
    std::fs::write(&secret, mock.url("/hooks/1")).unwrap();
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&secret, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    let mut hook = Endpoint::new("hook", EndpointKind::Mattermost);
    hook.url = Some(UrlSetting::Secret(SecretRef::File(secret)));
    let endpoints = vec![hook];
    let playbooks = Arc::new(load_playbooks(None).unwrap());
    let path = dir.path().join("journal.sqlite");
    let mut journal = Journal::open(&path, playbooks.clone()).unwrap();
    journal.set_outbox(Router::new(&endpoints).map(|r| Arc::new(r) as _));
    let clock = Arc::new(FixedClock::new(t0()));
    let incident = IncidentId::new();
    let declared = EventKind::Declared {
        title: "db primary down".into(),
        severity: "SEV1".into(),
        summary: String::new(),
        security: false,
        playbook: "default".into(),
    };
    journal
        .append(Event::new(incident, "ann", t0(), t0(), declared))
        .unwrap();
    for i in 0..5 {
        let kind = EventKind::CommsSent {
            audience: "all".into(),
            text: format!("u{i}"),
        };
        journal
            .append(Event::new(incident, "ann", t0(), t0(), kind))
            .unwrap();
    }
    let mut settings = SyncSettings::new(path, playbooks, endpoints, clock);
    settings.tick = Duration::from_millis(200);

    cockpit::fault::arm("sync-panic");
    let handle = SyncHandle::spawn(&tokio::runtime::Handle::current(), settings);
    let mut watch = handle.watch();
    // Shown: the health carries the crash.
    let crashed = tokio::time::timeout(Duration::from_secs(10), async {
        loop {
            let h = watch.borrow_and_update().clone();
            if let Some(p) = h.problems.iter().find(|p| p.contains("sync task crashed")) {
                return p.clone();
            }
            watch.changed().await.unwrap();
        }
    })
    .await
    .expect("the crash shows in the sync health");
    assert!(crashed.contains("injected sync panic"), "{crashed}");
    // Restarted: every row delivered, once, and the crash still shown.
    let health = tokio::time::timeout(Duration::from_secs(20), async {
        loop {
            let h = watch.borrow_and_update().clone();
            if h.last_success.is_some() && h.pending == 0 {
                return h;
            }
            watch.changed().await.unwrap();
        }
    })
    .await
    .expect("the restarted task delivers");
    assert!(!handle.is_finished(), "the task is running");
    assert_eq!(mock.count(), 6, "each row once");
    assert!(
        health
            .problems
            .iter()
            .any(|p| p.contains("sync task crashed 1×")),
        "{:?}",
        health.problems
    );
    let logged = String::from_utf8_lossy(&log.0.lock().unwrap()).into_owned();
    assert!(
        logged.contains("ERROR") && logged.contains("sync task panicked: injected sync panic"),
        "{logged}"
    );
    handle.stop();
    tokio::time::timeout(Duration::from_secs(10), handle.join())
        .await
        .unwrap();
}
