//! `cockpit sync status|retry|drop|run`, `cockpit alerts`, `cockpit silences`:
//! the same sync services the screen uses, from a shell (and headless).

use chrono::{DateTime, Utc};
use serde_json::json;

use std::time::Duration;

use super::args::{Global, SyncCmd};
use super::failure::Failure;
use crate::config::{Config, EndpointKind};
use crate::domain::sanitize::{clean_line, clean_output};
use crate::services::{Cockpit, Intent};
use crate::sync::adapters::alertmanager;
use crate::sync::{
    Deliverer, Outbox, OutboxError, OutboxRow, PassReport, RowFilter, SyncHandle, SyncSettings,
    Target, drop_row,
};

fn failure(message: impl Into<String>) -> Failure {
    Failure {
        code: 1,
        message: message.into(),
    }
}

fn runtime() -> Result<tokio::runtime::Runtime, Failure> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| failure(format!("cannot start the sync runtime: {e}")))
}

fn hms(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M:%SZ").to_string()
}

pub fn sync(
    global: &Global,
    cockpit: &mut Cockpit,
    config: &Config,
    cmd: SyncCmd,
) -> Result<String, Failure> {
    let outbox = Outbox::open(&cockpit.journal)?;
    match cmd {
        SyncCmd::Status { all, last } => status(global, cockpit, config, &outbox, all, last),
        SyncCmd::Retry { id, all } => {
            let ids = match id {
                Some(id) => vec![id],
                None if all => outbox.parked_ids()?,
                None => return Err(Failure::usage("name a row, or --all")),
            };
            let mut out = String::new();
            for id in ids {
                let r = outbox.retry(id)?;
                out.push_str(&format!(
                    "row {} ({} {} to {}) is back in line\n",
                    r.id, r.kind, r.what, r.endpoint
                ));
            }
            if out.is_empty() {
                out.push_str("no parked rows\n");
            }
            Ok(out)
        }
        SyncCmd::Drop { id, reason } => {
            let now = cockpit.now();
            let author = cockpit.author.clone();
            let e = drop_row(
                &mut cockpit.journal,
                &outbox,
                id,
                &author,
                now,
                &clean_line(&reason),
            )?;
            Ok(if global.json {
                super::output::event_json(&e).to_string() + "\n"
            } else {
                format!(
                    "dropped row {id}; the timeline records it ({})\n",
                    e.id.short()
                )
            })
        }
        SyncCmd::Run { watch } => run(cockpit, config, watch),
        SyncCmd::Test { name } => super::sync_test::test(config, &name),
    }
}

