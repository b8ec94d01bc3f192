//! Fold and rule tests for the seeds' processes, over every shipped playbook:
//! ownership (003, 004), handoffs (000, 004), approvals (000, 001), states
//! and severity, security / PII, checklists, closing and the review.

use chrono::{DateTime, Duration, TimeZone, Utc};

use super::event::{ActionUpdate, Briefing, Event, EventKind, Proposal};
use super::ids::{EventId, IncidentId};
use super::incident::{ActionStatus, Incident};
use super::playbook::checklist::StepStatus;
use super::playbook::{Phase, Playbook};
use super::rules::RuleError;

const BOOKS: &[(&str, &str)] = &[
    (
        "default",
        include_str!("../../assets/playbooks/default.toml"),
    ),
    ("qpp", include_str!("../../assets/playbooks/qpp.toml")),
    ("ics", include_str!("../../assets/playbooks/ics.toml")),
    ("dxw", include_str!("../../assets/playbooks/dxw.toml")),
    (
        "eoc-imoc-cmoc",
        include_str!("../../assets/playbooks/eoc-imoc-cmoc.toml"),
    ),
    (
        "sre-major",
        include_str!("../../assets/playbooks/sre-major.toml"),
    ),
];

fn book(name: &str) -> Playbook {
    let (_, text) = BOOKS.iter().find(|(n, _)| *n == name).expect("shipped");
    Playbook::parse(&format!("{name}.toml"), text).unwrap_or_else(|e| panic!("{e}"))
}

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 21, 9, 0, 0).unwrap()
}

/// An incident under one playbook, driven by events at minutes after t0.
struct Run {
    pb: Playbook,
    inc: Incident,
}

impl Run {
    fn declare(name: &str, severity: &str, by: &str) -> Self {
        let pb = book(name);
        let mut r = Run {
            inc: Incident::new(IncidentId::new()),
            pb,
        };
        r.ok(
            0,
            by,
            EventKind::Declared {
                title: "checkout errors".into(),
                severity: severity.into(),
                summary: String::new(),
                security: false,
                playbook: name.into(),
            },
        );
        r
    }

    fn event(&self, min: i64, by: &str, kind: EventKind) -> Event {
        let at = t0() + Duration::minutes(min);
        Event::new(self.inc.id, by, at, at, kind)
    }

    fn ok(&mut self, min: i64, by: &str, kind: EventKind) -> EventId {
        let e = self.event(min, by, kind);
        let pb = self.pb.clone();
        self.inc
            .apply(&e, &pb)
            .unwrap_or_else(|err| panic!("{} refused: {err}", e.kind.name()));
        e.id
    }

    fn err(&mut self, min: i64, by: &str, kind: EventKind) -> RuleError {
        let e = self.event(min, by, kind);
        let before = self.inc.clone();
        let pb = self.pb.clone();
        let err = self.inc.apply(&e, &pb).expect_err("should be refused");
        assert_eq!(self.inc, before, "a refused event changes nothing");
        err
    }
}

fn assign(role: &str, person: &str) -> EventKind {
    EventKind::RoleAssigned {
        role: role.into(),
        person: person.into(),
    }
}

fn engage(role: &str, person: &str) -> EventKind {
    EventKind::RoleEngaged {
        role: role.into(),
        person: person.into(),
    }
}

fn state(s: &str) -> EventKind {
    EventKind::StateChanged {
        state: s.into(),
        reason: String::new(),
    }
}

fn handoff(role: &str, from: &str, to: &str, status: &str) -> EventKind {
    EventKind::RoleHandedOff {
        role: role.into(),
        from: from.into(),
        to: to.into(),
        briefing: Briefing {
            status: status.into(),
            ..Default::default()
        },
    }
}

fn accept(role: &str, person: &str) -> EventKind {
    EventKind::HandoffAccepted {
        role: role.into(),
        person: person.into(),
    }
}

fn tick(checklist: &str, step: &str, note: &str) -> EventKind {
    EventKind::ChecklistStepDone {
        checklist: checklist.into(),
        step: step.into(),
        note: note.into(),
    }
}

fn propose(what: &str) -> EventKind {
    EventKind::ActionProposed(Proposal {
        what: what.into(),
        why: "errors since the deploy".into(),
        risk: "low".into(),
        revert: "redeploy".into(),
    })
}

fn decide(kind: fn(ActionUpdate) -> EventKind, action: EventId, reason: &str) -> EventKind {
    kind(ActionUpdate {
        action,
        reason: reason.into(),
    })
}

fn retro(facilitator: &str, exception: &str) -> EventKind {
    EventKind::RetrospectiveScheduled {
        facilitator: facilitator.into(),
        on: None,
        link: String::new(),
        exception: exception.into(),
    }
}

/// The shortest path through the playbook's `next` lists, initial to resolved.
fn path_to_resolved(pb: &Playbook) -> Vec<String> {
    let target = pb.state_in_phase(Phase::Resolved).key.clone();
    let mut queue = vec![vec![pb.initial_state().key.clone()]];
    while !queue.is_empty() {
        let p = queue.remove(0);
        let last = p.last().unwrap().clone();
        if last == target {
            return p[1..].to_vec();
        }
        for n in &pb.state(&last).unwrap().next {
            if !p.contains(n) {
                let mut q = p.clone();
                q.push(n.clone());
                queue.push(q);
            }
        }
    }
    panic!("{}: resolved is unreachable", pb.name)
}

