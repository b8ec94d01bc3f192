//! `cockpit export`, `report`, `lint` and `followup --from` through the real
//! binary. Event times are given with `--at`, so the numbers are fixed.

use assert_cmd::Command;
use predicates::prelude::*;
use std::path::{Path, PathBuf};

struct Env {
    dir: tempfile::TempDir,
}

impl Env {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("config.toml"), "").unwrap();
        Self { dir }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn cmd(&self) -> Command {
        let mut c = Command::cargo_bin("cockpit").unwrap();
        c.arg("--journal")
            .arg(self.path("journal.sqlite"))
            .arg("--config")
            .arg(self.path("config.toml"))
            .env_remove("COCKPIT_PLAYBOOK")
            .env("COCKPIT_USER", "tester");
        c
    }

    /// `cockpit --at TIME --as WHO words...`; returns stdout.
    fn at<S: AsRef<std::ffi::OsStr>>(&self, time: &str, who: &str, words: &[S]) -> String {
        let out = self
            .cmd()
            .args(["--at", time, "--as", who])
            .args(words)
            .assert()
            .success();
        String::from_utf8(out.get_output().stdout.clone()).unwrap()
    }
}

/// A closed SEV1: IC engaged after 4 min, outage ended at 30 min, resolved at 50.
fn sev1(env: &Env, day: &str) -> String {
    let t = |hm: &str| format!("{day}T{hm}:00Z");
    let id = env.at(
        &t("10:00"),
        "ann",
        &["declare", "db down", "--severity", "SEV1"],
    );
    let id = id.trim().to_string();
    let on = |words: &[&'static str]| -> Vec<String> {
        let mut v = vec!["--incident".to_string(), id.clone()];
        v.extend(words.iter().map(|w| w.to_string()));
        v
    };
    env.at(&t("10:01"), "ann", &on(&["role", "assign", "ic", "bob"]));
    env.at(&t("10:04"), "bob", &on(&["role", "engage", "ic", "bob"]));
    env.at(&t("10:30"), "bob", &on(&["outage", "end"]));
    env.at(&t("10:50"), "bob", &on(&["state", "resolved"]));
    env.at(&t("11:10"), "bob", &on(&["close", "request"]));
    env.at(&t("11:10"), "bob", &on(&["close", "confirm"]));
    id
}

#[test]
fn report_gives_means_and_medians_by_severity_and_honours_since() {
    let env = Env::new();
    sev1(&env, "2026-03-02");
    sev1(&env, "2026-03-10");
    let id = env.at(
        "2026-03-11T09:00:00Z",
        "cy",
        &["declare", "slow api", "--severity", "SEV3"],
    );
    let id = id.trim();
    env.at(
        "2026-03-11T09:10:00Z",
        "cy",
        &["--incident", id, "role", "assign", "ic", "cy"],
    );

    let out = env.at("2026-03-12T00:00:00Z", "ann", &["report", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["overall"]["incidents"], 3);
    // MTTA 240, 240, 600 (self-assigned after 10 min): mean 360, median 240
    assert_eq!(v["overall"]["time_to_acknowledge"]["mean_secs"], 360);
    assert_eq!(v["overall"]["time_to_acknowledge"]["median_secs"], 240);
    // only the two closed SEV1s are resolved
    assert_eq!(v["overall"]["time_to_resolve"]["n"], 2);
    assert_eq!(v["overall"]["time_to_resolve"]["mean_secs"], 3000);
    assert_eq!(v["by_severity"][0]["severity"], "SEV1");
    assert_eq!(v["by_severity"][0]["time_to_mitigate"]["median_secs"], 1800);
    assert_eq!(v["by_severity"][1]["severity"], "SEV3");

    let out = env.at(
        "2026-03-12T00:00:00Z",
        "ann",
        &["report", "--json", "--since", "2026-03-05"],
    );
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["overall"]["incidents"], 2);

    let text = env.at(
        "2026-03-12T00:00:00Z",
        "ann",
        &["report", "--since", "2026-03-05"],
    );
    assert!(
        text.starts_with("incidents declared since 2026-03-05: 2\n"),
        "{text}"
    );
    assert!(text.contains("SEV1"), "{text}");
}

