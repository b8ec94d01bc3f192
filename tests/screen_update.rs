//! Behaviour of the screen without a terminal: keys, ticks and journal-worker
//! replies go through `app::update::update`, and the tests look at the model
//! and at the requests it would send to the journal worker.

mod support;

use chrono::Duration;
use cockpit::app::keymap::{Chord, Keymap, Lookup, Mode};
use cockpit::app::model::{Overlay, Pane, PromptPurpose};
use cockpit::app::update::Msg;
use cockpit::domain::{EventKind, RuleError};
use cockpit::journal::TimelineFilter;
use cockpit::services::intent::{ActionStep, Intent};
use cockpit::services::worker::{Reply, Request, TimelineRow};
use support::*;

fn cockpit() -> (Screen, Story) {
    let story = checkout_outage();
    let mut s = Screen::new();
    s.open_one(&story);
    (s, story)
}

/// The one `Act` request sent, as (token, intent, at).
fn one_act(s: &mut Screen) -> (u64, Intent, Option<chrono::DateTime<chrono::Utc>>) {
    let sent = s.take_sent();
    match <[Request; 1]>::try_from(sent) {
        Ok(
            [
                Request::Act {
                    token, intent, at, ..
                },
            ],
        ) => (token, intent, at),
        Ok([other]) => panic!("expected one Act, got {other:?}"),
        Err(v) => panic!("expected one request, got {v:?}"),
    }
}

// ---------------------------------------------------------------- the note editor

#[test]
fn enter_sends_the_note_and_clears_the_editor() {
    let (mut s, story) = cockpit();
    s.key("i").type_text("db failover started");
    assert_eq!(s.m.mode, Mode::Insert);
    assert!(s.sent.is_empty(), "nothing is sent while typing");
    s.key("enter");
    let sent = s.take_sent();
    let [
        Request::Act {
            token,
            incident,
            intent,
            at,
        },
    ] = &sent[..]
    else {
        panic!("one Act request: {sent:?}");
    };
    assert_eq!(*incident, Some(story.id));
    assert_eq!(*at, None, "a note is recorded now unless backdated");
    assert_eq!(
        *intent,
        Intent::Note {
            text: "db failover started".into(),
            tag: None,
            private: false
        }
    );
    assert_eq!(s.editor_text(), "", "the editor is free at once");
    assert_eq!(s.m.mode, Mode::Insert, "the scribe keeps typing");
    assert!(s.m.pending_notes.contains_key(token));
    assert!(s.text(160, 48).contains("saving… db failover started"));

    // The journal confirms: no longer pending, and notes say nothing in the status line.
    s.reply(Reply::Acted {
        token: *token,
        result: Ok("noted".into()),
    });
    assert!(s.m.pending_notes.is_empty());
    assert!(s.m.status.is_none());
}

#[test]
fn multi_line_notes_and_the_tag_key() {
    let (mut s, _) = cockpit();
    s.key("i").type_text("first line");
    s.key("alt-enter").type_text("second line");
    s.key("ctrl-t").key("ctrl-t"); // note -> noticed
    assert_eq!(s.m.editor_tag.as_deref(), Some("noticed"));
    s.key("enter");
    let (_, intent, _) = one_act(&mut s);
    assert_eq!(
        intent,
        Intent::Note {
            text: "first line\nsecond line".into(),
            tag: Some("noticed".into()),
            private: false
        }
    );
    assert_eq!(s.m.editor_tag, None, "the tag is for one note");
}

#[test]
fn an_empty_note_is_not_sent() {
    let (mut s, _) = cockpit();
    s.key("i").type_text("   ").key("enter");
    assert!(s.sent.is_empty());
}

#[test]
fn a_refused_note_comes_back_into_the_editor() {
    let (mut s, _) = cockpit();
    s.key("i").type_text("h: cache stampede");
    s.key("ctrl-t");
    s.key("enter");
    let (token, _, _) = one_act(&mut s);
    // Meanwhile the scribe started the next note.
    s.type_text("next thought");
    s.reply(Reply::Acted {
        token,
        result: Err(RuleError::IncidentClosed.into()),
    });
    assert_eq!(s.editor_text(), "h: cache stampede\nnext thought");
    assert_eq!(
        s.m.editor_tag.as_deref(),
        Some("note"),
        "the tag comes back too"
    );
    assert!(s.m.pending_notes.is_empty());
    assert_eq!(s.bells, 1);
    let status = s.m.status.as_ref().expect("the status line says why");
    assert!(status.text.contains("closed"));
}

