//! Wall-clock rules in the user's time zone: business hours (002's out-of-hours
//! window) and business days (000's RCA, 004's PMR). Durations elsewhere are
//! plain UTC arithmetic; only these rules care about local dates and DST.

use chrono::offset::LocalResult;
use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};

/// The UTC instant of the local wall-clock time `naive` in `zone`. A time that
/// happens twice (the hour repeated when DST ends) is taken the first time; a
/// time that never happens (skipped when DST starts) is taken as the first
/// moment after the gap, so "18:00" never silently becomes "17:00".
pub fn local_to_utc<Z: TimeZone>(zone: &Z, naive: NaiveDateTime) -> DateTime<Utc> {
    match zone.from_local_datetime(&naive) {
        LocalResult::Single(t) => t.with_timezone(&Utc),
        LocalResult::Ambiguous(a, b) => a.with_timezone(&Utc).min(b.with_timezone(&Utc)),
        LocalResult::None => {
            // Gaps are at most a few hours (usually one); step a minute at a time.
            for minutes in 1..=24 * 60 {
                let later = naive + Duration::minutes(minutes);
                if let Some(t) = zone.from_local_datetime(&later).earliest() {
                    return t.with_timezone(&Utc);
                }
            }
            // No zone has a day-long gap; fall back to reading the time as UTC.
            Utc.from_utc_datetime(&naive)
        }
    }
}

fn local_date<Z: TimeZone>(zone: &Z, t: DateTime<Utc>) -> NaiveDate {
    t.with_timezone(zone).date_naive()
}

fn is_weekend(d: NaiveDate) -> bool {
    d.weekday().number_from_monday() >= 6
}

/// Business hours as the playbook states them: out of hours runs from `closes`
/// (002: 18:00) to `opens` (002: 10:00), local time; optionally all weekend.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WorkingHours {
    pub opens: NaiveTime,
    pub closes: NaiveTime,
    pub weekends_off: bool,
}

impl WorkingHours {
    /// From the playbook's "HH:MM" strings (`out_of_hours_start`, `out_of_hours_end`).
    pub fn parse(
        out_of_hours_start: &str,
        out_of_hours_end: &str,
        weekends_off: bool,
    ) -> Option<Self> {
        Some(Self {
            closes: NaiveTime::parse_from_str(out_of_hours_start, "%H:%M").ok()?,
            opens: NaiveTime::parse_from_str(out_of_hours_end, "%H:%M").ok()?,
            weekends_off,
        })
    }

    /// The working stretch that opens on local date `d`, if `d` is a working day.
    /// It may run past midnight (opens 22:00, closes 06:00); when `opens ==
    /// closes` it lasts the whole day, so there is no out-of-hours on working days.
    fn stretch<Z: TimeZone>(
        &self,
        zone: &Z,
        d: NaiveDate,
    ) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
        if self.weekends_off && is_weekend(d) {
            return None;
        }
        let open = local_to_utc(zone, d.and_time(self.opens));
        let close_day = if self.closes > self.opens {
            d
        } else {
            d.succ_opt()?
        };
        let close = local_to_utc(zone, close_day.and_time(self.closes));
        Some((open, close))
    }

    /// If `now` is out of hours, when that out-of-hours stretch began (the
    /// close of the last working stretch); `None` during working hours.
    pub fn out_of_hours_since<Z: TimeZone>(
        &self,
        zone: &Z,
        now: DateTime<Utc>,
    ) -> Option<DateTime<Utc>> {
        let today = local_date(zone, now);
        // Walk back over the days: the first stretch that has opened by now
        // either holds now (working hours) or closed before it.
        for back in 0..=10 {
            let d = today - Duration::days(back);
            let Some((open, close)) = self.stretch(zone, d) else {
                continue;
            };
            if open > now {
                continue;
            }
            return if now < close { None } else { Some(close) };
        }
        // No working day within ten days (a playbook with no working hours).
        Some(DateTime::<Utc>::MIN_UTC)
    }
}

