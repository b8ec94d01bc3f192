//! Text helpers the adapters share. A leaf, so an adapter never imports the
//! dispatcher (`adapters/mod.rs`) that imports it.

/// Shorten to `max` characters (Slack topics: 250; PagerDuty summaries: 1024).
pub fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        s.chars().take(max.saturating_sub(1)).collect::<String>() + "…"
    }
}