#[test]
fn every_playbook_runs_declare_to_close() {
    for (name, _) in BOOKS {
        let pb = book(name);
        let sev = pb.severities[0].name.clone();
        let mut r = Run::declare(name, &sev, "ann");
        let commander = pb.commander().key.clone();
        r.ok(1, "ann", engage(&commander, "ann"));
        // Whoever must resolve (003: the owner) is ann from here on.
        for c in pb.ownership.cascade.iter().filter(|c| **c != commander) {
            if pb.role(c).unwrap().combines_with.contains(&commander) {
                r.ok(1, "ann", engage(c, "ann"));
            }
        }
        if let Some(owner) = pb.roles.iter().find(|r| r.owns) {
            r.ok(1, "ann", assign(&owner.key, "olly"));
        }
        let mut min = 2;
        for s in path_to_resolved(&pb) {
            r.ok(min, "ann", state(&s));
            min += 1;
        }
        assert_eq!(r.inc.phase(&pb), Phase::Resolved, "{name}");
        r.ok(min, "ann", EventKind::CloseRequested {});
        let watch = pb.clocks.resolved_watch.map_or(0, |w| w.num_minutes());
        let close_at = min + watch + 1;
        // The playbook's close checklists: tick or record every open step.
        let blockers = r.inc.close_blockers(&pb);
        for (checklist, steps) in blockers {
            for s in steps {
                let key = s.split(' ').nth(1).unwrap().to_string();
                r.ok(close_at, "ann", tick(&checklist, &key, "done another way"));
            }
        }
        r.ok(close_at, "ann", EventKind::Closed {});
        assert_eq!(r.inc.phase(&pb), Phase::Closed, "{name}");
        assert!(r.inc.closed_at.is_some(), "{name}");
    }
}

#[test]
fn every_playbook_has_what_its_seed_needs() {
    for (name, _) in BOOKS {
        let pb = book(name);
        assert!(!pb.checklists.is_empty(), "{name} has checklists");
        assert!(
            pb.rules.severity_reason,
            "{name}: severity changes need a reason"
        );
        assert!(
            pb.templates.contains_key("close_request"),
            "{name}: the close question"
        );
        assert!(
            pb.tags.iter().any(|t| t.briefing.is_some()),
            "{name}: hypotheses feed the handoff briefing"
        );
        for s in &pb.severities {
            assert!(!s.description.is_empty(), "{name} {}", s.name);
        }
    }
    // 001: the communicator may be folded into the scribe.
    let ics = book("ics");
    assert_eq!(
        ics.role("communicator").unwrap().folds_into.as_deref(),
        Some("scribe")
    );
    assert_eq!(ics.clocks.checkin_min, Some(Duration::minutes(15)));
    assert_eq!(ics.clocks.resolved_watch, Some(Duration::minutes(15)));
    // 000: the closing script gates closing; the IC handoff needs "I have command".
    let qpp = book("qpp");
    assert!(qpp.checklist("closing").unwrap().blocks_close);
    assert!(qpp.commander().confirm_handoff);
    assert_eq!(qpp.clocks.security_report, Some(Duration::hours(1)));
    assert_eq!(qpp.clocks.checkin_min, None, "000 has no check-in loop");
    // 002: four severities, out of hours 18:00-10:00.
    let dxw = book("dxw");
    assert_eq!(dxw.severity_names(), "critical, major, minor, trivial");
    assert_eq!(dxw.clocks.out_of_hours_start.as_deref(), Some("18:00"));
    // 003: the cascade and the owner's resolve.
    let gl = book("eoc-imoc-cmoc");
    assert_eq!(gl.ownership.cascade, ["eoc", "imoc", "cmoc"]);
    assert!(gl.ownership.owner_resolves);
    // 004: the IC's 11 steps and the First Responder's 3.
    let sre = book("sre-major");
    assert_eq!(sre.checklist("ic").unwrap().steps.len(), 11);
    assert_eq!(sre.checklist("first_responder").unwrap().steps.len(), 3);
    assert!(sre.role("incident_owner").unwrap().lifecycle);
    assert!(sre.role("tech_lead").unwrap().changed_by_commander);
    // default keeps the 001 loop and SEV1-3.
    let d = book("default");
    assert_eq!(d.severity_names(), "SEV1, SEV2, SEV3");
    assert_eq!(d.clocks.checkin_max, Some(Duration::minutes(20)));
}

#[test]
fn a_playbook_shown_and_read_back_is_the_same() {
    for (name, _) in BOOKS {
        let pb = book(name);
        let text = toml::to_string_pretty(&pb).unwrap();
        let back = Playbook::parse("shown.toml", &text).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(
            super::playbook::fingerprint(&pb),
            super::playbook::fingerprint(&back),
            "{name}"
        );
    }
}

