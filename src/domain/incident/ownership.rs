//! Who owns the incident and who carries each role's duties (003: "There is
//! only ever one owner"; the cascade of 003 and the `folds_into` of 001), what
//! the playbook expects and the incident lacks, and the handoff briefing (004).
//! The 003 rule "only the owner resolves" lives here, next to the owner.

use serde::Serialize;

use crate::domain::event::Briefing;
use crate::domain::playbook::Playbook;
use crate::domain::rules::RuleError;

use super::model::Incident;

/// Who owns the incident now, and through which role.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Owner {
    pub person: String,
    /// `None`: nobody has engaged an owning role yet, so whoever declared owns it.
    pub role: Option<String>,
}

/// A role's duties and who carries them (003: "Until the next role in the
/// hierarchy engages, the previous role assumes all of the subsequent roles'
/// responsibilities"; 001: the communicator folded into the scribe).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Duty {
    pub role: String,
    /// The person carrying the duties, if anyone.
    pub person: Option<String>,
    /// Set when the duties are carried by the holder of another role.
    pub through: Option<String>,
}

/// Something the playbook expects that is missing now; the screen lists them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Gap {
    pub kind: GapKind,
    pub what: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum GapKind {
    /// A required role nobody holds (and nobody carries through folding).
    RequiredRole,
    /// The service status needs a role engaged (003: "The IMOC must be engaged").
    RoleNotEngaged,
    /// A handoff waits for the incoming person's "I have command".
    HandoffPending,
}

impl Incident {
    /// The single owner of the incident (003: "There is only ever one owner").
    /// A role marked `owns` decides it (004); else the last engaged role of the
    /// cascade (003); else the role in command; else whoever declared.
    pub fn owner(&self, pb: &Playbook) -> Owner {
        if let Some(r) = pb.roles.iter().find(|r| r.owns)
            && let Some(h) = self.holders(&r.key).next()
        {
            return Owner {
                person: h.person.clone(),
                role: Some(r.key.clone()),
            };
        }
        for key in pb.ownership.cascade.iter().rev() {
            if let Some(h) = self.holders(key).find(|h| h.engaged_at.is_some()) {
                return Owner {
                    person: h.person.clone(),
                    role: Some(key.clone()),
                };
            }
        }
        let has_owner_model = pb.roles.iter().any(|r| r.owns) || !pb.ownership.cascade.is_empty();
        if !has_owner_model && let Some(h) = self.commander(pb) {
            return Owner {
                person: h.person.clone(),
                role: Some(h.role.clone()),
            };
        }
        Owner {
            person: self.declared_by.clone(),
            role: None,
        }
    }

    /// Who carries each role's duties now: the cascade of 003 and the
    /// `folds_into` of 001. Roles outside both carry their own.
    pub fn duties(&self, pb: &Playbook) -> Vec<Duty> {
        let engaged = |key: &str| {
            self.holders(key)
                .find(|h| h.engaged_at.is_some())
                .or_else(|| self.holders(key).next())
                .map(|h| h.person.clone())
        };
        let mut out = Vec::new();
        let mut previous: Option<(String, String)> = None;
        for key in &pb.ownership.cascade {
            match self.holders(key).find(|h| h.engaged_at.is_some()) {
                Some(h) => {
                    previous = Some((key.clone(), h.person.clone()));
                    out.push(Duty {
                        role: key.clone(),
                        person: Some(h.person.clone()),
                        through: None,
                    });
                }
                None => out.push(Duty {
                    role: key.clone(),
                    person: previous.as_ref().map(|(_, p)| p.clone()),
                    through: previous.as_ref().map(|(r, _)| r.clone()),
                }),
            }
        }
        for r in &pb.roles {
            if pb.ownership.cascade.contains(&r.key) {
                continue;
            }
            let own = engaged(&r.key);
            let duty = match (&own, &r.folds_into) {
                (None, Some(into)) => Duty {
                    role: r.key.clone(),
                    person: engaged(into),
                    through: Some(into.clone()),
                },
                _ => Duty {
                    role: r.key.clone(),
                    person: own,
                    through: None,
                },
            };
            out.push(duty);
        }
        out
    }

