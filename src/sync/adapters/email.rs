//! E-mail over SMTP with `lettre` (rustls, tokio): a pure `message` that
//! turns a row's `Delivery::Mail` into the exact message, a pure `judge` of
//! the server's answer, and `deliver`, the one place that talks SMTP.
//!
//! Reply codes (RFC 5321 section 4.2.1, https://www.rfc-editor.org/rfc/rfc5321#section-4.2.1):
//! 2yz is done; 4yz "transient negative completion": the same command may
//! succeed later, so the row is retried; 5yz "permanent negative completion":
//! sending it again changes nothing, so the row is parked with the server's
//! own words. A dropped connection or a timeout is retried.

use lettre::message::{Mailbox, Message, header::ContentType};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::transport::smtp::response::Response;
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};

use crate::config::{MailSettings, MailTls};
use crate::sync::backoff::Outcome;
use crate::sync::delivery::Delivery;
use crate::sync::http::Target;

fn park(error: impl Into<String>) -> Outcome {
    Outcome::Park {
        error: error.into(),
    }
}

fn mailbox(s: &str, key: &str) -> Result<Mailbox, Outcome> {
    s.parse::<Mailbox>()
        .map_err(|e| park(format!("{key}: `{s}` is not an e-mail address: {e}")))
}

/// The message `d` asks for, from the endpoint's sender.
pub fn message(settings: &MailSettings, d: &Delivery) -> Result<Message, Outcome> {
    let Delivery::Mail {
        message_id,
        in_reply_to,
        subject,
        body,
        to,
        bcc,
    } = d
    else {
        return Err(park(format!("an email endpoint cannot {}", d.what())));
    };
    let mut b = Message::builder()
        .from(mailbox(&settings.from, "from")?)
        .subject(subject.clone())
        .message_id(Some(message_id.clone()));
    // RFC 5322 section 3.6.4: a reply names its parent in In-Reply-To and
    // the thread in References; every update answers the declaration.
    if let Some(parent) = in_reply_to {
        b = b.in_reply_to(parent.clone()).references(parent.clone());
    }
    for a in to {
        b = b.to(mailbox(a, "to")?);
    }
    for a in bcc {
        b = b.bcc(mailbox(a, "bcc")?);
    }
    if to.is_empty() && bcc.is_empty() {
        return Err(park("the mail has no recipient"));
    }
    b.header(ContentType::TEXT_PLAIN)
        .body(body.clone())
        .map_err(|e| park(format!("the mail cannot be built: {e}")))
}

/// What the server's answer means for the row.
pub fn judge(
    result: Result<Response, lettre::transport::smtp::Error>,
    message_id: &str,
) -> Outcome {
    match result {
        Ok(_) => Outcome::Delivered {
            remote_id: Some(message_id.to_string()),
        },
        Err(e) => {
            let words = error_words(&e);
            if e.is_permanent() {
                park(words)
            } else {
                Outcome::Retry {
                    error: words,
                    retry_after: None,
                }
            }
        }
    }
}

/// "550 5.1.1 no such user": the code and the server's text, or the cause
/// of a failure that never got an answer.
fn error_words(e: &lettre::transport::smtp::Error) -> String {
    let mut root: &dyn std::error::Error = e;
    while let Some(s) = root.source() {
        root = s;
    }
    match e.status() {
        Some(code) => format!("{code} {root}"),
        None if e.is_timeout() => "the mail server did not answer in time".into(),
        None if root.to_string() == e.to_string() => format!("mail server: {e}"),
        None => format!("mail server: {e}"),
    }
}

/// The transport for `target`: TLS as configured, AUTH when a login is set.
pub fn transport(
    target: &Target,
    settings: &MailSettings,
) -> Result<AsyncSmtpTransport<Tokio1Executor>, Outcome> {
    let mut params = TlsParameters::builder(settings.server.clone());
    if let Some(ca) = &settings.ca_file {
        let pem = std::fs::read(ca).map_err(|e| park(format!("ca_file {}: {e}", ca.display())))?;
        let cert = Certificate::from_pem(&pem)
            .map_err(|e| park(format!("ca_file {}: {e}", ca.display())))?;
        params = params.add_root_certificate(cert);
    }
    let params = params
        .build_rustls()
        .map_err(|e| park(format!("TLS for {}: {e}", settings.server)))?;
    let tls = match settings.tls {
        MailTls::Starttls => Tls::Required(params),
        MailTls::Implicit => Tls::Wrapper(params),
    };
    let mut b = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(settings.server.clone())
        .port(settings.port)
        .tls(tls)
        .timeout(Some(target.endpoint.timeout));
    if let (Some(user), Some(pass)) = (&settings.username, &target.password) {
        b = b.credentials(Credentials::new(user.clone(), pass.expose().to_string()));
    }
    Ok(b.build())
}

/// Send one mail.
pub async fn deliver(target: &Target, d: &Delivery) -> Outcome {
    match send(target, d).await {
        Ok((id, _)) => Outcome::Delivered {
            remote_id: Some(id),
        },
        Err(o) => o,
    }
}

/// Send one mail: its Message-ID and the server's answer ("250 2.0.0 ...").
pub async fn send(target: &Target, d: &Delivery) -> Result<(String, String), Outcome> {
    let Some(settings) = &target.endpoint.mail else {
        return Err(park("the endpoint has no mail settings"));
    };
    let msg = message(settings, d)?;
    let id = match d {
        Delivery::Mail { message_id, .. } => message_id.clone(),
        _ => String::new(),
    };
    let t = transport(target, settings)?;
    let result = t.send(msg).await;
    let answer = match &result {
        Ok(r) => format!("{} {}", r.code(), r.message().collect::<Vec<_>>().join(" ")),
        Err(_) => String::new(),
    };
    match judge(result, &id) {
        Outcome::Delivered { .. } => Ok((id, answer)),
        other => Err(other),
    }
}
