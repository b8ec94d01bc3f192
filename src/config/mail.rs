//! The SMTP settings of a `kind = "email"` endpoint: server, TLS, login,
//! sender and the recipient lists (000: "Send an e-mail to inform the
//! stakeholders"; 002: the Data Protection Officer when it is a security
//! incident, the affected clients' list for client updates).

use std::collections::BTreeMap;
use std::path::PathBuf;

use toml::Spanned;

use super::checker::Checker;
use super::error::ConfigError;
use super::secret::SecretRef;

/// How the connection is protected. There is no plain-text mode: the password
/// would cross the network in the clear.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MailTls {
    /// Connect in plain text, then `STARTTLS` before anything else (port 587).
    Starttls,
    /// TLS from the first byte (port 465).
    Implicit,
}

impl MailTls {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "starttls" => Some(MailTls::Starttls),
            "implicit" => Some(MailTls::Implicit),
            _ => None,
        }
    }

    /// The port a server of this kind listens on when the config names none
    /// (RFC 8314 section 3.3: 465 for implicit TLS; RFC 6409: 587 submission).
    pub fn default_port(self) -> u16 {
        match self {
            MailTls::Starttls => 587,
            MailTls::Implicit => 465,
        }
    }
}

/// One checked e-mail endpoint's SMTP settings.
#[derive(Debug, Clone, PartialEq)]
pub struct MailSettings {
    pub server: String,
    pub port: u16,
    pub tls: MailTls,
    /// Login name; with `password`, AUTH is used.
    pub username: Option<String>,
    pub password: Option<SecretRef>,
    /// `Incident Cockpit <cockpit@example.org>`.
    pub from: String,
    /// Every message goes to these.
    pub to: Vec<String>,
    /// Added when the incident has this severity (002: critical -> CTO, DPO).
    pub to_severity: BTreeMap<String, Vec<String>>,
    /// `security`: added once the incident is flagged as a security incident.
    /// `clients`: the only recipients (in Bcc) of comms to a client audience.
    pub to_flag: BTreeMap<String, Vec<String>>,
    /// A PEM file with the CA that signed the server's certificate, for a
    /// private mail server; the system's roots are used as well.
    pub ca_file: Option<PathBuf>,
}

/// The flags `to_flag` knows.
pub const MAIL_FLAGS: &[&str] = &["security", "clients"];

/// Whether `s` is one address, with or without a display name.
pub fn check_address(s: &str) -> Result<(), String> {
    s.parse::<lettre::message::Mailbox>()
        .map(|_| ())
        .map_err(|e| format!("`{s}` is not an e-mail address: {e}"))
}

/// The e-mail keys of an `[[endpoint]]` table as written.
pub(super) struct RawMail {
    pub server: Option<Spanned<String>>,
    pub port: Option<Spanned<i64>>,
    pub tls: Option<Spanned<String>>,
    pub username: Option<Spanned<String>>,
    pub password: Option<Spanned<String>>,
    pub from: Option<Spanned<String>>,
    pub to: Option<Spanned<Vec<String>>>,
    pub to_severity: Option<Spanned<BTreeMap<String, Vec<String>>>>,
    pub to_flag: Option<Spanned<BTreeMap<String, Vec<String>>>>,
    pub ca_file: Option<Spanned<String>>,
}

/// Check the e-mail keys; `server`, `from` and `to` are known to be present.
pub(super) fn check_mail(c: &Checker<'_>, r: RawMail) -> Result<MailSettings, ConfigError> {
    let server = r.server.expect("needed key checked");
    if server.get_ref().trim().is_empty() || server.get_ref().contains(['/', ' ', ':']) {
        return Err(c.err(
            server.span(),
            "server",
            "a host name or address, without scheme or port (the port is `port`)".into(),
        ));
    }
    let tls = match r.tls {
        None => MailTls::Starttls,
        Some(t) => MailTls::parse(t.get_ref()).ok_or_else(|| {
            c.err(
                t.span(),
                "tls",
                format!("`{}`: use \"starttls\" or \"implicit\"", t.get_ref()),
            )
        })?,
    };
    let port = match r.port {
        None => tls.default_port(),
        Some(p) => u16::try_from(*p.get_ref())
            .ok()
            .filter(|p| *p > 0)
            .ok_or_else(|| c.err(p.span(), "port", "a port number, 1 to 65535".into()))?,
    };
    let password = match r.password {
        None => None,
        Some(p) => Some(SecretRef::parse(p.get_ref()).map_err(|m| c.err(p.span(), "password", m))?),
    };
    let username = r.username.map(|u| u.into_inner());
    if username.is_some() != password.is_some() {
        return Err(c.err(
            server.span(),
            if username.is_some() {
                "password"
            } else {
                "username"
            },
            "`username` and `password` go together (AUTH needs both)".into(),
        ));
    }
    let from = r.from.expect("needed key checked");
    check_address(from.get_ref()).map_err(|m| c.err(from.span(), "from", m))?;
    let to = r.to.expect("needed key checked");
    let list = |span: std::ops::Range<usize>, key: &str, v: &[String]| {
        v.iter()
            .try_for_each(|a| check_address(a))
            .map_err(|m| c.err(span, key, m))
    };
    list(to.span(), "to", to.get_ref())?;
    if to.get_ref().is_empty() {
        return Err(c.err(to.span(), "to", "name at least one recipient".into()));
    }
    let to_severity = match r.to_severity {
        None => BTreeMap::new(),
        Some(m) => {
            for v in m.get_ref().values() {
                list(m.span(), "to_severity", v)?;
            }
            m.into_inner()
        }
    };
    let to_flag = match r.to_flag {
        None => BTreeMap::new(),
        Some(m) => {
            for (k, v) in m.get_ref() {
                if !MAIL_FLAGS.contains(&k.as_str()) {
                    return Err(c.err(
                        m.span(),
                        "to_flag",
                        format!("unknown flag `{k}`; valid: {}", MAIL_FLAGS.join(", ")),
                    ));
                }
                list(m.span(), "to_flag", v)?;
            }
            m.into_inner()
        }
    };
    Ok(MailSettings {
        server: server.into_inner().trim().to_string(),
        port,
        tls,
        username,
        password,
        from: from.into_inner(),
        to: to.into_inner(),
        to_severity,
        to_flag,
        ca_file: r.ca_file.map(|p| PathBuf::from(p.into_inner())),
    })
}

