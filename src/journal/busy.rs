//! Waiting for another process's write transaction, and taking turns.
//!
//! SQLite's own busy handler (what `busy_timeout` installs) backs off to
//! 100 ms between tries. A process that writes back to back (a bulk import,
//! the sync task catching up, a scripted loop of `cockpit note`) releases the
//! lock for microseconds between its transactions, so a writer polling every
//! 100 ms found it free only by luck: in the two-process test one writer often
//! waited until the other had written all its 1,000 notes, and a longer burst
//! would have run it into the timeout and a `database is locked` error.
//! Retrying every fraction of a millisecond, with jitter so two waiting
//! processes do not poll in step, lets writers take turns.

use std::cell::Cell;
use std::time::{Duration, Instant};

/// How long a writer waits for another process's transaction before giving up.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// Between tries: 50-500 µs, well under one commit (MEASURED.md: p50 ~170 µs).
const RETRY_MICROS: std::ops::RangeInclusive<u64> = 50..=500;

thread_local! {
    /// When the current wait began. SQLite calls the handler on the thread
    /// that is waiting, counting tries from 0 for each new wait.
    static WAITING_SINCE: Cell<Option<Instant>> = const { Cell::new(None) };
}

/// The busy handler: sleep a little and try again, until `BUSY_TIMEOUT`.
pub fn busy_wait(tries: i32) -> bool {
    let now = Instant::now();
    let since = WAITING_SINCE.with(|w| {
        if tries == 0 || w.get().is_none() {
            w.set(Some(now));
        }
        w.get().unwrap_or(now)
    });
    if now.duration_since(since) >= BUSY_TIMEOUT {
        return false;
    }
    std::thread::sleep(Duration::from_micros(rand::random_range(RETRY_MICROS)));
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_quickly_and_restarts_the_clock_for_each_wait() {
        let start = Instant::now();
        for tries in 0..20 {
            assert!(busy_wait(tries));
        }
        // 20 tries of at most 0.5 ms each (plus scheduling slack).
        assert!(
            start.elapsed() < Duration::from_millis(500),
            "{:?}",
            start.elapsed()
        );
        // A wait that began longer ago than the timeout gives up...
        WAITING_SINCE.with(|w| w.set(Some(Instant::now() - BUSY_TIMEOUT)));
        assert!(!busy_wait(7));
        // ...and the next wait starts afresh.
        assert!(busy_wait(0));
    }
}
