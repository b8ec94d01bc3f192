//! Helpers shared by the tmux end-to-end tests (`screen_tmux`, `screen_flows`).
#![allow(dead_code)] // each test binary uses some of these helpers

use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

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

/// One tmux server of our own (`-L`), killed on drop; sessions named by user.
pub struct Tmux {
    socket: String,
}

impl Tmux {
    pub fn new(test: &str) -> Self {
        Tmux {
            socket: format!("cockpit-e2e-{test}-{}", std::process::id()),
        }
    }

    pub fn run(&self, args: &[&str]) -> Output {
        tmux(&self.socket, args)
    }

    /// A cockpit for `user` in a session of that name, 100x36: the layout
    /// where the loop pane shows its countdown as plain digits.
    pub fn open(&self, home: &Path, journal: &Path, user: &str) {
        self.open_with(home, journal, user, "");
    }

    /// Like `open`, with more `NAME=value` words for `env` (e.g. an
    /// endpoint's secret).
    pub fn open_with(&self, home: &Path, journal: &Path, user: &str, env: &str) {
        let script = format!(
            "env HOME='{home}' XDG_CONFIG_HOME='{home}/config' XDG_DATA_HOME='{home}/data' \
             COCKPIT_USER={user} {env} '{BIN}' --journal '{journal}'; exec sleep 600",
            home = home.display(),
            journal = journal.display(),
        );
        self.run(&[
            "new-session",
            "-d",
            "-s",
            user,
            // The cockpit's cwd is the temporary home: an export lands there.
            "-c",
            &home.display().to_string(),
            "-x",
            "100",
            "-y",
            "36",
            "sh",
            "-c",
            &script,
        ]);
    }

    pub fn screen(&self, who: &str) -> String {
        String::from_utf8_lossy(&self.run(&["capture-pane", "-p", "-t", who]).stdout).into_owned()
    }

    /// Keys by tmux name ("Enter", "Tab", "Right") or single characters.
    pub fn keys(&self, who: &str, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", who];
        args.extend_from_slice(keys);
        self.run(&args);
    }

    pub fn type_text(&self, who: &str, text: &str) {
        self.run(&["send-keys", "-t", who, "-l", text]);
    }

    /// Poll `who`'s screen until `found` holds for it; the screen then.
    pub fn wait(
        &self,
        who: &str,
        what: &str,
        within: Duration,
        found: impl Fn(&str) -> bool,
    ) -> String {
        let start = Instant::now();
        loop {
            let screen = self.screen(who);
            if found(&screen) {
                return screen;
            }
            if start.elapsed() > within {
                panic!("{who}: {what}: not on screen after {within:?}:\n{screen}");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    pub fn wait_line(&self, who: &str, what: &str, within: Duration, found: impl Fn(&str) -> bool) {
        self.wait(who, what, within, |s| s.lines().any(&found));
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["-L", &self.socket, "kill-server"])
            .output();
    }
}

/// The child process of `parent` named `name`, from /proc.
pub fn child_named(parent: u32, name: &str) -> Option<u32> {
    for entry in std::fs::read_dir("/proc").ok()?.flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
            continue;
        };
        // "pid (comm) state ppid ...": comm may hold spaces, so split at the last ')'.
        let (Some(open), Some(close)) = (stat.find('('), stat.rfind(')')) else {
            continue;
        };
        let comm = &stat[open + 1..close];
        let ppid = stat[close + 1..].split_whitespace().nth(1);
        if comm == name && ppid == Some(&parent.to_string()) {
            return Some(pid);
        }
    }
    None
}

/// Is tmux here? Skipped loudly when not, and a failure when the screen
/// stage (`COCKPIT_SCREEN_E2E`) promised it.
pub fn tmux_available() -> bool {
    let ok = Command::new("tmux")
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        assert!(
            std::env::var_os("COCKPIT_SCREEN_E2E").is_none(),
            "COCKPIT_SCREEN_E2E is set but tmux is missing: run tests/support/screen.sh"
        );
        println!("skipped: tmux is not installed (tests/support/screen.sh installs it)");
    }
    ok
}
