//! Publishing the live incident document (000: "update the document on a
//! regular interval, at least every 2 hours"; the running log stakeholders
//! read instead of interrupting the team). Not through the outbox: the
//! document is state, not a message, so it is rendered again from the journal
//! and only its latest form matters. Nothing can be lost or doubled.
//!
//! Each endpoint gets an incident's document on every change, at most once a
//! minute. A publish that changed something is recorded in the journal, by
//! the ordinary append path, as comms to the [`DOCUMENT_AUDIENCE`]: that is
//! what satisfies the status-update clock. A publish that changed nothing
//! records nothing, so it satisfies nothing.

use chrono::{DateTime, Utc};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use super::http::{Target, client};
use crate::config::EndpointKind;
use crate::domain::time::Clock;
use crate::domain::{Event, EventKind, Incident, IncidentId, Playbook};
use crate::export::live::{DOCUMENT_AUDIENCE, LiveTemplates, is_publish_record, live, render_live};
use crate::journal::{Journal, JournalError, TimelineQuery};

#[path = "document_confluence.rs"]
mod confluence_page;
pub use confluence_page::{page_title, storage_body};

/// 000/issue 16: on every change, but never more than once a minute.
pub const MIN_INTERVAL: chrono::Duration = chrono::Duration::seconds(60);

/// Who the journal says published: the sync side, not a person.
pub const AUTHOR: &str = "cockpit";

/// What one round did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct PublishReport {
    /// Publishes that changed the document (each recorded in the journal).
    pub published: usize,
    /// Documents rendered and found the same as published.
    pub unchanged: usize,
    pub problems: Vec<String>,
}

/// One incident as the publisher reads it.
struct Snapshot {
    open: bool,
    incident: Incident,
    playbook: Arc<Playbook>,
    events: Vec<Event>,
}

/// Publishes every incident's document to the document endpoints.
pub struct Publisher {
    journal: Arc<Mutex<Journal>>,
    targets: Vec<Arc<Target>>,
    templates: LiveTemplates,
    clock: Arc<dyn Clock>,
    /// When each (endpoint, incident) was last looked at, to keep to the minute.
    last: HashMap<Key, DateTime<Utc>>,
    /// Not before this time: the endpoint asked us to wait (429 Retry-After).
    not_before: HashMap<Key, DateTime<Utc>>,
    /// Confluence: each incident's page id, once known.
    pages: HashMap<Key, String>,
    /// Confluence: the digest of what each page holds now.
    digests: HashMap<Key, String>,
    /// Closed incidents whose final document is out: nothing more to do.
    finished: std::collections::HashSet<Key>,
    client: reqwest::Client,
}

type Key = (String, IncidentId);

/// A publish that changed something: where it went, and the page's link
/// when the endpoint gives one (recorded as the incident's document link).
struct Published {
    place: String,
    link: Option<String>,
}

