//! What the incident knows of the systems outside it (issue 17): whom it
//! paged and whether they engaged (000, 004: "page the on-call for X"),
//! whether public posts are held back (003: "we may choose not to post to
//! status.io" during a security incident), and the ids the status page and
//! the trackers gave its items (a Jira key, a GitLab issue number).
//!
//! The model; `incident/remote.rs` holds the rules and the fold's dispatch,
//! and the roster's fold ends "paged" when the role is engaged (004).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

use super::event::EventKind;
use super::playbook::Playbook;
use super::rules::RuleError;

/// A role paged and not yet engaged.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Paged {
    pub at: DateTime<Utc>,
    /// Whom the IC named, if anyone (the on-call may be someone else).
    pub person: String,
    /// Who paged.
    pub by: String,
}

/// 003: public posts held back (a security incident in progress).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hold {
    pub at: DateTime<Utc>,
    pub by: String,
    pub reason: String,
}

/// One item's id in an outside system.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RemoteRef {
    pub endpoint: String,
    /// `incident`, `follow_up:<event id>`, `near_miss`.
    pub item: String,
    pub id: String,
    pub url: String,
    pub at: DateTime<Utc>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Remote {
    /// Roles paged and waiting for their responder to engage, by role key.
    pub paged: BTreeMap<String, Paged>,
    /// Every role ever paged in this incident: their alerts resolve with it.
    pub paged_ever: Vec<String>,
    pub hold: Option<Hold>,
    pub refs: Vec<RemoteRef>,
    /// When a public post (status page) was last delivered.
    pub last_public_post: Option<DateTime<Utc>>,
}

/// The item key of a follow-up in `RemoteRef::item`.
pub fn follow_up_item(event: &super::EventId) -> String {
    format!("follow_up:{event}")
}

impl Remote {
    /// The ids one item has been given, newest last.
    pub fn refs_of<'a>(&'a self, item: &'a str) -> impl Iterator<Item = &'a RemoteRef> + 'a {
        self.refs.iter().filter(move |r| r.item == item)
    }

    /// Whether public posts (status page, client tickets) are held back.
    pub fn held(&self) -> bool {
        self.hold.is_some()
    }

    /// The rules for the kinds this module folds; `None`: not one of them.
    pub fn check(&self, kind: &EventKind, pb: &Playbook) -> Option<Result<(), RuleError>> {
        Some(match kind {
            EventKind::RolePaged { role, .. } => match pb.role(role) {
                Some(_) => Ok(()),
                None => Err(RuleError::UnknownRole {
                    given: role.clone(),
                    valid: pb
                        .roles
                        .iter()
                        .map(|r| r.key.as_str())
                        .collect::<Vec<_>>()
                        .join(", "),
                }),
            },
            EventKind::PublicPostsHeld { .. } => Ok(()),
            EventKind::RemoteLinked {
                endpoint, item, id, ..
            } => {
                if endpoint.trim().is_empty() {
                    Err(RuleError::Empty("the endpoint"))
                } else if item.trim().is_empty() {
                    Err(RuleError::Empty("the item"))
                } else if id.trim().is_empty() {
                    Err(RuleError::Empty("the remote id"))
                } else {
                    Ok(())
                }
            }
            _ => return None,
        })
    }

    /// Fold one event that passed `check`; `role_key` is the playbook's key
    /// of a paged role, `author` and `at` from the event.
    pub fn fold(
        &mut self,
        kind: &EventKind,
        role_key: Option<String>,
        author: &str,
        at: DateTime<Utc>,
    ) {
        match kind {
            EventKind::RolePaged { role, person } => {
                let key = role_key.unwrap_or_else(|| role.clone());
                if !self.paged_ever.contains(&key) {
                    self.paged_ever.push(key.clone());
                }
                self.paged.insert(
                    key,
                    Paged {
                        at,
                        person: person.clone(),
                        by: author.to_string(),
                    },
                );
            }
            EventKind::PublicPostsHeld { held, reason } => {
                self.hold = held.then(|| Hold {
                    at,
                    by: author.to_string(),
                    reason: reason.clone(),
                });
            }
            EventKind::RemoteLinked {
                endpoint,
                item,
                id,
                url,
                public,
            } => {
                if *public {
                    self.last_public_post = Some(self.last_public_post.map_or(at, |t| t.max(at)));
                }
                let known = self
                    .refs
                    .iter()
                    .any(|r| &r.endpoint == endpoint && &r.item == item && &r.id == id);
                if !known {
                    self.refs.push(RemoteRef {
                        endpoint: endpoint.clone(),
                        item: item.clone(),
                        id: id.clone(),
                        url: url.clone(),
                        at,
                    });
                }
            }
            _ => {}
        }
    }
}

