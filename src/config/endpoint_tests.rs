use super::*;
use crate::config::Config;

fn parse(text: &str) -> Result<Config, String> {
    Config::parse(Path::new("/etc/cockpit.toml"), text).map_err(|e| e.to_string())
}

#[test]
fn a_full_set_of_endpoints_is_typed() {
    let c = parse(
        r#"
author = "ann"

[[endpoint]]
name = "pd"
kind = "pagerduty"
routing_key = "env:PD_KEY"

[[endpoint]]
name = "room"
kind = "matrix"
url = "http://127.0.0.1:18008/"
token = "file:/run/secrets/matrix"
room = "!abc:localhost"
read = true
events = ["declared", "note"]
timeout = "3s"

[[endpoint]]
name = "hook"
kind = "webhook"
url = "env:HOOK_URL"
secret = "env:HOOK_KEY"
templates = { declared = "NEW {title}" }
"#,
    )
    .unwrap();
    assert_eq!(c.endpoints.len(), 3);
    let pd = &c.endpoints[0];
    assert_eq!(pd.kind, EndpointKind::Pagerduty);
    assert_eq!(pd.routing_key, Some(SecretRef::Env("PD_KEY".into())));
    assert_eq!(pd.timeout, DEFAULT_TIMEOUT);
    assert_eq!(pd.origin, "/etc/cockpit.toml:5");
    let m = &c.endpoints[1];
    assert_eq!(
        m.url,
        Some(UrlSetting::Plain("http://127.0.0.1:18008".into()))
    );
    assert_eq!(m.token, Some(SecretRef::File("/run/secrets/matrix".into())));
    assert!(m.read);
    assert_eq!(m.timeout, Duration::from_secs(3));
    assert_eq!(
        m.events.as_ref().unwrap().iter().collect::<Vec<_>>(),
        ["declared", "note"]
    );
    let h = &c.endpoints[2];
    assert_eq!(
        h.url,
        Some(UrlSetting::Secret(SecretRef::Env("HOOK_URL".into())))
    );
    assert_eq!(h.templates["declared"], "NEW {title}");
}

#[test]
fn mistakes_name_file_line_and_key_and_never_echo_a_secret() {
    let e = parse(
        "[[endpoint]]\nname = \"pd\"\nkind = \"pagerduty\"\nrouting_key = \"R0123456789abcdef\"\n",
    )
    .unwrap_err();
    assert!(
        e.starts_with("/etc/cockpit.toml:4: endpoint.routing_key: a secret is never written"),
        "{e}"
    );
    assert!(!e.contains("R0123456789abcdef"), "{e}");

    let e = parse(
        "[[endpoint]]\nname = \"s\"\nkind = \"slack_webhook\"\nurl = \"https://hooks.slack.com/services/T1/B2/XYZ\"\n",
    )
    .unwrap_err();
    assert!(
        e.starts_with("/etc/cockpit.toml:4: endpoint.url: a slack_webhook URL is a credential"),
        "{e}"
    );
    assert!(!e.contains("XYZ"), "{e}");

    let e = parse("[[endpoint]]\nname = \"x\"\nkind = \"pigeon\"\n").unwrap_err();
    assert!(
        e.starts_with(
            "/etc/cockpit.toml:3: endpoint.kind: unknown kind `pigeon`; valid: pagerduty,"
        ),
        "{e}"
    );

    let e = parse(
        "[[endpoint]]\nname = \"m\"\nkind = \"matrix\"\nurl = \"http://h\"\ntoken = \"env:T\"\n",
    )
    .unwrap_err();
    assert!(
        e.starts_with("/etc/cockpit.toml:2: endpoint.room: endpoint `m` (matrix) needs `room`"),
        "{e}"
    );

    let e = parse("[[endpoint]]\nname = \"pd\"\nkind = \"pagerduty\"\nrouting_key = \"env:K\"\nroom = \"!r\"\n").unwrap_err();
    assert!(
        e.starts_with(
            "/etc/cockpit.toml:5: endpoint.room: endpoint `pd` (pagerduty) does not use `room`"
        ),
        "{e}"
    );

    let e = parse("[[endpoint]]\nname = \"pd\"\nkind = \"pagerduty\"\nrouting_key = \"env:K\"\nevents = [\"declared\", \"explosion\"]\n").unwrap_err();
    assert!(
        e.starts_with("/etc/cockpit.toml:5: endpoint.events: unknown event kind `explosion`"),
        "{e}"
    );

    let e = parse("[[endpoint]]\nname = \"pd\"\nkind = \"pagerduty\"\nrouting_key = \"env:K\"\ncolour = \"red\"\n").unwrap_err();
    assert!(
        e.starts_with("/etc/cockpit.toml:5: colour: unknown field"),
        "{e}"
    );

    let e = parse("[[endpoint]]\nname = \"a\"\nkind = \"pagerduty\"\nrouting_key = \"env:K\"\n[[endpoint]]\nname = \"a\"\nkind = \"teams\"\nurl = \"env:U\"\n").unwrap_err();
    assert!(
        e.starts_with("/etc/cockpit.toml:6: endpoint.name: a second endpoint is named `a`"),
        "{e}"
    );

    let e = parse("[[endpoint]]\nname = \"m\"\nkind = \"alertmanager\"\nurl = \"ftp://h\"\n")
        .unwrap_err();
    assert!(
        e.starts_with("/etc/cockpit.toml:4: endpoint.url: not an http"),
        "{e}"
    );

    let e = parse("[[endpoint]]\nname = \"pd\"\nkind = \"pagerduty\"\nrouting_key = \"env:K\"\ntimeout = \"soon\"\n").unwrap_err();
    assert!(
        e.starts_with("/etc/cockpit.toml:5: endpoint.timeout:"),
        "{e}"
    );
}

