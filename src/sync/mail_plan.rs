//! Which e-mails an event needs (pure, called from `plan`): who receives
//! them and how they thread. 000: "Send an e-mail to inform the stakeholders
//! ... that there is an active incident. Include the link to the incident
//! document"; status updates and the close notice follow in the same thread.

use super::delivery::Delivery;
use crate::config::Endpoint;
use crate::domain::{Event, EventKind, Incident, Playbook};

/// The endpoint's rendered subject and footer for this event.
pub struct Wording {
    pub subject: String,
    pub footer: String,
}

/// One mail per text; none when the endpoint is not an e-mail endpoint.
pub fn mails(
    endpoint: &Endpoint,
    event: &Event,
    incident: &Incident,
    pb: &Playbook,
    texts: Vec<String>,
    wording: &Wording,
) -> Vec<Delivery> {
    let Some(m) = &endpoint.mail else {
        return Vec::new();
    };
    let domain = domain_of(&m.from);
    let root = thread_root(incident, &domain);
    let declared = matches!(event.kind, EventKind::Declared { .. });
    let (to, bcc) = recipients(endpoint, event, incident, pb);
    texts
        .into_iter()
        .enumerate()
        .map(|(part, text)| {
            let (message_id, in_reply_to, subject) = if declared && part == 0 {
                (root.clone(), None, wording.subject.clone())
            } else {
                (
                    format!("<cockpit.{}.{}.{part}@{domain}>", incident.id, event.id),
                    Some(root.clone()),
                    // Mail programs that thread by subject (and people) see one thread.
                    format!("Re: {}", wording.subject),
                )
            };
            Delivery::Mail {
                message_id,
                in_reply_to,
                subject,
                body: format!("{text}\n\n{}\n", wording.footer),
                to: to.clone(),
                bcc: bcc.clone(),
            }
        })
        .collect()
}

/// The declaration's Message-ID. Derived from the incident id, which every
/// later event knows, so each update can point at it without a lookup.
pub fn thread_root(incident: &Incident, domain: &str) -> String {
    format!("<cockpit.{}@{domain}>", incident.id)
}

/// The domain of `Name <user@domain>` or `user@domain`: Message-IDs are
/// made unique under the sender's own domain (RFC 5322 section 3.6.4).
pub fn domain_of(from: &str) -> String {
    let addr = from
        .rsplit_once('<')
        .map(|(_, a)| a.trim_end_matches('>'))
        .unwrap_or(from);
    addr.rsplit_once('@')
        .map(|(_, d)| d.trim().to_string())
        .filter(|d| !d.is_empty())
        .unwrap_or_else(|| "localhost".into())
}

