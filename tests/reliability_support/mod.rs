//! Helpers for the reliability tests (issue 10): the real binary on a journal
//! of the test's own, and in a tmux pane of a tmux server of the test's own.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

pub const BIN: &str = env!("CARGO_BIN_EXE_cockpit");

/// `cockpit --journal J ARGS...` with a clean home under `home`.
pub fn cockpit(home: &Path, journal: &Path, args: &[&str]) -> Command {
    let mut c = Command::new(BIN);
    c.env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_DATA_HOME", home.join("data"))
        .env("COCKPIT_CONFIG", home.join("no-config.toml"))
        .env("COCKPIT_USER", "ann")
        .env("TZ", "UTC")
        .arg("--journal")
        .arg(journal)
        .args(args);
    c
}

/// Run and expect success; stdout.
pub fn ok(home: &Path, journal: &Path, args: &[&str]) -> String {
    let out = cockpit(home, journal, args).output().expect("run cockpit");
    assert!(
        out.status.success(),
        "cockpit {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The texts of the notes in the incident's timeline, in journal order.
/// (Journal order is `seq`: the order the notes were committed.)
pub fn note_texts(home: &Path, journal: &Path) -> Vec<String> {
    let mut events: Vec<serde_json::Value> = ok(home, journal, &["--json", "timeline"])
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|e| e["kind"] == "note")
        .collect();
    events.sort_by_key(|e| e["seq"].as_i64());
    events
        .iter()
        .filter_map(|e| e["body"]["text"].as_str().map(str::to_string))
        .collect()
}

/// `PRAGMA integrity_check` on a copy-free read-only connection, after
/// every cockpit has exited.
pub fn integrity(journal: &Path) -> String {
    let conn =
        rusqlite::Connection::open_with_flags(journal, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .unwrap();
    conn.query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap()
}

pub fn tmux_available() -> bool {
    Command::new("tmux")
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Without tmux: fail when the stage script asked for these tests, else
/// say why loudly and skip.
pub fn need_tmux(test: &str) -> bool {
    if tmux_available() {
        return true;
    }
    assert!(
        std::env::var_os("COCKPIT_RELIABILITY_E2E").is_none(),
        "COCKPIT_RELIABILITY_E2E is set but tmux is missing: run tests/support/reliability.sh"
    );
    eprintln!("SKIPPED {test}: tmux is not installed (tests/support/reliability.sh installs it)");
    false
}

/// One tmux server of our own (`-L`), killed on drop.
pub struct Tmux {
    socket: String,
}

impl Tmux {
    pub fn new(tag: &str) -> Self {
        Tmux {
            socket: format!("cockpit-rel-{tag}-{}", std::process::id()),
        }
    }

    pub fn run(&self, args: &[&str]) -> Output {
        let out = Command::new("tmux")
            .args(["-L", &self.socket, "-f", "/dev/null"])
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

    /// The cockpit on `journal` in a 120x36 pane; when it exits the shell
    /// prints its exit code and the terminal modes it left.
    pub fn start(&self, home: &Path, journal: &Path, env: &str) {
        let script = format!(
            "env HOME='{home}' XDG_CONFIG_HOME='{home}/config' XDG_DATA_HOME='{home}/data' \
             COCKPIT_CONFIG='{home}/no-config.toml' COCKPIT_USER=ann {env} '{BIN}' --journal '{journal}'; \
             echo \"COCKPIT-EXITED:$?\"; stty -a | tr ' ;' '\\n\\n' | grep -x -e '-*icanon' -e '-*echo' | tr '\\n' ' '; \
             echo; exec sleep 600",
            home = home.display(),
            journal = journal.display(),
        );
        self.run(&[
            "new-session",
            "-d",
            "-s",
            "cockpit",
            "-x",
            "120",
            "-y",
            "36",
            "sh",
            "-c",
            &script,
        ]);
    }

    pub fn screen(&self) -> String {
        String::from_utf8_lossy(&self.run(&["capture-pane", "-p", "-t", "cockpit"]).stdout)
            .into_owned()
    }

    pub fn format(&self, f: &str) -> String {
        String::from_utf8_lossy(
            &self
                .run(&["display-message", "-p", "-t", "cockpit", f])
                .stdout,
        )
        .trim()
        .to_string()
    }

    pub fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", "cockpit"];
        args.extend_from_slice(keys);
        self.run(&args);
    }

    pub fn type_text(&self, text: &str) {
        self.run(&["send-keys", "-t", "cockpit", "-l", text]);
    }

    /// A bracketed paste of `text` (what a terminal sends for Ctrl-Shift-V).
    pub fn paste(&self, text: &str, scratch: &Path) {
        let file = scratch.join("paste.txt");
        std::fs::write(&file, text).unwrap();
        self.run(&["load-buffer", "-b", "p", &file.display().to_string()]);
        self.run(&["paste-buffer", "-p", "-d", "-b", "p", "-t", "cockpit"]);
    }

    /// Poll the screen until a line satisfies `found`; how long it took.
    pub fn wait_line(
        &self,
        what: &str,
        within: Duration,
        found: impl Fn(&str) -> bool,
    ) -> Duration {
        let start = Instant::now();
        loop {
            let screen = self.screen();
            if screen.lines().any(&found) {
                return start.elapsed();
            }
            if start.elapsed() > within {
                panic!("{what}: not on screen after {within:?}:\n{screen}");
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// The cockpit process in the pane.
    pub fn cockpit_pid(&self) -> u32 {
        let shell: u32 = self.format("#{pane_pid}").parse().unwrap();
        child_named(shell, "cockpit").expect("the cockpit process")
    }

    /// After the cockpit exited: its exit line, and the terminal given back.
    pub fn assert_restored(&self, how: &str) -> String {
        self.wait_line(
            &format!("{how}: exit and terminal modes"),
            Duration::from_secs(10),
            |l| l.contains("icanon"),
        );
        let screen = self.screen();
        assert_eq!(
            self.format("#{alternate_on}"),
            "0",
            "{how}: alternate screen left"
        );
        assert_eq!(self.format("#{cursor_flag}"), "1", "{how}: cursor hidden");
        assert_eq!(
            self.format("#{mouse_any_flag}"),
            "0",
            "{how}: mouse capture on"
        );
        let modes = screen.lines().find(|l| l.contains("icanon")).unwrap();
        assert!(
            modes.split_whitespace().any(|m| m == "icanon")
                && modes.split_whitespace().any(|m| m == "echo"),
            "{how}: raw mode left on: {modes}"
        );
        screen
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

/// A tmpfs of `size` mounted at `dir` (root only), unmounted on drop.
pub struct Tmpfs(pub PathBuf);

impl Tmpfs {
    /// `None` (with a loud message) when not root.
    pub fn mount(dir: &Path, size: &str) -> Option<Self> {
        if !rustix::process::geteuid().is_root() {
            eprintln!(
                "SKIPPED: mounting a small filesystem needs root (CI runs as root); \
                 the full-disk test did NOT run"
            );
            return None;
        }
        std::fs::create_dir_all(dir).unwrap();
        let st = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir)
            .status()
            .expect("run mount");
        assert!(st.success(), "mount -t tmpfs failed");
        Some(Self(dir.into()))
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.0).status();
    }
}

/// Fill the filesystem holding `dir` with a file until no byte is left.
pub fn fill(dir: &Path) -> PathBuf {
    use std::io::Write;
    let path = dir.join("filler");
    let mut f = std::fs::File::create(&path).unwrap();
    let chunk = vec![0xAAu8; 4096];
    loop {
        match f.write(&chunk) {
            Ok(0) | Err(_) => break,
            Ok(_) => {}
        }
    }
    // Byte by byte for the last partial block.
    while f.write(&[0]).is_ok_and(|n| n == 1) {}
    path
}