// ---- 003: cascading ownership -------------------------------------------------

#[test]
fn ownership_cascades_as_roles_engage_003() {
    let mut r = Run::declare("eoc-imoc-cmoc", "S2", "reporter");
    // "If another party has declared an incident, once the EOC is engaged the EOC owns the incident."
    assert_eq!(r.inc.owner(&r.pb).person, "reporter");
    r.ok(1, "eve", engage("eoc", "eve"));
    assert_eq!(r.inc.owner(&r.pb).person, "eve");
    // Until the IMOC engages, the EOC holds the IMOC's and CMOC's duties.
    let duties = r.inc.duties(&r.pb);
    let imoc = duties.iter().find(|d| d.role == "imoc").unwrap();
    assert_eq!(imoc.person.as_deref(), Some("eve"));
    assert_eq!(imoc.through.as_deref(), Some("eoc"));
    // Assigned is not engaged: ownership stays.
    r.ok(2, "eve", assign("imoc", "ian"));
    assert_eq!(r.inc.owner(&r.pb).person, "eve");
    r.ok(3, "ian", engage("imoc", "ian"));
    let owner = r.inc.owner(&r.pb);
    assert_eq!(
        (owner.person.as_str(), owner.role.as_deref()),
        ("ian", Some("imoc"))
    );
    let cmoc = r
        .inc
        .duties(&r.pb)
        .into_iter()
        .find(|d| d.role == "cmoc")
        .unwrap();
    assert_eq!(cmoc.person.as_deref(), Some("ian"));
    // "only the owner of the incident can declare an incident resolved"
    r.ok(4, "ian", state("identified"));
    r.ok(5, "eve", state("monitoring"));
    let e = r.err(6, "eve", state("resolved"));
    assert_eq!(
        e,
        RuleError::OnlyOwnerResolves {
            owner: "ian".into()
        }
    );
    r.ok(7, "ian", state("resolved"));
    // "Resolved: ... status is again Operational."
    assert_eq!(r.inc.service_status.as_deref(), Some("operational"));
}

#[test]
fn releasing_a_role_gives_ownership_back_down_the_cascade_003() {
    let mut r = Run::declare("eoc-imoc-cmoc", "S3", "eve");
    r.ok(1, "eve", engage("eoc", "eve"));
    r.ok(2, "ian", engage("imoc", "ian"));
    r.ok(
        3,
        "ian",
        EventKind::RoleReleased {
            role: "imoc".into(),
            person: "ian".into(),
        },
    );
    assert_eq!(r.inc.owner(&r.pb).person, "eve");
}

#[test]
fn service_status_is_separate_from_state_and_flags_a_missing_imoc_003() {
    let mut r = Run::declare("eoc-imoc-cmoc", "S1", "eve");
    r.ok(1, "eve", engage("eoc", "eve"));
    r.ok(
        2,
        "eve",
        EventKind::ServiceStatusChanged {
            status: "disruption".into(),
            reason: String::new(),
        },
    );
    assert_eq!(r.inc.state, "investigating");
    assert!(
        r.inc
            .gaps(&r.pb)
            .iter()
            .any(|g| g.what.contains("IMOC") && g.what.contains("must be engaged")),
        "{:?}",
        r.inc.gaps(&r.pb)
    );
    r.ok(3, "ian", engage("imoc", "ian"));
    assert!(
        !r.inc
            .gaps(&r.pb)
            .iter()
            .any(|g| g.what.contains("must be engaged"))
    );
    // 003 states move one step at a time.
    let e = r.err(4, "ian", state("resolved"));
    assert!(matches!(e, RuleError::StateTransition { .. }), "{e}");
}

#[test]
fn near_miss_keeps_the_severity_it_would_have_had_003() {
    let mut r = Run::declare("eoc-imoc-cmoc", "S4", "eve");
    r.ok(
        1,
        "eve",
        EventKind::NearMiss {
            would_be_severity: "s1".into(),
        },
    );
    assert_eq!(r.inc.near_miss.as_deref(), Some("S1"));
    assert_eq!(r.inc.severity, "S4");
    let nm = r
        .inc
        .checklist_progress(&r.pb, r.pb.checklist("near_miss").unwrap());
    assert!(matches!(nm.steps[0].status, StepStatus::Recorded { .. }));
    let e = r.err(
        2,
        "eve",
        EventKind::NearMiss {
            would_be_severity: "S9".into(),
        },
    );
    assert!(matches!(e, RuleError::UnknownSeverity { .. }));
}

// ---- 004: owner for the lifecycle, tech lead by the IC -----------------------