fn status(
    global: &Global,
    cockpit: &Cockpit,
    config: &Config,
    outbox: &Outbox,
    all: bool,
    last: usize,
) -> Result<String, Failure> {
    let mut health = outbox.health()?;
    let endpoints: Vec<(String, &'static str, Result<(), String>)> = config
        .endpoints
        .iter()
        .map(|e| {
            (
                e.name.clone(),
                e.kind.name(),
                Target::resolve(e).map(|_| ()),
            )
        })
        .collect();
    health.problems = endpoints
        .iter()
        .filter_map(|(_, _, r)| r.clone().err())
        .collect();
    let filter = if all { RowFilter::All } else { RowFilter::Open };
    let rows = outbox.rows(filter, last)?;
    if global.json {
        return Ok(json!({
            "health": health,
            "level": health.level(),
            "endpoints": endpoints.iter().map(|(n, k, r)| json!({
                "name": n, "kind": k, "problem": r.as_ref().err(),
            })).collect::<Vec<_>>(),
            "rows": rows,
        })
        .to_string()
            + "\n");
    }
    let mut out = format!("{}\n", health.label(cockpit.now()));
    if let Some(e) = &health.last_error {
        out.push_str(&format!("last error: {}\n", clean_line(e)));
    }
    if !endpoints.is_empty() {
        out.push_str("endpoints:\n");
        for (n, k, r) in &endpoints {
            match r {
                Ok(()) => out.push_str(&format!("  {n:<14} {k:<13} ready\n")),
                Err(e) => out.push_str(&format!("  {n:<14} {k:<13} unusable: {e}\n")),
            }
        }
    }
    if rows.is_empty() {
        out.push_str(if all {
            "no rows\n"
        } else {
            "nothing waiting\n"
        });
    } else {
        out.push_str("rows, newest first:\n");
        for r in &rows {
            out.push_str(&row_line(r));
        }
    }
    Ok(out)
}

fn row_line(r: &OutboxRow) -> String {
    let mut l = format!(
        "  {:>6}  {:<12} {:<11} {:<22} {:<7}",
        r.id,
        clean_line(&r.endpoint),
        r.what,
        r.kind,
        r.state.name()
    );
    if r.attempts > 0 {
        l.push_str(&format!(" tries {}", r.attempts));
    }
    if let Some(t) = r
        .next_attempt
        .filter(|_| r.state == crate::sync::RowState::Pending)
    {
        l.push_str(&format!(" next {}", hms(t)));
    }
    if let Some(t) = r.done_at {
        l.push_str(&format!(" at {}", hms(t)));
    }
    if let Some(e) = &r.last_error {
        l.push_str(&format!("  {}", clean_line(e)));
    }
    l.push('\n');
    l
}

fn settings(cockpit: &Cockpit, config: &Config) -> SyncSettings {
    SyncSettings::new(
        cockpit.journal.path().to_path_buf(),
        cockpit.journal.playbooks().clone(),
        config.endpoints.clone(),
        cockpit.clock(),
    )
}

/// Deliver in the foreground: until nothing we can deliver is pending, or
/// Ctrl-C (claims are released on the way out). `--watch` keeps going.
fn run(cockpit: &Cockpit, config: &Config, watch: bool) -> Result<String, Failure> {
    let rt = runtime()?;
    let settings = settings(cockpit, config);
    if watch {
        return rt.block_on(async {
            let handle = SyncHandle::spawn(&tokio::runtime::Handle::current(), settings);
            let mut changes = handle.watch();
            let clock = cockpit.clock();
            loop {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => break,
                    c = changes.changed() => {
                        if c.is_err() { break; }
                        let h = changes.borrow().clone();
                        eprintln!("{}", clean_output(&h.label(clock.now())));
                        for p in &h.problems { eprintln!("  {}", clean_output(p)); }
                    }
                }
            }
            handle.stop();
            handle.join().await;
            Ok("stopped\n".to_string())
        });
    }
    let deliverer = Deliverer::new(&cockpit.journal, &settings)?;
    let mut out = String::new();
    for p in deliverer.problems() {
        out.push_str(&format!("cannot use: {p}\n"));
    }
    let clock = cockpit.clock();
    let stop = deliverer.stop_flag();
    let total = rt.block_on(async {
        let mut total = PassReport::default();
        let mut interrupted = false;
        loop {
            let pass = deliverer.pass();
            tokio::pin!(pass);
            let r = tokio::select! {
                r = &mut pass => r,
                _ = tokio::signal::ctrl_c() => {
                    stop.store(true, std::sync::atomic::Ordering::Relaxed);
                    interrupted = true;
                    pass.await
                }
            }?;
            total += r;
            if interrupted {
                break;
            }
            let (mine, _) = deliverer.pending().await?;
            if mine == 0 {
                break;
            }
            // Wait for the first row's backoff, or for another cockpit's claim.
            let wait = match deliverer.next_due().await? {
                Some(t) if t > clock.now() => (t - clock.now()).to_std().unwrap_or_default(),
                _ => Duration::from_millis(200),
            }
            .clamp(Duration::from_millis(50), Duration::from_secs(5));
            // Issue 13: while an endpoint is down, say what is going on
            // instead of waiting in silence (stderr: stdout keeps the totals).
            let last_error = deliverer.health().await?.last_error;
            eprintln!(
                "{}",
                clean_output(&progress(&total, mine, wait, last_error.as_deref()))
            );
            tokio::select! {
                _ = tokio::time::sleep(wait) => {}
                _ = tokio::signal::ctrl_c() => break,
            }
        }
        Ok::<_, OutboxError>(total)
    })?;
    // The live incident documents, once (the worker does it every minute).
    let mut publisher = crate::sync::document::Publisher::new(
        crate::journal::Journal::open(cockpit.journal.path(), cockpit.journal.playbooks().clone())
            .map_err(OutboxError::from)?,
        deliverer.targets(),
        crate::export::live::LiveTemplates::builtin(),
        cockpit.clock(),
    );
    let docs = (!publisher.is_empty()).then(|| rt.block_on(publisher.publish()));
    let (mine, others) = rt.block_on(deliverer.pending())?;
    let health = Outbox::open(&cockpit.journal)?.health()?;
    out.push_str(&format!(
        "delivered {}, retried {}, parked {}\n",
        total.delivered, total.retried, total.parked
    ));
    if let Some(d) = docs {
        out.push_str(&format!(
            "incident documents: {} published, {} unchanged\n",
            d.published, d.unchanged
        ));
        for p in d.problems {
            out.push_str(&format!("  {}\n", clean_line(&p)));
        }
    }
    if mine > 0 {
        out.push_str(&format!("{mine} rows still pending (interrupted)\n"));
    }
    for (e, n) in others {
        out.push_str(&format!(
            "{n} rows wait for endpoint `{}`, which cannot be used here\n",
            clean_line(&e)
        ));
    }
    if health.parked > 0 {
        out.push_str(&format!(
            "{} rows are parked: see `cockpit sync status`, then `cockpit sync retry` or `drop`\n",
            health.parked
        ));
    }
    Ok(out)
}

