//! Reading the timeline a page at a time, newest first by when things
//! happened, so a 1,000,000-event incident opens as fast as a small one.

use chrono::{DateTime, Utc};
use rusqlite::params_from_iter;
use rusqlite::types::Value;

use super::error::JournalError;
use super::store::{EVENT_COLUMNS, Journal, row_to_event, sql, ts};
use crate::domain::{Event, IncidentId};

/// Which timeline entries to show.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum TimelineFilter {
    #[default]
    All,
    /// A note tag (`mitigation`) or the start of an event kind (`action`, `role`).
    Tag(String),
    /// Text anywhere in the entry or its author (case-insensitive for ASCII).
    Text(String),
}

impl TimelineFilter {
    /// "tag:mitigation" filters by tag; anything else is text.
    pub fn parse(s: &str) -> Self {
        let s = s.trim();
        match s.strip_prefix("tag:") {
            _ if s.is_empty() => TimelineFilter::All,
            Some(tag) => TimelineFilter::Tag(tag.trim().to_string()),
            None => TimelineFilter::Text(s.to_string()),
        }
    }

    fn condition(&self, args: &mut Vec<Value>) -> &'static str {
        match self {
            TimelineFilter::All => "",
            TimelineFilter::Tag(tag) => {
                args.push(Value::Text(tag.to_lowercase()));
                args.push(Value::Text(format!("{}%", tag.to_lowercase())));
                " AND ((kind = 'note' AND json_extract(body, '$.tag') = ?) OR kind LIKE ?)"
            }
            TimelineFilter::Text(text) => {
                let pattern = format!(
                    "%{}%",
                    text.replace('\\', "\\\\")
                        .replace('%', "\\%")
                        .replace('_', "\\_")
                );
                args.push(Value::Text(pattern.clone()));
                args.push(Value::Text(pattern));
                " AND (body LIKE ? ESCAPE '\\' OR author LIKE ? ESCAPE '\\')"
            }
        }
    }
}

/// Where a timeline entry sits: by when it happened, then by journal order.
pub type TimelineKey = (DateTime<Utc>, i64);

pub fn key_of(e: &Event) -> TimelineKey {
    (e.at, e.seq.unwrap_or(0))
}

impl Journal {
    /// Up to `limit` entries just before `before` (or the newest, when `None`),
    /// returned oldest first.
    pub fn timeline_page(
        &self,
        incident: IncidentId,
        filter: &TimelineFilter,
        before: Option<TimelineKey>,
        limit: usize,
    ) -> Result<Vec<Event>, JournalError> {
        let mut args = vec![Value::Text(incident.to_string())];
        let mut q = format!("SELECT {EVENT_COLUMNS} FROM events WHERE incident = ?");
        if let Some((at, seq)) = before {
            q.push_str(" AND (at < ? OR (at = ? AND seq < ?))");
            args.extend([
                Value::Text(ts(at)),
                Value::Text(ts(at)),
                Value::Integer(seq),
            ]);
        }
        q.push_str(filter.condition(&mut args));
        q.push_str(" ORDER BY at DESC, seq DESC LIMIT ?");
        args.push(Value::Integer(limit as i64));
        let mut events = self.query_events(&q, args)?;
        events.reverse();
        Ok(events)
    }

    /// How many entries the filter keeps.
    pub fn timeline_count(
        &self,
        incident: IncidentId,
        filter: &TimelineFilter,
    ) -> Result<usize, JournalError> {
        let mut args = vec![Value::Text(incident.to_string())];
        let mut q = "SELECT count(*) FROM events WHERE incident = ?".to_string();
        q.push_str(filter.condition(&mut args));
        let n: i64 = self
            .conn()
            .query_row(&q, params_from_iter(args), |r| r.get(0))
            .map_err(|e| sql(self.path(), e))?;
        Ok(n as usize)
    }

    /// Events of `incident` written after `seq` that pass the filter, in journal order.
    pub fn timeline_since(
        &self,
        incident: IncidentId,
        filter: &TimelineFilter,
        seq: i64,
    ) -> Result<Vec<Event>, JournalError> {
        let mut args = vec![Value::Text(incident.to_string()), Value::Integer(seq)];
        let mut q = format!("SELECT {EVENT_COLUMNS} FROM events WHERE incident = ? AND seq > ?");
        q.push_str(filter.condition(&mut args));
        q.push_str(" ORDER BY seq");
        self.query_events(&q, args)
    }

    /// Run an events query built from fixed fragments with bound values.
    fn query_events(&self, q: &str, args: Vec<Value>) -> Result<Vec<Event>, JournalError> {
        let mut stmt = self
            .conn()
            .prepare_cached(q)
            .map_err(|e| sql(self.path(), e))?;
        let rows = stmt
            .query_map(params_from_iter(args), row_to_event)
            .map_err(|e| sql(self.path(), e))?;
        rows.collect::<Result<Vec<_>, _>>()
            .map_err(|e| sql(self.path(), e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_parse() {
        assert_eq!(TimelineFilter::parse(""), TimelineFilter::All);
        assert_eq!(
            TimelineFilter::parse("tag:mitigation"),
            TimelineFilter::Tag("mitigation".into())
        );
        assert_eq!(
            TimelineFilter::parse(" db down "),
            TimelineFilter::Text("db down".into())
        );
    }
}
