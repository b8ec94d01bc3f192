//! Desktop notifications off the UI thread. A `Notifier` owns one worker
//! thread; `send` never blocks (a D-Bus call may take seconds when the bus is
//! slow). Without a session bus or notification server (SSH, CI) the worker
//! reports once that desktop notifications are off and drops what follows; the
//! cockpit keeps working and rings the terminal bell instead.

use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::time::Duration;

use super::plan::{Notice, Urgency};

/// Where notifications go. The real one is `NotifyRust`; tests use fakes.
pub trait Desktop: Send + 'static {
    /// Ask the notification server to identify itself; an error means there is none.
    fn probe(&mut self) -> Result<(), DesktopError>;
    /// Show a notification; returns the server's id for it.
    fn show(&mut self, notice: &Notice) -> Result<u32, DesktopError>;
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DesktopError {
    /// No session bus, or nobody owns `org.freedesktop.Notifications`.
    #[error("no notification server: {0}")]
    Unavailable(String),
    /// The server is there but refused or failed this one.
    #[error("{0}")]
    Failed(String),
}

/// What the worker tells the screen. `Off` comes at most once.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NotifierReport {
    Off { reason: String },
    Shown { clock: String, id: u32 },
    Failed { clock: String, reason: String },
}

impl NotifierReport {
    /// The one line for the status bar, where there is one.
    pub fn status_line(&self) -> Option<String> {
        match self {
            // Issue 12: one short line a person can read; the D-Bus error
            // itself goes to the log (the runner logs `reason`).
            NotifierReport::Off { .. } => Some(
                "desktop notifications are off (no notification service; details in the log); the bell and banner still work"
                    .into(),
            ),
            NotifierReport::Failed { clock, reason } => {
                Some(format!("notification for {clock} failed: {reason}"))
            }
            NotifierReport::Shown { .. } => None,
        }
    }
}

enum Command {
    Show(Notice),
    Flush(Sender<()>),
}

/// The handle the screen keeps: send notices, read reports, never wait.
pub struct Notifier {
    commands: Sender<Command>,
    reports: Receiver<NotifierReport>,
}

impl Notifier {
    /// Desktop notifications through notify-rust on the D-Bus session bus.
    pub fn desktop() -> Self {
        Self::spawn(NotifyRust::default())
    }

    /// Start the worker thread over any `Desktop`. The thread ends when the
    /// `Notifier` is dropped; it is never joined, so a hung D-Bus call cannot
    /// hold up the cockpit's exit.
    pub fn spawn(desktop: impl Desktop) -> Self {
        let (commands, inbox) = mpsc::channel();
        let (outbox, reports) = mpsc::channel();
        let spawned = std::thread::Builder::new()
            .name("cockpit-notify".into())
            .spawn(move || worker(desktop, inbox, outbox));
        if let Err(e) = spawned {
            // No thread, no notifications: say so through the same channel.
            let (tx, rx) = mpsc::channel();
            let _ = tx.send(NotifierReport::Off {
                reason: format!("cannot start the notification thread: {e}"),
            });
            let (commands, _) = mpsc::channel();
            return Self {
                commands,
                reports: rx,
            };
        }
        Self { commands, reports }
    }

    /// Queue a notification; returns at once.
    pub fn send(&self, notice: Notice) {
        let _ = self.commands.send(Command::Show(notice));
    }

    /// The next report, if any; never blocks (call it on each tick).
    pub fn try_report(&self) -> Option<NotifierReport> {
        self.reports.try_recv().ok()
    }

    /// Wait up to `timeout` for the next report (tests, and a `--wait` CLI).
    pub fn wait_report(&self, timeout: Duration) -> Option<NotifierReport> {
        self.reports.recv_timeout(timeout).ok()
    }

    /// Wait until everything sent so far has been handled; false on timeout.
    pub fn flush(&self, timeout: Duration) -> bool {
        let (tx, rx) = mpsc::channel();
        if self.commands.send(Command::Flush(tx)).is_err() {
            return true;
        }
        !matches!(rx.recv_timeout(timeout), Err(RecvTimeoutError::Timeout))
    }
}

fn worker(mut desktop: impl Desktop, inbox: Receiver<Command>, outbox: Sender<NotifierReport>) {
    let mut off = match desktop.probe() {
        Ok(()) => false,
        Err(e) => {
            let _ = outbox.send(NotifierReport::Off { reason: reason(&e) });
            true
        }
    };
    for command in inbox {
        match command {
            Command::Flush(done) => {
                let _ = done.send(());
            }
            // Off stays off for this run: one status line, not one per clock.
            Command::Show(_) if off => {}
            Command::Show(notice) => {
                let report = match desktop.show(&notice) {
                    Ok(id) => NotifierReport::Shown {
                        clock: notice.clock,
                        id,
                    },
                    Err(e @ DesktopError::Unavailable(_)) => {
                        off = true;
                        NotifierReport::Off { reason: reason(&e) }
                    }
                    Err(DesktopError::Failed(reason)) => NotifierReport::Failed {
                        clock: notice.clock,
                        reason,
                    },
                };
                let _ = outbox.send(report);
            }
        }
    }
}

fn reason(e: &DesktopError) -> String {
    match e {
        DesktopError::Unavailable(r) | DesktopError::Failed(r) => r.clone(),
    }
}

/// notify-rust on the D-Bus session bus (zbus, no libdbus).
#[derive(Debug)]
pub struct NotifyRust {
    pub app_name: String,
}