/// `from` plus `days` business days (Monday to Friday), at the same local time
/// of day: resolved Friday 16:00 + 1 business day is Monday 16:00, whatever the
/// UTC offset did over the weekend. A start on a weekend counts from Monday.
pub fn add_business_days<Z: TimeZone>(zone: &Z, from: DateTime<Utc>, days: u32) -> DateTime<Utc> {
    if days == 0 {
        return from;
    }
    let local = from.with_timezone(zone).naive_local();
    let mut d = local.date();
    for _ in 0..days {
        d = d.succ_opt().unwrap_or(d);
        while is_weekend(d) {
            d = d.succ_opt().unwrap_or(d);
        }
    }
    local_to_utc(zone, d.and_time(local.time()))
}

/// The local date, in `zone`, on which `days` business days after `from` end:
/// what the postmortem prints as the RCA / PMR due date, the day of the
/// instant `cockpit clocks` shows as due (000's RCA, 004's PMR).
pub fn business_days_due_date<Z: TimeZone>(zone: &Z, from: DateTime<Utc>, days: u32) -> NaiveDate {
    local_date(zone, add_business_days(zone, from, days))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono_tz::{America::New_York, Europe::London};

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn dxw(weekends_off: bool) -> WorkingHours {
        WorkingHours::parse("18:00", "10:00", weekends_off).unwrap()
    }

    #[test]
    fn skipped_and_repeated_local_times() {
        // London springs forward 2026-03-29 01:00 GMT -> 02:00 BST: 01:30 never happens.
        let gap = NaiveDate::from_ymd_opt(2026, 3, 29)
            .unwrap()
            .and_hms_opt(1, 30, 0)
            .unwrap();
        assert_eq!(local_to_utc(&London, gap), utc("2026-03-29T01:00:00Z"));
        // ... and falls back 2026-10-25 02:00 BST -> 01:00 GMT: 01:30 happens twice.
        let twice = NaiveDate::from_ymd_opt(2026, 10, 25)
            .unwrap()
            .and_hms_opt(1, 30, 0)
            .unwrap();
        assert_eq!(local_to_utc(&London, twice), utc("2026-10-25T00:30:00Z"));
    }

    #[test]
    fn out_of_hours_follows_local_time_not_utc() {
        let h = dxw(false);
        // Wednesday 2026-07-15, New York is UTC-4: 10:00 local is 14:00Z.
        assert_eq!(
            h.out_of_hours_since(&New_York, utc("2026-07-15T13:59:00Z")),
            Some(utc("2026-07-14T22:00:00Z")),
            "09:59 local is out of hours since 18:00 local the day before"
        );
        assert_eq!(
            h.out_of_hours_since(&New_York, utc("2026-07-15T14:00:00Z")),
            None
        );
        assert_eq!(
            h.out_of_hours_since(&New_York, utc("2026-07-15T21:59:00Z")),
            None
        );
        assert_eq!(
            h.out_of_hours_since(&New_York, utc("2026-07-15T22:00:00Z")),
            Some(utc("2026-07-15T22:00:00Z"))
        );
        // In UTC the same instants are all working hours.
        assert_eq!(
            h.out_of_hours_since(&Utc, utc("2026-07-15T13:59:00Z")),
            None
        );
    }

    #[test]
    fn out_of_hours_across_the_spring_forward_night() {
        let h = dxw(false);
        // Saturday 18:00 GMT (18:00Z) to Sunday 10:00 BST (09:00Z) when weekends count.
        assert_eq!(
            h.out_of_hours_since(&London, utc("2026-03-29T08:59:00Z")),
            Some(utc("2026-03-28T18:00:00Z"))
        );
        assert_eq!(
            h.out_of_hours_since(&London, utc("2026-03-29T09:00:00Z")),
            None
        );
        // Sunday closes at 18:00 BST = 17:00Z.
        assert_eq!(
            h.out_of_hours_since(&London, utc("2026-03-29T17:00:00Z")),
            Some(utc("2026-03-29T17:00:00Z"))
        );
    }

    #[test]
    fn weekends_are_out_of_hours_from_friday_close_to_monday_open() {
        let h = dxw(true);
        // Friday 2026-11-20 18:00 UTC -> Monday 2026-11-23 10:00 UTC.
        for t in [
            "2026-11-21T12:00:00Z",
            "2026-11-22T23:00:00Z",
            "2026-11-23T09:59:00Z",
        ] {
            assert_eq!(
                h.out_of_hours_since(&Utc, utc(t)),
                Some(utc("2026-11-20T18:00:00Z")),
                "{t}"
            );
        }
        assert_eq!(
            h.out_of_hours_since(&Utc, utc("2026-11-23T10:00:00Z")),
            None
        );
        // Without the weekend rule, Saturday noon is working hours.
        assert_eq!(
            dxw(false).out_of_hours_since(&Utc, utc("2026-11-21T12:00:00Z")),
            None
        );
    }

    #[test]
    fn night_shift_hours_cross_midnight() {
        // Working 22:00-06:00 (out of hours 06:00-22:00).
        let h = WorkingHours::parse("06:00", "22:00", false).unwrap();
        assert_eq!(
            h.out_of_hours_since(&Utc, utc("2026-11-18T02:00:00Z")),
            None
        );
        assert_eq!(
            h.out_of_hours_since(&Utc, utc("2026-11-18T07:00:00Z")),
            Some(utc("2026-11-18T06:00:00Z"))
        );
    }

    #[test]
    fn equal_times_mean_no_out_of_hours_on_working_days() {
        let h = WorkingHours::parse("09:00", "09:00", true).unwrap();
        assert_eq!(
            h.out_of_hours_since(&Utc, utc("2026-11-18T03:00:00Z")),
            None
        );
        assert!(
            h.out_of_hours_since(&Utc, utc("2026-11-21T12:00:00Z"))
                .is_some()
        );
    }

    #[test]
    fn business_days_skip_weekends_and_keep_local_time_across_dst() {
        // Wednesday + 1 = Thursday; Friday + 1 = Monday; Friday + 5 = next Friday.
        assert_eq!(
            add_business_days(&Utc, utc("2026-11-18T16:00:00Z"), 1),
            utc("2026-11-19T16:00:00Z")
        );
        assert_eq!(
            add_business_days(&Utc, utc("2026-11-20T16:00:00Z"), 1),
            utc("2026-11-23T16:00:00Z")
        );
        assert_eq!(
            add_business_days(&Utc, utc("2026-11-20T16:00:00Z"), 5),
            utc("2026-11-27T16:00:00Z")
        );
        // Saturday + 1 = Monday, Sunday + 5 = Friday.
        assert_eq!(
            add_business_days(&Utc, utc("2026-11-21T09:00:00Z"), 1),
            utc("2026-11-23T09:00:00Z")
        );
        assert_eq!(
            add_business_days(&Utc, utc("2026-11-22T09:00:00Z"), 5),
            utc("2026-11-27T09:00:00Z")
        );
        // New York leaves DST on Sunday 2026-11-01: Friday 16:00 EDT (20:00Z)
        // + 1 business day is Monday 16:00 EST (21:00Z), not 20:00Z.
        assert_eq!(
            add_business_days(&New_York, utc("2026-10-30T20:00:00Z"), 1),
            utc("2026-11-02T21:00:00Z")
        );
        // Late Friday evening in New York is already Saturday in UTC: local dates count.
        assert_eq!(
            add_business_days(&New_York, utc("2026-11-21T02:00:00Z"), 1),
            utc("2026-11-24T02:00:00Z"),
            "Friday 21:00 EST + 1 = Monday 21:00 EST"
        );
    }

    #[test]
    fn the_due_date_is_the_local_date_of_the_due_instant() {
        let date = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        // Thursday 20:00 in New York is already Friday in UTC: one business
        // day later is Friday locally (the clocks' due time), where counting
        // from the UTC date would say Monday (the export's old answer).
        let thursday_evening = utc("2026-11-20T01:00:00Z");
        assert_eq!(
            business_days_due_date(&New_York, thursday_evening, 1),
            date("2026-11-20")
        );
        assert_eq!(
            business_days_due_date(&Utc, thursday_evening, 1),
            date("2026-11-23")
        );
        // Weekends are skipped; a start on a weekend counts from Monday.
        let friday = utc("2026-03-13T12:00:00Z");
        assert_eq!(business_days_due_date(&Utc, friday, 1), date("2026-03-16"));
        assert_eq!(business_days_due_date(&Utc, friday, 5), date("2026-03-20"));
        let saturday = utc("2026-03-14T12:00:00Z");
        assert_eq!(
            business_days_due_date(&Utc, saturday, 1),
            date("2026-03-16")
        );
        assert_eq!(
            business_days_due_date(&London, friday, 1),
            local_date(&London, add_business_days(&London, friday, 1))
        );
    }
}
