//! End to end, with keys: the seeds' flows in the real `cockpit` binary under
//! tmux. A check-in comes due on a one-minute loop, the banner shows, and the
//! check-in form restarts the countdown (001). Two cockpits on one journal,
//! ann's and bob's, hand off command (000, 004: the announcement, then "I
//! have command") and close with an objection that holds the incident open
//! until it is withdrawn (000), after the watch (001).
//!
//! Needs tmux: `tests/support/screen.sh` installs it and sets
//! `COCKPIT_SCREEN_E2E=1`; without tmux and without that variable the tests
//! say why and pass. The clocks run on real time here (it is the real binary),
//! so the test playbook's loop is one minute and every wait polls the screen
//! against a deadline instead of sleeping.

use std::path::{Path, PathBuf};
use std::time::Duration;

mod e2e_common;
use e2e_common::{Tmux, cli, tmux_available};

/// The default playbook, with clocks short enough to watch in a test.
const LOOP_SECS: i64 = 60;

/// A home with the `fast` playbook installed: the default one with a
/// one-minute check-in loop and a ten-second watch after resolution.
fn home_with_fast_playbook() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let playbooks = dir.path().join("config/cockpit/playbooks");
    std::fs::create_dir_all(&playbooks).unwrap();
    let default = include_str!("../assets/playbooks/default.toml");
    let mut fast = String::new();
    for line in default.lines() {
        let key = line.split('=').next().unwrap_or("").trim();
        let line = match key {
            "name" if line.contains("\"default\"") => "name = \"fast\"",
            "checkin_min" => "checkin_min = \"1m\"",
            "checkin_max" => "checkin_max = \"2m\"",
            "due_soon" => "due_soon = \"10s\"",
            "overdue_after" => "overdue_after = \"1m\"",
            "resolved_watch" => "resolved_watch = \"10s\"",
            _ => line,
        };
        fast.push_str(line);
        fast.push('\n');
    }
    assert!(fast.contains("name = \"fast\"") && fast.contains("checkin_min = \"1m\""));
    let file = playbooks.join("fast.toml");
    std::fs::write(&file, fast).unwrap();
    let journal = dir.path().join("journal.db");
    let checked = cli(
        dir.path(),
        &journal,
        "ann",
        &["playbook", "check", file.to_str().unwrap()],
    );
    assert!(checked.contains("ok"), "{checked}");
    (dir, journal)
}

/// The incident's state, as `cockpit --json show` has it.
fn state(home: &Path, journal: &Path, id: &str) -> String {
    let shown = cli(home, journal, "bob", &["--json", "--incident", id, "show"]);
    let shown: serde_json::Value =
        serde_json::from_str(&shown).unwrap_or_else(|e| panic!("{e}: {shown}"));
    shown["state"].as_str().unwrap_or_default().to_string()
}

/// The loop pane's countdown in seconds: the "mm:ss" on the line under
/// `label`, in the right-hand pane of the 100-column layout.
fn countdown(screen: &str, label: &str) -> Option<i64> {
    let lines: Vec<&str> = screen.lines().collect();
    let at = lines.iter().position(|l| l.contains(label))?;
    let pane = lines.get(at + 1)?.split("││").nth(1)?;
    let digits = pane.split_whitespace().next()?;
    let (m, s) = digits.split_once(':')?;
    Some(m.parse::<i64>().ok()? * 60 + s.parse::<i64>().ok()?)
}