#[test]
fn esc_leaves_the_editor_and_keeps_the_draft() {
    let (mut s, _) = cockpit();
    s.key("i").type_text("half a thought").key("esc");
    assert_eq!(s.m.mode, Mode::Normal);
    assert_eq!(s.editor_text(), "half a thought");
    // In normal mode, letters are commands, not text.
    s.key("t");
    assert_eq!(s.editor_text(), "half a thought");
    assert!(!s.m.utc, "t toggled the time zone");
}

#[test]
fn pasted_text_is_cleaned() {
    let (mut s, _) = cockpit();
    s.feed(Msg::Paste(
        "pasted\x1b[2J \x1b]52;c;ZXZpbA==\x07line\tend".into(),
    ));
    assert_eq!(s.m.mode, Mode::Insert, "a paste starts a note");
    assert_eq!(
        s.editor_text(),
        "pasted line end",
        "the tab at column 11 is one space"
    );
}

#[test]
fn notes_need_an_incident() {
    let mut s = Screen::new();
    s.reply(Reply::Incidents(Vec::new()));
    s.key("esc"); // close the declare form
    s.key("i").type_text("orphan").key("enter");
    assert!(s.sent.is_empty());
    assert_eq!(s.editor_text(), "orphan", "the draft is kept");
    assert!(s.m.status.as_ref().unwrap().text.contains("declare"));
}

// ---------------------------------------------------------------- the approval queue

#[test]
fn a_approves_the_selected_action() {
    let (mut s, story) = cockpit();
    let waiting = story.incident().actions[0].id; // #1 roll back, the one waiting
    s.key("a");
    assert_eq!(s.m.focus, Pane::Actions, "the queue takes the focus");
    let (_, intent, _) = one_act(&mut s);
    assert_eq!(
        intent,
        Intent::Action {
            step: ActionStep::Approve,
            reference: waiting.to_string(),
            reason: String::new()
        }
    );
    // Further down the queue: #2 is in progress; `d` marks it done.
    let in_progress = story.incident().actions[1].id;
    s.keys(&["j", "d"]);
    let (_, intent, _) = one_act(&mut s);
    assert_eq!(
        intent,
        Intent::Action {
            step: ActionStep::Done,
            reference: in_progress.to_string(),
            reason: String::new()
        }
    );
}

#[test]
fn the_result_of_an_approval_shows_in_the_status_line() {
    let (mut s, _) = cockpit();
    s.key("a");
    let (token, _, _) = one_act(&mut s);
    s.reply(Reply::Acted {
        token,
        result: Ok("approved #1 roll back deploy 4512".into()),
    });
    assert!(s.text(80, 24).contains("approved #1 roll back deploy 4512"));
    s.reply(Reply::Acted {
        token: 999,
        result: Err(RuleError::NotDecider {
            roles: "the incident commander".into(),
            person: "bob".into(),
        }
        .into()),
    });
    assert_eq!(s.bells, 1);
    assert!(
        s.text(80, 24)
            .contains("only the incident commander may decide")
    );
}

#[test]
fn r_asks_why_and_an_empty_reason_is_refused() {
    let (mut s, story) = cockpit();
    let waiting = story.incident().actions[0].id;
    s.keys(&["3", "r"]);
    assert!(matches!(
        &s.m.overlay,
        Some(Overlay::Prompt(p)) if p.purpose == PromptPurpose::Reject(waiting)
    ));
    s.type_text("   ").key("enter");
    assert!(s.sent.is_empty(), "no reason, no rejection");
    assert!(
        matches!(&s.m.overlay, Some(Overlay::Prompt(p)) if p.hint.contains("required")),
        "the prompt stays open"
    );
    s.type_text("rollback first").key("enter");
    let (_, intent, _) = one_act(&mut s);
    assert_eq!(
        intent,
        Intent::Action {
            step: ActionStep::Reject,
            reference: waiting.to_string(),
            reason: "rollback first".into()
        }
    );
    assert!(s.m.overlay.is_none());
}

