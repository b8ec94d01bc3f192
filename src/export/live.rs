//! The live incident document: the "running log of actions" stakeholders read
//! instead of interrupting the team (000: "update the document on a regular
//! interval, at least every 2 hours"; 001 and 003: status, impact and
//! mitigations where everyone can see them). Built from the same sections as
//! the postmortem draft, so private notes never appear, and rendered through
//! replaceable templates (`incident.md.j2`, `incident.html.j2`).
//!
//! Pure and repeatable: the same journal gives the same bytes, whatever the
//! time, so "did the document change" is a byte comparison. `now` never
//! enters the text; times are those of the events.

use chrono::{DateTime, Utc};
use minijinja::Environment;
use serde::Serialize;
use std::borrow::Cow;
use std::path::Path;

use super::draft::{
    Decision, Entry, IncidentInfo, Link, Mitigation, RoleStint, TimelineEntry, draft,
};
use super::render::{ExportError, environment};
use crate::domain::clocks::{ClockKind, clocks};
use crate::domain::{Event, EventKind, Incident, Playbook};

/// The comms audience of "the incident document was published": what the
/// status-update clock counts (000: update the document at least every 2
/// hours), and never itself sent to chat or mail, nor shown in the document.
pub const DOCUMENT_AUDIENCE: &str = "incident document";

/// Whether `e` records a publish of the document (see [`DOCUMENT_AUDIENCE`]).
pub fn is_publish_record(e: &Event) -> bool {
    matches!(&e.kind, EventKind::CommsSent { audience, .. } if audience == DOCUMENT_AUDIENCE)
}

#[derive(Clone, Debug, Serialize)]
pub struct LiveDocument {
    pub incident: IncidentInfo,
    /// The service status's label (003: Operational, Degraded ...).
    pub service_status_label: Option<String>,
    /// Who holds each role now.
    pub roles: Vec<RoleStint>,
    pub impact: Vec<Entry>,
    pub mitigations: Vec<Mitigation>,
    pub decisions: Vec<Decision>,
    /// Entries the team marked as highlights.
    pub highlights: Vec<TimelineEntry>,
    pub last_checkin: Option<CheckInView>,
    /// When the next check-in is due (001: every 15-20 minutes).
    pub next_checkin: Option<DateTime<Utc>>,
    pub links: Vec<Link>,
    /// The time of the latest event shown: "as of".
    pub as_of: DateTime<Utc>,
}

#[derive(Clone, Debug, Serialize)]
pub struct CheckInView {
    pub at: DateTime<Utc>,
    pub by: String,
    pub status: String,
    pub next: String,
}

/// The document of `incident` from its events.
pub fn live(incident: &Incident, events: &[Event], pb: &Playbook) -> LiveDocument {
    // Private notes never shape the document, not even its "as of" time:
    // a document that changed when one was written would tell that it was.
    let shown: Vec<Event> = events
        .iter()
        .filter(|e| !is_publish_record(e))
        .filter(|e| !matches!(e.kind, crate::domain::EventKind::Note { private: true, .. }))
        .cloned()
        .collect();
    let as_of = shown
        .iter()
        .map(|e| e.at)
        .max()
        .unwrap_or(incident.declared_at);
    // The system zone, as `cockpit clocks` uses without a configured one.
    let pm = draft(incident, &shown, pb, as_of, None);
    let service_status_label = incident.service_status.as_deref().map(|s| {
        pb.service_status(s)
            .map(|x| x.label.clone())
            .unwrap_or(s.into())
    });
    let next_checkin = if incident.is_open(pb) {
        clocks(incident, pb, as_of, &Utc)
            .into_iter()
            .find(|c| c.kind == ClockKind::CheckIn)
            .map(|c| c.due_at)
    } else {
        None
    };
    LiveDocument {
        service_status_label,
        roles: pm
            .roles
            .into_iter()
            .filter(|r| r.released_at.is_none())
            .collect(),
        impact: pm.impact,
        mitigations: pm.mitigations,
        decisions: pm.decisions,
        highlights: pm.timeline.into_iter().filter(|t| t.highlighted).collect(),
        last_checkin: incident.checkins.last().map(|c| CheckInView {
            at: c.at,
            by: c.by.clone(),
            status: c.checkin.status.clone(),
            next: c.checkin.next.clone(),
        }),
        next_checkin,
        links: pm.links,
        incident: pm.incident,
        as_of,
    }
}

const BUILTIN_MARKDOWN: &str = include_str!("../../assets/templates/incident.md.j2");
const BUILTIN_HTML: &str = include_str!("../../assets/templates/incident.html.j2");

/// The document's Markdown and HTML templates: built in, or the user's
/// `incident.md.j2` / `incident.html.j2` from the templates folder.
#[derive(Clone, Debug)]
pub struct LiveTemplates {
    pub markdown: (String, Cow<'static, str>),
    pub html: (String, Cow<'static, str>),
}

impl LiveTemplates {
    pub fn builtin() -> Self {
        Self {
            markdown: (
                "assets/templates/incident.md.j2".into(),
                Cow::Borrowed(BUILTIN_MARKDOWN),
            ),
            html: (
                "assets/templates/incident.html.j2".into(),
                Cow::Borrowed(BUILTIN_HTML),
            ),
        }
    }

    pub fn load(user_dir: Option<&Path>) -> Result<Self, ExportError> {
        let mut t = Self::builtin();
        let Some(dir) = user_dir else { return Ok(t) };
        for (name, slot) in [
            ("incident.md.j2", &mut t.markdown),
            ("incident.html.j2", &mut t.html),
        ] {
            let path = dir.join(name);
            match std::fs::read_to_string(&path) {
                Ok(text) => *slot = (path.display().to_string(), Cow::Owned(text)),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => {
                    return Err(ExportError::Read {
                        path,
                        detail: e.to_string(),
                    });
                }
            }
        }
        Ok(t)
    }
}

/// The document as Markdown and as one self-contained HTML page.
pub fn render_live(
    doc: &LiveDocument,
    templates: &LiveTemplates,
) -> Result<(String, String), ExportError> {
    let env: Environment<'static> = environment();
    let one = |name: &str, (origin, text): &(String, Cow<'static, str>)| {
        let error = |e: minijinja::Error| ExportError::Template {
            file: origin.clone(),
            line: e.line(),
            message: match e.detail() {
                Some(d) => format!("{}: {d}", e.kind()),
                None => e.kind().to_string(),
            },
        };
        env.template_from_named_str(name, text)
            .map_err(error)?
            .render(doc)
            .map_err(error)
    };
    Ok((
        one("incident.md", &templates.markdown)?,
        one("incident.html", &templates.html)?,
    ))
}