#[test]
fn incident_owner_stays_for_the_lifecycle_004() {
    let mut r = Run::declare("sre-major", "major", "fred");
    r.ok(1, "fred", assign("incident_owner", "fred"));
    r.ok(1, "fred", assign("tech_lead", "fred"));
    assert_eq!(r.inc.owner(&r.pb).person, "fred");
    let e = r.err(
        2,
        "fred",
        EventKind::RoleReleased {
            role: "incident_owner".into(),
            person: "fred".into(),
        },
    );
    assert!(matches!(e, RuleError::StaysForLifecycle(_)), "{e}");
    // "the handover needs to be fully documented"
    let e = r.err(3, "fred", handoff("incident_owner", "fred", "gina", ""));
    assert!(matches!(e, RuleError::HandoverUndocumented(_)), "{e}");
    r.ok(
        4,
        "fred",
        handoff(
            "incident_owner",
            "fred",
            "gina",
            "fred goes on leave; RCA draft in the doc",
        ),
    );
    assert_eq!(r.inc.owner(&r.pb).person, "gina");
}

#[test]
fn tech_lead_changes_only_by_the_commanders_decision_004() {
    let mut r = Run::declare("sre-major", "major", "fred");
    r.ok(1, "fred", assign("tech_lead", "fred"));
    // No IC yet: nobody may change the tech lead.
    let e = r.err(2, "fred", handoff("tech_lead", "fred", "gina", "status"));
    assert!(matches!(e, RuleError::CommanderDecides { .. }), "{e}");
    r.ok(3, "fred", assign("ic", "irene"));
    let e = r.err(4, "fred", handoff("tech_lead", "fred", "gina", "status"));
    assert!(e.to_string().contains("that is irene, not fred"), "{e}");
    r.ok(5, "irene", handoff("tech_lead", "fred", "gina", "status"));
    assert_eq!(r.inc.holders("tech_lead").next().unwrap().person, "gina");
    let e = r.err(
        6,
        "gina",
        EventKind::RoleReleased {
            role: "tech_lead".into(),
            person: "gina".into(),
        },
    );
    assert!(matches!(e, RuleError::CommanderDecides { .. }));
}

// ---- 000 / 004: handoff with a briefing and "I have command" -----------------

#[test]
fn command_passes_only_when_the_incoming_ic_says_so_000() {
    let mut r = Run::declare("qpp", "incident", "ann");
    r.ok(1, "ann", engage("ic", "ann"));
    r.ok(
        2,
        "ann",
        handoff("ic", "ann", "bob", "rollback done, watching"),
    );
    // The outgoing IC keeps command meanwhile: never a moment without one.
    assert_eq!(r.inc.commander(&r.pb).unwrap().person, "ann");
    assert!(r.inc.pending_handoff("ic").is_some());
    let e = r.err(3, "carl", accept("ic", "carl"));
    assert!(matches!(e, RuleError::NotHandoffTarget { .. }), "{e}");
    let e = r.err(3, "ann", handoff("ic", "ann", "carl", "x"));
    assert!(matches!(e, RuleError::HandoffPending { .. }), "{e}");
    r.ok(4, "bob", accept("ic", "bob"));
    assert_eq!(r.inc.commander(&r.pb).unwrap().person, "bob");
    let old = r.inc.roster.iter().find(|h| h.person == "ann").unwrap();
    assert_eq!(old.handed_to.as_deref(), Some("bob"));
    assert_eq!(old.released_at, Some(t0() + Duration::minutes(4)));
    let h = &r.inc.handoffs[0];
    assert_eq!(h.briefing.status, "rollback done, watching");
    assert_eq!(h.accepted_at, Some(t0() + Duration::minutes(4)));
    let e = r.err(5, "bob", accept("ic", "bob"));
    assert!(matches!(e, RuleError::NoPendingHandoff(_)));
}

#[test]
fn a_declined_handoff_leaves_command_where_it_was() {
    let mut r = Run::declare("default", "SEV2", "ann");
    r.ok(1, "ann", assign("ic", "ann"));
    r.ok(2, "ann", handoff("ic", "ann", "bob", "s"));
    r.ok(
        3,
        "bob",
        EventKind::HandoffDeclined {
            role: "ic".into(),
            reason: "on another incident".into(),
        },
    );
    assert_eq!(r.inc.commander(&r.pb).unwrap().person, "ann");
    assert!(r.inc.pending_handoff("ic").is_none());
    // A new offer may follow.
    r.ok(4, "ann", handoff("ic", "ann", "carl", "s"));
    r.ok(5, "carl", accept("ic", "carl"));
    assert_eq!(r.inc.commander(&r.pb).unwrap().person, "carl");
}

#[test]
fn roles_without_confirmation_hand_off_at_once() {
    let mut r = Run::declare("ics", "SEV2", "ann");
    r.ok(1, "ann", assign("ic", "ann"));
    r.ok(2, "ann", handoff("ic", "ann", "bob", ""));
    assert_eq!(r.inc.commander(&r.pb).unwrap().person, "bob");
    assert!(r.inc.handoffs[0].accepted_at.is_some());
}