impl Publisher {
    /// `journal` is the publisher's own connection, with the outbox router
    /// set: the events it records (a link) reach the other endpoints.
    pub fn new(
        journal: Journal,
        targets: &[Arc<Target>],
        templates: LiveTemplates,
        clock: Arc<dyn Clock>,
    ) -> Self {
        Self {
            journal: Arc::new(Mutex::new(journal)),
            targets: targets
                .iter()
                .filter(|t| t.kind().publishes_document())
                .cloned()
                .collect(),
            templates,
            clock,
            last: HashMap::new(),
            not_before: HashMap::new(),
            pages: HashMap::new(),
            digests: HashMap::new(),
            finished: Default::default(),
            client: client(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.targets.is_empty()
    }

    /// Publish every document that is due.
    pub async fn publish(&mut self) -> PublishReport {
        let mut report = PublishReport::default();
        if self.targets.is_empty() {
            return report;
        }
        let journal = self.journal.clone();
        let now = self.clock.now();
        // Only incidents with an endpoint due are read in full.
        let names: Vec<String> = self.targets.iter().map(|t| t.name().to_string()).collect();
        let (last, finished, not_before) = (
            self.last.clone(),
            self.finished.clone(),
            self.not_before.clone(),
        );
        let due = move |inc: &Incident| {
            names.iter().any(|n| {
                let key = (n.clone(), inc.id);
                let l = last
                    .get(&key)
                    .copied()
                    .or_else(|| inc.comms_by_audience.get(DOCUMENT_AUDIENCE).copied());
                !finished.contains(&key)
                    && l.is_none_or(|l| now - l >= MIN_INTERVAL)
                    && not_before.get(&key).is_none_or(|nb| now >= *nb)
            })
        };
        let snapshots = tokio::task::spawn_blocking(move || snapshots(&journal, due))
            .await
            .expect("journal task does not panic");
        let snapshots = match snapshots {
            Ok(s) => s,
            Err(e) => {
                report.problems.push(format!("incident document: {e}"));
                return report;
            }
        };
        for s in &snapshots {
            for t in self.targets.clone() {
                let key = (t.name().to_string(), s.incident.id);
                let last = self
                    .last
                    .get(&key)
                    .copied()
                    .or_else(|| s.incident.comms_by_audience.get(DOCUMENT_AUDIENCE).copied());
                if self.finished.contains(&key)
                    || last.is_some_and(|l| now - l < MIN_INTERVAL)
                    || self.not_before.get(&key).is_some_and(|nb| now < *nb)
                {
                    continue;
                }
                // Failures wait the same minute: a wrong token is not retried every second.
                self.last.insert(key.clone(), now);
                let result = self.publish_one(&t, s).await;
                if !s.open && result.is_ok() {
                    self.finished.insert(key);
                }
                match result {
                    Ok(None) => report.unchanged += 1,
                    Ok(Some(p)) => match self.record(s, &t, p).await {
                        Ok(()) => report.published += 1,
                        Err(e) => report.problems.push(format!("{}: {e}", t.name())),
                    },
                    Err(e) => report
                        .problems
                        .push(format!("{}: {}", t.name(), t.redact(&e))),
                }
            }
        }
        report
    }

    /// Publish one document; `Some` when it changed.
    async fn publish_one(&mut self, t: &Target, s: &Snapshot) -> Result<Option<Published>, String> {
        let doc = live(&s.incident, &s.events, &s.playbook);
        let (markdown, html) = render_live(&doc, &self.templates).map_err(|e| e.to_string())?;
        if t.kind() == EndpointKind::Confluence {
            return self.confluence(t, s, &storage_body(&html)).await;
        }
        let dir = t
            .endpoint
            .path
            .clone()
            .ok_or("the endpoint has no `path`")?;
        let incident = s.incident.clone();
        tokio::task::spawn_blocking(move || write_files(&dir, &incident, &markdown, &html))
            .await
            .expect("file task does not panic")
            .map(|changed| changed.map(|place| Published { place, link: None }))
    }

    /// The journal's record of a publish that changed the document, and the
    /// page's link as the incident's document link when it is new.
    async fn record(&self, s: &Snapshot, t: &Target, p: Published) -> Result<(), String> {
        let now = self.clock.now();
        let incident = s.incident.id;
        let open = s.open;
        let text = format!("{} updated: {}", t.name(), p.place);
        let link = p
            .link
            .filter(|l| s.incident.links.get("document") != Some(l));
        let journal = self.journal.clone();
        tokio::task::spawn_blocking(move || -> Result<(), JournalError> {
            let mut j = journal.lock().expect("journal lock");
            if let Some(url) = link {
                j.append(Event::new(
                    incident,
                    AUTHOR,
                    now,
                    now,
                    EventKind::LinkSet {
                        link: "document".into(),
                        url,
                    },
                ))?;
            }
            if !open {
                // A closed incident takes no comms, and has no clock to satisfy.
                return Ok(());
            }
            let e = Event::new(
                incident,
                AUTHOR,
                now,
                now,
                EventKind::CommsSent {
                    audience: DOCUMENT_AUDIENCE.into(),
                    text,
                },
            );
            j.append(e).map(|_| ())
        })
        .await
        .expect("journal task does not panic")
        .map_err(|e| e.to_string())
    }
}

/// The incidents whose documents may need publishing: every open one, and
/// a closed one whose last change came after its last publish (the close
/// itself must reach the document once).
fn snapshots(
    journal: &Mutex<Journal>,
    due: impl Fn(&Incident) -> bool,
) -> Result<Vec<Snapshot>, JournalError> {
    let mut j = journal.lock().expect("journal lock");
    let mut out = Vec::new();
    for id in j.incident_ids()? {
        let pb = j.playbook_of(id)?;
        let incident = j.incident(id)?.clone();
        if !incident.declared {
            continue;
        }
        let open = incident.is_open(&pb);
        let published = incident.comms_by_audience.get(DOCUMENT_AUDIENCE).copied();
        if (!open && published.is_none()) || !due(&incident) {
            continue;
        }
        let events = j.events(id, &TimelineQuery::default())?;
        let last_change = events
            .iter()
            .filter(|e| !is_publish_record(e))
            .map(|e| e.recorded_at)
            .max();
        if !open && published.is_some_and(|p| last_change.is_none_or(|c| c <= p)) {
            continue;
        }
        out.push(Snapshot {
            open,
            incident,
            playbook: pb,
            events,
        });
    }
    Ok(out)
}

/// `incident-1a2b3c4d.md` and `.html`.
pub fn file_names(incident: &Incident) -> (String, String) {
    let base = format!("incident-{}", incident.id.short());
    (format!("{base}.md"), format!("{base}.html"))
}

/// Write both files when either differs from what is there; `Some(path)`
/// when something changed. Each file is replaced whole (written beside it,
/// then renamed), so a reader never sees half a document.
fn write_files(
    dir: &Path,
    incident: &Incident,
    markdown: &str,
    html: &str,
) -> Result<Option<String>, String> {
    let (md_name, html_name) = file_names(incident);
    let md_path = dir.join(&md_name);
    let html_path = dir.join(&html_name);
    let same = |p: &Path, text: &str| std::fs::read(p).is_ok_and(|old| old == text.as_bytes());
    if same(&md_path, markdown) && same(&html_path, html) {
        return Ok(None);
    }
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    replace(&md_path, markdown)?;
    replace(&html_path, html)?;
    Ok(Some(html_path.display().to_string()))
}

fn replace(path: &Path, text: &str) -> Result<(), String> {
    let tmp: PathBuf = path.with_extension("tmp");
    std::fs::write(&tmp, text).map_err(|e| format!("cannot write {}: {e}", tmp.display()))?;
    std::fs::rename(&tmp, path).map_err(|e| format!("cannot write {}: {e}", path.display()))
}
