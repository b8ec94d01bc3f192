//! Roles: assigning, engaging, releasing, and handing a role over (000's
//! handoff, confirmed by the incoming person where `confirm_handoff` says so).
//!
//! Every rule here is switched on by a flag in the playbook, never by a role's
//! name: `single`, `combines_with`, `lifecycle` and `changed_by_commander`
//! (004), `confirm_handoff` (000). Ownership (003) is in `ownership.rs`.

use chrono::{DateTime, Utc};

use super::known::{known_role, non_empty};
use super::model::{Holding, Incident};
use crate::domain::event::{Briefing, Event, EventKind};
use crate::domain::playbook::{Playbook, Role};
use crate::domain::rules::RuleError;

pub use super::model::Handoff;
pub use super::ownership::{Duty, Gap, GapKind, Owner};

/// A roster event that passed its rules; `role` is the playbook's key.
pub(super) enum Change<'e> {
    Assign {
        role: String,
        person: &'e str,
    },
    Engage {
        role: String,
        person: &'e str,
    },
    Release {
        role: String,
        person: &'e str,
    },
    HandOff {
        role: String,
        from: &'e str,
        to: &'e str,
        briefing: &'e Briefing,
        /// 000: the outgoing person keeps command until the incoming one says
        /// they have it; without `confirm_handoff` it passes at once.
        confirm: bool,
    },
    Accept {
        role: String,
        person: &'e str,
    },
    Decline {
        role: String,
        reason: &'e str,
    },
}

/// `None`: not a roster event.
pub(super) fn check<'e>(
    inc: &Incident,
    e: &'e Event,
    pb: &Playbook,
) -> Option<Result<Change<'e>, RuleError>> {
    use EventKind::*;
    let author = e.author.as_str();
    Some(match &e.kind {
        RoleAssigned { role, person } => known_role(pb, role).and_then(|def| {
            inc.check_assign(pb, def, person)?;
            inc.check_commander_decides(pb, def, author)?;
            Ok(Change::Assign {
                role: def.key.clone(),
                person,
            })
        }),
        RoleEngaged { role, person } => known_role(pb, role).and_then(|def| {
            if !inc.holders(&def.key).any(|h| &h.person == person) {
                inc.check_assign(pb, def, person)?;
                inc.check_commander_decides(pb, def, author)?;
            }
            Ok(Change::Engage {
                role: def.key.clone(),
                person,
            })
        }),
        RoleReleased { role, person } => known_role(pb, role).and_then(|def| {
            inc.check_holds(&def.key, person)?;
            if def.lifecycle {
                return Err(RuleError::StaysForLifecycle(def.name.clone()));
            }
            inc.check_commander_decides(pb, def, author)?;
            Ok(Change::Release {
                role: def.key.clone(),
                person,
            })
        }),
        RoleHandedOff {
            role,
            from,
            to,
            briefing,
        } => known_role(pb, role).and_then(|def| {
            inc.check_handoff_offer(pb, def, from, to, briefing, author)?;
            Ok(Change::HandOff {
                role: def.key.clone(),
                from,
                to,
                briefing,
                confirm: def.confirm_handoff,
            })
        }),
        HandoffAccepted { role, person } => known_role(pb, role).and_then(|def| {
            inc.check_handoff_accept(pb, def, person)?;
            Ok(Change::Accept {
                role: def.key.clone(),
                person,
            })
        }),
        HandoffDeclined { role, reason } => {
            known_role(pb, role).and_then(|def| match inc.pending_handoff(&def.key) {
                Some(_) => Ok(Change::Decline {
                    role: def.key.clone(),
                    reason,
                }),
                None => Err(RuleError::NoPendingHandoff(def.key.clone())),
            })
        }
        _ => return None,
    })
}

impl Incident {
    fn check_assign(&self, pb: &Playbook, def: &Role, person: &str) -> Result<(), RuleError> {
        let role = def.key.clone();
        non_empty(person, "the person")?;
        if self.holders(&role).any(|h| h.person == person) {
            return Err(RuleError::AlreadyHolding {
                role,
                person: person.to_string(),
            });
        }
        let holder = self.holders(&role).next().map(|h| h.person.clone());
        if def.single
            && let Some(holder) = holder
        {
            return Err(RuleError::RoleTaken { role, holder });
        }
        self.check_combines(pb, def, person)
    }

    /// A person may hold several roles only where the playbook says they combine.
    /// Callers have refused `person` already holding `role`, so every role
    /// looked at here is another one.
    fn check_combines(&self, pb: &Playbook, wanted: &Role, person: &str) -> Result<(), RuleError> {
        let role = wanted.key.as_str();
        for held in self.roles_of(person) {
            let other = pb.role(&held.role);
            let ok = wanted.combines_with.contains(&held.role)
                || other.is_some_and(|o| o.combines_with.iter().any(|k| k == role));
            if !ok {
                return Err(RuleError::RolesDoNotCombine {
                    person: person.to_string(),
                    held: held.role.clone(),
                    role: role.to_string(),
                });
            }
        }
        Ok(())
    }

    fn check_holds(&self, role: &str, person: &str) -> Result<(), RuleError> {
        if self.holders(role).any(|h| h.person == person) {
            Ok(())
        } else {
            Err(RuleError::NotHolding {
                role: role.to_string(),
                person: person.to_string(),
            })
        }
    }

