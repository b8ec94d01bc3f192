//! Time is injected: the domain never reads the system clock itself, so tests
//! can drive clocks across thresholds without sleeping.

use chrono::{DateTime, Utc};
use std::sync::Mutex;

pub trait Clock: Send + Sync {
    fn now(&self) -> DateTime<Utc>;
}

#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock that stands still until moved: for tests and snapshots.
#[derive(Debug)]
pub struct FixedClock(Mutex<DateTime<Utc>>);

impl FixedClock {
    pub fn new(at: DateTime<Utc>) -> Self {
        Self(Mutex::new(at))
    }

    pub fn set(&self, at: DateTime<Utc>) {
        *self.0.lock().expect("clock lock") = at;
    }

    pub fn advance(&self, by: chrono::Duration) {
        let mut t = self.0.lock().expect("clock lock");
        *t += by;
    }
}

impl Clock for FixedClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().expect("clock lock")
    }
}

/// "1h 05m", "12m 03s", "45s": elapsed and remaining times on screen and CLI.
pub fn human_duration(d: chrono::Duration) -> String {
    let secs = d.num_seconds().abs();
    let sign = if d.num_seconds() < 0 { "-" } else { "" };
    let (days, h, m, s) = (secs / 86_400, secs / 3600 % 24, secs / 60 % 60, secs % 60);
    if days > 0 {
        format!("{sign}{days}d {h:02}h")
    } else if h > 0 {
        format!("{sign}{h}h {m:02}m")
    } else if m > 0 {
        format!("{sign}{m}m {s:02}s")
    } else {
        format!("{sign}{s}s")
    }
}

/// "1h 05m", "12m", "<1m": the same at minute resolution, for what the
/// screen shows while idle: it changes once a minute, so an idle screen
/// redraws once a minute (issue 14: an IC on SSH over a phone link).
pub fn human_minutes(d: chrono::Duration) -> String {
    let secs = d.num_seconds().abs();
    let sign = if d.num_seconds() <= -60 { "-" } else { "" };
    let (days, h, m) = (secs / 86_400, secs / 3600 % 24, secs / 60 % 60);
    if days > 0 {
        format!("{sign}{days}d {h:02}h")
    } else if h > 0 {
        format!("{sign}{h}h {m:02}m")
    } else if m > 0 {
        format!("{sign}{m}m")
    } else {
        "<1m".to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    #[test]
    fn human_durations() {
        assert_eq!(human_duration(Duration::seconds(45)), "45s");
        assert_eq!(human_duration(Duration::seconds(12 * 60 + 3)), "12m 03s");
        assert_eq!(human_duration(Duration::seconds(3600 + 5 * 60)), "1h 05m");
        assert_eq!(human_duration(Duration::seconds(-90)), "-1m 30s");
        assert_eq!(human_duration(Duration::hours(50)), "2d 02h");
    }

    #[test]
    fn human_minutes_never_show_seconds() {
        assert_eq!(human_minutes(Duration::seconds(45)), "<1m");
        assert_eq!(human_minutes(Duration::seconds(12 * 60 + 3)), "12m");
        assert_eq!(human_minutes(Duration::seconds(12 * 60 + 59)), "12m");
        assert_eq!(
            human_minutes(Duration::seconds(3600 + 5 * 60 + 7)),
            "1h 05m"
        );
        assert_eq!(human_minutes(Duration::seconds(-90)), "-1m");
        assert_eq!(human_minutes(Duration::hours(50)), "2d 02h");
    }

    #[test]
    fn fixed_clock_moves_only_when_told() {
        let t0 = DateTime::parse_from_rfc3339("2026-11-21T10:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let c = FixedClock::new(t0);
        assert_eq!(c.now(), t0);
        c.advance(Duration::minutes(15));
        assert_eq!(c.now(), t0 + Duration::minutes(15));
    }
}
