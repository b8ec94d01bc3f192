//! Time to first frame on a 1,000,000-event journal (issue 14 target: under 60 ms).
//!
//! What is timed is what `cockpit` does before its first useful frame, minus
//! the terminal: open the journal, start the journal worker, which lists the
//! incidents and loads the one open incident (from its fold snapshot: one
//! exists after the journal's first open) and the newest timeline page; feed
//! those replies through `update`; render one 160x48 frame into a TestBackend.
//!
//! The fixture is built once and cached under target/ (`CARGO_TARGET_TMPDIR`);
//! delete `target/tmp/cockpit-bench-1000000.db*` to rebuild it. Without
//! `--bench` (`cargo test --benches`, the suite's quick run) the journal holds
//! 20,000 events and one run is timed: it checks that the bench works.
//!
//!     cargo bench --bench first_frame

use chrono::{DateTime, Duration, SecondsFormat, Utc};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use rusqlite::{Connection, params};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration as StdDuration, Instant};

use cockpit::app::keymap::{DEFAULT_KEYMAP, Keymap};
use cockpit::app::model::Model;
use cockpit::app::update::{Effect, Msg, update};
use cockpit::config::load_playbooks;
use cockpit::domain::time::FixedClock;
use cockpit::domain::{Event, EventId, EventKind, IncidentId};
use cockpit::journal::Journal;
use cockpit::services::Cockpit;
use cockpit::services::worker::{Reply, Worker};
use cockpit::ui::theme::Theme;

const TARGET: StdDuration = StdDuration::from_millis(60);

/// How many events the journal holds: 1,000,000, or 20,000 in the quick run.
fn events() -> usize {
    if std::env::args().any(|a| a == "--bench") {
        1_000_000
    } else {
        20_000
    }
}
const RUNS: usize = 15;

fn t0() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-21T10:00:00Z")
        .unwrap()
        .with_timezone(&Utc)
}

fn ts(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Micros, true)
}

fn open(path: &Path) -> Journal {
    Journal::open(path, Arc::new(load_playbooks(None).unwrap())).unwrap()
}

/// A SEV1 with 999,999 notes, one a second, written in bulk (one transaction,
/// not one fsync per note), then opened once so the fold snapshot exists.
fn fixture() -> PathBuf {
    let events = events();
    let path =
        PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("cockpit-bench-{events}.db"));
    if path.exists() {
        let conn = Connection::open(&path).unwrap();
        let n: i64 = conn
            .query_row("SELECT count(*) FROM events", [], |r| r.get(0))
            .unwrap_or(0);
        let snaps: i64 = conn
            .query_row("SELECT count(*) FROM snapshots", [], |r| r.get(0))
            .unwrap_or(0);
        if n as usize == events && snaps == 1 {
            return path;
        }
        drop(conn);
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
        }
    }
    eprintln!(
        "building the {events}-event journal (once) at {}",
        path.display()
    );
    let started = Instant::now();
    let incident = IncidentId::new();
    {
        let mut j = open(&path);
        j.append(Event::new(
            incident,
            "ann",
            t0(),
            t0(),
            EventKind::Declared {
                title: "Checkout API returning 502s".into(),
                severity: "SEV1".into(),
                summary: String::new(),
                security: false,
                playbook: "default".into(),
            },
        ))
        .unwrap();
    }
    let mut conn = Connection::open(&path).unwrap();
    let tx = conn.transaction().unwrap();
    {
        let mut insert = tx
            .prepare("INSERT INTO events (id, incident, at, recorded_at, author, kind, body) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)")
            .unwrap();
        let authors = ["ann", "bob", "carol", "dave", "eve"];
        let tags = ["note", "noticed", "hypothesis", "command", "comms"];
        for i in 1..events {
            let at = t0() + Duration::seconds(i as i64);
            let kind = EventKind::Note {
                text: format!("observation {i}: error rate {}%", i % 97),
                tag: tags[i % tags.len()].into(),
                private: false,
            };
            let (k, body) = kind.to_columns().unwrap();
            insert
                .execute(params![
                    EventId::new().to_string(),
                    incident.to_string(),
                    ts(at),
                    ts(at),
                    authors[i % authors.len()],
                    k,
                    body
                ])
                .unwrap();
        }
    }
    tx.commit().unwrap();
    drop(conn);
    eprintln!("  written in {:?}", started.elapsed());
    // The first open folds every event and leaves a snapshot behind.
    let fold = Instant::now();
    let mut j = open(&path);
    j.incident(incident).unwrap();
    eprintln!(
        "  first open (fold of {events} events, snapshot saved): {:?}",
        fold.elapsed()
    );
    path
}

