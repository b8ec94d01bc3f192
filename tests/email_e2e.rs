//! E-mail end to end against a real SMTP server on 127.0.0.1 (aiosmtpd with
//! STARTTLS, implicit TLS and AUTH), started by `tests/support/email.sh`,
//! which sets COCKPIT_E2E_SMTP and the variables below. The server spools
//! every accepted message as JSON; a mode file makes it reject (554), defer
//! (451) or cut the connection. The clock is a `FixedClock`: retries are
//! made due by moving it, never by sleeping.

use chrono::{DateTime, Duration, Utc};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use cockpit::config::{Config, load_playbooks};
use cockpit::domain::time::{Clock, FixedClock};
use cockpit::domain::{Event, EventKind, IncidentId};
use cockpit::journal::Journal;
use cockpit::sync::SyncSettings;
use cockpit::sync::{Deliverer, Outbox, OutboxRow, PassReport, Router, RowFilter, RowState};

fn env(k: &str) -> String {
    std::env::var(k).unwrap_or_else(|_| panic!("{k} is set by tests/support/email.sh"))
}

/// One message as the server received it.
#[derive(Debug)]
struct Received {
    rcpt: Vec<String>,
    login: Option<String>,
    tls: bool,
    headers: Vec<(String, String)>,
    body: String,
}

impl Received {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Undo quoted-printable (RFC 2045 section 6.7): soft breaks and `=XX`.
fn unquote(s: &str) -> String {
    let s = s.replace("=\r\n", "");
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'=' && i + 2 < b.len() + 1 {
            if let Ok(v) = u8::from_str_radix(&s[i + 1..(i + 3).min(s.len())], 16) {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).replace("\r\n", "\n")
}

fn parse(file: PathBuf) -> Received {
    let v: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    let data = v["data"].as_str().unwrap();
    let (head, body) = data.split_once("\r\n\r\n").unwrap();
    let mut headers: Vec<(String, String)> = Vec::new();
    for line in head.split("\r\n") {
        if line.starts_with([' ', '\t']) {
            headers.last_mut().unwrap().1.push_str(line.trim_start());
            continue;
        }
        let (k, v) = line.split_once(':').unwrap();
        headers.push((k.to_string(), v.trim().to_string()));
    }
    let qp = headers.iter().any(|(k, v)| {
        k.eq_ignore_ascii_case("content-transfer-encoding") && v == "quoted-printable"
    });
    Received {
        rcpt: v["rcpt_tos"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a.as_str().unwrap().to_string())
            .collect(),
        login: v["login"].as_str().map(str::to_string),
        tls: v["tls"].as_bool().unwrap(),
        headers,
        body: if qp {
            unquote(body)
        } else {
            body.replace("\r\n", "\n")
        },
    }
}

/// Every message in the spool, oldest first.
fn spool() -> Vec<Received> {
    let dir = PathBuf::from(env("COCKPIT_E2E_SMTP_SPOOL"));
    let mut files: Vec<PathBuf> = match std::fs::read_dir(&dir) {
        Ok(d) => d
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .collect(),
        Err(_) => Vec::new(),
    };
    files.sort();
    files.into_iter().map(parse).collect()
}

fn mode(m: &str) {
    std::fs::write(env("COCKPIT_E2E_SMTP_MODE"), m).unwrap();
}

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
    incident: IncidentId,
}

impl Rig {
    fn new(config: &str) -> Rig {
        let dir = tempfile::tempdir().unwrap();
        let pw = dir.path().join("smtp-password");
        std::fs::write(&pw, "cockpit-pass").unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&pw, std::fs::Permissions::from_mode(0o600)).unwrap();
        let text = config
            .replace("PORT_STARTTLS", &env("COCKPIT_E2E_SMTP_PORT"))
            .replace(
                "PORT_IMPLICIT",
                &(env("COCKPIT_E2E_SMTP_PORT").parse::<u16>().unwrap() + 1).to_string(),
            )
            .replace("CA_FILE", &env("COCKPIT_E2E_SMTP_CA"))
            .replace("PASSWORD_FILE", pw.to_str().unwrap());
        let config = Config::parse(Path::new("/etc/cockpit.toml"), &text).unwrap();
        let playbooks = Arc::new(load_playbooks(None).unwrap());
        let path = dir.path().join("journal.sqlite");
        let mut journal = Journal::open(&path, playbooks.clone()).unwrap();
        journal.set_outbox(Router::new(&config.endpoints).map(|r| Arc::new(r) as _));
        let clock = Arc::new(FixedClock::new(t0()));
        let settings = SyncSettings::new(path, playbooks, config.endpoints, clock.clone());
        let deliverer = Deliverer::new(&journal, &settings).unwrap();
        assert!(
            deliverer.problems().is_empty(),
            "{:?}",
            deliverer.problems()
        );
        deliverer.seed(7);
        Rig {
            _dir: dir,
            journal,
            clock,
            deliverer,
            incident: IncidentId::new(),
        }
    }

