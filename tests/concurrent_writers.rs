//! Several processes writing one journal at once (issue 2, "Done when"): real
//! processes, started together. The test re-runs its own binary as the writers,
//! each going through the same `open_cockpit` + `Cockpit::act` path the
//! `cockpit` command uses, so any error a user could see fails the test.

#[path = "journal_support/mod.rs"]
mod common;

use rusqlite::Connection;
use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Command, Stdio};

use cockpit::cli::{Global, open_cockpit};
use cockpit::domain::IncidentId;
use cockpit::services::{Cockpit, Intent};
use common::*;

const ROLE: &str = "COCKPIT_TEST_WRITER";
const NOTES_EACH: usize = 1_000;
const FRESH_ROUNDS: usize = 40;

fn cockpit_for(journal: &Path, author: &str) -> Cockpit {
    let global = Global {
        journal: Some(journal.to_path_buf()),
        author: Some(author.into()),
        ..Default::default()
    };
    open_cockpit(&global).unwrap_or_else(|f| panic!("cockpit: {}", f.message))
}

/// Tell the parent we are ready, then wait for its "go" on stdin.
fn ready_then_wait() {
    println!("WRITER-READY");
    std::io::stdout().flush().unwrap();
    let mut line = String::new();
    std::io::stdin().read_line(&mut line).unwrap();
    assert_eq!(line.trim(), "go");
}

/// A writer process and what it prints (kept open: it reports its result there).
struct Writer {
    child: Child,
    stdout: BufReader<ChildStdout>,
}

/// Start `n` writers running `test` in the writer role, released together.
fn start_together(test: &str, n: usize, env: &[(&str, String)], home: &Path) -> Vec<Writer> {
    let mut writers: Vec<Writer> = (0..n)
        .map(|i| {
            let mut cmd = Command::new(std::env::current_exe().unwrap());
            cmd.args([test, "--exact", "--nocapture", "--test-threads=1"])
                .env(ROLE, format!("writer{i}"))
                // Keep the developer's own config and playbooks out of it.
                .env("XDG_CONFIG_HOME", home.join("config"))
                .env("XDG_DATA_HOME", home.join("data"))
                .env("COCKPIT_CONFIG", home.join("none.toml"))
                .env_remove("COCKPIT_JOURNAL")
                .env_remove("COCKPIT_PLAYBOOK")
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped());
            for (k, v) in env {
                cmd.env(k, v);
            }
            let mut child = cmd.spawn().unwrap();
            let stdout = BufReader::new(child.stdout.take().unwrap());
            Writer { child, stdout }
        })
        .collect();
    // Libtest prints "test NAME ... " first, so the mark ends a line.
    for w in &mut writers {
        let mut line = String::new();
        while !line.contains("WRITER-READY") {
            line.clear();
            let n = w.stdout.read_line(&mut line).unwrap();
            assert!(n > 0, "a writer died before it was ready");
        }
    }
    for w in &mut writers {
        w.child.stdin.as_mut().unwrap().write_all(b"go\n").unwrap();
    }
    writers
}

/// Wait for every writer; each must succeed. Returns what each printed after "go".
fn wait_all(writers: Vec<Writer>) -> Vec<String> {
    writers
        .into_iter()
        .map(|mut w| {
            let mut rest = String::new();
            w.stdout.read_to_string(&mut rest).unwrap();
            let out = w.child.wait_with_output().unwrap();
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert!(
                out.status.success(),
                "a writer failed ({}):\n{rest}\n{stderr}",
                out.status
            );
            rest
        })
        .collect()
}

