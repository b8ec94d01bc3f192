//! The WebSocket edge of chat read-back (#19): `tokio-tungstenite` over
//! rustls (no OpenSSL). Every wait is bounded, so a stuck socket only ever
//! stalls its own reader task, never delivery or the screen; errors name the
//! host only (a Socket Mode URL carries a ticket, a credential).

use futures::{SinkExt, StreamExt};
use std::time::Duration;
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use super::backoff::Backoff;

pub type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// "wss://host:port/…": where a socket goes, as errors may show it.
pub fn redact_ws(url: &str) -> String {
    match reqwest::Url::parse(url) {
        Ok(u) => super::http::redact_url(&u),
        Err(_) => "a WebSocket URL that does not parse".into(),
    }
}

/// Open a socket to `url` (ws:// or wss://) within `timeout`.
pub async fn connect(url: &str, timeout: Duration) -> Result<Socket, String> {
    let where_ = redact_ws(url);
    match tokio::time::timeout(timeout, tokio_tungstenite::connect_async(url)).await {
        Err(_) => Err(format!(
            "no WebSocket to {where_} within {}s",
            timeout.as_secs_f32()
        )),
        Ok(Err(e)) => Err(format!("cannot open a WebSocket to {where_}: {e}")),
        Ok(Ok((socket, _response))) => Ok(socket),
    }
}

/// What came off the socket.
#[derive(Debug, PartialEq, Eq)]
pub enum Frame {
    Text(String),
    /// The peer closed it, or the connection dropped.
    Closed(String),
    /// Nothing at all (not even a ping) for the idle time: a half-open socket.
    Silent,
}

/// The next text frame; pings are answered by tungstenite as it reads.
pub async fn next_text(socket: &mut Socket, idle: Duration) -> Frame {
    loop {
        match tokio::time::timeout(idle, socket.next()).await {
            Err(_) => return Frame::Silent,
            Ok(None) => return Frame::Closed("the socket closed".into()),
            Ok(Some(Err(e))) => return Frame::Closed(format!("the socket failed: {e}")),
            Ok(Some(Ok(Message::Text(t)))) => return Frame::Text(t.as_str().to_string()),
            Ok(Some(Ok(Message::Close(c)))) => {
                return Frame::Closed(match c {
                    Some(c) => format!("the server closed the socket ({})", u16::from(c.code)),
                    None => "the server closed the socket".into(),
                });
            }
            Ok(Some(Ok(_))) => continue, // ping, pong, binary: nothing for us
        }
    }
}

/// Send one text frame, bounded by `timeout`.
pub async fn send_text(socket: &mut Socket, text: String, timeout: Duration) -> Result<(), String> {
    match tokio::time::timeout(timeout, socket.send(Message::Text(text.into()))).await {
        Err(_) => Err("the socket did not take a frame in time".into()),
        Ok(Err(e)) => Err(format!("the socket failed: {e}")),
        Ok(Ok(())) => Ok(()),
    }
}

/// The wait before reconnect attempt `failures + 1`: full-jitter backoff
/// from 1 s up to a minute (a channel is worth reconnecting to quickly).
pub fn reconnect_delay(failures: u32, unit: f64, retry_after: Option<Duration>) -> Duration {
    let b = Backoff {
        base: Duration::from_secs(1),
        cap: Duration::from_secs(60),
        max_retry_after: Duration::from_secs(600),
    };
    b.delay(failures.max(1), unit, retry_after)
        .max(Duration::from_millis(100))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reconnects_back_off_to_a_minute_and_honour_retry_after() {
        assert_eq!(reconnect_delay(1, 0.5, None), Duration::from_millis(500));
        assert_eq!(reconnect_delay(4, 0.5, None), Duration::from_secs(4));
        assert_eq!(reconnect_delay(30, 0.999, None).as_secs(), 59);
        assert_eq!(reconnect_delay(1, 0.0, None), Duration::from_millis(100));
        assert_eq!(
            reconnect_delay(1, 0.1, Some(Duration::from_secs(30))),
            Duration::from_secs(30)
        );
    }

    #[test]
    fn socket_urls_in_errors_lose_their_ticket() {
        assert_eq!(
            redact_ws("wss://wss-primary.slack.com/link/?ticket=1234&app_id=A1"),
            "wss://wss-primary.slack.com/…"
        );
    }
}
