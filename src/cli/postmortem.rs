//! `cockpit export`, `cockpit report` and `cockpit lint`: the after-incident commands.

use chrono::NaiveDate;
use std::io::Read;
use std::path::{Path, PathBuf};

use super::args::{ExportFormat, Global};
use super::failure::Failure;
use crate::config::Paths;
use crate::domain::IncidentId;
use crate::domain::event::Verdict;
use crate::domain::metrics::incident_metrics;
use crate::domain::report::{DismissedItem, Report, Stat, Summary, report};
use crate::domain::sanitize::clean_output;
use crate::domain::time::human_duration;
use crate::export::lint::{Finding, lint};
use crate::export::{self, Format, Templates};
use crate::journal::TimelineQuery;
use crate::services::{AppError, Cockpit};

/// Where a user's templates live: beside the config file given with
/// `--config`, else in the config dir (`~/.config/cockpit/templates/`).
fn templates_dir(global: &Global) -> Option<PathBuf> {
    match &global.config {
        Some(file) => Some(file.parent().unwrap_or(Path::new(".")).join("templates")),
        None => Paths::discover().map(|p| p.user_templates()),
    }
}

/// The incident named, else the only open one, else (the usual case after an
/// incident: nothing is open) the one declared last.
fn pick_for_export(cockpit: &mut Cockpit, given: Option<&str>) -> Result<IncidentId, Failure> {
    match cockpit.pick_incident(given) {
        Err(AppError::NoOpenIncident) => {
            let ids = cockpit.journal.incident_ids()?;
            ids.last()
                .copied()
                .ok_or_else(|| AppError::NoOpenIncident.into())
        }
        other => Ok(other?),
    }
}

pub fn export_command(
    cockpit: &mut Cockpit,
    global: &Global,
    format: Option<ExportFormat>,
    out: Option<&Path>,
) -> Result<String, Failure> {
    let format = match format {
        Some(ExportFormat::Md) => Format::Markdown,
        Some(ExportFormat::Json) => Format::Json,
        Some(ExportFormat::Html) => Format::Html,
        None if global.json => Format::Json,
        None => Format::Markdown,
    };
    let id = pick_for_export(cockpit, global.incident.as_deref())?;
    let pb = cockpit.journal.playbook_of(id)?;
    let incident = cockpit.journal.incident(id)?.clone();
    let events = cockpit.journal.events(id, &TimelineQuery::default())?;
    let templates = Templates::load(templates_dir(global).as_deref())?;
    let pm = export::draft(&incident, &events, &pb, cockpit.now(), cockpit.zone);
    let document = export::render(&pm, format, &templates)?;
    // A guide, not a gate (000's rules): the findings are in the draft, and
    // listed here so nobody misses them; the document is written regardless.
    for w in &pm.writing {
        let line = format!(
            "writing: {} {} {}: {} \"{}\": {}",
            w.at.format("%H:%M"),
            w.author,
            w.field,
            w.rule.name(),
            w.found,
            w.suggestion
        );
        eprintln!("{}", clean_output(&line));
    }
    match out {
        None => Ok(document),
        Some(path) => {
            let dir = std::env::current_dir().unwrap_or_default();
            let written = export::save(&document, Some(path), &dir, &incident, format)?;
            Ok(format!("{}\n", written.display()))
        }
    }
}

pub fn report_command(
    cockpit: &mut Cockpit,
    since: Option<NaiveDate>,
    as_json: bool,
) -> Result<String, Failure> {
    let now = cockpit.now();
    let mut metrics = Vec::new();
    let mut dismissed = Vec::new();
    for incident in cockpit.journal.incidents()? {
        if since.is_some_and(|d| incident.declared_at.date_naive() < d) {
            continue;
        }
        // 000 steps 4-5: a false positive or not-an-incident is no incident
        // to measure; it is counted apart (issue 13).
        if let Some(d) = &incident.dismissed {
            dismissed.push(DismissedItem {
                incident: incident.id.to_string(),
                title: incident.title.clone(),
                declared_at: incident.declared_at,
                verdict: d.verdict,
                reason: d.reason.clone(),
            });
            continue;
        }
        let pb = cockpit.journal.playbook_of(incident.id)?;
        let events = cockpit
            .journal
            .events(incident.id, &TimelineQuery::default())?;
        metrics.push(incident_metrics(&incident, &events, &pb, now));
    }
    let mut r = report(metrics);
    r.dismissed = dismissed;
    if as_json {
        return Ok(serde_json::to_string_pretty(&r).expect("the report serialises") + "\n");
    }
    Ok(report_text(&r, since))
}