#[test]
fn two_processes_append_a_thousand_notes_each() {
    if let Ok(me) = std::env::var(ROLE) {
        let journal = PathBuf::from(std::env::var("WRITER_JOURNAL").unwrap());
        let id = IncidentId::parse(&std::env::var("WRITER_INCIDENT").unwrap()).unwrap();
        let mut cockpit = cockpit_for(&journal, &me);
        ready_then_wait();
        let mut worst = std::time::Duration::ZERO;
        for n in 0..NOTES_EACH {
            let note = Intent::Note {
                text: format!("{me} note {n}"),
                tag: None,
                private: false,
            };
            let start = std::time::Instant::now();
            if let Err(e) = cockpit.act(id, note, None) {
                panic!("{me}: note {n}: {e}");
            }
            worst = worst.max(start.elapsed());
        }
        println!("WRITER-WORST-WAIT-MS {}", worst.as_millis());
        return;
    }

    let home = tempfile::tempdir().unwrap();
    let path = home.path().join("journal.sqlite");
    let id = journal_with_notes(&path, 0);
    let env = [
        ("WRITER_JOURNAL", path.display().to_string()),
        ("WRITER_INCIDENT", id.to_string()),
    ];
    let writers = start_together(
        "two_processes_append_a_thousand_notes_each",
        2,
        &env,
        home.path(),
    );
    let reports = wait_all(writers);
    let worst: Vec<&str> = reports
        .iter()
        .flat_map(|r| r.lines().filter(|l| l.starts_with("WRITER-WORST-WAIT-MS")))
        .collect();

    let c = Connection::open(&path).unwrap();
    let mut stmt = c
        .prepare("SELECT seq, author, body FROM events WHERE kind = 'note' ORDER BY seq")
        .unwrap();
    let rows: Vec<(i64, String, String)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(rows.len(), 2 * NOTES_EACH);
    let bodies: BTreeSet<_> = rows.iter().map(|r| r.2.clone()).collect();
    assert_eq!(bodies.len(), 2 * NOTES_EACH, "a note was written twice");
    let mut seqs: BTreeMap<&str, Vec<i64>> = BTreeMap::new();
    for (seq, author, _) in &rows {
        seqs.entry(author).or_default().push(*seq);
    }
    assert_eq!(seqs.len(), 2);
    for (author, s) in &seqs {
        assert_eq!(s.len(), NOTES_EACH, "{author}");
    }
    // They really wrote at the same time: each wrote while the other was writing.
    let (a, b) = (&seqs["writer0"], &seqs["writer1"]);
    assert!(
        a[0] < *b.last().unwrap() && b[0] < *a.last().unwrap(),
        "the writers did not overlap: one waited for the other to finish ({worst:?})"
    );

    let mut j = open(&path);
    let incident = j.incident(id).unwrap();
    assert_eq!(incident.notes, 2 * NOTES_EACH);
    assert!(incident.refused.is_empty());
}

/// Two processes creating the same new journal at the same moment, round after
/// round: one creates and migrates it, the other waits and finds it ready.
#[test]
fn two_processes_create_one_new_journal_at_once() {
    if let Ok(me) = std::env::var(ROLE) {
        let dir = PathBuf::from(std::env::var("WRITER_DIR").unwrap());
        ready_then_wait();
        for round in 0..FRESH_ROUNDS {
            let mut cockpit = cockpit_for(&dir.join(format!("j{round}.sqlite")), &me);
            let declare = Intent::Declare {
                title: format!("{me} round {round}"),
                severity: "SEV2".into(),
                summary: String::new(),
                security: false,
                playbook: String::new(),
            };
            if let Err(e) = cockpit.declare(declare, None) {
                panic!("{me}: round {round}: {e}");
            }
        }
        return;
    }

    let home = tempfile::tempdir().unwrap();
    let env = [("WRITER_DIR", home.path().display().to_string())];
    let writers = start_together(
        "two_processes_create_one_new_journal_at_once",
        2,
        &env,
        home.path(),
    );
    wait_all(writers);
    for round in 0..FRESH_ROUNDS {
        let mut j = open(&home.path().join(format!("j{round}.sqlite")));
        let titles: BTreeSet<_> = j
            .incidents()
            .unwrap()
            .into_iter()
            .map(|i| i.title)
            .collect();
        let expected: BTreeSet<_> = (0..2).map(|w| format!("writer{w} round {round}")).collect();
        assert_eq!(titles, expected);
    }
}
