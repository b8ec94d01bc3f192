//! Chat both ways (#19) against a loopback Slack and Mattermost that speak
//! the APIs exactly (tests/chat_mock): Socket Mode envelopes that must be
//! acknowledged, history with cursors and a 429 + Retry-After, the
//! Mattermost authentication challenge. What is checked is the journal: every
//! message once, in order, by its author, at the time it was written.

mod chat_mock;

use chrono::{DateTime, Duration, Utc};
use std::sync::Arc;
use std::time::{Duration as StdDuration, Instant};

use chat_mock::{APP_TOKEN, BOT_TOKEN, CHANNEL, ChatMock, MM_CHANNEL, MM_TOKEN, Push};
use cockpit::config::{Endpoint, EndpointKind, SecretRef, UrlSetting, load_playbooks};
use cockpit::domain::time::{Clock, FixedClock};
use cockpit::domain::{Event, EventKind, IncidentId};
use cockpit::journal::{Journal, TimelineQuery};
use cockpit::sync::{Deliverer, Outbox, PassReport, Router, RowFilter, SyncHandle, SyncSettings};

fn t0() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-21T10:00:00Z")
        .unwrap()
        .with_timezone(&Utc)
}

fn secret(dir: &tempfile::TempDir, name: &str, value: &str) -> SecretRef {
    use std::os::unix::fs::PermissionsExt;
    let p = dir.path().join(name);
    std::fs::write(&p, value).unwrap();
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o600)).unwrap();
    SecretRef::File(p)
}

struct Rig {
    _dir: tempfile::TempDir,
    journal: Journal,
    clock: Arc<FixedClock>,
    settings: SyncSettings,
    incident: IncidentId,
}

fn slack_endpoint(dir: &tempfile::TempDir, mock: &ChatMock, read: bool) -> Endpoint {
    let mut s = Endpoint::new("slack", EndpointKind::Slack);
    s.url = Some(UrlSetting::Plain(mock.url("/api")));
    s.token = Some(secret(dir, "bot", BOT_TOKEN));
    s.app_token = Some(secret(dir, "app", APP_TOKEN));
    s.channel = Some(CHANNEL.into());
    s.read = read;
    s.timeout = StdDuration::from_secs(1);
    s
}

fn rig(make: impl FnOnce(&tempfile::TempDir) -> Vec<Endpoint>) -> Rig {
    let dir = tempfile::tempdir().unwrap();
    let endpoints = make(&dir);
    let playbooks = Arc::new(load_playbooks(None).unwrap());
    let path = dir.path().join("journal.sqlite");
    let mut journal = Journal::open(&path, playbooks.clone()).unwrap();
    journal.set_outbox(Router::new(&endpoints).map(|r| Arc::new(r) as _));
    let clock = Arc::new(FixedClock::new(t0()));
    let mut settings = SyncSettings::new(path, playbooks, endpoints, clock.clone());
    settings.tick = StdDuration::from_millis(100);
    let mut r = Rig {
        _dir: dir,
        journal,
        clock,
        settings,
        incident: IncidentId::new(),
    };
    let declared = r.add(
        IncidentId::new(),
        EventKind::Declared {
            title: "db primary down".into(),
            severity: "SEV1".into(),
            summary: String::new(),
            security: false,
            playbook: "default".into(),
        },
    );
    r.incident = declared.incident;
    r
}

impl Rig {
    fn add(&mut self, incident: IncidentId, kind: EventKind) -> Event {
        let now = self.clock.now();
        self.journal
            .append(Event::new(incident, "ann", now, now, kind))
            .unwrap()
    }

    /// An update to stakeholders: a Slack post by default (a note is not).
    fn comms(&mut self, text: &str) {
        self.add(
            self.incident,
            EventKind::CommsSent {
                audience: "all".into(),
                text: text.into(),
            },
        );
    }

    /// The incident's chat notes in journal order: (author, text, at).
    fn chat(&self) -> Vec<(String, String, DateTime<Utc>)> {
        self.journal
            .events(self.incident, &TimelineQuery::default())
            .unwrap()
            .into_iter()
            .filter_map(|e| match e.kind {
                EventKind::Note { text, tag, .. } if tag == "chat" => Some((e.author, text, e.at)),
                _ => None,
            })
            .collect()
    }

    fn spawn(&self) -> SyncHandle {
        SyncHandle::spawn(&tokio::runtime::Handle::current(), self.settings.clone())
    }
}