#[test]
fn the_briefing_is_prefilled_from_the_journal_but_never_from_private_notes_004() {
    let mut r = Run::declare("sre-major", "major", "fred");
    r.ok(1, "fred", assign("ic", "irene"));
    let note = |text: &str, tag: &str, private: bool| EventKind::Note {
        text: text.into(),
        tag: tag.into(),
        private,
    };
    r.ok(2, "fred", note("etcd quorum lost", "hypothesis", false));
    r.ok(3, "fred", note("not the network", "eliminated", false));
    r.ok(
        4,
        "fred",
        note("customer 42's card number in log", "hypothesis", true),
    );
    r.ok(
        5,
        "irene",
        EventKind::CommsSent {
            audience: "customers".into(),
            text: "We are investigating.".into(),
        },
    );
    r.ok(
        6,
        "irene",
        EventKind::LinkSet {
            link: "bridge".into(),
            url: "https://meet/x".into(),
        },
    );
    let b = r.inc.briefing_draft(&r.pb);
    assert_eq!(b.hypotheses_open, "etcd quorum lost");
    assert_eq!(b.hypotheses_eliminated, "not the network");
    assert_eq!(
        b.last_customer_update,
        "to customers: We are investigating."
    );
    assert_eq!(b.last_customer_update_at, Some(t0() + Duration::minutes(5)));
    assert_eq!(b.channels, "bridge: https://meet/x");
    assert!(
        b.people.contains("irene (Incident Commander)"),
        "{}",
        b.people
    );
    assert_eq!(r.inc.private_notes, 1);
    assert!(!format!("{b:?}").contains("card number"));
}

#[test]
fn a_handoff_checklist_starts_over_for_each_handoff_004() {
    let mut r = Run::declare("sre-major", "major", "fred");
    r.ok(1, "fred", assign("ic", "irene"));
    r.ok(2, "irene", tick("handoff", "identify_incoming", ""));
    r.ok(3, "irene", handoff("ic", "irene", "jack", "status"));
    r.ok(4, "jack", accept("ic", "jack"));
    let c = r.pb.checklist("handoff").unwrap().clone();
    let p = r.inc.checklist_progress(&r.pb, &c);
    assert_eq!((p.done, p.total), (3, 5));
    // The next shift's handoff: the old ticks and facts belong to the last one.
    r.ok(60, "jack", handoff("ic", "jack", "kim", "status"));
    let p = r.inc.checklist_progress(&r.pb, &c);
    assert!(p.relevant);
    assert!(matches!(p.steps[0].status, StepStatus::Open));
    assert!(matches!(p.steps[1].status, StepStatus::Recorded { .. }));
    assert!(matches!(p.steps[2].status, StepStatus::Open));
}

// ---- 001 / 000: approvals -----------------------------------------------------

#[test]
fn only_the_deciding_roles_approve_and_rejection_needs_a_reason_001() {
    let mut r = Run::declare("ics", "SEV1", "ann");
    let a = r.ok(1, "ivan", propose("fail over to us-west"));
    // Nobody in command yet: the responder decides (003 cascade spirit).
    r.ok(2, "ann", assign("ic", "ann"));
    let e = r.err(3, "ivan", decide(EventKind::ActionApproved, a, ""));
    assert!(matches!(e, RuleError::NotDecider { .. }), "{e}");
    let e = r.err(3, "ann", decide(EventKind::ActionRejected, a, " "));
    assert_eq!(e, RuleError::Empty("the reason for rejecting"));
    r.ok(
        4,
        "ann",
        decide(EventKind::ActionRejected, a, "failover loses writes"),
    );
    assert_eq!(r.inc.action(a).unwrap().status, ActionStatus::Rejected);
    // Carrying it out is for investigators, not only the IC.
    let b = r.ok(5, "ivan", propose("restart the pool"));
    r.ok(6, "ann", decide(EventKind::ActionApproved, b, ""));
    r.ok(7, "ivan", decide(EventKind::ActionStarted, b, ""));
}

#[test]
fn asking_for_more_is_answered_by_an_amended_proposal() {
    let mut r = Run::declare("default", "SEV2", "ann");
    r.ok(1, "ann", assign("ic", "ann"));
    let a = r.ok(2, "ivan", propose("drop the cache"));
    r.ok(
        3,
        "ann",
        decide(EventKind::ActionInfoRequested, a, "how do we undo it?"),
    );
    assert!(r.inc.action(a).unwrap().status.awaits_decision());
    r.ok(
        4,
        "ivan",
        EventKind::ActionAmended {
            action: a,
            proposal: Proposal {
                what: "drop the cache".into(),
                revert: "warm it from the replica".into(),
                ..Default::default()
            },
        },
    );
    let act = r.inc.action(a).unwrap();
    assert_eq!(act.status, ActionStatus::Proposed);
    assert_eq!(act.proposal.revert, "warm it from the replica");
    assert_eq!(act.revisions.len(), 1);
    assert_eq!(act.revisions[0].revert, "redeploy");
    r.ok(5, "ann", decide(EventKind::ActionApproved, a, ""));
    // An approved measure is no longer amended: propose a new one.
    let e = r.err(
        6,
        "ivan",
        EventKind::ActionAmended {
            action: a,
            proposal: Proposal {
                what: "x".into(),
                ..Default::default()
            },
        },
    );
    assert!(matches!(e, RuleError::ActionTransition { .. }), "{e}");
}

