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
    fn clock_times_are_never_in_the_future() {
        let t = parse_when("23:59", now()).unwrap();
        assert!(t <= now() + Duration::minutes(1));
        assert!(t > now() - Duration::days(1));
    }
}
