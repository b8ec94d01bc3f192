//! What status pages, trackers, client tickets and team paging receive
//! (issue 17): pure, like `plan.rs`, whose templates it uses.

use std::collections::BTreeMap;

use super::delivery::{Delivery, PageAction, Ticket};
use super::plan_common::{Templates, dedup_key};
use crate::config::{Endpoint, EndpointKind};
use crate::domain::message::{self, render};
use crate::domain::playbook::Phase;
use crate::domain::remote::follow_up_item;
use crate::domain::{Event, EventKind, Incident, Playbook};

/// Event kinds each new endpoint kind hears about when its config names none.
pub fn default_events(kind: EndpointKind) -> &'static [&'static str] {
    use EndpointKind::*;
    match kind {
        // 003: the incident, its state and status, and what the public is told.
        Statuspage | Statusio => &[
            "declared",
            "severity_changed",
            "state_changed",
            "service_status_changed",
            "check_in_held",
            "comms_sent",
            "closed",
            "reopened",
            "public_posts_held",
        ],
        // 000 / 003 / 004: the incident ticket, follow-ups, the near-miss review.
        Jira | Gitlab => &[
            "declared",
            "title_changed",
            "severity_changed",
            "state_changed",
            "closed",
            "reopened",
            "follow_up_added",
            "near_miss",
            "retrospective_scheduled",
            "dismissed",
        ],
        // 002: client-facing updates, on the ticket the client raised.
        Zendesk => &["comms_sent", "closed"],
        _ => &[],
    }
}

/// The incident's links as PagerDuty `links` (href, text): only web links.
pub fn page_links(incident: &Incident) -> Vec<(String, String)> {
    incident
        .links
        .iter()
        .filter(|(_, url)| url.starts_with("https://") || url.starts_with("http://"))
        .map(|(name, url)| (url.clone(), name.clone()))
        .collect()
}

/// 000 / 004: page a role's team on its own service; acknowledge when
/// someone engages the role; resolve with the incident.
pub fn team_pages(
    endpoint: &Endpoint,
    event: &Event,
    incident: &Incident,
    pb: &Playbook,
    t: &Templates<'_>,
) -> Vec<Delivery> {
    use EventKind::*;
    let role_key = |r: &str| pb.role(r).map(|d| d.key.to_ascii_lowercase());
    let has_team = |k: &str| endpoint.teams.contains_key(k);
    let page = |role: &str, action: PageAction| {
        let mut vars = t.vars.clone();
        vars.set(
            "role",
            pb.role(role).map(|r| r.name.clone()).unwrap_or(role.into()),
        );
        let template = endpoint
            .templates
            .get("page_role")
            .or_else(|| pb.templates.get("page_role"))
            .map(String::as_str)
            .unwrap_or_else(|| message::builtin("page_role"));
        Delivery::Page {
            action,
            // One alert per team and incident: a second page is a log entry.
            dedup_key: format!("{}-{role}", dedup_key(incident)),
            summary: render(template, &vars),
            severity: pb
                .severity(&incident.severity)
                .map(|s| s.paging.clone())
                .unwrap_or_else(|| "error".into()),
            source: endpoint
                .source
                .clone()
                .unwrap_or_else(|| "incident-cockpit".into()),
            team: Some(role.to_string()),
            links: page_links(incident),
        }
    };
    match &event.kind {
        RolePaged { role, .. } => match role_key(role) {
            Some(k) if has_team(&k) => vec![page(&k, PageAction::Trigger)],
            _ => Vec::new(),
        },
        RoleEngaged { role, .. } => match role_key(role) {
            Some(k)
                if has_team(&k)
                    && incident
                        .remote
                        .paged_ever
                        .iter()
                        .any(|p| p.eq_ignore_ascii_case(&k)) =>
            {
                vec![page(&k, PageAction::Acknowledge)]
            }
            _ => Vec::new(),
        },
        StateChanged { .. } | Closed {} | Dismissed { .. }
            if incident.phase(pb) != Phase::Active =>
        {
            incident
                .remote
                .paged_ever
                .iter()
                .map(|k| k.to_ascii_lowercase())
                .filter(|k| has_team(k))
                .map(|k| page(&k, PageAction::Resolve))
                .collect()
        }
        _ => Vec::new(),
    }
}

/// Statuspage's incident status from the incident's state: the state's own
/// key when it is one of Statuspage's four, otherwise by phase.
/// https://developer.statuspage.io/#operation/postPagesPageIdIncidents
/// (status: investigating, identified, monitoring, resolved)
pub fn status_page_status(incident: &Incident, pb: &Playbook) -> String {
    const OWN: [&str; 4] = ["investigating", "identified", "monitoring", "resolved"];
    let key = incident.state.to_ascii_lowercase();
    match incident.phase(pb) {
        Phase::Active if OWN.contains(&key.as_str()) => key,
        Phase::Active => "investigating".into(),
        Phase::Resolved | Phase::Closed => "resolved".into(),
    }
}