/// Issue 13, item 12: an action already under way cannot be rejected; the
/// key says so at once instead of asking for a reason it will refuse.
#[test]
fn r_on_an_action_under_way_refuses_before_asking_why() {
    let (mut s, story) = cockpit();
    let under_way = story.incident().actions[1].id;
    s.keys(&["3", "down"]);
    assert_eq!(s.m.queue()[s.m.actions_selected].id, under_way);
    s.key("r");
    assert!(s.m.overlay.is_none(), "no prompt for a step it cannot take");
    assert!(s.sent.is_empty());
    let said = &s.m.status.as_ref().unwrap().text;
    assert!(said.contains("it cannot become rejected"), "{said}");
}

#[test]
fn esc_cancels_the_reject_prompt() {
    let (mut s, _) = cockpit();
    s.keys(&["r", "x", "esc"]);
    assert!(s.m.overlay.is_none());
    assert!(s.sent.is_empty());
}

#[test]
fn an_empty_queue_says_so() {
    let mut s = Screen::new();
    s.open_one(&Story::declare(7, "quiet", "SEV3", "ann"));
    s.key("a");
    assert!(s.sent.is_empty());
    assert!(s.m.status.as_ref().unwrap().text.contains("queue is empty"));
}

#[test]
fn p_proposes_from_what_why_risk_revert() {
    let (mut s, _) = cockpit();
    s.key("p")
        .type_text("drain node 7; it leaks; brief 5xx; undrain")
        .key("enter");
    let (_, intent, _) = one_act(&mut s);
    let Intent::ActionPropose(p) = intent else {
        panic!("{intent:?}")
    };
    assert_eq!(
        (&*p.what, &*p.why, &*p.risk, &*p.revert),
        ("drain node 7", "it leaks", "brief 5xx", "undrain")
    );
}

// ---------------------------------------------------------------- the : command line

fn command(s: &mut Screen, line: &str) {
    s.key(":").type_text(line).key("enter");
}

/// Issue 13, item 6: `:dismiss` is the CLI's verb (000 responder script steps 4-5).
#[test]
fn the_command_line_dismisses_with_the_verdict_and_reason() {
    let (mut s, _) = cockpit();
    command(&mut s, "dismiss --not-an-incident planned failover drill");
    assert_eq!(
        one_act(&mut s).1,
        Intent::Dismiss {
            verdict: cockpit::domain::event::Verdict::NotAnIncident,
            reason: "planned failover drill".into()
        }
    );
    // Without a verdict nothing is sent; clap's words say what is missing.
    command(&mut s, "dismiss flapping");
    assert!(s.take_sent().is_empty());
}

#[test]
fn the_command_line_takes_the_cli_verbs() {
    let (mut s, _) = cockpit();
    command(&mut s, "role assign scribe bob");
    assert_eq!(
        one_act(&mut s).1,
        Intent::RoleAssign {
            role: "scribe".into(),
            person: "bob".into()
        }
    );
    command(&mut s, "state identified --reason \"bad deploy\"");
    assert_eq!(
        one_act(&mut s).1,
        Intent::State {
            state: "identified".into(),
            reason: "bad deploy".into()
        }
    );
    command(&mut s, "action approve 1");
    assert_eq!(
        one_act(&mut s).1,
        Intent::Action {
            step: ActionStep::Approve,
            reference: "1".into(),
            reason: String::new()
        }
    );
    command(&mut s, "note -t decision we roll back");
    assert_eq!(
        one_act(&mut s).1,
        Intent::Note {
            text: "we roll back".into(),
            tag: Some("decision".into()),
            private: false
        }
    );
    assert_eq!(s.m.command_history.len(), 4);
}

#[test]
fn the_command_line_backdates_with_at_like_the_cli() {
    let (mut s, _) = cockpit();
    // As on the command line, `--at` may follow the verb.
    command(&mut s, "note --at -10m noticed the queue growing");
    let (_, intent, at) = one_act(&mut s);
    assert_eq!(at, Some(now() - Duration::minutes(10)));
    assert!(matches!(intent, Intent::Note { text, .. } if text == "noticed the queue growing"));
    command(&mut s, "--at -5m outage start");
    let (_, intent, at) = one_act(&mut s);
    assert_eq!(
        (intent, at),
        (Intent::OutageStart, Some(now() - Duration::minutes(5)))
    );
}

#[test]
fn the_command_line_reports_mistakes_in_one_line() {
    let (mut s, _) = cockpit();
    command(&mut s, "explode now");
    assert!(s.sent.is_empty());
    let status = s.m.status.clone().unwrap().text;
    assert!(status.contains("explode"), "{status}");
    assert!(!status.contains('\n'));
    command(&mut s, "note \"unbalanced");
    assert!(s.m.status.clone().unwrap().text.contains("quotes"));
    command(&mut s, "note --at soon hello");
    assert!(s.sent.is_empty());
    assert!(s.m.status.clone().unwrap().text.contains("not a time"));
}

