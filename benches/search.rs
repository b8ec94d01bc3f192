//! Search across every incident (issue 12 item 7 target: under 50 ms on a
//! journal of 1,000 incidents). The journal holds 1,000 incidents of 50
//! notes each (51,000 events); each search is `Journal::search` with the
//! default limit of 20: a rare word (one incident), a word in every note
//! (50,000 matches: bm25 ranks the newest `journal::search::RANKED` =
//! 10,000 of them), and three words together. Median and worst of RUNS runs.
//!
//! The fixture is written with a bare connection in one transaction (50,000
//! durable appends would take minutes); the index is filled by the same
//! trigger as every append. Without `--bench` (`cargo test --benches`, the
//! quick run) it holds 20 incidents and checks that the bench works.
//!
//!     cargo bench --bench search

mod support;

use rusqlite::{Connection, params};
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use cockpit::config::load_playbooks;
use cockpit::domain::{EventId, EventKind, IncidentId};
use cockpit::journal::{Journal, MIGRATIONS};
use support::{bench_dir, note, t};

const TARGET: Duration = Duration::from_millis(50);
const NOTES: usize = 50;
const RUNS: usize = 21;
const LIMIT: usize = 20;

const WORDS: &[&str] = &[
    "database",
    "latency",
    "rollback",
    "deploy",
    "replica",
    "timeout",
    "cache",
    "queue",
    "certificate",
    "dns",
    "disk",
    "memory",
    "pager",
    "customer",
    "checkout",
    "payment",
];

fn build(path: &Path, incidents: usize) {
    let mut conn = Connection::open(path).expect("fixture db");
    conn.pragma_update(None, "journal_mode", "WAL").unwrap();
    for m in MIGRATIONS {
        conn.execute_batch(m).unwrap();
    }
    conn.pragma_update(None, "user_version", MIGRATIONS.len() as i64)
        .unwrap();
    conn.pragma_update(None, "application_id", cockpit::journal::APPLICATION_ID)
        .unwrap();
    let tx = conn.transaction().unwrap();
    {
        let mut insert = tx
            .prepare("INSERT INTO events (id, incident, at, recorded_at, author, kind, body) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)")
            .unwrap();
        let mut declare = tx
            .prepare("INSERT INTO incidents (id, declared_seq) VALUES (?1, last_insert_rowid())")
            .unwrap();
        for i in 0..incidents {
            let incident = IncidentId::new().to_string();
            let at = t(i as i64 * 3600).to_rfc3339();
            let declared = EventKind::Declared {
                title: format!("{} trouble number {i}", WORDS[i % WORDS.len()]),
                severity: "SEV2".into(),
                summary: String::new(),
                security: false,
                playbook: "default".into(),
            };
            let (kind, body) = declared.to_columns().unwrap();
            let mut row = |kind: &str, body: &str| {
                let id = EventId::new().to_string();
                insert
                    .execute(params![id, incident, at, at, "scribe", kind, body])
                    .unwrap();
            };
            row(&kind, &body);
            declare.execute([&incident]).unwrap();
            for n in 0..NOTES {
                // Every note says "service"; one word of WORDS each; incident 7
                // alone once says "splunge".
                let w = WORDS[(i * 7 + n) % WORDS.len()];
                let v = WORDS[(i + n * 3) % WORDS.len()];
                let extra = if i == 7 && n == 30 { " splunge" } else { "" };
                let text = format!(
                    "the {w} service looks unhappy after the {v} change, checking graphs{extra}"
                );
                let (kind, body) = note(&text).to_columns().unwrap();
                row(&kind, &body);
            }
        }
    }
    tx.commit().unwrap();
}

fn main() {
    let benching = std::env::args().any(|a| a == "--bench");
    let incidents = if benching { 1_000 } else { 20 };
    let dir = bench_dir();
    let path = dir.path().join("search.sqlite");
    build(&path, incidents);
    let playbooks = Arc::new(load_playbooks(None).expect("playbooks"));
    let journal = Journal::open(&path, playbooks).expect("journal");

    println!("search, {incidents} incidents x {NOTES} notes, limit {LIMIT}, {RUNS} runs (ms)");
    let mut missed = false;
    let mut slowest = Duration::ZERO;
    for (name, query, expect) in [
        ("rare word (1 hit)", "splunge", 1),
        ("word in every incident", "service", LIMIT),
        ("three words", "database service graphs", LIMIT),
    ] {
        let mut times = Vec::with_capacity(RUNS);
        for _ in 0..RUNS {
            let start = Instant::now();
            let hits = journal.search(query, false, LIMIT).expect("search");
            times.push(start.elapsed());
            assert_eq!(hits.len(), expect, "{name}");
        }
        times.sort();
        let (median, worst) = (times[RUNS / 2], times[RUNS - 1]);
        slowest = slowest.max(worst);
        let ok = worst < TARGET;
        missed |= !ok;
        println!(
            "{name:<24} median {:>7.2}  max {:>7.2}  {}",
            median.as_secs_f64() * 1e3,
            worst.as_secs_f64() * 1e3,
            if ok { "met" } else { "MISSED" }
        );
    }
    println!(
        "slowest search, {incidents} incidents: {:.1} ms (target < {} ms: {})",
        slowest.as_secs_f64() * 1e3,
        TARGET.as_millis(),
        if missed { "MISSED" } else { "met" }
    );
}
