//! The live incident document on Confluence, against a loopback server that
//! checks the exact requests of the REST API v2 (paths, basic auth header,
//! JSON bodies, version numbers) and answers with its documented errors:
//! 409 on a stale version, 401, 429 with Retry-After. The clock is a
//! `FixedClock`; the minute between publishes is kept by moving it.

mod sync_mock;

use base64::Engine;
use chrono::{DateTime, Duration, Utc};
use serde_json::{Value, json};
use std::sync::{Arc, Mutex};

use cockpit::config::{Endpoint, EndpointKind, SecretRef, UrlSetting, load_playbooks};
use cockpit::domain::time::{Clock, FixedClock};
use cockpit::domain::{Event, EventKind, IncidentId};
use cockpit::export::live::{DOCUMENT_AUDIENCE, LiveTemplates};
use cockpit::journal::{Journal, TimelineQuery};
use cockpit::sync::Target;
use cockpit::sync::document::{PublishReport, Publisher};
use sync_mock::{Mock, Recorded, Reply};

const USER: &str = "ic@example.org";
const TOKEN: &str = "tok-ATATT3xFfGF0-secret";
const SPACE: &str = "65536";
const PARENT: &str = "4242";
const PAGE: &str = "98765";

/// The page as the fake Confluence holds it, and what it is told to do.
#[derive(Default)]
struct Page {
    exists: bool,
    title: String,
    version: u64,
    message: String,
    value: String,
    /// PUTs to answer with 409 after someone else saved a version.
    conflicts: u32,
    unauthorized: bool,
    /// Seconds for a 429's Retry-After.
    rate_limited: Option<u64>,
}

fn page_json(p: &Page, base: &str) -> Value {
    json!({
        "id": PAGE,
        "status": "current",
        "title": p.title,
        "spaceId": SPACE,
        "parentId": PARENT,
        "version": { "number": p.version, "message": p.message },
        "_links": { "webui": format!("/spaces/OPS/pages/{PAGE}/Incident"), "base": base },
    })
}

fn behaviour(state: Arc<Mutex<Page>>, base: Arc<Mutex<String>>) -> sync_mock::Behaviour {
    Arc::new(move |r: &Recorded, _w| {
        let mut p = state.lock().unwrap();
        let base = base.lock().unwrap().clone();
        let auth = format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(format!("{USER}:{TOKEN}"))
        );
        if p.unauthorized || r.header("authorization") != Some(auth.as_str()) {
            return Reply::json(
                401,
                json!({"message": "Unauthorized; scope does not match"}),
            );
        }
        if let Some(secs) = p.rate_limited.take() {
            return Reply::json(429, json!({"message": "Rate limit exceeded"}))
                .with("retry-after", &secs.to_string());
        }
        assert_eq!(r.header("accept"), Some("application/json"));
        let page_path = format!("/wiki/api/v2/pages/{PAGE}");
        match (r.method.as_str(), r.path.as_str()) {
            ("POST", "/wiki/api/v2/pages") => {
                assert_eq!(r.header("content-type"), Some("application/json"));
                let b = r.json();
                assert_eq!(b["spaceId"], SPACE);
                assert_eq!(b["parentId"], PARENT);
                assert_eq!(b["status"], "current");
                assert_eq!(b["body"]["representation"], "storage");
                p.exists = true;
                p.title = b["title"].as_str().unwrap().into();
                p.value = b["body"]["value"].as_str().unwrap().into();
                p.version = 1;
                p.message = String::new();
                Reply::json(200, page_json(&p, &base))
            }
            ("GET", path) if path == page_path && p.exists => {
                Reply::json(200, page_json(&p, &base))
            }
            ("PUT", path) if path == page_path && p.exists => {
                let b = r.json();
                assert_eq!(b["id"], PAGE);
                assert_eq!(b["status"], "current");
                assert_eq!(b["body"]["representation"], "storage");
                if p.conflicts > 0 {
                    p.conflicts -= 1;
                    // Someone else saved a version in between.
                    p.version += 1;
                    p.message = "edited by hand".into();
                    return Reply::json(
                        409,
                        json!({"message": "Version must be incremented on update. Current version is: ".to_string() + &p.version.to_string()}),
                    );
                }
                let n = b["version"]["number"].as_u64().unwrap();
                if n != p.version + 1 {
                    return Reply::json(409, json!({"message": "stale version"}));
                }
                p.version = n;
                p.message = b["version"]["message"].as_str().unwrap().into();
                p.title = b["title"].as_str().unwrap().into();
                p.value = b["body"]["value"].as_str().unwrap().into();
                Reply::json(200, page_json(&p, &base))
            }
            _ => Reply::json(404, json!({"message": "no such page"})),
        }
    })
}