#[test]
fn the_command_line_screen_words() {
    let (mut s, story) = cockpit();
    command(&mut s, "filter tag:mitigation");
    assert!(matches!(
        &s.take_sent()[..],
        [Request::SetFilter(TimelineFilter::Tag(t))] if t == "mitigation"
    ));
    command(&mut s, "incident 5dd0");
    assert!(matches!(&s.take_sent()[..], [Request::Select(id)] if *id == story.id));
    command(&mut s, "help");
    assert!(matches!(s.m.overlay, Some(Overlay::Help { .. })));
    s.key("esc");
    command(&mut s, "quit");
    assert!(s.m.quit);
}

fn completions(s: &Screen) -> Vec<String> {
    match &s.m.overlay {
        Some(Overlay::CommandLine(c)) => c.completions.clone(),
        other => panic!("the command line is not open: {other:?}"),
    }
}

fn input(s: &Screen) -> String {
    match &s.m.overlay {
        Some(Overlay::CommandLine(c)) => c.input.lines().join(""),
        other => panic!("the command line is not open: {other:?}"),
    }
}

#[test]
fn tab_completes_verbs_roles_and_people() {
    let (mut s, _) = cockpit();
    s.key(":").type_text("ro").key("tab");
    assert_eq!(input(&s), "role ");
    assert_eq!(
        completions(&s),
        [
            "assign", "engage", "release", "handoff", "accept", "decline", "page"
        ]
        .map(String::from)
    );
    s.type_text("as").key("tab");
    assert_eq!(input(&s), "role assign ");
    assert_eq!(
        completions(&s),
        [
            "incident-commander",
            "deputy-ic",
            "technical-lead",
            "investigator",
            "communicator",
            "scribe"
        ]
        .map(String::from)
    );
    s.type_text("te").key("tab");
    assert_eq!(input(&s), "role assign technical-lead ");
    // People: everyone on the roster, and whoever is at the keyboard.
    assert_eq!(completions(&s), ["ann", "carol", "dave"].map(String::from));
    s.type_text("d").key("tab");
    assert_eq!(input(&s), "role assign technical-lead dave ");

    let (mut s, _) = cockpit();
    s.key(":").type_text("s");
    let mut verbs = completions(&s);
    verbs.sort();
    assert_eq!(
        verbs,
        ["security", "severity", "state", "status", "summary"].map(String::from)
    );
    s.type_text("t").key("tab");
    assert_eq!(input(&s), "stat", "state and status share `stat`");
    s.type_text("e ");
    assert_eq!(
        completions(&s),
        [
            "investigating",
            "identified",
            "monitoring",
            "resolved",
            "closed"
        ]
        .map(String::from)
    );

    let (mut s, _) = cockpit();
    s.key(":").type_text("action approve ");
    assert_eq!(completions(&s), ["1", "2", "3", "4"].map(String::from));
}

#[test]
fn command_history_comes_back_with_up() {
    let (mut s, _) = cockpit();
    command(&mut s, "state identified");
    command(&mut s, "note one");
    s.take_sent();
    s.key(":").key("up");
    assert_eq!(input(&s), "note one");
    s.key("up");
    assert_eq!(input(&s), "state identified");
    s.key("enter");
    assert!(matches!(one_act(&mut s).1, Intent::State { .. }));
}

// ---------------------------------------------------------------- keymaps

#[test]
fn a_user_keymap_overrides_single_bindings() {
    let mut km = default_keymap();
    km.merge(
        "mine.toml",
        "[normal]\n\"x\" = \"approve\"\n\"a\" = \"help\"\n",
    )
    .unwrap();
    let story = checkout_outage();
    let mut s = Screen::with_keymap(km);
    s.open_one(&story);
    s.key("x");
    assert!(matches!(
        one_act(&mut s).1,
        Intent::Action {
            step: ActionStep::Approve,
            ..
        }
    ));
    s.key("a");
    assert!(matches!(s.m.overlay, Some(Overlay::Help { .. })));
    assert!(s.sent.is_empty());
    s.key("esc");
    // Everything not overridden still works, and hints follow the live keymap.
    s.key("r");
    assert!(matches!(s.m.overlay, Some(Overlay::Prompt(_))));
    s.key("esc");
    assert!(s.text(160, 48).contains(" x approve "));
}

