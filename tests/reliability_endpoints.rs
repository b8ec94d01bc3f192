//! Issue 10, suite item 5: endpoint faults beyond the adapters' tests, at the
//! one place of network IO (`sync::http::send`), against raw loopback sockets
//! that misbehave on purpose: one that accepts and never answers, one that
//! answers a byte a second, one that answers 50 MB, a name that does not
//! resolve, and a TLS handshake that fails. Each ends within the endpoint's
//! timeout with a clear outcome: retried later, or parked for a person when
//! retrying could send twice; no body over `MAX_BODY` is held in memory.

use std::time::{Duration, Instant};

use chrono::Utc;
use cockpit::sync::Outcome;
use cockpit::sync::http::{HttpAnswer, HttpRequest, MAX_BODY, client, send};
use reqwest::Method;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

const TIMEOUT: Duration = Duration::from_secs(2);

fn post(url: &str) -> HttpRequest {
    HttpRequest::json(
        Method::POST,
        url.parse().unwrap(),
        &serde_json::json!({"event_action": "trigger"}),
    )
}

/// A loopback server running `serve` on each connection after reading the
/// request's head; its URL.
async fn server<F, Fut>(serve: F) -> String
where
    F: Fn(tokio::net::TcpStream) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        loop {
            let Ok((mut sock, _)) = listener.accept().await else {
                return;
            };
            let mut head = Vec::new();
            let mut buf = [0u8; 4096];
            while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                match sock.read(&mut buf).await {
                    Ok(0) | Err(_) => break,
                    Ok(n) => head.extend_from_slice(&buf[..n]),
                }
            }
            tokio::spawn(serve(sock));
        }
    });
    format!("http://{addr}/v2/enqueue")
}

async fn timed(req: HttpRequest, c: &reqwest::Client) -> (Result<HttpAnswer, Outcome>, Duration) {
    let t = Instant::now();
    let r = send(c, req, TIMEOUT, Utc::now()).await;
    (r, t.elapsed())
}

fn retry_error(r: Result<HttpAnswer, Outcome>) -> String {
    match r {
        Err(Outcome::Retry { error, .. }) => error,
        other => panic!("expected a retry, got {other:?}"),
    }
}

#[tokio::test]
async fn an_endpoint_that_accepts_and_never_answers_is_cut_off_at_the_timeout() {
    let url = server(|sock| async move {
        tokio::time::sleep(Duration::from_secs(60)).await;
        drop(sock);
    })
    .await;
    let (r, took) = timed(post(&url), &client()).await;
    let e = retry_error(r);
    assert!(e.starts_with("no answer from http://127.0.0.1:"), "{e}");
    assert!(e.ends_with("within 2s"), "{e}");
    assert!(took < TIMEOUT + Duration::from_millis(500), "{took:?}");
}

#[tokio::test]
async fn an_endpoint_that_answers_a_byte_a_second_is_cut_off_at_the_timeout() {
    let url = server(|mut sock| async move {
        let _ = sock
            .write_all(b"HTTP/1.1 202 Accepted\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n")
            .await;
        for _ in 0..100 {
            if sock.write_all(b" ").await.is_err() {
                return;
            }
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
    })
    .await;
    let (r, took) = timed(post(&url), &client()).await;
    let e = retry_error(r);
    assert!(e.contains("within 2s"), "{e}");
    assert!(took < TIMEOUT + Duration::from_millis(500), "{took:?}");
}

/// 50 MB in 64 KiB writes, with `status`.
async fn fifty_megabytes(status: &'static str) -> String {
    server(move |mut sock| async move {
        let size = 50usize << 20;
        let head = format!(
            "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {size}\r\n\r\n"
        );
        let _ = sock.write_all(head.as_bytes()).await;
        let chunk = vec![b'x'; 64 << 10];
        for _ in 0..size / chunk.len() {
            if sock.write_all(&chunk).await.is_err() {
                return;
            }
        }
    })
    .await
}

#[tokio::test]
async fn a_50_mb_success_is_parked_after_reading_at_most_max_body() {
    let url = fifty_megabytes("200 OK").await;
    let (r, took) = timed(post(&url), &client()).await;
    match r {
        // Accepted, but its answer (a dedup key, a ticket id) is unreadable:
        // a person looks instead of a retry that could post twice.
        Err(Outcome::Park { error }) => {
            assert!(
                error.contains("answered 200 with more than 4 MiB"),
                "{error}"
            )
        }
        other => panic!("expected a park, got {other:?}"),
    }
    assert!(took < TIMEOUT, "{took:?}");
}

#[tokio::test]
async fn a_50_mb_error_is_judged_by_its_status_with_at_most_max_body_read() {
    let url = fifty_megabytes("500 Internal Server Error").await;
    let (r, _) = timed(post(&url), &client()).await;
    let a = r.expect("an answer");
    assert_eq!(a.status, 500);
    assert_eq!(a.body.len(), MAX_BODY);
}

/// A resolver that fails as a missing name does (no query leaves the machine).
struct NoSuchName;

impl reqwest::dns::Resolve for NoSuchName {
    fn resolve(&self, _: reqwest::dns::Name) -> reqwest::dns::Resolving {
        Box::pin(async {
            Err(Box::new(std::io::Error::other(
                "failed to lookup address information: Name or service not known",
            )) as _)
        })
    }
}

#[tokio::test]
async fn a_name_that_does_not_resolve_is_retried_with_the_reason() {
    let c = reqwest::Client::builder()
        .dns_resolver(NoSuchName)
        .build()
        .unwrap();
    let (r, took) = timed(post("https://events.pagerduty.invalid/v2/enqueue"), &c).await;
    let e = retry_error(r);
    assert!(
        e.starts_with("cannot connect to https://events.pagerduty.invalid/…"),
        "{e}"
    );
    assert!(e.contains("Name or service not known"), "{e}");
    assert!(took < TIMEOUT, "{took:?}");
}

#[tokio::test]
async fn a_failed_tls_handshake_is_retried_with_the_reason() {
    // Plain HTTP where TLS is expected: the server answers the ClientHello
    // with an HTTP error, and the handshake cannot complete.
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("https://{}/v2/enqueue", listener.local_addr().unwrap());
    tokio::spawn(async move {
        while let Ok((mut sock, _)) = listener.accept().await {
            let mut buf = [0u8; 512];
            let _ = sock.read(&mut buf).await;
            let _ = sock
                .write_all(b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\n")
                .await;
        }
    });
    let (r, took) = timed(post(&url), &client()).await;
    let e = retry_error(r);
    assert!(e.starts_with("cannot connect to https://127.0.0.1:"), "{e}");
    assert!(took < TIMEOUT, "{took:?}");
}
