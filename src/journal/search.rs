//! Search across every incident ("have we seen this before?", issue 12
//! item 7): the FTS5 index of schema v5, ranked by bm25.
//! https://www.sqlite.org/fts5.html (3. full-text query syntax, 5.1.1 bm25,
//! 5.1.3 snippet)

use chrono::{DateTime, Utc};
use rusqlite::params;

use super::error::JournalError;
use super::fold::parse_ts;
use super::store::{Journal, column, sql};
use crate::domain::{EventId, IncidentId};

/// Marks around the matched words in `SearchHit::snippet` (control bytes no
/// note can hold after the output is cleaned; the CLI replaces them).
pub const MATCH_START: char = '\u{2}';
pub const MATCH_END: char = '\u{3}';

/// One entry that matched, with what to show about it.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchHit {
    pub seq: i64,
    pub event: EventId,
    pub incident: IncidentId,
    /// The incident's newest title.
    pub title: String,
    pub at: DateTime<Utc>,
    pub author: String,
    /// The event kind: note, amended, declared or title_changed.
    pub kind: String,
    /// A private note (or an amendment of one): searchable on this seat
    /// only, since it never leaves the journal.
    pub private: bool,
    /// Up to a dozen words around the match, matches between
    /// `MATCH_START` and `MATCH_END`.
    pub snippet: String,
    /// bm25: lower is a better match.
    pub rank: f64,
}

/// What the user typed becomes an FTS5 query. By default every word is
/// quoted as an FTS5 string (all words must occur, in any order), so `-`,
/// `:`, `*`, `(` and quotes are plain text; `raw` passes FTS5 syntax
/// (OR, NOT, NEAR, prefix*) through. Words with no letter or digit are
/// dropped: the tokenizer would make empty phrases of them.
pub fn fts_query(text: &str, raw: bool) -> Result<String, JournalError> {
    if raw {
        if text.trim().is_empty() {
            return Err(JournalError::EmptySearch(text.to_string()));
        }
        return Ok(text.to_string());
    }
    let words: Vec<String> = text
        .split_whitespace()
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .map(|w| format!("\"{}\"", w.replace('"', "\"\"")))
        .collect();
    if words.is_empty() {
        return Err(JournalError::EmptySearch(text.to_string()));
    }
    Ok(words.join(" "))
}

/// bm25 is computed for at most this many matching entries, the newest:
/// ranking all 50,000 entries of a word in every note of 1,000 incidents
/// took 60-100 ms (benches/search.rs); the newest 10,000 take ~15 ms. A word
/// that common says little on its own; adding a word narrows the match.
pub const RANKED: i64 = 10_000;

const SEARCH_SQL: &str = "
    WITH matched AS (
        SELECT rowid AS seq, bm25(search) AS rank
        FROM search WHERE search MATCH ?1 ORDER BY rowid DESC LIMIT ?3
    ), hits AS (
        SELECT seq, rank FROM matched ORDER BY rank, seq LIMIT ?2
    )
    SELECT e.seq, e.id, e.incident, e.at, e.author, e.kind,
        CASE e.kind
            WHEN 'note' THEN coalesce(json_extract(e.body, '$.private'), 0)
            WHEN 'amended' THEN coalesce((
                SELECT json_extract(n.body, '$.private') FROM events n
                WHERE n.id = json_extract(e.body, '$.event') AND json_valid(n.body)
            ), 0)
            ELSE 0
        END,
        '',
        coalesce((
            SELECT json_extract(t.body, '$.title') FROM events t
            WHERE t.incident = e.incident AND t.kind IN ('declared', 'title_changed')
              AND json_valid(t.body)
            ORDER BY t.seq DESC LIMIT 1
        ), ''),
        hits.rank
    FROM hits JOIN events e ON e.seq = hits.seq
    ORDER BY hits.rank, e.seq";

impl Journal {
    /// The best `limit` entries of every incident matching `text` (see
    /// `fts_query`), best first, among the newest `RANKED` that match.
    pub fn search(
        &self,
        text: &str,
        raw: bool,
        limit: usize,
    ) -> Result<Vec<SearchHit>, JournalError> {
        let query = fts_query(text, raw)?;
        let path = self.path();
        let failed = |e: rusqlite::Error| query_error(path, text, raw, e);
        let mut stmt = self
            .conn()
            .prepare_cached(SEARCH_SQL)
            .map_err(|e| sql(path, e))?;
        let rows = stmt
            .query_map(params![query, limit as i64, RANKED], |r| {
                const UUID: &str = "a UUID";
                Ok(SearchHit {
                    seq: r.get(0)?,
                    event: column(r, 1, "id", UUID, EventId::parse)?,
                    incident: column(r, 2, "incident", UUID, IncidentId::parse)?,
                    at: column(r, 3, "at", "an RFC 3339 time", parse_ts)?,
                    author: r.get(4)?,
                    kind: r.get(5)?,
                    private: r.get::<_, i64>(6)? != 0,
                    snippet: r.get(7)?,
                    title: r.get(8)?,
                    rank: r.get(9)?,
                })
            })
            .map_err(failed)?;
        let mut hits = rows.collect::<Result<Vec<_>, _>>().map_err(failed)?;
        // Snippets for the hits only (in `matched` they would be made for
        // every ranked entry); `rowid =` is a direct lookup in FTS5.
        let mut snip = self
            .conn()
            .prepare_cached(
                "SELECT snippet(search, 0, char(2), char(3), '…', 12) FROM search
                 WHERE search MATCH ?1 AND rowid = ?2",
            )
            .map_err(|e| sql(path, e))?;
        for h in &mut hits {
            h.snippet = snip
                .query_row(params![query, h.seq], |r| r.get(0))
                .map_err(failed)?;
        }
        Ok(hits)
    }
}

/// FTS5 reports a query it cannot parse as a plain SQLITE_ERROR ("fts5:
/// syntax error near …", "no such column: x" for `x:word`, "unterminated
/// string"): with `raw` (the SQL itself is fixed) that is the user's query,
/// not the journal.
fn query_error(path: &std::path::Path, text: &str, raw: bool, e: rusqlite::Error) -> JournalError {
    if let rusqlite::Error::SqliteFailure(f, Some(msg)) = &e
        && f.code == rusqlite::ErrorCode::Unknown
        && (raw
            || msg.starts_with("fts5:")
            || msg.starts_with("no such column")
            || msg.starts_with("unterminated string"))
    {
        return JournalError::SearchQuery {
            query: text.to_string(),
            detail: msg.clone(),
        };
    }
    sql(path, e)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_quoted_so_punctuation_is_text() {
        assert_eq!(
            fts_query(r#"db-01: "502" -x"#, false).unwrap(),
            r#""db-01:" """502""" "-x""#
        );
        assert_eq!(fts_query("a OR b*", false).unwrap(), r#""a" "OR" "b*""#);
        assert!(matches!(
            fts_query(" -- \" ", false),
            Err(JournalError::EmptySearch(_))
        ));
        assert_eq!(fts_query("a OR b*", true).unwrap(), "a OR b*");
    }
}
