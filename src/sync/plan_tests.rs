use super::*;
use crate::domain::IncidentId;
use chrono::{DateTime, Duration, Utc};

fn playbook() -> Playbook {
    Playbook::parse(
        "default.toml",
        include_str!("../../assets/playbooks/default.toml"),
    )
    .unwrap()
}

/// An incident driven by events, remembering the state after each.
struct Story {
    pb: Playbook,
    incident: Incident,
    t: DateTime<Utc>,
}

impl Story {
    fn declared(title: &str, severity: &str) -> (Self, Event) {
        let pb = playbook();
        let id = IncidentId::new();
        let mut s = Story {
            incident: Incident::new(id),
            pb,
            t: DateTime::parse_from_rfc3339("2026-11-21T10:00:00Z")
                .unwrap()
                .with_timezone(&Utc),
        };
        let e = s.add(EventKind::Declared {
            title: title.into(),
            severity: severity.into(),
            summary: String::new(),
            security: false,
            playbook: "default".into(),
        });
        (s, e)
    }

    fn add(&mut self, kind: EventKind) -> Event {
        self.t += Duration::minutes(20);
        let e = Event::new(self.incident.id, "ann", self.t, self.t, kind);
        self.incident.apply(&e, &self.pb).unwrap();
        e
    }

    fn plan(&self, endpoint: &Endpoint, e: &Event) -> Vec<Delivery> {
        plan(endpoint, e, &self.incident, &self.pb)
    }
}

fn state(s: &str) -> EventKind {
    EventKind::StateChanged {
        state: s.into(),
        reason: String::new(),
    }
}

fn note(text: &str, tag: &str, private: bool) -> EventKind {
    EventKind::Note {
        text: text.into(),
        tag: tag.into(),
        private,
    }
}

#[test]
fn pagerduty_triggers_on_declare_acknowledges_when_the_ic_engages_and_resolves() {
    let pd = Endpoint::new("pd", EndpointKind::Pagerduty);
    let (mut s, declared) = Story::declared("db primary down", "SEV1");
    let key = format!("cockpit-{}", s.incident.id);
    assert_eq!(
        s.plan(&pd, &declared),
        vec![Delivery::Page {
            action: PageAction::Trigger,
            dedup_key: key.clone(),
            summary: "[SEV1] db primary down".into(),
            // The playbook maps SEV1 to PagerDuty's `critical`.
            severity: "critical".into(),
            source: "incident-cockpit".into(),
            team: None,
            links: Vec::new(),
        }]
    );
    // Someone else engaging, or a note, does not page.
    let e = s.add(EventKind::RoleEngaged {
        role: "scribe".into(),
        person: "bob".into(),
    });
    assert!(s.plan(&pd, &e).is_empty());
    let e = s.add(EventKind::RoleEngaged {
        role: "ic".into(),
        person: "ann".into(),
    });
    assert!(matches!(
        &s.plan(&pd, &e)[..],
        [Delivery::Page { action: PageAction::Acknowledge, dedup_key, .. }] if *dedup_key == key
    ));
    let e = s.add(state("identified"));
    assert!(s.plan(&pd, &e).is_empty());
    let e = s.add(EventKind::SeverityChanged {
        severity: "SEV3".into(),
        reason: "impact limited to one replica".into(),
    });
    assert!(s.plan(&pd, &e).is_empty());
    let e = s.add(state("resolved"));
    assert!(matches!(
        &s.plan(&pd, &e)[..],
        [Delivery::Page { action: PageAction::Resolve, severity, .. }] if severity == "warning"
    ));
}

