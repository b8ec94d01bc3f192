//! Helpers shared by the tmux end-to-end tests (`screen_tmux`, `screen_flows`).

use std::path::Path;
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_cockpit");

/// `cockpit` on the test journal, with a clean home (no user config or keymap).
pub fn cli(home: &Path, journal: &Path, author: &str, args: &[&str]) -> String {
    let out = Command::new(BIN)
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_DATA_HOME", home.join("data"))
        .env("COCKPIT_USER", author)
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

/// Run tmux on our own server (`-L socket`, no user config); it must succeed.
pub fn tmux(socket: &str, args: &[&str]) -> Output {
    let out = Command::new("tmux")
        .args(["-L", socket, "-f", "/dev/null"])
        .args(args)
        .output()
        .expect("run tmux");
    assert!(
        out.status.success(),
        "tmux {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}