#[test]
fn the_vim_keymap_takes_sequences() {
    let vim = Keymap::parse("keymaps/vim.toml", cockpit::app::keymap::VIM_KEYMAP).unwrap();
    let mut s = Screen::with_keymap(vim);
    s.open_one(&checkout_outage());
    s.keys(&["4", "k", "k"]);
    assert!(s.m.timeline.selected.is_some());
    s.key("g");
    assert!(
        s.text(80, 24).contains(" g … "),
        "a pending sequence is shown"
    );
    s.key("g");
    assert_eq!(s.m.timeline.selected, Some(0), "g g goes to the top");
    s.key("G");
    assert_eq!(s.m.timeline.selected, None, "G follows again");
    s.keys(&["3", "d", "d"]);
    assert!(matches!(
        one_act(&mut s).1,
        Intent::Action {
            step: ActionStep::Done,
            ..
        }
    ));
}

#[test]
fn a_bad_keymap_file_is_reported_and_the_default_used() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("keymap.toml");
    std::fs::write(&file, "[normal]\n\"q\" = \"quit\"\n\"z\" = \"explode\"\n").unwrap();
    let (km, warnings) = cockpit::ui::runner::load_keymap(None, Some(&file));
    assert_eq!(warnings.len(), 1);
    let w = &warnings[0];
    assert!(
        w.contains("keymap.toml:3") && w.contains("normal.\"z\"") && w.contains("explode"),
        "{w}"
    );
    let a = Chord::parse("a").unwrap();
    assert!(matches!(km.lookup(Mode::Normal, &[a]), Lookup::Command(_)));
    // A good user file is applied over the chosen keymap.
    std::fs::write(&file, "[normal]\n\"z\" = \"quit\"\n").unwrap();
    let (km, warnings) = cockpit::ui::runner::load_keymap(Some("vim"), Some(&file));
    assert!(warnings.is_empty());
    let z = Chord::parse("z").unwrap();
    assert!(matches!(km.lookup(Mode::Normal, &[z]), Lookup::Command(_)));
    let g = Chord::parse("g").unwrap();
    assert_eq!(
        km.lookup(Mode::Normal, &[g]),
        Lookup::Pending,
        "still vim underneath"
    );
}

// ---------------------------------------------------------------- the timeline

fn texts(s: &Screen) -> Vec<String> {
    s.m.timeline.rows.iter().map(|r| r.text.clone()).collect()
}

fn new_note(story: &mut Story, secs: i64, text: &str) -> TimelineRow {
    story.note(secs, "eve", "note", text);
    let inc = story.incident();
    row(story.events.last().unwrap(), &inc, &story.pb)
}

#[test]
fn the_timeline_follows_the_newest_entry() {
    let (mut s, mut story) = cockpit();
    assert_eq!(s.m.timeline.selected, None);
    let r = new_note(&mut story, 700, "from another terminal");
    s.reply(Reply::TimelineNew {
        incident: story.id,
        rows: vec![r],
    });
    assert_eq!(s.m.timeline.total, 23);
    let screen = s.text(80, 24);
    let last_row = screen.lines().rfind(|l| l.starts_with("│10:")).unwrap();
    assert!(last_row.contains("from another terminal"), "{screen}");
    // Rows for another incident (a stale reply after switching) are ignored.
    s.reply(Reply::TimelineNew {
        incident: incident_id(9),
        rows: vec![new_note(&mut story, 710, "elsewhere")],
    });
    assert_eq!(s.m.timeline.total, 23);
}

#[test]
fn scrolling_holds_the_selected_entry_while_new_ones_arrive() {
    let (mut s, mut story) = cockpit();
    s.keys(&["4", "k", "k"]);
    let selected = s.m.timeline.selected_row().unwrap().text.clone();
    assert_eq!(selected, "done #3 flush the CDN cache");
    let r = new_note(&mut story, 700, "newest");
    s.reply(Reply::TimelineNew {
        incident: story.id,
        rows: vec![r],
    });
    assert_eq!(s.m.timeline.selected_row().unwrap().text, selected);
    // Down past the end follows again.
    s.keys(&["j", "j", "j"]);
    assert_eq!(s.m.timeline.selected, None);
    // Mouse wheel scrolls the pane under the pointer.
    s.feed(Msg::Scroll {
        pane: Pane::Timeline,
        down: false,
    });
    assert_eq!(s.m.timeline.selected, Some(s.m.timeline.rows.len() - 4));
    s.key("end");
    assert_eq!(s.m.timeline.selected, None);
}