#[test]
fn a_check_in_comes_due_and_the_form_restarts_the_loop() {
    if !tmux_available() {
        return;
    }
    let (dir, journal) = home_with_fast_playbook();
    let home = dir.path();
    // Declared 52 s ago on a 1-minute loop: the check-in comes due in ~8 s.
    cli(
        home,
        &journal,
        "ann",
        &[
            "declare",
            "db down",
            "--severity",
            "SEV1",
            "--playbook",
            "fast",
            "--at",
            "-52s",
        ],
    );
    cli(home, &journal, "ann", &["role", "assign", "ic", "ann"]);

    let tmux = Tmux::new("checkin");
    tmux.open(home, &journal, "ann");
    // The countdown, before it comes due: under the loop, and running down.
    let screen = tmux.wait("ann", "the countdown", Duration::from_secs(20), |s| {
        s.contains("Check-in loop · #1") && countdown(s, "next check-in in").is_some()
    });
    let first = countdown(&screen, "next check-in in").unwrap();
    assert!((1..=10).contains(&first), "countdown {first}s:\n{screen}");
    assert!(!screen.contains("Check-in due"), "{screen}");

    // It comes due: the banner with the keys to ack or snooze, and the pane says so.
    let due = tmux.wait("ann", "the banner", Duration::from_secs(15), |s| {
        s.lines()
            .any(|l| l.contains("⚠ Check-in due") && l.contains("A ack · Z snooze"))
    });
    assert!(due.contains("check-in due now; overdue in"), "{due}");
    let overdue_in = countdown(&due, "check-in due now; overdue in").unwrap();
    assert!(
        (LOOP_SECS - 10..=LOOP_SECS).contains(&overdue_in),
        "a 1m-2m loop is overdue a minute after it is due: {overdue_in}s\n{due}"
    );

    // c opens the check-in form: trend → better, Tab to the status, Tab to the
    // course of action (no mitigation to review), Enter on the last field saves.
    tmux.keys("ann", &["c"]);
    let form = tmux.wait("ann", "the check-in form", Duration::from_secs(5), |s| {
        s.contains("Check-in (001 loop)")
    });
    assert!(
        form.contains("next 1m-2m"),
        "the form names the playbook's loop:\n{form}"
    );
    tmux.keys("ann", &["Right", "Tab"]);
    tmux.type_text("ann", "errors falling since the failover");
    tmux.keys("ann", &["Tab"]);
    tmux.type_text("ann", "watch replica lag");
    tmux.wait_line("ann", "the filled form", Duration::from_secs(5), |l| {
        l.contains("◀ better ▶")
    });
    tmux.wait_line("ann", "the course of action", Duration::from_secs(5), |l| {
        l.contains("watch replica lag")
    });
    tmux.keys("ann", &["Enter"]);

    // Saved: iteration #2, a fresh countdown of about the loop, no banner, on the timeline.
    let after = tmux.wait("ann", "the restarted loop", Duration::from_secs(5), |s| {
        s.contains("Check-in loop · #2") && s.contains("[check-in]")
    });
    let fresh = countdown(&after, "next check-in in")
        .unwrap_or_else(|| panic!("no countdown after the check-in:\n{after}"));
    assert!(
        (LOOP_SECS - 5..=LOOP_SECS).contains(&fresh),
        "countdown restarted at {fresh}s:\n{after}"
    );
    assert!(!after.contains("Check-in due"), "banner gone:\n{after}");
    assert!(
        !after.contains("Check-in (001 loop)"),
        "form closed:\n{after}"
    );
    assert!(after.contains("trend ↑"), "{after}");
    assert!(
        after.lines().any(|l| l.contains("[check-in]")
            && l.contains("check-in (better): errors falling since the failover")),
        "{after}"
    );
    let timeline = cli(home, &journal, "ann", &["timeline"]);
    assert!(
        timeline.contains(
            "check-in (better): errors falling since the failover; next: watch replica lag"
        ),
        "{timeline}"
    );
}

