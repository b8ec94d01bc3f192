//! Each endpoint adapter against a real HTTP server on 127.0.0.1 that checks
//! the exact request and injects faults. The clock is a `FixedClock`: backoff
//! is checked by moving it, never by sleeping.

mod sync_mock;

use chrono::{DateTime, Duration, Utc};
use serde_json::json;
use std::sync::Arc;
use std::time::Duration as StdDuration;

use cockpit::config::{Endpoint, EndpointKind, SecretRef, UrlSetting, load_playbooks};
use cockpit::domain::time::{Clock, FixedClock};
use cockpit::domain::{Event, EventKind, IncidentId};
use cockpit::journal::Journal;
use cockpit::sync::adapters::alertmanager;
use cockpit::sync::{
    ChatReader, Deliverer, Outbox, OutboxRow, PassReport, Router, RowFilter, RowState, SyncHandle,
    SyncSettings, Target,
};
use sync_mock::{Fault, Mock, Reply};

fn t0() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-21T10:00:00Z")
        .unwrap()
        .with_timezone(&Utc)
}

struct Rig {
    _dir: tempfile::TempDir,
    journal: Journal,
    clock: Arc<FixedClock>,
    deliverer: Deliverer,
    settings: SyncSettings,
    incident: IncidentId,
}

/// A private secret file (mode 600) holding `value`.
fn secret(dir: &tempfile::TempDir, name: &str, value: &str) -> SecretRef {
    use std::os::unix::fs::PermissionsExt;
    let p = dir.path().join(name);
    std::fs::write(&p, value).unwrap();
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o600)).unwrap();
    SecretRef::File(p)
}

fn rig_with(dir: tempfile::TempDir, endpoints: Vec<Endpoint>) -> Rig {
    let rig = rig_with_problems(dir, endpoints);
    assert!(
        rig.deliverer.problems().is_empty(),
        "{:?}",
        rig.deliverer.problems()
    );
    rig.deliverer.seed(7);
    rig
}

/// Like `rig_with`, but endpoints may be unusable.
fn rig_with_problems(dir: tempfile::TempDir, endpoints: Vec<Endpoint>) -> Rig {
    let playbooks = Arc::new(load_playbooks(None).unwrap());
    let path = dir.path().join("journal.sqlite");
    let mut journal = Journal::open(&path, playbooks.clone()).unwrap();
    journal.set_outbox(Router::new(&endpoints).map(|r| Arc::new(r) as _));
    let clock = Arc::new(FixedClock::new(t0()));
    let settings = SyncSettings::new(path, playbooks, endpoints, clock.clone());
    let deliverer = Deliverer::new(&journal, &settings).unwrap();
    let mut rig = Rig {
        _dir: dir,
        journal,
        clock,
        deliverer,
        settings,
        incident: IncidentId::new(),
    };
    rig.incident = rig
        .add(EventKind::Declared {
            title: "db primary down".into(),
            severity: "SEV1".into(),
            summary: String::new(),
            security: false,
            playbook: "default".into(),
        })
        .incident;
    rig
}

impl Rig {
    fn add(&mut self, kind: EventKind) -> Event {
        let now = self.clock.now();
        let incident = match kind {
            EventKind::Declared { .. } => IncidentId::new(),
            _ => self.incident,
        };
        self.journal
            .append(Event::new(incident, "ann", now, now, kind))
            .unwrap()
    }

    fn rows(&self) -> Vec<OutboxRow> {
        let mut r = Outbox::open(&self.journal)
            .unwrap()
            .rows(RowFilter::All, 1000)
            .unwrap();
        r.reverse();
        r
    }

    fn last_row(&self) -> OutboxRow {
        self.rows().pop().unwrap()
    }

    async fn pass(&self) -> PassReport {
        self.deliverer.pass().await.unwrap()
    }

    fn advance(&self, secs: i64) {
        self.clock.advance(Duration::seconds(secs));
    }
}

fn state(s: &str) -> EventKind {
    EventKind::StateChanged {
        state: s.into(),
        reason: String::new(),
    }
}

