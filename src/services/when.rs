//! `--at`: when something happened, as a scribe says it.

use chrono::{DateTime, Duration, Local, NaiveDateTime, NaiveTime, TimeZone, Utc};

use crate::domain::playbook::parse_duration;

/// Parse "23:50" (local, the most recent such time), "-20m" (ago),
/// "2026-11-21 23:50" (local) or RFC 3339.
pub fn parse_when(s: &str, now: DateTime<Utc>) -> Result<DateTime<Utc>, String> {
    // Errors quote the input: cleaned first, so they never carry an escape
    // sequence to a terminal (issue 10); a real time is plain ASCII.
    let cleaned = crate::domain::sanitize::clean_line(s);
    let s = cleaned.trim();
    if let Some(ago) = s.strip_prefix('-') {
        return parse_duration(ago)
            .and_then(|d| now.checked_sub_signed(d))
            .ok_or_else(|| format!("`{s}` is not a time: use e.g. -20m"));
    }
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Ok(t.with_timezone(&Utc));
    }
    for fmt in ["%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M"] {
        if let Ok(naive) = NaiveDateTime::parse_from_str(s, fmt) {
            return local(naive)
                .ok_or_else(|| format!("`{s}` does not exist in the local time zone"));
        }
    }
    for fmt in ["%H:%M:%S", "%H:%M"] {
        if let Ok(time) = NaiveTime::parse_from_str(s, fmt) {
            let today = now.with_timezone(&Local).date_naive();
            let mut at = local(today.and_time(time))
                .ok_or_else(|| format!("`{s}` does not exist today in the local time zone"))?;
            // "noticed at 23:50", said just after midnight, means yesterday.
            if at > now + Duration::minutes(1) {
                at = local((today - Duration::days(1)).and_time(time))
                    .unwrap_or(at - Duration::days(1));
            }
            return Ok(at);
        }
    }
    Err(format!(
        "`{s}` is not a time: use 23:50, -20m, \"2026-11-21 23:50\" or RFC 3339"
    ))
}

/// A note that starts with when it happened (issue 12): `23:50 db down` or
/// `-20m db down`. `None` when the first word is not a time (the note is
/// recorded now); otherwise the time (or why it is not one) and the rest.
pub fn leading_when(
    text: &str,
    now: DateTime<Utc>,
) -> Option<(Result<DateTime<Utc>, String>, &str)> {
    let (first, rest) = text.split_once(' ')?;
    let rest = rest.trim_start();
    if rest.is_empty() || !looks_like_time(first) {
        return None;
    }
    Some((parse_when(first, now), rest))
}

/// `23:50`, `9:05:30`, `-20m`, `-1h30m`: what a scribe types as a time.
fn looks_like_time(w: &str) -> bool {
    let clock = {
        let parts: Vec<&str> = w.split(':').collect();
        (2..=3).contains(&parts.len())
            && parts.iter().enumerate().all(|(i, p)| {
                (if i == 0 { 1..=2 } else { 2..=2 }).contains(&p.len())
                    && p.chars().all(|c| c.is_ascii_digit())
            })
    };
    let ago = w.strip_prefix('-').is_some_and(|d| {
        d.chars().next().is_some_and(|c| c.is_ascii_digit())
            && d.chars().last().is_some_and(|c| c.is_ascii_alphabetic())
            && d.chars().all(|c| c.is_ascii_alphanumeric())
    });
    clock || ago
}

fn local(naive: NaiveDateTime) -> Option<DateTime<Utc>> {
    Local
        .from_local_datetime(&naive)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-11-21T12:00:00Z")
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn relative_and_absolute_times() {
        assert_eq!(
            parse_when("-20m", now()).unwrap(),
            now() - Duration::minutes(20)
        );
        assert_eq!(
            parse_when("2026-11-21T11:00:00Z", now()).unwrap(),
            now() - Duration::hours(1)
        );
        assert!(parse_when("soon", now()).is_err());
        assert!(parse_when("-soon", now()).is_err());
    }

    #[test]
    fn a_leading_time_backdates_a_note() {
        let (at, rest) = leading_when("-20m db failover started", now()).unwrap();
        assert_eq!(at.unwrap(), now() - Duration::minutes(20));
        assert_eq!(rest, "db failover started");
        let (at, rest) = leading_when("11:30 paged", now()).unwrap();
        assert!(at.unwrap() <= now());
        assert_eq!(rest, "paged");
        assert!(leading_when("25:99 what", now()).unwrap().0.is_err());
        // Not a time: the note is recorded now, as typed.
        assert!(leading_when("-- dashes", now()).is_none());
        assert!(leading_when("db down at 23:50", now()).is_none());
        assert!(
            leading_when("23:50", now()).is_none(),
            "a time alone is not a note"
        );
        assert!(leading_when("3:1 ratio", now()).is_none());
    }

    #[test]
    fn clock_times_are_never_in_the_future() {
        let t = parse_when("23:59", now()).unwrap();
        assert!(t <= now() + Duration::minutes(1));
        assert!(t > now() - Duration::days(1));
    }
}
