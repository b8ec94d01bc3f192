//! Issue 12, the IC's hands: roles from the roster, state and severity by
//! key, backdating from the note editor, and what 80x24 must show. Driven
//! through `app::update::update` as the runner drives it (tests/support).

mod support;

use chrono::Duration;
use cockpit::app::model::{ChoiceKind, Overlay};
use cockpit::app::pickers::fuzzy;
use cockpit::services::intent::Intent;
use cockpit::services::worker::Request;
use support::*;

fn cockpit_as(author: &str) -> (Screen, Story) {
    let story = checkout_outage();
    let mut s = Screen::new();
    s.m.author = author.into();
    s.open_one(&story);
    (s, story)
}

/// The intents sent to the journal, in order.
fn intents(s: &mut Screen) -> Vec<Intent> {
    s.take_sent()
        .into_iter()
        .filter_map(|r| match r {
            Request::Act { intent, .. } => Some(intent),
            _ => None,
        })
        .collect()
}

/// Focus the roster and select the role at `index` (playbook order).
fn select_role(s: &mut Screen, index: usize) {
    s.key("1").key("home");
    for _ in 0..index {
        s.key("j");
    }
}

const DEPUTY: usize = 1;
const TECH_LEAD: usize = 2;
const INVESTIGATOR: usize = 3;
const SCRIBE: usize = 5;

#[test]
fn enter_on_a_role_picks_someone_typed_fuzzily_and_assigns_them() {
    let (mut s, _) = cockpit_as("ann");
    select_role(&mut s, SCRIBE);
    s.key("enter");
    assert!(
        matches!(s.m.overlay, Some(Overlay::RolePicker(_))),
        "Enter on a role opens the people picker, not the note editor"
    );
    let screen = s.text(80, 24);
    assert!(screen.contains("Scribe: who?"), "{screen}");
    assert!(screen.contains("ann"), "you are offered first: {screen}");
    // "dv" is a subsequence of "dave" only.
    s.type_text("dv").key("enter");
    assert_eq!(
        intents(&mut s),
        vec![Intent::RoleAssign {
            role: "scribe".into(),
            person: "dave".into()
        }]
    );
    assert!(s.m.overlay.is_none());
}

#[test]
fn picking_yourself_engages_and_a_new_name_is_assigned() {
    let (mut s, _) = cockpit_as("ann");
    select_role(&mut s, DEPUTY);
    s.key("enter").key("enter");
    assert_eq!(
        intents(&mut s),
        vec![Intent::RoleEngage {
            role: "deputy".into(),
            person: "ann".into()
        }],
        "assigning yourself is engaging"
    );
    s.key("enter").type_text("zoe");
    assert!(s.text(80, 24).contains("new name"));
    s.key("enter");
    assert_eq!(
        intents(&mut s),
        vec![Intent::RoleAssign {
            role: "deputy".into(),
            person: "zoe".into()
        }]
    );
}

#[test]
fn the_config_people_are_offered() {
    let (mut s, _) = cockpit_as("ann");
    s.m.people = vec!["frank".into(), "grace".into()];
    select_role(&mut s, SCRIBE);
    s.key("enter").type_text("gra").key("enter");
    assert_eq!(
        intents(&mut s),
        vec![Intent::RoleAssign {
            role: "scribe".into(),
            person: "grace".into()
        }]
    );
}

#[test]
fn a_single_role_held_by_someone_else_changes_hands_by_the_handoff_form() {
    let (mut s, _) = cockpit_as("bob");
    select_role(&mut s, 0);
    s.key("enter").key("enter"); // bob (you) for Incident Commander, held by ann
    match &s.m.overlay {
        Some(Overlay::Handoff(h)) => {
            assert_eq!(h.role, "ic");
            assert_eq!(h.inputs[0].lines().join(""), "bob", "Hand to is prefilled");
        }
        other => panic!("expected the handoff form, got {other:?}"),
    }
    assert!(intents(&mut s).is_empty());
}

#[test]
fn x_releases_the_selected_role_and_h_hands_it_off() {
    let (mut s, _) = cockpit_as("ann");
    select_role(&mut s, INVESTIGATOR);
    s.key("x");
    assert_eq!(
        intents(&mut s),
        vec![Intent::RoleRelease {
            role: "investigator".into(),
            person: "dave".into()
        }]
    );
    s.key("H");
    match &s.m.overlay {
        Some(Overlay::Handoff(h)) => assert_eq!(h.role, "investigator"),
        other => panic!("expected the handoff form, got {other:?}"),
    }
}

#[test]
fn an_assigned_person_is_shown_paged_and_engages_with_y_in_their_cockpit() {
    // carol was assigned Technical Lead by ann and has not engaged.
    let (mut s, _) = cockpit_as("carol");
    let screen = s.text(80, 24);
    assert!(
        screen.contains("You were assigned Technical Lead: press Y to engage"),
        "{screen}"
    );
    let roster = s.text(160, 48);
    assert!(roster.contains("paged"), "{roster}");
    s.key("Y");
    assert_eq!(
        intents(&mut s),
        vec![Intent::RoleEngage {
            role: "tech_lead".into(),
            person: "carol".into()
        }]
    );
    let (mut ann, _) = cockpit_as("ann");
    ann.key("Y");
    assert!(intents(&mut ann).is_empty(), "nothing waits for ann");
    let _ = TECH_LEAD;
}