/// The timeline's words for the kinds this module folds.
pub fn describe(kind: &EventKind) -> Option<(&'static str, String)> {
    Some(match kind {
        EventKind::RolePaged { role, person } if person.is_empty() => {
            ("page", format!("paged the on-call for {role}"))
        }
        EventKind::RolePaged { role, person } => ("page", format!("paged {person} for {role}")),
        EventKind::PublicPostsHeld { held: true, reason } if reason.is_empty() => {
            ("public", "public posts held back".to_string())
        }
        EventKind::PublicPostsHeld { held: true, reason } => {
            ("public", format!("public posts held back: {reason}"))
        }
        EventKind::PublicPostsHeld { held: false, .. } => {
            ("public", "public posts resumed".to_string())
        }
        EventKind::RemoteLinked {
            endpoint,
            item,
            id,
            url,
            public,
        } => {
            let what = if item == "incident" {
                "the incident".to_string()
            } else if let Some(f) = item.strip_prefix("follow_up:") {
                format!("follow-up {}", &f[..f.len().min(8)])
            } else {
                item.replace('_', " ")
            };
            let mut t = if *public {
                format!("posted an update to {endpoint} for {what} ({id})")
            } else {
                format!("{endpoint} has {what} as {id}")
            };
            if !url.is_empty() && !*public {
                t.push_str(&format!(" ({url})"));
            }
            ("link", t)
        }
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::BUILTIN_PLAYBOOKS;

    fn pb() -> Playbook {
        Playbook::parse("default.toml", BUILTIN_PLAYBOOKS[0].1).expect("default playbook")
    }

    #[test]
    fn a_paged_role_is_known_by_its_key() {
        let pb = pb();
        let mut r = Remote::default();
        let t = Utc::now();
        let page = EventKind::RolePaged {
            role: "Tech_Lead".into(),
            person: String::new(),
        };
        assert_eq!(r.check(&page, &pb), Some(Ok(())));
        r.fold(&page, Some("tech_lead".into()), "ann", t);
        assert_eq!(r.paged["tech_lead"].by, "ann");
        assert_eq!(r.paged_ever, vec!["tech_lead".to_string()]);
        let bad = EventKind::RolePaged {
            role: "nobody".into(),
            person: String::new(),
        };
        assert!(matches!(
            r.check(&bad, &pb),
            Some(Err(RuleError::UnknownRole { .. }))
        ));
    }

    #[test]
    fn holds_switch_and_links_are_kept_once() {
        let mut r = Remote::default();
        let t = Utc::now();
        r.fold(
            &EventKind::PublicPostsHeld {
                held: true,
                reason: "security fix not released".into(),
            },
            None,
            "ann",
            t,
        );
        assert!(r.held());
        r.fold(
            &EventKind::PublicPostsHeld {
                held: false,
                reason: String::new(),
            },
            None,
            "ann",
            t,
        );
        assert!(!r.held());
        let link = EventKind::RemoteLinked {
            endpoint: "jira".into(),
            item: "incident".into(),
            id: "OPS-7".into(),
            url: "https://jira.example/browse/OPS-7".into(),
            public: false,
        };
        r.fold(&link, None, "cockpit", t);
        r.fold(&link, None, "cockpit", t);
        assert_eq!(r.refs_of("incident").count(), 1);
        assert_eq!(
            describe(&link).unwrap().1,
            "jira has the incident as OPS-7 (https://jira.example/browse/OPS-7)"
        );
    }
}
