//! Sync health at a glance, for the header (DESIGN.md: pending, failing,
//! parked, last success). Counted from the journal's outbox, so it shows
//! every cockpit's deliveries, not only this one's.

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::domain::time::human_minutes;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SyncHealth {
    /// Rows waiting to be delivered (including failing ones).
    pub pending: usize,
    /// Pending rows whose last attempt failed (they are being retried).
    pub failing: usize,
    /// Rows that will not be sent until the IC retries or drops them.
    pub parked: usize,
    pub last_success: Option<DateTime<Utc>>,
    /// The newest error of a failing or parked row, already redacted.
    pub last_error: Option<String>,
    /// Endpoints this cockpit cannot deliver to, with why (e.g. a missing secret).
    pub problems: Vec<String>,
    /// Live chat read-back (Slack Socket Mode, Mattermost WebSocket), per endpoint.
    pub reading: Vec<ReadHealth>,
}

/// How reading one chat channel back is going (#19).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReadHealth {
    pub endpoint: String,
    pub state: ReadState,
    /// The newest message read from the channel.
    pub last_message: Option<DateTime<Utc>>,
    /// Why it is reconnecting, already redacted.
    pub error: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReadState {
    /// No open incident is using the channel: nothing to read.
    Idle,
    /// Opening the socket, catching up on what was missed.
    Connecting,
    /// The socket is open; messages arrive as they are written.
    Live,
    /// The socket failed; trying again after a backoff.
    Reconnecting,
}

impl ReadState {
    pub fn name(self) -> &'static str {
        match self {
            ReadState::Idle => "idle",
            ReadState::Connecting => "connecting",
            ReadState::Live => "live",
            ReadState::Reconnecting => "reconnecting",
        }
    }
}

impl ReadHealth {
    /// "slack: chat live · last message 2m 03s ago", for the sync overlay.
    pub fn line(&self, now: DateTime<Utc>) -> String {
        let mut s = format!("{}: chat {}", self.endpoint, self.state.name());
        if let Some(t) = self.last_message {
            s.push_str(&format!(" · last message {} ago", human_minutes(now - t)));
        }
        if let Some(e) = &self.error {
            s.push_str(&format!(" · {e}"));
        }
        s
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SyncLevel {
    /// Nothing waiting.
    Ok,
    /// Rows on their way, none failing.
    Pending,
    /// Some row keeps failing (or an endpoint cannot be used): look.
    Failing,
    /// Some row needs the IC: retry or drop.
    Parked,
}

impl SyncHealth {
    pub fn level(&self) -> SyncLevel {
        if self.parked > 0 {
            SyncLevel::Parked
        } else if self.failing > 0
            || !self.problems.is_empty()
            || self
                .reading
                .iter()
                .any(|r| r.state == ReadState::Reconnecting)
        {
            SyncLevel::Failing
        } else if self.pending > 0 {
            SyncLevel::Pending
        } else {
            SyncLevel::Ok
        }
    }

    /// One short line for the header: "sync ok · last 2m ago",
    /// "sync failing · 12 pending · 1 parked · last 14m ago".
    pub fn label(&self, now: DateTime<Utc>) -> String {
        let mut parts = vec![match self.level() {
            SyncLevel::Ok => "sync ok".to_string(),
            SyncLevel::Pending => "sync".to_string(),
            SyncLevel::Failing | SyncLevel::Parked if self.failing > 0 => {
                "sync failing".to_string()
            }
            SyncLevel::Failing if !self.problems.is_empty() => {
                "sync: endpoint unusable".to_string()
            }
            SyncLevel::Failing => "sync".to_string(),
            SyncLevel::Parked => "sync".to_string(),
        }];
        if self.pending > 0 {
            parts.push(format!("{} pending", self.pending));
        }
        if self.parked > 0 {
            parts.push(format!("{} parked", self.parked));
        }
        if let Some(t) = self.last_success {
            parts.push(format!("last {} ago", human_minutes(now - t)));
        }
        // Read-back: the worst state of any channel ("chat live", "chat reconnecting").
        if let Some(worst) = self
            .reading
            .iter()
            .map(|r| r.state)
            .filter(|s| *s != ReadState::Idle)
            .max_by_key(|s| match s {
                ReadState::Live => 0,
                ReadState::Connecting => 1,
                _ => 2,
            })
        {
            parts.push(format!("chat {}", worst.name()));
        }
        parts.join(" · ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    fn now() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-11-21T10:00:00Z")
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn the_worst_state_wins_and_the_label_says_it() {
        let mut h = SyncHealth::default();
        assert_eq!(h.level(), SyncLevel::Ok);
        assert_eq!(h.label(now()), "sync ok");
        h.last_success = Some(now() - Duration::seconds(123));
        assert_eq!(h.label(now()), "sync ok · last 2m ago");
        h.pending = 3;
        assert_eq!(h.level(), SyncLevel::Pending);
        assert_eq!(h.label(now()), "sync · 3 pending · last 2m ago");
        h.failing = 1;
        assert_eq!(h.level(), SyncLevel::Failing);
        assert_eq!(h.label(now()), "sync failing · 3 pending · last 2m ago");
        h.parked = 2;
        assert_eq!(h.level(), SyncLevel::Parked);
        assert_eq!(
            h.label(now()),
            "sync failing · 3 pending · 2 parked · last 2m ago"
        );
        h.failing = 0;
        h.pending = 0;
        h.last_success = None;
        assert_eq!(h.label(now()), "sync · 2 parked");
        let unusable = SyncHealth {
            problems: vec!["pd: environment variable PD_KEY is not set".into()],
            ..Default::default()
        };
        assert_eq!(unusable.level(), SyncLevel::Failing);
        assert_eq!(unusable.label(now()), "sync: endpoint unusable");
    }

    #[test]
    fn read_back_shows_its_worst_channel_and_a_reconnect_is_failing() {
        let read = |state| ReadHealth {
            endpoint: "slack".into(),
            state,
            last_message: Some(now() - Duration::seconds(5)),
            error: None,
        };
        let mut h = SyncHealth {
            reading: vec![read(ReadState::Idle)],
            ..Default::default()
        };
        assert_eq!(h.label(now()), "sync ok");
        h.reading.push(read(ReadState::Live));
        assert_eq!(h.level(), SyncLevel::Ok);
        assert_eq!(h.label(now()), "sync ok · chat live");
        let mut down = read(ReadState::Reconnecting);
        down.error = Some("cannot connect to ws://127.0.0.1:9/…".into());
        h.reading.push(down.clone());
        assert_eq!(h.level(), SyncLevel::Failing);
        assert_eq!(h.label(now()), "sync · chat reconnecting");
        assert_eq!(
            down.line(now()),
            "slack: chat reconnecting · last message <1m ago · cannot connect to ws://127.0.0.1:9/…"
        );
    }
}