fn t0() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-21T10:00:00Z")
        .unwrap()
        .with_timezone(&Utc)
}

struct Rig {
    dir: tempfile::TempDir,
    mock: Mock,
    page: Arc<Mutex<Page>>,
    journal: Journal,
    clock: Arc<FixedClock>,
    target: Arc<Target>,
    incident: IncidentId,
}

impl Rig {
    async fn new() -> Rig {
        let page = Arc::new(Mutex::new(Page::default()));
        let base = Arc::new(Mutex::new(String::new()));
        let mock = Mock::start(behaviour(page.clone(), base.clone())).await;
        *base.lock().unwrap() = mock.url("/wiki");
        let dir = tempfile::tempdir().unwrap();
        let token = dir.path().join("token");
        std::fs::write(&token, TOKEN).unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&token, std::fs::Permissions::from_mode(0o600)).unwrap();
        let mut e = Endpoint::new("wiki", EndpointKind::Confluence);
        e.url = Some(UrlSetting::Plain(mock.url("")));
        e.username = Some(USER.into());
        e.token = Some(SecretRef::File(token));
        e.space = Some(SPACE.into());
        e.parent = Some(PARENT.into());
        let target = Arc::new(Target::resolve(&e).unwrap());
        let books = Arc::new(load_playbooks(None).unwrap());
        let mut journal = Journal::open(&dir.path().join("journal.sqlite"), books).unwrap();
        let declared = journal
            .append(Event::new(
                IncidentId::new(),
                "ann",
                t0(),
                t0(),
                EventKind::Declared {
                    title: "db primary down".into(),
                    severity: "SEV1".into(),
                    summary: "Writes fail.".into(),
                    security: false,
                    playbook: "default".into(),
                },
            ))
            .unwrap();
        Rig {
            dir,
            mock,
            page,
            journal,
            clock: Arc::new(FixedClock::new(t0())),
            target,
            incident: declared.incident,
        }
    }

    fn publisher(&self) -> Publisher {
        let books = Arc::new(load_playbooks(None).unwrap());
        Publisher::new(
            Journal::open(&self.dir.path().join("journal.sqlite"), books).unwrap(),
            &[self.target.clone()],
            LiveTemplates::builtin(),
            self.clock.clone() as Arc<dyn Clock>,
        )
    }

    fn note(&mut self, text: &str) {
        let now = self.clock.now();
        self.journal
            .append(Event::new(
                self.incident,
                "ann",
                now,
                now,
                EventKind::Note {
                    text: text.into(),
                    tag: "impact".into(),
                    private: false,
                },
            ))
            .unwrap();
    }

    fn minute(&self) {
        self.clock.advance(Duration::seconds(61));
    }

    fn events(&self) -> Vec<Event> {
        self.journal
            .events(self.incident, &TimelineQuery::default())
            .unwrap()
    }

    fn publishes(&self) -> usize {
        self.events()
            .iter()
            .filter(|e| matches!(&e.kind, EventKind::CommsSent { audience, .. } if audience == DOCUMENT_AUDIENCE))
            .count()
    }

    /// The (method, path) of each request since `from`.
    fn calls(&self, from: usize) -> Vec<(String, String)> {
        self.mock.requests()[from..]
            .iter()
            .map(|r| (r.method.clone(), r.path.clone()))
            .collect()
    }
}