/// Wait (up to 30 s) until `ok` holds.
async fn until(what: &str, mut ok: impl FnMut() -> bool) {
    let start = Instant::now();
    while !ok() {
        assert!(
            start.elapsed() < StdDuration::from_secs(30),
            "timed out waiting for {what}"
        );
        tokio::time::sleep(StdDuration::from_millis(50)).await;
    }
}

/// A Slack ts (or epoch seconds) as "10:01:06Z".
fn hms(ts: &str) -> String {
    let secs: i64 = ts.split('.').next().unwrap().parse().unwrap();
    DateTime::from_timestamp(secs, 0)
        .unwrap()
        .format("%H:%M:%SZ")
        .to_string()
}

fn texts(chat: &[(String, String, DateTime<Utc>)]) -> Vec<String> {
    chat.iter().map(|c| c.1.clone()).collect()
}

/// Every note once, in the order written, at non-decreasing times.
fn assert_once_in_order(chat: &[(String, String, DateTime<Utc>)], expected: &[String]) {
    assert_eq!(texts(chat), expected);
    assert!(chat.windows(2).all(|w| w[0].2 <= w[1].2));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slack_a_burst_of_200_messages_arrives_once_and_in_order() {
    let mock = ChatMock::start().await;
    let rig = rig(|dir| vec![slack_endpoint(dir, &mock, true)]);
    let handle = rig.spawn();
    until("the socket", || mock.sockets() == 1).await;
    until("live health", || {
        handle
            .health()
            .reading
            .iter()
            .any(|r| r.state.name() == "live")
    })
    .await;
    let expected: Vec<String> = (0..200).map(|i| format!("step {i:03} done")).collect();
    let sent: Vec<String> = expected
        .iter()
        .map(|t| mock.say("U0BOB", t, None))
        .collect();
    let first_ts = sent[0].clone();
    until("200 notes", || rig.chat().len() >= 200).await;
    // A moment for anything doubled to show.
    tokio::time::sleep(StdDuration::from_millis(300)).await;
    let chat = rig.chat();
    assert_once_in_order(&chat, &expected);
    assert!(chat.iter().all(|c| c.0 == "U0BOB-display"));
    // At the time it was written: the ts, to the microsecond.
    let (secs, micros) = first_ts.split_once('.').unwrap();
    assert_eq!(
        chat[0].2,
        DateTime::from_timestamp(secs.parse().unwrap(), micros.parse::<u32>().unwrap() * 1000)
            .unwrap()
    );
    // Socket Mode: opened with the app-level token; every envelope acknowledged.
    until("acks", || mock.state.lock().unwrap().unacked.is_empty()).await;
    let st = mock.state.lock().unwrap();
    assert_eq!(st.opens[0], format!("Bearer {APP_TOKEN}"));
    assert!(st.acked.len() >= 200);
    // The cockpit's own post (the declaration) is in the channel, not in the notes.
    assert!(st.messages.iter().any(|m| m["bot_id"] == "B0COCKPIT"));
    drop(st);
    assert!(handle.health().label(t0()).contains("chat live"));
    handle.stop();
    handle.join().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slack_a_dropped_socket_a_disconnect_and_a_restart_lose_nothing() {
    let mock = ChatMock::start().await;
    let rig = rig(|dir| vec![slack_endpoint(dir, &mock, true)]);
    let mut expected = Vec::new();
    let handle = rig.spawn();
    until("the socket", || mock.sockets() == 1).await;
    until("live", || {
        handle
            .health()
            .reading
            .iter()
            .any(|r| r.state.name() == "live")
    })
    .await;
    let mut parent = String::new();
    for i in 0..20 {
        let t = format!("live {i:02}");
        if i == 6 {
            mock.say("U0ANN", &t, Some(&parent));
            expected.push(format!("↪ in the thread of {}: {t}", hms(&parent)));
            continue;
        }
        let ts = mock.say("U0ANN", &t, None);
        if i == 5 {
            parent = ts;
        }
        expected.push(t);
    }
    until("20 notes", || rig.chat().len() == 20).await;

    // The network drops and Slack refuses sockets for a while: messages
    // (two of them thread replies) are only in the history.
    mock.state.lock().unwrap().refuse_open = true;
    mock.push(Push::Drop);
    until("the socket gone", || mock.sockets() == 0).await;
    until("reconnecting health", || {
        handle
            .health()
            .reading
            .iter()
            .any(|r| r.state.name() == "reconnecting")
    })
    .await;
    for i in 0..60 {
        let t = format!("while down {i:02}");
        if i % 30 == 7 {
            mock.say("U0CAL", &t, Some(&parent));
            expected.push(format!("↪ in the thread of {}: {t}", hms(&parent)));
        } else {
            mock.say("U0CAL", &t, None);
            expected.push(t);
        }
    }
    {
        let mut st = mock.state.lock().unwrap();
        st.rate_limit_history = Some(1);
        st.refuse_open = false;
    }
    until("80 notes", || rig.chat().len() >= 80).await;
    assert_eq!(mock.state.lock().unwrap().rate_limited, 1);
    // Catch-up paged through the history (50 a page here) with cursors.
    assert!(
        mock.state
            .lock()
            .unwrap()
            .requests
            .iter()
            .any(|r| r.contains("conversations.history") && r.contains("cursor=off%3A50"))
    );

    // Slack asks for a new connection: nothing said around it is lost.
    mock.push(Push::Disconnect);
    for i in 0..5 {
        let t = format!("around a refresh {i}");
        mock.say("U0ANN", &t, None);
        expected.push(t);
    }
    until("85 notes", || rig.chat().len() >= 85).await;

    // The cockpit restarts; meanwhile people keep writing.
    handle.stop();
    handle.join().await;
    until("no socket", || mock.sockets() == 0).await;
    for i in 0..25 {
        let t = format!("while restarting {i:02}");
        mock.say("U0DAN", &t, None);
        expected.push(t);
    }
    let handle = rig.spawn();
    until("110 notes", || rig.chat().len() >= 110).await;
    tokio::time::sleep(StdDuration::from_millis(300)).await;
    let chat = rig.chat();
    assert_once_in_order(&chat, &expected);
    assert_eq!(chat[25].0, "U0CAL-display");
    handle.stop();
    handle.join().await;
}

fn report(delivered: usize, retried: usize, parked: usize) -> PassReport {
    PassReport {
        delivered,
        retried,
        parked,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slack_a_timed_out_or_failed_post_is_not_doubled_and_bursts_coalesce() {
    let mock = ChatMock::start().await;
    let mut rig = rig(|dir| vec![slack_endpoint(dir, &mock, false)]);
    // Retries at once: the loopback Slack's ts do not follow the test clock.
    rig.settings.backoff.base = StdDuration::from_millis(10);
    rig.settings.backoff.cap = StdDuration::from_millis(10);
    let journal = Journal::open(&rig.settings.journal, rig.settings.playbooks.clone()).unwrap();
    let d = Deliverer::new(&journal, &rig.settings).unwrap();
    d.seed(7);
    let posts = |m: &ChatMock| {
        m.state
            .lock()
            .unwrap()
            .messages
            .iter()
            .filter(|m| m["bot_id"] == "B0COCKPIT")
            .cloned()
            .collect::<Vec<_>>()
    };
    let rows = |j: &Journal| {
        let mut r = Outbox::open(j).unwrap().rows(RowFilter::All, 1000).unwrap();
        r.reverse();
        r
    };

    // The post lands but the answer comes after the 1 s timeout.
    mock.state.lock().unwrap().slow_post = Some(StdDuration::from_secs(3));
    assert_eq!(d.pass().await.unwrap(), report(0, 1, 0));
    assert_eq!(posts(&mock).len(), 1);
    rig.clock.advance(Duration::seconds(1));
    // The retry looks first and finds it: done, with Slack's ts, not posted again.
    assert_eq!(d.pass().await.unwrap(), report(2, 0, 0));
    let p = posts(&mock);
    assert_eq!(p.len(), 1, "posted twice: {p:?}");
    let r = rows(&rig.journal);
    assert_eq!(r[0].remote_id.as_deref(), p[0]["ts"].as_str());
    assert_eq!(p[0]["metadata"]["event_type"], "incident_cockpit_update");
    assert_eq!(
        p[0]["metadata"]["event_payload"]["event_ids"],
        format!("{}.0", r[0].event_id.0.simple())
    );
    let looked = mock
        .state
        .lock()
        .unwrap()
        .requests
        .iter()
        .filter(|r| r.contains("conversations.history") && r.contains("include_all_metadata=true"))
        .count();
    assert_eq!(looked, 1);

    // A 500 after posting: the same.
    mock.state.lock().unwrap().fail_after_post = Some(500);
    rig.comms("fail over to db-2");
    assert_eq!(d.pass().await.unwrap(), report(0, 1, 0));
    rig.clock.advance(Duration::seconds(1));
    assert_eq!(d.pass().await.unwrap(), report(1, 0, 0));
    assert_eq!(posts(&mock).len(), 2);

    // A real failure (nothing posted): the retry finds nothing and posts.
    rig.comms("db-2 is primary");
    let before = posts(&mock).len();
    {
        // Nothing reaches Slack: the port refuses, then comes back.
        let mut st = mock.state.lock().unwrap();
        st.fail_after_post = Some(503);
    }
    assert_eq!(d.pass().await.unwrap(), report(0, 1, 0));
    // That 503 did post (the mock posts first); drop it to play "not posted".
    mock.state.lock().unwrap().messages.pop();
    rig.clock.advance(Duration::seconds(1));
    assert_eq!(d.pass().await.unwrap(), report(1, 0, 0));
    assert_eq!(posts(&mock).len(), before + 1);

    // A burst of 12 notes: one message (Slack: one per second per channel).
    for i in 0..12 {
        rig.comms(&format!("burst {i}"));
    }
    let n = posts(&mock).len();
    assert_eq!(d.pass().await.unwrap(), report(12, 0, 0));
    let p = posts(&mock);
    assert_eq!(p.len(), n + 1);
    let text = p.last().unwrap()["text"].as_str().unwrap().to_string();
    assert_eq!(text.lines().count(), 12, "{text}");
    assert!(text.lines().next().unwrap().ends_with("burst 0"));
    let ids = p.last().unwrap()["metadata"]["event_payload"]["event_ids"]
        .as_str()
        .unwrap()
        .split(',')
        .count();
    assert_eq!(ids, 12);
    let r = rows(&rig.journal);
    let last12: Vec<_> = r.iter().rev().take(12).collect();
    assert!(last12.iter().all(|r| r.remote_id == last12[0].remote_id));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mattermost_posted_events_and_catch_up_lose_nothing_and_skip_our_own_posts() {
    let mock = ChatMock::start().await;
    let rig = rig(|dir| {
        let mut m = Endpoint::new("mm", EndpointKind::Mattermost);
        m.url = Some(UrlSetting::Secret(secret(
            dir,
            "hook",
            &mock.url("/hooks/xyzSECRETKEY"),
        )));
        m.token = Some(secret(dir, "mmtok", MM_TOKEN));
        m.channel = Some(MM_CHANNEL.into());
        m.read = true;
        m.timeout = StdDuration::from_secs(1);
        vec![m]
    });
    let handle = rig.spawn();
    until("the socket", || mock.sockets() == 1).await;
    until("live", || {
        handle
            .health()
            .reading
            .iter()
            .any(|r| r.state.name() == "live")
    })
    .await;
    // The declaration went out through the webhook, tagged.
    until("our post", || {
        !mock.state.lock().unwrap().mm_posts.is_empty()
    })
    .await;
    let mut expected = Vec::new();
    let mut root = String::new();
    for i in 0..100 {
        let t = format!("mm {i:03}");
        let id = mock.mm_say("bob", &t, None);
        if i == 0 {
            root = id;
        }
        expected.push(t);
    }
    until("100 notes", || rig.chat().len() >= 100).await;
    mock.push(Push::Drop);
    // While the socket is down (it reconnects within a second): a reply.
    let r = mock.mm_say("cal", "on it", Some(&root));
    assert!(!r.is_empty());
    let root_at = mock
        .state
        .lock()
        .unwrap()
        .mm_posts
        .iter()
        .find(|p| p["id"] == root.as_str())
        .map(|p| p["create_at"].as_i64().unwrap() / 1000)
        .unwrap();
    expected.push(format!(
        "↪ in the thread of {}: on it",
        hms(&root_at.to_string())
    ));
    handle.stop();
    handle.join().await;
    for i in 0..10 {
        let t = format!("after {i}");
        mock.mm_say("bob", &t, None);
        expected.push(t);
    }
    let handle = rig.spawn();
    until("111 notes", || rig.chat().len() >= 111).await;
    tokio::time::sleep(StdDuration::from_millis(300)).await;
    let chat = rig.chat();
    assert_once_in_order(&chat, &expected);
    assert_eq!(chat[0].0, "bob-nick");
    let st = mock.state.lock().unwrap();
    assert!(
        st.mm_auth.iter().all(|ok| *ok),
        "every socket authenticated"
    );
    assert!(st.mm_posts[0]["props"]["cockpit_event_ids"].is_string());
    drop(st);
    handle.stop();
    handle.join().await;
}