#[test]
fn role_names_are_typed_as_the_seed_says_them() {
    let pb = playbook();
    for given in [
        "tech_lead",
        "Technical Lead",
        "technical-lead",
        "TECHNICAL_LEAD",
    ] {
        assert_eq!(pb.role(given).map(|r| r.key.as_str()), Some("tech_lead"));
    }
    assert!(pb.role("lead").is_none());
    assert!(pb.role("").is_none());
}

#[test]
fn u_offers_the_allowed_next_states_and_sets_one_in_two_keys() {
    let (mut s, story) = cockpit_as("ann");
    let pb = &story.pb;
    let next = pb.state("investigating").unwrap().next.clone();
    s.key("u");
    assert!(matches!(
        s.m.overlay,
        Some(Overlay::Choice(ref c)) if c.kind == ChoiceKind::State
    ));
    let screen = s.text(80, 24);
    for k in &next {
        let st = pb.state(k).unwrap();
        if st.phase != cockpit::domain::playbook::Phase::Closed {
            assert!(screen.contains(&st.label), "{k} offered: {screen}");
        }
    }
    assert!(!screen.contains("Closed"), "closing goes through X");
    s.key("1");
    assert_eq!(
        intents(&mut s),
        vec![Intent::State {
            state: next[0].clone(),
            reason: String::new()
        }]
    );
}

#[test]
fn severity_shows_descriptions_and_asks_the_reason_the_playbook_requires() {
    let (mut s, story) = cockpit_as("ann");
    assert!(story.pb.rules.severity_reason);
    s.key("!");
    let screen = s.text(160, 48);
    let sev2 = story.pb.severity("SEV2").unwrap();
    assert!(
        screen.contains(&sev2.description[..20.min(sev2.description.len())]),
        "{screen}"
    );
    s.key("enter");
    assert!(intents(&mut s).is_empty(), "a reason first");
    s.key("enter");
    assert!(intents(&mut s).is_empty(), "an empty reason is refused");
    s.type_text("error rate down to 2%").key("enter");
    assert_eq!(
        intents(&mut s),
        vec![Intent::Severity {
            severity: "SEV2".into(),
            reason: "error rate down to 2%".into()
        }]
    );
}

#[test]
fn tab_in_the_picker_moves_to_service_status() {
    let (mut s, _) = cockpit_as("ann");
    s.key("u").key("tab");
    assert!(matches!(
        s.m.overlay,
        Some(Overlay::Choice(ref c)) if c.kind == ChoiceKind::ServiceStatus
    ));
    s.key("esc");
    assert!(s.m.overlay.is_none());
}

#[test]
fn a_header_click_opens_the_picker_of_the_item() {
    let (mut s, _) = cockpit_as("ann");
    use cockpit::app::keymap::Command;
    assert_eq!(
        cockpit::ui::header::item_at(&s.m, 1),
        Some(Command::SetSeverity)
    );
    // " SEV1 " then " │ " then "Investigating".
    assert_eq!(
        cockpit::ui::header::item_at(&s.m, 10),
        Some(Command::SetState)
    );
    s.feed(cockpit::app::update::Msg::Command(Command::SetState));
    assert!(matches!(s.m.overlay, Some(Overlay::Choice(_))));
}

#[test]
fn a_leading_time_backdates_the_note_and_the_title_says_so_before_saving() {
    let (mut s, _) = cockpit_as("ann");
    s.key("4").key("i").type_text("-20m db failover started");
    let screen = s.text(80, 24);
    let at = (now() - Duration::minutes(20))
        .format("%H:%M UTC")
        .to_string();
    assert!(screen.contains(&format!("happened at {at}")), "{screen}");
    s.key("enter");
    match <[Request; 1]>::try_from(s.take_sent()) {
        Ok([Request::Act { intent, at, .. }]) => {
            assert_eq!(at, Some(now() - Duration::minutes(20)));
            assert_eq!(
                intent,
                Intent::Note {
                    text: "db failover started".into(),
                    tag: None,
                    private: false
                }
            );
        }
        other => panic!("one note: {other:?}"),
    }
    // A time that is not one keeps the draft and says why.
    s.type_text("99:99 what");
    s.key("enter");
    assert!(s.take_sent().is_empty());
    assert_eq!(s.editor_text(), "99:99 what");
}

#[test]
fn fuzzy_matching_prefers_prefixes() {
    assert_eq!(fuzzy("dave", ""), Some(0));
    assert_eq!(fuzzy("Dave", "da"), Some(0));
    assert_eq!(fuzzy("odave", "dav"), Some(1));
    assert!(fuzzy("dave", "dv").unwrap() >= 2);
    assert_eq!(fuzzy("dave", "vd"), None);
}

