//! Who may close (issue 13, item 7): 000 "the IC asks and decides"; the
//! playbook names who (`[ownership] close_by`, default the role in command,
//! 003 the owner); everyone may still object.

use super::*;

fn role_event(engage: bool, role: &str, person: &str) -> EventKind {
    let (role, person) = (role.to_string(), person.to_string());
    if engage {
        EventKind::RoleEngaged { role, person }
    } else {
        EventKind::RoleAssigned { role, person }
    }
}

fn book(name: &str) -> Playbook {
    let (file, text) = BUILTIN_PLAYBOOKS
        .iter()
        .find(|(f, _)| *f == name)
        .expect("a built-in playbook");
    Playbook::parse(file, text).expect("built-in playbook parses")
}

#[test]
fn only_the_ic_requests_and_confirms_the_close_and_anyone_objects() {
    let mut r = Run::declared();
    r.at(1).ok(role_event(false, "ic", "bob"));
    r.at(30).resolve();
    // Carol holds no role: she may not ask to close, nor may ann who declared.
    for who in ["carol", "ann"] {
        let err = r.at(50).by(who).err(EventKind::CloseRequested {});
        assert_eq!(
            err,
            RuleError::NotCloser {
                who: "Incident Commander (bob)".into(),
                person: who.into()
            }
        );
        assert!(err.to_string().contains("may object instead"), "{err}");
    }
    r.by("bob").ok(EventKind::CloseRequested {});
    // Anyone may object, and withdraw.
    let o = r.at(51).by("carol").ok(EventKind::ObjectionRaised {
        reason: "still flapping".into(),
    });
    r.at(52)
        .ok(EventKind::ObjectionWithdrawn { objection: o.id });
    assert!(matches!(
        r.at(53).by("carol").err(EventKind::Closed {}),
        RuleError::NotCloser { .. }
    ));
    r.by("bob").ok(EventKind::Closed {});
    assert_eq!(r.inc.phase(&r.pb), Phase::Closed);
}

#[test]
fn with_no_ic_the_person_who_declared_closes() {
    let mut r = Run::declared();
    r.at(30).resolve();
    assert_eq!(r.inc.closers(&r.pb), vec!["ann".to_string()]);
    assert!(matches!(
        r.at(50).by("zed").err(EventKind::CloseRequested {}),
        RuleError::NotCloser { .. }
    ));
    r.by("ann").ok(EventKind::CloseRequested {});
}

#[test]
fn in_003_the_owner_closes() {
    let mut r = Run::with(book("eoc-imoc-cmoc.toml"));
    r.ok(declared("db down", "S2"));
    r.at(1).by("eve").ok(role_event(true, "eoc", "eve"));
    r.at(5).by("ian").ok(role_event(true, "imoc", "ian"));
    // The IMOC engaged last in the cascade: ian owns, resolves and closes.
    assert_eq!(r.inc.closers(&r.pb), vec!["ian".to_string()]);
    r.at(20).by("ian").ok(state("identified"));
    r.at(25).ok(state("monitoring"));
    r.at(30).resolve();
    let err = r.at(50).by("eve").err(EventKind::CloseRequested {});
    assert!(
        err.to_string().starts_with("only the incident owner (ian)"),
        "{err}"
    );
    r.by("ian").ok(EventKind::CloseRequested {});
}

#[test]
fn close_by_names_roles_the_playbook_knows() {
    let text = BUILTIN_PLAYBOOKS[0].1.replacen(
        "[clocks]\n",
        "[ownership]\nclose_by = [\"nobody\"]\n\n[clocks]\n",
        1,
    );
    let err = Playbook::parse("edited.toml", &text)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("close_by") && err.contains("no role `nobody`"),
        "{err}"
    );
}

/// Issue 13, item 3: the watch's refusal names the playbook's duration.
#[test]
fn the_watch_refusal_names_the_playbooks_duration() {
    let pb = pb_edited("resolved_watch = \"15m\"", "resolved_watch = \"40m\"");
    let mut r = Run::declared_with(pb);
    r.at(30).resolve();
    r.at(31).ok(EventKind::CloseRequested {});
    assert_eq!(
        r.at(50).err(EventKind::Closed {}).to_string(),
        "watch the service 20m 00s more before closing (001: wait 40m after resolution)"
    );
}
