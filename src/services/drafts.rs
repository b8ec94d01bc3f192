//! Drafts on disk (issue 12, "nothing typed is lost"): what the IC has typed
//! and not yet saved to the journal (the note editor, the check-in form's
//! fields, notes handed to the journal and not yet confirmed) is kept in a
//! small JSON file beside the journal, one per incident, so it survives a
//! quit, a crash or a SIGKILL and comes back on reopen.
//!
//! The file is never the journal itself: the journal is opened only through
//! SQLite (closing any other descriptor on it would drop the process's POSIX
//! locks, DESIGN.md). A draft is written to a temporary file and renamed
//! over the old one, so a crash mid-write leaves the old draft or the new
//! one, never half of either; it is removed once everything in it is saved.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::domain::event::Trend;
use crate::domain::{EventId, IncidentId};

/// Everything typed for one incident and not yet in the journal.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Draft {
    /// The note editor's text (lines joined with `\n`).
    #[serde(default)]
    pub note: String,
    /// The tag chosen for the next note, if any.
    #[serde(default)]
    pub tag: Option<String>,
    /// Notes handed to the journal whose write was not yet confirmed.
    #[serde(default)]
    pub unconfirmed: Vec<String>,
    /// The check-in form's fields, while it is open or was closed unsent.
    #[serde(default)]
    pub checkin: Option<CheckInDraft>,
}

/// The check-in form's fields (seed 001's loop).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckInDraft {
    #[serde(default)]
    pub trend: Option<Trend>,
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub next: String,
    /// A verdict per mitigation under review (index into the form's verdicts).
    #[serde(default)]
    pub verdicts: Vec<(EventId, usize)>,
}

impl CheckInDraft {
    /// Whether anything was typed or chosen.
    pub fn is_empty(&self) -> bool {
        self.trend.is_none()
            && self.status.trim().is_empty()
            && self.next.trim().is_empty()
            && self.verdicts.iter().all(|(_, v)| *v == 0)
    }
}

impl Draft {
    /// Nothing worth keeping: no file for it.
    pub fn is_empty(&self) -> bool {
        self.note.trim().is_empty()
            && self.unconfirmed.is_empty()
            && self.checkin.as_ref().is_none_or(CheckInDraft::is_empty)
    }
}

/// The key a draft is filed under: the incident's id, or `new` for what is
/// typed before any incident exists (the declare form's first minutes).
pub fn key(incident: Option<IncidentId>) -> String {
    incident.map_or_else(|| NEW.to_string(), |id| id.to_string())
}

/// The key for text typed before there is an incident.
pub const NEW: &str = "new";

/// The screen's side: which incident the typing belongs to and what is on disk.
#[derive(Debug, Default)]
pub struct DraftState {
    /// The incident the editor and the forms belong to (`None`: before any).
    pub incident: Option<IncidentId>,
    /// What the file for `incident` holds now (empty: there is no file).
    pub on_disk: Draft,
    /// Changed since `on_disk`, from this time on (written at the next tick).
    pub dirty_since: Option<DateTime<Utc>>,
    /// The check-in form's fields after it was closed unsent.
    pub parked: Option<CheckInDraft>,
    /// Drafts of incidents not on screen, as found on disk or left there.
    pub others: BTreeMap<String, Draft>,
}

