//! The real `cockpit` binary, end to end: a whole SEV1 from the command line,
//! and what the user sees when something is wrong. Every event is given a
//! fixed `--at`, so the timeline is the same whenever the test runs.

#[path = "journal_support/mod.rs"]
mod common;

use assert_cmd::Command;
use serde_json::Value;
use std::fs;
use std::path::{Path, PathBuf};

/// A scratch home: its own journal, config and data dirs, no inherited settings.
struct Desk {
    home: tempfile::TempDir,
    journal: PathBuf,
}

impl Desk {
    fn new() -> Self {
        let home = tempfile::tempdir().unwrap();
        let journal = home.path().join("journal.sqlite");
        Self { home, journal }
    }

    /// The binary with this desk's journal and `ann` as the author.
    fn cmd(&self) -> Command {
        let mut c = self.bare();
        c.env("COCKPIT_JOURNAL", &self.journal)
            .env("COCKPIT_USER", "ann");
        c
    }

    /// The binary with no journal or author chosen.
    fn bare(&self) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_cockpit"));
        let h = self.home.path();
        c.env("HOME", h)
            .env("XDG_CONFIG_HOME", h.join("config"))
            .env("XDG_DATA_HOME", h.join("data"))
            .env("COCKPIT_CONFIG", h.join("config.toml"))
            .env_remove("COCKPIT_JOURNAL")
            .env_remove("COCKPIT_USER")
            .env_remove("COCKPIT_PLAYBOOK")
            .env("USER", "login-name");
        c
    }

    /// Run; it must succeed. Returns stdout.
    #[track_caller]
    fn ok(&self, args: &[&str]) -> String {
        run_ok(self.cmd().args(args))
    }

    /// Run; it must fail with `code` and exactly one line on stderr, which is returned.
    #[track_caller]
    fn fails(&self, code: i32, args: &[&str]) -> String {
        run_fails(self.cmd().args(args), code)
    }

    fn show(&self, incident: &str) -> Value {
        serde_json::from_str(&self.ok(&["--incident", incident, "show", "--json"])).unwrap()
    }
}

#[track_caller]
fn run_ok(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{cmd:?} failed: {stderr}");
    assert_eq!(stderr, "", "{cmd:?} wrote to stderr");
    String::from_utf8(out.stdout).unwrap()
}

#[track_caller]
fn run_fails(cmd: &mut Command, code: i32) -> String {
    let out = cmd.output().unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(code), "{cmd:?}: {stderr}");
    assert_eq!(out.stdout, b"", "{cmd:?} printed on stdout");
    assert_eq!(stderr.lines().count(), 1, "one line on stderr: {stderr:?}");
    assert!(stderr.starts_with("cockpit: "), "{stderr}");
    stderr
        .trim_end()
        .trim_start_matches("cockpit: ")
        .to_string()
}

/// 2026-11-21 10:00 UTC plus `minutes`, as `--at` takes it.
fn at(minutes: i64) -> String {
    common::t(minutes).to_rfc3339()
}

/// The timeline as (time, author, label, text) rows.
/// Indented lines continue the row above (a handoff's briefing, 004).
fn timeline_rows(text: &str) -> Vec<(String, String, String, String)> {
    let mut rows: Vec<(String, String, String, String)> = Vec::new();
    for l in text.lines() {
        if l.starts_with(char::is_whitespace) {
            let row = rows.last_mut().expect("a continuation follows a row");
            row.3 = format!("{} | {}", row.3, l.trim());
            continue;
        }
        let mut parts = l.split_whitespace();
        let time = parts.next().unwrap().to_string();
        let mut rest: Vec<&str> = parts.collect();
        if rest[0] == "*" {
            rest.remove(0);
        }
        let (author, label) = (rest[0].to_string(), rest[1].to_string());
        rows.push((time, author, label, rest[2..].join(" ")));
    }
    rows
}

