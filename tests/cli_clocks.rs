//! `cockpit clocks`, `cockpit clock ack|snooze`, and the early check-in warning,
//! through the real binary on a throw-away journal. Times are relative to now
//! (`--at -17m`), so nothing waits.

use assert_cmd::Command;
use serde_json::Value;

struct Env {
    dir: tempfile::TempDir,
}

impl Env {
    fn new() -> Self {
        Self {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    fn cmd(&self) -> Command {
        let mut c = Command::cargo_bin("cockpit").unwrap();
        c.env("COCKPIT_JOURNAL", self.dir.path().join("j.sqlite"))
            .env("COCKPIT_CONFIG", self.dir.path().join("config.toml"))
            .env("COCKPIT_USER", "ann")
            .env_remove("COCKPIT_PLAYBOOK");
        c
    }

    fn ok(&self, args: &[&str]) -> String {
        let out = self.cmd().args(args).output().unwrap();
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    fn clocks(&self) -> Value {
        serde_json::from_str(&self.ok(&["clocks", "--json"])).unwrap()
    }
}

fn clock<'a>(v: &'a Value, key: &str) -> &'a Value {
    v["clocks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["key"] == key)
        .unwrap_or_else(|| panic!("no clock {key} in {v}"))
}

#[test]
fn clocks_show_what_is_due_and_ack_and_snooze_quiet_them() {
    let env = Env::new();
    env.ok(&["--at", "-17m", "declare", "db down", "--severity", "SEV2"]);
    let v = env.clocks();
    assert_eq!(v["title"], "db down");
    assert_eq!(v["loop"]["next"], 1);
    // 17 minutes in: check-in due (15-20), acknowledgement (5 min) and first responder (10 min) late.
    assert_eq!(clock(&v, "checkin")["state"], "due");
    assert_eq!(clock(&v, "ack")["state"], "overdue");
    assert_eq!(clock(&v, "first_responder")["state"], "overdue");
    let left = clock(&v, "checkin")["remaining_secs"].as_i64().unwrap();
    assert!((-125..=-115).contains(&left), "{left}");
    // Most pressing first.
    assert_eq!(v["clocks"][0]["state"], "overdue");

    let human = env.ok(&["clocks"]);
    assert!(
        human
            .lines()
            .any(|l| l.starts_with("due") && l.contains("checkin")),
        "{human}"
    );
    assert!(human.contains("check-in loop: none held yet"), "{human}");

    // Acknowledging the check-in restarts its loop from now.
    let out = env.ok(&["clock", "ack", "CheckIn"]);
    assert!(out.contains("acknowledged checkin"), "{out}");
    let v = env.clocks();
    let c = clock(&v, "checkin");
    assert_eq!(c["state"], "quiet");
    assert!(c["acknowledged_at"].is_string());
    assert!(
        (880..=900).contains(&c["remaining_secs"].as_i64().unwrap()),
        "{c}"
    );

    // Snoozing silences the overdue acknowledgement clock for ten minutes.
    env.ok(&["clock", "snooze", "ack", "--for", "10m"]);
    let c = clock(&env.clocks(), "ack").clone();
    assert_eq!(c["state"], "quiet");
    assert!(c["snoozed_until"].is_string(), "{c}");
    // Engaging an IC satisfies it for good.
    env.ok(&["role", "engage", "ic", "bob"]);
    assert_eq!(clock(&env.clocks(), "ack")["state"], "satisfied");
}

#[test]
fn unknown_clock_names_and_bad_snoozes_are_usage_errors() {
    let env = Env::new();
    env.ok(&["declare", "db down", "--severity", "SEV2"]);
    let out = env.cmd().args(["clock", "ack", "coffee"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("unknown clock `coffee`; valid: checkin, status_update"),
        "{err}"
    );
    assert!(
        err.contains("fatigue.ic") && err.contains("handoff.ic"),
        "{err}"
    );
    for bad in ["0", "2d", "soon"] {
        let out = env
            .cmd()
            .args(["clock", "snooze", "checkin", "--for", bad])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "--for {bad}");
    }
    // Nothing was written by the failures.
    let timeline = env.ok(&["timeline"]);
    assert!(!timeline.contains("[clock]"), "{timeline}");
}

#[test]
fn a_check_in_sooner_than_15_minutes_after_the_last_gets_a_warning() {
    let env = Env::new();
    env.ok(&["--at", "-40m", "declare", "db down", "--severity", "SEV2"]);
    let first = env.ok(&[
        "--at", "-20m", "checkin", "--status", "worse", "--trend", "worse",
    ]);
    assert!(!first.contains("warning"), "{first}");
    let second = env.ok(&["checkin", "--status", "same", "--trend", "same"]);
    assert!(
        !second.contains("warning"),
        "20 minutes later is fine: {second}"
    );
    let third = env.ok(&["checkin", "--status", "better", "--trend", "better"]);
    assert!(third.contains("warning: only"), "{third}");
    assert!(third.contains("001"), "{third}");
    // The check-in is recorded all the same, and the loop shows the trend.
    let v = env.clocks();
    assert_eq!(v["loop"]["next"], 4);
    assert_eq!(
        v["loop"]["trend"],
        serde_json::json!(["worse", "same", "better"])
    );
    assert!(env.ok(&["clocks"]).contains("trend worse → same → better"));
}

#[test]
fn a_bad_time_zone_in_the_config_is_named() {
    let env = Env::new();
    std::fs::write(
        env.dir.path().join("config.toml"),
        "timezone = \"Mars/Olympus\"\n",
    )
    .unwrap();
    let out = env.cmd().args(["clocks"]).output().unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("unknown time zone `Mars/Olympus`"), "{err}");
    std::fs::write(
        env.dir.path().join("config.toml"),
        "timezone = \"Europe/London\"\n",
    )
    .unwrap();
    env.ok(&["declare", "db down", "--severity", "SEV2"]);
    assert!(
        env.clocks()["clocks"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["key"] == "checkin")
    );
}

/// The postmortem's RCA / PMR due dates are the days `cockpit clocks` shows
/// them due: one business-day calendar, in the user's zone (000: RCA within
/// one business day; 004: PMR within 5 business days after recovery).
#[test]
fn the_export_due_dates_are_the_days_the_clocks_show() {
    let env = Env::new();
    std::fs::write(
        env.dir.path().join("config.toml"),
        "timezone = \"America/New_York\"\n",
    )
    .unwrap();
    // Resolved on Thursday 2026-11-19 at 20:00 in New York: already Friday in UTC.
    env.ok(&[
        "--at",
        "2026-11-20T00:00:00Z",
        "declare",
        "db down",
        "--severity",
        "SEV2",
    ]);
    env.ok(&["--at", "2026-11-20T01:00:00Z", "state", "resolved"]);
    let clocks = env.clocks();
    let export: Value = serde_json::from_str(&env.ok(&["export", "--format", "json"])).unwrap();
    let zone = chrono_tz::America::New_York;
    for (key, field) in [("rca", "rca_due"), ("pmr", "pmr_due")] {
        let due: chrono::DateTime<chrono::Utc> = clock(&clocks, key)["due_at"]
            .as_str()
            .unwrap()
            .parse()
            .unwrap();
        let shown = due.with_timezone(&zone).date_naive().to_string();
        assert_eq!(
            export["deadlines"][field].as_str(),
            Some(shown.as_str()),
            "{key}: the clocks say due {due}"
        );
    }
    // Counted on New York's calendar: Thursday + 1 business day is Friday
    // (counting from the UTC date, Friday, said Monday), + 5 is next Thursday.
    assert_eq!(export["deadlines"]["rca_due"], "2026-11-20");
    assert_eq!(export["deadlines"]["pmr_due"], "2026-11-26");
}