#[test]
fn lint_prints_file_line_column_rule_and_suggestion_and_never_fails() {
    let env = Env::new();
    let file = env.path("pm.md");
    std::fs::write(
        &file,
        "# Timeline\n\nAt 03:10 we restarted the pod.\nThe logs were copied.\n",
    )
    .unwrap();
    env.cmd()
        .arg("lint")
        .arg(&file)
        .assert()
        .success()
        .stdout(predicate::str::contains(format!(
            "{}:3:10: third-person: \"we\": write in the third person",
            file.display()
        )))
        .stdout(predicate::str::contains(
            ":4:10: passive-voice: \"were copied\"",
        ))
        .stdout(predicate::str::contains("2 finding(s)"));
    env.cmd()
        .args(["lint", "-"])
        .write_stdin("Sally copied the logs at 03:10.\n")
        .assert()
        .success()
        .stdout("no findings: the text follows seed 000's writing rules\n");
    env.cmd()
        .args(["lint", "--json", "-"])
        .write_stdin("It blew up.\n")
        .assert()
        .success()
        .stdout(predicate::str::contains("\"rule\": \"casual\""));
}

#[test]
fn export_writes_the_file_and_lists_writing_findings_on_stderr() {
    let env = Env::new();
    let id = sev1(&env, "2026-03-10");
    env.at(
        "2026-03-10T11:20:00Z",
        "ann",
        &["--incident", &id, "note", "we nuked the cache"],
    );
    let out = env.path("pm.md");
    env.cmd()
        .args(["export", "--out"])
        .arg(&out)
        .assert()
        .success()
        .stdout(format!("{}\n", out.display()))
        .stderr(predicate::str::contains("third-person \"we\""))
        .stderr(predicate::str::contains("casual \"nuked\""));
    let md = std::fs::read_to_string(&out).unwrap();
    assert!(md.starts_with("# Postmortem: db down\n"), "{md}");
    assert!(
        md.contains("| 11:20 | ann | note | casual | nuked |"),
        "{md}"
    );
}

#[test]
fn a_users_template_replaces_the_built_in_one_and_its_mistakes_name_the_line() {
    let env = Env::new();
    sev1(&env, "2026-03-10");
    let dir = env.path("templates");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(
        dir.join("postmortem.md.j2"),
        "RCA for {{ incident.title }}: MTTR {{ metrics.time_to_resolve_secs|duration }}\n",
    )
    .unwrap();
    env.cmd()
        .arg("export")
        .assert()
        .success()
        .stdout("RCA for db down: MTTR 50m 00s\n");
    std::fs::write(
        dir.join("postmortem.md.j2"),
        "line one\n{{ incident.titel }}\n",
    )
    .unwrap();
    let template: &Path = &dir.join("postmortem.md.j2");
    env.cmd()
        .arg("export")
        .assert()
        .code(1)
        .stderr(predicate::str::starts_with(format!(
            "cockpit: {}:2: undefined value",
            template.display()
        )));
    // The HTML template is still the built-in one.
    env.cmd()
        .args(["export", "--format", "html"])
        .assert()
        .success()
        .stdout(predicate::str::starts_with("<!DOCTYPE html>"));
}

#[test]
fn a_follow_up_can_come_from_a_timeline_entry() {
    let env = Env::new();
    let id = env.at(
        "2026-03-10T10:00:00Z",
        "ann",
        &["declare", "db down", "--severity", "SEV2"],
    );
    let id = id.trim();
    let note = env.at(
        "2026-03-10T10:05:00Z",
        "ann",
        &["--incident", id, "--json", "note", "i: error rate 30%"],
    );
    let note: serde_json::Value = serde_json::from_str(&note).unwrap();
    let note_id = note["id"].as_str().unwrap();
    let out = env.at(
        "2026-03-10T10:06:00Z",
        "ann",
        &[
            "--incident",
            id,
            "--json",
            "followup",
            "alert on error rate",
            "--owner",
            "cy",
            "--from",
            &note_id[..8],
        ],
    );
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["body"]["from_event"], note_id);
    env.cmd()
        .args(["--incident", id, "followup", "x", "--from", "ffffffff"])
        .assert()
        .code(1)
        .stderr("cockpit: no event `ffffffff` in this incident\n");
}
