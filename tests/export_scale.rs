//! How long the export takes for a long incident. Ignored by default (it
//! measures, it does not check): run it with
//! `cargo test --test export_scale -- --ignored --nocapture`.

use chrono::{DateTime, Duration, Utc};
use std::time::Instant;

use cockpit::config::BUILTIN_PLAYBOOKS;
use cockpit::domain::event::{CheckIn, Event, EventKind};
use cockpit::domain::{Incident, IncidentId, Playbook};
use cockpit::export::{Format, Templates, draft, render};

#[test]
#[ignore]
fn export_of_a_long_incident() {
    let pb = Playbook::parse("default.toml", BUILTIN_PLAYBOOKS[0].1).unwrap();
    let id = IncidentId::new();
    let t0: DateTime<Utc> = "2026-03-10T08:00:00Z".parse().unwrap();
    let mut events = Vec::new();
    let mut push = |minute: i64, kind: EventKind| {
        let at = t0 + Duration::seconds(minute);
        let mut e = Event::new(id, "sam", at, at, kind);
        e.seq = Some(events.len() as i64 + 1);
        events.push(e);
    };
    push(
        0,
        EventKind::Declared {
            title: "long incident".into(),
            severity: "SEV1".into(),
            summary: String::new(),
            security: false,
            playbook: "default".into(),
        },
    );
    let tags = ["note", "impact", "mitigation", "hypothesis", "command"];
    for i in 1..10_000 {
        if i % 100 == 0 {
            push(
                i * 10,
                EventKind::CheckInHeld(CheckIn {
                    status: format!("check-in {i}"),
                    ..Default::default()
                }),
            );
        } else {
            push(
                i * 10,
                EventKind::Note {
                    text: format!("Sam recorded step {i}: the error rate was 20% recently"),
                    tag: tags[i as usize % tags.len()].into(),
                    private: false,
                },
            );
        }
    }
    let incident = Incident::replay(id, &events, &pb);
    let now = t0 + Duration::days(1);
    let start = Instant::now();
    let mut findings = 0;
    for e in &events {
        if let EventKind::Note { text, .. } = &e.kind {
            findings += cockpit::export::lint::lint_text(text).len();
        }
    }
    println!(
        "lint of every note: {:?}, {findings} findings",
        start.elapsed()
    );
    let templates = Templates::builtin();
    let start = Instant::now();
    let pm = draft(&incident, &events, &pb, now, None);
    let drafted = start.elapsed();
    for format in [Format::Markdown, Format::Json, Format::Html] {
        let start = Instant::now();
        let out = render(&pm, format, &templates).unwrap();
        println!(
            "{} events: draft {drafted:?}; render {:?} {:?}, {} bytes",
            events.len(),
            format,
            start.elapsed(),
            out.len()
        );
    }
}
