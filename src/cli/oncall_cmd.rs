//! `cockpit oncall [--endpoint NAME]`: who is on call now for each team
//! configured with a PagerDuty escalation policy (issue 17).

use super::args::Global;
use super::failure::Failure;
use crate::config::Config;
use crate::domain::sanitize::clean_line;
use crate::services::oncall::{OnCallError, on_call_now};

pub fn oncall(global: &Global, config: &Config, name: Option<&str>) -> Result<String, Failure> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure {
            code: 1,
            message: format!("cannot start the runtime: {e}"),
        })?;
    let teams = rt
        .block_on(on_call_now(config, name))
        .map_err(|e| match e {
            OnCallError::NotConfigured(m) => Failure::usage(m),
            other => Failure {
                code: 1,
                message: clean_line(&other.to_string()),
            },
        })?;
    if global.json {
        return Ok(serde_json::to_string(&teams).unwrap_or_default() + "\n");
    }
    let mut out = String::new();
    for t in teams {
        let people = if t.people.is_empty() {
            "nobody on call".to_string()
        } else {
            t.people
                .iter()
                .map(|(level, name)| format!("{level}: {}", clean_line(name)))
                .collect::<Vec<_>>()
                .join(", ")
        };
        out.push_str(&format!(
            "{:<16} {:<10} {}\n",
            clean_line(&t.team),
            clean_line(&t.policy),
            people
        ));
    }
    Ok(out)
}
