//! Issue 17's reads: `cockpit sync test NAME` for every status page and
//! tracker kind (one harmless authenticated read each, its words on success
//! and on refusal), and PagerDuty's on-call lookup per team (`cockpit
//! oncall`, the roster picker's source). Each against a loopback server that
//! checks the exact request and plays the documented errors.

mod sync_mock;

use serde_json::json;

use cockpit::config::{Config, Endpoint, EndpointKind, SecretRef, UrlSetting};
use cockpit::services::oncall::{OnCallError, names_by_role, on_call_now};
use cockpit::sync::adapters::probe;
use cockpit::sync::http::{Target, client, send};
use sync_mock::trackers;
use sync_mock::{Fault, Mock, Reply};

fn secret(dir: &tempfile::TempDir, name: &str, value: &str) -> SecretRef {
    use std::os::unix::fs::PermissionsExt;
    let p = dir.path().join(name);
    std::fs::write(&p, value).unwrap();
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o600)).unwrap();
    SecretRef::File(p)
}

/// Send the endpoint's read and judge it, as `cockpit sync test` does.
async fn read(e: &Endpoint) -> Result<String, String> {
    let t = Target::resolve(e).unwrap();
    let req = probe::request(&t)?;
    let a = send(&client(), req, e.timeout, chrono::Utc::now())
        .await
        .map_err(|o| format!("{o:?}"))?;
    probe::judge(&t, &a)
        .map(|s| t.redact(&s))
        .map_err(|s| t.redact(&s))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_tracker_kind_has_a_harmless_authenticated_read() {
    let dir = tempfile::tempdir().unwrap();
    let good = "good-token-0123456789";
    let bad = secret(&dir, "bad", "wrong-token-0123456789");

    // Statuspage: GET /pages/{page_id}, OAuth.
    let sp = Mock::start(trackers::statuspage("pg1", good)).await;
    let mut e = Endpoint::new("status", EndpointKind::Statuspage);
    e.url = Some(UrlSetting::Plain(sp.url("/v1")));
    e.token = Some(secret(&dir, "sp", good));
    e.page_id = Some("pg1".into());
    assert_eq!(
        read(&e).await,
        Ok("200 OK: page pg1 \"Acme Status\" is readable".to_string())
    );
    let r = sp.requests().pop().unwrap();
    assert_eq!(
        (r.method.as_str(), r.path.as_str()),
        ("GET", "/v1/pages/pg1")
    );
    assert_eq!(
        r.header("authorization"),
        Some(format!("OAuth {good}").as_str())
    );
    e.token = Some(bad.clone());
    assert_eq!(
        read(&e).await,
        Err("401 Unauthorized: Could not authenticate".to_string())
    );
    e.token = Some(secret(&dir, "sp", good));
    e.page_id = Some("nope".into());
    assert_eq!(
        read(&e).await,
        Err("404 Not Found: The requested resource could not be found.".to_string())
    );

    // Jira: GET /rest/api/2/myself, Basic.
    let jira = Mock::start(trackers::jira(trackers::basic("ic@example.org", good))).await;
    let mut e = Endpoint::new("jira", EndpointKind::Jira);
    e.url = Some(UrlSetting::Plain(jira.url("")));
    e.user = Some("ic@example.org".into());
    e.token = Some(secret(&dir, "jira", good));
    e.project = Some("OPS".into());
    assert_eq!(
        read(&e).await,
        Ok("200 OK: signed in as \"Ann IC\"".to_string())
    );
    let r = jira.requests().pop().unwrap();
    assert_eq!(
        (r.method.as_str(), r.path.as_str()),
        ("GET", "/rest/api/2/myself")
    );
    assert_eq!(
        r.header("authorization"),
        Some(trackers::basic("ic@example.org", good).as_str())
    );
    e.token = Some(bad.clone());
    assert_eq!(read(&e).await, Err("401 Unauthorized".to_string()));

    // GitLab: GET /api/v4/projects/:id, the path URL-encoded.
    let gl = Mock::start(trackers::gitlab("ops%2Fapp", good)).await;
    let mut e = Endpoint::new("gitlab", EndpointKind::Gitlab);
    e.url = Some(UrlSetting::Plain(gl.url("")));
    e.token = Some(secret(&dir, "gl", good));
    e.project = Some("ops/app".into());
    assert_eq!(
        read(&e).await,
        Ok("200 OK: project ops/app is readable".to_string())
    );
    let r = gl.requests().pop().unwrap();
    assert_eq!(r.path, "/api/v4/projects/ops%2Fapp");
    assert_eq!(r.header("private-token"), Some(good));
    e.project = Some("ops/other".into());
    assert_eq!(
        read(&e).await,
        Err("404 Not Found: 404 Project Not Found".to_string())
    );
    e.token = Some(bad.clone());
    assert_eq!(
        read(&e).await,
        Err("401 Unauthorized: 401 Unauthorized".to_string())
    );

    // Zendesk: GET /api/v2/users/me.json, {email}/token.
    let zd = Mock::start(trackers::zendesk(
        trackers::basic("cm@example.org/token", good),
        &["4711"],
    ))
    .await;
    let mut e = Endpoint::new("zendesk", EndpointKind::Zendesk);
    e.url = Some(UrlSetting::Plain(zd.url("")));
    e.user = Some("cm@example.org".into());
    e.token = Some(secret(&dir, "zd", good));
    assert_eq!(
        read(&e).await,
        Ok("200 OK: signed in as \"Cam\" (agent)".to_string())
    );
    assert_eq!(zd.requests().pop().unwrap().path, "/api/v2/users/me.json");
    e.token = Some(bad.clone());
    assert_eq!(
        read(&e).await,
        Err("401 Unauthorized: Couldn't authenticate you".to_string())
    );

    // status.io: GET /v2/component/list/{statuspage_id}, x-api-id / x-api-key.
    let sio = Mock::start(trackers::statusio("api-id-1", good, "sp1")).await;
    let mut e = Endpoint::new("statusio", EndpointKind::Statusio);
    e.url = Some(UrlSetting::Plain(sio.url("/v2")));
    e.user = Some("api-id-1".into());
    e.token = Some(secret(&dir, "sio", good));
    e.page_id = Some("sp1".into());
    assert_eq!(
        read(&e).await,
        Ok("200 OK: status page sp1 has 1 components".to_string())
    );
    let r = sio.requests().pop().unwrap();
    assert_eq!(
        (r.method.as_str(), r.path.as_str()),
        ("GET", "/v2/component/list/sp1")
    );
    assert_eq!(r.header("x-api-key"), Some(good));
    // 429 and 5xx are reported with their status, never a secret.
    sio.fault(Fault::Reply(Reply::new(429, "").with("retry-after", "9")));
    assert_eq!(read(&e).await, Err("429 Too Many Requests".to_string()));
    sio.fault(Fault::Reply(Reply::new(503, "maintenance")));
    assert_eq!(
        read(&e).await,
        Err("503 Service Unavailable: maintenance".to_string())
    );
    e.token = Some(bad);
    assert_eq!(
        read(&e).await,
        Err("401 Unauthorized: Unauthorized".to_string())
    );
    assert!(
        !sio.requests().iter().any(|r| r.method != "GET"),
        "nothing created"
    );
}

fn config(dir: &tempfile::TempDir, rest: &str, key_file: &str) -> Config {
    let text = format!(
        r#"
[[endpoint]]
name = "pd"
kind = "pagerduty"
routing_key = "file:{key_file}"
token = "file:{key_file}"
rest_url = "{rest}"
escalation_policies = {{ tech_lead = "PDB", CMOC = "PCOMMS", scribe = "PNOBODY" }}
"#
    );
    let path = dir.path().join("config.toml");
    std::fs::write(&path, &text).unwrap();
    Config::parse(&path, &text).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oncall_lists_who_is_on_call_now_per_team() {
    const KEY: &str = "u+pdrestkey0123456789";
    let pd = Mock::start(trackers::pagerduty_rest(KEY)).await;
    let dir = tempfile::tempdir().unwrap();
    let SecretRef::File(key_file) = secret(&dir, "pd-rest", KEY) else {
        unreachable!()
    };
    let cfg = config(&dir, &pd.url(""), key_file.to_str().unwrap());

    let teams = on_call_now(&cfg, None).await.unwrap();
    let r = pd.requests().pop().unwrap();
    assert_eq!(r.method, "GET");
    // The keys are in the config's map order: cmoc, scribe, tech_lead.
    assert_eq!(
        r.path,
        "/oncalls?escalation_policy_ids%5B%5D=PCOMMS&escalation_policy_ids%5B%5D=PNOBODY\
         &escalation_policy_ids%5B%5D=PDB&earliest=true"
    );
    let got: Vec<(String, Vec<(u32, String)>)> =
        teams.into_iter().map(|t| (t.team, t.people)).collect();
    assert_eq!(
        got,
        vec![
            ("cmoc".into(), vec![(1, "Cem Kaya".into())]),
            ("scribe".into(), vec![]),
            (
                "tech_lead".into(),
                vec![(1, "Ann Lee".into()), (2, "Bob Ops".into())]
            ),
        ]
    );
    let names = names_by_role(&cfg).await.unwrap();
    assert_eq!(names["tech_lead"], vec!["Ann Lee", "Bob Ops"]);

    // The documented errors, in PagerDuty's words; never the key.
    for (reply, words) in [
        (
            Reply::json(
                401,
                json!({"error": {"message": format!("Unauthorized {KEY}"), "code": 2006}}),
            ),
            "pd: 401 Unauthorized ****",
        ),
        (
            Reply::json(
                404,
                json!({"error": {"message": "Not Found", "code": 2100}}),
            ),
            "pd: 404 Not Found",
        ),
        (
            Reply::json(
                429,
                json!({"error": {"message": "Rate Limit Exceeded", "code": 2020}}),
            )
            .with("ratelimit-reset", "30"),
            "pd: 429 Rate Limit Exceeded",
        ),
        (
            Reply::json(
                400,
                json!({"error": {"message": "Invalid Input Provided", "code": 2001, "errors": ["Escalation policy ids is invalid."]}}),
            ),
            "pd: 400 Invalid Input Provided (Escalation policy ids is invalid.)",
        ),
        (Reply::new(502, "bad gateway"), "pd: 502 bad gateway"),
    ] {
        pd.fault(Fault::Reply(reply));
        assert_eq!(
            on_call_now(&cfg, None).await,
            Err(OnCallError::Remote(words.into()))
        );
    }

    // Without a REST token or policies: a clear word, no request.
    let before = pd.requests().len();
    let mut bare = cfg.clone();
    bare.endpoints[0].token = None;
    assert!(matches!(
        on_call_now(&bare, None).await,
        Err(OnCallError::NotConfigured(m)) if m.contains("escalation_policies")
    ));
    assert!(matches!(
        on_call_now(&cfg, Some("other")).await,
        Err(OnCallError::NotConfigured(m)) if m.contains("`other`")
    ));
    assert_eq!(pd.requests().len(), before);
}
