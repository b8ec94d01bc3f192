//! Plays a scripted incident (`tests/export/scripts/<playbook>.script`)
//! through the real command line grammar and dispatch, with a fixed clock,
//! into a fresh journal. Shared by the export tests.

#![allow(dead_code)]

use chrono::{DateTime, Duration, Utc};
use clap::Parser;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use cockpit::cli::{Cli, execute};
use cockpit::config::load_playbooks;
use cockpit::domain::time::{Clock, FixedClock};
use cockpit::journal::Journal;
use cockpit::services::Cockpit;

pub const BASE: &str = "2026-03-10T23:40:00Z";

pub fn base() -> DateTime<Utc> {
    BASE.parse().unwrap()
}

pub fn scripts_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/export/scripts")
}

pub struct Played {
    pub dir: tempfile::TempDir,
    pub cockpit: Cockpit,
    pub clock: Arc<FixedClock>,
    pub incident: String,
    /// Full ids of every event written, in order, for stable names in golden files.
    pub event_ids: Vec<String>,
    /// The texts of the script's private notes: they must never leave the journal.
    pub private_notes: Vec<String>,
}

impl Played {
    pub fn config(&self) -> PathBuf {
        self.dir.path().join("config.toml")
    }

    /// Run `cockpit <words>` on the played journal, at the clock's time.
    pub fn run(&mut self, words: &[&str]) -> String {
        let config = self.config();
        let mut argv = vec!["cockpit", "--config", config.to_str().unwrap()];
        argv.extend_from_slice(words);
        let cli = Cli::try_parse_from(&argv).unwrap_or_else(|e| panic!("{argv:?}: {e}"));
        let command = cli.command.expect("a command");
        execute(&mut self.cockpit, &cli.global, command)
            .unwrap_or_else(|f| panic!("{argv:?}: {}", f.message))
    }

    /// Replace ids (random in every run) with names that stay put.
    pub fn normalise(&self, text: &str) -> String {
        let mut out = text.replace(&self.incident, "INCIDENT-ID");
        out = out.replace(&self.incident[..8], "INCIDENT");
        for (n, id) in self.event_ids.iter().enumerate() {
            out = out.replace(id.as_str(), &format!("event-{}", n + 1));
        }
        out
    }
}

/// Split a script line into words: spaces separate, double quotes group.
/// Each word says whether it was quoted: a quoted `@...` is text, not a name.
fn words(line: &str) -> Vec<(String, bool)> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut was_quoted = false;
    let mut any = false;
    for c in line.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                was_quoted = true;
                any = true;
            }
            ' ' if !quoted => {
                if any {
                    out.push((std::mem::take(&mut cur), was_quoted));
                    any = false;
                    was_quoted = false;
                }
            }
            c => {
                cur.push(c);
                any = true;
            }
        }
    }
    if any {
        out.push((cur, was_quoted));
    }
    out
}

/// Play `tests/export/scripts/<playbook>.script`.
pub fn play(playbook: &str) -> Played {
    let path = scripts_dir().join(format!("{playbook}.script"));
    let script = std::fs::read_to_string(&path).unwrap_or_else(|_| {
        panic!(
            "no scripted incident for playbook `{playbook}`: add {} (see default.script)",
            path.display()
        )
    });
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("config.toml"), "").unwrap();
    let books = Arc::new(load_playbooks(None).unwrap());
    let journal = Journal::open(&dir.path().join("journal.sqlite"), books).unwrap();
    let clock = Arc::new(FixedClock::new(base()));
    let as_clock: Arc<dyn Clock> = clock.clone();
    let cockpit = Cockpit::new(journal, "script".into(), playbook.into(), as_clock).unwrap();
    let mut played = Played {
        dir,
        cockpit,
        clock,
        incident: String::new(),
        event_ids: Vec::new(),
        private_notes: Vec::new(),
    };
    let mut names: HashMap<String, String> = HashMap::new();
    for (n, raw) in script.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (body, name) = match line.rsplit_once(" => ") {
            Some((b, n)) => (b, Some(n.trim().to_string())),
            None => (line, None),
        };
        let (elapsed, rest) = body.split_once(' ').expect("HH:MM then the words");
        let (h, m) = elapsed.split_once(':').expect("HH:MM");
        played.clock.set(
            base() + Duration::hours(h.parse().unwrap()) + Duration::minutes(m.parse().unwrap()),
        );
        let mut argv: Vec<String> = words(rest)
            .into_iter()
            .map(
                |(w, quoted)| match w.strip_prefix('@').filter(|_| !quoted) {
                    Some(label) => names
                        .get(label)
                        .unwrap_or_else(|| panic!("line {}: no event named {label}", n + 1))
                        .clone(),
                    None => w,
                },
            )
            .collect();
        if let Some(at) = argv.iter().position(|w| w == "note")
            && argv.iter().any(|w| w == "--private")
        {
            let text: Vec<&str> = argv[at + 1..]
                .iter()
                .map(String::as_str)
                .filter(|w| *w != "--private")
                .collect();
            played.private_notes.push(text.join(" "));
        }
        argv.insert(0, "--json".into());
        let refs: Vec<&str> = argv.iter().map(String::as_str).collect();
        let out = played.run(&refs);
        let v: serde_json::Value = serde_json::from_str(out.trim())
            .unwrap_or_else(|e| panic!("line {}: {e}: {out}", n + 1));
        let event = if v.get("event").is_some() {
            played.incident = v["incident"].as_str().unwrap().to_string();
            &v["event"]
        } else {
            &v
        };
        let id = event["id"].as_str().unwrap().to_string();
        played.event_ids.push(id.clone());
        if let Some(name) = name {
            names.insert(name, id);
        }
    }
    played
}
