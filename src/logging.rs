//! Logs go to a file, never to the screen: `cockpit.log` in the data dir
//! (beside a `--journal` file when one is given). `COCKPIT_LOG` sets the level.

use std::path::Path;
use tracing_appender::non_blocking::WorkerGuard;

pub fn init(journal: Option<&Path>) -> Option<WorkerGuard> {
    let dir = match journal {
        // Never create a folder the user named: a missing one is their error to see.
        Some(j) => match j.parent().filter(|d| !d.as_os_str().is_empty()) {
            Some(d) if d.is_dir() => d.to_path_buf(),
            Some(_) => return None,
            None => std::path::PathBuf::from("."),
        },
        None => {
            let d = crate::config::Paths::discover()?.data_dir;
            std::fs::create_dir_all(&d).ok()?;
            d
        }
    };
    // `rolling::never` panics when the file cannot be created (a read-only
    // folder); the command must still run and name the folder itself.
    let appender = tracing_appender::rolling::RollingFileAppender::builder()
        .rotation(tracing_appender::rolling::Rotation::NEVER)
        .filename_prefix("cockpit.log")
        .build(&dir)
        .ok()?;
    let (writer, guard) = tracing_appender::non_blocking(appender);
    let filter = tracing_subscriber::EnvFilter::try_from_env("COCKPIT_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_writer(writer)
        .with_ansi(false)
        .with_env_filter(filter)
        .try_init()
        .ok()?;
    Some(guard)
}