impl Default for NotifyRust {
    fn default() -> Self {
        Self {
            app_name: "incident-cockpit".into(),
        }
    }
}

impl Desktop for NotifyRust {
    fn probe(&mut self) -> Result<(), DesktopError> {
        notify_rust::get_server_information()
            .map(|_| ())
            .map_err(|e| DesktopError::Unavailable(one_line(&e.to_string())))
    }

    fn show(&mut self, notice: &Notice) -> Result<u32, DesktopError> {
        let urgency = match notice.urgency {
            Urgency::Low => notify_rust::Urgency::Low,
            Urgency::Normal => notify_rust::Urgency::Normal,
            Urgency::Critical => notify_rust::Urgency::Critical,
        };
        notify_rust::Notification::new()
            .appname(&self.app_name)
            .summary(&notice.summary)
            .body(&notice.body)
            .urgency(urgency)
            .show()
            .map(|handle| handle.id())
            .map_err(|e| classify(&e.to_string()))
    }
}

/// A lost bus or server is "off"; anything else failed just this notification.
fn classify(message: &str) -> DesktopError {
    let m = one_line(message);
    let gone = [
        "ServiceUnknown",
        "NameHasNoOwner",
        "os error",
        "connect",
        "Disconnected",
    ];
    if gone.iter().any(|g| m.contains(g)) {
        DesktopError::Unavailable(m)
    } else {
        DesktopError::Failed(m)
    }
}

fn one_line(s: &str) -> String {
    crate::domain::sanitize::clean_line(s)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::IncidentId;
    use std::sync::{Arc, Mutex};

    #[derive(Clone, Default)]
    struct Fake {
        probe: Option<DesktopError>,
        fail_with: Arc<Mutex<Vec<DesktopError>>>,
        shown: Arc<Mutex<Vec<Notice>>>,
    }

    impl Desktop for Fake {
        fn probe(&mut self) -> Result<(), DesktopError> {
            self.probe.clone().map_or(Ok(()), Err)
        }
        fn show(&mut self, n: &Notice) -> Result<u32, DesktopError> {
            if let Some(e) = self.fail_with.lock().unwrap().pop() {
                return Err(e);
            }
            let mut shown = self.shown.lock().unwrap();
            shown.push(n.clone());
            Ok(shown.len() as u32)
        }
    }

    fn notice(clock: &str) -> Notice {
        Notice {
            incident: IncidentId::new(),
            clock: clock.into(),
            alarm_at: chrono::DateTime::<chrono::Utc>::UNIX_EPOCH,
            summary: "SEV1 db: Check-in due".into(),
            body: "Hold it.".into(),
            urgency: Urgency::Critical,
        }
    }

    fn drain(n: &Notifier) -> Vec<NotifierReport> {
        assert!(n.flush(Duration::from_secs(10)));
        std::iter::from_fn(|| n.try_report()).collect()
    }

    #[test]
    fn shown_notices_are_reported_with_their_id() {
        let fake = Fake::default();
        let n = Notifier::spawn(fake.clone());
        n.send(notice("checkin"));
        n.send(notice("ack"));
        assert_eq!(
            drain(&n),
            [
                NotifierReport::Shown {
                    clock: "checkin".into(),
                    id: 1
                },
                NotifierReport::Shown {
                    clock: "ack".into(),
                    id: 2
                },
            ]
        );
        assert_eq!(fake.shown.lock().unwrap().len(), 2);
    }

    #[test]
    fn no_server_is_reported_once_and_the_rest_is_dropped() {
        let fake = Fake {
            probe: Some(DesktopError::Unavailable("no bus".into())),
            ..Default::default()
        };
        let n = Notifier::spawn(fake.clone());
        for clock in ["checkin", "ack", "rca"] {
            n.send(notice(clock));
        }
        let reports = drain(&n);
        assert_eq!(
            reports,
            [NotifierReport::Off {
                reason: "no bus".into()
            }]
        );
        let line = reports[0].status_line().unwrap();
        assert!(line.contains("desktop notifications are off"));
        assert!(
            !line.contains("no bus"),
            "the raw error goes to the log: {line}"
        );
        assert!(fake.shown.lock().unwrap().is_empty());
    }

    #[test]
    fn a_server_that_goes_away_turns_notifications_off_once() {
        let fake = Fake::default();
        fake.fail_with.lock().unwrap().extend([
            DesktopError::Unavailable("ServiceUnknown".into()),
            DesktopError::Failed("too long".into()),
        ]);
        let n = Notifier::spawn(fake.clone());
        for clock in ["a", "b", "c", "d"] {
            n.send(notice(clock));
        }
        assert_eq!(
            drain(&n),
            [
                NotifierReport::Failed {
                    clock: "a".into(),
                    reason: "too long".into()
                },
                NotifierReport::Off {
                    reason: "ServiceUnknown".into()
                },
            ]
        );
    }

    #[test]
    fn errors_are_classified() {
        assert!(matches!(
            classify("org.freedesktop.DBus.Error.ServiceUnknown: The name was not provided"),
            DesktopError::Unavailable(_)
        ));
        assert!(matches!(
            classify(
                "failed to connect to `unix:path=/nonexistent/bus`: No such file or directory (os error 2)"
            ),
            DesktopError::Unavailable(_)
        ));
        assert!(matches!(
            classify("org.freedesktop.DBus.Error.InvalidArgs"),
            DesktopError::Failed(_)
        ));
    }
}
