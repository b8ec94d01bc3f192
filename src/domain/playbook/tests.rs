//! Parsing and lookups of the playbook model.
use super::*;

pub const DEFAULT: &str = include_str!("../../../assets/playbooks/default.toml");

#[test]
fn default_playbook_parses() {
    let pb = Playbook::parse("default.toml", DEFAULT).unwrap();
    assert_eq!(pb.name, "default");
    assert_eq!(pb.commander().key, "ic");
    assert_eq!(pb.clocks.checkin_min, Some(Duration::minutes(15)));
    assert_eq!(pb.initial_state().key, "investigating");
}

#[test]
fn durations_parse_and_print() {
    assert_eq!(parse_duration("15m"), Some(Duration::minutes(15)));
    assert_eq!(parse_duration("1h30m"), Some(Duration::minutes(90)));
    assert_eq!(parse_duration("90s"), Some(Duration::seconds(90)));
    assert_eq!(parse_duration("2d"), Some(Duration::days(2)));
    assert_eq!(parse_duration("0"), Some(Duration::zero()));
    assert_eq!(parse_duration("15"), None);
    assert_eq!(parse_duration("m"), None);
    assert_eq!(parse_duration("1x"), None);
    assert_eq!(format_duration(Duration::minutes(90)), "1h30m");
}

#[test]
fn syntax_errors_name_file_line_and_key() {
    let broken = DEFAULT.replacen("checkin_min = \"15m\"", "checkin_min = \"fifteen\"", 1);
    let e = Playbook::parse("pb.toml", &broken).unwrap_err();
    let line = DEFAULT
        .lines()
        .position(|l| l.starts_with("checkin_min"))
        .unwrap()
        + 1;
    assert_eq!(e.line, Some(line), "{e}");
    assert!(
        e.to_string().starts_with(&format!("pb.toml:{line}:")),
        "{e}"
    );
    assert!(e.message.contains("not a duration"), "{e}");
}

#[test]
fn unknown_keys_are_refused_with_their_line() {
    let broken = DEFAULT.replacen("default_tag =", "colour = \"red\"\ndefault_tag =", 1);
    let e = Playbook::parse("pb.toml", &broken).unwrap_err();
    assert_eq!(e.key, "colour");
    assert!(e.message.contains("unknown field"), "{e}");
    let line = broken
        .lines()
        .position(|l| l.starts_with("colour"))
        .unwrap()
        + 1;
    assert_eq!(e.line, Some(line));
}

#[test]
fn semantic_errors_point_at_the_key() {
    let broken = DEFAULT.replacen("next = [\"identified\"", "next = [\"nowhere\"", 1);
    let e = Playbook::parse("pb.toml", &broken).unwrap_err();
    assert!(e.key.starts_with("state[0].next"), "{e}");
    let line = broken
        .lines()
        .position(|l| l.contains("\"nowhere\""))
        .unwrap()
        + 1;
    assert_eq!(e.line, Some(line), "{e}");

    let two_commanders = DEFAULT.replace("key = \"deputy\"", "key = \"deputy\"\ncommands = true");
    let e = Playbook::parse("pb.toml", &two_commanders).unwrap_err();
    assert!(e.message.contains("exactly one role"), "{e}");

    let bad_tag = DEFAULT.replacen("default_tag = \"note\"", "default_tag = \"nope\"", 1);
    assert!(
        Playbook::parse("pb.toml", &bad_tag)
            .unwrap_err()
            .message
            .contains("no tag `nope`")
    );
}

#[test]
fn lookups_ignore_case() {
    let pb = Playbook::parse("default.toml", DEFAULT).unwrap();
    assert_eq!(pb.severity("sev1").unwrap().name, "SEV1");
    assert!(pb.role("IC").is_some());
    assert!(pb.tag("Mitigation").is_some());
}
