//! The README's media against the code (issue 18): every timeline line of
//! the screenshot's text (docs/cockpit.txt, captured by docs/cast.sh with
//! docs/cockpit.png) must be one the demo writes today, and docs/cockpit.cast
//! must be a playable asciicast v2 recording of a sensible length.

use std::sync::Arc;

use cockpit::config::load_playbooks;
use cockpit::domain::describe::describe;
use cockpit::journal::{Journal, TimelineQuery};

/// Read at run time: a missing file fails the test with what to run.
fn doc(name: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("docs")
        .join(name);
    std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e}; run docs/cast.sh", path.display()))
}

/// One timeline row of the capture: label and text (maybe cut with "…").
#[derive(Debug)]
struct Row {
    label: String,
    text: String,
}

/// Rows look like `│01:43:25  priya      [note]       db-primary CPU …│`.
fn rows(capture: &str) -> Vec<Row> {
    capture
        .lines()
        .filter_map(|l| {
            let l = l.trim_start_matches(['│', ' ']);
            let (time, rest) = l.split_at_checked(8)?;
            let is_time = time.len() == 8
                && time.char_indices().all(|(i, c)| {
                    if i == 2 || i == 5 {
                        c == ':'
                    } else {
                        c.is_ascii_digit()
                    }
                });
            if !is_time {
                return None;
            }
            let open = rest.find(" [")?;
            let close = rest[open..].find("] ")? + open;
            Some(Row {
                label: rest[open + 2..close].to_string(),
                text: rest[close + 2..]
                    .trim_end_matches(['│', ' '])
                    .trim()
                    .to_string(),
            })
        })
        .collect()
}

/// What the demo writes today, as the timeline describes it: (label, text).
fn demo_lines() -> Vec<(String, String)> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("demo.sqlite");
    let books = Arc::new(load_playbooks(None).unwrap());
    let id = cockpit::demo::write_all(&path, books.clone(), "alex").unwrap();
    let mut j = Journal::open(&path, books).unwrap();
    let incident = j.incident(id).unwrap().clone();
    j.events(id, &TimelineQuery::default())
        .unwrap()
        .iter()
        .map(|e| {
            let l = describe(e, &incident);
            (l.label, l.text)
        })
        .collect()
}

#[test]
fn every_demo_line_in_the_screenshot_is_written_by_the_demo_today() {
    let text = doc("cockpit.txt");
    let shown = rows(&text);
    assert!(
        shown.len() >= 15,
        "docs/cockpit.txt has no timeline? {} rows",
        shown.len()
    );
    let written = demo_lines();
    let stale: Vec<&Row> = shown
        .iter()
        .filter(|r| {
            let cut = r.text.strip_suffix('…');
            !written.iter().any(|(label, text)| {
                label.starts_with(r.label.trim_end_matches('…'))
                    && match cut {
                        Some(prefix) => text.starts_with(prefix),
                        None => *text == r.text,
                    }
            })
        })
        .collect();
    assert!(
        stale.is_empty(),
        "the screenshot shows lines the demo no longer writes; run docs/cast.sh:\n{stale:#?}"
    );
}

#[test]
fn the_cast_is_asciicast_v2_of_the_demo() {
    let cast = doc("cockpit.cast");
    let mut lines = cast.lines();
    let header: serde_json::Value = serde_json::from_str(lines.next().unwrap()).unwrap();
    // https://docs.asciinema.org/manual/asciicast/v2/: a header object, then
    // one [time, code, data] array per line, times in seconds, non-decreasing.
    assert_eq!(header["version"], 2);
    assert_eq!(header["width"], 160);
    assert_eq!(header["height"], 46);
    let mut last = 0.0;
    let mut output = String::new();
    let mut events = 0;
    for l in lines {
        let e: serde_json::Value = serde_json::from_str(l).unwrap();
        let t = e[0].as_f64().expect("time");
        assert!(t >= last, "time goes back at {l}");
        last = t;
        let code = e[1].as_str().unwrap();
        assert!(["o", "i", "r", "m"].contains(&code), "unknown event {code}");
        if code == "o" {
            output.push_str(e[2].as_str().unwrap());
        }
        events += 1;
    }
    assert!(events > 50, "only {events} events");
    assert!((30.0..=180.0).contains(&last), "the cast lasts {last:.1} s");
    for seen in [
        "Checkout API returning 500s",
        "Approval queue",
        "Fail over db-primary",
    ] {
        assert!(output.contains(seen), "`{seen}` never shown in the cast");
    }
}
