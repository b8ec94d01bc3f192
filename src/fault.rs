//! Fault injection for the reliability suite (issue 10): the tests must make
//! the screen's render and the sync task panic to check that the terminal is
//! restored and that the sync task is restarted. `COCKPIT_FAULT` names the
//! faults to inject, comma-separated; each fires once per process. Unset (as
//! it always is in use), every check is one relaxed atomic load.
//!
//! - `render-panic`: the next frame panics while it is drawn.
//! - `sync-panic`: the sync task panics at the start of its next pass.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

static ARMED: AtomicBool = AtomicBool::new(false);
static FAULTS: Mutex<Vec<String>> = Mutex::new(Vec::new());

/// Read `COCKPIT_FAULT` (the binary calls this once at start).
pub fn from_env() {
    if let Ok(v) = std::env::var("COCKPIT_FAULT") {
        for f in v.split(',').map(str::trim).filter(|f| !f.is_empty()) {
            arm(f);
        }
    }
}

/// Arm `fault` to fire once (tests in-process).
pub fn arm(fault: &str) {
    FAULTS
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .push(fault.to_string());
    ARMED.store(true, Ordering::Relaxed);
}

/// True once for each time `fault` was armed.
pub fn fires(fault: &str) -> bool {
    if !ARMED.load(Ordering::Relaxed) {
        return false;
    }
    let mut faults = FAULTS.lock().unwrap_or_else(|e| e.into_inner());
    match faults.iter().position(|f| f == fault) {
        Some(i) => {
            faults.remove(i);
            true
        }
        None => false,
    }
}
