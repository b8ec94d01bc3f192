//! Paging, the public-post hold and remote ids (issue 17): the rules and the
//! fold of `role_paged`, `public_posts_held` and `remote_linked`. The model is
//! `domain/remote.rs`; engaging a paged role ends "paged" in the roster's fold.

use super::model::Incident;
use crate::domain::event::{Event, EventKind};
use crate::domain::playbook::Playbook;
use crate::domain::rules::RuleError;

/// A remote event that passed the rules: the playbook's key of a paged role.
pub(super) struct Change {
    role_key: Option<String>,
}

pub(super) fn check(
    inc: &Incident,
    event: &Event,
    pb: &Playbook,
) -> Option<Result<Change, RuleError>> {
    let checked = inc.remote.check(&event.kind, pb)?;
    Some(checked.map(|()| Change {
        role_key: match &event.kind {
            EventKind::RolePaged { role, .. } => pb.role(role).map(|r| r.key.clone()),
            _ => None,
        },
    }))
}

pub(super) fn fold(inc: &mut Incident, e: &Event, change: Change) {
    inc.remote.fold(&e.kind, change.role_key, &e.author, e.at);
}
