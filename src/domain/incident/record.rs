//! The record: notes and highlights, corrections, links, follow-ups, the
//! security / PII flag, messages to stakeholders, the clocks' acknowledgements
//! and the sync's bookkeeping.

use chrono::{DateTime, Utc};

use super::known::{known_tag, non_empty};
use super::model::{CommsRecord, FollowUpRecord, Incident, SecurityFlag};
use crate::domain::event::{Event, EventKind, FollowUp};
use crate::domain::ids::EventId;
use crate::domain::playbook::Playbook;
use crate::domain::rules::RuleError;

/// How many of the latest notes feed each briefing field.
pub const BRIEFING_NOTES_KEPT: usize = 20;

/// A record event that passed its rules.
pub(super) enum Change<'e> {
    Note {
        text: &'e str,
        private: bool,
        /// The briefing field the tag feeds (004), if any.
        briefing: Option<String>,
    },
    Highlighted(EventId),
    /// A correction is on the timeline; it changes no state.
    Amended,
    Link {
        kind: String,
        url: &'e str,
    },
    FollowUp(&'e FollowUp),
    Security(&'e str),
    Comms {
        audience: &'e str,
        text: &'e str,
    },
    ClockAcknowledged(&'e str),
    ClockSnoozed {
        clock: &'e str,
        until: DateTime<Utc>,
    },
    /// Sync bookkeeping: on the timeline, not part of the incident's state.
    SyncDropped,
}

/// `None`: not a record event.
pub(super) fn check<'e>(
    _inc: &Incident,
    e: &'e Event,
    pb: &Playbook,
) -> Option<Result<Change<'e>, RuleError>> {
    use EventKind::*;
    Some(match &e.kind {
        Note { text, tag, private } => non_empty(text, "a note")
            .and_then(|()| known_tag(pb, tag))
            .map(|t| Change::Note {
                text,
                private: *private,
                briefing: t.briefing.clone(),
            }),
        Highlighted { event } => Ok(Change::Highlighted(*event)),
        Amended { text, .. } => non_empty(text, "the correction").map(|()| Change::Amended),
        LinkSet { link, url } => non_empty(url, "the link").and_then(|()| {
            match pb.link_kinds.iter().find(|k| k.eq_ignore_ascii_case(link)) {
                Some(kind) => Ok(Change::Link {
                    kind: kind.clone(),
                    url,
                }),
                None => Err(RuleError::UnknownLinkKind {
                    given: link.clone(),
                    valid: pb.link_kinds.join(", "),
                }),
            }
        }),
        FollowUpAdded(f) => non_empty(&f.text, "the follow-up").map(|()| Change::FollowUp(f)),
        SecurityFlagged { details } => Ok(Change::Security(details)),
        CommsSent { audience, text } => {
            non_empty(text, "the message").map(|()| Change::Comms { audience, text })
        }
        ClockAcknowledged { clock } => {
            non_empty(clock, "the clock name").map(|()| Change::ClockAcknowledged(clock))
        }
        ClockSnoozed { clock, until } => non_empty(clock, "the clock name").and_then(|()| {
            if *until <= e.at {
                Err(RuleError::SnoozeInThePast)
            } else {
                Ok(Change::ClockSnoozed {
                    clock,
                    until: *until,
                })
            }
        }),
        SyncDropped { endpoint, .. } => {
            non_empty(endpoint, "the endpoint").map(|()| Change::SyncDropped)
        }
        _ => return None,
    })
}

impl Incident {
    /// Whether `e`, an event of this incident, is a highlight of the timeline
    /// (001's scribe list): marked so by a `highlighted` event, or a note
    /// whose tag the playbook marks as a highlight and that the rules let in.
    pub fn is_highlight(&self, e: &Event, pb: &Playbook) -> bool {
        self.highlights.contains(&e.id) || self.highlighted_by_tag(e, pb)
    }

    /// A note whose tag marks it as a highlight. Worked out from the event
    /// rather than kept in the fold, so the fold does not grow with the
    /// incident's notes (issue 14); a note the rules refused is none.
    pub fn highlighted_by_tag(&self, e: &Event, pb: &Playbook) -> bool {
        matches!(&e.kind, EventKind::Note { tag, .. } if pb.tag(tag).is_some_and(|t| t.highlight))
            && !self.refused.iter().any(|r| r.event == e.id)
    }
}

pub(super) fn fold(inc: &mut Incident, e: &Event, change: Change<'_>) {
    match change {
        Change::Note {
            text,
            private,
            briefing,
        } => {
            inc.notes += 1;
            // A tagged note is a highlight by its tag (`Incident::is_highlight`),
            // not kept in `highlights`: a long incident's noticed and impact
            // notes would make the fold grow with the incident (issue 14: a
            // million-event incident kept 200,000 ids, 7.8 MB of snapshot).
            if private {
                inc.private_notes += 1;
            } else if let Some(field) = briefing {
                let notes = inc.briefing_notes.entry(field).or_default();
                notes.push(text.to_string());
                // 004: a briefing is what the next IC takes in at a handoff,
                // the latest notes; and the fold stays the same size however
                // long the incident (issue 14).
                if notes.len() > BRIEFING_NOTES_KEPT {
                    notes.remove(0);
                }
            }
        }
        Change::Highlighted(event) => {
            inc.highlights.insert(event);
        }
        Change::Amended | Change::SyncDropped => {}
        Change::Link { kind, url } => {
            inc.links.insert(kind, url.to_string());
        }
        Change::FollowUp(f) => inc.follow_ups.push(FollowUpRecord {
            id: e.id,
            at: e.at,
            by: e.author.clone(),
            item: f.clone(),
        }),
        Change::Security(details) => {
            // The 1-hour report clock (000) runs from the first flag; later
            // flags only add what has been learned.
            let flag = inc.security.get_or_insert(SecurityFlag {
                at: e.at,
                by: e.author.clone(),
                details: String::new(),
            });
            if !details.is_empty() {
                if !flag.details.is_empty() {
                    flag.details.push_str("; ");
                }
                flag.details.push_str(details);
            }
        }
        Change::Comms { audience, text } => {
            inc.last_comms_at = Some(e.at);
            inc.last_comms = Some(CommsRecord {
                at: e.at,
                audience: audience.to_string(),
                text: text.to_string(),
            });
            // A backdated entry never moves the clock backwards.
            let last = inc
                .comms_by_audience
                .entry(audience.trim().to_lowercase())
                .or_insert(e.at);
            *last = (*last).max(e.at);
        }
        Change::ClockAcknowledged(clock) => {
            inc.clocks
                .entry(clock.to_string())
                .or_default()
                .acknowledged_at = Some(e.at)
        }
        Change::ClockSnoozed { clock, until } => {
            inc.clocks
                .entry(clock.to_string())
                .or_default()
                .snoozed_until = Some(until)
        }
    }
}