#[test]
fn approved_measures_come_up_for_review_at_the_next_checkin_001() {
    let mut r = Run::declare("default", "SEV2", "ann");
    r.ok(1, "ann", assign("ic", "ann"));
    let a = r.ok(2, "ivan", propose("roll back"));
    let b = r.ok(2, "ivan", propose("scale up"));
    let c = r.ok(2, "ivan", propose("page the DBA"));
    r.ok(3, "ann", decide(EventKind::ActionApproved, a, ""));
    r.ok(3, "ann", decide(EventKind::ActionApproved, b, ""));
    r.ok(3, "ann", decide(EventKind::ActionRejected, c, "not yet"));
    let numbers =
        |r: &Run| -> Vec<usize> { r.inc.actions_to_review().iter().map(|a| a.number).collect() };
    assert_eq!(numbers(&r), [1, 2], "rejected ones are not reviewed");
    r.ok(5, "ivan", decide(EventKind::ActionDone, a, ""));
    r.ok(
        17,
        "ann",
        EventKind::CheckInHeld(super::event::CheckIn {
            status: "errors falling".into(),
            ..Default::default()
        }),
    );
    // After the check-in: the finished one was reviewed; the running one stays.
    assert_eq!(numbers(&r), [2]);
    r.ok(
        20,
        "ivan",
        decide(EventKind::ActionFailed, b, "no capacity"),
    );
    assert_eq!(numbers(&r), [2], "its outcome is new since the check-in");
}

// ---- states and severity ------------------------------------------------------

#[test]
fn severity_changes_need_a_reason_in_every_shipped_playbook() {
    for (name, _) in BOOKS {
        let pb = book(name);
        let first = pb.severities[0].name.clone();
        let last = pb.severities.last().unwrap().name.clone();
        let mut r = Run::declare(name, &last, "ann");
        let e = r.err(
            1,
            "ann",
            EventKind::SeverityChanged {
                severity: first.clone(),
                reason: String::new(),
            },
        );
        assert_eq!(
            e,
            RuleError::Empty("the reason for the severity change"),
            "{name}"
        );
        r.ok(
            2,
            "ann",
            EventKind::SeverityChanged {
                severity: first.clone(),
                reason: "second region affected".into(),
            },
        );
        assert_eq!(r.inc.severity, first);
    }
}

// ---- security / PII -------------------------------------------------------------

#[test]
fn a_security_flag_later_starts_the_report_clock_once_000() {
    let mut r = Run::declare("qpp", "incident", "ann");
    assert!(r.inc.security.is_none());
    let form = r.pb.checklist("ic_start").unwrap().clone();
    let p = r.inc.checklist_progress(&r.pb, &form);
    assert!(matches!(
        p.steps[5].status,
        StepStatus::NotApplicable { .. }
    ));
    let e = r.err(1, "ann", tick("ic_start", "security_form", "done"));
    assert!(matches!(e, RuleError::StepNotApplicable { .. }), "{e}");
    r.ok(
        10,
        "ann",
        EventKind::SecurityFlagged {
            details: "TINs in the logs".into(),
        },
    );
    r.ok(
        30,
        "ann",
        EventKind::SecurityFlagged {
            details: "also in Splunk".into(),
        },
    );
    let s = r.inc.security.as_ref().unwrap();
    assert_eq!(
        s.at,
        t0() + Duration::minutes(10),
        "the clock runs from the first flag"
    );
    assert_eq!(s.details, "TINs in the logs; also in Splunk");
    let p = r.inc.checklist_progress(&r.pb, &form);
    assert!(matches!(p.steps[5].status, StepStatus::Open));
    // "someone who is not working on remediating the incident"
    r.ok(31, "ann", assign("incident_team", "ivan"));
    let e = r.err(32, "ann", assign("security_reporter", "ivan"));
    assert!(matches!(e, RuleError::RolesDoNotCombine { .. }), "{e}");
    r.ok(33, "ann", assign("security_reporter", "sue"));
    let p = r.inc.checklist_progress(&r.pb, &form);
    assert!(matches!(p.steps[5].status, StepStatus::Recorded { .. }));
}

#[test]
fn a_security_flag_at_declaration_counts_from_then() {
    let pb = book("dxw");
    let mut inc = Incident::new(IncidentId::new());
    let e = Event::new(
        inc.id,
        "ann",
        t0(),
        t0(),
        EventKind::Declared {
            title: "wp defaced".into(),
            severity: "critical".into(),
            summary: String::new(),
            security: true,
            playbook: "dxw".into(),
        },
    );
    inc.apply(&e, &pb).unwrap();
    assert_eq!(inc.security.as_ref().unwrap().at, t0());
    assert!(inc.checklists_now(&pb).iter().any(|c| c.key == "breach"));
}

// ---- checklists -------------------------------------------------------------------