/// `To` and `Bcc`. Everyone in `to`, plus the severity's list, plus the
/// `security` list once the incident is flagged (002: the Data Protection
/// Officer). Comms to a client audience go only to the `clients` list, in
/// Bcc (002: affected clients must not see one another), when one is set.
fn recipients(
    endpoint: &Endpoint,
    event: &Event,
    incident: &Incident,
    pb: &Playbook,
) -> (Vec<String>, Vec<String>) {
    let m = endpoint.mail.as_ref().expect("checked by the caller");
    if let EventKind::CommsSent { audience, .. } = &event.kind {
        let to_clients = pb
            .clocks
            .client_audiences
            .iter()
            .any(|a| a.eq_ignore_ascii_case(audience));
        if let Some(clients) = m.to_flag.get("clients").filter(|_| to_clients) {
            return (vec![m.from.clone()], clients.clone());
        }
    }
    let mut to: Vec<String> = m.to.clone();
    let severity = m
        .to_severity
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(&incident.severity))
        .map(|(_, v)| v.clone())
        .unwrap_or_default();
    to.extend(severity);
    if incident.security.is_some()
        && let Some(sec) = m.to_flag.get("security")
    {
        to.extend(sec.iter().cloned());
    }
    let mut seen = std::collections::BTreeSet::new();
    to.retain(|a| seen.insert(a.to_ascii_lowercase()));
    (to, Vec::new())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{EndpointKind, MailSettings, MailTls};
    use crate::domain::IncidentId;
    use crate::sync::plan::plan;
    use chrono::{DateTime, Utc};
    use std::collections::BTreeMap;

    fn endpoint() -> Endpoint {
        let mut e = Endpoint::new("mail", EndpointKind::Email);
        e.mail = Some(MailSettings {
            server: "smtp.example.org".into(),
            port: 587,
            tls: MailTls::Starttls,
            username: None,
            password: None,
            from: "Cockpit <ic@example.org>".into(),
            to: vec!["all@example.org".into()],
            to_severity: BTreeMap::from([("SEV1".into(), vec!["cto@example.org".into()])]),
            to_flag: BTreeMap::from([
                ("security".into(), vec!["dpo@example.org".into()]),
                (
                    "clients".into(),
                    vec!["a@client.example".into(), "b@client.example".into()],
                ),
            ]),
            ca_file: None,
        });
        e
    }

    struct Story {
        pb: Playbook,
        inc: Incident,
        t: DateTime<Utc>,
    }

    impl Story {
        fn new() -> (Self, Event) {
            let pb = Playbook::parse(
                "default.toml",
                include_str!("../../assets/playbooks/default.toml"),
            )
            .unwrap();
            let mut s = Story {
                inc: Incident::new(IncidentId::new()),
                pb,
                t: "2026-11-21T10:00:00Z".parse().unwrap(),
            };
            let e = s.add(EventKind::Declared {
                title: "db down".into(),
                severity: "SEV1".into(),
                summary: String::new(),
                security: false,
                playbook: "default".into(),
            });
            (s, e)
        }

        fn add(&mut self, kind: EventKind) -> Event {
            self.t += chrono::Duration::minutes(5);
            let e = Event::new(self.inc.id, "ann", self.t, self.t, kind);
            self.inc.apply(&e, &self.pb).unwrap();
            e
        }

        fn mails(&self, e: &Event) -> Vec<Delivery> {
            plan(&endpoint(), e, &self.inc, &self.pb)
        }
    }

    #[test]
    fn the_declaration_starts_the_thread_and_updates_answer_it() {
        let (mut s, declared) = Story::new();
        let root = format!("<cockpit.{}@example.org>", s.inc.id);
        let [
            Delivery::Mail {
                message_id,
                in_reply_to,
                subject,
                to,
                bcc,
                body,
            },
        ] = &s.mails(&declared)[..]
        else {
            panic!("one mail")
        };
        assert_eq!(message_id, &root);
        assert_eq!(in_reply_to, &None);
        assert_eq!(subject, "[Active Incident] db down");
        assert_eq!(to, &["all@example.org", "cto@example.org"]);
        assert!(bcc.is_empty());
        assert!(body.contains("Incident document: (none)"), "{body}");
        let e = s.add(EventKind::StateChanged {
            state: "identified".into(),
            reason: String::new(),
        });
        let [
            Delivery::Mail {
                message_id,
                in_reply_to,
                subject,
                ..
            },
        ] = &s.mails(&e)[..]
        else {
            panic!("one mail")
        };
        assert_eq!(
            message_id,
            &format!("<cockpit.{}.{}.0@example.org>", s.inc.id, e.id)
        );
        assert_eq!(in_reply_to.as_ref(), Some(&root));
        assert_eq!(subject, "Re: [Active Incident] db down");
        // The same event planned again (a retry) gives the same id.
        assert_eq!(s.mails(&e), s.mails(&e));
    }

    #[test]
    fn security_adds_the_dpo_and_client_comms_go_only_to_clients_in_bcc() {
        let (mut s, _) = Story::new();
        let e = s.add(EventKind::SecurityFlagged {
            details: String::new(),
        });
        let [Delivery::Mail { to, .. }] = &s.mails(&e)[..] else {
            panic!()
        };
        assert!(to.contains(&"dpo@example.org".to_string()), "{to:?}");
        let e = s.add(EventKind::CommsSent {
            audience: "Clients".into(),
            text: "We are on it.".into(),
        });
        let [Delivery::Mail { to, bcc, body, .. }] = &s.mails(&e)[..] else {
            panic!()
        };
        assert_eq!(to, &["Cockpit <ic@example.org>"]);
        assert_eq!(bcc, &["a@client.example", "b@client.example"]);
        assert!(body.starts_with("We are on it."));
        // A private note never becomes a mail.
        let e = s.add(EventKind::Note {
            text: "secret".into(),
            tag: "note".into(),
            private: true,
        });
        assert!(s.mails(&e).is_empty());
    }

    #[test]
    fn the_domain_comes_from_the_sender() {
        assert_eq!(domain_of("Cockpit <ic@example.org>"), "example.org");
        assert_eq!(domain_of("ic@example.org"), "example.org");
        assert_eq!(domain_of("nobody"), "localhost");
    }
}
