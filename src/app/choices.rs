//! Issue 12's pickers as plain data: who holds a role, and which state,
//! service status or severity to set. A leaf under `model`, which
//! re-exports these types.

use ratatui_textarea::TextArea;

/// What the state / service status / severity picker sets (issue 12).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChoiceKind {
    State,
    ServiceStatus,
    Severity,
}

impl ChoiceKind {
    /// The intent that sets this to `key`.
    pub fn intent(self, key: String, reason: String) -> crate::services::intent::Intent {
        use crate::services::intent::Intent;
        match self {
            ChoiceKind::State => Intent::State { state: key, reason },
            ChoiceKind::ServiceStatus => Intent::ServiceStatus {
                status: key,
                reason,
            },
            ChoiceKind::Severity => Intent::Severity {
                severity: key,
                reason,
            },
        }
    }
}

/// The picker opened by a key (or a click on the header item): the
/// playbook's allowed next states, its service statuses or its severities.
#[derive(Debug)]
pub struct Choice {
    pub kind: ChoiceKind,
    pub selected: usize,
}

/// Who holds a role, picked from the roster (issue 12): people in the
/// incident, the config's `people`, and anything typed, fuzzy-filtered.
#[derive(Debug)]
pub struct RolePicker {
    /// The playbook's key of the role.
    pub role: String,
    pub input: TextArea<'static>,
    pub selected: usize,
    /// Pick whom to release (the role has several holders).
    pub release: bool,
}
