//! The live incident document: golden files of the scripted `default`
//! incident (half-way, while it is open, and at the end), the rules of
//! publishing to a folder (on change, at most once a minute, a changed
//! publish satisfies the status-update clock and an unchanged one does not),
//! and the HTML page in headless Chromium with a screenshot.
//!
//! To accept a changed output: `UPDATE_GOLDEN=1 cargo test --test live_document`,
//! then read the diff of `tests/export/golden/` before committing it.

#[path = "export/harness.rs"]
mod harness;

use chrono::Duration;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Arc;

use cockpit::config::{Endpoint, EndpointKind, load_playbooks};
use cockpit::domain::clocks::{ClockKind, clocks};
use cockpit::domain::time::{Clock, FixedClock};
use cockpit::domain::{Event, EventKind, Incident, IncidentId};
use cockpit::export::live::{DOCUMENT_AUDIENCE, LiveTemplates, live, render_live};
use cockpit::journal::{Journal, TimelineQuery};
use cockpit::sync::Target;
use cockpit::sync::document::{Publisher, file_names};

fn golden_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/export/golden")
}

fn check(name: &str, actual: &str) {
    let path = golden_dir().join(name);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_default();
    if expected != actual {
        let seen = golden_dir().join(format!("{name}.actual"));
        std::fs::write(&seen, actual).unwrap();
        panic!(
            "{name} differs from the golden file; the output is in {} (UPDATE_GOLDEN=1 accepts it)",
            seen.display()
        );
    }
}

/// The scripted incident, with two highlights added, and its events.
fn played() -> (harness::Played, IncidentId, Vec<Event>) {
    let mut played = harness::play("default");
    let id = played
        .cockpit
        .journal
        .resolve_incident(&played.incident[..8])
        .unwrap();
    let events = played
        .cockpit
        .journal
        .events(id, &TimelineQuery::default())
        .unwrap();
    // Highlight the first hypothesis and the decision note.
    for text in ["Release 42 of the payment gateway", "Keep release 41"] {
        let target = events
            .iter()
            .find(|e| matches!(&e.kind, EventKind::Note { text: t, .. } if t.contains(text)))
            .unwrap()
            .clone();
        let at = target.at + Duration::seconds(30);
        played
            .cockpit
            .journal
            .append(Event::new(
                id,
                "ann",
                at,
                at,
                EventKind::Highlighted { event: target.id },
            ))
            .unwrap();
    }
    let events = played
        .cockpit
        .journal
        .events(id, &TimelineQuery::default())
        .unwrap();
    (played, id, events)
}

/// The incident as it stood after the events up to `until` (by time).
fn fold_until(events: &[Event], until: chrono::DateTime<chrono::Utc>) -> (Incident, Vec<Event>) {
    let books = load_playbooks(None).unwrap();
    let pb = books.get("default").unwrap();
    let pb: &cockpit::domain::Playbook = &pb;
    let mut inc = Incident::new(events[0].incident);
    let mut kept = Vec::new();
    for e in events.iter().filter(|e| e.recorded_at <= until) {
        inc.apply(e, pb).unwrap();
        kept.push(e.clone());
    }
    (inc, kept)
}

#[test]
fn the_live_document_of_the_scripted_incident_matches_its_golden_files() {
    let (played, id, events) = played();
    let books = load_playbooks(None).unwrap();
    let pb = books.get("default").unwrap();
    let pb: &cockpit::domain::Playbook = &pb;
    let t = LiveTemplates::builtin();

    // Half-way: open, with a next check-in, mitigations under way.
    let (inc, upto) = fold_until(&events, harness::base() + Duration::minutes(38));
    assert!(inc.is_open(pb));
    let (md, html) = render_live(&live(&inc, &upto, pb), &t).unwrap();
    check("live-default-open.md", &played.normalise(&md));
    check("live-default-open.html", &played.normalise(&html));
    assert!(
        md.contains("# [Active Incident] Checkout returns 502 for all users"),
        "{md}"
    );
    assert!(md.contains("| Next check-in |"), "{md}");

    // The end: resolved and closed.
    let mut journal = played_journal(&played);
    let inc = journal.incident(id).unwrap().clone();
    let (md, html) = render_live(&live(&inc, &events, pb), &t).unwrap();
    check("live-default.md", &played.normalise(&md));
    check("live-default.html", &played.normalise(&html));
    for (text, what) in [(&md, "markdown"), (&html, "html")] {
        for private in &played.private_notes {
            assert!(
                !text.contains(private.as_str()),
                "{what}: a private note leaked"
            );
        }
        assert!(!text.contains("phone number"), "{what}");
    }
    // Deterministic: the same journal gives the same bytes, at any time.
    let again = render_live(&live(&inc, &events, pb), &t).unwrap();
    assert_eq!(again.0, md);
}