/// A component status from the playbook's service status (003 "Degraded
/// performance", "Partial service disruption", "Service disruption").
/// Statuspage component statuses: operational, under_maintenance,
/// degraded_performance, partial_outage, major_outage
/// (https://developer.statuspage.io/#operation/patchPagesPageIdComponentsComponentId).
pub fn component_status(incident: &Incident, pb: &Playbook) -> String {
    if incident.phase(pb) != Phase::Active {
        return "operational".into();
    }
    match incident.service_status.as_deref().unwrap_or("") {
        "" => String::new(),
        "operational" => "operational".into(),
        "degraded" | "degraded_performance" => "degraded_performance".into(),
        "partial_disruption" | "partial_outage" => "partial_outage".into(),
        "disruption" | "major_outage" | "outage" => "major_outage".into(),
        "under_maintenance" | "maintenance" => "under_maintenance".into(),
        // A status with no public counterpart (e.g. security_issue) leaves
        // the components as they are.
        _ => String::new(),
    }
}

fn public_audience(audience: &str) -> bool {
    let a = audience.to_ascii_lowercase();
    ["public", "status", "customer", "client", "user"]
        .iter()
        .any(|w| a.contains(w))
}

/// 003: the status page's incident, created and updated; lifecycle state
/// and component status are separate fields of one post. Nothing while
/// public posts are held; resuming posts where things stand.
pub fn status_page(
    event: &Event,
    incident: &Incident,
    pb: &Playbook,
    t: &Templates<'_>,
) -> Vec<Delivery> {
    use EventKind::*;
    if incident.remote.held() {
        return Vec::new();
    }
    let closing = incident.phase(pb) != Phase::Active;
    let body = match &event.kind {
        CommsSent { audience, text } if public_audience(audience) => text.clone(),
        CommsSent { .. } => return Vec::new(),
        CheckInHeld(c) if !c.status.is_empty() => c.status.clone(),
        _ if closing => t.render("status_page_resolved"),
        Declared { .. }
        | SeverityChanged { .. }
        | StateChanged { .. }
        | ServiceStatusChanged { .. }
        | CheckInHeld(_)
        | Reopened { .. }
        | PublicPostsHeld { held: false, .. } => t.render("status_page"),
        _ => return Vec::new(),
    };
    vec![Delivery::Ticket(Ticket {
        item: "incident".into(),
        title: t.render("status_page_title"),
        body,
        status: status_page_status(incident, pb),
        component_status: component_status(incident, pb),
        ..Default::default()
    })]
}

/// Labels for the incident's items: the severity (003 "the severity label").
fn severity_labels(incident: &Incident) -> Vec<String> {
    vec![incident.severity.clone()]
}

/// 000 / 004: the incident ticket, one ticket per follow-up; 003: the
/// incident issue with its severity label, the near miss's review issue
/// labelled `Near Miss`. Updates change the same ticket.
pub fn tracker(
    endpoint: &Endpoint,
    event: &Event,
    incident: &Incident,
    pb: &Playbook,
    t: &Templates<'_>,
) -> Vec<Delivery> {
    use EventKind::*;
    let incident_item = |title: &str, body: String, status: &str| {
        Delivery::Ticket(Ticket {
            item: "incident".into(),
            title: title.to_string(),
            body,
            status: status.to_string(),
            labels: severity_labels(incident),
            ..Default::default()
        })
    };
    let comment = |text: String| {
        Delivery::Ticket(Ticket {
            item: "incident".into(),
            body: text,
            ..Default::default()
        })
    };
    let closing = incident.phase(pb) != Phase::Active;
    // Jira's workflow transitions differ per project: its tickets get the
    // news as a comment, GitLab issues are closed and reopened.
    // Jira closes through its workflow when the config names the transition.
    let states = |status: &str| match endpoint.kind {
        EndpointKind::Gitlab => true,
        EndpointKind::Jira => status == "closed" && endpoint.done_transition.is_some(),
        _ => false,
    };
    let lifecycle = |status: &str| states(status).then(|| incident_item("", String::new(), status));
    match &event.kind {
        Declared { .. } => vec![incident_item(
            &t.render("ticket_title"),
            t.render("ticket_body"),
            "",
        )],
        TitleChanged { .. } | SeverityChanged { .. } => {
            vec![
                incident_item(&t.render("ticket_title"), String::new(), ""),
                comment(t.render("ticket_update")),
            ]
        }
        StateChanged { .. } | Closed {} if closing => {
            std::iter::once(comment(t.render("ticket_update")))
                .chain(lifecycle("closed"))
                .collect()
        }
        StateChanged { .. } => vec![comment(t.render("ticket_update"))],
        // 000 responder script step 4: "create a JIRA ticket on your team's
        // JIRA board to fix the alert later, and label the ticket
        // 'qpp-incident-response'" (step 5: "describing the issue"). A ticket
        // of its own, labelled by the endpoint's `labels`; the incident's
        // ticket, if one was raised, hears it and closes like a close.
        Dismissed { verdict, reason } => {
            let label = verdict.label();
            let head = format!("{}{}", label[..1].to_uppercase(), &label[1..]);
            std::iter::once(comment(t.render("ticket_update")))
                .chain(lifecycle("closed"))
                .chain([Delivery::Ticket(Ticket {
                    item: "dismissed".into(),
                    title: crate::sync::adapters::truncate(
                        &format!("{head}: {}", incident.title),
                        250,
                    ),
                    body: format!("{head}, recorded by {}: {reason}", event.author),
                    ..Default::default()
                })])
                .collect()
        }
        Reopened { .. } => lifecycle("opened")
            .into_iter()
            .chain([comment(t.render("ticket_update"))])
            .collect(),
        FollowUpAdded(f) => {
            let mut vars = t.vars.clone();
            vars.set("owner", f.owner.clone());
            vars.set(
                "due",
                f.due
                    .map(|d| d.to_string())
                    .unwrap_or_else(|| "(none)".into()),
            );
            vec![Delivery::Ticket(Ticket {
                item: follow_up_item(&event.id),
                title: crate::sync::adapters::truncate(&f.text, 250),
                body: render(t_template(t, "follow_up_body"), &vars),
                ..Default::default()
            })]
        }
        // 000: the retrospective ticket, linking the incident document and
        // the review's own link; a rescheduled review edits the same ticket.
        RetrospectiveScheduled { .. } => vec![Delivery::Ticket(Ticket {
            item: "retrospective".into(),
            title: render(t_template(t, "retrospective_title"), &t.vars),
            body: render(t_template(t, "retrospective_body"), &t.vars),
            labels: severity_labels(incident),
            ..Default::default()
        })],
        NearMiss { would_be_severity } => {
            let mut vars = t.vars.clone();
            vars.set("would_be", would_be_severity.clone());
            vec![Delivery::Ticket(Ticket {
                item: "near_miss".into(),
                title: render(t_template(t, "near_miss_title"), &vars),
                body: render(t_template(t, "near_miss_body"), &vars),
                // 003: "Label it with the severity label ... with the ~Near Miss label."
                labels: vec![would_be_severity.clone(), "Near Miss".into()],
                ..Default::default()
            })]
        }
        _ => Vec::new(),
    }
}