fn counts(r: &PublishReport) -> (usize, usize, usize) {
    (r.published, r.unchanged, r.problems.len())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_page_is_created_under_its_parent_then_updated_version_by_version() {
    let mut rig = Rig::new().await;
    let mut p = rig.publisher();
    let page_path = format!("/wiki/api/v2/pages/{PAGE}");

    // Created as a child of the configured page; its link becomes the document link.
    let r = p.publish().await;
    assert_eq!(counts(&r), (1, 0, 0), "{r:?}");
    assert_eq!(
        rig.calls(0),
        [("POST".to_string(), "/wiki/api/v2/pages".to_string())]
    );
    let created = rig.mock.requests()[0].json();
    let short = &rig.incident.to_string()[..8];
    assert_eq!(
        created["title"],
        format!("Incident {short}: db primary down")
    );
    assert!(
        created["body"]["value"]
            .as_str()
            .unwrap()
            .contains("db primary down")
    );
    assert!(
        !created["body"]["value"]
            .as_str()
            .unwrap()
            .contains("<style>")
    );
    let link = format!("{}/spaces/OPS/pages/{PAGE}/Incident", rig.mock.url("/wiki"));
    let linked = rig.events().iter().any(|e| {
        matches!(&e.kind, EventKind::LinkSet { link: l, url } if l == "document" && *url == link)
    });
    assert!(linked, "the page link is the incident's document link");
    assert_eq!(rig.publishes(), 1);

    // A change: read the version, write the next one with the digest.
    rig.note("i: Writes fail for every customer.");
    rig.minute();
    let n = rig.mock.count();
    let r = p.publish().await;
    assert_eq!(counts(&r), (1, 0, 0), "{r:?}");
    assert_eq!(
        rig.calls(n),
        [
            ("GET".to_string(), page_path.clone()),
            ("PUT".to_string(), page_path.clone())
        ]
    );
    let put = rig.mock.requests()[n + 1].json();
    assert_eq!(put["version"]["number"], 2);
    assert!(
        put["version"]["message"]
            .as_str()
            .unwrap()
            .starts_with("incident-cockpit ")
    );
    assert!(
        put["body"]["value"]
            .as_str()
            .unwrap()
            .contains("Writes fail for every customer.")
    );
    assert_eq!(rig.page.lock().unwrap().version, 2);
    assert_eq!(rig.publishes(), 2);

    // Nothing changed: no request, nothing recorded.
    rig.minute();
    let n = rig.mock.count();
    let r = p.publish().await;
    assert_eq!(counts(&r), (0, 1, 0), "{r:?}");
    assert_eq!(rig.mock.count(), n);
    assert_eq!(rig.publishes(), 2);

    // After a restart the page's version message says it is current: read, no write.
    let mut p = rig.publisher();
    rig.minute();
    let n = rig.mock.count();
    let r = p.publish().await;
    assert_eq!(counts(&r), (0, 1, 0), "{r:?}");
    assert_eq!(rig.calls(n), [("GET".to_string(), page_path.clone())]);

    // 409: someone saved in between; the page is read again and the next number sent.
    rig.page.lock().unwrap().conflicts = 1;
    rig.note("i: Reads slow down too.");
    rig.minute();
    let n = rig.mock.count();
    let r = p.publish().await;
    assert_eq!(counts(&r), (1, 0, 0), "{r:?}");
    assert_eq!(
        rig.calls(n),
        [
            ("GET".to_string(), page_path.clone()),
            ("PUT".to_string(), page_path.clone()),
            ("GET".to_string(), page_path.clone()),
            ("PUT".to_string(), page_path.clone())
        ]
    );
    let reqs = rig.mock.requests();
    assert_eq!(reqs[n + 1].json()["version"]["number"], 3);
    assert_eq!(reqs[n + 3].json()["version"]["number"], 4);
    assert_eq!(rig.page.lock().unwrap().version, 4);
    assert_eq!(rig.publishes(), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unauthorized_and_rate_limited_publishes_wait_and_say_why() {
    let mut rig = Rig::new().await;
    let mut p = rig.publisher();
    assert_eq!(counts(&p.publish().await), (1, 0, 0));

    // 401: a problem in Confluence's words, no secret, nothing recorded.
    rig.page.lock().unwrap().unauthorized = true;
    rig.note("i: Writes fail.");
    rig.minute();
    let r = p.publish().await;
    assert_eq!(counts(&r), (0, 0, 1), "{r:?}");
    assert!(r.problems[0].contains("401"), "{r:?}");
    assert!(r.problems[0].contains("Unauthorized"), "{r:?}");
    assert!(!r.problems[0].contains(TOKEN), "{r:?}");
    assert_eq!(rig.publishes(), 1);
    // It is not tried again within the minute.
    let n = rig.mock.count();
    rig.clock.advance(Duration::seconds(5));
    assert_eq!(counts(&p.publish().await), (0, 0, 0));
    assert_eq!(rig.mock.count(), n);

    // 429 with Retry-After: 120 s: nothing before then, then it goes out.
    {
        let mut page = rig.page.lock().unwrap();
        page.unauthorized = false;
        page.rate_limited = Some(120);
    }
    rig.minute();
    let r = p.publish().await;
    assert_eq!(counts(&r), (0, 0, 1), "{r:?}");
    assert!(r.problems[0].contains("429"), "{r:?}");
    let n = rig.mock.count();
    rig.minute();
    assert_eq!(counts(&p.publish().await), (0, 0, 0));
    assert_eq!(rig.mock.count(), n, "Retry-After is kept");
    rig.minute();
    let r = p.publish().await;
    assert_eq!(counts(&r), (1, 0, 0), "{r:?}");
    assert_eq!(rig.publishes(), 2);
}
