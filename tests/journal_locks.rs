//! Nothing lost when another program reads the journal under a running
//! cockpit (issue 10, defect 1).
//!
//! On Linux, closing any descriptor of a file drops every POSIX lock the
//! process holds on it. The cockpit once opened and closed the journal with
//! `std::fs::File` (a header check) while its screen connection was open and
//! the sync worker opened its own: the process was left holding no lock, so
//! an ordinary SQLite client that opened and closed the journal (the `sqlite3`
//! shell, a Python script, a backup tool) took itself for the last user and
//! deleted `-wal` and `-shm` under the running cockpit. From then on the
//! cockpit and other processes wrote to different WAL files, and notes that
//! were acknowledged disappeared on kill or quit.
//!
//! Here: a real cockpit in tmux with an endpoint configured (so the sync
//! worker opens the journal a second time), a Python `sqlite3` reader opens
//! and closes the journal, then a note from the shell and one from the
//! screen; the cockpit is killed (and, in a second round, quits), and every
//! note is still there.
//!
//! Needs tmux and python3 (`tests/support/screen.sh` installs tmux and sets
//! `COCKPIT_SCREEN_E2E=1`).

use std::path::Path;
use std::process::Command;
use std::time::Duration;

mod e2e_common;
use e2e_common::{Tmux, child_named};

const BIN: &str = env!("CARGO_BIN_EXE_cockpit");
const KEY_ENV: &str = "LOCKS_PD_KEY=not-a-real-key";

/// `cockpit` on the test journal with the endpoint's secret in the environment.
fn cockpit(home: &Path, journal: &Path, args: &[&str]) -> String {
    let out = Command::new(BIN)
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_DATA_HOME", home.join("data"))
        .env("COCKPIT_USER", "sam")
        .env("LOCKS_PD_KEY", "not-a-real-key")
        .arg("--journal")
        .arg(journal)
        .args(args)
        .output()
        .expect("run cockpit");
    assert!(
        out.status.success(),
        "cockpit {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Another program reads the journal the ordinary way: open, query, close.
fn outside_reader(journal: &Path) {
    let out = Command::new("python3")
        .arg("-c")
        .arg(
            "import sqlite3, sys\n\
             c = sqlite3.connect(sys.argv[1])\n\
             print(c.execute('SELECT count(*) FROM events').fetchone()[0])\n\
             c.close()",
        )
        .arg(journal)
        .output()
        .expect("run python3");
    assert!(
        out.status.success(),
        "python3 reader: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn integrity(journal: &Path) -> String {
    let out = Command::new("python3")
        .arg("-c")
        .arg(
            "import sqlite3, sys\n\
             c = sqlite3.connect(sys.argv[1])\n\
             print(c.execute('PRAGMA integrity_check').fetchone()[0])\n\
             c.close()",
        )
        .arg(journal)
        .output()
        .expect("run python3");
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

fn tools_available() -> bool {
    let ok = |cmd: &str, arg: &str| {
        Command::new(cmd)
            .arg(arg)
            .output()
            .is_ok_and(|o| o.status.success())
    };
    ok("tmux", "-V") && ok("python3", "--version")
}

/// The cockpit for `sam`, with the sync worker running (a row pending for
/// an endpoint nobody answers), its journal read by another program.
fn open_and_read_from_outside(tmux: &Tmux, home: &Path, journal: &Path) {
    tmux.open_with(home, journal, "sam", KEY_ENV);
    tmux.wait_line(
        "sam",
        "the sync worker's pending row",
        Duration::from_secs(20),
        |l| l.contains("pending"),
    );
    let wal = journal.with_extension("db-wal");
    assert!(wal.exists(), "the running cockpit has a WAL");
    outside_reader(journal);
    assert!(
        wal.exists(),
        "another program's open and close deleted the WAL under the running cockpit: \
         the cockpit's connections hold no POSIX lock"
    );
}

fn write_both(tmux: &Tmux, home: &Path, journal: &Path, round: &str) {
    cockpit(
        home,
        journal,
        &["note", &format!("from the shell, {round}")],
    );
    tmux.keys("sam", &["n"]);
    tmux.type_text("sam", &format!("from the screen, {round}"));
    tmux.keys("sam", &["Enter"]);
    // Saved: on the timeline, no longer "saving…".
    let text = format!("from the screen, {round}");
    tmux.wait(
        "sam",
        "the saved screen note",
        Duration::from_secs(10),
        |s| s.contains(&text) && !s.contains("saving…"),
    );
    // The shell's note is on screen too (the cockpit reads the same WAL).
    let shell = format!("from the shell, {round}");
    tmux.wait("sam", "the shell's note", Duration::from_secs(5), |s| {
        s.contains(&shell)
    });
}

#[test]
fn notes_survive_another_program_reading_the_journal() {
    if !tools_available() {
        assert!(
            std::env::var_os("COCKPIT_SCREEN_E2E").is_none(),
            "COCKPIT_SCREEN_E2E is set but tmux or python3 is missing"
        );
        println!("skipped: tmux or python3 is not installed");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path();
    let config = home.join("config/cockpit");
    std::fs::create_dir_all(&config).unwrap();
    // An endpoint on a loopback port nobody listens on: the worker runs,
    // its rows stay pending.
    std::fs::write(
        config.join("config.toml"),
        "[[endpoint]]\nname = \"pd\"\nkind = \"pagerduty\"\n\
         url = \"http://127.0.0.1:9/v2/enqueue\"\nrouting_key = \"env:LOCKS_PD_KEY\"\n",
    )
    .unwrap();
    let journal = home.join("journal.db");
    cockpit(
        home,
        &journal,
        &["declare", "db down", "--severity", "SEV1"],
    );

    // Round 1: killed.
    let tmux = Tmux::new("locks");
    open_and_read_from_outside(&tmux, home, &journal);
    write_both(&tmux, home, &journal, "round 1");
    let shell: u32 = String::from_utf8_lossy(
        &tmux
            .run(&["display-message", "-p", "-t", "sam", "#{pane_pid}"])
            .stdout,
    )
    .trim()
    .parse()
    .expect("pane pid");
    let pid = child_named(shell, "cockpit").expect("the cockpit process");
    Command::new("kill")
        .args(["-KILL", &pid.to_string()])
        .status()
        .unwrap();
    std::thread::sleep(Duration::from_millis(300));
    drop(tmux);

    // Round 2: quits.
    let tmux = Tmux::new("locks2");
    open_and_read_from_outside(&tmux, home, &journal);
    write_both(&tmux, home, &journal, "round 2");
    tmux.keys("sam", &["q"]);
    std::thread::sleep(Duration::from_millis(500));
    drop(tmux);

    outside_reader(&journal);
    let timeline = cockpit(home, &journal, &["timeline"]);
    for round in ["round 1", "round 2"] {
        for from in ["the shell", "the screen"] {
            let note = format!("from {from}, {round}");
            assert!(timeline.contains(&note), "lost: {note}\n{timeline}");
        }
    }
    assert_eq!(integrity(&journal), "ok");
}
