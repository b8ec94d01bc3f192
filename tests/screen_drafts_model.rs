//! Issue 12, "nothing typed is lost", without a terminal: when `update` asks
//! the runner to keep a draft (debounced to the tick), what it holds, that
//! it goes once saved, that each incident keeps its own, that a recovered
//! draft comes back into the editor and the check-in form, and that `q` or
//! Ctrl-C with a draft asks first. The files themselves: `services::drafts`'
//! unit tests and `tests/screen_drafts.rs` (SIGKILL in tmux).

mod support;

use chrono::Duration;
use cockpit::app::model::Overlay;
use cockpit::domain::event::Trend;
use cockpit::services::drafts::{CheckInDraft, Draft};
use cockpit::services::worker::{Reply, Request};
use std::collections::BTreeMap;
use support::*;

fn cockpit() -> (Screen, Story) {
    let story = checkout_outage();
    let mut s = Screen::new();
    s.open_one(&story);
    (s, story)
}

#[test]
fn typing_is_kept_at_the_next_tick_once() {
    let (mut s, story) = cockpit();
    s.drafts.clear();
    s.key("i").type_text("db primary flapping");
    assert!(s.drafts.is_empty(), "not on every key");
    s.tick(now() + Duration::seconds(1));
    assert_eq!(s.drafts.len(), 1, "one write for the whole burst");
    let (key, draft) = &s.drafts[0];
    assert_eq!(key, &story.id.to_string());
    assert_eq!(draft.note, "db primary flapping");
    s.tick(now() + Duration::seconds(2));
    assert_eq!(s.drafts.len(), 1, "nothing changed, nothing written");
    s.type_text("!");
    s.tick(now() + Duration::seconds(3));
    assert_eq!(s.drafts.len(), 2);
    assert_eq!(s.drafts[1].1.note, "db primary flapping!");
}

#[test]
fn a_saved_note_leaves_the_draft_only_when_the_journal_confirms() {
    let (mut s, _) = cockpit();
    s.key("i").type_text("rolled back 4512");
    s.tick(now() + Duration::seconds(1));
    s.sent.clear();
    s.key("enter");
    s.tick(now() + Duration::seconds(2));
    let last = &s.drafts.last().unwrap().1;
    assert_eq!(last.note, "");
    assert_eq!(last.unconfirmed, vec!["rolled back 4512".to_string()]);
    let token = match s.take_sent().as_slice() {
        [Request::Act { token, .. }] => *token,
        other => panic!("{other:?}"),
    };
    s.reply(Reply::Acted {
        token,
        result: Ok("noted".into()),
    });
    s.tick(now() + Duration::seconds(3));
    let last = &s.drafts.last().unwrap().1;
    assert!(last.is_empty(), "saved: the file goes ({last:?})");
}

#[test]
fn a_check_in_closed_unsent_is_kept_and_comes_back() {
    let (mut s, _) = cockpit();
    s.key("c");
    s.key("right").key("tab").type_text("error rate 12%");
    s.key("esc");
    assert!(s.m.overlay.is_none());
    s.tick(now() + Duration::seconds(1));
    let kept = s.drafts.last().unwrap().1.checkin.clone().unwrap();
    assert_eq!(kept.status, "error rate 12%");
    assert_eq!(kept.trend, Some(Trend::Better));
    s.key("c");
    let Some(Overlay::CheckIn(f)) = &s.m.overlay else {
        panic!("the check-in form opens");
    };
    assert_eq!(f.status.lines().join(""), "error rate 12%");
    assert_eq!(f.trend, Some(Trend::Better));
}

#[test]
fn quitting_with_a_draft_asks_first() {
    let (mut s, _) = cockpit();
    s.key("q");
    assert!(s.m.quit, "nothing typed: q quits at once");

    let (mut s, _) = cockpit();
    s.key("i").type_text("half a thought").key("esc").key("q");
    assert!(!s.m.quit);
    assert!(matches!(s.m.overlay, Some(Overlay::Quit { .. })));
    assert!(s.text(80, 24).contains("Quit?"));
    s.key("n");
    assert!(s.m.overlay.is_none() && !s.m.quit);
    s.key("q").key("y");
    assert!(s.m.quit);

    // Ctrl-C in the check-in form asks too; "n" goes back to the form as it was.
    let (mut s, _) = cockpit();
    s.key("c").key("tab").type_text("errors flat");
    s.key("ctrl-c");
    assert!(!s.m.quit);
    assert!(matches!(s.m.overlay, Some(Overlay::Quit { .. })));
    s.key("esc");
    let Some(Overlay::CheckIn(f)) = &s.m.overlay else {
        panic!("back in the check-in form");
    };
    assert_eq!(f.status.lines().join(""), "errors flat");
    // A second Ctrl-C quits.
    s.key("ctrl-c").key("ctrl-c");
    assert!(s.m.quit);
}

#[test]
fn a_recovered_draft_returns_to_the_editor_and_the_form() {
    let story = checkout_outage();
    let mut s = Screen::new();
    let mut found = BTreeMap::new();
    found.insert(
        story.id.to_string(),
        Draft {
            note: "primary failed over at 02:10".into(),
            checkin: Some(CheckInDraft {
                trend: Some(Trend::Worse),
                status: "errors at 30%".into(),
                ..Default::default()
            }),
            ..Default::default()
        },
    );
    cockpit::app::drafts::found(&mut s.m, found);
    s.open_one(&story);
    assert_eq!(s.editor_text(), "primary failed over at 02:10");
    let Some(Overlay::CheckIn(f)) = &s.m.overlay else {
        panic!("the check-in form reopens");
    };
    assert_eq!(f.status.lines().join(""), "errors at 30%");
    assert!(s.m.status.as_ref().unwrap().text.contains("recovered"));
    // What is on disk is not written again for nothing.
    s.drafts.clear();
    s.tick(now() + Duration::seconds(1));
    assert!(s.drafts.is_empty(), "{:?}", s.drafts);
}

#[test]
fn each_incident_keeps_its_own_draft() {
    let one = checkout_outage();
    let two = Story::declare(2, "Search slow", "SEV2", "ann");
    let mut s = Screen::new();
    s.open(&[&one, &two], &one);
    s.key("esc"); // the switcher opens when several incidents are open
    s.key("i").type_text("for checkout").key("esc");
    s.drafts.clear();
    s.reply(two.current());
    assert_eq!(s.editor_text(), "", "a note for one is not sent to two");
    assert_eq!(s.drafts.len(), 1);
    assert_eq!(s.drafts[0].0, one.id.to_string());
    assert_eq!(s.drafts[0].1.note, "for checkout");
    s.reply(one.current());
    assert_eq!(s.editor_text(), "for checkout");
}