#[test]
fn backdated_entries_land_in_time_order() {
    let (mut s, mut story) = cockpit();
    s.keys(&["4", "k"]); // select the second newest
    let selected = s.m.timeline.selected_row().unwrap().text.clone();
    // "noticed at 10:01:05", written now.
    story.push_backdated(
        65,
        "dave",
        EventKind::Note {
            text: "first customer ticket".into(),
            tag: "noticed".into(),
            private: false,
        },
    );
    let inc = story.incident();
    let r = row(story.events.last().unwrap(), &inc, &story.pb);
    s.reply(Reply::TimelineNew {
        incident: story.id,
        rows: vec![r],
    });
    let t = texts(&s);
    let at = t.iter().position(|x| x == "first customer ticket").unwrap();
    assert_eq!(t[at - 1], "service status partial_disruption"); // 10:01:00
    assert_eq!(t[at + 1], "502s from checkout since the 09:55 deploy"); // 10:01:10
    let times: Vec<_> = s.m.timeline.rows.iter().map(|r| r.key()).collect();
    assert!(times.windows(2).all(|w| w[0] <= w[1]), "in time order");
    assert_eq!(
        s.m.timeline.selected_row().unwrap().text,
        selected,
        "the selection stays on its entry"
    );
    // The same entry again (the worker's poll and our own write) is not doubled.
    let r = row(story.events.last().unwrap(), &inc, &story.pb);
    s.reply(Reply::TimelineNew {
        incident: story.id,
        rows: vec![r],
    });
    assert_eq!(texts(&s).len(), t.len());
}

fn paged(total: usize, loaded: usize) -> (Screen, Vec<TimelineRow>) {
    let (mut s, story) = cockpit();
    let all = many_rows(total);
    s.reply(Reply::TimelineReset {
        incident: story.id,
        filter: TimelineFilter::All,
        rows: all[total - loaded..].to_vec(),
        total,
        more_before: true,
    });
    (s, all)
}

#[test]
fn scrolling_near_the_top_loads_the_page_before() {
    let (mut s, all) = paged(2_000, 500);
    s.key("4");
    // 500 loaded; moving up to within 50 of the first asks for older ones, once.
    for _ in 0..440 {
        s.key("k");
    }
    assert!(s.sent.is_empty(), "not yet near the top");
    s.keys(&["k", "k", "k", "k", "k", "k", "k", "k", "k", "k"]);
    let sent = s.take_sent();
    assert_eq!(sent.len(), 1, "one page at a time: {sent:?}");
    let Request::LoadOlder { before } = &sent[0] else {
        panic!("{sent:?}")
    };
    assert_eq!(
        *before,
        all[1500].key(),
        "the page before the first loaded row"
    );
    assert!(s.m.timeline.loading_older);
    let selected = s.m.timeline.selected_row().unwrap().text.clone();
    s.reply(Reply::TimelineOlder {
        incident: checkout_outage().id,
        rows: all[1000..1500].to_vec(),
        more_before: true,
    });
    assert_eq!(s.m.timeline.rows.len(), 1000);
    assert!(!s.m.timeline.loading_older);
    assert_eq!(
        s.m.timeline.selected_row().unwrap().text,
        selected,
        "the selection stays on its entry"
    );
    // Home goes to the top of what is loaded and asks for more.
    s.key("home");
    assert_eq!(s.m.timeline.selected, Some(0));
    assert!(
        matches!(&s.take_sent()[..], [Request::LoadOlder { before }] if *before == all[1000].key())
    );
    // A late page for another incident is dropped.
    s.reply(Reply::TimelineOlder {
        incident: incident_id(9),
        rows: all[0..10].to_vec(),
        more_before: false,
    });
    assert_eq!(s.m.timeline.rows.len(), 1000);
    let title = s.text(160, 48);
    assert!(title.contains("1001 of 2000"), "{title}");
}