/// 002: client-facing updates as public comments on the Zendesk ticket the
/// IC linked (`cockpit link zendesk 12345` or the ticket's URL).
pub fn client_ticket(
    event: &Event,
    incident: &Incident,
    pb: &Playbook,
    t: &Templates<'_>,
) -> Vec<Delivery> {
    use EventKind::*;
    if incident.remote.held() {
        return Vec::new();
    }
    let Some(ticket) = zendesk_ticket(&incident.links) else {
        return Vec::new();
    };
    let clients = |a: &str| {
        pb.clocks
            .client_audiences
            .iter()
            .any(|c| c.eq_ignore_ascii_case(a))
    };
    let text = match &event.kind {
        // The IC's own words, as chat gets them (`comms`); a playbook's
        // `client_update` template is a draft for the IC, not the message.
        CommsSent { audience, .. } if clients(audience) => t.render("comms"),
        Closed {} => t.render("closed"),
        _ => return Vec::new(),
    };
    vec![Delivery::Ticket(Ticket {
        item: "client_ticket".into(),
        body: text,
        remote: ticket,
        ..Default::default()
    })]
}

/// The Zendesk ticket id from the incident's `zendesk` link (002's
/// playbook), or a `ticket` link to a Zendesk URL: a number, or a URL ending
/// in one (`.../agent/tickets/123`, `.../api/v2/tickets/123.json`).
pub fn zendesk_ticket(links: &BTreeMap<String, String>) -> Option<String> {
    let v = links
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("zendesk"))
        .or_else(|| {
            links
                .iter()
                .find(|(k, v)| k.eq_ignore_ascii_case("ticket") && v.contains("zendesk"))
        })
        .map(|(_, v)| v.trim())?;
    let last = v
        .trim_end_matches('/')
        .rsplit('/')
        .next()?
        .trim_end_matches(".json");
    (!last.is_empty() && last.chars().all(|c| c.is_ascii_digit())).then(|| last.to_string())
}

fn t_template<'a>(t: &'a Templates<'_>, key: &str) -> &'a str {
    message::template(t.playbook, Some(&t.endpoint.templates), key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_zendesk_ticket_comes_from_its_link() {
        let links = |k: &str, v: &str| BTreeMap::from([(k.to_string(), v.to_string())]);
        assert_eq!(
            zendesk_ticket(&links("zendesk", "4711")).as_deref(),
            Some("4711")
        );
        assert_eq!(
            zendesk_ticket(&links(
                "Zendesk",
                "https://acme.zendesk.com/agent/tickets/12/"
            ))
            .as_deref(),
            Some("12")
        );
        assert_eq!(
            zendesk_ticket(&links(
                "ticket",
                "https://acme.zendesk.com/api/v2/tickets/99.json"
            ))
            .as_deref(),
            Some("99")
        );
        // A ticket elsewhere is not a Zendesk ticket; a link without a number is none.
        assert_eq!(
            zendesk_ticket(&links("ticket", "https://jira.example/browse/OPS-1")),
            None
        );
        assert_eq!(
            zendesk_ticket(&links("zendesk", "https://acme.zendesk.com/")),
            None
        );
    }
}
