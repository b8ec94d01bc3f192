//! The Confluence side of the document publisher: create the incident's
//! page under the configured parent, then update it version by version (API
//! facts and their sources in `adapters::confluence`).

use super::{Key, Published, Publisher, Snapshot};
use crate::domain::Incident;
use crate::sync::adapters::confluence::{
    self, create_request, get_request, page_id_in_link, update_request,
};
use crate::sync::backoff::Outcome;
use crate::sync::http::{HttpAnswer, HttpRequest, Target, judge_status, send};

impl Publisher {
    /// Create the incident's page under the configured parent, or update it
    /// with the next version number; a 409 re-reads the page and tries again.
    pub(super) async fn confluence(
        &mut self,
        t: &Target,
        s: &Snapshot,
        storage: &str,
    ) -> Result<Option<Published>, String> {
        let key: Key = (t.name().to_string(), s.incident.id);
        let title = page_title(&s.incident);
        let digest = digest(&title, storage);
        if self.digests.get(&key) == Some(&digest) {
            return Ok(None);
        }
        let lacks = "the endpoint lacks url, username, token, space or parent";
        let known = self.pages.get(&key).cloned().or_else(|| {
            s.incident
                .links
                .get("document")
                .and_then(|l| page_id_in_link(l))
        });
        let Some(id) = known else {
            let req = create_request(t, &title, storage).ok_or(lacks)?;
            let page = confluence::page(t, &self.call(t, &key, req).await?)?;
            self.pages.insert(key.clone(), page.id.clone());
            // The first version carries no message; the digest is kept here.
            self.digests.insert(key, digest);
            return Ok(Some(Published {
                place: page.link.clone().unwrap_or(format!("page {}", page.id)),
                link: page.link,
            }));
        };
        for _ in 0..3 {
            let current = confluence::page(
                t,
                &self
                    .call(t, &key, get_request(t, &id).ok_or(lacks)?)
                    .await?,
            )?;
            self.pages.insert(key.clone(), current.id.clone());
            if current.message == digest {
                self.digests.insert(key, digest);
                return Ok(None);
            }
            let req = update_request(t, &id, &title, storage, current.version + 1, &digest)
                .ok_or(lacks)?;
            let a = self.raw_call(t, req).await?;
            if a.status == 409 {
                // Someone saved a version in between: read it again.
                continue;
            }
            let page = confluence::page(t, &self.check(&key, a)?)?;
            self.digests.insert(key, digest);
            return Ok(Some(Published {
                place: page.link.clone().unwrap_or(format!("page {id}")),
                link: page.link,
            }));
        }
        Err("409 Conflict three times in a row: the page keeps changing under us".into())
    }

    async fn raw_call(&self, t: &Target, req: HttpRequest) -> Result<HttpAnswer, String> {
        send(&self.client, req, t.endpoint.timeout, self.clock.now())
            .await
            .map_err(|o| match o {
                Outcome::Retry { error, .. } | Outcome::Park { error } => error,
                Outcome::Delivered { .. } => String::new(),
            })
    }

    /// A 2xx answer, or the error in Confluence's words; a `Retry-After`
    /// (429, some 5xx) holds this page back that long.
    fn check(&mut self, key: &Key, a: HttpAnswer) -> Result<HttpAnswer, String> {
        match judge_status(&a, &confluence::error_detail(&a)) {
            None => Ok(a),
            Some(Outcome::Retry { error, retry_after }) => {
                if let Some(wait) = retry_after.and_then(|w| chrono::Duration::from_std(w).ok()) {
                    self.not_before.insert(key.clone(), self.clock.now() + wait);
                }
                Err(error)
            }
            Some(Outcome::Park { error }) => Err(error),
            Some(Outcome::Delivered { .. }) => Ok(a),
        }
    }

    async fn call(
        &mut self,
        t: &Target,
        key: &Key,
        req: HttpRequest,
    ) -> Result<HttpAnswer, String> {
        let a = self.raw_call(t, req).await?;
        self.check(key, a)
    }
}

/// "Incident 1a2b3c4d: db primary down": titles are unique in a space, so
/// the id is part of it; at most 255 characters.
pub fn page_title(incident: &Incident) -> String {
    crate::sync::adapters::truncate(
        &format!("Incident {}: {}", incident.id.short(), incident.title),
        255,
    )
}

/// What the page's body is in Confluence's storage format: the HTML page's
/// `<main>`, which is XHTML (escaped values, no named entities, no scripts).
pub fn storage_body(html: &str) -> String {
    let start = html.find("<main>").map(|i| i + "<main>".len());
    let end = html.rfind("</main>");
    match (start, end) {
        (Some(s), Some(e)) if s <= e => html[s..e].trim().to_string(),
        _ => html.to_string(),
    }
}

/// The version message that names what a page holds.
pub(super) fn digest(title: &str, storage: &str) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    h.update(title.as_bytes());
    h.update([0]);
    h.update(storage.as_bytes());
    let hex: String = h.finalize()[..8]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("incident-cockpit {hex}")
}
