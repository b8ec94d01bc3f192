//! The postmortem / RCA draft, made from the journal (000: an RCA within one
//! business day; 002: a draft report before the review meeting; 004: a PMR
//! with executive summary, RCA, timeline and action items).
//!
//! The API the CLI and the screen share:
//!
//! - [`export`]: (incident, events, playbook, now, format, templates) -> the
//!   document as a `String`. Pure apart from the templates already loaded.
//! - [`draft`]: the same as data ([`Postmortem`]), for callers that want fields.
//! - [`save`]: write a rendered document to a file, returning its path; with
//!   no path given, `postmortem-<incident>.<ext>` in the given folder.
//! - [`write_draft`]: draft, render and save in one call, for the screen's
//!   export key: it returns the path written and how many writing findings
//!   the draft lists, to show in the status line.
//! - [`Templates::load`]: the built-in templates, or the user's copies from
//!   the config dir's `templates/` folder.
//! - [`lint::lint`]: seed 000's writing rules over any text.
//!
//! Follow-up items are exported as a checklist. Sending them to a ticket
//! endpoint (issue 7, item 4) waits for the sync engine's generic webhook:
//! `FollowUpAdded` events are in the journal, ready for an outbox subscription.

pub mod draft;
mod handoffs;
pub mod lint;
pub mod live;
mod model;
mod render;
mod roles;
mod sections;

use chrono::{DateTime, Utc};
use std::path::{Path, PathBuf};

pub use draft::{Postmortem, draft};
pub use render::{ExportError, Format, Templates, render};

use crate::domain::{Event, Incident, Playbook};

/// The postmortem draft of `incident` in `format`.
pub fn export(
    incident: &Incident,
    events: &[Event],
    playbook: &Playbook,
    now: DateTime<Utc>,
    zone: Option<chrono_tz::Tz>,
    format: Format,
    templates: &Templates,
) -> Result<String, ExportError> {
    render(
        &draft(incident, events, playbook, now, zone),
        format,
        templates,
    )
}

/// The file name a draft gets when none is given: `postmortem-1a2b3c4d.md`.
pub fn file_name(incident: &Incident, format: Format) -> String {
    format!("postmortem-{}.{}", incident.id.short(), format.extension())
}

/// Write `document` to `out`, or to `dir/<file_name>` when `out` is `None`.
/// Returns the path written.
pub fn save(
    document: &str,
    out: Option<&Path>,
    dir: &Path,
    incident: &Incident,
    format: Format,
) -> Result<PathBuf, ExportError> {
    let path = match out {
        Some(p) => p.to_path_buf(),
        None => dir.join(file_name(incident, format)),
    };
    std::fs::write(&path, document).map_err(|e| ExportError::Write {
        path: path.clone(),
        detail: e.to_string(),
    })?;
    Ok(path)
}

/// What [`write_draft`] did: where the file is, and how many of seed 000's
/// writing rules the journal's words broke (listed in the draft itself).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    pub path: PathBuf,
    pub findings: usize,
}

/// Draft, render and write the postmortem of `incident` into `dir` as
/// `postmortem-<incident>.<ext>`. The screen's export key calls this.
pub fn write_draft(
    incident: &Incident,
    events: &[Event],
    playbook: &Playbook,
    now: DateTime<Utc>,
    zone: Option<chrono_tz::Tz>,
    format: Format,
    templates: &Templates,
    dir: &Path,
) -> Result<Written, ExportError> {
    let pm = draft(incident, events, playbook, now, zone);
    let document = render(&pm, format, templates)?;
    let path = save(&document, None, dir, incident, format)?;
    Ok(Written {
        path,
        findings: pm.writing.len(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::BUILTIN_PLAYBOOKS;
    use crate::domain::{EventKind, IncidentId};

    #[test]
    fn write_draft_names_the_file_after_the_incident_and_counts_findings() {
        let pb = Playbook::parse("default.toml", BUILTIN_PLAYBOOKS[0].1).unwrap();
        let id = IncidentId::new();
        let t: DateTime<Utc> = "2026-03-10T10:00:00Z".parse().unwrap();
        let events = vec![
            Event::new(
                id,
                "ann",
                t,
                t,
                EventKind::Declared {
                    title: "db down".into(),
                    severity: "SEV2".into(),
                    summary: String::new(),
                    security: false,
                    playbook: "default".into(),
                },
            ),
            Event::new(
                id,
                "ann",
                t,
                t,
                EventKind::Note {
                    text: "we restarted it".into(),
                    tag: "note".into(),
                    private: false,
                },
            ),
        ];
        let incident = Incident::replay(id, &events, &pb);
        let dir = tempfile::tempdir().unwrap();
        let w = write_draft(
            &incident,
            &events,
            &pb,
            t,
            None,
            Format::Markdown,
            &Templates::builtin(),
            dir.path(),
        )
        .unwrap();
        assert_eq!(
            w.path,
            dir.path().join(format!("postmortem-{}.md", id.short()))
        );
        assert_eq!(w.findings, 1);
        let md = std::fs::read_to_string(&w.path).unwrap();
        assert!(md.starts_with("# Postmortem: db down"), "{md}");
    }
}
