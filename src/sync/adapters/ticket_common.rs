//! What the ticket adapters share (issue 17): the id an item got, request
//! helpers and the endpoints' error words. A leaf, so an adapter never
//! imports the dispatcher (`tickets.rs`) that imports it.

use base64::Engine;
use reqwest::Url;

use crate::sync::delivery::Ticket;

/// What an endpoint called the item it created or updated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Linked {
    pub id: String,
    /// Where a person finds it (may be empty).
    pub url: String,
}

/// The item has no id here yet and this row cannot create it (an update
/// whose create row has not been delivered).
pub fn no_item_yet(t: &Ticket) -> String {
    format!(
        "no {} here yet: the row that creates it has not been delivered (see `cockpit sync status`)",
        t.item.replace('_', " ")
    )
}

/// `base` with `segments` appended, each percent-encoded as one segment
/// (a GitLab project path `group/app` becomes `group%2Fapp`, as its API wants).
pub fn join(base: &Url, segments: &[&str]) -> Url {
    let mut u = base.clone();
    if let Ok(mut p) = u.path_segments_mut() {
        p.pop_if_empty();
        p.extend(segments);
    }
    u
}

/// `Authorization: Basic base64(user:password)` (RFC 7617).
pub fn basic(user: &str, password: &str) -> String {
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"))
    )
}

/// The endpoint's own words from an error body, whatever its shape:
/// `{"message"}`, `{"error"}`, `{"description"}`, Jira's `{"errorMessages",
/// "errors"}`, GitLab's `{"message": {"field": [...]}}`.
pub fn error_detail(body: &str) -> String {
    let Ok(v) = serde_json::from_str::<serde_json::Value>(body) else {
        return body.trim().to_string();
    };
    let mut parts: Vec<String> = Vec::new();
    let mut push = |x: &serde_json::Value| match x {
        serde_json::Value::String(s) if !s.is_empty() => parts.push(s.clone()),
        serde_json::Value::Array(a) => parts.extend(
            a.iter()
                .filter_map(|s| s.as_str().map(str::to_string))
                .filter(|s| !s.is_empty()),
        ),
        serde_json::Value::Object(m) => parts.extend(m.iter().map(|(k, v)| match v {
            serde_json::Value::String(s) => format!("{k}: {s}"),
            other => format!("{k}: {other}"),
        })),
        _ => {}
    };
    for key in ["error", "message", "description", "errorMessages", "errors"] {
        if let Some(x) = v.get(key) {
            push(x);
        }
    }
    if parts.is_empty() {
        body.trim().to_string()
    } else {
        parts.join("; ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_bodies_of_every_shape_read_as_words() {
        assert_eq!(
            error_detail(
                r#"{"errorMessages":[],"errors":{"summary":"You must specify a summary of the issue."}}"#
            ),
            "summary: You must specify a summary of the issue."
        );
        assert_eq!(
            error_detail(r#"{"message":"404 Project Not Found"}"#),
            "404 Project Not Found"
        );
        assert_eq!(
            error_detail(r#"{"error":"RecordInvalid","description":"Record validation errors"}"#),
            "RecordInvalid; Record validation errors"
        );
        assert_eq!(error_detail("not json"), "not json");
    }

    #[test]
    fn joined_segments_are_encoded_one_by_one() {
        let base = Url::parse("https://gitlab.example/api/v4/").unwrap();
        assert_eq!(
            join(&base, &["projects", "group/app", "issues"]).as_str(),
            "https://gitlab.example/api/v4/projects/group%2Fapp/issues"
        );
        assert_eq!(basic("a", "b"), "Basic YTpi");
    }
}