#[test]
fn the_total_follows_the_first_page() {
    let (mut s, story) = cockpit();
    let rows = many_rows(500);
    s.reply(Reply::TimelineReset {
        incident: story.id,
        filter: TimelineFilter::All,
        total: rows.len(),
        rows,
        more_before: true,
    });
    assert!(s.text(80, 24).contains("500+ entries · following"));
    // A count for another filter (the user changed it meanwhile) is dropped.
    s.reply(Reply::TimelineTotal {
        incident: story.id,
        filter: TimelineFilter::Text("db".into()),
        total: 7,
    });
    assert_eq!(s.m.timeline.total, 500);
    s.reply(Reply::TimelineTotal {
        incident: story.id,
        filter: TimelineFilter::All,
        total: 1_000_000,
    });
    assert!(s.text(80, 24).contains("1000000 entries · following"));
}

#[test]
fn an_entry_older_than_the_loaded_page_waits_for_that_page() {
    let (mut s, all) = paged(2_000, 500);
    let mut old = all[10].clone();
    old.seq = 99_999;
    old.text = "backdated far".into();
    s.reply(Reply::TimelineNew {
        incident: checkout_outage().id,
        rows: vec![old],
    });
    assert_eq!(s.m.timeline.total, 2_001, "counted");
    assert_eq!(s.m.timeline.rows.len(), 500, "not shown out of place");
}

#[test]
fn a_filter_is_asked_of_the_journal_and_esc_clears_it() {
    let (mut s, story) = cockpit();
    s.key("/").type_text("tag:mitigation").key("enter");
    assert!(matches!(
        &s.take_sent()[..],
        [Request::SetFilter(TimelineFilter::Tag(t))] if t == "mitigation"
    ));
    s.reply(Reply::TimelineReset {
        incident: story.id,
        filter: TimelineFilter::Tag("mitigation".into()),
        rows: Vec::new(),
        total: 0,
        more_before: false,
    });
    s.key("esc");
    assert!(matches!(
        &s.take_sent()[..],
        [Request::SetFilter(TimelineFilter::All)]
    ));
}

#[test]
fn h_highlights_the_selected_entry() {
    let (mut s, story) = cockpit();
    s.keys(&["4", "k"]);
    let id = s.m.timeline.selected_row().unwrap().id;
    s.key("h");
    assert_eq!(one_act(&mut s).1, Intent::Highlight(id));
    let _ = story;
}

// ---------------------------------------------------------------- incidents and forms

#[test]
fn several_open_incidents_open_the_switcher_on_the_newest() {
    let a = checkout_outage();
    let mut b = Story::declare(3, "Search latency", "SEV2", "bob");
    b.events[0].at = t0() + Duration::minutes(5);
    // Declared then, and written then: the time rule refuses a future time.
    b.events[0].recorded_at = b.events[0].at;
    let mut s = Screen::new();
    s.reply(Reply::Incidents(vec![a.summary(), b.summary()]));
    assert!(matches!(
        s.m.overlay,
        Some(Overlay::Switcher { selected: 1 })
    ));
    assert!(matches!(&s.take_sent()[..], [Request::Select(id)] if *id == b.id));
    s.keys(&["k", "enter"]);
    assert!(matches!(&s.take_sent()[..], [Request::Select(id)] if *id == a.id));
    assert!(s.m.overlay.is_none());
}

#[test]
fn one_open_incident_is_selected_at_once() {
    let a = checkout_outage();
    let mut s = Screen::new();
    s.reply(Reply::Incidents(vec![a.summary()]));
    assert!(s.m.overlay.is_none());
    assert!(matches!(&s.take_sent()[..], [Request::Select(id)] if *id == a.id));
}

#[test]
fn the_declare_form_declares() {
    let mut s = Screen::new();
    s.reply(Reply::Incidents(Vec::new()));
    s.key("enter");
    assert!(s.sent.is_empty(), "a title is needed");
    assert!(matches!(s.m.overlay, Some(Overlay::Declare(_))));
    s.type_text("Payments down");
    s.keys(&["tab", "right", "tab"]).type_text("card auth 500s");
    s.keys(&["tab", "space", "enter"]);
    let sent = s.take_sent();
    let [
        Request::Act {
            incident: None,
            intent,
            ..
        },
    ] = &sent[..]
    else {
        panic!("{sent:?}")
    };
    assert_eq!(
        *intent,
        Intent::Declare {
            title: "Payments down".into(),
            severity: "SEV2".into(),
            summary: "card auth 500s".into(),
            security: true,
            playbook: String::new()
        }
    );
}

