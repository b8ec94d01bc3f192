//! Slack's Web API address, its text escaping and its verdict (ENDPOINTS.md §2): the JSON's
//! `ok` decides, whatever the HTTP status. A leaf shared by the topic
//! requests (`slack.rs`) and the posts (`slack_post.rs`).

use crate::sync::backoff::Outcome;
use crate::sync::http::{HttpAnswer, judge_status};

pub const DEFAULT_API: &str = "https://slack.com/api";

/// mrkdwn needs exactly these three escaped (§2.7).
pub fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

pub fn judge_api(a: &HttpAnswer) -> Outcome {
    if let Some(o) = judge_status(a, a.body.trim()) {
        return o;
    }
    let Ok(v) = serde_json::from_str::<serde_json::Value>(&a.body) else {
        // Maybe posted, maybe not: a retry could post twice, so ask the IC.
        return Outcome::Park {
            error: format!(
                "Slack answered {} with something that is not JSON: {}",
                a.status,
                a.body.trim()
            ),
        };
    };
    match (v["ok"].as_bool(), v["error"].as_str()) {
        (Some(true), _) => Outcome::Delivered {
            remote_id: v["ts"].as_str().map(str::to_string),
        },
        (_, Some("ratelimited")) => Outcome::Retry {
            error: "Slack: ratelimited".into(),
            retry_after: a.retry_after,
        },
        (_, Some(e)) => Outcome::Park {
            error: format!("Slack: {e}"),
        },
        _ => Outcome::Park {
            error: format!("Slack answered without `ok`: {}", a.body.trim()),
        },
    }
}