#[test]
fn ticking_steps_folds_into_progress_and_can_be_undone() {
    let mut r = Run::declare("default", "SEV2", "ann");
    let c = r.pb.checklist("start").unwrap().clone();
    assert_eq!(r.inc.checklist_progress(&r.pb, &c).done, 0);
    r.ok(1, "ann", tick("START", "4", "")); // by number, in any case
    let e = r.err(3, "ann", tick("start", "mitigate_first", ""));
    assert!(
        matches!(e, RuleError::StepAlreadyDone(_)),
        "step 4 is mitigate_first"
    );
    assert_eq!(
        r.inc.checklist_marks["start"]["mitigate_first"].at,
        t0() + Duration::minutes(1)
    );
    let p = r.inc.checklist_progress(&r.pb, &c);
    assert_eq!(p.done, 1);
    r.ok(
        4,
        "ann",
        EventKind::ChecklistStepUndone {
            checklist: "start".into(),
            step: "mitigate_first".into(),
            reason: "ticked too early".into(),
        },
    );
    assert_eq!(r.inc.checklist_progress(&r.pb, &c).done, 0);
    let e = r.err(5, "ann", tick("start", "nope", ""));
    assert!(matches!(e, RuleError::UnknownStep { .. }));
    let e = r.err(5, "ann", tick("nope", "1", ""));
    assert!(matches!(e, RuleError::UnknownChecklist { .. }));
}

#[test]
fn recorded_steps_are_done_by_doing_them_or_ticked_with_a_reason() {
    let mut r = Run::declare("default", "SEV2", "ann");
    let e = r.err(1, "ann", tick("start", "bridge", ""));
    assert!(matches!(e, RuleError::StepIsRecorded { .. }), "{e}");
    r.ok(
        2,
        "ann",
        EventKind::LinkSet {
            link: "bridge".into(),
            url: "tel:+1-555".into(),
        },
    );
    r.ok(3, "ann", assign("scribe", "sam"));
    r.ok(
        4,
        "ann",
        tick("start", "document", "n/a: the chat channel is the record"),
    );
    let p = r
        .inc
        .checklist_progress(&r.pb, r.pb.checklist("start").unwrap());
    let status = |key: &str| &p.steps.iter().find(|s| s.step.key == key).unwrap().status;
    assert!(
        matches!(status("bridge"), StepStatus::Recorded { what } if what.contains("tel:+1-555"))
    );
    assert!(matches!(status("scribe"), StepStatus::Recorded { .. }));
    assert!(matches!(status("document"), StepStatus::Ticked(m) if m.note.starts_with("n/a")));
}

#[test]
fn a_folded_role_satisfies_its_assignment_step_001() {
    let mut r = Run::declare("ics", "SEV3", "ann");
    r.ok(1, "ann", assign("scribe", "sam"));
    let p = r
        .inc
        .checklist_progress(&r.pb, r.pb.checklist("start").unwrap());
    let comm = p
        .steps
        .iter()
        .find(|s| s.step.key == "find_communicator")
        .unwrap();
    assert!(
        matches!(&comm.status, StepStatus::Recorded { what } if what.contains("folded into Scribe"))
    );
    assert!(
        !r.inc
            .gaps(&r.pb)
            .iter()
            .any(|g| g.what.contains("Communicator")),
        "the scribe carries the communicator's duties"
    );
}

#[test]
fn steps_apply_by_severity_002() {
    let mut r = Run::declare("dxw", "minor", "ann");
    let p = r
        .inc
        .checklist_progress(&r.pb, r.pb.checklist("declare").unwrap());
    let general = p.steps.iter().find(|s| s.step.key == "general").unwrap();
    assert!(matches!(general.status, StepStatus::NotApplicable { .. }));
    r.ok(
        1,
        "ann",
        EventKind::SeverityChanged {
            severity: "major".into(),
            reason: "site search broken".into(),
        },
    );
    let p = r
        .inc
        .checklist_progress(&r.pb, r.pb.checklist("declare").unwrap());
    let general = p.steps.iter().find(|s| s.step.key == "general").unwrap();
    assert!(matches!(general.status, StepStatus::Open));
}

// ---- closing and the review ---------------------------------------------------------

fn resolved_default() -> Run {
    let mut r = Run::declare("default", "SEV2", "ann");
    r.ok(1, "ann", assign("ic", "ann"));
    r.ok(1, "ann", assign("scribe", "sam"));
    r.ok(10, "ann", state("resolved"));
    r
}

#[test]
fn the_close_flow_asks_waits_for_objections_and_the_watch_000_001() {
    let mut r = resolved_default();
    r.ok(11, "ann", EventKind::CloseRequested {});
    r.ok(
        12,
        "olga",
        EventKind::ObjectionRaised {
            reason: "EU customers still see errors".into(),
        },
    );
    let ready = r.inc.close_readiness(&r.pb, t0() + Duration::minutes(20));
    assert_eq!(
        ready.question,
        "Is anyone opposed to me closing this incident?"
    );
    assert_eq!(ready.objections.len(), 1);
    assert_eq!(ready.watch_remaining, Some(Duration::minutes(5)));
    assert!(ready.refusal.unwrap().contains("objection"));
    let oid = r.inc.objections[0].id;
    r.ok(13, "olga", EventKind::ObjectionWithdrawn { objection: oid });
    let e = r.err(20, "ann", EventKind::Closed {});
    assert!(matches!(e, RuleError::WatchNotOver { .. }), "{e}");
    assert!(
        r.inc
            .close_readiness(&r.pb, t0() + Duration::minutes(26))
            .refusal
            .is_none()
    );
    // The default close checklist guides but does not block.
    r.ok(26, "ann", EventKind::Closed {});
    let close = r
        .inc
        .checklist_progress(&r.pb, r.pb.checklist("close").unwrap());
    assert!(close.relevant && !close.is_complete());
    // After closing, the steps can still be ticked and the review scheduled.
    r.ok(30, "ann", tick("close", "bridge_shut", ""));
    r.ok(31, "ann", retro("rita", ""));
}

