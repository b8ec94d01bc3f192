//! A commit that writes outbox rows wakes the sync worker: its request goes
//! out without waiting for the worker's tick (issue 14: commit to request
//! within 50 ms; the bench measures the time, this test only the wake).

mod sync_mock;

use chrono::Utc;
use std::sync::Arc;
use std::time::Duration as StdDuration;

use cockpit::config::{Endpoint, EndpointKind, SecretRef, UrlSetting, load_playbooks};
use cockpit::domain::time::SystemClock;
use cockpit::domain::{Event, EventKind, IncidentId};
use cockpit::journal::Journal;
use cockpit::sync::{Router, SyncHandle, SyncSettings};
use sync_mock::Mock;

fn comms(incident: IncidentId, text: &str) -> Event {
    let now = Utc::now();
    let kind = EventKind::CommsSent {
        audience: "all".into(),
        text: text.into(),
    };
    Event::new(incident, "ann", now, now, kind)
}

async fn until(what: &str, f: impl Fn() -> bool) {
    tokio::time::timeout(StdDuration::from_secs(10), async {
        while !f() {
            tokio::time::sleep(StdDuration::from_millis(5)).await;
        }
    })
    .await
    .unwrap_or_else(|_| panic!("{what}"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_append_that_writes_outbox_rows_wakes_the_worker_before_its_tick() {
    let mock = Mock::start(sync_mock::hook(200, "ok")).await;
    let dir = tempfile::tempdir().unwrap();
    let secret = dir.path().join("h");
    std::fs::write(&secret, mock.url("/hooks/1")).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&secret, std::fs::Permissions::from_mode(0o600)).unwrap();
    let mut hook = Endpoint::new("hook", EndpointKind::Mattermost);
    hook.url = Some(UrlSetting::Secret(SecretRef::File(secret)));
    let endpoints = vec![hook];

    let playbooks = Arc::new(load_playbooks(None).unwrap());
    let path = dir.path().join("journal.sqlite");
    let mut journal = Journal::open(&path, playbooks.clone()).unwrap();
    journal.set_outbox(Router::new(&endpoints).map(|r| Arc::new(r) as _));
    let now = Utc::now();
    let declared = EventKind::Declared {
        title: "db primary down".into(),
        severity: "SEV1".into(),
        summary: String::new(),
        security: false,
        playbook: "default".into(),
    };
    let incident = journal
        .append(Event::new(IncidentId::new(), "ann", now, now, declared))
        .unwrap()
        .incident;

    let mut settings = SyncSettings::new(path, playbooks, endpoints, Arc::new(SystemClock));
    // The ticker is slow on purpose: after its first tick (at once), only a
    // wake delivers within the test.
    settings.tick = StdDuration::from_secs(3600);
    let handle = SyncHandle::spawn(&tokio::runtime::Handle::current(), settings);
    until("the first pass delivers the declaration", || {
        mock.count() == 1
    })
    .await;
    // Let the first pass finish: a row appended during it would go out in it.
    let watch = handle.watch();
    until("the first pass publishes its health", || {
        watch.borrow().last_success.is_some()
    })
    .await;

    // Without the wake, nothing more goes out for an hour.
    journal.append(comms(incident, "no wake")).unwrap();
    tokio::time::sleep(StdDuration::from_millis(300)).await;
    assert_eq!(
        mock.count(),
        1,
        "nothing but the tick wakes a worker not told"
    );

    journal.set_outbox_wake(Some(handle.waker()));
    journal.append(comms(incident, "u1")).unwrap();
    until("the wake delivers both waiting rows", || mock.count() == 3).await;
    for i in 2..6 {
        journal.append(comms(incident, &format!("u{i}"))).unwrap();
    }
    until("each append wakes the worker", || mock.count() == 7).await;
    handle.stop();
    tokio::time::timeout(StdDuration::from_secs(10), handle.join())
        .await
        .unwrap();
}
