//! Issue 13, items 8 and 9: which role's engagement acknowledges (playbook
//! data; 003 the EOC), the Investigating escalation ends once the role it
//! escalates to has engaged (003 the IMOC), and 002's out-of-hours rule by
//! severity (critical and major at once, others after 30 minutes).

use super::*;

const EOC: &str = include_str!("../../../../assets/playbooks/eoc-imoc-cmoc.toml");
const DXW: &str = include_str!("../../../../assets/playbooks/dxw.toml");

fn book(name: &str, text: &str) -> Playbook {
    Playbook::parse(name, text).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn in_003_the_eoc_acknowledges_and_the_imoc_does_not() {
    let mut r = Run::declared_at(
        book("eoc-imoc-cmoc.toml", EOC),
        utc("2026-11-18T12:00:00Z"),
        "S2",
    );
    assert_eq!(r.clock("ack", 0).due_at, r.t(15), "003: within 15 minutes");
    r.at(3, role("engage", "imoc", "ian"));
    assert_ne!(
        r.state("ack", 3),
        Satisfied,
        "the IMOC is who it escalates to"
    );
    r.at(5, role("engage", "eoc", "eve"));
    let c = r.clock("ack", 5);
    assert_eq!(
        (c.state, c.satisfied_by.as_deref()),
        (Satisfied, Some("Engineer On Call (EOC) engaged"))
    );
}

#[test]
fn the_default_playbook_still_acknowledges_with_the_ic() {
    let mut r = Run::new(pb_with(""));
    r.at(1, role("engage", "ic", "bob"));
    assert_eq!(r.state("ack", 1), Satisfied);
}

#[test]
fn in_003_investigating_stops_escalating_once_the_imoc_engaged() {
    let mut r = Run::declared_at(
        book("eoc-imoc-cmoc.toml", EOC),
        utc("2026-11-18T12:00:00Z"),
        "S2",
    );
    r.at(1, role("engage", "eoc", "eve"));
    assert_eq!(r.states("investigating", &[31, 40]), [Due, Overdue]);
    r.at(41, role("engage", "imoc", "ian"));
    let c = r.clock("investigating", 42);
    assert_eq!(
        (c.state, c.satisfied_by.as_deref()),
        (Satisfied, Some("Incident Manager On Call (IMOC) engaged"))
    );
}

#[test]
fn in_002_critical_and_major_escalate_at_once_out_of_hours() {
    // Wednesday 2026-11-18 20:00 London (UTC+0): out of hours (18:00-10:00).
    let night = utc("2026-11-18T20:00:00Z");
    for (severity, after) in [
        ("critical", 0),
        ("major", 0),
        ("minor", 30),
        ("trivial", 30),
    ] {
        let mut r = Run::declared_at(book("dxw.toml", DXW), night, severity);
        r.zone = London;
        let c = r.clock("out_of_hours_escalate", 0);
        assert_eq!(
            c.due_at,
            night + Duration::minutes(after),
            "{severity}: escalate after {after} min"
        );
        if after == 0 {
            assert_eq!(c.state, Due, "{severity} is due at once");
        }
    }
}