#[test]
fn secrets_come_from_the_environment_or_a_private_file() {
    // A variable name unique to this test, so parallel tests cannot race on it.
    let var = "COCKPIT_TEST_SECRET_8F3A";
    assert_eq!(
        SecretRef::Env(var.into()).resolve(),
        Err(SecretError::MissingEnv(var.into()))
    );
    // SAFETY: no other test reads or writes this variable.
    #[allow(unsafe_code)]
    unsafe {
        std::env::set_var(var, "tok-123\n")
    };
    let s = SecretRef::Env(var.into()).resolve().unwrap();
    assert_eq!(s.expose(), "tok-123");
    assert_eq!(format!("{s:?}"), "Secret(****)");

    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("key");
    std::fs::write(&f, "file-secret\n").unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&f, std::fs::Permissions::from_mode(0o644)).unwrap();
    let e = SecretRef::File(f.clone()).resolve().unwrap_err();
    assert!(matches!(e, SecretError::TooOpen { mode: 0o644, .. }), "{e}");
    assert!(e.to_string().contains("chmod 600"), "{e}");
    assert!(!e.to_string().contains("file-secret"));
    std::fs::set_permissions(&f, std::fs::Permissions::from_mode(0o600)).unwrap();
    assert_eq!(
        SecretRef::File(f).resolve().unwrap().expose(),
        "file-secret"
    );
    // A line break inside the value (a token pasted across two lines): refused
    // when read, naming the reference, never the value (issue 10).
    let two = dir.path().join("two-lines");
    std::fs::write(&two, "xoxb-first\nhalf-second\n").unwrap();
    std::fs::set_permissions(&two, std::fs::Permissions::from_mode(0o600)).unwrap();
    let e = SecretRef::File(two).resolve().unwrap_err();
    assert!(matches!(e, SecretError::ControlCharacter(_)), "{e}");
    assert!(e.to_string().contains("line break"), "{e}");
    assert!(!e.to_string().contains("xoxb-first"), "{e}");
    assert!(matches!(
        SecretRef::File(dir.path().join("absent")).resolve(),
        Err(SecretError::Unreadable { .. })
    ));
}

