//! Issue 12, copy with OSC 52: `y y` copies the selected timeline entry,
//! `y b` the 004 briefing, `y u` the status update text, each with a
//! message; in a real tmux with `set-clipboard on` the entry lands in
//! tmux's paste buffer (tmux(1): "accept the escape sequence to create a
//! buffer"), so the sequence is proven to be one a terminal takes.

mod e2e_common;
mod support;

use std::process::Command;
use std::time::Duration;
use support::*;

#[test]
fn each_copy_key_sends_its_text_and_says_so() {
    let story = checkout_outage();
    let mut s = Screen::new();
    s.open_one(&story);
    let last = story.rows().last().unwrap().text.clone();
    s.keys(&["y", "y"]);
    assert_eq!(s.copied.len(), 1);
    assert!(s.copied[0].contains(&last), "{:?}", s.copied);
    let said = s.m.status.clone().unwrap().text;
    assert!(said.contains("copied the timeline entry"), "{said}");

    s.keys(&["y", "u"]);
    assert!(
        s.copied[1].contains("Checkout API returning 502s"),
        "{:?}",
        s.copied[1]
    );
    assert!(s.m.status.clone().unwrap().text.contains("status update"));

    s.keys(&["y", "b"]);
    assert!(s.copied[2].contains("Status: "), "{:?}", s.copied[2]);
    assert!(s.copied[2].contains("Key people: "), "{:?}", s.copied[2]);
    assert!(s.m.status.clone().unwrap().text.contains("briefing"));
}

#[test]
fn nothing_to_copy_says_so() {
    let mut s = Screen::new();
    s.reply(cockpit::services::worker::Reply::Incidents(Vec::new()));
    s.key("esc");
    s.keys(&["y", "y"]);
    assert!(s.copied.is_empty());
    assert!(s.m.status.clone().unwrap().text.contains("nothing to copy"));
}

#[test]
fn the_entry_reaches_tmux_s_clipboard() {
    if !e2e_common::tmux_available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path();
    let journal = home.join("journal.db");
    let cli = e2e_common::cli;
    cli(
        home,
        &journal,
        "ann",
        &["declare", "db down", "--severity", "SEV1"],
    );
    cli(
        home,
        &journal,
        "ann",
        &["note", "replica lag 40 s \u{1b}[2J ✓"],
    );
    let tmux = e2e_common::Tmux::new("copy");
    tmux.open(home, &journal, "ann");
    tmux.run(&["set-option", "-s", "set-clipboard", "on"]);
    let within = Duration::from_secs(20);
    tmux.wait_line("ann", "the note", within, |l| {
        l.contains("replica lag 40 s")
    });
    tmux.keys("ann", &["y", "y"]);
    tmux.wait_line("ann", "the message", within, |l| {
        l.contains("copied the timeline")
    });
    let mut buffer = String::new();
    for _ in 0..100 {
        let out = Command::new("tmux")
            .args(["-L", &format!("cockpit-e2e-copy-{}", std::process::id())])
            .args(["show-buffer"])
            .output()
            .unwrap();
        buffer = String::from_utf8_lossy(&out.stdout).into_owned();
        if buffer.contains("replica lag") {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(
        buffer.contains("replica lag 40 s"),
        "tmux buffer: {buffer:?}"
    );
    assert!(buffer.contains("ann"), "{buffer:?}");
    assert!(
        !buffer.contains('\u{1b}'),
        "no escape reaches the clipboard: {buffer:?}"
    );
}
