//! Issue 10, suite item 3: bad journals through the real binary. Truncated,
//! random bytes, a newer schema, another program's database, a read-only
//! file, a file another process keeps locked, an empty file: each gets one
//! clear line on stderr naming the file, and none is modified (SHA-256 of the
//! file and its side files before and after). A command that only reads
//! (`show`, `timeline`, `list`) never creates or initialises a journal.

use rusqlite::Connection;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_cockpit");

/// `cockpit --journal PATH ARGS...` with a clean home, no config.
fn cockpit(journal: &Path, env: &[(&str, &str)], args: &[&str]) -> Output {
    let home = journal.parent().unwrap().join("home");
    let mut c = Command::new(BIN);
    c.env("HOME", &home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_DATA_HOME", home.join("data"))
        .env("COCKPIT_CONFIG", home.join("no-config.toml"))
        .env("COCKPIT_USER", "ann")
        .env_remove("COCKPIT_BUSY_TIMEOUT_MS")
        .arg("--journal")
        .arg(journal)
        .args(args);
    for (k, v) in env {
        c.env(k, v);
    }
    c.output().expect("run cockpit")
}

fn ok(journal: &Path, args: &[&str]) -> String {
    let out = cockpit(journal, &[], args);
    assert!(
        out.status.success(),
        "cockpit {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The file and its `-wal` and `-journal`, hashed (absent ones as absent).
/// Not `-shm`: the WAL index is shared memory that every reader writes its
/// read marks into, not content.
fn fingerprint(path: &Path) -> Vec<(PathBuf, Option<Vec<u8>>)> {
    ["", "-wal", "-journal"]
        .iter()
        .map(|suffix| {
            let mut p = path.as_os_str().to_owned();
            p.push(suffix);
            let p = PathBuf::from(p);
            let h = std::fs::read(&p).ok().map(|b| Sha256::digest(&b).to_vec());
            (p, h)
        })
        .collect()
}

/// Every command in `commands` fails with exit code 1 and one line on stderr
/// that names the file and contains each of `says`; the file and its side
/// files are byte for byte as before. Returns how many commands were tried.
#[track_caller]
fn refused_untouched(path: &Path, env: &[(&str, &str)], says: &[&str]) -> usize {
    let commands: [&[&str]; 5] = [
        &["note", "must not be written"],
        &["show"],
        &["timeline"],
        &["list"],
        &["declare", "another", "--severity", "SEV2"],
    ];
    for args in commands {
        let before = fingerprint(path);
        let out = cockpit(path, env, args);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "cockpit {args:?}: {err}");
        assert_eq!(err.trim_end().lines().count(), 1, "one line: {err}");
        assert!(
            err.contains(&path.display().to_string()),
            "names the file: {err}"
        );
        for s in says {
            assert!(err.contains(s), "cockpit {args:?} should say {s:?}: {err}");
        }
        assert!(
            fingerprint(path) == before,
            "cockpit {args:?} changed {}",
            path.display()
        );
    }
    commands.len()
}

/// A journal with one incident and `n` notes, every write checkpointed into
/// the main file (the last CLI process to close removes the WAL).
fn journal_with_notes(path: &Path, n: usize) {
    ok(path, &["declare", "db down", "--severity", "SEV1"]);
    for i in 0..n {
        ok(path, &["note", &format!("note {i} {}", "x".repeat(200))]);
    }
    assert!(fingerprint(path)[1].1.is_none(), "no WAL left behind");
}

#[test]
fn a_truncated_journal_is_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("journal.sqlite");
    journal_with_notes(&path, 60);
    let len = std::fs::metadata(&path).unwrap().len();
    assert!(len > 4 * 4096, "{len}");
    // Cut in the middle of the file: the header still says SQLite.
    let f = std::fs::OpenOptions::new().write(true).open(&path).unwrap();
    f.set_len(len / 2).unwrap();
    drop(f);
    refused_untouched(&path, &[], &["corrupt", "left untouched"]);
}

#[test]
fn random_bytes_are_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("journal.sqlite");
    let bytes: Vec<u8> = (0..64 * 1024).map(|_| rand::random::<u8>()).collect();
    std::fs::write(&path, bytes).unwrap();
    refused_untouched(&path, &[], &["not a cockpit journal", "left untouched"]);
    // Random bytes behind a genuine SQLite header.
    let mut bytes = b"SQLite format 3\0".to_vec();
    bytes.extend((0..64 * 1024).map(|_| rand::random::<u8>()));
    std::fs::write(&path, bytes).unwrap();
    refused_untouched(&path, &[], &["left untouched"]);
}

#[test]
fn a_journal_from_a_newer_cockpit_is_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("journal.sqlite");
    journal_with_notes(&path, 2);
    let conn = Connection::open(&path).unwrap();
    conn.pragma_update(None, "user_version", 999).unwrap();
    conn.pragma_update(None, "journal_mode", "DELETE").unwrap();
    drop(conn);
    refused_untouched(&path, &[], &["newer", "v999", "left untouched"]);
}

#[test]
fn another_programs_database_is_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("journal.sqlite");
    let conn = Connection::open(&path).unwrap();
    conn.execute_batch(
        "CREATE TABLE moz_places (id INTEGER PRIMARY KEY, url TEXT);
         INSERT INTO moz_places (url) VALUES ('https://example.com');",
    )
    .unwrap();
    drop(conn);
    refused_untouched(&path, &[], &["another program", "left untouched"]);
}