#[test]
fn handoff_and_close_with_an_objection_from_two_screens() {
    if !tmux_available() {
        return;
    }
    let (dir, journal) = home_with_fast_playbook();
    let home = dir.path();
    let declared = cli(
        home,
        &journal,
        "ann",
        &[
            "declare",
            "payments failing",
            "--severity",
            "SEV2",
            "--playbook",
            "fast",
        ],
    );
    // `declare` prints the new incident's id; a closed incident is named by it.
    let id = declared.split_whitespace().next().unwrap().to_string();
    cli(home, &journal, "ann", &["role", "assign", "ic", "ann"]);

    let tmux = Tmux::new("handoff");
    tmux.open(home, &journal, "ann");
    tmux.open(home, &journal, "bob");
    let long = Duration::from_secs(20);
    let short = Duration::from_secs(5);
    for who in ["ann", "bob"] {
        tmux.wait_line(who, "the incident", long, |l| l.contains("IC: ann"));
    }

    // ann hands off: H, bob, Tab to the status (prefilled from the journal,
    // typed on), Enter through the briefing, Enter on the last field announces.
    tmux.keys("ann", &["H"]);
    tmux.wait_line("ann", "the handoff form", short, |l| {
        l.contains("Hand off Incident Commander")
    });
    tmux.type_text("ann", "bob");
    tmux.keys("ann", &["Tab"]);
    tmux.type_text("ann", "card auth timeouts, failover in progress");
    tmux.wait_line("ann", "the typed status", short, |l| {
        l.contains("Status") && l.contains("card auth timeouts, failover in progress")
    });
    // Fields: hand to, status, open, eliminated, last update, channels, people.
    tmux.keys("ann", &["Enter", "Enter", "Enter", "Enter", "Enter"]);
    tmux.keys("ann", &["Enter"]);
    for who in ["ann", "bob"] {
        let s = tmux.wait(who, "the pending handoff", short, |s| {
            s.contains("→ bob incoming")
        });
        assert!(
            s.contains("IC: ann"),
            "ann holds command until bob says so:\n{s}"
        );
    }

    // bob: "I have command".
    tmux.keys("bob", &["Y"]);
    for who in ["ann", "bob"] {
        let s = tmux.wait(who, "bob in command", short, |s| {
            s.contains("IC: bob") && s.contains("I have command (ic)")
        });
        assert!(
            s.lines()
                .any(|l| l.contains("Incident Commander") && l.contains("bob")),
            "{s}"
        );
        assert!(!s.contains("waits for"), "{s}");
        assert!(
            s.lines()
                .any(|l| l.contains("[handoff]") && l.contains("ann is handing off ic to bob")),
            "{s}"
        );
    }

    // bob resolves from the `:` line (the default playbook asks a reason).
    tmux.keys("bob", &[":"]);
    tmux.wait_line("bob", "the command line", short, |l| {
        l.contains(": command")
    });
    tmux.type_text("bob", "state resolved --reason 'auth errors at baseline'");
    tmux.keys("bob", &["Enter"]);
    tmux.wait_line("bob", "resolved", short, |l| l.contains("│ Resolved │"));

    // bob asks the room; the close overlay shows 001's watch while it runs.
    tmux.keys("bob", &["X"]);
    let s = tmux.wait("bob", "the close overlay", short, |s| {
        s.contains("Close the incident")
    });
    assert!(s.contains("watching the service"), "{s}");
    tmux.keys("bob", &["r"]);
    tmux.wait_line("bob", "the question asked", short, |l| {
        l.contains("asked by bob")
    });
    tmux.wait_line("ann", "the question on ann's timeline", short, |l| {
        l.contains("[close]") && l.contains("Is anyone opposed to me closing this incident?")
    });

    // ann objects: X, o, the reason, Enter.
    tmux.keys("ann", &["X"]);
    tmux.wait_line("ann", "ann's close overlay", short, |l| {
        l.contains("Close the incident")
    });
    tmux.keys("ann", &["o"]);
    tmux.wait_line("ann", "the objection prompt", short, |l| {
        l.contains("Object to closing: why?")
    });
    tmux.type_text("ann", "the payments queue is still draining");
    tmux.keys("ann", &["Enter"]);

    // bob's overlay shows it, and c is refused while it stands.
    tmux.wait_line("bob", "the objection", short, |l| {
        l.contains("objection by ann: the payments queue is still draining")
    });
    tmux.keys("bob", &["c"]);
    let s = tmux.wait("bob", "the refusal", short, |s| {
        s.lines()
            .last()
            .is_some_and(|l| l.contains("objection(s) to closing still stand"))
    });
    assert!(s.contains("│ Resolved │"), "still open:\n{s}");
    assert_eq!(state(home, &journal, &id), "resolved");

    // ann withdraws (X, w); once the watch is over, bob closes.
    tmux.keys("ann", &["X"]);
    tmux.wait_line("ann", "ann's close overlay again", short, |l| {
        l.contains("Close the incident")
    });
    tmux.keys("ann", &["w"]);
    tmux.wait_line("ann", "the withdrawal", short, |l| l.contains("withdrawn"));
    tmux.wait_line("bob", "ready to close", long, |l| {
        l.contains("ready: c closes the incident")
    });
    tmux.keys("bob", &["c"]);
    for who in ["bob", "ann"] {
        tmux.wait_line(who, "closed", short, |l| l.contains("│ Closed │"));
    }
    let s = tmux.screen("bob");
    assert!(
        s.contains("ago: Esc leaves"),
        "the overlay says closed:\n{s}"
    );
    assert_eq!(state(home, &journal, &id), "closed");
    let timeline = cli(home, &journal, "bob", &["--incident", &id, "timeline"]);
    for line in [
        "ann is handing off ic to bob",
        "bob: I have command (ic)",
        "state resolved: auth errors at baseline",
        "Is anyone opposed to me closing this incident?",
        "objection: the payments queue is still draining",
        "withdrawn",
    ] {
        assert!(timeline.contains(line), "{line:?} not in:\n{timeline}");
    }
}