fn report(delivered: usize, retried: usize, parked: usize) -> PassReport {
    PassReport {
        delivered,
        retried,
        parked,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pagerduty_pages_acknowledges_and_resolves_one_alert_through_faults() {
    let mock = Mock::start(sync_mock::pagerduty()).await;
    let dir = tempfile::tempdir().unwrap();
    let key = "R0123456789abcdef0123456789abcd";
    let mut pd = Endpoint::new("pd", EndpointKind::Pagerduty);
    pd.url = Some(UrlSetting::Plain(mock.url("/v2/enqueue")));
    pd.routing_key = Some(secret(&dir, "pd", key));
    let mut rig = rig_with(dir, vec![pd]);
    let dedup = format!("cockpit-{}", rig.incident);

    assert_eq!(rig.pass().await, report(1, 0, 0));
    let r = &mock.requests()[0];
    assert_eq!(
        (r.method.as_str(), r.path.as_str()),
        ("POST", "/v2/enqueue")
    );
    assert_eq!(r.header("content-type"), Some("application/json"));
    assert_eq!(
        r.json(),
        json!({
            "routing_key": key,
            "event_action": "trigger",
            "dedup_key": dedup,
            "payload": {"summary": "[SEV1] db primary down", "source": "incident-cockpit", "severity": "critical"},
            "client": "Incident Cockpit",
        })
    );
    assert_eq!(rig.last_row().remote_id.as_deref(), Some(dedup.as_str()));

    // 500: retried after a jittered backoff, not before.
    mock.fault(Fault::Reply(Reply::json(500, json!({"status": "Unrecognized object", "message": "Event object format is unrecognized", "errors": ["JSON parse error"]}))));
    rig.add(EventKind::RoleEngaged {
        role: "ic".into(),
        person: "ann".into(),
    });
    assert_eq!(rig.pass().await, report(0, 1, 0));
    let row = rig.last_row();
    assert_eq!((row.state, row.attempts), (RowState::Pending, 1));
    assert_eq!(
        row.last_error.as_deref(),
        Some("500 Internal Server Error: Event object format is unrecognized (JSON parse error)")
    );
    let next = row.next_attempt.unwrap();
    assert!(next > t0() && next <= t0() + Duration::seconds(1), "{next}");
    assert_eq!(rig.pass().await, report(0, 0, 0));
    rig.advance(1);
    assert_eq!(rig.pass().await, report(1, 0, 0));
    assert_eq!(
        mock.requests()[2].json(),
        json!({"routing_key": key, "dedup_key": dedup, "event_action": "acknowledge"})
    );

    // 429 with Retry-After: honoured to the second.
    mock.fault(Fault::Reply(Reply::new(429, "").with("retry-after", "120")));
    rig.add(state("resolved"));
    assert_eq!(rig.pass().await, report(0, 1, 0));
    assert_eq!(
        rig.last_row().next_attempt,
        Some(rig.clock.now() + Duration::seconds(120))
    );
    rig.advance(119);
    assert_eq!(rig.pass().await, report(0, 0, 0));
    rig.advance(1);
    assert_eq!(rig.pass().await, report(1, 0, 0));

    // 400: parked with PagerDuty's words, the key scrubbed if echoed.
    mock.fault(Fault::Reply(Reply::json(400, json!({"status": "invalid event", "message": "Event object is invalid", "errors": [format!("routing_key {key} is not 32 characters")]}))));
    rig.add(EventKind::Reopened {
        reason: String::new(),
    });
    assert_eq!(rig.pass().await, report(0, 0, 1));
    let row = rig.last_row();
    assert_eq!(row.state, RowState::Parked);
    assert_eq!(
        row.last_error.as_deref(),
        Some("400 Bad Request: Event object is invalid (routing_key **** is not 32 characters)")
    );
    // One alert, triggered, acknowledged, resolved: each once in effect.
    assert_eq!(
        mock.world.lock().unwrap().alerts[&dedup],
        ["trigger", "acknowledge", "resolve"]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slack_webhook_posts_escaped_text_and_parks_slack_errors_without_leaking_the_url() {
    let mock = Mock::start(sync_mock::hook(200, "ok")).await;
    let port = sync_mock::refused_port().await;
    let dir = tempfile::tempdir().unwrap();
    let mut hook = Endpoint::new("hook", EndpointKind::SlackWebhook);
    hook.url = Some(UrlSetting::Secret(secret(
        &dir,
        "hook",
        &mock.url("/services/T1/B2/SECRETPATH"),
    )));
    let mut dead = Endpoint::new("dead", EndpointKind::SlackWebhook);
    dead.url = Some(UrlSetting::Secret(secret(
        &dir,
        "dead",
        &format!("http://127.0.0.1:{port}/services/T9/B9/SECRETZZZ"),
    )));
    let mut rig = rig_with(dir, vec![hook, dead]);
    // hook: declared ok. dead: refused, retried.
    assert_eq!(rig.pass().await, report(1, 1, 0));
    rig.add(EventKind::ServiceStatusChanged {
        status: "degraded".into(),
        reason: String::new(),
    });
    mock.fault(Fault::Reply(Reply::new(404, "channel_not_found")));
    // hook: the status update is parked; dead is still backing off.
    assert_eq!(rig.pass().await, report(0, 0, 1));
    let r = &mock.requests()[0];
    assert_eq!(r.path, "/services/T1/B2/SECRETPATH");
    assert_eq!(
        r.json(),
        json!({"text": "[Active Incident] db primary down"})
    );
    let rows = rig.rows();
    let hook_rows: Vec<_> = rows.iter().filter(|r| r.endpoint == "hook").collect();
    assert_eq!(hook_rows[1].state, RowState::Parked);
    assert_eq!(
        hook_rows[1].last_error.as_deref(),
        Some("404 Not Found: channel_not_found")
    );
    let dead_row = rows.iter().find(|r| r.endpoint == "dead").unwrap();
    let e = dead_row.last_error.as_deref().unwrap();
    assert!(
        e.starts_with(&format!("cannot connect to http://127.0.0.1:{port}/…: ")),
        "{e}"
    );
    assert!(!e.contains("SECRET"), "{e}");
    // Escaping: Slack decodes exactly & < >.
    rig.add(EventKind::CommsSent {
        audience: "all".into(),
        text: "x < y & z > w".into(),
    });
    rig.pass().await;
    assert_eq!(
        mock.requests().last().unwrap().json(),
        json!({"text": "x &lt; y &amp; z &gt; w"})
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slack_web_api_posts_sets_and_resets_the_topic_and_parks_ok_false() {
    let mock = Mock::start(sync_mock::slack_api()).await;
    let dir = tempfile::tempdir().unwrap();
    let mut s = Endpoint::new("slack", EndpointKind::Slack);
    s.url = Some(UrlSetting::Plain(mock.url("/api")));
    s.token = Some(secret(&dir, "tok", "xoxb-test-token"));
    s.channel = Some("C123".into());
    let mut rig = rig_with(dir, vec![s]);
    assert_eq!(rig.pass().await, report(2, 0, 0));
    let reqs = mock.requests();
    assert_eq!(reqs[0].path, "/api/chat.postMessage");
    assert_eq!(
        reqs[0].header("authorization"),
        Some("Bearer xoxb-test-token")
    );
    assert_eq!(
        reqs[0].header("content-type"),
        Some("application/json; charset=utf-8")
    );
    let row = rig.rows()[0].clone();
    assert_eq!(
        reqs[0].json(),
        json!({"channel": "C123", "text": "[Active Incident] db primary down",
               "metadata": {"event_type": "incident_cockpit_update",
                            "event_payload": {"event_ids": format!("{}.0", row.event_id.0.simple())}}})
    );
    assert_eq!(reqs[1].path, "/api/conversations.setTopic");
    assert_eq!(
        reqs[1].json(),
        json!({"channel": "C123", "topic": "Active Incident. Conference Line: (none) Incident Document: (none)"})
    );
    assert_eq!(
        rig.rows()[0].remote_id.as_deref(),
        Some("1700000000.000001")
    );

    // ok:false is parked with Slack's error; ratelimited is retried.
    mock.fault(Fault::Reply(Reply::json(
        200,
        json!({"ok": false, "error": "not_in_channel"}),
    )));
    rig.add(EventKind::LinkSet {
        link: "bridge".into(),
        url: "https://meet.example/abc".into(),
    });
    assert_eq!(rig.pass().await, report(0, 0, 1));
    assert_eq!(
        rig.last_row().last_error.as_deref(),
        Some("Slack: not_in_channel")
    );
    mock.fault(Fault::Reply(
        Reply::json(429, json!({"ok": false, "error": "ratelimited"})).with("retry-after", "30"),
    ));
    rig.add(EventKind::LinkSet {
        link: "document".into(),
        url: "https://docs.example/inc".into(),
    });
    assert_eq!(rig.pass().await, report(0, 1, 0));
    rig.advance(30);
    assert_eq!(rig.pass().await, report(1, 0, 0));
    assert_eq!(
        mock.requests().last().unwrap().json()["topic"],
        "Active Incident. Conference Line: https://meet.example/abc Incident Document: https://docs.example/inc"
    );
    // A 200 that is not JSON: maybe posted, so the IC decides (no double post).
    mock.fault(Fault::Reply(Reply::new(200, "<html>proxy error</html>")));
    rig.add(EventKind::CommsSent {
        audience: "all".into(),
        text: "update".into(),
    });
    assert_eq!(rig.pass().await, report(0, 0, 1));
    assert!(
        rig.last_row()
            .last_error
            .unwrap()
            .starts_with("Slack answered 200 with something that is not JSON")
    );

    // Close: the closing post and the topic reset (seed 000).
    rig.add(state("resolved"));
    rig.add(EventKind::CloseRequested {});
    rig.advance(16 * 60);
    rig.add(EventKind::Closed {});
    rig.pass().await;
    let reqs = mock.requests();
    let n = reqs.len();
    // Posts due together go out as one message (#19: one a second per channel).
    let text = reqs[n - 2].json()["text"].as_str().unwrap().to_string();
    assert_eq!(text.lines().count(), 3, "{text}");
    assert!(
        text.ends_with("[Resolved] db primary down is closed."),
        "{text}"
    );
    assert_eq!(
        reqs[n - 1].json(),
        json!({"channel": "C123", "topic": "No active incident."})
    );
}

fn matrix_endpoint(dir: &tempfile::TempDir, mock: &Mock) -> Endpoint {
    let mut m = Endpoint::new("room", EndpointKind::Matrix);
    m.url = Some(UrlSetting::Plain(mock.url("")));
    m.token = Some(secret(dir, "mx", "syt_secret_token"));
    m.room = Some("!room:localhost".into());
    m.read = true;
    m.timeout = StdDuration::from_millis(300);
    m
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn matrix_posts_idempotently_through_timeouts_and_reads_the_room_back_once() {
    let mock = Mock::start(sync_mock::matrix("@cockpit:localhost")).await;
    let dir = tempfile::tempdir().unwrap();
    let m = matrix_endpoint(&dir, &mock);
    // The first request is answered after the client gave up.
    mock.fault(Fault::Slow(StdDuration::from_millis(1500)));
    let mut rig = rig_with(dir, vec![m]);
    let declared = rig.rows()[0].clone();
    assert_eq!(rig.pass().await, report(0, 1, 0));
    let e = rig.rows()[0].last_error.clone().unwrap();
    let host = format!("http://{}/…", mock.addr);
    assert_eq!(e, format!("no answer from {host} within 0.3s"));
    rig.advance(1);
    // Let the server finish the send the client gave up on: the retry is then
    // a true duplicate, which the txn id must absorb.
    tokio::time::timeout(StdDuration::from_secs(10), async {
        while mock.world.lock().unwrap().room.is_empty() {
            tokio::time::sleep(StdDuration::from_millis(20)).await;
        }
    })
    .await
    .unwrap();
    assert_eq!(rig.pass().await, report(2, 0, 0));
    let reqs = mock.requests();
    let txn = format!("cockpit.{}.0", declared.event_id.0.simple());
    let send_path = format!("/_matrix/client/v3/rooms/!room:localhost/send/m.room.message/{txn}");
    assert_eq!(reqs[0].path, send_path);
    assert_eq!(reqs[1].path, send_path, "the retry reuses the txn id");
    assert_eq!(reqs[0].method, "PUT");
    assert_eq!(
        reqs[0].header("authorization"),
        Some("Bearer syt_secret_token")
    );
    assert_eq!(
        reqs[0].json(),
        json!({"msgtype": "m.text", "body": "[Active Incident] db primary down"})
    );
    assert_eq!(
        reqs[2].path,
        "/_matrix/client/v3/rooms/!room:localhost/state/m.room.topic/"
    );
    {
        let w = mock.world.lock().unwrap();
        assert_eq!(w.room.len(), 1, "sent twice, posted once");
        assert_eq!(
            w.topic.as_deref(),
            Some("Active Incident. Conference Line: (none) Incident Document: (none)")
        );
    }
    assert_eq!(rig.rows()[0].remote_id.as_deref(), Some("$ev1"));

    // A 200 that is not JSON: resending is safe, so it is retried.
    mock.fault(Fault::Reply(Reply::new(200, "not json")));
    rig.add(EventKind::CommsSent {
        audience: "all".into(),
        text: "we are failing over".into(),
    });
    assert_eq!(rig.pass().await, report(0, 1, 0));
    assert_eq!(
        rig.last_row().last_error.as_deref(),
        Some("Matrix answered 200 without an event_id: not json")
    );
    rig.advance(2);
    assert_eq!(rig.pass().await, report(1, 0, 0));
    // Bad credentials: parked with the homeserver's words; the token never shows.
    mock.fault(Fault::Reply(Reply::json(401, json!({"errcode": "M_UNKNOWN_TOKEN", "error": "Invalid access token passed: syt_secret_token"}))));
    rig.add(EventKind::CommsSent {
        audience: "all".into(),
        text: "still failing over".into(),
    });
    assert_eq!(rig.pass().await, report(0, 0, 1));
    assert_eq!(
        rig.last_row().last_error.as_deref(),
        Some("401 Unauthorized: M_UNKNOWN_TOKEN: Invalid access token passed: ****")
    );

    // Someone answers in the room: it reaches the timeline once, tagged chat.
    mock.world.lock().unwrap().room.push((
        "$bob1".into(),
        "@bob:localhost".into(),
        "replica lag is \u{1b}[31m40s\u{1b}[0m".into(),
    ));
    let second = Journal::open(rig.journal.path(), rig.journal.playbooks().clone()).unwrap();
    let mut reader = ChatReader::new(second, rig.deliverer.targets(), rig.clock.clone());
    assert_eq!(reader.read(&rig.deliverer).await, (1, vec![]));
    assert_eq!(reader.read(&rig.deliverer).await, (0, vec![]));
    let notes: Vec<_> = rig
        .journal
        .events(rig.incident, &Default::default())
        .unwrap()
        .into_iter()
        .filter_map(|e| match e.kind {
            EventKind::Note { text, tag, .. } => Some((e.author, text, tag)),
            _ => None,
        })
        .collect();
    assert_eq!(
        notes,
        [(
            "@bob:localhost".to_string(),
            "replica lag is 40s".to_string(),
            "chat".to_string()
        )]
    );
    // ... and is not posted back to the room it came from.
    let before = mock.world.lock().unwrap().room.len();
    rig.pass().await;
    assert_eq!(mock.world.lock().unwrap().room.len(), before);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_generic_webhook_signs_the_event_with_hmac_sha256() {
    use hmac::{Hmac, Mac};
    let mock = Mock::start(sync_mock::hook(204, "")).await;
    let dir = tempfile::tempdir().unwrap();
    let mut w = Endpoint::new("feed", EndpointKind::Webhook);
    w.url = Some(UrlSetting::Secret(secret(
        &dir,
        "u",
        &mock.url("/hooks/incident"),
    )));
    w.secret = Some(secret(&dir, "k", "shared-hmac-key"));
    let mut rig = rig_with(dir, vec![w]);
    rig.add(EventKind::Note {
        text: "public".into(),
        tag: "note".into(),
        private: false,
    });
    rig.add(EventKind::Note {
        text: "private".into(),
        tag: "note".into(),
        private: true,
    });
    mock.fault(Fault::Reply(Reply::new(503, "").with("retry-after", "5")));
    assert_eq!(rig.pass().await, report(0, 1, 0));
    rig.advance(5);
    assert_eq!(rig.pass().await, report(2, 0, 0));
    let reqs = mock.requests();
    assert_eq!(reqs.len(), 3, "the private note never left");
    let rows = rig.rows();
    for (r, row) in reqs[1..].iter().zip(&rows) {
        assert_eq!(r.path, "/hooks/incident");
        let mut mac = Hmac::<sha2::Sha256>::new_from_slice(b"shared-hmac-key").unwrap();
        mac.update(&r.body);
        let hex: String = mac
            .finalize()
            .into_bytes()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(
            r.header("x-cockpit-signature"),
            Some(format!("sha256={hex}").as_str())
        );
        assert_eq!(
            r.header("x-cockpit-delivery"),
            Some(format!("{}.0", row.event_id).as_str())
        );
        assert_eq!(r.json()["event"]["id"], row.event_id.to_string());
        assert_eq!(r.json()["incident"]["title"], "db primary down");
    }
    assert_eq!(reqs[2].json()["event"]["body"]["text"], "public");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mattermost_and_teams_get_their_own_envelopes() {
    let mm = Mock::start(sync_mock::hook(200, "ok")).await;
    let teams = Mock::start(sync_mock::hook(202, "")).await;
    let dir = tempfile::tempdir().unwrap();
    let mut a = Endpoint::new("mm", EndpointKind::Mattermost);
    a.url = Some(UrlSetting::Secret(secret(&dir, "a", &mm.url("/hooks/xyz"))));
    let mut b = Endpoint::new("teams", EndpointKind::Teams);
    b.url = Some(UrlSetting::Secret(secret(
        &dir,
        "b",
        &teams.url("/workflows/abc"),
    )));
    teams.fault(Fault::Reply(Reply::new(
        200,
        "Microsoft Teams endpoint returned HTTP error 429 with ContextId tcid=0",
    )));
    let rig = rig_with(dir, vec![a, b]);
    assert_eq!(rig.pass().await, report(1, 1, 0));
    assert_eq!(
        mm.requests()[0].json()["text"],
        "[Active Incident] db primary down"
    );
    // #19: the cockpit's own posts are recognisable when read back.
    assert!(mm.requests()[0].json()["props"]["cockpit_event_ids"].is_string());
    rig.advance(1);
    assert_eq!(rig.pass().await, report(1, 0, 0));
    assert_eq!(
        teams.requests()[1].json(),
        json!({"type": "message", "attachments": [{
            "contentType": "application/vnd.microsoft.card.adaptive", "contentUrl": null,
            "content": {"$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
                        "type": "AdaptiveCard", "version": "1.2",
                        "body": [{"type": "TextBlock", "text": "[Active Incident] db primary down", "wrap": true}]}}]})
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn alertmanager_lists_firing_alerts_and_expires_our_silences() {
    let alerts = json!([{"labels": {"alertname": "DBPrimaryDown", "severity": "critical", "service": "db"},
        "annotations": {"summary": "primary \u{1b}[2Jdown"}, "startsAt": "2026-11-21T09:58:00Z",
        "status": {"state": "active", "silencedBy": [], "inhibitedBy": []}, "fingerprint": "abc"}]);
    let silences = json!([
        {"id": "s1", "status": {"state": "active"}, "createdBy": "cockpit (ann)", "comment": "failover",
         "matchers": [{"name": "alertname", "value": "DBReplicaLag", "isRegex": false, "isEqual": true}],
         "startsAt": "2026-11-21T09:00:00Z", "endsAt": "2026-11-21T12:00:00Z"},
        {"id": "s2", "status": {"state": "active"}, "createdBy": "someone else", "comment": "maint",
         "matchers": [{"name": "job", "value": "node.*", "isRegex": true}],
         "startsAt": "2026-11-21T09:00:00Z", "endsAt": "2026-11-21T12:00:00Z"}]);
    let mock = Mock::start(sync_mock::alertmanager(alerts, silences)).await;
    let mut am = Endpoint::new("am", EndpointKind::Alertmanager);
    am.url = Some(UrlSetting::Plain(mock.url("")));
    am.filter = vec!["service=\"db\"".into()];
    let t = Target::resolve(&am).unwrap();
    let client = reqwest::Client::new();
    let got = alertmanager::alerts(&client, &t).await.unwrap();
    assert_eq!(
        mock.requests()[0].path,
        "/api/v2/alerts?active=true&silenced=false&inhibited=false&filter=service%3D%22db%22"
    );
    assert_eq!(got.len(), 1);
    assert_eq!(
        (
            got[0].name.as_str(),
            got[0].severity.as_str(),
            got[0].summary.as_str()
        ),
        ("DBPrimaryDown", "critical", "primary down")
    );
    let s = alertmanager::silences(&client, &t).await.unwrap();
    let ours: Vec<_> = s.iter().filter(|s| alertmanager::is_ours(&t, s)).collect();
    assert_eq!(ours.len(), 1);
    assert_eq!(ours[0].matchers, "alertname=\"DBReplicaLag\"");
    assert_eq!(s[1].matchers, "job=~\"node.*\"");
    alertmanager::expire(&client, &t, "s1").await.unwrap();
    let r = mock.requests().pop().unwrap();
    assert_eq!(
        (r.method.as_str(), r.path.as_str()),
        ("DELETE", "/api/v2/silence/s1")
    );
    let s = alertmanager::silences(&client, &t).await.unwrap();
    assert!(!s[0].is_live());
    let e = alertmanager::expire(&client, &t, "nope").await.unwrap_err();
    assert_eq!(
        e.to_string(),
        "alertmanager `am`: 404 Not Found: silence not found"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_cockpits_on_one_journal_never_send_a_row_twice_and_keep_order() {
    let mock = Mock::start(sync_mock::matrix("@cockpit:localhost")).await;
    mock.set_delay(StdDuration::from_millis(2));
    let dir = tempfile::tempdir().unwrap();
    let m = matrix_endpoint(&dir, &mock);
    let mut rig = rig_with(dir, vec![m]);
    for i in 0..60 {
        rig.add(EventKind::CommsSent {
            audience: "all".into(),
            text: format!("update {i}"),
        });
    }
    let mut settings = rig.settings.clone();
    settings.batch = 8;
    let other = Deliverer::new(&rig.journal, &settings).unwrap();
    let (a, b) = tokio::join!(rig.deliverer.pass(), other.pass());
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!(a.delivered + b.delivered, 62);
    let reqs = mock.requests();
    let mut paths: Vec<_> = reqs.iter().map(|r| r.path.clone()).collect();
    assert_eq!(paths.len(), 62);
    paths.sort();
    paths.dedup();
    assert_eq!(paths.len(), 62, "no row was sent twice");
    let room: Vec<String> = mock
        .world
        .lock()
        .unwrap()
        .room
        .iter()
        .map(|r| r.2.clone())
        .collect();
    let expected: Vec<String> = std::iter::once("[Active Incident] db primary down".to_string())
        .chain((0..60).map(|i| format!("update {i}")))
        .collect();
    assert_eq!(room, expected, "in order");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_handle_runs_the_worker_in_the_background_and_reports_health() {
    let mock = Mock::start(sync_mock::hook(200, "ok")).await;
    let dir = tempfile::tempdir().unwrap();
    let mut hook = Endpoint::new("hook", EndpointKind::Mattermost);
    hook.url = Some(UrlSetting::Secret(secret(&dir, "h", &mock.url("/hooks/1"))));
    let mut broken = Endpoint::new("pd", EndpointKind::Pagerduty);
    broken.routing_key = Some(SecretRef::Env("COCKPIT_TEST_UNSET_PD_KEY".into()));
    broken.origin = "config.toml:9".into();
    let mut rig = rig_with_problems(dir, vec![hook, broken]);
    for i in 0..5 {
        rig.add(EventKind::CommsSent {
            audience: "all".into(),
            text: format!("u{i}"),
        });
    }
    let mut settings = rig.settings.clone();
    // The ticker is slow on purpose: only `force` wakes it within the test.
    settings.tick = StdDuration::from_secs(3600);
    let handle = SyncHandle::spawn(&tokio::runtime::Handle::current(), settings);
    let mut watch = handle.watch();
    handle.force();
    let health = tokio::time::timeout(StdDuration::from_secs(10), async {
        loop {
            watch.changed().await.unwrap();
            let h = watch.borrow().clone();
            if h.last_success.is_some() {
                return h;
            }
        }
    })
    .await
    .unwrap();
    assert_eq!(mock.count(), 6);
    // The page row waits for a usable key; the reason names where and what.
    assert_eq!(health.pending, 1);
    assert_eq!(
        health.problems,
        [
            "config.toml:9: endpoint `pd`: routing_key: environment variable COCKPIT_TEST_UNSET_PD_KEY is not set"
        ]
    );
    assert_eq!(handle.health(), health);
    handle.stop();
    tokio::time::timeout(StdDuration::from_secs(10), handle.join())
        .await
        .unwrap();
}
