//! Issue 10, suite item 6: property tests (proptest) for everything that
//! parses text from outside: the sanitiser, the `:` command line, the `--at`
//! time parser, the playbook, keymap and config loaders, and the chat
//! read-back import. Properties: no panic; nothing a terminal would act on
//! comes out (no C0/C1 control but `\n`, no bidi override); output bounded by
//! the input (tabs expand to at most 4 columns). Plus a 10 MB paste into the
//! editor, accepted or refused without freezing the screen.
//!
//! Inputs are drawn from a mix of hostile pieces (CSI, OSC 52, DCS, 8-bit
//! CSI, bidi overrides, lone CR, U+2028) and arbitrary Unicode. Cases per
//! property: `PROPTEST_CASES` (default 256 each here).

use chrono::{DateTime, Utc};
use proptest::prelude::*;
use std::time::{Duration, Instant};

use cockpit::app::keymap::{DEFAULT_KEYMAP, Keymap};
use cockpit::app::model::Model;
use cockpit::app::update::{Msg, update};
use cockpit::config::{BUILTIN_PLAYBOOKS, Config};
use cockpit::domain::IncidentId;
use cockpit::domain::Playbook;
use cockpit::domain::sanitize::{clean_line, clean_text};

/// Pieces a hostile writer would use.
const HOSTILE: &[&str] = &[
    "\x1b[2J",
    "\x1b]52;c;ZXZpbA==\x07",
    "\x1b]0;pwned\x1b\\",
    "\x1bP+q544e\x1b\\",
    "\u{9b}31m",
    "\u{9d}8;;http://x\u{9c}",
    "\x1b",
    "\x07",
    "\r",
    "\t",
    "\n",
    "\u{202e}",
    "\u{2066}",
    "\u{200f}",
    "\u{2028}",
    "\u{2029}",
    "\u{7f}",
    "\0",
    "=",
    "\"",
    "[",
    "]]",
    ":",
    "-",
    "m:",
];

fn hostile_text() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            prop::sample::select(HOSTILE).prop_map(str::to_string),
            any::<String>(),
            "[a-z0-9 ]{0,12}",
        ],
        0..24,
    )
    .prop_map(|v| v.concat())
}

/// Would a terminal act on `c`? (C0/C1 controls but newline; bidi
/// controls; ENDPOINTS.md §7.)
fn dangerous(c: char) -> bool {
    (c.is_control() && c != '\n')
        || matches!(c, '\u{200e}' | '\u{200f}' | '\u{061c}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

fn assert_safe(what: &str, s: &str) {
    if let Some(c) = s.chars().find(|c| dangerous(*c)) {
        panic!("{what}: {c:?} came through in {s:?}");
    }
}

fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-21T10:00:00Z")
        .unwrap()
        .with_timezone(&Utc)
}

fn model() -> Model {
    let keymap = Keymap::parse("keymaps/default.toml", DEFAULT_KEYMAP).unwrap();
    Model::new(keymap, "ann".into(), "journal.sqlite".into(), now())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(
        std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(256)
    ))]

    #[test]
    fn the_sanitiser_lets_no_control_through(input in hostile_text()) {
        let text = clean_text(&input);
        assert_safe("clean_text", &text);
        let line = clean_line(&input);
        assert_safe("clean_line", &line);
        prop_assert!(!line.contains('\n'));
        // Bounded: each char gives at most 4 (a tab), in bytes at most 4x.
        prop_assert!(text.len() <= input.len() * 4);
        // Idempotent: cleaning clean text changes nothing.
        prop_assert_eq!(clean_text(&text), text);
    }

    #[test]
    fn the_command_line_never_panics_and_says_nothing_raw(input in hostile_text()) {
        let mut m = model();
        let _ = cockpit::app::cmdline::execute(&mut m, &input);
        if let Some(s) = &m.status {
            assert_safe("status after a command", &s.text);
        }
        let _ = cockpit::app::cmdline::complete(&m, &input);
    }

    #[test]
    fn the_at_parser_never_panics(input in prop_oneof![
        hostile_text(),
        "[-+]?[0-9]{1,20}[smhd]?",
        "[0-9]{1,4}-[0-9]{1,3}-[0-9]{1,3}[ T][0-9]{1,3}:[0-9]{1,3}(:[0-9]{1,3})?Z?",
        "[0-9]{1,3}:[0-9]{1,3}",
    ]) {
        if let Err(e) = cockpit::services::when::parse_when(&input, now()) {
            assert_safe("--at error", &e);
        }
    }

    #[test]
    fn the_playbook_loader_never_panics(input in hostile_text(), cut in any::<prop::sample::Index>(), len in 0usize..64, pick in any::<prop::sample::Index>()) {
        // A shipped playbook with a stretch replaced by hostile text, and the text alone.
        let (_, base) = BUILTIN_PLAYBOOKS[pick.index(BUILTIN_PLAYBOOKS.len())];
        let mut at = cut.index(base.len().max(1));
        while !base.is_char_boundary(at) { at -= 1; }
        let mut end = (at + len).min(base.len());
        while !base.is_char_boundary(end) { end -= 1; }
        let mutated = format!("{}{}{}", &base[..at], input, &base[end..]);
        for text in [&mutated, &input] {
            if let Err(e) = Playbook::parse("p.toml", text) {
                assert_safe("playbook error", &e.to_string());
            }
        }
    }

    #[test]
    fn the_keymap_loader_never_panics(input in hostile_text(), cut in any::<prop::sample::Index>()) {
        let mut at = cut.index(DEFAULT_KEYMAP.len());
        while !DEFAULT_KEYMAP.is_char_boundary(at) { at -= 1; }
        let mutated = format!("{}{}{}", &DEFAULT_KEYMAP[..at], input, &DEFAULT_KEYMAP[at..]);
        for text in [&mutated, &input] {
            if let Err(e) = Keymap::parse("k.toml", text) {
                assert_safe("keymap error", &e.to_string());
            }
            let mut k = Keymap::parse("keymaps/default.toml", DEFAULT_KEYMAP).unwrap();
            if let Err(e) = k.merge("user.toml", text) {
                assert_safe("keymap merge error", &e.to_string());
            }
        }
    }

    #[test]
    fn the_config_loader_never_panics(
        key in prop::sample::select(&["playbook", "author", "journal", "keymap", "timezone", "endpoint", "[[endpoint]]", "url", "kind", "token"][..]),
        value in hostile_text(),
        raw in hostile_text(),
    ) {
        let texts = [
            format!("{key} = \"{value}\"\n"),
            format!("{key} = {value}\n"),
            format!("[[endpoint]]\nname = \"x\"\nkind = \"webhook\"\n{key} = \"{value}\"\n"),
            raw,
        ];
        for text in &texts {
            match Config::parse(std::path::Path::new("config.toml"), text) {
                Ok(c) => { let _ = c.zone(); }
                Err(e) => assert_safe("config error", &e.to_string()),
            }
        }
    }

    #[test]
    fn the_chat_import_cleans_everything(bodies in prop::collection::vec(hostile_text(), 0..8), senders in prop::collection::vec(hostile_text(), 1..4), ts in prop::collection::vec(any::<i64>(), 1..8)) {
        let chunk: Vec<serde_json::Value> = bodies.iter().enumerate().map(|(i, b)| serde_json::json!({
            "type": "m.room.message",
            "event_id": format!("$e{i}"),
            "sender": senders[i % senders.len()],
            "origin_server_ts": ts[i % ts.len()],
            "content": {"msgtype": "m.text", "body": b},
        })).collect();
        let body = serde_json::json!({"chunk": chunk});
        let notes = cockpit::sync::adapters::matrix::chat_notes(
            &body, "!room:x", "@me:x", IncidentId::new(), DateTime::<Utc>::UNIX_EPOCH, now());
        for n in &notes {
            assert_safe("chat author", &n.author);
            prop_assert!(!n.author.contains('\n'));
            if let cockpit::domain::EventKind::Note { text, .. } = &n.kind {
                assert_safe("chat text", text);
            }
        }
    }
}