#[test]
fn chat_gets_the_seed_wording_and_the_topic_is_set_and_reset() {
    let mut matrix = Endpoint::new("room", EndpointKind::Matrix);
    matrix.events = Some(["*".to_string()].into());
    let hook = Endpoint::new("hook", EndpointKind::SlackWebhook);
    let (mut s, declared) = Story::declared("checkout errors", "SEV2");
    assert_eq!(
        s.plan(&matrix, &declared),
        vec![
            Delivery::Post {
                text: "[Active Incident] checkout errors".into()
            },
            Delivery::Topic {
                topic: "Active Incident. Conference Line: (none) Incident Document: (none)".into()
            },
        ]
    );
    // A webhook cannot set a topic: only the post.
    assert_eq!(s.plan(&hook, &declared).len(), 1);
    let e = s.add(EventKind::LinkSet {
        link: "bridge".into(),
        url: "https://meet/x".into(),
    });
    assert_eq!(
        s.plan(&matrix, &e),
        vec![Delivery::Topic {
            topic: "Active Incident. Conference Line: https://meet/x Incident Document: (none)"
                .into()
        }]
    );
    assert!(s.plan(&hook, &e).is_empty());
    let e = s.add(EventKind::ServiceStatusChanged {
        status: "degraded".into(),
        reason: String::new(),
    });
    assert_eq!(
        s.plan(&hook, &e),
        vec![Delivery::Post {
            // `{status}` is the status report (none yet: the summary, empty
            // here), never the service status (that is `{service_status}`).
            text: "[SEV2 Investigating] checkout errors: ".into()
        }]
    );
    let e = s.add(EventKind::RoleAssigned {
        role: "ic".into(),
        person: "ann".into(),
    });
    // Not in a webhook's default subscription; the matrix room hears everything.
    assert!(s.plan(&hook, &e).is_empty());
    assert_eq!(
        s.plan(&matrix, &e),
        vec![Delivery::Post {
            text: "ann role assigned".into()
        }]
    );
    let e = s.add(EventKind::RoleHandedOff {
        role: "ic".into(),
        from: "ann".into(),
        to: "bob".into(),
        briefing: Default::default(),
    });
    assert_eq!(
        s.plan(&hook, &e),
        vec![Delivery::Post {
            text: "ann is handing off Incident Commander to bob.".into()
        }]
    );
    s.add(state("resolved"));
    let e = s.add(EventKind::CloseRequested {});
    assert_eq!(
        s.plan(&hook, &e),
        vec![Delivery::Post {
            text: "Is anyone opposed to me closing this incident?".into()
        }]
    );
    s.t += Duration::minutes(30);
    let e = s.add(EventKind::Closed {});
    assert_eq!(
        s.plan(&matrix, &e),
        vec![
            Delivery::Post {
                text: "[Resolved] checkout errors is closed.".into()
            },
            Delivery::Topic {
                topic: "No active incident.".into()
            },
        ]
    );
}

#[test]
fn private_notes_and_notes_from_chat_never_go_out() {
    let mut matrix = Endpoint::new("room", EndpointKind::Matrix);
    matrix.events = Some(["note".to_string()].into());
    let webhook = Endpoint::new("hook", EndpointKind::Webhook);
    let (mut s, _) = Story::declared("x", "SEV3");
    let e = s.add(note("pager is noisy", "note", false));
    assert_eq!(
        s.plan(&matrix, &e),
        vec![Delivery::Post {
            text: "ann: pager is noisy".into()
        }]
    );
    let e = s.add(note("the password is hunter2", "note", true));
    assert!(s.plan(&matrix, &e).is_empty());
    assert!(s.plan(&webhook, &e).is_empty());
    let e = s.add(note("from the room", CHAT_TAG, false));
    assert!(s.plan(&matrix, &e).is_empty());
    // The generic webhook is a feed of events: it does get chat notes.
    assert_eq!(s.plan(&webhook, &e).len(), 1);
}