#[test]
fn a_signed_webhook_url_may_be_written_in_clear_and_is_sent_as_written() {
    let c = parse(
        "[[endpoint]]\nname = \"tickets\"\nkind = \"webhook\"\nurl = \"https://tickets.example.com/hooks/incident/\"\nsecret = \"env:TICKETS_KEY\"\n",
    )
    .unwrap();
    assert_eq!(
        c.endpoints[0].url,
        Some(UrlSetting::Plain(
            "https://tickets.example.com/hooks/incident/".into()
        ))
    );
    // Without its signing secret a webhook is still refused (the key is needed).
    let e = parse(
        "[[endpoint]]\nname = \"tickets\"\nkind = \"webhook\"\nurl = \"https://tickets.example.com/hooks/incident\"\n",
    )
    .unwrap_err();
    assert!(e.contains("needs `secret`"), "{e}");
    let e = parse(
        "[[endpoint]]\nname = \"t\"\nkind = \"webhook\"\nurl = \"ftp://x\"\nsecret = \"env:K\"\n",
    )
    .unwrap_err();
    assert!(e.contains("not an http:// or https:// URL"), "{e}");
}

#[test]
fn a_refused_clear_secret_shows_the_line_to_write_instead() {
    for (kind, extra) in [("slack_webhook", ""), ("teams", ""), ("mattermost", "")] {
        let e = parse(&format!(
            "[[endpoint]]\nname = \"ops-room\"\nkind = \"{kind}\"\nurl = \"https://chat.example.com/hook/XYZ\"\n{extra}"
        ))
        .unwrap_err();
        assert!(
            e.ends_with(
                "; write instead: url = \"env:COCKPIT_OPS_ROOM_URL\" (and export COCKPIT_OPS_ROOM_URL)"
            ),
            "{kind}: {e}"
        );
        assert!(!e.contains("XYZ"), "{e}");
    }
    let e = parse(
        "[[endpoint]]\nname = \"pd\"\nkind = \"pagerduty\"\nrouting_key = \"R0123456789abcdef\"\n",
    )
    .unwrap_err();
    assert!(
        e.contains("write instead: routing_key = \"env:COCKPIT_PD_ROUTING_KEY\""),
        "{e}"
    );
    assert!(!e.contains("R0123456789abcdef"), "{e}");
}

#[test]
fn chat_read_back_needs_its_own_credentials() {
    let c = parse(
        r#"
[[endpoint]]
name = "slack"
kind = "slack"
token = "env:SLACK_BOT"
app_token = "env:SLACK_APP"
channel = "C1"
read = true

[[endpoint]]
name = "mm"
kind = "mattermost"
url = "env:MM_HOOK"
token = "file:/run/secrets/mm"
channel = "ch1"
read = true
"#,
    )
    .unwrap();
    assert_eq!(
        c.endpoints[0].app_token,
        Some(SecretRef::Env("SLACK_APP".into()))
    );
    assert!(c.endpoints[0].read && c.endpoints[1].read);
    assert_eq!(c.endpoints[1].channel.as_deref(), Some("ch1"));
    let e = parse(
        "[[endpoint]]\nname = \"slack\"\nkind = \"slack\"\ntoken = \"env:T\"\nchannel = \"C1\"\nread = true\n",
    )
    .unwrap_err();
    assert_eq!(
        e,
        "/etc/cockpit.toml:6: endpoint.app_token: endpoint `slack` (slack) needs `app_token` to read the channel back"
    );
    let e = parse(
        "[[endpoint]]\nname = \"mm\"\nkind = \"mattermost\"\nurl = \"env:U\"\ntoken = \"env:T\"\nread = true\n",
    )
    .unwrap_err();
    assert!(
        e.contains("needs `channel` to read the channel back"),
        "{e}"
    );
    // A secret is never written in clear, app tokens included.
    let e = parse(
        "[[endpoint]]\nname = \"slack\"\nkind = \"slack\"\ntoken = \"env:T\"\nchannel = \"C1\"\napp_token = \"xapp-1-abc\"\n",
    )
    .unwrap_err();
    assert!(
        e.contains("endpoint.app_token") && !e.contains("xapp-1-abc"),
        "{e}"
    );
}
