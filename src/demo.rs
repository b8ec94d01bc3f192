//! `cockpit demo`: the cockpit on a throw-away journal with a scripted SEV1
//! unfolding in real time, written by a second journal connection exactly as
//! an investigator's `cockpit note` would be, so every pane works in the first
//! minute: notes arriving, an action waiting for approval, a check-in coming due.

use chrono::{Duration, Utc};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration as StdDuration;

use crate::domain::IncidentId;
use crate::domain::event::{CheckIn, Proposal, Trend};
use crate::domain::playbook::PlaybookSet;
use crate::domain::time::SystemClock;
use crate::journal::Journal;
use crate::services::{Cockpit, Intent};

/// One scripted step: seconds after start, who, what.
struct Step {
    after: u64,
    author: &'static str,
    intent: fn() -> Intent,
}

fn note(text: &str, tag: &str) -> Intent {
    Intent::Note {
        text: text.into(),
        tag: Some(tag.into()),
        private: false,
    }
}

const LIVE: &[Step] = &[
    Step {
        after: 3,
        author: "priya",
        intent: || {
            note(
                "db-primary CPU pinned at 100% for 20 minutes; connection pool exhausted",
                "note",
            )
        },
    },
    Step {
        after: 7,
        author: "priya",
        intent: || {
            note(
                "bad query plan after last night's index migration?",
                "hypothesis",
            )
        },
    },
    Step {
        after: 11,
        author: "marco",
        intent: || {
            Intent::ActionPropose(Proposal {
                what: "Fail over db-primary to replica db-2".into(),
                why: "primary saturated; replica healthy and 2 s behind".into(),
                risk: "~30 s of write errors during promotion".into(),
                revert: "promote db-1 back once the query is fixed".into(),
            })
        },
    },
    Step {
        after: 16,
        author: "sam",
        intent: || {
            note(
                "status page: investigating elevated checkout errors",
                "comms",
            )
        },
    },
    Step {
        after: 22,
        author: "priya",
        intent: || {
            note(
                "checkout error rate 38% in eu-west, 12% in us-east",
                "impact",
            )
        },
    },
    Step {
        after: 30,
        author: "marco",
        intent: || {
            Intent::ActionPropose(Proposal {
                what: "Kill the long-running report queries on db-primary".into(),
                why: "they hold locks the checkout writes wait on".into(),
                risk: "finance reports rerun later".into(),
                revert: "none needed".into(),
            })
        },
    },
    Step {
        after: 38,
        author: "priya",
        intent: || {
            note(
                "index migration ruled out: plan unchanged since Tuesday",
                "eliminated",
            )
        },
    },
    Step {
        after: 47,
        author: "sam",
        intent: || {
            note(
                "support reports customers double-charged? checking",
                "impact",
            )
        },
    },
    Step {
        after: 58,
        author: "priya",
        intent: || {
            note(
                "found it: a cron job retrying failed payments in a tight loop",
                "hypothesis",
            )
        },
    },
];

