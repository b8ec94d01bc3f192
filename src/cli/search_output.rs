//! `cockpit search`: every incident's notes and titles, best match first
//! (issue 12 item 7). main.rs cleans what is printed, like every command.

use serde_json::json;

use super::failure::Failure;
use crate::journal::{JournalError, MATCH_END, MATCH_START, SearchHit};
use crate::services::Cockpit;

pub fn search(
    cockpit: &mut Cockpit,
    text: &str,
    limit: usize,
    raw: bool,
    as_json: bool,
) -> Result<String, Failure> {
    let hits = cockpit
        .journal
        .search(text, raw, limit)
        .map_err(|e| match e {
            // The user's query, not the journal: a usage error.
            JournalError::EmptySearch(_) | JournalError::SearchQuery { .. } => {
                Failure::usage(e.to_string())
            }
            e => e.into(),
        })?;
    Ok(render(&hits, text, as_json))
}

pub fn render(hits: &[SearchHit], text: &str, as_json: bool) -> String {
    let mut out = String::new();
    if as_json {
        for h in hits {
            let line = json!({
                "incident": h.incident, "short": h.incident.short(), "title": h.title,
                "event": h.event, "seq": h.seq, "at": h.at, "author": h.author,
                "kind": h.kind, "private": h.private, "snippet": plain(&h.snippet),
                "matches": matches(&h.snippet), "rank": h.rank,
            });
            out.push_str(&line.to_string());
            out.push('\n');
        }
        return out;
    }
    if hits.is_empty() {
        return format!("nothing matches `{text}`\n");
    }
    for h in hits {
        let private = if h.private { "  (private)" } else { "" };
        out.push_str(&format!(
            "{}  {}  {}  {}{}\n    {}\n",
            h.incident.short(),
            h.title,
            h.at.format("%Y-%m-%d %H:%M UTC"),
            h.author,
            private,
            marked(&h.snippet)
        ));
    }
    out
}

/// One line, matches in brackets.
fn marked(snippet: &str) -> String {
    one_line(snippet)
        .replace(MATCH_START, "[")
        .replace(MATCH_END, "]")
}

fn plain(snippet: &str) -> String {
    one_line(snippet).replace([MATCH_START, MATCH_END], "")
}

fn one_line(snippet: &str) -> String {
    snippet.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The matched words, as written.
fn matches(snippet: &str) -> Vec<String> {
    snippet
        .split(MATCH_START)
        .skip(1)
        .filter_map(|s| s.split(MATCH_END).next())
        .map(str::to_string)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snippets_show_matches_on_one_line() {
        let s = "the \u{2}db\u{3} is\ndown \u{2}again\u{3}";
        assert_eq!(marked(s), "the [db] is down [again]");
        assert_eq!(plain(s), "the db is down again");
        assert_eq!(matches(s), ["db", "again"]);
    }
}
