//! What the screen's state machine hands out: effects for the runner (the one
//! executor of side effects) and the outcomes an overlay handler asks for.
//! A leaf: `update`, the forms and the command line all name these types,
//! and none of them calls back into another (tests/architecture.rs).

use chrono::{DateTime, Utc};

use crate::services::intent::Intent;
use crate::services::worker::Request;

#[derive(Debug)]
pub enum Effect {
    Send(Request),
    Bell,
    /// A desktop notification for a clock that came due.
    Notify(crate::notify::Notice),
    /// Ask the sync worker to deliver now (after a retry).
    SyncNow,
    /// Keep what is typed and unsaved for an incident (an empty draft
    /// removes its file): `services::drafts`, issue 12.
    SaveDraft {
        key: String,
        draft: crate::services::drafts::Draft,
    },
    /// Put this text on the clipboard with OSC 52 (issue 12).
    Copy(String),
}

/// The most text one copy sends (bytes before base64): terminals cap what
/// one sequence may carry (a note holds at most 256 KB).
pub const MAX_COPY: usize = 74 * 1024;

/// What an overlay handler or the `:` line wants to happen; `update` turns
/// it into effects (an intent needs the current incident and a fresh token).
#[derive(Debug)]
pub enum Outcome {
    /// Record an intent on the current incident; `at` backdates (`:… --at`).
    Act {
        intent: Intent,
        at: Option<DateTime<Utc>>,
    },
    /// An effect as it is.
    Effect(Effect),
}

impl Outcome {
    /// Record `intent` on the current incident, now.
    pub fn act(intent: Intent) -> Self {
        Outcome::Act { intent, at: None }
    }

    /// Ask the journal worker for `request`.
    pub fn send(request: Request) -> Self {
        Outcome::Effect(Effect::Send(request))
    }
}