/// Run the demo: a fresh journal under the temp dir, removed afterwards.
pub fn run(
    playbooks: Arc<PlaybookSet>,
    keymap: crate::app::keymap::Keymap,
    author: &str,
) -> color_eyre::Result<()> {
    let dir = std::env::temp_dir().join(format!("cockpit-demo-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let path = dir.join("demo.sqlite");
    let result = run_in(&path, playbooks, keymap, author);
    let _ = std::fs::remove_dir_all(&dir);
    result
}

fn run_in(
    path: &Path,
    playbooks: Arc<PlaybookSet>,
    keymap: crate::app::keymap::Keymap,
    author: &str,
) -> color_eyre::Result<()> {
    let mut setup = Cockpit::new(
        Journal::open(path, playbooks.clone())?,
        "dana".into(),
        "default".into(),
        Arc::new(SystemClock),
    )?;
    let incident = seed(&mut setup, author)?;
    drop(setup);
    let stop = Arc::new(AtomicBool::new(false));
    let script = {
        let (stop, path, playbooks) = (stop.clone(), PathBuf::from(path), playbooks.clone());
        std::thread::spawn(move || play(&path, playbooks, incident, &stop))
    };
    let screen = Cockpit::new(
        Journal::open(path, playbooks)?,
        author.into(),
        "default".into(),
        Arc::new(SystemClock),
    )?;
    let hint = "Demo on a throw-away journal: a SEV1 unfolds. Approve the failover in the queue (3, a), hold the check-in (c) when it comes due, ? for help.".to_string();
    let result = crate::ui::runner::run(
        screen,
        keymap,
        crate::ui::runner::ScreenOptions {
            warnings: vec![hint],
            ..Default::default()
        },
    );
    stop.store(true, Ordering::Relaxed);
    let _ = script.join();
    result
}

/// The incident's first 19 minutes, backdated, so the check-in comes due in the first minute.
fn seed(c: &mut Cockpit, you: &str) -> color_eyre::Result<IncidentId> {
    let now = Utc::now();
    let ago = |m: i64, s: i64| Some(now - Duration::minutes(m) - Duration::seconds(s));
    let declared = c.declare(
        Intent::Declare {
            title: "Checkout API returning 500s".into(),
            severity: "SEV1".into(),
            summary: "Card payments failing for a third of customers".into(),
            security: false,
            playbook: "default".into(),
        },
        ago(19, 30),
    )?;
    let id = declared.incident;
    let steps: Vec<(Option<chrono::DateTime<Utc>>, &str, Intent)> = vec![
        (
            ago(21, 0),
            "dana",
            note("alert: checkout 5xx rate above 5% for 3 minutes", "noticed"),
        ),
        (
            ago(19, 0),
            "dana",
            Intent::RoleEngage {
                role: "ic".into(),
                person: you.into(),
            },
        ),
        (
            ago(18, 40),
            "dana",
            Intent::RoleAssign {
                role: "scribe".into(),
                person: "sam".into(),
            },
        ),
        (
            ago(18, 30),
            "dana",
            Intent::RoleAssign {
                role: "tech_lead".into(),
                person: "marco".into(),
            },
        ),
        (
            ago(18, 20),
            "dana",
            Intent::RoleAssign {
                role: "investigator".into(),
                person: "priya".into(),
            },
        ),
        (
            ago(18, 0),
            "sam",
            Intent::Link {
                kind: "bridge".into(),
                url: "https://meet.example.com/inc-checkout".into(),
            },
        ),
        (
            ago(17, 50),
            "sam",
            Intent::Link {
                kind: "channel".into(),
                url: "#inc-4821-checkout".into(),
            },
        ),
        (
            ago(17, 0),
            "sam",
            Intent::ServiceStatus {
                status: "partial_disruption".into(),
                reason: String::new(),
            },
        ),
        (
            ago(15, 0),
            "priya",
            note(
                "5xx from checkout-api pods; upstream timeouts to db-primary",
                "note",
            ),
        ),
        (
            ago(12, 0),
            "marco",
            Intent::ActionPropose(Proposal {
                what: "Scale checkout-api from 6 to 12 pods".into(),
                why: "more headroom for retries".into(),
                risk: "more DB connections".into(),
                revert: "scale back to 6".into(),
            }),
        ),
        (
            ago(11, 30),
            you,
            Intent::Action {
                step: crate::services::ActionStep::Approve,
                reference: "1".into(),
                reason: String::new(),
            },
        ),
        (
            ago(9, 0),
            "marco",
            Intent::Action {
                step: crate::services::ActionStep::Done,
                reference: "1".into(),
                reason: "12 pods up".into(),
            },
        ),
        (
            ago(8, 0),
            "sam",
            note("scaling did not help: error rate unchanged", "mitigation"),
        ),
        (
            ago(14, 30),
            "dana",
            Intent::CheckIn(CheckIn {
                status: "roles set; 5xx on checkout only".into(),
                trend: Some(Trend::Same),
                reviews: vec![],
                next: "find what is failing; scale if it helps".into(),
            }),
        ),
    ];
    for (at, who, intent) in steps {
        c.author = who.into();
        c.act(id, intent, at)?;
    }
    Ok(id)
}

/// The whole demo written at once (the seed, then every live step), for the
/// test that keeps docs/cockpit.txt, the screenshot's text, in step with
/// what the demo writes today.
pub fn write_all(
    path: &Path,
    playbooks: Arc<PlaybookSet>,
    you: &str,
) -> color_eyre::Result<IncidentId> {
    let mut c = Cockpit::new(
        Journal::open(path, playbooks)?,
        "dana".into(),
        "default".into(),
        Arc::new(SystemClock),
    )?;
    let incident = seed(&mut c, you)?;
    for step in LIVE {
        c.author = step.author.into();
        c.act(incident, (step.intent)(), None)?;
    }
    Ok(incident)
}

/// Write the live steps from a second connection, like another process would.
fn play(path: &Path, playbooks: Arc<PlaybookSet>, incident: IncidentId, stop: &AtomicBool) {
    let Ok(journal) = Journal::open(path, playbooks) else {
        return;
    };
    let Ok(mut c) = Cockpit::new(
        journal,
        "priya".into(),
        "default".into(),
        Arc::new(SystemClock),
    ) else {
        return;
    };
    let start = std::time::Instant::now();
    for step in LIVE {
        while start.elapsed().as_secs() < step.after {
            if stop.load(Ordering::Relaxed) {
                return;
            }
            std::thread::sleep(StdDuration::from_millis(100));
        }
        c.author = step.author.into();
        if let Err(e) = c.act(incident, (step.intent)(), None) {
            tracing::warn!("demo step failed: {e}");
        }
    }
}