#[test]
fn the_closing_script_blocks_closing_until_done_000() {
    let mut r = Run::declare("qpp", "incident", "ann");
    r.ok(1, "ann", assign("ic", "ann"));
    r.ok(5, "ann", state("resolved"));
    assert_eq!(r.inc.service_status.as_deref(), Some("normal"));
    r.ok(6, "ann", EventKind::CloseRequested {});
    let e = r.err(7, "ann", EventKind::Closed {});
    match e {
        RuleError::ChecklistOpen { checklist, steps } => {
            assert_eq!(checklist, "closing");
            assert!(steps.starts_with("2 bridge_shut"), "{steps}");
            assert!(steps.ends_with("6 retrospective"), "{steps}");
        }
        other => panic!("{other}"),
    }
    for s in [
        "bridge_shut",
        "topic_reset",
        "paging_resolved",
        "actions_documented",
    ] {
        r.ok(8, "ann", tick("closing", s, ""));
    }
    // 000 has no facilitator rule: "with everyone involved".
    r.ok(9, "ann", retro("ann", ""));
    r.ok(10, "ann", EventKind::Closed {});
}

#[test]
fn the_facilitator_was_not_involved_001_002() {
    for name in ["default", "ics", "dxw"] {
        let pb = book(name);
        let sev = pb.severities[0].name.clone();
        let mut r = Run::declare(name, &sev, "ann");
        let cmd = pb.commander().key.clone();
        r.ok(1, "ann", assign(&cmd, "bob"));
        let e = r.err(2, "bob", retro("rita", ""));
        assert!(matches!(e, RuleError::ReviewTooEarly(_)), "{name}: {e}");
        for s in path_to_resolved(&pb) {
            r.ok(3, "bob", state(&s));
        }
        let e = r.err(4, "bob", retro("bob", ""));
        assert!(e.to_string().contains("held"), "{name}: {e}");
        let e = r.err(4, "bob", retro("ann", ""));
        assert!(e.to_string().contains("declared"), "{name}: {e}");
        r.ok(5, "bob", retro("ann", "everyone else is on leave"));
        r.ok(6, "bob", retro("rita", ""));
        assert_eq!(r.inc.retrospective.as_ref().unwrap().facilitator, "rita");
    }
}

#[test]
fn the_review_is_run_by_the_playbooks_role_003_004() {
    let mut r = Run::declare("sre-major", "major", "fred");
    r.ok(1, "fred", assign("incident_owner", "fred"));
    r.ok(2, "fred", state("recovered"));
    let e = r.err(3, "fred", retro("irene", ""));
    assert!(matches!(e, RuleError::FacilitatorNotInRole { .. }), "{e}");
    r.ok(4, "fred", retro("fred", ""));

    let mut r = Run::declare("eoc-imoc-cmoc", "S3", "eve");
    r.ok(1, "eve", engage("eoc", "eve"));
    r.ok(2, "eve", state("identified"));
    r.ok(3, "eve", state("monitoring"));
    r.ok(4, "eve", state("resolved"));
    // No IMOC ever engaged (an S3): whoever runs it, runs it.
    r.ok(5, "eve", retro("eve", ""));
}

#[test]
fn recorded_process_events_replay_to_the_same_state() {
    // The fold is the source of truth: replaying what was applied gives the same incident.
    let mut r = Run::declare("qpp", "incident", "ann");
    let mut events = Vec::new();
    let mut push = |r: &mut Run, min: i64, by: &str, k: EventKind| {
        let e = r.event(min, by, k);
        let pb = r.pb.clone();
        r.inc.apply(&e, &pb).unwrap();
        events.push(e);
    };
    push(&mut r, 1, "ann", assign("ic", "ann"));
    push(&mut r, 2, "ann", handoff("ic", "ann", "bob", "s"));
    push(&mut r, 3, "bob", accept("ic", "bob"));
    push(&mut r, 4, "bob", tick("ic_start", "track", ""));
    let mut fresh = Incident::new(r.inc.id);
    let declared = Event::new(
        r.inc.id,
        "ann",
        t0(),
        t0(),
        EventKind::Declared {
            title: "checkout errors".into(),
            severity: "incident".into(),
            summary: String::new(),
            security: false,
            playbook: "qpp".into(),
        },
    );
    fresh.apply(&declared, &r.pb).unwrap();
    for e in &events {
        fresh.apply(e, &r.pb).unwrap();
    }
    assert_eq!(fresh.handoffs.len(), 1);
    assert_eq!(fresh.commander(&r.pb).unwrap().person, "bob");
    assert_eq!(fresh.checklist_marks, r.inc.checklist_marks);
}
