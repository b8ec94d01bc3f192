//! Drives the real `cockpit` binary on a journal in a temporary directory,
//! with a home and config of its own so the user's files never leak in.

#![allow(dead_code)]

use assert_cmd::Command;
use std::path::PathBuf;
use tempfile::TempDir;

pub struct Cockpit {
    dir: TempDir,
    pub journal: PathBuf,
    pub playbook: String,
}

impl Cockpit {
    pub fn new(playbook: &str) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let journal = dir.path().join("journal.sqlite");
        Self {
            dir,
            journal,
            playbook: playbook.to_string(),
        }
    }

    /// `cockpit --journal J --playbook P --as WHO ARGS...`
    pub fn cmd(&self, who: &str, args: &[&str]) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_cockpit"));
        let home = self.dir.path();
        c.env("HOME", home)
            .env("XDG_CONFIG_HOME", home.join("config"))
            .env("XDG_DATA_HOME", home.join("data"))
            .env("COCKPIT_CONFIG", home.join("no-config.toml"))
            .env("TZ", "UTC")
            .env_remove("COCKPIT_JOURNAL")
            .env_remove("COCKPIT_PLAYBOOK")
            .env_remove("COCKPIT_USER")
            .arg("--journal")
            .arg(&self.journal)
            .args(["--playbook", &self.playbook, "--as", who])
            .args(args);
        c
    }

    /// Run and expect success; returns stdout.
    pub fn ok(&self, who: &str, args: &[&str]) -> String {
        let out = self.cmd(who, args).output().expect("runs");
        assert!(
            out.status.success(),
            "`cockpit {}` as {who} failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).expect("utf-8")
    }

    /// Run with `--at -{minutes_ago}m` (backdated so the rules see time pass).
    pub fn at(&self, who: &str, minutes_ago: i64, args: &[&str]) -> String {
        let when = format!("-{minutes_ago}m");
        let mut all: Vec<&str> = vec!["--at", &when];
        all.extend_from_slice(args);
        self.ok(who, &all)
    }

    /// Run and expect refusal (exit code 1); returns stderr.
    pub fn refused(&self, who: &str, args: &[&str]) -> String {
        let out = self.cmd(who, args).output().expect("runs");
        assert_eq!(
            out.status.code(),
            Some(1),
            "`cockpit {}` as {who} should be refused; stdout: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stdout)
        );
        String::from_utf8(out.stderr).expect("utf-8")
    }

    /// Like `refused`, backdated.
    pub fn refused_at(&self, who: &str, minutes_ago: i64, args: &[&str]) -> String {
        let when = format!("-{minutes_ago}m");
        let mut all: Vec<&str> = vec!["--at", &when];
        all.extend_from_slice(args);
        self.refused(who, &all)
    }

    pub fn show_json(&self, incident: &str) -> serde_json::Value {
        let out = self.ok("viewer", &["--json", "--incident", incident, "show"]);
        serde_json::from_str(&out).expect("show --json is JSON")
    }

    pub fn show(&self, incident: &str) -> String {
        self.ok("viewer", &["--incident", incident, "show"])
    }

    pub fn timeline(&self, incident: &str) -> String {
        self.ok("viewer", &["--incident", incident, "timeline"])
    }

    /// The timeline's events as JSON, in time order.
    pub fn events(&self, incident: &str) -> Vec<serde_json::Value> {
        self.ok("viewer", &["--json", "--incident", incident, "timeline"])
            .lines()
            .map(|l| serde_json::from_str(l).expect("a JSON line"))
            .collect()
    }

    pub fn kinds(&self, incident: &str) -> Vec<String> {
        self.events(incident)
            .iter()
            .map(|e| e["kind"].as_str().unwrap_or_default().to_string())
            .collect()
    }
}

/// `expected` appears in `kinds` in this order (other kinds may come between).
pub fn assert_in_order(kinds: &[String], expected: &[&str]) {
    let mut rest = kinds.iter();
    for want in expected {
        assert!(
            rest.any(|k| k == want),
            "`{want}` missing or out of order in the timeline: {kinds:?}"
        );
    }
}

/// The short id `declare` prints.
pub fn short_id(declare_output: &str) -> String {
    declare_output.trim().to_string()
}