fn played_journal(played: &harness::Played) -> Journal {
    Journal::open(
        played.cockpit.journal.path(),
        Arc::new(load_playbooks(None).unwrap()),
    )
    .unwrap()
}

fn doc_target(dir: &Path) -> Arc<Target> {
    let mut e = Endpoint::new("docs", EndpointKind::Document);
    e.path = Some(dir.to_path_buf());
    Arc::new(Target::resolve(&e).unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_changed_publish_satisfies_the_status_clock_and_an_unchanged_one_does_not() {
    let dir = tempfile::tempdir().unwrap();
    let books = Arc::new(load_playbooks(None).unwrap());
    let path = dir.path().join("journal.sqlite");
    let mut journal = Journal::open(&path, books.clone()).unwrap();
    let t0 = harness::base();
    let clock = Arc::new(FixedClock::new(t0));
    let declared = journal
        .append(Event::new(
            IncidentId::new(),
            "ann",
            t0,
            t0,
            EventKind::Declared {
                title: "db primary down".into(),
                severity: "SEV2".into(),
                summary: "Writes fail.".into(),
                security: false,
                playbook: "default".into(),
            },
        ))
        .unwrap();
    let id = declared.incident;
    let out = dir.path().join("public");
    let targets = vec![doc_target(&out)];
    let mut p = Publisher::new(
        Journal::open(&path, books.clone()).unwrap(),
        &targets,
        LiveTemplates::builtin(),
        clock.clone() as Arc<dyn Clock>,
    );
    let pb = books.get("default").unwrap().clone();
    let status_clock = |j: &mut Journal, now| {
        let inc = j.incident(id).unwrap().clone();
        clocks(&inc, &pb, now, &chrono::Utc)
            .into_iter()
            .find(|c| c.kind == ClockKind::StatusUpdate)
            .unwrap()
    };
    let publishes = |j: &Journal| {
        j.events(id, &TimelineQuery::default())
            .unwrap()
            .into_iter()
            .filter(|e| matches!(&e.kind, EventKind::CommsSent { audience, .. } if audience == DOCUMENT_AUDIENCE))
            .count()
    };

    // First round: the files appear, the publish is recorded.
    let r = p.publish().await;
    assert_eq!((r.published, r.unchanged), (1, 0), "{r:?}");
    let inc = journal.incident(id).unwrap().clone();
    let (md_name, html_name) = file_names(&inc);
    let md = std::fs::read_to_string(out.join(&md_name)).unwrap();
    assert!(md.contains("db primary down"));
    assert!(out.join(&html_name).is_file());
    assert_eq!(publishes(&journal), 1);
    assert_eq!(status_clock(&mut journal, t0).started_at, t0);

    // A change within the minute waits; after it, it goes out.
    clock.advance(Duration::seconds(20));
    let now = clock.now();
    journal
        .append(Event::new(
            id,
            "ann",
            now,
            now,
            EventKind::Note {
                text: "i: Writes fail for every customer.".into(),
                tag: "impact".into(),
                private: false,
            },
        ))
        .unwrap();
    let r = p.publish().await;
    assert_eq!((r.published, r.unchanged), (0, 0), "{r:?}");
    assert!(
        !std::fs::read_to_string(out.join(&md_name))
            .unwrap()
            .contains("Writes fail for every")
    );
    clock.advance(Duration::seconds(41));
    let r = p.publish().await;
    assert_eq!((r.published, r.unchanged), (1, 0), "{r:?}");
    assert!(
        std::fs::read_to_string(out.join(&md_name))
            .unwrap()
            .contains("Writes fail for every")
    );
    assert_eq!(publishes(&journal), 2);
    let published_at = clock.now();
    assert_eq!(
        status_clock(&mut journal, published_at).started_at,
        published_at
    );

    // Nothing changed: nothing recorded, the clock keeps running from the last change.
    clock.advance(Duration::minutes(5));
    let r = p.publish().await;
    assert_eq!((r.published, r.unchanged), (0, 1), "{r:?}");
    assert_eq!(publishes(&journal), 2);
    assert_eq!(
        status_clock(&mut journal, clock.now()).started_at,
        published_at
    );
    // A private note changes nothing in the document.
    let now = clock.now();
    journal
        .append(Event::new(
            id,
            "ann",
            now,
            now,
            EventKind::Note {
                text: "the on-call phone is 555-0100".into(),
                tag: "note".into(),
                private: true,
            },
        ))
        .unwrap();
    clock.advance(Duration::minutes(2));
    let r = p.publish().await;
    assert_eq!((r.published, r.unchanged), (0, 1), "{r:?}");
    assert!(
        !std::fs::read_to_string(out.join(&md_name))
            .unwrap()
            .contains("555-0100")
    );
}

fn chromium() -> PathBuf {
    let name = std::env::var("COCKPIT_CHROMIUM").unwrap_or_else(|_| "chromium".into());
    std::env::var_os("PATH")
        .and_then(|paths| {
            std::env::split_paths(&paths)
                .map(|d| d.join(&name))
                .find(|p| p.is_file())
        })
        .unwrap_or_else(|| {
            panic!("`{name}` is not installed: run `bash tests/support/export.sh` first")
        })
}

/// Run headless Chromium on `page` with extra flags; at most 120 s.
fn browse(page: &Path, profile: &Path, flags: &[&str]) -> Output {
    let url = format!("file://{}", page.display());
    let out = Command::new("timeout")
        .arg("120")
        .arg(chromium())
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--hide-scrollbars",
            "--no-first-run",
            "--disable-extensions",
            "--enable-logging=stderr",
            "--v=0",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(flags)
        .arg(&url)
        .output()
        .expect("chromium runs");
    assert!(
        out.status.success(),
        "chromium failed on {url}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    for bad in ["CONSOLE", "Uncaught", "net::ERR_"] {
        assert!(!stderr.contains(bad), "the page logged `{bad}`:\n{stderr}");
    }
    out
}

/// How many pixels are within a small distance of `rgb`.
fn pixels_near(png_path: &Path, rgb: [u8; 3]) -> usize {
    let decoder = png::Decoder::new(std::fs::File::open(png_path).unwrap());
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).unwrap();
    let step = match info.color_type {
        png::ColorType::Rgba => 4,
        png::ColorType::Rgb => 3,
        other => panic!("unexpected screenshot colour type {other:?}"),
    };
    buf[..info.buffer_size()]
        .chunks(step)
        .filter(|p| (0..3).all(|i| p[i].abs_diff(rgb[i]) <= 12))
        .count()
}

#[test]
fn the_html_document_opens_in_chromium_and_the_screenshot_shows_its_banner() {
    let (played, _id, events) = played();
    let books = load_playbooks(None).unwrap();
    let pb = books.get("default").unwrap();
    let pb: &cockpit::domain::Playbook = &pb;
    let (inc, upto) = fold_until(&events, harness::base() + Duration::minutes(38));
    let (_, html) = render_live(&live(&inc, &upto, pb), &LiveTemplates::builtin()).unwrap();
    // Self-contained: inline CSS, no scripts, nothing fetched from elsewhere.
    for outside in ["<script", "<link", "<img", "<iframe", "@import", "url("] {
        assert!(!html.contains(outside), "the page holds `{outside}`");
    }
    let page = played.dir.path().join("incident.html");
    std::fs::write(&page, &html).unwrap();
    let profile = tempfile::tempdir().unwrap();
    let dom = browse(&page, profile.path(), &["--dump-dom"]);
    let dom = String::from_utf8_lossy(&dom.stdout);
    assert!(
        dom.contains("<span class=\"banner active\">Active Incident</span>"),
        "{dom}"
    );
    assert!(
        dom.contains("<h2 id=\"mitigations\">Mitigations</h2>"),
        "{dom}"
    );

    let shots = Path::new(env!("CARGO_TARGET_TMPDIR")).join("live-document");
    std::fs::create_dir_all(&shots).unwrap();
    let shot = shots.join("incident.png");
    let _ = std::fs::remove_file(&shot);
    browse(
        &page,
        profile.path(),
        &[
            "--window-size=1000,1600",
            &format!("--screenshot={}", shot.display()),
        ],
    );
    // The red "Active Incident" banner and the dark severity pill.
    let red = pixels_near(&shot, [0xb4, 0x23, 0x18]);
    let sev = pixels_near(&shot, [0x6e, 0x1a, 0x10]);
    assert!(
        red > 300,
        "no Active Incident banner ({red} red pixels): {}",
        shot.display()
    );
    assert!(
        sev > 200,
        "no severity pill ({sev} pixels): {}",
        shot.display()
    );
}