#[test]
fn the_webhook_gets_the_event_and_the_incident_but_not_sync_bookkeeping() {
    let webhook = Endpoint::new("hook", EndpointKind::Webhook);
    let (mut s, declared) = Story::declared("x", "SEV3");
    let [Delivery::Event { event }] = &s.plan(&webhook, &declared)[..] else {
        panic!("one event")
    };
    assert_eq!(event["event"]["kind"], "declared");
    assert_eq!(event["event"]["id"], declared.id.to_string());
    assert_eq!(event["incident"]["title"], "x");
    let e = s.add(EventKind::SyncDropped {
        endpoint: "hook".into(),
        row: 1,
        event: declared.id,
        what: "event".into(),
        error: String::new(),
        reason: String::new(),
    });
    assert!(s.plan(&webhook, &e).is_empty());
}

#[test]
fn endpoint_templates_override_the_playbook_and_unknown_names_stay_visible() {
    let mut hook = Endpoint::new("hook", EndpointKind::Mattermost);
    hook.templates.insert(
        "declared".into(),
        "**{severity}** {title} {nonsense}".into(),
    );
    let (s, declared) = Story::declared("api slow", "SEV2");
    assert_eq!(
        s.plan(&hook, &declared),
        vec![Delivery::Post {
            text: "**SEV2** api slow {nonsense}".into()
        }]
    );
}

#[test]
fn the_router_only_exists_when_something_receives_events() {
    let am = Endpoint::new("am", EndpointKind::Alertmanager);
    assert!(Router::new(&[]).is_none());
    assert!(Router::new(std::slice::from_ref(&am)).is_none());
    let pd = Endpoint::new("pd", EndpointKind::Pagerduty);
    let r = Router::new(&[am, pd]).unwrap();
    let (s, declared) = Story::declared("x", "SEV1");
    let items = r.route(&declared, &s.incident, &s.pb);
    assert_eq!(items.len(), 1);
    assert_eq!(items[0].endpoint, "pd");
    assert_eq!(items[0].what, "trigger");
}

/// Issue 13, item 8: in `eoc-imoc-cmoc` the EOC's engagement acknowledges
/// the page (003: "By acknowledging an incident in Pagerduty, the EOC is
/// implying that they are working on it"), not the IMOC's.
#[test]
fn pagerduty_acknowledges_when_the_playbooks_acknowledging_role_engages() {
    let pd = Endpoint::new("pd", EndpointKind::Pagerduty);
    let (mut s, _) = Story::declared("db primary down", "SEV1");
    s.pb = Playbook::parse(
        "eoc-imoc-cmoc.toml",
        include_str!("../../assets/playbooks/eoc-imoc-cmoc.toml"),
    )
    .unwrap();
    let imoc = s.add(EventKind::RoleEngaged {
        role: "imoc".into(),
        person: "ian".into(),
    });
    assert!(
        s.plan(&pd, &imoc).is_empty(),
        "the IMOC does not acknowledge"
    );
    let eoc = s.add(EventKind::RoleEngaged {
        role: "eoc".into(),
        person: "eve".into(),
    });
    assert!(matches!(
        &s.plan(&pd, &eoc)[..],
        [Delivery::Page {
            action: PageAction::Acknowledge,
            ..
        }]
    ));
}

/// Issue 13, item 6: a dismissed record resolves its page, and chat hears the
/// verdict with its reason.
#[test]
fn a_dismissal_resolves_the_page_and_chat_hears_the_verdict() {
    let pd = Endpoint::new("pd", EndpointKind::Pagerduty);
    let slack = Endpoint::new("slack", EndpointKind::SlackWebhook);
    let (mut s, _) = Story::declared("disk alert", "SEV3");
    let e = s.add(EventKind::Dismissed {
        verdict: crate::domain::event::Verdict::FalsePositive,
        reason: "test host".into(),
    });
    assert!(matches!(
        &s.plan(&pd, &e)[..],
        [Delivery::Page {
            action: PageAction::Resolve,
            ..
        }]
    ));
    let out = s.plan(&slack, &e);
    assert!(
        matches!(&out[..], [Delivery::Post { text }, ..] if text.contains("false positive") && text.contains("test host")),
        "{out:?}"
    );
}