    fn declare(&mut self, title: &str) -> Event {
        let e = self.add(EventKind::Declared {
            title: title.into(),
            severity: "SEV1".into(),
            summary: String::new(),
            security: false,
            playbook: "default".into(),
        });
        self.incident = e.incident;
        e
    }

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

    async fn pass(&self) -> PassReport {
        self.deliverer.pass().await.unwrap()
    }

    fn rows(&self) -> Vec<OutboxRow> {
        let mut r = Outbox::open(&self.journal)
            .unwrap()
            .rows(RowFilter::All, 1000)
            .unwrap();
        r.reverse();
        r
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

const CONFIG: &str = r#"
[[endpoint]]
name = "stakeholders"
kind = "email"
server = "127.0.0.1"
port = PORT_STARTTLS
tls = "starttls"
username = "cockpit"
password = "file:PASSWORD_FILE"
ca_file = "CA_FILE"
from = "Incident Cockpit <ic@example.org>"
to = ["stakeholders@example.org"]
to_severity = { SEV1 = ["cto@example.org", "head-of-ops@example.org"] }
to_flag = { security = ["dpo@example.org"], clients = ["ops@client-a.example", "it@client-b.example"] }

# 000: "send an e-mail to PagerDuty": a service's integration address.
[[endpoint]]
name = "pagerduty-mail"
kind = "email"
server = "127.0.0.1"
port = PORT_IMPLICIT
tls = "implicit"
username = "cockpit"
password = "file:PASSWORD_FILE"
ca_file = "CA_FILE"
from = "ic@example.org"
to = ["db-service@example.pagerduty.com"]
events = ["declared"]
"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mail_through_a_real_smtp_server() {
    if std::env::var("COCKPIT_E2E_SMTP").is_err() {
        eprintln!(
            "SKIPPED email_e2e: needs a real SMTP server on 127.0.0.1; \
             run tests/support/email.sh, which starts one and runs this test"
        );
        return;
    }
    mode("ok");
    let before = spool().len();
    let mut rig = Rig::new(CONFIG);
    rig.declare("db primary down");
    let incident = rig.incident;
    rig.add(EventKind::LinkSet {
        link: "document".into(),
        url: "https://docs.example.org/incident-42".into(),
    });
    rig.add(state("identified"));
    assert_eq!(rig.pass().await, report(4, 0, 0));
    let got = spool();
    let got = &got[before..];
    assert_eq!(got.len(), 4, "{got:#?}");

    // The declaration: subject from 000, the lists for SEV1, its own id.
    let root = format!("<cockpit.{incident}@example.org>");
    let decl = got
        .iter()
        .find(|m| m.rcpt.iter().any(|r| r == "stakeholders@example.org"))
        .unwrap();
    assert_eq!(
        decl.header("Subject"),
        Some("[Active Incident] db primary down")
    );
    assert_eq!(decl.header("Message-ID"), Some(root.as_str()));
    assert_eq!(decl.header("In-Reply-To"), None);
    assert!(decl.header("From").unwrap().contains("<ic@example.org>"));
    let to = decl.header("To").unwrap();
    for a in [
        "stakeholders@example.org",
        "cto@example.org",
        "head-of-ops@example.org",
    ] {
        assert!(to.contains(a), "{to}");
        assert!(decl.rcpt.iter().any(|r| r == a), "{:?}", decl.rcpt);
    }
    assert!(
        !decl.rcpt.iter().any(|r| r.contains("dpo")),
        "{:?}",
        decl.rcpt
    );
    assert!(
        decl.body.starts_with("[Active Incident] db primary down\n"),
        "{}",
        decl.body
    );
    assert_eq!(decl.login.as_deref(), Some("cockpit"));
    assert!(decl.tls);

    // The PagerDuty address got its own declaration, over implicit TLS.
    let pd = got
        .iter()
        .find(|m| m.rcpt == ["db-service@example.pagerduty.com"])
        .unwrap();
    assert!(pd.tls);
    assert_eq!(
        pd.header("Subject"),
        Some("[Active Incident] db primary down")
    );

    // The link and the status update answer the declaration, in its thread.
    let updates: Vec<&Received> = got
        .iter()
        .filter(|m| m.header("In-Reply-To").is_some())
        .collect();
    assert_eq!(updates.len(), 2);
    for u in &updates {
        assert_eq!(u.header("In-Reply-To"), Some(root.as_str()));
        assert_eq!(u.header("References"), Some(root.as_str()));
        assert_eq!(
            u.header("Subject"),
            Some("Re: [Active Incident] db primary down")
        );
        let id = u.header("Message-ID").unwrap();
        assert!(id.starts_with(&format!("<cockpit.{incident}.")), "{id}");
        assert!(
            u.body
                .contains("Incident document: https://docs.example.org/incident-42"),
            "{}",
            u.body
        );
    }
    assert!(
        updates
            .iter()
            .any(|u| u.body.starts_with("[SEV1 Identified] db primary down")),
        "{updates:#?}"
    );

    // 002: once it is a security incident, the Data Protection Officer hears too.
    rig.add(EventKind::SecurityFlagged {
        details: "PII in logs".into(),
    });
    assert_eq!(rig.pass().await, report(1, 0, 0));
    let sec = spool().pop().unwrap();
    assert!(
        sec.rcpt.iter().any(|r| r == "dpo@example.org"),
        "{:?}",
        sec.rcpt
    );
    assert!(sec.body.contains("security incident"), "{}", sec.body);

    // 002: an update to the clients goes to the client list only, in Bcc.
    rig.add(EventKind::CommsSent {
        audience: "clients".into(),
        text: "We are restoring the database; next update within the hour.".into(),
    });
    assert_eq!(rig.pass().await, report(1, 0, 0));
    let cl = spool().pop().unwrap();
    assert_eq!(cl.rcpt.len(), 3, "{:?}", cl.rcpt);
    assert!(cl.rcpt.iter().any(|r| r == "ops@client-a.example"));
    assert!(cl.rcpt.iter().any(|r| r == "it@client-b.example"));
    assert!(
        cl.header("Bcc").is_none(),
        "Bcc never travels in the headers"
    );
    assert!(
        !cl.header("To").unwrap().contains("client"),
        "{:?}",
        cl.header("To")
    );

    // A dropped connection leaves the mail queued; it goes out once, later.
    mode("drop");
    let n = spool().len();
    rig.add(state("monitoring"));
    assert_eq!(rig.pass().await, report(0, 1, 0));
    let row = rig.rows().pop().unwrap();
    assert_eq!(row.state, RowState::Pending);
    assert!(
        row.last_error
            .as_deref()
            .unwrap_or("")
            .contains("mail server"),
        "{row:?}"
    );
    // 451: transient, retried too.
    mode("tempfail");
    rig.clock.advance(Duration::minutes(10));
    assert_eq!(rig.pass().await, report(0, 1, 0));
    let row = rig.rows().pop().unwrap();
    assert!(
        row.last_error.as_deref().unwrap().starts_with("451"),
        "{row:?}"
    );
    assert_eq!(spool().len(), n);
    mode("ok");
    rig.clock.advance(Duration::minutes(10));
    assert_eq!(rig.pass().await, report(1, 0, 0));
    assert_eq!(rig.pass().await, report(0, 0, 0));
    let all = spool();
    assert_eq!(all.len(), n + 1);
    let id = all
        .last()
        .unwrap()
        .header("Message-ID")
        .unwrap()
        .to_string();
    assert_eq!(
        all.iter()
            .filter(|m| m.header("Message-ID") == Some(id.as_str()))
            .count(),
        1
    );
    assert_eq!(
        rig.rows().pop().unwrap().remote_id.as_deref(),
        Some(id.as_str())
    );

    // 554: permanent; the row is parked with the server's own words, and a
    // retry by hand delivers it once the server accepts again.
    mode("reject");
    rig.add(state("resolved"));
    assert_eq!(rig.pass().await, report(0, 0, 1));
    let row = rig.rows().pop().unwrap();
    assert_eq!(row.state, RowState::Parked);
    let err = row.last_error.clone().unwrap();
    assert!(
        err.contains("554") && err.contains("rejected by test policy"),
        "{err}"
    );
    mode("ok");
    Outbox::open(&rig.journal).unwrap().retry(row.id).unwrap();
    assert_eq!(rig.pass().await, report(1, 0, 0));
    let closing = spool().pop().unwrap();
    assert_eq!(closing.header("In-Reply-To"), Some(root.as_str()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_password_is_parked_with_the_servers_words() {
    if std::env::var("COCKPIT_E2E_SMTP").is_err() {
        eprintln!("SKIPPED email_e2e: run tests/support/email.sh");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad");
    std::fs::write(&bad, "not-the-password").unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&bad, std::fs::Permissions::from_mode(0o600)).unwrap();
    let config = CONFIG
        .split("\n# 000")
        .next()
        .unwrap()
        .replace("file:PASSWORD_FILE", &format!("file:{}", bad.display()));
    let mut rig = Rig::new(&config);
    rig.declare("auth check");
    assert_eq!(rig.pass().await, report(0, 0, 1));
    let err = rig.rows().pop().unwrap().last_error.unwrap();
    assert!(err.starts_with("535"), "{err}");
    assert!(!err.contains("not-the-password"), "{err}");
}