#[test]
fn an_empty_file_is_no_journal_to_a_command_that_reads() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("journal.sqlite");
    std::fs::write(&path, b"").unwrap();
    for args in [&["show"][..], &["timeline"], &["list"], &["clocks"]] {
        let out = cockpit(&path, &[], args);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {err}");
        assert!(err.contains("no journal at"), "{err}");
        assert!(err.contains(&path.display().to_string()), "{err}");
        assert_eq!(std::fs::metadata(&path).unwrap().len(), 0, "{args:?} wrote");
        assert!(fingerprint(&path)[1..].iter().all(|(_, h)| h.is_none()));
    }
}

#[test]
fn a_command_that_reads_never_creates_a_journal() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("typo.sqlite");
    let commands: [&[&str]; 6] = [
        &["show"],
        &["timeline"],
        &["list"],
        &["clocks"],
        &["export"],
        &["--json", "show"],
    ];
    for args in commands {
        let out = cockpit(&path, &[], args);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {err}");
        assert!(err.contains("no journal at"), "{args:?}: {err}");
        let left: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .flatten()
            .map(|e| e.file_name())
            .filter(|n| n.to_string_lossy().starts_with("typo"))
            .collect();
        assert!(left.is_empty(), "{args:?} created {left:?}");
    }
    // A command that writes does create it.
    ok(&path, &["declare", "db down", "--severity", "SEV1"]);
    assert!(ok(&path, &["show"]).contains("db down"));
}

/// A file nobody may write: `chmod 444`, and as root (who ignores modes) the
/// immutable flag as well. Writing commands say it is read-only; reading ones
/// still work where SQLite can read it; nothing changes.
#[test]
fn a_read_only_journal_is_reported_and_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("journal.sqlite");
    journal_with_notes(&path, 3);
    let _guard = ReadOnly::new(&path);
    let before = fingerprint(&path);
    let out = cockpit(&path, &[], &["note", "must not be written"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert!(err.contains(&path.display().to_string()), "{err}");
    assert!(err.contains("read-only"), "{err}");
    assert!(fingerprint(&path)[0] == before[0], "journal changed");
    let out = cockpit(&path, &[], &["timeline"]);
    let shown = String::from_utf8_lossy(&out.stdout);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success() && shown.contains("note 2"),
        "reading a read-only journal: {err}"
    );
    assert!(fingerprint(&path)[0] == before[0], "journal changed");
}

struct ReadOnly(PathBuf);

impl ReadOnly {
    fn new(path: &Path) -> Self {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o444)).unwrap();
        if std::fs::OpenOptions::new().write(true).open(path).is_ok() {
            let st = Command::new("chattr").arg("+i").arg(path).status();
            assert!(
                matches!(st, Ok(s) if s.success()),
                "as root this test needs `chattr +i` (e2fsprogs, tests/support/tests2.sh) \
                 on a filesystem with the immutable flag: {st:?}"
            );
        }
        Self(path.into())
    }
}

impl Drop for ReadOnly {
    fn drop(&mut self) {
        use std::os::unix::fs::PermissionsExt;
        let _ = Command::new("chattr").arg("-i").arg(&self.0).status();
        let _ = std::fs::set_permissions(&self.0, std::fs::Permissions::from_mode(0o644));
    }
}

/// Another process (this test) holds the write lock, as a backup tool or a
/// `sqlite3` shell in a transaction would. With `COCKPIT_BUSY_TIMEOUT_MS` a
/// writer gives up after that long with a message that names the file and
/// the wait; reads are not blocked (WAL); the file is unchanged; and with the
/// default wait a lock held for 3 s is simply waited out.
#[test]
fn a_journal_locked_by_another_process() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("journal.sqlite");
    journal_with_notes(&path, 2);
    let holder = Connection::open(&path).unwrap();
    holder.execute_batch("BEGIN EXCLUSIVE").unwrap();
    let before = fingerprint(&path);

    let start = Instant::now();
    let out = cockpit(
        &path,
        &[("COCKPIT_BUSY_TIMEOUT_MS", "1000")],
        &["note", "must wait"],
    );
    let took = start.elapsed();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert!(err.contains(&path.display().to_string()), "{err}");
    assert!(
        err.contains("locked by another process") && err.contains("waited 1 s"),
        "{err}"
    );
    assert!(took >= Duration::from_millis(900), "gave up after {took:?}");
    assert!(fingerprint(&path) == before, "journal changed");
    // Reading is not blocked by a writer (WAL).
    assert!(ok(&path, &["timeline"]).contains("note 1"));

    // The default wait (10 s) outlasts a lock held for 3 s: the note is written.
    let release = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_secs(3));
        holder.execute_batch("COMMIT").unwrap();
    });
    let start = Instant::now();
    ok(&path, &["note", "written after the lock"]);
    let took = start.elapsed();
    release.join().unwrap();
    assert!(
        took >= Duration::from_millis(2500),
        "did not wait: {took:?}"
    );
    assert!(ok(&path, &["timeline"]).contains("written after the lock"));
}
