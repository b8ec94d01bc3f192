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

/// How long a writer waits for another process's transaction before giving up,
/// unless `COCKPIT_BUSY_TIMEOUT_MS` says otherwise.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// The wait in force: `COCKPIT_BUSY_TIMEOUT_MS` (milliseconds) when set to a
/// number, else `BUSY_TIMEOUT`. Read once per process. Lets a script fail
/// fast on a journal another program keeps locked (a backup holding it for
/// 30 s), and lets the tests check the locked-journal message in seconds.
pub fn busy_timeout() -> Duration {
    static WAIT: std::sync::OnceLock<Duration> = std::sync::OnceLock::new();
    *WAIT.get_or_init(|| {
        std::env::var("COCKPIT_BUSY_TIMEOUT_MS")
            .ok()
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(Duration::from_millis)
            .unwrap_or(BUSY_TIMEOUT)
    })
}

/// Between tries: 50-500 µs, well under one commit (MEASURED.md: p50 ~170 µs).
const RETRY_MICROS: std::ops::RangeInclusive<u64> = 50..=500;

thread_local! {
    /// When the current wait began. SQLite calls the handler on the thread
    /// that is waiting, counting tries from 0 for each new wait.
    static WAITING_SINCE: Cell<Option<Instant>> = const { Cell::new(None) };
}

/// The busy handler: sleep a little and try again, until `busy_timeout()`.
pub fn busy_wait(tries: i32) -> bool {
    let now = Instant::now();
    let since = WAITING_SINCE.with(|w| {
        if tries == 0 || w.get().is_none() {
            w.set(Some(now));
        }
        w.get().unwrap_or(now)
    });
    if now.duration_since(since) >= busy_timeout() {
        return false;
    }
    std::thread::sleep(Duration::from_micros(rand::random_range(RETRY_MICROS)));
    true
}

/// Run `op` again while it fails with `SQLITE_BUSY` that SQLite did not wait
/// out itself. Switching a new file to WAL is one: it reads the header, then
/// needs the exclusive lock, and SQLite never calls the busy handler for a
/// reader that wants to write (it could deadlock), so two processes creating
/// one journal at the same moment got `database is locked` from the loser.
/// Tried again, the loser finds the file in WAL mode already.
pub fn retry_when_busy<T>(mut op: impl FnMut() -> rusqlite::Result<T>) -> rusqlite::Result<T> {
    let mut tries = 0;
    loop {
        match op() {
            Err(e)
                if e.sqlite_error_code() == Some(rusqlite::ErrorCode::DatabaseBusy)
                    && busy_wait(tries) =>
            {
                tries += 1
            }
            other => return other,
        }
    }
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
        WAITING_SINCE.with(|w| w.set(Some(Instant::now() - busy_timeout())));
        assert!(!busy_wait(7));
        // ...and the next wait starts afresh.
        assert!(busy_wait(0));
    }

    #[test]
    fn busy_is_tried_again_and_other_errors_are_not() {
        let busy = || {
            rusqlite::Error::SqliteFailure(
                rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_BUSY),
                None,
            )
        };
        let mut calls = 0;
        let r = retry_when_busy(|| {
            calls += 1;
            if calls < 3 { Err(busy()) } else { Ok(calls) }
        });
        assert_eq!(r.unwrap(), 3);

        let mut calls = 0;
        let r: rusqlite::Result<()> = retry_when_busy(|| {
            calls += 1;
            Err(rusqlite::Error::InvalidQuery)
        });
        assert!(r.is_err());
        assert_eq!(calls, 1);
    }
}
