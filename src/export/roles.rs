//! Who did what in the draft: the roles and who held them when, who
//! acknowledged the incident, who owns it, and the review after it. Pure.

use chrono::{DateTime, Utc};

use super::model::{Acknowledgement, ReviewMeeting, RoleStint};
use crate::domain::{Event, EventKind, Incident, Playbook};

/// The playbook's spelling of a role key as written in an event.
pub fn role_key(pb: &Playbook, role: &str) -> String {
    pb.role(role)
        .map_or_else(|| role.to_string(), |r| r.key.clone())
}

/// Who held which role when. Someone who assigned a role to themselves took it
/// up then: engaged at that moment, as the metrics count it for MTTA.
pub fn roles(incident: &Incident, events: &[&Event], pb: &Playbook) -> Vec<RoleStint> {
    let self_assigned = |role: &str, person: &str, at: DateTime<Utc>| {
        events.iter().any(|e| {
            e.at == at
                && e.author == person
                && matches!(&e.kind, EventKind::RoleAssigned { role: r, person: p }
                    if p == person && role_key(pb, r) == role)
        })
    };
    let order = |k: &str| {
        pb.roles
            .iter()
            .position(|r| r.key == k)
            .unwrap_or(usize::MAX)
    };
    let mut out: Vec<RoleStint> = incident
        .roster
        .iter()
        .map(|h| RoleStint {
            role: h.role.clone(),
            role_name: pb.role(&h.role).map_or(h.role.clone(), |r| r.name.clone()),
            person: h.person.clone(),
            assigned_at: h.assigned_at,
            engaged_at: h.engaged_at.or_else(|| {
                self_assigned(&h.role, &h.person, h.assigned_at).then_some(h.assigned_at)
            }),
            released_at: h.released_at,
            handed_to: h.handed_to.clone(),
        })
        .collect();
    out.sort_by_key(|s| (order(&s.role), s.assigned_at));
    out
}

/// Who acknowledged the incident at `at`: the holder of an acknowledging role
/// (the commanding role; with a cascade, its roles too) engaged then.
pub fn acknowledgement(
    roles: &[RoleStint],
    pb: &Playbook,
    at: DateTime<Utc>,
) -> Option<Acknowledgement> {
    let acknowledging = crate::domain::metrics::acknowledging_roles(pb);
    roles
        .iter()
        .find(|r| acknowledging.contains(&r.role) && r.engaged_at == Some(at))
        .map(|r| Acknowledgement {
            at,
            person: r.person.clone(),
            role: r.role.clone(),
            role_name: r.role_name.clone(),
        })
}

/// The owner at the end, for playbooks that name one (003 cascade, 004
/// Incident Owner): the person, and the role they own it through (none when
/// nobody engaged an owning role: then whoever declared owns it).
pub fn owner(incident: &Incident, pb: &Playbook) -> Option<(String, Option<String>)> {
    let has_owner = pb.roles.iter().any(|r| r.owns) || !pb.ownership.cascade.is_empty();
    if !has_owner {
        return None;
    }
    let o = incident.owner(pb);
    let role = o
        .role
        .map(|key| pb.role(&key).map_or(key.clone(), |r| r.name.clone()));
    Some((o.person, role))
}

/// The review after the incident, as the playbook names it.
pub fn review_meeting(incident: &Incident, pb: &Playbook) -> ReviewMeeting {
    let r = incident.retrospective.as_ref();
    ReviewMeeting {
        name: pb.retrospective.name.clone(),
        scheduled: r.is_some(),
        facilitator: r.map(|r| r.facilitator.clone()).unwrap_or_default(),
        on: r.and_then(|r| r.on),
        link: r.map(|r| r.link.clone()).unwrap_or_default(),
    }
}