#[test]
fn at_80x24_the_proposal_details_and_eight_timeline_rows_show() {
    let (mut s, _) = cockpit_as("ann");
    s.key("3").key("home"); // the first waiting proposal: roll back deploy 4512
    let screen = s.text(80, 24);
    assert!(screen.contains("risk: config drift"), "{screen}");
    let lines: Vec<&str> = screen.lines().collect();
    let top = lines
        .iter()
        .position(|l| l.contains("Timeline"))
        .expect("the timeline shows");
    let bottom = lines[top + 1..]
        .iter()
        .position(|l| l.starts_with('└'))
        .expect("its bottom border");
    assert!(bottom >= 8, "timeline rows: {bottom}\n{screen}");
    insta::assert_snapshot!("hands_proposal@80x24", screen);
}

#[test]
fn at_80x24_the_incoming_ic_sees_the_banner_and_the_roster_shows_the_handoff() {
    let mut story = checkout_outage();
    story.push(
        400,
        "ann",
        cockpit::domain::EventKind::RoleHandedOff {
            role: "ic".into(),
            from: "ann".into(),
            to: "bob".into(),
            briefing: Default::default(),
        },
    );
    let mut s = Screen::new();
    s.m.author = "bob".into();
    s.open_one(&story);
    let screen = s.text(80, 24);
    assert!(
        screen.contains("ann hands you Incident Commander: press Y to take command"),
        "{screen}"
    );
    assert!(screen.contains("→ bob"), "{screen}");
    insta::assert_snapshot!("hands_handoff_banner@80x24", screen);
    s.key("Y");
    assert_eq!(
        intents(&mut s),
        vec![Intent::RoleAccept { role: "ic".into() }]
    );
}

#[test]
fn closing_lists_the_actions_never_marked_done_failed_or_reverted() {
    let (mut s, _) = cockpit_as("ann");
    s.key("X");
    let screen = s.text(160, 48);
    // #2 was approved and started, never finished; #3 is done, #4 rejected.
    assert!(
        screen.contains(
            "1 action(s) never marked done, failed or reverted: #2 scale db replicas to 5"
        ),
        "{screen}"
    );
}

#[test]
fn at_80x24_the_roster_shows_the_owner_of_a_003_incident() {
    let (file, text) = cockpit::config::BUILTIN_PLAYBOOKS
        .iter()
        .find(|(f, _)| f.starts_with("eoc-imoc-cmoc"))
        .unwrap();
    let pb = std::sync::Arc::new(cockpit::domain::Playbook::parse(file, text).unwrap());
    let sev = pb.severities[0].name.clone();
    let mut story = Story::declare(3, "Search latency above SLO", &sev, "ann");
    story.pb = pb;
    story.assign(20, "eoc", "erin");
    story.engage(25, "eoc", "erin");
    story.assign(40, "imoc", "ivan");
    let mut s = Screen::new();
    s.open_one(&story);
    let screen = s.text(80, 24);
    // 003: the EOC owns the incident once engaged; the IMOC is paged.
    assert!(
        screen
            .lines()
            .any(|l| l.contains("Owner") && l.contains("erin")),
        "{screen}"
    );
    insta::assert_snapshot!("hands_owner@80x24", screen);
}

#[test]
fn a_playbook_without_a_check_in_loop_does_not_show_one() {
    let (file, text) = cockpit::config::BUILTIN_PLAYBOOKS
        .iter()
        .find(|(f, _)| f.starts_with("qpp"))
        .unwrap();
    let pb = std::sync::Arc::new(cockpit::domain::Playbook::parse(file, text).unwrap());
    assert!(pb.clocks.checkin_max.is_none());
    let sev = pb.severities[0].name.clone();
    let mut story = Story::declare(4, "Registry writes failing", &sev, "ann");
    story.pb = pb;
    let mut s = Screen::new();
    s.open_one(&story);
    for (w, h) in [(80, 24), (160, 48)] {
        let screen = s.text(w, h);
        assert!(!screen.contains("Check-in loop"), "{screen}");
        assert!(screen.contains("no check-in loop"), "{screen}");
    }
}

#[test]
fn the_checklist_strip_scrolls_to_the_selected_list_at_80_columns() {
    let (mut s, story) = cockpit_as("ann");
    let n = story.pb.checklists.len();
    assert!(n > 2, "the default playbook has several checklists");
    s.key("L");
    for _ in 1..n {
        s.key("right");
    }
    let last = story.pb.checklists.last().map(|c| c.title.clone()).unwrap();
    let screen = s.text(80, 24);
    let strip = screen
        .lines()
        .nth(
            screen
                .lines()
                .position(|l| l.contains("Checklists ·"))
                .unwrap()
                + 1,
        )
        .unwrap();
    assert!(strip.contains(&last), "{strip}\n{screen}");
}