#[test]
fn a_whole_sev1_from_declaration_to_close() {
    let d = Desk::new();
    let declared = d.ok(&[
        "declare",
        "checkout 500s",
        "--severity",
        "sev1",
        "--summary",
        "card payments fail",
        "--at",
        &at(0),
    ]);
    let id = declared.trim().to_string();
    assert!(
        id.len() == 8 && id.chars().all(|c| c.is_ascii_hexdigit()),
        "{declared:?}"
    );

    // The scribe backdates what happened before anyone declared anything.
    d.ok(&["note", "!: first 500s in the logs", "--at", &at(-10)]);
    d.ok(&["outage", "start", "--at", &at(-12)]);
    d.ok(&["role", "assign", "ic", "ann", "--at", &at(1)]);
    d.ok(&["role", "assign", "scribe", "bob", "--at", &at(1)]);
    d.ok(&[
        "role",
        "engage",
        "scribe",
        "bob",
        "--as",
        "bob",
        "--at",
        &at(2),
    ]);
    d.ok(&["role", "assign", "investigator", "cy", "--at", &at(2)]);
    d.ok(&[
        "link",
        "bridge",
        "https://meet.example/inc-42",
        "--at",
        &at(3),
    ]);
    d.ok(&["status", "partial_disruption", "--at", &at(3)]);

    // 001: an active measure waits for the IC.
    let proposed = d.ok(&[
        "action",
        "propose",
        "fail",
        "over",
        "to",
        "the",
        "replica",
        "--revert",
        "fail back",
        "--as",
        "cy",
        "--at",
        &at(5),
    ]);
    assert!(
        proposed.contains("proposed #1 fail over to the replica"),
        "{proposed}"
    );
    d.ok(&["action", "approve", "1", "--at", &at(6)]);
    d.ok(&["action", "start", "#1", "--as", "cy", "--at", &at(7)]);
    d.ok(&["action", "done", "1", "--as", "cy", "--at", &at(8)]);
    d.ok(&[
        "note",
        "--tag",
        "mitigation",
        "failed over to the replica",
        "--as",
        "bob",
        "--at",
        &at(9),
    ]);
    d.ok(&[
        "checkin",
        "--status",
        "errors down to 1%",
        "--next",
        "watch the replica",
        "--trend",
        "better",
        "--at",
        &at(15),
    ]);
    d.ok(&[
        "role",
        "handoff",
        "ic",
        "dee",
        "--briefing",
        "replica serving",
        "--at",
        &at(16),
    ]);
    // 000: command passes when the incoming IC says "I have command".
    d.ok(&["role", "accept", "ic", "--as", "dee", "--at", &at(16)]);
    d.ok(&["state", "monitoring", "--as", "dee", "--at", &at(17)]);
    d.ok(&["outage", "end", "--at", &at(19)]);
    d.ok(&["state", "resolved", "--as", "dee", "--at", &at(20)]);

    // 000: "Is anyone opposed to me closing this incident?"
    d.ok(&["close", "request", "--as", "dee", "--at", &at(21)]);
    d.ok(&[
        "close",
        "object",
        "EU",
        "still",
        "slow",
        "--as",
        "cy",
        "--at",
        &at(22),
    ]);
    let refused = d.fails(1, &["close", "confirm", "--as", "dee", "--at", &at(40)]);
    assert_eq!(refused, "1 objection(s) to closing still stand");
    d.ok(&["close", "withdraw", "--as", "cy", "--at", &at(30)]);
    // 001: watch 15 minutes after resolving (resolved at +20).
    let refused = d.fails(1, &["close", "confirm", "--as", "dee", "--at", &at(34)]);
    assert_eq!(
        refused,
        "watch the service 1m 00s more before closing (001: wait 15m after resolution)"
    );
    d.ok(&["close", "confirm", "--as", "dee", "--at", &at(35)]);

    let s = d.show(&id);
    assert_eq!(s["short"], id.as_str());
    assert_eq!(
        (s["title"].as_str(), s["summary"].as_str()),
        (Some("checkout 500s"), Some("card payments fail"))
    );
    assert_eq!(
        (s["severity"].as_str(), s["state"].as_str()),
        (Some("SEV1"), Some("closed"))
    );
    // 003: "Resolved: ... status is again Operational" (was partial_disruption).
    assert_eq!(s["service_status"], "operational");
    assert_eq!(s["commander"], "dee");
    assert_eq!(s["links"]["bridge"], "https://meet.example/inc-42");
    let time = |v: &Value| v.as_str().map(|s| s.to_string());
    let utc = |m: i64| Some(common::t(m).to_rfc3339_opts(chrono::SecondsFormat::Secs, true));
    assert_eq!(time(&s["declared_at"]), utc(0));
    assert_eq!(time(&s["outage_start"]), utc(-12));
    assert_eq!(time(&s["outage_end"]), utc(19));
    assert_eq!(time(&s["resolved_at"]), utc(20));
    assert_eq!(time(&s["closed_at"]), utc(35));
    assert_eq!(
        (s["notes"].as_u64(), s["events"].as_u64()),
        (Some(2), Some(24))
    );
    assert_eq!(s["refused"], Value::Array(vec![]));
    let action = &s["actions"][0];
    assert_eq!(
        (action["number"].as_u64(), action["status"].as_str()),
        (Some(1), Some("done"))
    );
    assert_eq!(action["proposed_by"], "cy");
    assert_eq!(action["proposal"]["revert"], "fail back");
    let steps: Vec<_> = action["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| (h["status"].as_str().unwrap(), h["by"].as_str().unwrap()))
        .collect();
    assert_eq!(
        steps,
        [
            ("proposed", "cy"),
            ("approved", "ann"),
            ("started", "cy"),
            ("done", "cy")
        ]
    );
    assert_eq!(s["checkins"][0]["checkin"]["trend"], "better");
    let roster: Vec<_> = s["roster"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            (
                h["role"].as_str().unwrap(),
                h["person"].as_str().unwrap(),
                h["released_at"].is_null(),
            )
        })
        .collect();
    assert_eq!(
        roster,
        [
            ("ic", "ann", false),
            ("scribe", "bob", true),
            ("investigator", "cy", true),
            ("ic", "dee", true)
        ]
    );
    assert_eq!(s["roster"][0]["handed_to"], "dee");
    assert_eq!(s["objections"][0]["withdrawn"], true);

    // The timeline is in the order things happened, backdated entries first.
    let rows = timeline_rows(&d.ok(&["--incident", &id, "timeline"]));
    let expected = [
        ("09:48:00Z", "ann", "[outage]"),
        ("09:50:00Z", "ann", "[noticed]"),
        ("10:00:00Z", "ann", "[declared]"),
        ("10:01:00Z", "ann", "[role]"),
        ("10:01:00Z", "ann", "[role]"),
        ("10:02:00Z", "bob", "[role]"),
        ("10:02:00Z", "ann", "[role]"),
        ("10:03:00Z", "ann", "[link]"),
        ("10:03:00Z", "ann", "[service]"),
        ("10:05:00Z", "cy", "[action]"),
        ("10:06:00Z", "ann", "[action]"),
        ("10:07:00Z", "cy", "[action]"),
        ("10:08:00Z", "cy", "[action]"),
        ("10:09:00Z", "bob", "[mitigation]"),
        ("10:15:00Z", "ann", "[check-in]"),
        ("10:16:00Z", "ann", "[handoff]"),
        ("10:16:00Z", "dee", "[handoff]"),
        ("10:17:00Z", "dee", "[state]"),
        ("10:19:00Z", "ann", "[outage]"),
        ("10:20:00Z", "dee", "[state]"),
        ("10:21:00Z", "dee", "[close]"),
        ("10:22:00Z", "cy", "[close]"),
        ("10:30:00Z", "cy", "[close]"),
        ("10:35:00Z", "dee", "[close]"),
    ];
    let got: Vec<_> = rows
        .iter()
        .map(|(t, a, l, _)| (t.as_str(), a.as_str(), l.as_str()))
        .collect();
    assert_eq!(got, expected);
    let text = |i: usize| rows[i].3.as_str();
    assert_eq!(text(0), "OUTAGE START");
    assert_eq!(text(1), "first 500s in the logs");
    assert!(text(2).contains("SEV1 \"checkout 500s\""), "{}", text(2));
    // 000: the outgoing IC's announcement with the 004 briefing, then the
    // incoming IC's "I have command".
    assert!(
        text(15).contains("ann is handing off ic to dee")
            && text(15).contains("status: replica serving"),
        "{}",
        text(15)
    );
    assert_eq!(text(16), "dee: I have command (ic)");
    assert_eq!(text(21), "objection: EU still slow");
    assert_eq!(text(23), "incident closed");

    let json_lines = d.ok(&["--incident", &id, "timeline", "--json"]);
    let kinds: Vec<String> = json_lines
        .lines()
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["kind"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(kinds.len(), 24);
    assert_eq!(kinds.first().map(String::as_str), Some("outage_started"));
    assert_eq!(kinds.last().map(String::as_str), Some("closed"));

    // Closed: nothing is open any more, and the incident refuses new work.
    let list: Value =
        serde_json::from_str(d.ok(&["list", "--json"]).lines().next().unwrap()).unwrap();
    assert_eq!(list["open"], false);
    assert_eq!(
        d.fails(1, &["--incident", &id, "severity", "SEV2"]),
        "the incident is closed; reopen it first"
    );
    d.ok(&["--incident", &id, "note", "postmortem on Monday"]);
}

#[test]
fn an_unknown_severity_lists_the_valid_ones_and_is_a_usage_error() {
    let d = Desk::new();
    let err = d.fails(2, &["declare", "db down", "--severity", "P1"]);
    assert_eq!(err, "unknown severity `P1`; valid: SEV1, SEV2, SEV3");
    assert!(
        !d.journal.exists() || d.ok(&["list", "--json"]).is_empty(),
        "nothing was declared"
    );
    d.ok(&["declare", "db down", "--severity", "SEV3"]);
    let err = d.fails(2, &["severity", "huge"]);
    assert_eq!(err, "unknown severity `huge`; valid: SEV1, SEV2, SEV3");
    assert!(
        d.fails(2, &["state", "fixed"])
            .starts_with("unknown state `fixed`; valid: investigating")
    );
    assert!(
        d.fails(2, &["role", "assign", "boss", "ann"])
            .starts_with("unknown role `boss`")
    );
    assert!(
        d.fails(2, &["note", "--tag", "gossip", "x"])
            .starts_with("unknown tag `gossip`")
    );
    assert!(
        d.fails(2, &["link", "fax", "x"])
            .starts_with("unknown link kind `fax`")
    );
    assert!(
        d.fails(2, &["status", "meh"])
            .starts_with("unknown service status `meh`")
    );
    // Bad flags, values and missing arguments are usage errors too, in one line.
    assert!(d.fails(2, &["note"]).starts_with(
        "the following required arguments were not provided: <TEXT>...; usage: cockpit note"
    ));
    assert!(
        d.fails(2, &["checkin", "--status", "x", "--trend", "up"])
            .contains("[possible values: better, same, worse]")
    );
    assert!(
        d.fails(2, &["--frob", "list"])
            .starts_with("unexpected argument '--frob' found")
    );
    assert!(
        d.fails(2, &["role"])
            .contains("assign, engage, release, handoff")
    );
    assert!(
        d.fails(2, &["note", "x", "--at", "teatime"])
            .starts_with("`teatime` is not a time")
    );
    // Help is not an error.
    assert!(d.ok(&["--help"]).contains("Usage: cockpit"));
}

#[test]
fn rule_violations_exit_1_with_one_line() {
    let d = Desk::new();
    assert_eq!(
        d.fails(1, &["note", "hello"]),
        "there is no open incident; declare one with `cockpit declare TITLE --severity SEV`"
    );
    d.ok(&["declare", "db down", "--severity", "SEV2"]);
    d.ok(&["role", "assign", "ic", "ann"]);
    assert_eq!(
        d.fails(1, &["role", "assign", "ic", "bob"]),
        "ic is held by ann; hand it off instead"
    );
    assert_eq!(d.fails(1, &["action", "approve", "3"]), "no action `3`");
    d.ok(&["action", "propose", "restart the primary"]);
    assert_eq!(
        d.fails(1, &["action", "done", "1"]),
        "action #1 is proposed; it cannot become done"
    );
    assert!(
        d.fails(1, &["state", "closed"])
            .starts_with("closed is reached by closing")
    );
    assert_eq!(
        d.fails(1, &["state", "investigating"]),
        "the incident is already investigating"
    );
    assert_eq!(
        d.fails(1, &["close", "confirm"]),
        "the incident must be resolved before it is closed (it is investigating)"
    );
    assert_eq!(
        d.fails(1, &["highlight", "ffffffff"]),
        "no event `ffffffff` in this incident"
    );
    // Nothing refused reached the journal.
    let s: Value = serde_json::from_str(&d.ok(&["show", "--json"])).unwrap();
    assert_eq!(s["events"], 3);
}

#[test]
fn the_incident_is_picked_by_prefix_or_as_the_only_open_one() {
    let d = Desk::new();
    let one = d
        .ok(&["declare", "db down", "--severity", "SEV2"])
        .trim()
        .to_string();
    d.ok(&["note", "only one open: no need to say which"]);
    let two = d
        .ok(&["declare", "dns flaps", "--severity", "SEV3"])
        .trim()
        .to_string();
    let err = d.fails(1, &["note", "which one?"]);
    assert_eq!(
        err,
        format!(
            "several incidents are open; pick one with --incident: {one} (db down), {two} (dns flaps)"
        )
    );
    d.ok(&["--incident", &two[..6], "note", "for the second"]);
    d.ok(&["note", "for the first", "--incident", &one]);
    assert_eq!(d.show(&one)["notes"], 2);
    assert_eq!(d.show(&two)["notes"], 1);
    assert_eq!(
        d.fails(1, &["--incident", "zzzz", "show"]),
        "no incident matches `zzzz`"
    );
    // Both are listed, oldest first.
    let listed: Vec<String> = d
        .ok(&["list", "--json"])
        .lines()
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["short"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(listed, [one, two]);
}

#[test]
fn journal_and_author_come_from_flags_then_environment() {
    let d = Desk::new();
    let elsewhere = d.home.path().join("elsewhere.sqlite");
    // --journal beats COCKPIT_JOURNAL.
    d.ok(&[
        "--journal",
        elsewhere.to_str().unwrap(),
        "declare",
        "db down",
        "--severity",
        "SEV2",
    ]);
    assert!(elsewhere.exists());
    assert!(
        !d.journal.exists(),
        "COCKPIT_JOURNAL was used despite --journal"
    );
    // COCKPIT_JOURNAL alone.
    d.ok(&["declare", "dns flaps", "--severity", "SEV3"]);
    assert!(d.journal.exists());

    // --as beats COCKPIT_USER, which beats the login name.
    d.ok(&["note", "from ann"]);
    d.ok(&["note", "from bob", "--as", "bob"]);
    run_ok(
        d.bare()
            .env("COCKPIT_JOURNAL", &d.journal)
            .args(["note", "from the login"]),
    );
    let authors: Vec<String> = d
        .ok(&["timeline", "--json"])
        .lines()
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["author"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(authors, ["ann", "ann", "bob", "login-name"]);

    // With neither flag nor variable, the journal lives in the user's data dir.
    run_ok(
        d.bare()
            .args(["declare", "in the default place", "--severity", "SEV3"]),
    );
    assert!(d.home.path().join("data/cockpit/journal.sqlite").exists());
}

#[test]
fn without_a_command_it_shows_the_incident() {
    let d = Desk::new();
    // Ten minutes ago, so "(10m 00s ago)" keeps its shape between the two calls.
    d.ok(&["declare", "db down", "--severity", "SEV2", "--at", "-10m"]);
    let bare = d.ok(&[]);
    assert!(bare.contains("db down") && bare.contains("SEV2"), "{bare}");
    let digits_masked = |s: &str| s.replace(|c: char| c.is_ascii_digit(), "#");
    assert_eq!(digits_masked(&bare), digits_masked(&d.ok(&["show"])));
}

fn bytes(p: &Path) -> Vec<u8> {
    fs::read(p).unwrap()
}

#[test]
fn bad_journal_paths_are_named_and_left_alone() {
    let d = Desk::new();
    let h = d.home.path();

    let missing = h.join("no/such/dir");
    let j = missing.join("journal.sqlite");
    let err = d.fails(1, &["--journal", j.to_str().unwrap(), "list"]);
    assert_eq!(
        err,
        format!("directory {} does not exist", missing.display())
    );

    let text = h.join("notes.txt");
    fs::write(&text, "milk, eggs\n".repeat(100)).unwrap();
    let err = d.fails(1, &["--journal", text.to_str().unwrap(), "note", "x"]);
    assert!(
        err.contains(text.to_str().unwrap()) && err.contains("left untouched"),
        "{err}"
    );
    assert_eq!(bytes(&text), "milk, eggs\n".repeat(100).into_bytes());
    assert_eq!(common::side_files(&text), Vec::<PathBuf>::new());

    let locked = h.join("locked");
    fs::create_dir(&locked).unwrap();
    let _guard = common::Unwritable::new(&locked);
    let j = locked.join("journal.sqlite");
    let err = d.fails(
        1,
        &[
            "--journal",
            j.to_str().unwrap(),
            "declare",
            "x",
            "--severity",
            "SEV1",
        ],
    );
    assert!(
        err.starts_with(&format!("cannot write the journal in {}", locked.display())),
        "{err}"
    );
}

/// `cockpit list` keeps its columns whatever the playbook's words: dxw's
/// `critical` is longer than SEV1, 003's states are longer than 13.
#[test]
fn list_keeps_its_columns_with_long_severities() {
    let d = Desk::new();
    d.ok(&[
        "--playbook",
        "dxw",
        "declare",
        "db down",
        "--severity",
        "critical",
    ]);
    d.ok(&[
        "--playbook",
        "dxw",
        "declare",
        "slow page",
        "--severity",
        "minor",
    ]);
    let listed = d.ok(&["list"]);
    let lines: Vec<&str> = listed.lines().collect();
    assert_eq!(lines.len(), 2, "{listed}");
    let title_at: Vec<usize> = lines
        .iter()
        .map(|l| l.find("db down").or_else(|| l.find("slow page")).unwrap())
        .collect();
    assert_eq!(
        title_at[0], title_at[1],
        "titles start in one column:\n{listed}"
    );
    let state_at: Vec<usize> = lines
        .iter()
        .map(|l| l.find("understanding").unwrap())
        .collect();
    assert_eq!(
        state_at[0], state_at[1],
        "states start in one column:\n{listed}"
    );
}

/// Every action step says what it does in `--help` (issue 13).
#[test]
fn every_action_step_has_a_description() {
    let d = Desk::new();
    let help = d.ok(&["action", "--help"]);
    for step in [
        "propose", "approve", "reject", "info", "amend", "start", "done", "fail", "revert",
    ] {
        let line = help
            .lines()
            .find(|l| l.trim_start().starts_with(step))
            .unwrap_or_else(|| panic!("{step} missing:\n{help}"));
        assert!(
            line.trim_start().len() > step.len() + 5,
            "{step} has no description:\n{help}"
        );
    }
    let declare = d.ok(&["declare", "--help"]);
    for words in [
        "What is broken",
        "The playbook's severity",
        "impact and what is known",
    ] {
        assert!(
            declare.contains(words),
            "declare --help lacks {words:?}:\n{declare}"
        );
    }
    let note = d.ok(&["note", "--help"]);
    assert!(note.contains("A tag of the playbook"), "{note}");
}

/// Issue 13, items 1 and 7 end to end: nothing dated in the future (a note
/// dated tomorrow; a close confirm dated past the 15-minute watch), no
/// lifecycle event backdated before the declaration, notes backdated freely;
/// only the IC asks to close, anyone objects.
#[test]
fn the_time_rule_and_who_closes() {
    let d = Desk::new();
    d.ok(&["declare", "db down", "--severity", "sev2", "--at", &at(0)]);
    let tomorrow = (chrono::Utc::now() + chrono::Duration::days(1)).to_rfc3339();
    let err = d.fails(1, &["note", "db is back", "--at", &tomorrow]);
    assert!(err.starts_with("the time rule:"), "{err}");
    let err = d.fails(1, &["state", "resolved", "--at", &at(-5)]);
    assert!(
        err.starts_with("the time rule: state_changed") && err.contains("before the declared"),
        "{err}"
    );
    // 000: the first customer complaint came before the declaration.
    d.ok(&["note", "first customer complaint", "--at", &at(-30)]);
    d.ok(&["role", "assign", "ic", "bob", "--at", &at(1)]);
    d.ok(&["state", "resolved", "--at", &at(20)]);
    let err = d.fails(1, &["close", "request", "--as", "carol", "--at", &at(21)]);
    assert_eq!(
        err,
        "only Incident Commander (bob) may close the incident (000: the IC asks and decides); carol may object instead"
    );
    d.ok(&["close", "request", "--as", "bob", "--at", &at(21)]);
    let ahead = (chrono::Utc::now() + chrono::Duration::minutes(16)).to_rfc3339();
    let err = d.fails(1, &["close", "confirm", "--as", "bob", "--at", &ahead]);
    assert!(err.starts_with("the time rule:"), "{err}");
    d.ok(&["close", "confirm", "--as", "bob", "--at", &at(40)]);
}

/// Issue 13, item 13: an unknown `playbook` in the config names the file,
/// line and key.
#[test]
fn an_unknown_playbook_in_the_config_is_named() {
    let d = Desk::new();
    let config = d.home.path().join("config.toml");
    fs::write(&config, "author = \"ann\"\nplaybook = \"nope\"\n").unwrap();
    let err = d.fails(1, &["list"]);
    assert!(
        err.starts_with(&format!(
            "{}:2: playbook: unknown playbook `nope`; installed: ",
            config.display()
        )),
        "{err}"
    );
    assert!(err.contains("eoc-imoc-cmoc"), "{err}");
    // `--playbook` on the command line wins over the file.
    d.ok(&[
        "--playbook",
        "default",
        "declare",
        "db down",
        "--severity",
        "sev2",
    ]);
}

/// Issue 13, item 6 (000 responder script steps 4-5): `dismiss` records the
/// verdict with its reason, closes without the ceremony, `show` says so, and
/// `report` counts it apart from the real incidents.
#[test]
fn a_false_positive_is_dismissed_and_counted_apart() {
    let d = Desk::new();
    let fp = d.ok(&[
        "declare",
        "disk alert",
        "--severity",
        "sev3",
        "--at",
        &at(0),
    ]);
    let fp = fp.trim();
    // The verdict is one of the two, and a reason is required.
    d.fails(2, &["--incident", fp, "dismiss", "flapping probe"]);
    d.fails(
        2,
        &[
            "--incident",
            fp,
            "dismiss",
            "--false-positive",
            "--not-an-incident",
            "x",
        ],
    );
    d.fails(2, &["--incident", fp, "dismiss", "--false-positive"]);
    d.ok(&[
        "role",
        "assign",
        "ic",
        "bob",
        "--incident",
        fp,
        "--at",
        &at(1),
    ]);
    let err = d.fails(
        1,
        &[
            "--incident",
            fp,
            "dismiss",
            "--false-positive",
            "flapping",
            "--at",
            &at(2),
        ],
    );
    assert!(err.starts_with("only Incident Commander (bob)"), "{err}");
    d.ok(&[
        "--incident",
        fp,
        "--as",
        "bob",
        "dismiss",
        "--false-positive",
        "flapping",
        "probe",
        "--at",
        &at(3),
    ]);
    let s = d.show(fp);
    assert_eq!(s["dismissed"]["verdict"], "false_positive", "{s}");
    assert_eq!(s["dismissed"]["reason"], "flapping probe");
    assert!(s["closed_at"].is_string(), "{s}");
    let text = d.ok(&["--incident", fp, "show"]);
    assert!(
        text.contains("closed as false positive by bob at") && text.contains("flapping probe"),
        "{text}"
    );
    let md = d.ok(&["--incident", fp, "export"]);
    assert!(
        md.contains("| Closed as | false positive: flapping probe |"),
        "{md}"
    );
    assert!(md.contains("close as false positive"), "{md}");
    // A real incident beside it: the report measures only that one.
    d.ok(&["declare", "db down", "--severity", "sev2", "--at", &at(10)]);
    let report = d.ok(&["report"]);
    assert!(report.starts_with("incidents: 1\n"), "{report}");
    assert!(
        report.contains("dismissed, not counted above: 1 (1 false positive, 0 not an incident)"),
        "{report}"
    );
    let json: Value = serde_json::from_str(&d.ok(&["report", "--json"])).unwrap();
    assert_eq!(json["overall"]["incidents"], 1);
    assert_eq!(json["dismissed"][0]["verdict"], "false_positive");
}