/// A 10 MB paste into the note editor: taken (cleaned) or refused with a
/// message, and the screen's next frame is drawn; both within a bound far
/// under what a person would call frozen (measured time printed).
#[test]
fn a_10_mb_paste_does_not_freeze_the_screen() {
    let mut m = model();
    let line = "0123456789abcdef\x1b[2J ".repeat(64) + "\n";
    let paste: String = line.repeat(10 * 1024 * 1024 / line.len() + 1);
    assert!(paste.len() >= 10 * 1024 * 1024);
    let start = Instant::now();
    let _ = update(&mut m, Msg::Paste(paste));
    let took_paste = start.elapsed();
    let start = Instant::now();
    let backend = ratatui::backend::TestBackend::new(160, 48);
    let mut term = ratatui::Terminal::new(backend).unwrap();
    term.draw(|f| {
        cockpit::ui::render(
            f.area(),
            f.buffer_mut(),
            &m,
            cockpit::ui::theme::Theme::from_env(),
        )
    })
    .unwrap();
    let took_frame = start.elapsed();
    // A key after the paste is answered as quickly.
    let start = Instant::now();
    let key = crossterm::event::KeyEvent::from(crossterm::event::KeyCode::Char('x'));
    let _ = update(&mut m, Msg::Key(key));
    term.draw(|f| {
        cockpit::ui::render(
            f.area(),
            f.buffer_mut(),
            &m,
            cockpit::ui::theme::Theme::from_env(),
        )
    })
    .unwrap();
    let took_key = start.elapsed();
    let kept: usize = m.editor.lines().iter().map(|l| l.len()).sum();
    let said = m
        .status
        .as_ref()
        .map(|s| s.text.clone())
        .unwrap_or_default();
    println!(
        "10 MB paste: {kept} bytes kept in the editor, status {said:?}; paste {took_paste:?}, next frame {took_frame:?}, next key + frame {took_key:?}"
    );
    assert!(
        kept > 0 || !said.is_empty(),
        "neither taken nor refused with a message"
    );
    let joined = m.editor.lines().join("\n");
    assert_safe("editor after paste", &joined);
    for (what, took) in [
        ("paste", took_paste),
        ("frame", took_frame),
        ("key", took_key),
    ] {
        assert!(
            took < Duration::from_secs(2),
            "{what} took {took:?}: the screen froze"
        );
    }
}