#[cfg(test)]
mod tests {
    use crate::config::{Config, EndpointKind, MailTls, SecretRef};
    use std::path::Path;

    fn parse(text: &str) -> Result<Config, String> {
        Config::parse(Path::new("/etc/cockpit.toml"), text).map_err(|e| e.to_string())
    }

    #[test]
    fn an_email_endpoint_is_typed_with_its_lists() {
        let c = parse(
            r#"
[[endpoint]]
name = "mail"
kind = "email"
server = "smtp.example.org"
username = "cockpit"
password = "env:SMTP_PASSWORD"
from = "Incident Cockpit <ic@example.org>"
to = ["stakeholders@example.org"]
to_severity = { SEV1 = ["cto@example.org"] }
to_flag = { security = ["dpo@example.org"] }
"#,
        )
        .unwrap();
        let e = &c.endpoints[0];
        assert_eq!(e.kind, EndpointKind::Email);
        let m = e.mail.as_ref().unwrap();
        assert_eq!((m.tls, m.port), (MailTls::Starttls, 587));
        assert_eq!(m.password, Some(SecretRef::Env("SMTP_PASSWORD".into())));
        assert_eq!(m.to_severity["SEV1"], ["cto@example.org"]);
        assert_eq!(m.to_flag["security"], ["dpo@example.org"]);
    }

    #[test]
    fn mistakes_name_the_line_and_key() {
        let base = "[[endpoint]]\nname = \"mail\"\nkind = \"email\"\nserver = \"smtp.example.org\"\nfrom = \"ic@example.org\"\n";
        let cases = [
            (
                "to = [\"not an address\"]\n",
                "/etc/cockpit.toml:6: endpoint.to: `not an address` is not an e-mail address",
            ),
            (
                "to = [\"a@example.org\"]\ntls = \"ssl\"\n",
                "/etc/cockpit.toml:7: endpoint.tls: `ssl`: use \"starttls\" or \"implicit\"",
            ),
            (
                "to = [\"a@example.org\"]\npassword = \"hunter2\"\nusername = \"u\"\n",
                "/etc/cockpit.toml:7: endpoint.password: a secret is never written in the config file",
            ),
            (
                "to = [\"a@example.org\"]\nto_flag = { vip = [\"a@example.org\"] }\n",
                "/etc/cockpit.toml:7: endpoint.to_flag: unknown flag `vip`",
            ),
            (
                "to = [\"a@example.org\"]\nport = 70000\n",
                "/etc/cockpit.toml:7: endpoint.port: a port number",
            ),
            (
                "to = [\"a@example.org\"]\nusername = \"u\"\n",
                "endpoint.password: `username` and `password` go together",
            ),
            ("", "endpoint.to: endpoint `mail` (email) needs `to`"),
        ];
        for (extra, want) in cases {
            let err = parse(&format!("{base}{extra}")).unwrap_err();
            assert!(err.contains(want), "{extra:?}: {err}");
            assert!(!err.contains("hunter2"), "{err}");
        }
    }

    #[test]
    fn document_and_confluence_endpoints_take_their_keys() {
        let c = parse(
            r#"
[[endpoint]]
name = "doc"
kind = "document"
path = "/srv/www/incidents"

[[endpoint]]
name = "wiki"
kind = "confluence"
url = "https://example.atlassian.net"
username = "ic@example.org"
token = "env:CONFLUENCE_TOKEN"
space = "65536"
parent = "4242"
"#,
        )
        .unwrap();
        assert_eq!(
            c.endpoints[0].path.as_deref(),
            Some(Path::new("/srv/www/incidents"))
        );
        let w = &c.endpoints[1];
        assert_eq!(w.username.as_deref(), Some("ic@example.org"));
        assert_eq!(
            (w.space.as_deref(), w.parent.as_deref()),
            (Some("65536"), Some("4242"))
        );
        assert!(!w.kind.receives_events() && w.kind.publishes_document());
        let err = parse("[[endpoint]]\nname = \"wiki\"\nkind = \"confluence\"\nurl = \"https://x.atlassian.net\"\nusername = \"u\"\ntoken = \"env:T\"\nspace = \"1\"\n").unwrap_err();
        assert!(err.contains("needs `parent`"), "{err}");
    }
}
