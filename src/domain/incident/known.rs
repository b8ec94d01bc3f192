//! Validators the concerns share: a name the playbook knows, a text that is
//! not blank. Each returns the playbook's own entry, so a fold never looks a
//! checked name up again.

use crate::domain::playbook::{Playbook, Role, Severity, State, Tag};
use crate::domain::rules::RuleError;

pub(super) fn non_empty(s: &str, what: &'static str) -> Result<(), RuleError> {
    if s.trim().is_empty() {
        Err(RuleError::Empty(what))
    } else {
        Ok(())
    }
}

pub(super) fn or_none(s: &str) -> String {
    if s.is_empty() {
        "nothing".into()
    } else {
        s.into()
    }
}

fn keys<'a>(keys: impl Iterator<Item = &'a str>) -> String {
    keys.collect::<Vec<_>>().join(", ")
}

pub(super) fn known_severity<'p>(pb: &'p Playbook, given: &str) -> Result<&'p Severity, RuleError> {
    pb.severity(given)
        .ok_or_else(|| RuleError::UnknownSeverity {
            given: given.to_string(),
            valid: pb.severity_names(),
        })
}

/// The playbook's role for a key, or an error listing the valid ones.
pub(super) fn known_role<'p>(pb: &'p Playbook, given: &str) -> Result<&'p Role, RuleError> {
    pb.role(given).ok_or_else(|| RuleError::UnknownRole {
        given: given.to_string(),
        valid: keys(pb.roles.iter().map(|r| r.key.as_str())),
    })
}

pub(super) fn known_tag<'p>(pb: &'p Playbook, given: &str) -> Result<&'p Tag, RuleError> {
    pb.tag(given).ok_or_else(|| RuleError::UnknownTag {
        given: given.to_string(),
        valid: keys(pb.tags.iter().map(|t| t.key.as_str())),
    })
}

pub(super) fn known_state<'p>(pb: &'p Playbook, given: &str) -> Result<&'p State, RuleError> {
    pb.state(given).ok_or_else(|| RuleError::UnknownState {
        given: given.to_string(),
        valid: keys(pb.states.iter().map(|s| s.key.as_str())),
    })
}