    /// What the playbook expects and the incident lacks now.
    pub fn gaps(&self, pb: &Playbook) -> Vec<Gap> {
        let mut gaps = Vec::new();
        let duties = self.duties(pb);
        for r in pb.roles.iter().filter(|r| r.required) {
            let carried = duties.iter().any(|d| d.role == r.key && d.person.is_some());
            if !carried {
                gaps.push(Gap {
                    kind: GapKind::RequiredRole,
                    what: format!("{} is required and nobody holds it", r.name),
                });
            }
        }
        if let Some(status) = self
            .service_status
            .as_deref()
            .and_then(|s| pb.service_status(s))
        {
            for key in &status.requires_engaged {
                if !self.holders(key).any(|h| h.engaged_at.is_some()) {
                    let name = pb.role(key).map_or(key.as_str(), |r| r.name.as_str());
                    gaps.push(Gap {
                        kind: GapKind::RoleNotEngaged,
                        what: format!("{}: the {name} must be engaged", status.label),
                    });
                }
            }
        }
        for h in self.handoffs.iter().filter(|h| h.is_pending()) {
            let name = pb
                .role(&h.role)
                .map_or(h.role.as_str(), |r| r.name.as_str());
            gaps.push(Gap {
                kind: GapKind::HandoffPending,
                what: format!(
                    "{} is handing {name} to {}; waiting for \"I have command\"",
                    h.from, h.to
                ),
            });
        }
        gaps
    }

    /// Everyone who held a role or declared: "involved" for the retrospective rule.
    pub fn involved_people(&self) -> Vec<String> {
        let mut people: Vec<String> = std::iter::once(self.declared_by.clone())
            .chain(self.roster.iter().map(|h| h.person.clone()))
            .filter(|p| !p.is_empty())
            .collect();
        people.sort();
        people.dedup();
        people
    }

    /// 003: "only the owner of the incident can declare an incident resolved",
    /// where the playbook says so (`ownership.owner_resolves`).
    pub(super) fn check_owner_resolves(
        &self,
        pb: &Playbook,
        author: &str,
    ) -> Result<(), RuleError> {
        if !pb.ownership.owner_resolves {
            return Ok(());
        }
        let owner = self.owner(pb);
        if owner.person == author {
            Ok(())
        } else {
            Err(RuleError::OnlyOwnerResolves {
                owner: owner.person,
            })
        }
    }

    /// A briefing prefilled from the journal, for the handoff form (004):
    /// status from the last check-in, hypotheses from notes whose tag feeds
    /// the briefing, the last comms sent, the links in play, the roster.
    /// Private notes never feed it: a briefing may be sent to chat.
    pub fn briefing_draft(&self, pb: &Playbook) -> Briefing {
        let list = |field: &str| {
            self.briefing_notes
                .get(field)
                .map(|v| v.join("; "))
                .unwrap_or_default()
        };
        let channels = self
            .links
            .iter()
            .map(|(k, v)| format!("{k}: {v}"))
            .collect::<Vec<_>>()
            .join(", ");
        let people = pb
            .roles
            .iter()
            .flat_map(|r| {
                self.holders(&r.key)
                    .map(move |h| format!("{} ({})", h.person, r.name))
            })
            .collect::<Vec<_>>()
            .join(", ");
        Briefing {
            status: self
                .checkins
                .last()
                .map(|c| c.checkin.status.clone())
                .unwrap_or_default(),
            hypotheses_open: list("hypotheses_open"),
            hypotheses_eliminated: list("hypotheses_eliminated"),
            last_customer_update: self
                .last_comms
                .as_ref()
                .map(|c| format!("to {}: {}", c.audience, c.text))
                .unwrap_or_default(),
            last_customer_update_at: self.last_comms.as_ref().map(|c| c.at),
            channels,
            people,
        }
    }
}
