//! Status pages, trackers, client tickets and team paging (issue 17), each
//! against a loopback server that checks the exact request and plays the
//! documented errors. The clock is a `FixedClock`: backoff is checked by
//! moving it, never by sleeping.

mod sync_mock;

use chrono::{DateTime, Duration, Utc};
use serde_json::json;
use std::sync::Arc;

use cockpit::config::{Endpoint, EndpointKind, SecretRef, UrlSetting, load_playbooks};
use cockpit::domain::time::{Clock, FixedClock};
use cockpit::domain::{Event, EventKind, IncidentId};
use cockpit::journal::{Journal, TimelineQuery};
use cockpit::sync::{Deliverer, Outbox, OutboxRow, PassReport, Router, RowFilter, SyncSettings};
use sync_mock::trackers;
use sync_mock::{Fault, Mock, Reply};

fn t0() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-21T10:00:00Z")
        .unwrap()
        .with_timezone(&Utc)
}

/// A private secret file (mode 600) holding `value`.
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
    deliverer: Deliverer,
    incident: IncidentId,
}

fn rig(dir: tempfile::TempDir, endpoints: Vec<Endpoint>, playbook: &str, severity: &str) -> Rig {
    let playbooks = Arc::new(load_playbooks(None).unwrap());
    let path = dir.path().join("journal.sqlite");
    let mut journal = Journal::open(&path, playbooks.clone()).unwrap();
    journal.set_outbox(Router::new(&endpoints).map(|r| Arc::new(r) as _));
    let clock = Arc::new(FixedClock::new(t0()));
    let settings = SyncSettings::new(path, playbooks, endpoints, clock.clone());
    let deliverer = Deliverer::new(&journal, &settings).unwrap();
    assert!(
        deliverer.problems().is_empty(),
        "{:?}",
        deliverer.problems()
    );
    deliverer.seed(7);
    let mut rig = Rig {
        _dir: dir,
        journal,
        clock,
        deliverer,
        incident: IncidentId::new(),
    };
    rig.incident = rig
        .add(EventKind::Declared {
            title: "db primary down".into(),
            severity: severity.into(),
            summary: "writes fail".into(),
            security: false,
            playbook: playbook.into(),
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

    /// (endpoint, item, id, public) of every `remote_linked` event, in order.
    fn links(&mut self) -> Vec<(String, String, String, bool)> {
        let events = self
            .journal
            .events(self.incident, &TimelineQuery::default())
            .unwrap();
        events
            .into_iter()
            .filter_map(|e| match e.kind {
                EventKind::RemoteLinked {
                    endpoint,
                    item,
                    id,
                    public,
                    ..
                } => Some((endpoint, item, id, public)),
                _ => None,
            })
            .collect()
    }
}

fn report(delivered: usize, retried: usize, parked: usize) -> PassReport {
    PassReport {
        delivered,
        retried,
        parked,
    }
}

fn state(s: &str) -> EventKind {
    EventKind::StateChanged {
        state: s.into(),
        reason: String::new(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn statuspage_creates_one_incident_updates_state_and_components_and_resolves() {
    let key = "sp-key-0123456789";
    let mock = Mock::start(trackers::statuspage("pg1", key)).await;
    let dir = tempfile::tempdir().unwrap();
    let mut sp = Endpoint::new("status", EndpointKind::Statuspage);
    sp.url = Some(UrlSetting::Plain(mock.url("/v1")));
    sp.token = Some(secret(&dir, "sp", key));
    sp.page_id = Some("pg1".into());
    sp.components = vec!["cmp1".into()];
    let mut rig = rig(dir, vec![sp], "default", "SEV1");

    assert_eq!(rig.pass().await, report(1, 0, 0));
    let r = &mock.requests()[0];
    assert_eq!(
        (r.method.as_str(), r.path.as_str()),
        ("POST", "/v1/pages/pg1/incidents")
    );
    assert_eq!(
        r.header("authorization"),
        Some(format!("OAuth {key}").as_str())
    );
    assert_eq!(r.header("content-type"), Some("application/json"));
    assert_eq!(
        r.json(),
        json!({"incident": {"name": "db primary down", "status": "investigating",
                            "body": "Investigating: db primary down", "component_ids": ["cmp1"]}})
    );
    assert_eq!(rig.last_row().remote_id.as_deref(), Some("inc1"));
    // The id is written back, as a public post (the status-update clock).
    assert_eq!(
        rig.links(),
        vec![("status".into(), "incident".into(), "inc1".into(), true)]
    );
    let inc = rig.journal.incident(rig.incident).unwrap();
    assert_eq!(inc.remote.last_public_post, Some(t0()));

    // 003: the component status is set apart from the lifecycle state.
    rig.add(EventKind::ServiceStatusChanged {
        status: "disruption".into(),
        reason: String::new(),
    });
    // 420 is Statuspage's own "rate limited": retried, not parked.
    mock.fault(Fault::Reply(Reply::json(
        420,
        json!({"error": "Rate limited"}),
    )));
    assert_eq!(rig.pass().await, report(0, 1, 0));
    assert_eq!(
        rig.last_row().last_error.as_deref(),
        Some("420 rate limited: Rate limited")
    );
    rig.advance(2);
    // 429 with Retry-After: honoured to the second.
    mock.fault(Fault::Reply(Reply::new(429, "").with("retry-after", "30")));
    assert_eq!(rig.pass().await, report(0, 1, 0));
    assert_eq!(
        rig.last_row().next_attempt,
        Some(rig.clock.now() + Duration::seconds(30))
    );
    rig.advance(30);
    // 5xx: retried after a backoff.
    mock.fault(Fault::Reply(Reply::new(503, "upstream")));
    assert_eq!(rig.pass().await, report(0, 1, 0));
    rig.advance(120);
    assert_eq!(rig.pass().await, report(1, 0, 0));
    let r = mock.requests().pop().unwrap();
    assert_eq!(
        (r.method.as_str(), r.path.as_str()),
        ("PATCH", "/v1/pages/pg1/incidents/inc1")
    );
    assert_eq!(
        r.json(),
        json!({"incident": {"name": "db primary down", "status": "investigating",
                            "body": "Investigating: db primary down",
                            "components": {"cmp1": "major_outage"}, "component_ids": ["cmp1"]}})
    );

    // 003: "we may choose not to post": nothing goes out while held.
    rig.add(EventKind::PublicPostsHeld {
        held: true,
        reason: "security fix not released".into(),
    });
    let before = rig.rows().len();
    rig.add(state("identified"));
    assert_eq!(rig.rows().len(), before, "nothing is planned while held");
    // Resuming posts where things stand.
    rig.add(EventKind::PublicPostsHeld {
        held: false,
        reason: String::new(),
    });
    assert_eq!(rig.pass().await, report(1, 0, 0));
    assert_eq!(
        mock.requests().pop().unwrap().json()["incident"]["status"],
        "identified"
    );

    // Resolved: the lifecycle says so and the components are operational.
    rig.add(state("resolved"));
    assert_eq!(rig.pass().await, report(1, 0, 0));
    let r = mock.requests().pop().unwrap();
    assert_eq!(
        r.json(),
        json!({"incident": {"name": "db primary down", "status": "resolved",
                            "body": "Resolved: db primary down. Service is operating normally.",
                            "components": {"cmp1": "operational"}, "component_ids": ["cmp1"]}})
    );
    // One incident on the page, however many posts.
    assert_eq!(
        mock.requests()
            .iter()
            .filter(|r| r.method == "POST" && !r.faulted)
            .count(),
        1
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn statuspage_errors_park_with_the_endpoints_words_and_never_leak_the_key() {
    let key = "sp-key-abcdefghijkl";
    let mock = Mock::start(trackers::statuspage("pg1", key)).await;
    let dir = tempfile::tempdir().unwrap();
    let mut sp = Endpoint::new("status", EndpointKind::Statuspage);
    sp.url = Some(UrlSetting::Plain(mock.url("/v1")));
    sp.token = Some(secret(&dir, "sp", key));
    sp.page_id = Some("pg1".into());
    let mut rig = rig(dir, vec![sp], "default", "SEV2");
    let mut states = ["identified", "monitoring"].into_iter().cycle();
    for (status, body, words) in [
        (
            401,
            json!({"error": format!("Could not authenticate {key}")}),
            "401 Unauthorized: Could not authenticate ****",
        ),
        (
            404,
            json!({"error": "The requested resource could not be found."}),
            "404 Not Found: The requested resource could not be found.",
        ),
        (409, json!({"error": "Conflict"}), "409 Conflict: Conflict"),
        (
            422,
            json!({"error": ["Name can't be blank"]}),
            "422 Unprocessable Entity: Name can't be blank",
        ),
    ] {
        mock.fault(Fault::Reply(Reply::json(status, body)));
        assert_eq!(rig.pass().await, report(0, 0, 1), "{status}");
        assert_eq!(rig.last_row().last_error.as_deref(), Some(words));
        rig.add(state(states.next().unwrap()));
    }
    // The rows parked above wait; the newest one creates the incident.
    assert_eq!(rig.pass().await, report(1, 0, 0));
    assert_eq!(rig.last_row().remote_id.as_deref(), Some("inc1"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn jira_tickets_for_the_incident_and_each_follow_up_with_keys_written_back() {
    let token = "jira-token-0123456789";
    let auth = trackers::basic("ic@example.org", token);
    let mock = Mock::start(trackers::jira(auth.clone())).await;
    let dir = tempfile::tempdir().unwrap();
    let mut jira = Endpoint::new("jira", EndpointKind::Jira);
    jira.url = Some(UrlSetting::Plain(mock.url("")));
    jira.token = Some(secret(&dir, "jira", token));
    jira.user = Some("ic@example.org".into());
    jira.project = Some("OPS".into());
    // 000: "label the ticket 'qpp-incident-response'".
    jira.labels = vec!["qpp-incident-response".into()];
    let mut rig = rig(dir, vec![jira], "default", "SEV1");

    assert_eq!(rig.pass().await, report(1, 0, 0));
    let r = &mock.requests()[0];
    assert_eq!(
        (r.method.as_str(), r.path.as_str()),
        ("POST", "/rest/api/2/issue")
    );
    assert_eq!(r.header("authorization"), Some(auth.as_str()));
    let body = r.json();
    assert_eq!(body["fields"]["project"], json!({"key": "OPS"}));
    assert_eq!(body["fields"]["summary"], "[SEV1] db primary down");
    assert_eq!(body["fields"]["issuetype"], json!({"name": "Task"}));
    assert_eq!(
        body["fields"]["labels"],
        json!(["qpp-incident-response", "SEV1"])
    );
    assert!(
        body["fields"]["description"]
            .as_str()
            .unwrap()
            .starts_with("writes fail\n\nIncident "),
        "{body}"
    );
    assert_eq!(
        rig.links(),
        vec![("jira".into(), "incident".into(), "OPS-1".into(), false)]
    );

    // 004: each action item a ticket; its key shows on the follow-up.
    let f = rig.add(EventKind::FollowUpAdded(cockpit::domain::event::FollowUp {
        text: "alert on replication lag".into(),
        owner: "bob".into(),
        criticality: String::new(),
        due: None,
        from_event: None,
    }));
    // 429 with Retry-After, then 5xx: retried in order.
    mock.fault(Fault::Reply(Reply::new(429, "").with("retry-after", "10")));
    assert_eq!(rig.pass().await, report(0, 1, 0));
    rig.advance(10);
    mock.fault(Fault::Reply(Reply::new(500, "")));
    assert_eq!(rig.pass().await, report(0, 1, 0));
    rig.advance(60);
    assert_eq!(rig.pass().await, report(1, 0, 0));
    let r = mock.requests().pop().unwrap();
    assert_eq!(r.json()["fields"]["summary"], "alert on replication lag");
    let item = format!("follow_up:{}", f.id);
    assert_eq!(
        rig.links()[1],
        ("jira".into(), item.clone(), "OPS-2".into(), false)
    );
    let inc = rig.journal.incident(rig.incident).unwrap();
    assert_eq!(inc.remote.refs_of(&item).next().unwrap().id, "OPS-2");
    assert_eq!(
        inc.remote.refs_of(&item).next().unwrap().url,
        "https://jira.example/rest/api/2/issue/10002"
    );

    // An update to the incident updates its ticket: fields, then a comment.
    rig.add(EventKind::SeverityChanged {
        severity: "SEV2".into(),
        reason: "contained".into(),
    });
    assert_eq!(rig.pass().await, report(2, 0, 0));
    let reqs = mock.requests();
    let (put, comment) = (&reqs[reqs.len() - 2], &reqs[reqs.len() - 1]);
    assert_eq!(
        (put.method.as_str(), put.path.as_str()),
        ("PUT", "/rest/api/2/issue/OPS-1")
    );
    assert_eq!(
        put.json(),
        json!({"fields": {"summary": "[SEV2] db primary down", "labels": ["qpp-incident-response", "SEV2"]}})
    );
    assert_eq!(
        (comment.method.as_str(), comment.path.as_str()),
        ("POST", "/rest/api/2/issue/OPS-1/comment")
    );
    // No new ids: updates are not written back.
    assert_eq!(rig.links().len(), 2);

    // Documented errors park with Jira's own words.
    let mut states = ["identified", "monitoring"].into_iter().cycle();
    for (status, body, words) in [
        (401, json!({}), "401 Unauthorized: {}"),
        (
            404,
            json!({"errorMessages": ["Issue does not exist or you do not have permission to see it."], "errors": {}}),
            "404 Not Found: Issue does not exist or you do not have permission to see it.",
        ),
        (
            409,
            json!({"errorMessages": ["conflict"]}),
            "409 Conflict: conflict",
        ),
        (
            422,
            json!({"errors": {"labels": "bad"}}),
            "422 Unprocessable Entity: labels: bad",
        ),
    ] {
        rig.add(state(states.next().unwrap()));
        mock.fault(Fault::Reply(Reply::json(status, body)));
        assert_eq!(rig.pass().await, report(0, 0, 1), "{status}");
        assert_eq!(rig.last_row().last_error.as_deref(), Some(words));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gitlab_incident_issue_with_severity_label_near_miss_review_and_close() {
    let token = "glpat-0123456789abcdef";
    let mock = Mock::start(trackers::gitlab("ops%2Fapp", token)).await;
    let dir = tempfile::tempdir().unwrap();
    let mut gl = Endpoint::new("gitlab", EndpointKind::Gitlab);
    gl.url = Some(UrlSetting::Plain(mock.url("")));
    gl.token = Some(secret(&dir, "gl", token));
    gl.project = Some("ops/app".into());
    gl.labels = vec!["incident".into()];
    let mut rig = rig(dir, vec![gl], "default", "SEV2");

    assert_eq!(rig.pass().await, report(1, 0, 0));
    let r = &mock.requests()[0];
    assert_eq!(
        (r.method.as_str(), r.path.as_str()),
        ("POST", "/api/v4/projects/ops%2Fapp/issues")
    );
    assert_eq!(r.header("private-token"), Some(token));
    assert_eq!(r.json()["title"], "[SEV2] db primary down");
    assert_eq!(r.json()["labels"], "incident,SEV2");
    assert_eq!(
        rig.links(),
        vec![("gitlab".into(), "incident".into(), "1".into(), false)]
    );

    // 003: the review issue of a near miss, "~Near Miss" and the severity it would have had.
    rig.add(EventKind::NearMiss {
        would_be_severity: "SEV1".into(),
    });
    assert_eq!(rig.pass().await, report(1, 0, 0));
    let r = mock.requests().pop().unwrap();
    assert_eq!(r.json()["title"], "Incident review: db primary down");
    assert_eq!(r.json()["labels"], "incident,SEV1,Near Miss");
    assert_eq!(
        rig.links()[1],
        ("gitlab".into(), "near_miss".into(), "2".into(), false)
    );

    // Resolved: a note, then the issue is closed.
    rig.add(state("resolved"));
    assert_eq!(rig.pass().await, report(2, 0, 0));
    let reqs = mock.requests();
    let (note, close) = (&reqs[reqs.len() - 2], &reqs[reqs.len() - 1]);
    assert_eq!(
        (note.method.as_str(), note.path.as_str()),
        ("POST", "/api/v4/projects/ops%2Fapp/issues/1/notes")
    );
    assert_eq!(
        (close.method.as_str(), close.path.as_str()),
        ("PUT", "/api/v4/projects/ops%2Fapp/issues/1")
    );
    assert_eq!(
        close.json(),
        json!({"labels": "incident,SEV2", "state_event": "close"})
    );

    // 401, 404, 409, 422 park; 429 and 5xx retry.
    for (status, body, words) in [
        (
            401,
            json!({"message": "401 Unauthorized"}),
            "401 Unauthorized: 401 Unauthorized",
        ),
        (
            404,
            json!({"message": "404 Project Not Found"}),
            "404 Not Found: 404 Project Not Found",
        ),
        (
            409,
            json!({"message": "Conflict"}),
            "409 Conflict: Conflict",
        ),
        (
            422,
            json!({"message": {"labels": ["is invalid"]}}),
            "422 Unprocessable Entity: labels: [\"is invalid\"]",
        ),
    ] {
        rig.add(EventKind::Reopened {
            reason: "again".into(),
        });
        mock.fault(Fault::Reply(Reply::json(status, body)));
        let r = rig.pass().await;
        assert_eq!((r.parked, r.retried), (1, 0), "{status}");
        let parked = rig
            .rows()
            .into_iter()
            .rev()
            .find(|r| r.last_error.is_some())
            .unwrap();
        assert_eq!(parked.last_error.as_deref(), Some(words));
        rig.add(state("resolved"));
        rig.pass().await;
    }
    mock.fault(Fault::Reply(Reply::new(429, "").with("retry-after", "5")));
    rig.add(EventKind::Reopened {
        reason: "again".into(),
    });
    assert_eq!(rig.pass().await.retried, 1);
    rig.advance(5);
    mock.fault(Fault::Reply(Reply::new(502, "")));
    assert_eq!(rig.pass().await.retried, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn zendesk_client_updates_go_to_the_linked_ticket_as_public_comments() {
    let token = "zd-token-0123456789";
    let auth = trackers::basic("cm@example.org/token", token);
    let mock = Mock::start(trackers::zendesk(auth.clone(), &["4711"])).await;
    let dir = tempfile::tempdir().unwrap();
    let mut zd = Endpoint::new("zendesk", EndpointKind::Zendesk);
    zd.url = Some(UrlSetting::Plain(mock.url("")));
    zd.token = Some(secret(&dir, "zd", token));
    zd.user = Some("cm@example.org".into());
    let mut rig = rig(dir, vec![zd], "dxw", "major");
    // Nothing before a ticket is linked.
    rig.add(EventKind::CommsSent {
        audience: "clients".into(),
        text: "early words".into(),
    });
    assert!(rig.rows().is_empty());
    // 002: "a client has raised a Zendesk ticket".
    rig.add(EventKind::LinkSet {
        link: "zendesk".into(),
        url: "https://acme.zendesk.com/agent/tickets/4711".into(),
    });
    rig.add(EventKind::CommsSent {
        audience: "internal".into(),
        text: "not for clients".into(),
    });
    rig.add(EventKind::CommsSent {
        audience: "clients".into(),
        text: "We are restoring service; next update in an hour.".into(),
    });
    assert_eq!(rig.rows().len(), 1);
    // 429 with Retry-After first.
    mock.fault(Fault::Reply(Reply::new(429, "").with("retry-after", "60")));
    assert_eq!(rig.pass().await, report(0, 1, 0));
    rig.advance(60);
    assert_eq!(rig.pass().await, report(1, 0, 0));
    let r = mock.requests().pop().unwrap();
    assert_eq!(
        (r.method.as_str(), r.path.as_str()),
        ("PUT", "/api/v2/tickets/4711.json")
    );
    assert_eq!(r.header("authorization"), Some(auth.as_str()));
    assert_eq!(
        r.json(),
        json!({"ticket": {"comment": {"body": "We are restoring service; next update in an hour.", "public": true}}})
    );
    // A ticket past 5000 comments answers 422: parked with its words.
    rig.add(EventKind::CommsSent {
        audience: "clients".into(),
        text: "again".into(),
    });
    mock.fault(Fault::Reply(Reply::json(
        422,
        json!({"error": "RecordInvalid", "description": "Record validation errors"}),
    )));
    assert_eq!(rig.pass().await, report(0, 0, 1));
    assert_eq!(
        rig.last_row().last_error.as_deref(),
        Some("422 Unprocessable Entity: RecordInvalid; Record validation errors")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn paging_a_role_triggers_its_teams_service_until_engaged_then_resolves() {
    let mock = Mock::start(sync_mock::pagerduty()).await;
    let dir = tempfile::tempdir().unwrap();
    let own = "R0123456789abcdef0123456789abcd";
    let team = "T0123456789abcdef0123456789abcd";
    let mut pd = Endpoint::new("pd", EndpointKind::Pagerduty);
    pd.url = Some(UrlSetting::Plain(mock.url("/v2/enqueue")));
    pd.routing_key = Some(secret(&dir, "pd", own));
    pd.teams
        .insert("tech_lead".into(), secret(&dir, "pd-tl", team));
    let mut rig = rig(dir, vec![pd], "default", "SEV1");
    assert_eq!(rig.pass().await, report(1, 0, 0));
    rig.add(EventKind::LinkSet {
        link: "document".into(),
        url: "https://docs.example/inc-1".into(),
    });
    rig.add(EventKind::RolePaged {
        role: "Tech_Lead".into(),
        person: String::new(),
    });
    let inc = rig.journal.incident(rig.incident).unwrap();
    assert!(inc.remote.paged.contains_key("tech_lead"));
    assert_eq!(rig.pass().await, report(1, 0, 0));
    let dedup = format!("cockpit-{}-tech_lead", rig.incident);
    assert_eq!(
        mock.requests().pop().unwrap().json(),
        json!({
            "routing_key": team,
            "event_action": "trigger",
            "dedup_key": dedup,
            "payload": {"summary": "[SEV1] db primary down: paging the on-call for Technical Lead",
                        "source": "incident-cockpit", "severity": "critical"},
            "client": "Incident Cockpit",
            "links": [{"href": "https://docs.example/inc-1", "text": "document"}],
        })
    );
    // A role without a team is recorded as paged but sends nothing.
    rig.add(EventKind::RolePaged {
        role: "scribe".into(),
        person: "carol".into(),
    });
    assert_eq!(rig.pass().await, report(0, 0, 0));
    // Engaging ends "paged" and acknowledges the team's alert.
    rig.add(EventKind::RoleEngaged {
        role: "tech_lead".into(),
        person: "bob".into(),
    });
    let inc = rig.journal.incident(rig.incident).unwrap();
    assert!(!inc.remote.paged.contains_key("tech_lead"));
    assert!(inc.remote.paged.contains_key("scribe"));
    assert_eq!(rig.pass().await, report(1, 0, 0));
    assert_eq!(
        mock.requests().pop().unwrap().json(),
        json!({"routing_key": team, "dedup_key": dedup, "event_action": "acknowledge"})
    );
    // Resolving the incident resolves its own alert and the team's.
    rig.add(state("resolved"));
    assert_eq!(rig.pass().await, report(2, 0, 0));
    let w = mock.world.lock().unwrap();
    assert_eq!(w.alerts[&dedup], vec!["trigger", "acknowledge", "resolve"]);
    assert_eq!(
        w.alerts[&format!("cockpit-{}", rig.incident)],
        vec!["trigger", "resolve"]
    );
    drop(w);
    // The team's key never shows in an error.
    rig.add(EventKind::Reopened {
        reason: String::new(),
    });
    rig.add(EventKind::RolePaged {
        role: "tech_lead".into(),
        person: String::new(),
    });
    mock.fault(Fault::Reply(Reply::json(
        400,
        json!({"status": "invalid event", "message": format!("bad key {team}"), "errors": []}),
    )));
    let _ = rig.pass().await;
    let parked: Vec<_> = rig
        .rows()
        .into_iter()
        .filter_map(|r| r.last_error)
        .collect();
    assert!(parked.iter().all(|e| !e.contains(team)), "{parked:?}");
    assert!(
        parked.iter().any(|e| e.contains("bad key ****")),
        "{parked:?}"
    );
}

#[test]
fn ticket_endpoints_are_checked_with_file_line_and_key() {
    use cockpit::config::Config;
    let parse = |text: &str| {
        Config::parse(std::path::Path::new("/etc/cockpit.toml"), text).map_err(|e| e.to_string())
    };
    let c = parse(
        r#"
[[endpoint]]
name = "pd"
kind = "pagerduty"
routing_key = "env:PD_KEY"
teams = { Tech_Lead = "env:PD_TL", cmoc = "file:/run/secrets/pd-cmoc" }

[[endpoint]]
name = "status"
kind = "statuspage"
token = "env:SP"
page_id = "pg1"
components = ["c1", "c2"]

[[endpoint]]
name = "jira"
kind = "jira"
url = "https://example.atlassian.net"
token = "env:JIRA"
user = "ic@example.org"
project = "OPS"
labels = ["qpp-incident-response"]
"#,
    )
    .unwrap();
    let pd = &c.endpoints[0];
    assert_eq!(pd.teams["tech_lead"], SecretRef::Env("PD_TL".into()));
    assert_eq!(
        pd.teams["cmoc"],
        SecretRef::File("/run/secrets/pd-cmoc".into())
    );
    assert_eq!(c.endpoints[1].components, vec!["c1", "c2"]);
    assert_eq!(c.endpoints[2].project.as_deref(), Some("OPS"));

    // A routing key written in clear is refused, without echoing it.
    let e = parse(
        "[[endpoint]]\nname = \"pd\"\nkind = \"pagerduty\"\nrouting_key = \"env:K\"\nteams = { sre = \"R0123456789abcdef\" }\n",
    )
    .unwrap_err();
    assert!(
        e.starts_with("/etc/cockpit.toml:5: endpoint.teams.sre: a secret is never written"),
        "{e}"
    );
    assert!(!e.contains("R0123456789abcdef"), "{e}");
    // Each kind names what it needs, and refuses what it does not use.
    let e = parse("[[endpoint]]\nname = \"s\"\nkind = \"statuspage\"\ntoken = \"env:T\"\n")
        .unwrap_err();
    assert!(
        e.contains("endpoint.page_id: endpoint `s` (statuspage) needs `page_id`"),
        "{e}"
    );
    let e = parse(
        "[[endpoint]]\nname = \"g\"\nkind = \"gitlab\"\ntoken = \"env:T\"\nproject = \"1\"\npage_id = \"x\"\n",
    )
    .unwrap_err();
    assert!(
        e.contains("endpoint.page_id: endpoint `g` (gitlab) does not use `page_id`"),
        "{e}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn statusio_creates_updates_state_and_status_apart_and_resolves() {
    let key = "sio-key-0123456789";
    let mock = Mock::start(trackers::statusio("api-id-1", key, "sp1")).await;
    let dir = tempfile::tempdir().unwrap();
    let mut sio = Endpoint::new("statusio", EndpointKind::Statusio);
    sio.url = Some(UrlSetting::Plain(mock.url("/v2")));
    sio.user = Some("api-id-1".into());
    sio.token = Some(secret(&dir, "sio", key));
    sio.page_id = Some("sp1".into());
    sio.components = vec!["cmp1-ctr1".into()];
    let mut rig = rig(dir, vec![sio], "default", "SEV1");

    assert_eq!(rig.pass().await, report(1, 0, 0));
    let r = &mock.requests()[0];
    assert_eq!(
        (r.method.as_str(), r.path.as_str()),
        ("POST", "/v2/incident/create")
    );
    assert_eq!(r.header("x-api-id"), Some("api-id-1"));
    assert_eq!(r.header("x-api-key"), Some(key));
    assert_eq!(r.header("content-type"), Some("application/json"));
    let flags = json!({"notify_email": "1", "notify_sms": "0", "notify_webhook": "1",
                       "social": "0", "irc": "0", "hipchat": "0", "slack": "0"});
    let mut want = json!({"statuspage_id": "sp1", "incident_name": "db primary down",
        "infrastructure_affected": ["cmp1-ctr1"], "all_infrastructure_affected": "0",
        "incident_details": "Investigating: db primary down",
        "message_subject": "db primary down", "current_state": 100});
    want.as_object_mut()
        .unwrap()
        .extend(flags.as_object().unwrap().clone());
    assert_eq!(r.json(), want);
    assert_eq!(rig.last_row().remote_id.as_deref(), Some("sio1"));
    assert_eq!(
        rig.links(),
        vec![("statusio".into(), "incident".into(), "sio1".into(), true)]
    );
    assert_eq!(
        rig.journal
            .incident(rig.incident)
            .unwrap()
            .remote
            .last_public_post,
        Some(t0())
    );

    // 003: status (the components) set apart from state (the lifecycle).
    rig.add(EventKind::ServiceStatusChanged {
        status: "partial_disruption".into(),
        reason: String::new(),
    });
    // 429 with Retry-After: honoured to the second; 5xx: backoff.
    mock.fault(Fault::Reply(Reply::new(429, "").with("retry-after", "20")));
    assert_eq!(rig.pass().await, report(0, 1, 0));
    assert_eq!(
        rig.last_row().next_attempt,
        Some(rig.clock.now() + Duration::seconds(20))
    );
    rig.advance(20);
    mock.fault(Fault::Reply(Reply::new(502, "bad gateway")));
    assert_eq!(rig.pass().await, report(0, 1, 0));
    rig.advance(120);
    assert_eq!(rig.pass().await, report(1, 0, 0));
    let r = mock.requests().pop().unwrap();
    assert_eq!(r.path, "/v2/incident/update");
    assert_eq!(r.json()["incident_id"], "sio1");
    assert_eq!(r.json()["current_state"], 100);
    assert_eq!(r.json()["current_status"], 400);
    assert!(r.json().get("incident_name").is_none());

    rig.add(state("identified"));
    assert_eq!(rig.pass().await, report(1, 0, 0));
    let r = mock.requests().pop().unwrap();
    assert_eq!(
        (
            r.json()["current_state"].clone(),
            r.json()["current_status"].clone()
        ),
        (json!(200), json!(400))
    );

    // Resolved: `incident/resolve`, the components operational again.
    rig.add(state("resolved"));
    assert_eq!(rig.pass().await, report(1, 0, 0));
    let r = mock.requests().pop().unwrap();
    assert_eq!(r.path, "/v2/incident/resolve");
    assert_eq!(r.json()["incident_id"], "sio1");
    assert_eq!(r.json()["current_status"], 100);
    assert_eq!(
        r.json()["incident_details"],
        "Resolved: db primary down. Service is operating normally."
    );
    let creates = mock
        .requests()
        .iter()
        .filter(|r| r.path == "/v2/incident/create" && !r.faulted)
        .count();
    assert_eq!(creates, 1, "one incident, however many posts");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn statusio_errors_park_with_its_words_and_never_leak_the_key() {
    let key = "sio-key-abcdefghijkl";
    let mock = Mock::start(trackers::statusio("api-id-1", key, "sp1")).await;
    let dir = tempfile::tempdir().unwrap();
    let mut sio = Endpoint::new("statusio", EndpointKind::Statusio);
    sio.url = Some(UrlSetting::Plain(mock.url("/v2")));
    sio.user = Some("api-id-1".into());
    sio.token = Some(secret(&dir, "sio", key));
    sio.page_id = Some("sp1".into());
    let mut rig = rig(dir, vec![sio], "default", "SEV2");
    let mut states = ["identified", "monitoring"].into_iter().cycle();
    let refusal = |m: String| json!({"status": {"error": "yes", "message": m}});
    for (status, body, words) in [
        (
            401,
            refusal(format!("Unauthorized key {key}")),
            "401 Unauthorized: Unauthorized key ****",
        ),
        (404, refusal("Not found".into()), "404 Not Found: Not found"),
        (409, refusal("Conflict".into()), "409 Conflict: Conflict"),
        (
            422,
            refusal("incident_name is required".into()),
            "422 Unprocessable Entity: incident_name is required",
        ),
        (
            200,
            refusal("Invalid statuspage_id".into()),
            "200 refused: Invalid statuspage_id",
        ),
    ] {
        mock.fault(Fault::Reply(Reply::json(status, body)));
        assert_eq!(rig.pass().await, report(0, 0, 1), "{status}");
        assert_eq!(rig.last_row().last_error.as_deref(), Some(words));
        rig.add(state(states.next().unwrap()));
    }
    // The newest row creates the incident; every component affected.
    assert_eq!(rig.pass().await, report(1, 0, 0));
    assert_eq!(rig.last_row().remote_id.as_deref(), Some("sio1"));
    let r = mock.requests().pop().unwrap();
    assert_eq!(r.json()["all_infrastructure_affected"], "1");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn jira_closes_the_incident_ticket_through_the_configured_transition() {
    let token = "jira-token-0123456789";
    let auth = trackers::basic("ic@example.org", token);
    let mock = Mock::start(trackers::jira(auth.clone())).await;
    for (transition, outcome, words) in [
        ("31", report(2, 0, 0), None),
        // A transition the project's workflow does not offer: parked with Jira's words.
        (
            "99",
            report(1, 0, 1),
            Some("400 Bad Request: Transition id is not valid for this issue."),
        ),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let mut jira = Endpoint::new("jira", EndpointKind::Jira);
        jira.url = Some(UrlSetting::Plain(mock.url("")));
        jira.token = Some(secret(&dir, "jira", token));
        jira.user = Some("ic@example.org".into());
        jira.project = Some("OPS".into());
        jira.done_transition = Some(transition.into());
        let mut rig = rig(dir, vec![jira], "default", "SEV2");
        assert_eq!(rig.pass().await, report(1, 0, 0));
        let key = rig.last_row().remote_id.unwrap();

        // Resolved: the comment, then the transition.
        rig.add(state("resolved"));
        assert_eq!(rig.pass().await, outcome, "{transition}");
        let r = mock.requests().pop().unwrap();
        assert_eq!(
            (r.method.as_str(), r.path.clone()),
            ("POST", format!("/rest/api/2/issue/{key}/transitions"))
        );
        assert_eq!(r.header("authorization"), Some(auth.as_str()));
        assert_eq!(r.json(), json!({"transition": {"id": transition}}));
        assert_eq!(rig.last_row().last_error.as_deref(), words);
        if words.is_none() {
            assert_eq!(rig.last_row().remote_id, Some(key));
        }
    }
}

/// Issue 13, item 6 (000 responder script step 4): a false positive becomes
/// a ticket on the team's board, labelled from the endpoint's `labels`
/// (`qpp-incident-response`); the incident's ticket hears it as a comment.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn jira_a_dismissed_false_positive_becomes_a_labelled_ticket() {
    let token = "jira-token-0123456789";
    let auth = trackers::basic("ic@example.org", token);
    let mock = Mock::start(trackers::jira(auth.clone())).await;
    let dir = tempfile::tempdir().unwrap();
    let mut jira = Endpoint::new("jira", EndpointKind::Jira);
    jira.url = Some(UrlSetting::Plain(mock.url("")));
    jira.token = Some(secret(&dir, "jira", token));
    jira.user = Some("ic@example.org".into());
    jira.project = Some("OPS".into());
    jira.labels = vec!["qpp-incident-response".into()];
    let mut rig = rig(dir, vec![jira], "default", "SEV3");
    assert_eq!(rig.pass().await, report(1, 0, 0));

    rig.add(EventKind::Dismissed {
        verdict: cockpit::domain::event::Verdict::FalsePositive,
        reason: "disk alert fired on a test host".into(),
    });
    assert_eq!(rig.pass().await, report(2, 0, 0));
    let reqs = mock.requests();
    let (comment, create) = (&reqs[reqs.len() - 2], &reqs[reqs.len() - 1]);
    assert_eq!(
        (comment.method.as_str(), comment.path.as_str()),
        ("POST", "/rest/api/2/issue/OPS-1/comment")
    );
    assert_eq!(
        (create.method.as_str(), create.path.as_str()),
        ("POST", "/rest/api/2/issue")
    );
    assert_eq!(create.header("authorization"), Some(auth.as_str()));
    let body = create.json();
    assert_eq!(body["fields"]["project"], json!({"key": "OPS"}));
    assert_eq!(body["fields"]["summary"], "False positive: db primary down");
    assert_eq!(body["fields"]["labels"], json!(["qpp-incident-response"]));
    assert_eq!(
        body["fields"]["description"],
        "False positive, recorded by ann: disk alert fired on a test host"
    );
    assert_eq!(
        rig.links()[1],
        ("jira".into(), "dismissed".into(), "OPS-2".into(), false)
    );
}

/// Issue 13, item 6 (000 responder script step 5): not an incident, on
/// GitLab: the incident issue gets a note and is closed, and the follow-up
/// issue is raised with the endpoint's labels.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gitlab_not_an_incident_closes_the_issue_and_raises_a_labelled_one() {
    let token = "glpat-0123456789abcdef";
    let mock = Mock::start(trackers::gitlab("ops%2Fapp", token)).await;
    let dir = tempfile::tempdir().unwrap();
    let mut gl = Endpoint::new("gitlab", EndpointKind::Gitlab);
    gl.url = Some(UrlSetting::Plain(mock.url("")));
    gl.token = Some(secret(&dir, "gl", token));
    gl.project = Some("ops/app".into());
    gl.labels = vec!["qpp-incident-response".into()];
    let mut rig = rig(dir, vec![gl], "default", "SEV3");
    assert_eq!(rig.pass().await, report(1, 0, 0));

    rig.add(EventKind::Dismissed {
        verdict: cockpit::domain::event::Verdict::NotAnIncident,
        reason: "cron job restarted nginx; fixed the schedule".into(),
    });
    assert_eq!(rig.pass().await, report(3, 0, 0));
    let reqs = mock.requests();
    let n = reqs.len();
    let (note, close, create) = (&reqs[n - 3], &reqs[n - 2], &reqs[n - 1]);
    assert_eq!(
        (note.method.as_str(), note.path.as_str()),
        ("POST", "/api/v4/projects/ops%2Fapp/issues/1/notes")
    );
    assert_eq!(
        (close.method.as_str(), close.path.as_str()),
        ("PUT", "/api/v4/projects/ops%2Fapp/issues/1")
    );
    assert_eq!(
        close.json(),
        json!({"labels": "qpp-incident-response,SEV3", "state_event": "close"})
    );
    assert_eq!(
        (create.method.as_str(), create.path.as_str()),
        ("POST", "/api/v4/projects/ops%2Fapp/issues")
    );
    assert_eq!(create.header("private-token"), Some(token));
    assert_eq!(create.json()["title"], "Not an incident: db primary down");
    assert_eq!(create.json()["labels"], "qpp-incident-response");
    assert_eq!(
        create.json()["description"],
        "Not an incident, recorded by ann: cron job restarted nginx; fixed the schedule"
    );
    assert_eq!(
        rig.links()[1],
        ("gitlab".into(), "dismissed".into(), "2".into(), false)
    );
}