fn alertmanager_target(config: &Config, name: Option<&str>) -> Result<Target, Failure> {
    let ams: Vec<_> = config
        .endpoints
        .iter()
        .filter(|e| e.kind == EndpointKind::Alertmanager)
        .filter(|e| name.is_none_or(|n| e.name == n))
        .collect();
    let e = match ams.as_slice() {
        [one] => *one,
        [] => {
            return Err(Failure::usage(match name {
                Some(n) => format!("no alertmanager endpoint named `{n}` in the config"),
                None => {
                    "no alertmanager endpoint in the config ([[endpoint]] kind = \"alertmanager\")"
                        .into()
                }
            }));
        }
        many => {
            return Err(Failure::usage(format!(
                "several alertmanager endpoints; pick one with --endpoint: {}",
                many.iter()
                    .map(|e| e.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        }
    };
    Target::resolve(e).map_err(failure)
}

pub fn alerts(global: &Global, config: &Config, name: Option<&str>) -> Result<String, Failure> {
    let t = alertmanager_target(config, name)?;
    let rt = runtime()?;
    let client = crate::sync::http::client();
    let alerts = rt
        .block_on(alertmanager::alerts(&client, &t))
        .map_err(|e| failure(e.to_string()))?;
    if global.json {
        return Ok(serde_json::to_string(&alerts).unwrap_or_default() + "\n");
    }
    if alerts.is_empty() {
        return Ok("no firing alerts\n".into());
    }
    let mut out = String::new();
    for a in alerts {
        let since = a.starts_at.map(hms).unwrap_or_default();
        let labels: Vec<String> = a
            .labels
            .iter()
            .filter(|(k, _)| k != "alertname" && k != "severity")
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        out.push_str(&format!(
            "{:<9} {:<24} {:<9} since {}  {}  {}\n",
            a.state.to_uppercase(),
            a.name,
            a.severity,
            since,
            a.summary,
            labels.join(",")
        ));
    }
    Ok(out)
}

pub fn silences(
    global: &Global,
    cockpit: &mut Cockpit,
    config: &Config,
    name: Option<&str>,
    expire: Option<&str>,
    expire_all_ours: bool,
) -> Result<String, Failure> {
    let t = alertmanager_target(config, name)?;
    let rt = runtime()?;
    let client = crate::sync::http::client();
    let list = rt
        .block_on(alertmanager::silences(&client, &t))
        .map_err(|e| failure(e.to_string()))?;
    let targets: Vec<_> = match (expire, expire_all_ours) {
        (Some(id), _) => vec![
            list.iter()
                .find(|s| s.id == id)
                .ok_or_else(|| Failure::usage(format!("no silence `{id}`")))?
                .clone(),
        ],
        (None, true) => list
            .iter()
            .filter(|s| s.is_live() && alertmanager::is_ours(&t, s))
            .cloned()
            .collect(),
        (None, false) => {
            if global.json {
                return Ok(serde_json::to_string(&list).unwrap_or_default() + "\n");
            }
            let live: Vec<_> = list.iter().filter(|s| s.is_live()).collect();
            if live.is_empty() {
                return Ok("no active silences\n".into());
            }
            let mut out = String::new();
            for s in live {
                let ours = if alertmanager::is_ours(&t, s) {
                    " (ours)"
                } else {
                    ""
                };
                out.push_str(&format!(
                    "{}  {:<8} {}  by {}{}  until {}  {}\n",
                    s.id,
                    s.state,
                    s.matchers,
                    s.created_by,
                    ours,
                    s.ends_at.map(hms).unwrap_or_default(),
                    s.comment
                ));
            }
            return Ok(out);
        }
    };
    let mut out = String::new();
    for s in &targets {
        rt.block_on(alertmanager::expire(&client, &t, &s.id))
            .map_err(|e| failure(e.to_string()))?;
        out.push_str(&format!("expired {} ({})\n", s.id, s.matchers));
        // 004: the timeline shows that the silences were removed, and by whom.
        if let Ok(id) = cockpit.pick_incident(global.incident.as_deref()) {
            let note = Intent::Note {
                text: format!("Expired Alertmanager silence {} ({})", s.id, s.matchers),
                tag: Some("command".into()),
                private: false,
            };
            let _ = cockpit.act(id, note, None);
        }
    }
    if targets.is_empty() {
        out.push_str("no active silences of ours\n");
    }
    Ok(out)
}

/// One line of `sync run` progress between passes.
fn progress(total: &PassReport, pending: usize, wait: Duration, error: Option<&str>) -> String {
    let mut line = format!(
        "sync: delivered {}, retried {}, parked {}; {pending} pending, next try in {:.1}s",
        total.delivered,
        total.retried,
        total.parked,
        wait.as_secs_f64()
    );
    if let Some(e) = error {
        line.push_str(&format!("; last error: {e}"));
    }
    line
}
