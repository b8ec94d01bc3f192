//! When to try again: exponential backoff with full jitter (MEASURED.md
//! "Outbox": sleep uniform(0, min(cap, base * 2^attempt)); with Retry-After,
//! the larger of the two). Pure: the caller hands in the random draw.

use chrono::{DateTime, Utc};
use std::time::Duration;

/// How one delivery attempt ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The endpoint took it. `remote_id`: its id for the message, if any.
    Delivered { remote_id: Option<String> },
    /// Try again later: the endpoint or the network failed for now.
    Retry {
        error: String,
        retry_after: Option<Duration>,
    },
    /// It will never succeed as it is (bad request, bad credentials): park it
    /// with the endpoint's own words until the IC retries or drops it.
    Park { error: String },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    pub base: Duration,
    pub cap: Duration,
    /// A Retry-After longer than this is not believed.
    pub max_retry_after: Duration,
}

impl Default for Backoff {
    fn default() -> Self {
        Self {
            base: Duration::from_secs(1),
            cap: Duration::from_secs(300),
            max_retry_after: Duration::from_secs(3600),
        }
    }
}

impl Backoff {
    /// The wait before attempt `failures + 1`, given `failures` so far (>= 1),
    /// a uniform draw `unit` in [0, 1), and the endpoint's Retry-After.
    pub fn delay(&self, failures: u32, unit: f64, retry_after: Option<Duration>) -> Duration {
        let exp = failures.saturating_sub(1).min(32);
        let ceiling = self
            .base
            .checked_mul(1u32 << exp.min(31))
            .unwrap_or(self.cap)
            .min(self.cap);
        let jittered = ceiling.mul_f64(unit.clamp(0.0, 1.0));
        match retry_after {
            Some(r) => jittered.max(r.min(self.max_retry_after)),
            None => jittered,
        }
    }
}

/// A `Retry-After` header: seconds, or an HTTP date.
pub fn parse_retry_after(value: &str, now: DateTime<Utc>) -> Option<Duration> {
    let v = value.trim();
    if let Ok(secs) = v.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    if let Ok(secs) = v.parse::<f64>()
        && secs.is_finite()
        && secs >= 0.0
    {
        return Some(Duration::from_secs_f64(secs));
    }
    let when = DateTime::parse_from_rfc2822(v).ok()?.with_timezone(&Utc);
    Some((when - now).to_std().unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ceiling_doubles_up_to_the_cap_and_jitter_spans_it() {
        let b = Backoff::default();
        assert_eq!(b.delay(1, 0.999_999, None).as_secs(), 0); // just under base 1 s
        assert_eq!(b.delay(1, 0.5, None), Duration::from_millis(500));
        assert_eq!(b.delay(3, 0.5, None), Duration::from_secs(2));
        assert_eq!(b.delay(10, 0.5, None), Duration::from_secs(150));
        assert_eq!(b.delay(40, 0.5, None), Duration::from_secs(150));
        assert_eq!(b.delay(40, 0.0, None), Duration::ZERO);
    }

    #[test]
    fn retry_after_wins_when_longer_but_is_bounded() {
        let b = Backoff::default();
        let ra = Some(Duration::from_secs(30));
        assert_eq!(b.delay(1, 0.5, ra), Duration::from_secs(30));
        assert_eq!(b.delay(12, 0.9, ra), Duration::from_secs(270));
        assert_eq!(
            b.delay(1, 0.5, Some(Duration::from_secs(86_400))),
            Duration::from_secs(3600)
        );
    }

    #[test]
    fn retry_after_takes_seconds_or_a_date() {
        let now = DateTime::parse_from_rfc3339("2026-11-21T10:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(parse_retry_after("2", now), Some(Duration::from_secs(2)));
        assert_eq!(
            parse_retry_after("1.5", now),
            Some(Duration::from_millis(1500))
        );
        assert_eq!(
            parse_retry_after("Sat, 21 Nov 2026 10:01:00 GMT", now),
            Some(Duration::from_secs(60))
        );
        assert_eq!(
            parse_retry_after("Sat, 21 Nov 2026 09:00:00 GMT", now),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("soon", now), None);
    }
}
