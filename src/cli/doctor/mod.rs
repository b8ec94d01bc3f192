//! `cockpit doctor`: one line per check, with what to do about it (issue 18).
//!
//! A check fails only if it would stop an incident from being run (the
//! journal cannot be opened or is damaged, the config or a playbook does not
//! load); everything else the cockpit works around (an endpoint down: the
//! outbox keeps the rows; no D-Bus: the bell) is a warning. The exit code is
//! 1 when any check fails.

mod check;
mod endpoints;
mod local;
mod system;

pub use check::{Check, Level};

use std::io::Write;

use super::args::Global;
use super::failure::Failure;

/// Run every check; print the report; fail (exit 1) if an incident could
/// not be run.
pub fn doctor(global: &Global) -> Result<String, Failure> {
    let checks = checks(global);
    let out = if global.json {
        serde_json::to_string_pretty(&checks).expect("checks serialise") + "\n"
    } else {
        checks.iter().map(|c| c.line() + "\n").collect()
    };
    let failed: Vec<&str> = checks
        .iter()
        .filter(|c| c.level == Level::Fail)
        .map(|c| c.area)
        .collect();
    if failed.is_empty() {
        return Ok(out);
    }
    // The report goes to stdout even when the command fails.
    let _ = std::io::stdout().lock().write_all(out.as_bytes());
    Err(Failure {
        code: 1,
        message: format!(
            "{} problem(s) would stop an incident from being run: {}",
            failed.len(),
            failed.join(", ")
        ),
    })
}

/// Every check, in the order a user would fix them.
pub fn checks(global: &Global) -> Vec<Check> {
    let mut out = Vec::new();
    let setup = local::Setup::read(global, &mut out);
    local::journal(global, &setup, &mut out);
    if let Some(config) = &setup.config {
        local::secrets(config, &mut out);
        endpoints::probe_all(config, &mut out);
    }
    system::notifications(&mut out);
    system::terminal(&mut out);
    system::time_zone(setup.config.as_ref(), &mut out);
    out
}