#[test]
fn the_checkin_form_records_the_loop() {
    let (mut s, story) = cockpit();
    let scale = story.incident().actions[1].id;
    s.key("c");
    s.key("enter"); // from the trend to the status
    s.keys(&["tab", "tab", "tab", "enter"]); // the last field, with no status
    assert!(s.sent.is_empty(), "a check-in needs the status report");
    assert!(s.m.status.as_ref().unwrap().text.contains("status report"));
    s.type_text("error rate 12%"); // the form went back to the status field
    s.keys(&["tab", "right", "right", "tab", "tab"])
        .type_text("watch 10 more min");
    s.key("enter");
    let (_, intent, _) = one_act(&mut s);
    let Intent::CheckIn(c) = intent else {
        panic!("{intent:?}")
    };
    assert_eq!(c.status, "error rate 12%");
    assert_eq!(c.next, "watch 10 more min");
    // Each mitigation since the last check-in gets a verdict: "not reviewed"
    // unless changed, and recorded so (issue 13).
    let cdn = story.incident().actions[2].id;
    let verdicts: Vec<_> = c.reviews.iter().map(|r| (r.action, &*r.verdict)).collect();
    assert_eq!(verdicts, [(scale, "worked"), (cdn, "not reviewed")]);
}

#[test]
fn countdowns_move_only_with_the_tick() {
    let (mut s, _) = cockpit();
    // The last check-in was at 10:05; the next is due 15 minutes later (001).
    let before = s.text(80, 24);
    // 7:26 left: whole minutes, rounded up, until the last minute (issue 14:
    // an idle screen changes once a minute).
    assert!(
        before.contains("next check-in in") && before.contains(" 8m"),
        "{before}"
    );
    assert_eq!(s.text(80, 24), before, "nothing moves without a tick");
    s.tick(now() + Duration::seconds(1));
    assert_eq!(
        s.text(80, 24),
        before,
        "7:25 left is still within 8 minutes"
    );
    s.tick(now() + Duration::seconds(61));
    assert!(s.text(80, 24).contains(" 7m"));
    s.tick(now() + Duration::seconds(446 - 30));
    assert!(
        s.text(80, 24).contains("00:30"),
        "seconds in the last minute"
    );
    s.tick(t0() + Duration::minutes(21));
    assert!(s.text(80, 24).contains("check-in due now"));
    s.tick(t0() + Duration::minutes(40));
    assert!(s.text(80, 24).contains("CHECK-IN OVERDUE"));
}

#[test]
fn ctrl_c_quits_from_anywhere() {
    for keys in [
        &["ctrl-c"][..],
        &["i", "ctrl-c"],
        &["?", "ctrl-c"],
        &[":", "ctrl-c"],
    ] {
        let (mut s, _) = cockpit();
        s.keys(keys);
        assert!(s.m.quit, "{keys:?}");
    }
}

/// Issue 13, item 11: the closing step "document every outstanding action
/// item" opens `:followup` while none is documented, and ticks once one is.
#[test]
fn the_follow_up_step_ticks_once_a_follow_up_exists() {
    let mut story = Story::declare(3, "db down", "SEV2", "ann");
    let mut s = Screen::new();
    s.open_one(&story);
    let at_step = |s: &mut Screen| {
        let c = s.m.current.as_ref().unwrap();
        let lists = c.incident.checklists(&c.playbook);
        let (ci, si) = lists
            .iter()
            .enumerate()
            .find_map(|(ci, l)| {
                l.steps
                    .iter()
                    .position(|st| st.step.key == "actions_documented")
                    .map(|si| (ci, si))
            })
            .expect("the default playbook documents action items");
        s.m.overlay = Some(Overlay::Checklists {
            checklist: ci,
            step: si,
        });
    };
    at_step(&mut s);
    s.key("enter");
    assert!(
        matches!(s.m.overlay, Some(Overlay::CommandLine(_))),
        "no follow-up yet: Enter asks for one"
    );
    assert!(s.take_sent().is_empty());

    story.push(
        60,
        "ann",
        EventKind::FollowUpAdded(cockpit::domain::event::FollowUp {
            text: "add a replica alarm".into(),
            owner: "bob".into(),
            criticality: String::new(),
            due: None,
            from_event: None,
        }),
    );
    s.open_one(&story);
    at_step(&mut s);
    s.key("enter");
    let (_, intent, _) = one_act(&mut s);
    assert!(
        matches!(&intent, Intent::ChecklistTick { step, .. } if step == "actions_documented"),
        "{intent:?}"
    );
}
