//! What the chat/paging planner (`plan.rs`) and the status-page / tracker
//! planner (`plan_remote.rs`) share: a leaf, so neither imports the other.

use crate::config::Endpoint;
use crate::domain::message;
use crate::domain::{Incident, Playbook};

/// PagerDuty's `dedup_key`: one alert per incident, whoever sends and however often.
pub fn dedup_key(incident: &Incident) -> String {
    format!("cockpit-{}", incident.id)
}

pub(super) struct Templates<'a> {
    pub(super) endpoint: &'a Endpoint,
    pub(super) playbook: &'a Playbook,
    pub(super) vars: message::Vars,
}

impl Templates<'_> {
    /// The domain's one renderer and vocabulary (`domain::message`).
    pub(super) fn render(&self, key: &str) -> String {
        let template = message::template(self.playbook, Some(&self.endpoint.templates), key);
        message::render(template, &self.vars)
    }
}
