//! Without a D-Bus session (SSH, CI) the notifier says once that desktop
//! notifications are off and keeps accepting notices. Its own test binary,
//! with one test, because it points this process at a bus that does not exist.

use chrono::{DateTime, Utc};
use std::time::Duration;

use cockpit::domain::IncidentId;
use cockpit::notify::{Notice, Notifier, NotifierReport, Urgency};

#[test]
fn no_session_bus_turns_desktop_notifications_off_once() {
    // SAFETY: this binary holds this one test, and nothing else in the process
    // reads or writes the environment while it is set.
    #[allow(unsafe_code)]
    unsafe {
        std::env::set_var(
            "DBUS_SESSION_BUS_ADDRESS",
            "unix:path=/nonexistent/cockpit-test-bus",
        );
    }
    let notifier = Notifier::desktop();
    for clock in ["checkin", "ack", "security_report"] {
        notifier.send(Notice {
            incident: IncidentId::new(),
            clock: clock.into(),
            alarm_at: DateTime::<Utc>::UNIX_EPOCH,
            summary: "SEV1 db down: Check-in due".into(),
            body: "Hold the check-in.".into(),
            urgency: Urgency::Critical,
        });
    }
    assert!(
        notifier.flush(Duration::from_secs(30)),
        "the worker answers"
    );
    let reports: Vec<_> = std::iter::from_fn(|| notifier.try_report()).collect();
    assert_eq!(reports.len(), 1, "{reports:?}");
    let NotifierReport::Off { reason } = &reports[0] else {
        panic!("expected Off, got {reports:?}")
    };
    assert!(reason.contains("/nonexistent/cockpit-test-bus"), "{reason}");
    let line = reports[0].status_line().unwrap();
    assert!(line.starts_with("desktop notifications are off"), "{line}");
    // Still accepting notices, still silent.
    notifier.send(Notice {
        incident: IncidentId::new(),
        clock: "rca".into(),
        alarm_at: DateTime::<Utc>::UNIX_EPOCH,
        summary: "x".into(),
        body: "y".into(),
        urgency: Urgency::Low,
    });
    assert!(notifier.flush(Duration::from_secs(30)));
    assert_eq!(notifier.try_report(), None);
}
