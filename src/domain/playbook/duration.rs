//! Durations as playbooks write them ("15m", "1h30m", "off").

use chrono::Duration;
use serde::{Deserialize, Deserializer};

/// Parse "90s", "15m", "2h", "1h30m", "5d" (and "0").
pub fn parse_duration(s: &str) -> Option<Duration> {
    let s = s.trim();
    if s == "0" {
        return Some(Duration::zero());
    }
    let mut total = Duration::zero();
    let mut num = String::new();
    let mut any = false;
    for c in s.chars() {
        if c.is_ascii_digit() {
            num.push(c);
            continue;
        }
        let n: i64 = num.parse().ok()?;
        num.clear();
        // Out of chrono's range ("-200000000000m"): not a duration, never a
        // panic (issue 10, found by tests/reliability_fuzz.rs).
        let part = match c {
            's' => Duration::try_seconds(n),
            'm' => Duration::try_minutes(n),
            'h' => Duration::try_hours(n),
            'd' => Duration::try_days(n),
            _ => return None,
        }?;
        total = total.checked_add(&part)?;
        any = true;
    }
    (num.is_empty() && any).then_some(total)
}

/// The inverse of `parse_duration`, for `playbook show` and serialisation.
pub fn format_duration(d: Duration) -> String {
    let secs = d.num_seconds();
    if secs == 0 {
        return "0".into();
    }
    let mut out = String::new();
    let (h, m, s) = (secs / 3600, secs / 60 % 60, secs % 60);
    if h > 0 {
        out.push_str(&format!("{h}h"));
    }
    if m > 0 {
        out.push_str(&format!("{m}m"));
    }
    if s > 0 {
        out.push_str(&format!("{s}s"));
    }
    out
}

pub(super) mod opt_duration {
    use super::*;
    use serde::Serializer;

    /// `None` is written "off", so a playbook shown and read back is the same.
    pub fn serialize<S: Serializer>(d: &Option<Duration>, s: S) -> Result<S::Ok, S::Error> {
        match d {
            Some(d) => s.serialize_str(&format_duration(*d)),
            None => s.serialize_str("off"),
        }
    }

    /// "off" turns a clock off (a seed without a 15-20 min loop, e.g. 003).
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Duration>, D::Error> {
        let s = String::deserialize(d)?;
        if s.trim() == "off" {
            return Ok(None);
        }
        parse_duration(&s).map(Some).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "`{s}` is not a duration (use e.g. \"90s\", \"15m\", \"2h\", \"1h30m\", or \"off\")"
            ))
        })
    }
}