fn wait(rx: &Receiver<Reply>) -> Reply {
    rx.recv_timeout(StdDuration::from_secs(30))
        .expect("the journal worker answers")
}

/// One cold start of the screen on `path`: returns the time to the first
/// frame that shows the incident and its newest timeline page.
fn first_frame(path: &Path) -> (StdDuration, String) {
    let started = Instant::now();
    let journal = open(path);
    let end = t0() + Duration::seconds(events() as i64);
    let clock = Arc::new(FixedClock::new(end));
    let cockpit = Cockpit::new(journal, "ann".into(), "default".into(), clock).unwrap();
    let keymap = Keymap::parse("keymaps/default.toml", DEFAULT_KEYMAP).unwrap();
    let mut model = Model::new(keymap, "ann".into(), path.display().to_string(), end);
    model.utc = true;
    let (tx, rx) = channel();
    let worker = Worker::spawn(cockpit, move |r| {
        let _ = tx.send(r);
    });
    let mut term = Terminal::new(TestBackend::new(160, 48)).unwrap();
    // Replies until the timeline's first page is in, as the runner takes them.
    loop {
        let effects = update(&mut model, Msg::Worker(wait(&rx)));
        for e in effects {
            if let Effect::Send(r) = e {
                worker.send(r);
            }
        }
        if model.timeline.incident.is_some() && model.current.is_some() {
            break;
        }
    }
    term.draw(|f| cockpit::ui::render(f.area(), f.buffer_mut(), &model, Theme { color: true }))
        .unwrap();
    let took = started.elapsed();
    let screen: String = term
        .backend()
        .buffer()
        .content()
        .iter()
        .map(|c| c.symbol())
        .collect();
    drop(worker);
    (took, screen)
}

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --benches` runs this too: once, quickly.
    let quick = !std::env::args().any(|a| a == "--bench");
    let path = fixture();
    if std::env::var_os("BREAKDOWN").is_some() {
        for _ in 0..3 {
            breakdown(&path);
        }
    }
    let runs = if quick { 1 } else { RUNS };
    let mut times = Vec::new();
    for _ in 0..runs {
        let (took, screen) = first_frame(&path);
        assert!(
            screen.contains("Checkout API returning 502s"),
            "the incident is shown"
        );
        assert!(
            screen.contains(&format!("observation {}", events() - 1)),
            "the newest timeline entry is shown"
        );
        // The count follows the first page; until then the title says "500+".
        assert!(screen.contains("500+ entries"), "{screen}");
        times.push(took);
    }
    times.sort();
    let median = times[times.len() / 2];
    println!(
        "first frame, {}-event journal, 160x48: median {:.1} ms, min {:.1} ms, max {:.1} ms over {} runs (target < {} ms) {}",
        events(),
        median.as_secs_f64() * 1e3,
        times[0].as_secs_f64() * 1e3,
        times[times.len() - 1].as_secs_f64() * 1e3,
        runs,
        TARGET.as_millis(),
        if median < TARGET { "OK" } else { "MISSED" }
    );
}

/// Where the time goes, step by step (BREAKDOWN=1).
pub fn breakdown(path: &Path) {
    use cockpit::journal::TimelineFilter;
    let t = Instant::now();
    let mut j = open(path);
    let a = t.elapsed();
    let ids = j.incident_ids().unwrap();
    let b = t.elapsed();
    let all = j.incidents().unwrap();
    let c = t.elapsed();
    let id = ids[0];
    let _pb = j.playbook_of(id).unwrap();
    let inc = Arc::new(j.incident(id).unwrap().clone());
    let d = t.elapsed();
    let page = j
        .timeline_page(id, &TimelineFilter::All, None, 500)
        .unwrap();
    let e = t.elapsed();
    let n = j.timeline_count(id, &TimelineFilter::All).unwrap();
    let f = t.elapsed();
    let snap: i64 = Connection::open(path)
        .unwrap()
        .query_row("SELECT length(state) FROM snapshots", [], |r| r.get(0))
        .unwrap();
    println!(
        "open {:?}, ids {:?}, incidents {:?}, current {:?}, page {:?}, count {:?} ({} events, {} highlights, snapshot {} KB, {})",
        a,
        b - a,
        c - b,
        d - c,
        e - d,
        f - e,
        n,
        inc.highlights.len(),
        snap / 1024,
        all.len() + page.len()
    );
}
