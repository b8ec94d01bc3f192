//! Keeps the sync task alive. A panic inside it (a bug in an adapter, an
//! unexpected answer) used to end it silently: rows stayed pending and the
//! header kept showing the last health it had published. Now the panic is
//! logged, the header says so, and the task starts again after a pause that
//! grows with each crash (1 s, 2 s, ... up to 60 s), so a task that panics on
//! every pass does not spin. Rows the crashed run had claimed are taken over
//! when their lease runs out (outbox.rs; the endpoint's timeout per row
//! claimed plus 30 s) and delivered then: at-least-once, as always.
//!
//! The task itself (`worker::run`, handed in as `start`) is unchanged: each run gets fresh command
//! and health channels, and this loop forwards the handle's commands to it
//! and its health to the handle, adding the crash notice.

use chrono::Utc;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use tokio::sync::{mpsc, watch};

use super::health::SyncHealth;

/// What the sync handle asks of the running task.
pub(super) enum Command {
    Force,
    Stop,
}

/// Longest pause between restarts.
const MAX_PAUSE: Duration = Duration::from_secs(60);

/// Run `start(commands, health)` (the worker's `run` with its settings and
/// wake-up, `worker.rs`) until it returns, starting it again after a panic.
pub(super) async fn supervise<F, Fut>(
    start: F,
    mut commands: mpsc::UnboundedReceiver<Command>,
    health: watch::Sender<SyncHealth>,
    stop: Arc<AtomicBool>,
) where
    F: Fn(mpsc::UnboundedReceiver<Command>, watch::Sender<SyncHealth>) -> Fut,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    let mut crashes: u32 = 0;
    let mut notice: Option<String> = None;
    loop {
        let (cmd_tx, cmd_rx) = mpsc::unbounded_channel();
        let (h_tx, mut h_rx) = watch::channel(SyncHealth::default());
        let mut task = tokio::spawn(start(cmd_rx, h_tx));
        let ended = loop {
            tokio::select! {
                r = &mut task => break r,
                c = commands.recv() => match c {
                    Some(c) => { let _ = cmd_tx.send(c); }
                    // The handle is gone: stop the run like `Command::Stop` would.
                    None => { stop.store(true, Ordering::Relaxed); let _ = cmd_tx.send(Command::Stop); }
                },
                changed = h_rx.changed() => if changed.is_ok() {
                    let mut h = h_rx.borrow_and_update().clone();
                    h.problems.extend(notice.clone());
                    health.send_if_modified(|old| {
                        let changed = *old != h;
                        *old = h;
                        changed
                    });
                },
            }
        };
        match ended {
            Ok(()) => return,
            Err(e) if e.is_panic() => {
                crashes += 1;
                let what = panic_text(e.into_panic());
                tracing::error!("sync task panicked: {what}; restarting it (crash {crashes})");
                notice = Some(format!(
                    "sync task crashed {crashes}× (last {}: {what}); restarted",
                    Utc::now().format("%H:%M:%S")
                ));
                let pause =
                    Duration::from_secs(1u64 << crashes.min(6).saturating_sub(1)).min(MAX_PAUSE);
                health.send_modify(|h| h.problems.extend(notice.clone()));
                if stop.load(Ordering::Relaxed) {
                    return;
                }
                tokio::select! {
                    _ = tokio::time::sleep(pause) => {}
                    c = commands.recv() => match c {
                        Some(Command::Force) => {}
                        Some(Command::Stop) | None => return,
                    },
                }
            }
            // Cancelled: the runtime is shutting down.
            Err(_) => return,
        }
    }
}

/// The panic's message, short and on one line (it goes into the header).
fn panic_text(payload: Box<dyn std::any::Any + Send>) -> String {
    let text = payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "panic".into());
    let one_line: String = crate::domain::sanitize::clean_line(&text)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    one_line.chars().take(120).collect()
}
