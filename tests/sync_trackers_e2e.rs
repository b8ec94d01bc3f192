//! Issue 17 end to end, through the `cockpit` binary and its config file: one
//! scripted incident pages a role's team on PagerDuty, opens and updates a
//! Statuspage incident, a Jira ticket (and one per follow-up), a GitLab
//! issue, and comments on the client's Zendesk ticket, each on its own
//! loopback server; the journal then shows every id the systems gave back.

mod sync_mock;

use assert_cmd::Command;
use std::path::Path;

use sync_mock::Mock;
use sync_mock::trackers;

const PD_OWN: &str = "R0123456789abcdef0123456789abcd";
const PD_TEAM: &str = "T0123456789abcdef0123456789abcd";
const SP_KEY: &str = "sp-e2e-key-0123456789";
const JIRA_TOKEN: &str = "jira-e2e-token-0123456789";
const GL_TOKEN: &str = "glpat-e2e-0123456789";
const ZD_TOKEN: &str = "zd-e2e-token-0123456789";
const SIO_KEY: &str = "sio-e2e-key-0123456789";
const PD_REST: &str = "u+pd-e2e-rest-0123456789";

fn cockpit(dir: &Path, args: &[&str]) -> String {
    let out = Command::cargo_bin("cockpit")
        .unwrap()
        .arg("--journal")
        .arg(dir.join("journal.sqlite"))
        .arg("--config")
        .arg(dir.join("config.toml"))
        .args(["--as", "ann"])
        .args(args)
        .env("E2E_PD_OWN", PD_OWN)
        .env("E2E_PD_TEAM", PD_TEAM)
        .env("E2E_SP_KEY", SP_KEY)
        .env("E2E_JIRA_TOKEN", JIRA_TOKEN)
        .env("E2E_GL_TOKEN", GL_TOKEN)
        .env("E2E_ZD_TOKEN", ZD_TOKEN)
        .env("E2E_SIO_KEY", SIO_KEY)
        .env("E2E_PD_REST", PD_REST)
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_incident_through_paging_status_page_trackers_and_client_ticket() {
    let pd = Mock::start(sync_mock::pagerduty()).await;
    let sp = Mock::start(trackers::statuspage("pg1", SP_KEY)).await;
    let jira = Mock::start(trackers::jira(trackers::basic(
        "ic@example.org",
        JIRA_TOKEN,
    )))
    .await;
    let gl = Mock::start(trackers::gitlab("ops%2Fapp", GL_TOKEN)).await;
    let zd = Mock::start(trackers::zendesk(
        trackers::basic("cm@example.org/token", ZD_TOKEN),
        &["4711"],
    ))
    .await;
    let sio = Mock::start(trackers::statusio("e2e-api-id", SIO_KEY, "sp1")).await;
    let pd_rest = Mock::start(trackers::pagerduty_rest(PD_REST)).await;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(
        d.join("config.toml"),
        format!(
            r#"
[[endpoint]]
name = "pd"
kind = "pagerduty"
url = "{pd}"
routing_key = "env:E2E_PD_OWN"
teams = {{ tech_lead = "env:E2E_PD_TEAM" }}
token = "env:E2E_PD_REST"
rest_url = "{pd_rest}"
escalation_policies = {{ tech_lead = "PDB" }}

[[endpoint]]
name = "status"
kind = "statuspage"
url = "{sp}"
token = "env:E2E_SP_KEY"
page_id = "pg1"
components = ["cmp1"]

[[endpoint]]
name = "jira"
kind = "jira"
url = "{jira}"
user = "ic@example.org"
token = "env:E2E_JIRA_TOKEN"
project = "OPS"
labels = ["qpp-incident-response"]

[[endpoint]]
name = "gitlab"
kind = "gitlab"
url = "{gl}"
token = "env:E2E_GL_TOKEN"
project = "ops/app"
labels = ["incident"]

[[endpoint]]
name = "statusio"
kind = "statusio"
url = "{sio}"
user = "e2e-api-id"
token = "env:E2E_SIO_KEY"
page_id = "sp1"
components = ["cmp1-ctr1"]

[[endpoint]]
name = "zendesk"
kind = "zendesk"
url = "{zd}"
user = "cm@example.org"
token = "env:E2E_ZD_TOKEN"
"#,
            pd = pd.url("/v2/enqueue"),
            sp = sp.url("/v1"),
            jira = jira.url(""),
            gl = gl.url(""),
            zd = zd.url(""),
            sio = sio.url("/v2"),
            pd_rest = pd_rest.url(""),
        ),
    )
    .unwrap();

    cockpit(d, &["declare", "checkout down", "--severity", "SEV1"]);
    cockpit(d, &["link", "document", "https://docs.example/inc-1"]);
    cockpit(
        d,
        &[
            "link",
            "ticket",
            "https://acme.zendesk.com/agent/tickets/4711",
        ],
    );
    cockpit(d, &["role", "page", "tech_lead"]);
    let show = cockpit(d, &["show"]);
    assert!(
        show.contains("paged the on-call for tech_lead at "),
        "{show}"
    );
    cockpit(d, &["status", "disruption", "--reason", "checkout fails"]);
    cockpit(
        d,
        &["comms", "clients", "Checkout is failing; we are on it."],
    );
    cockpit(
        d,
        &["followup", "alert on checkout errors", "--owner", "bob"],
    );
    let run = cockpit(d, &["sync", "run"]);
    assert!(run.starts_with("delivered "), "{run}");
    assert!(run.contains(", parked 0"), "{run}");

    // 003: the IC chooses not to post; clients and the status page hear nothing.
    cockpit(d, &["public", "--reason", "security fix not released"]);
    let show = cockpit(d, &["show"]);
    assert!(
        show.contains("public posts held by ann since ")
            && show.contains(": security fix not released"),
        "{show}"
    );
    let sp_before = sp.requests().len();
    cockpit(d, &["comms", "clients", "Words that must wait."]);
    cockpit(d, &["sync", "run"]);
    assert_eq!(sp.requests().len(), sp_before);
    cockpit(d, &["public", "--resume"]);

    cockpit(d, &["role", "engage", "tech_lead", "bob"]);
    cockpit(d, &["state", "resolved"]);
    let run = cockpit(d, &["sync", "run"]);
    assert!(run.contains("retried 0, parked 0"), "{run}");
    // 000: the retrospective ticket, linking the incident document.
    cockpit(
        d,
        &[
            "retro",
            "schedule",
            "dana",
            "--on",
            "2026-12-01",
            "--link",
            "https://docs.example/retro-1",
        ],
    );
    let run = cockpit(d, &["sync", "run"]);
    assert!(run.contains("retried 0, parked 0"), "{run}");

    // Every system got what it should, once.
    let alerts = pd.world.lock().unwrap().alerts.clone();
    let team_alert = alerts
        .iter()
        .find(|(k, _)| k.ends_with("-tech_lead"))
        .expect("the team was paged");
    assert_eq!(team_alert.1, &vec!["trigger", "acknowledge", "resolve"]);
    let team_req = pd
        .requests()
        .into_iter()
        .find(|r| r.json()["routing_key"] == PD_TEAM)
        .unwrap();
    assert_eq!(
        team_req.json()["links"],
        serde_json::json!([
            {"href": "https://docs.example/inc-1", "text": "document"},
            {"href": "https://acme.zendesk.com/agent/tickets/4711", "text": "ticket"},
        ])
    );
    let sp_posts = sp.requests();
    assert_eq!(sp_posts.iter().filter(|r| r.method == "POST").count(), 1);
    assert_eq!(
        sp_posts.last().unwrap().json()["incident"]["status"],
        "resolved"
    );
    let zd_req = zd.requests();
    assert_eq!(zd_req.len(), 1);
    assert_eq!(
        zd_req[0].json()["ticket"]["comment"]["body"],
        "Checkout is failing; we are on it."
    );
    assert_eq!(
        jira.requests()[0].json()["fields"]["labels"][0],
        "qpp-incident-response"
    );

    let retro = jira.requests().pop().unwrap().json();
    assert_eq!(retro["fields"]["summary"], "Retrospective: checkout down");
    let body = retro["fields"]["description"].as_str().unwrap();
    assert!(
        body.contains("Incident document: https://docs.example/inc-1")
            && body.contains("Retrospective: https://docs.example/retro-1")
            && body.contains("facilitated by dana on 2026-12-01"),
        "{body}"
    );
    // status.io: one incident, state and status apart, resolved at the end.
    let sio_req = sio.requests();
    let paths: Vec<&str> = sio_req.iter().map(|r| r.path.as_str()).collect();
    assert_eq!(paths.first(), Some(&"/v2/incident/create"));
    assert_eq!(paths.last(), Some(&"/v2/incident/resolve"));
    assert_eq!(paths.iter().filter(|p| p.ends_with("/create")).count(), 1);
    assert!(
        sio_req
            .iter()
            .any(|r| r.json()["current_status"] == 500 && r.json()["current_state"] == 100),
        "the service disruption as status 500, the state still investigating"
    );

    // The journal shows every id the systems gave back.
    let timeline = cockpit(d, &["timeline"]);
    for line in [
        "posted an update to status for the incident (inc1)",
        "jira has the incident as OPS-1",
        "gitlab has the incident as 1 (https://gitlab.example/ops/app/-/issues/1)",
        "paged the on-call for tech_lead",
        "posted an update to statusio for the incident (sio1)",
        "jira has retrospective as OPS-3",
        "gitlab has retrospective as 3",
    ] {
        assert!(timeline.contains(line), "{line}\n{timeline}");
    }
    assert!(timeline.contains("jira has follow-up "), "{timeline}");
    assert!(timeline.contains(" as OPS-2"), "{timeline}");
    let show = cockpit(d, &["show"]);
    let line = show
        .lines()
        .find(|l| l.contains("alert on checkout errors (owner bob)"))
        .unwrap_or_else(|| panic!("{show}"));
    assert!(
        line.contains("[jira OPS-2]") && line.contains("[gitlab 2]"),
        "{show}"
    );
    assert!(
        show.contains("status: incident inc1 https://stspg.io/inc1"),
        "{show}"
    );
    assert!(!show.contains("paged the on-call"), "engaged: {show}");
    // No secret reached the journal's text.
    let json = cockpit(d, &["timeline", "--json"]);
    for s in [
        PD_OWN, PD_TEAM, SP_KEY, JIRA_TOKEN, GL_TOKEN, ZD_TOKEN, SIO_KEY, PD_REST,
    ] {
        assert!(!json.contains(s));
    }

    // `cockpit sync test NAME`: one harmless read per tracker kind.
    for (name, said) in [
        (
            "status",
            "status (statuspage): 200 OK: page pg1 \"Acme Status\" is readable",
        ),
        (
            "statusio",
            "statusio (statusio): 200 OK: status page sp1 has 1 components",
        ),
        ("jira", "jira (jira): 200 OK: signed in as \"Ann IC\""),
        (
            "gitlab",
            "gitlab (gitlab): 200 OK: project ops/app is readable",
        ),
        (
            "zendesk",
            "zendesk (zendesk): 200 OK: signed in as \"Cam\" (agent)",
        ),
    ] {
        assert_eq!(cockpit(d, &["sync", "test", name]), format!("{said}\n"));
    }
    // `cockpit oncall`: who is on call now for the configured team.
    let oncall = cockpit(d, &["oncall"]);
    assert_eq!(
        oncall,
        format!("{:<16} {:<10} 1: Ann Lee, 2: Bob Ops\n", "tech_lead", "PDB")
    );
}
