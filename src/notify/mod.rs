//! Desktop notifications for clocks that come due.
//!
//! `plan` decides what to raise (pure: one notice per clock per due period,
//! urgency by severity and clock, text cleaned and escaped); `desktop` raises
//! it through notify-rust on its own thread. The screen owns one
//! `NotifyPlanner` and one `Notifier`, and on each tick:
//!
//! ```text
//! let clocks = domain::clocks::clocks(&incident, &playbook, now, &zone);
//! let plan = planner.plan(&incident, &playbook, &clocks, now);
//! for n in plan.notices { notifier.send(n) }
//! if plan.bell { ring the terminal bell }
//! while let Some(r) = notifier.try_report() { r.status_line() -> status bar }
//! ```

mod desktop;
mod plan;

pub use desktop::{Desktop, DesktopError, Notifier, NotifierReport, NotifyRust};
pub use plan::{Notice, NotifyPlanner, Plan, Urgency, escape_markup, urgency};
