//! The one renderer and its one vocabulary, on every built-in playbook.

use chrono::{TimeZone, Utc};

use super::*;
use crate::config::BUILTIN_PLAYBOOKS;
use crate::domain::event::{CheckIn, Trend};
use crate::domain::ids::IncidentId;

fn event(inc: &Incident, who: &str, minutes: i64, kind: EventKind) -> Event {
    let at =
        Utc.with_ymd_and_hms(2026, 11, 21, 10, 0, 0).unwrap() + chrono::Duration::minutes(minutes);
    Event::new(inc.id, who, at, at, kind)
}

/// An incident of `pb` declared by ann, with ann in the commanding role and
/// every link kind set.
fn incident(pb: &Playbook) -> Incident {
    let mut inc = Incident::new(IncidentId::new());
    let sev = pb.severities[0].name.clone();
    let apply = |inc: &mut Incident, minutes, kind| {
        let e = event(inc, "ann", minutes, kind);
        inc.apply(&e, pb)
            .unwrap_or_else(|err| panic!("{}: {err}", pb.name));
    };
    apply(
        &mut inc,
        0,
        EventKind::Declared {
            title: "checkout errors".into(),
            severity: sev,
            summary: "carts fail".into(),
            security: false,
            playbook: pb.name.clone(),
        },
    );
    apply(
        &mut inc,
        1,
        EventKind::RoleAssigned {
            role: pb.commander().key.clone(),
            person: "ann".into(),
        },
    );
    for (i, kind) in pb.link_kinds.iter().enumerate() {
        apply(
            &mut inc,
            2 + i as i64,
            EventKind::LinkSet {
                link: kind.clone(),
                url: format!("https://{kind}.example/1"),
            },
        );
    }
    inc
}

fn books() -> Vec<Playbook> {
    BUILTIN_PLAYBOOKS
        .iter()
        .map(|(file, text)| Playbook::parse(file, text).unwrap())
        .collect()
}

/// Every template of every built-in playbook (and every built-in wording)
/// renders with the vocabulary: no placeholder is left unfilled, except 004's
/// channel name, whose `{cluster}` the cockpit does not know and the person
/// creating the channel fills.
#[test]
fn every_template_of_every_builtin_playbook_renders() {
    let mut rendered = 0;
    for pb in books() {
        let inc = incident(&pb);
        let vars = Vars::incident(&inc, &pb);
        let keys = pb
            .templates
            .keys()
            .map(String::as_str)
            .chain(BUILTIN.iter().map(|(k, _)| *k));
        for key in keys {
            let t = template(&pb, None, key);
            let unknown = unknown_names(t, &vars);
            let expected: Vec<String> = if pb.name == "sre-major" && key == "channel_name" {
                vec!["cluster".into()]
            } else {
                Vec::new()
            };
            assert_eq!(unknown, expected, "{}: template `{key}`: {t}", pb.name);
            let text = render(t, &vars);
            // Only the names the vocabulary lacks are left in braces.
            assert_eq!(
                text.matches('{').count(),
                expected.len(),
                "{}: `{key}` rendered {text}",
                pb.name
            );
            for name in vars.names().filter(|n| t.contains(&format!("{{{n}}}"))) {
                assert!(
                    !text.contains(&format!("{{{name}}}")),
                    "{}: `{key}` left {{{name}}}: {text}",
                    pb.name
                );
            }
            rendered += 1;
        }
    }
    assert!(rendered > 60, "only {rendered} templates rendered");
}

#[test]
fn the_vocabulary_has_one_meaning_per_name() {
    let pb = books().into_iter().find(|p| p.name == "default").unwrap();
    let mut inc = incident(&pb);
    let vars = Vars::incident(&inc, &pb);
    // `{state}` is the state's label, never its key.
    assert_eq!(vars.get("state"), Some("Investigating"));
    // `{status}` is the status report: the summary until someone checks in.
    assert_eq!(vars.get("status"), Some("carts fail"));
    assert_eq!(vars.get("service_status"), Some(""));
    assert_eq!(vars.get("bridge"), Some("https://bridge.example/1"));
    assert_eq!(vars.get("ic"), Some("ann"));
    assert_eq!(vars.get("scribe"), Some(NONE));
    assert_eq!(vars.get("since"), Some("2026-11-21 10:00 UTC"));
    let e = event(
        &inc,
        "ann",
        5,
        EventKind::ServiceStatusChanged {
            status: "degraded".into(),
            reason: String::new(),
        },
    );
    inc.apply(&e, &pb).unwrap();
    let checkin = event(
        &inc,
        "bob",
        6,
        EventKind::CheckInHeld(CheckIn {
            status: "rolling back".into(),
            trend: Some(Trend::Better),
            next: "watch errors".into(),
            ..Default::default()
        }),
    );
    let during = Vars::event(&inc, &pb, &checkin);
    assert_eq!(during.get("status"), Some("rolling back"));
    assert_eq!(during.get("text"), Some("watch errors"));
    assert_eq!(during.get("author"), Some("bob"));
    inc.apply(&checkin, &pb).unwrap();
    let after = Vars::incident(&inc, &pb);
    assert_eq!(after.get("status"), Some("rolling back"));
    assert_eq!(after.get("service_status"), Some("Degraded performance"));
}

#[test]
fn handoff_accepted_has_one_wording_without_a_template() {
    let mut pb = books().into_iter().find(|p| p.name == "default").unwrap();
    pb.templates.remove("handoff_accepted");
    let mut vars = Vars::new();
    vars.set_handoff(&pb, "ic", "ann", "bea");
    assert_eq!(
        render(template(&pb, None, "handoff_accepted"), &vars),
        "bea has command as Incident Commander."
    );
}

#[test]
fn unknown_names_stay_visible_and_minijinja_works() {
    let mut vars = Vars::new();
    vars.set("a", "1");
    assert_eq!(render("{a}{b}{", &vars), "1{b}{");
    assert_eq!(render("{x {a}", &vars), "{x 1");
    assert_eq!(unknown_names("{a}{b}{", &vars), vec!["b".to_string()]);
    assert_eq!(render("{{ a }}{% if a %}!{% endif %}", &vars), "1!");
    // A MiniJinja template that names something unknown comes back as written.
    assert_eq!(render("{{ b }}", &vars), "{{ b }}");
    assert_eq!(unknown_names("{{ b }}", &vars).len(), 1);
    assert!(check("{% if %}").is_err());
    assert!(check("{plain}").is_ok());
}

#[test]
fn an_endpoint_template_wins_over_the_playbook_and_the_builtin() {
    let pb = books().into_iter().find(|p| p.name == "default").unwrap();
    let overrides =
        std::collections::BTreeMap::from([("page".to_string(), "P {title}".to_string())]);
    assert_eq!(template(&pb, Some(&overrides), "page"), "P {title}");
    assert_eq!(
        template(&pb, Some(&overrides), "declared"),
        "[Active Incident] {title}"
    );
    assert_eq!(template(&pb, None, "no_such_key"), "{title}");
}
