//! Reading rows for the fold: the hot loop of a first open without a fold
//! snapshot, which reads every event of the incident once.

use chrono::{DateTime, Utc};

use super::error::BadRow;
use crate::domain::{Event, EventId, EventKind, IncidentId};

const TIME: &str = "an RFC 3339 time";

/// The text columns the fold reads, by their index in `EVENT_COLUMNS`
/// ("seq, id, incident, at, recorded_at, author, kind, body"): the incident
/// is known from the query.
pub(super) const TEXT_COLUMNS: [usize; 6] = [1, 3, 4, 5, 6, 7];

/// Column `i` of a row as text, borrowed in place (no `String` per column).
pub(super) fn text<'r>(r: &'r rusqlite::Row<'_>, i: usize) -> rusqlite::Result<&'r str> {
    r.get_ref(i)?.as_str().map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, Box::new(e))
    })
}

/// One row as the fold reads it, with its incident known from the query: a
/// journal without a snapshot folds every row on its first open (issue 14:
/// 1,000,000 events within 1 s). Means what `row_to_event` means.
pub(super) fn fold_event(r: &rusqlite::Row<'_>, incident: IncidentId) -> rusqlite::Result<Event> {
    let [id, at, recorded_at, author, kind, body] = TEXT_COLUMNS.map(|i| text(r, i));
    decode(
        r.get(0)?,
        [id?, at?, recorded_at?, author?, kind?, body?],
        incident,
    )
}

/// An event from its sequence number and text columns (`TEXT_COLUMNS`). A
/// value that does not parse is an error naming the row, as in
/// `row_to_event` (issue 11: never a silent default).
pub(super) fn decode(
    seq: i64,
    [id, at, recorded_at, author, kind, body]: [&str; 6],
    incident: IncidentId,
) -> rusqlite::Result<Event> {
    let bad = |i: usize, column: &'static str, expected: &'static str, value: &str| {
        let row = BadRow {
            seq,
            column,
            expected,
            value: value.to_string(),
        };
        rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, Box::new(row))
    };
    Ok(Event {
        seq: Some(seq),
        id: EventId::parse(id).ok_or_else(|| bad(1, "id", "a UUID", id))?,
        incident,
        at: fold_ts(at).ok_or_else(|| bad(3, "at", TIME, at))?,
        recorded_at: fold_ts(recorded_at)
            .ok_or_else(|| bad(4, "recorded_at", TIME, recorded_at))?,
        author: author.to_string(),
        kind: EventKind::from_columns(kind, body),
    })
}

/// `parse_ts` for the form `ts` writes ("2026-11-21T10:00:00.000000Z"),
/// without chrono's general RFC 3339 parser; any other form goes to it.
fn fold_ts(s: &str) -> Option<DateTime<Utc>> {
    let b = s.as_bytes();
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        b.get(r)?.iter().try_fold(0u32, |n, c| {
            c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
        })
    };
    let shape = b.len() == 27
        && b[4] == b'-'
        && b[7] == b'-'
        && b[10] == b'T'
        && b[13] == b':'
        && b[16] == b':'
        && b[19] == b'.'
        && b[26] == b'Z';
    let fast = || {
        let date = chrono::NaiveDate::from_ymd_opt(num(0..4)? as i32, num(5..7)?, num(8..10)?)?;
        let time = chrono::NaiveTime::from_hms_micro_opt(
            num(11..13)?,
            num(14..16)?,
            num(17..19)?,
            num(20..26)?,
        )?;
        Some(date.and_time(time).and_utc())
    };
    match shape.then(fast).flatten() {
        Some(t) => Some(t),
        None => parse_ts(s),
    }
}

/// An RFC 3339 time in any offset, as UTC; `None` if it is not one.
pub(super) fn parse_ts(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fast_timestamp_reads_what_ts_writes_and_leaves_the_rest_to_chrono() {
        let t = DateTime::parse_from_rfc3339("2026-11-21T10:04:05.123456Z")
            .unwrap()
            .with_timezone(&Utc);
        let written = crate::journal::store::ts(t);
        assert_eq!(written, "2026-11-21T10:04:05.123456Z");
        assert_eq!(fold_ts(&written), Some(t));
        for other in [
            "2026-11-21T11:04:05.123456+01:00",
            "2026-11-21T10:04:05Z",
            "2026-11-21T10:04:05.123Z",
        ] {
            assert_eq!(fold_ts(other), parse_ts(other), "{other}");
        }
        // Out of range or not a time: none, as `parse_ts` (the row is reported).
        for bad in [
            "2026-13-21T10:04:05.123456Z",
            "2026-11-21T10:04:05.12345xZ",
            "",
        ] {
            assert_eq!(fold_ts(bad), parse_ts(bad), "{bad}");
        }
    }
}