fn stat(s: &Stat) -> String {
    let d = |v: Option<i64>| v.map_or("-".into(), |x| human_duration(chrono::Duration::seconds(x)));
    if s.n == 0 {
        return "-".into();
    }
    format!("{} / {}", d(s.mean_secs), d(s.median_secs))
}

fn summary_line(name: &str, s: &Summary) -> String {
    format!(
        "{:<10} {:>3}  {:<17} {:<17} {:<17} {:<17} {:<17} {}/{}\n",
        name,
        s.incidents,
        stat(&s.time_to_acknowledge),
        stat(&s.time_to_mitigate),
        stat(&s.time_to_resolve),
        stat(&s.time_to_close),
        stat(&s.checkin_mean_gap),
        s.checkins_too_soon,
        s.checkins_too_late,
    )
}

fn report_text(r: &Report, since: Option<NaiveDate>) -> String {
    let mut o = match since {
        Some(d) => format!("incidents declared since {d}: {}\n", r.overall.incidents),
        None => format!("incidents: {}\n", r.overall.incidents),
    };
    if !r.dismissed.is_empty() {
        let count = |v: Verdict| r.dismissed.iter().filter(|d| d.verdict == v).count();
        o.push_str(&format!(
            "dismissed, not counted above: {} ({} false positive, {} not an incident)\n",
            r.dismissed.len(),
            count(Verdict::FalsePositive),
            count(Verdict::NotAnIncident),
        ));
    }
    if r.overall.incidents == 0 {
        return dismissed_lines(o, r);
    }
    o.push_str(
        "mean / median; MTTA: declared to the commander engaged; MTTR: declared to resolved\n\n",
    );
    o.push_str(&format!(
        "{:<10} {:>3}  {:<17} {:<17} {:<17} {:<17} {:<17} {}\n",
        "severity", "n", "MTTA", "to mitigate", "MTTR", "to close", "check-in gap", "soon/late"
    ));
    o.push_str(&summary_line("all", &r.overall));
    for s in &r.by_severity {
        o.push_str(&summary_line(&s.severity, &s.summary));
    }
    o.push('\n');
    for m in &r.incidents {
        let d =
            |v: Option<i64>| v.map_or("-".into(), |x| human_duration(chrono::Duration::seconds(x)));
        o.push_str(&format!(
            "{}  {:<5} {}  MTTA {}  mitigate {}  MTTR {}  check-ins {}{}  {}\n",
            &m.incident[..8.min(m.incident.len())],
            m.severity,
            m.incident_start.format("%Y-%m-%d %H:%M"),
            d(m.time_to_acknowledge_secs),
            d(m.time_to_mitigate_secs),
            d(m.time_to_resolve_secs),
            m.checkins.count,
            if m.reopened > 0 {
                format!("  reopened {}", m.reopened)
            } else {
                String::new()
            },
            m.title
        ));
    }
    dismissed_lines(o, r)
}

fn dismissed_lines(mut o: String, r: &Report) -> String {
    for d in &r.dismissed {
        o.push_str(&format!(
            "{}  {:<15} {}  {}: {}\n",
            &d.incident[..8.min(d.incident.len())],
            d.verdict.label(),
            d.declared_at.format("%Y-%m-%d %H:%M"),
            d.title,
            d.reason
        ));
    }
    o
}

pub fn lint_command(file: &Path, as_json: bool) -> Result<String, Failure> {
    let text = if file == Path::new("-") {
        let mut s = String::new();
        std::io::stdin()
            .read_to_string(&mut s)
            .map_err(|e| Failure {
                code: 1,
                message: format!("cannot read standard input: {e}"),
            })?;
        s
    } else {
        std::fs::read_to_string(file).map_err(|e| Failure {
            code: 1,
            message: format!("cannot read {}: {e}", file.display()),
        })?
    };
    let findings = lint(&text);
    if as_json {
        return Ok(serde_json::to_string_pretty(&findings).expect("findings serialise") + "\n");
    }
    Ok(lint_text(file, &findings))
}

fn lint_text(file: &Path, findings: &[Finding]) -> String {
    let mut o = String::new();
    for f in findings {
        o.push_str(&format!(
            "{}:{}:{}: {}: \"{}\": {}\n",
            file.display(),
            f.line,
            f.column,
            f.rule.name(),
            f.found,
            f.suggestion
        ));
    }
    o.push_str(&match findings.len() {
        0 => "no findings: the text follows seed 000's writing rules\n".to_string(),
        n => format!(
            "{n} finding(s): a guide, not a gate (seed 000, \"How to write a good postmortem\")\n"
        ),
    });
    o
}