    /// 004: a role marked `changed_by_commander` that someone already held
    /// changes hands only when the person in command says so.
    fn check_commander_decides(
        &self,
        pb: &Playbook,
        def: &Role,
        author: &str,
    ) -> Result<(), RuleError> {
        let ever_held = self.roster.iter().any(|h| h.role == def.key);
        if !def.changed_by_commander || !ever_held {
            return Ok(());
        }
        let commander = pb.commander();
        match self.commander(pb) {
            Some(h) if h.person == author => Ok(()),
            Some(h) => Err(RuleError::CommanderDecides {
                role: def.name.clone(),
                commander: commander.name.clone(),
                holder: format!("; that is {}, not {author}", h.person),
            }),
            None => Err(RuleError::CommanderDecides {
                role: def.name.clone(),
                commander: commander.name.clone(),
                holder: format!("; nobody holds {} yet", commander.name),
            }),
        }
    }

    /// A handoff offer: the outgoing person announces it (000 step 3).
    fn check_handoff_offer(
        &self,
        pb: &Playbook,
        def: &Role,
        from: &str,
        to: &str,
        briefing: &Briefing,
        author: &str,
    ) -> Result<(), RuleError> {
        non_empty(to, "the person taking over")?;
        self.check_holds(&def.key, from)?;
        // Handing to yourself, or to someone already holding a shared role.
        if from == to || self.holders(&def.key).any(|h| h.person == to) {
            return Err(RuleError::AlreadyHolding {
                role: def.key.clone(),
                person: to.to_string(),
            });
        }
        self.check_combines(pb, def, to)?;
        if let Some(p) = self.pending_handoff(&def.key) {
            return Err(RuleError::HandoffPending {
                role: def.name.clone(),
                to: p.to.clone(),
            });
        }
        // 004: "the handover needs to be fully documented and communicated".
        if def.lifecycle && briefing.status.trim().is_empty() {
            return Err(RuleError::HandoverUndocumented(def.name.clone()));
        }
        self.check_commander_decides(pb, def, author)
    }

    /// The incoming person's "I have command" (000 step 4).
    fn check_handoff_accept(
        &self,
        pb: &Playbook,
        def: &Role,
        person: &str,
    ) -> Result<(), RuleError> {
        let pending = self
            .pending_handoff(&def.key)
            .ok_or_else(|| RuleError::NoPendingHandoff(def.name.clone()))?;
        if pending.to != person {
            return Err(RuleError::NotHandoffTarget {
                role: def.name.clone(),
                to: pending.to.clone(),
                person: person.to_string(),
            });
        }
        if def.single
            && let Some(other) = self
                .holders(&def.key)
                .find(|h| h.person != pending.from && h.person != person)
        {
            return Err(RuleError::RoleTaken {
                role: def.key.clone(),
                holder: other.person.clone(),
            });
        }
        self.check_combines(pb, def, person)
    }
}

pub(super) fn fold(inc: &mut Incident, e: &Event, change: Change<'_>) {
    match change {
        Change::Assign { role, person } => assign(inc, &role, person, e.at, false),
        Change::Engage { role, person } => {
            // 004: a paged role is "paged" until its responder engages.
            inc.remote.paged.remove(&role);
            match inc
                .roster
                .iter_mut()
                .find(|h| h.is_current() && h.role == role && h.person == person)
            {
                Some(h) => {
                    h.engaged_at.get_or_insert(e.at);
                }
                None => assign(inc, &role, person, e.at, true),
            }
        }
        Change::Release { role, person } => release(inc, &role, person, e.at, None),
        Change::HandOff {
            role,
            from,
            to,
            briefing,
            confirm,
        } => {
            inc.handoffs.push(Handoff {
                id: e.id,
                role: role.clone(),
                from: from.to_string(),
                to: to.to_string(),
                briefing: briefing.clone(),
                offered_at: e.at,
                offered_by: e.author.clone(),
                accepted_at: (!confirm).then_some(e.at),
                declined_at: None,
                declined_by: None,
                declined_reason: String::new(),
            });
            if !confirm {
                release(inc, &role, from, e.at, Some(to.to_string()));
                assign(inc, &role, to, e.at, true);
            }
        }
        Change::Accept { role, person } => {
            let from = inc.pending_handoff(&role).map(|h| h.from.clone());
            if let Some(h) = pending_mut(inc, &role) {
                h.accepted_at = Some(e.at);
            }
            if let Some(from) = from {
                release(inc, &role, &from, e.at, Some(person.to_string()));
            }
            assign(inc, &role, person, e.at, true);
        }
        Change::Decline { role, reason } => {
            if let Some(h) = pending_mut(inc, &role) {
                h.declined_at = Some(e.at);
                h.declined_by = Some(e.author.clone());
                h.declined_reason = reason.to_string();
            }
        }
    }
}

fn pending_mut<'a>(inc: &'a mut Incident, role: &str) -> Option<&'a mut Handoff> {
    inc.handoffs
        .iter_mut()
        .rev()
        .find(|h| h.role == role && h.is_pending())
}

fn assign(inc: &mut Incident, role: &str, person: &str, at: DateTime<Utc>, engaged: bool) {
    inc.roster.push(Holding {
        role: role.to_string(),
        person: person.to_string(),
        assigned_at: at,
        engaged_at: engaged.then_some(at),
        released_at: None,
        handed_to: None,
    });
}

fn release(
    inc: &mut Incident,
    role: &str,
    person: &str,
    at: DateTime<Utc>,
    handed_to: Option<String>,
) {
    if let Some(h) = inc
        .roster
        .iter_mut()
        .find(|h| h.is_current() && h.role == role && h.person == person)
    {
        h.released_at = Some(at);
        h.handed_to = handed_to;
    }
}
