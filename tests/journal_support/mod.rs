//! Helpers shared by the integration tests: fixed times, events, journals.
#![allow(dead_code)]

use chrono::{DateTime, Duration, TimeZone, Utc};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use cockpit::config::load_playbooks;
use cockpit::domain::playbook::PlaybookSet;
use cockpit::domain::{Event, EventKind, IncidentId};
use cockpit::journal::Journal;

/// 2026-11-21 10:00 UTC plus `minutes`.
pub fn t(minutes: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 21, 10, 0, 0).unwrap() + Duration::minutes(minutes)
}

pub fn playbooks() -> Arc<PlaybookSet> {
    Arc::new(load_playbooks(None).expect("built-in playbooks"))
}

pub fn open(path: &Path) -> Journal {
    Journal::open(path, playbooks()).unwrap_or_else(|e| panic!("open {}: {e}", path.display()))
}

pub fn event(incident: IncidentId, minutes: i64, kind: EventKind) -> Event {
    Event::new(incident, "ann", t(minutes), t(minutes), kind)
}

pub fn declared(title: &str) -> EventKind {
    EventKind::Declared {
        title: title.into(),
        severity: "SEV2".into(),
        summary: String::new(),
        security: false,
        playbook: "default".into(),
    }
}

pub fn note(text: &str) -> EventKind {
    EventKind::Note {
        text: text.into(),
        tag: "note".into(),
        private: false,
    }
}

/// A journal at `path` with one declared incident and `notes` notes.
pub fn journal_with_notes(path: &Path, notes: usize) -> IncidentId {
    let mut j = open(path);
    let id = IncidentId::new();
    j.append(event(id, 0, declared("db down"))).unwrap();
    for n in 0..notes {
        j.append(event(id, 1, note(&format!("note {n}")))).unwrap();
    }
    id
}

/// The SQLite side files a connection leaves next to a database.
pub fn side_files(path: &Path) -> Vec<PathBuf> {
    ["-wal", "-shm", "-journal"]
        .iter()
        .map(|s| PathBuf::from(format!("{}{s}", path.display())))
        .filter(|p| p.exists())
        .collect()
}

/// A directory nobody may write to, root included: chmod is enough for other
/// users; root bypasses modes, so it also gets the ext4 immutable flag.
pub struct Unwritable(PathBuf);

impl Unwritable {
    pub fn new(dir: &Path) -> Self {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(dir, fs::Permissions::from_mode(0o555)).unwrap();
        let guard = Self(dir.to_path_buf());
        if guard.writable() {
            let status = Command::new("chattr").arg("+i").arg(dir).status();
            assert!(
                matches!(status, Ok(s) if s.success()) && !guard.writable(),
                "cannot make {} unwritable for this user (chattr +i failed: {status:?}); \
                 this test needs a filesystem with the immutable flag, or a non-root user",
                dir.display()
            );
        }
        guard
    }

    fn writable(&self) -> bool {
        let probe = self.0.join(".probe");
        let ok = fs::write(&probe, b"x").is_ok();
        let _ = fs::remove_file(&probe);
        ok
    }
}

impl Drop for Unwritable {
    fn drop(&mut self) {
        use std::os::unix::fs::PermissionsExt;
        let _ = Command::new("chattr").arg("-i").arg(&self.0).status();
        let _ = fs::set_permissions(&self.0, fs::Permissions::from_mode(0o755));
    }
}
