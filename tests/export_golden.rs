//! Golden files of the Markdown and JSON export: one scripted incident per
//! built-in playbook (`tests/export/scripts/<name>.script`), with fixed times.
//! A new playbook needs a new script; a missing one fails here.
//!
//! To accept a changed output: `UPDATE_GOLDEN=1 cargo test --test export_golden`,
//! then read the diff of `tests/export/golden/` before committing it.

#[path = "export/harness.rs"]
mod harness;

use std::path::Path;

use cockpit::config::BUILTIN_PLAYBOOKS;
use cockpit::domain::Playbook;
use cockpit::export::lint::lint;

fn golden_dir() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/export/golden")
}

fn check(name: &str, actual: &str) {
    let path = golden_dir().join(name);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_default();
    if expected != actual {
        let seen = golden_dir().join(format!("{name}.actual"));
        std::fs::write(&seen, actual).unwrap();
        let line = expected
            .lines()
            .zip(actual.lines())
            .position(|(a, b)| a != b)
            .map_or(
                expected.lines().count().min(actual.lines().count()) + 1,
                |l| l + 1,
            );
        panic!(
            "{name} differs from the golden file at line {line}; the output is in {} \
             (UPDATE_GOLDEN=1 accepts it)",
            seen.display()
        );
    }
}

fn playbook_names() -> Vec<String> {
    BUILTIN_PLAYBOOKS
        .iter()
        .map(|(file, text)| Playbook::parse(file, text).unwrap().name)
        .collect()
}

#[test]
fn every_builtin_playbook_has_a_scripted_incident_and_golden_exports() {
    for name in playbook_names() {
        let mut played = harness::play(&name);
        // Export a day after the incident: an open clock would change the numbers.
        played
            .clock
            .set(harness::base() + chrono::Duration::days(1));
        let md = played.run(&["export", "--format", "md"]);
        let json = played.run(&["export", "--format", "json"]);
        check(&format!("{name}.md"), &played.normalise(&md));
        check(&format!("{name}.json"), &played.normalise(&json));

        // The JSON is the same draft the templates read, with stable names.
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(v["format"], 1);
        for key in [
            "incident",
            "markers",
            "metrics",
            "roles",
            "timeline",
            "impact",
            "mitigations",
            "decisions",
            "hypotheses",
            "root_cause",
            "follow_ups",
            "review_questions",
            "links",
            "writing",
        ] {
            assert!(
                v.get(key).is_some(),
                "{name}: the JSON export lacks `{key}`"
            );
        }
        // 000: outage and incident start and end are marked in the timeline.
        for marker in [
            "**OUTAGE START**",
            "**OUTAGE END**",
            "**INCIDENT START**",
            "**INCIDENT END**",
        ] {
            assert_eq!(
                md.matches(marker).count(),
                2,
                "{name}: {marker} once in the legend, once in the timeline"
            );
        }
        // Private notes never leave the journal.
        assert!(!md.contains("phone number") && !json.contains("phone number"));
    }
}

#[test]
fn the_templates_own_words_follow_the_writing_rules() {
    // Findings in the draft come only from what people wrote in the journal:
    // each flagged line of the Markdown holds a word the Writing check lists.
    let mut played = harness::play("default");
    played
        .clock
        .set(harness::base() + chrono::Duration::days(1));
    let md = played.run(&["export"]);
    let json: serde_json::Value =
        serde_json::from_str(&played.run(&["export", "--format", "json"])).unwrap();
    let journal_words: Vec<String> = json["writing"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["found"].as_str().unwrap().to_string())
        .collect();
    assert!(
        !journal_words.is_empty(),
        "the script writes one note that breaks the rules"
    );
    let lines: Vec<&str> = md.lines().collect();
    for f in lint(&md) {
        assert!(
            journal_words.contains(&f.found),
            "the template itself breaks a rule: line {} `{}`: {:?} {}",
            f.line,
            lines[f.line - 1],
            f.rule,
            f.found
        );
    }
}

#[test]
fn follow_ups_reference_their_timeline_entry_and_export_as_a_checklist() {
    let mut played = harness::play("default");
    played
        .clock
        .set(harness::base() + chrono::Duration::days(1));
    let md = played.run(&["export"]);
    assert!(md.contains(
        "- [ ] Add a connection leak test to the gateway release pipeline (owner: cy; criticality: high; due: 2026-03-17). From: 2026-03-10 23:48 UTC cy: Release 42"
    ), "{md}");
    let json: serde_json::Value =
        serde_json::from_str(&played.run(&["export", "--format", "json"])).unwrap();
    let items = json["follow_ups"].as_array().unwrap();
    assert_eq!(items.len(), 3);
    assert!(items[0]["from_event"].is_string());
    assert!(items[2]["from_event"].is_null());
}