impl DraftState {
    pub fn key(&self) -> String {
        key(self.incident)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum DraftError {
    #[error("draft {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("draft {path} is not a draft: {source}")]
    Json {
        path: PathBuf,
        #[source]
        source: serde_json::Error,
    },
}

/// The drafts of one journal: files `<journal name>.draft-<key>.json` in the
/// journal's directory.
#[derive(Debug, Clone)]
pub struct DraftStore {
    dir: PathBuf,
    prefix: String,
}

impl DraftStore {
    pub fn for_journal(journal: &Path) -> Self {
        let dir = journal
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
        let name = journal
            .file_name()
            .map_or_else(|| "journal".into(), |n| n.to_string_lossy().into_owned());
        DraftStore {
            dir,
            prefix: format!("{name}.draft-"),
        }
    }

    /// Where the draft for `key` lives.
    pub fn path(&self, key: &str) -> PathBuf {
        // Keys are uuids or `new`; anything else is reduced to safe characters.
        let safe: String = key
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
            .collect();
        self.dir.join(format!("{}{safe}.json", self.prefix))
    }

    /// Keep `draft` for `key`: temp file, flush, rename over the old one. An
    /// empty draft removes the file (everything in it was saved).
    pub fn save(&self, key: &str, draft: &Draft) -> Result<(), DraftError> {
        let path = self.path(key);
        let io = |source| DraftError::Io {
            path: path.clone(),
            source,
        };
        if draft.is_empty() {
            return match std::fs::remove_file(&path) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(io(e)),
                _ => Ok(()),
            };
        }
        let json = serde_json::to_vec_pretty(draft).map_err(|source| DraftError::Json {
            path: path.clone(),
            source,
        })?;
        let tmp = path.with_extension("json.tmp");
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        // A draft can hold anything the IC typed: readable by its owner only.
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut file = options.open(&tmp).map_err(io)?;
        file.write_all(&json).map_err(io)?;
        // On disk before the rename, so a power cut leaves the old draft or this one.
        file.sync_data().map_err(io)?;
        drop(file);
        std::fs::rename(&tmp, &path).map_err(io)
    }

    /// Every draft of this journal, by key, and the files that could not be
    /// read (left in place and named, never deleted).
    pub fn load_all(&self) -> (BTreeMap<String, Draft>, Vec<DraftError>) {
        let mut drafts = BTreeMap::new();
        let mut problems = Vec::new();
        let Ok(entries) = std::fs::read_dir(&self.dir) else {
            return (drafts, problems);
        };
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let Some(key) = name
                .strip_prefix(&self.prefix)
                .and_then(|rest| rest.strip_suffix(".json"))
            else {
                continue;
            };
            let path = entry.path();
            match std::fs::read(&path) {
                Ok(bytes) => match serde_json::from_slice::<Draft>(&bytes) {
                    Ok(d) if !d.is_empty() => {
                        drafts.insert(key.to_string(), d);
                    }
                    Ok(_) => {}
                    Err(source) => problems.push(DraftError::Json { path, source }),
                },
                Err(source) => problems.push(DraftError::Io { path, source }),
            }
        }
        (drafts, problems)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn note(text: &str) -> Draft {
        Draft {
            note: text.into(),
            ..Default::default()
        }
    }

    #[test]
    fn a_draft_survives_and_goes_when_saved() {
        let dir = tempfile::tempdir().unwrap();
        let journal = dir.path().join("journal.db");
        std::fs::write(&journal, b"not touched").unwrap();
        let store = DraftStore::for_journal(&journal);
        let id = IncidentId::new();
        let k = key(Some(id));
        let mut d = note("db primary flapping");
        d.checkin = Some(CheckInDraft {
            trend: Some(Trend::Worse),
            status: "errors at 30%".into(),
            next: String::new(),
            verdicts: vec![(EventId::new(), 1)],
        });
        store.save(&k, &d).unwrap();
        store.save(NEW, &note("typed before declaring")).unwrap();
        let (all, problems) = store.load_all();
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(all.get(&k), Some(&d));
        assert_eq!(all.get(NEW), Some(&note("typed before declaring")));
        // The journal is never opened, and no temp file is left behind.
        assert_eq!(std::fs::read(&journal).unwrap(), b"not touched");
        let names: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert!(names.iter().all(|n| !n.ends_with(".tmp")), "{names:?}");
        assert_eq!(names.len(), 3, "{names:?}");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(store.path(&k)).unwrap().permissions();
            assert_eq!(mode.mode() & 0o777, 0o600);
        }
        // Saved: the empty draft removes the file.
        store.save(&k, &Draft::default()).unwrap();
        assert!(!store.path(&k).exists());
        let (all, _) = store.load_all();
        assert_eq!(all.len(), 1);
    }

    #[test]
    fn a_broken_draft_is_named_and_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let store = DraftStore::for_journal(&dir.path().join("j.db"));
        std::fs::write(store.path("new"), b"{ half").unwrap();
        std::fs::write(dir.path().join("other.db.draft-new.json"), b"{}").unwrap();
        let (all, problems) = store.load_all();
        assert!(all.is_empty());
        assert_eq!(problems.len(), 1);
        assert!(problems[0].to_string().contains("j.db.draft-new.json"));
        assert!(store.path("new").exists());
    }

    #[test]
    fn whitespace_and_untouched_forms_are_not_drafts() {
        assert!(note("  \n ").is_empty());
        let d = Draft {
            checkin: Some(CheckInDraft::default()),
            ..Default::default()
        };
        assert!(d.is_empty());
        let d = Draft {
            unconfirmed: vec!["x".into()],
            ..Default::default()
        };
        assert!(!d.is_empty());
    }
}
