//! Network and server faults against real sockets on 127.0.0.1, each mapped to the outcome
//! documented in design/rest-connector.md §6.6 (no panic, no hang):
//!
//! | fault | outcome |
//! | --- | --- |
//! | connection refused, unresolvable host, connect timeout, reset, truncated body | failed, code `408`, "An error occurred while executing the request, or the connection was aborted", retries − 1 |
//! | read timeout (no byte within `readTimeoutInSeconds`) | failed, code `408`, "The request timed out. …", retries − 1 |
//! | invalid UTF-8, invalid JSON in the body | complete; the body is the (lossily decoded) text |
//! | body over `ClientOptions::max_response_bytes` | failed, code `500`, "Error while executing an HTTP request: the response body is larger than …", retries − 1 |
//! | OAuth token endpoint failing | its status / `OAUTH_TOKEN_ERROR` / `408`; the API is never called |

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::io::{BufReader, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use connector::{Blocklist, ClientOptions, MapSecretProvider, Outcome, Runtime, Template};
use serde_json::{json, Value as Json};
use support::{read_request, write_response, FullBacklog, RawServer};

const IO_MESSAGE: &str =
    "An error occurred while executing the request, or the connection was aborted";
const TIMEOUT_MESSAGE: &str =
    "The request timed out. Please try increasing the read and connection timeouts.";

fn runtime_with(options: ClientOptions) -> Runtime {
    Runtime::builder()
        .secrets(MapSecretProvider::new([("CLIENT_SECRET", "cs")]))
        .client_options(options)
        .build()
        .unwrap()
}

fn runtime() -> Runtime {
    runtime_with(ClientOptions {
        blocklist: Blocklist::new(),
        ..ClientOptions::default()
    })
}

fn template(inputs: Json) -> Template {
    Template::from_json(&json!({
        "inputs": inputs,
        "taskHeaders": {"resultVariable": "r"},
        "retries": 3
    }))
    .unwrap()
}

/// Execute a GET of `url` (plus extra inputs), also asserting it ends within `limit`.
fn get_within(url: &str, extra: Json, limit: Duration) -> Outcome {
    get_with(&runtime(), url, extra, limit)
}

fn get_with(rt: &Runtime, url: &str, extra: Json, limit: Duration) -> Outcome {
    let mut inputs = json!({"method": "GET", "url": url});
    if let (Some(map), Json::Object(extra)) = (inputs.as_object_mut(), extra) {
        map.extend(extra);
    }
    let task = rt.compile(&template(inputs)).unwrap();
    let start = Instant::now();
    let outcome = task.execute(&json!({}));
    let took = start.elapsed();
    assert!(took < limit, "took {took:?} (limit {limit:?}): {outcome:?}");
    outcome
}

/// Assert a failed outcome with the given error code and message, retried (3 − 1).
fn assert_failed(outcome: &Outcome, code: &str, message: &str) {
    let Outcome::Failed {
        message: m,
        retries,
        variables,
        ..
    } = outcome
    else {
        panic!("expected a failure, got {outcome:?}");
    };
    assert_eq!(m, message, "{outcome:?}");
    assert_eq!(*retries, 2, "{outcome:?}");
    assert_eq!(variables["error"]["code"], json!(code), "{outcome:?}");
    assert_eq!(variables["error"]["message"], json!(message), "{outcome:?}");
    assert_eq!(
        variables["error"]["type"],
        json!("io.camunda.connector.api.error.ConnectorException")
    );
}

fn completed_body(outcome: &Outcome) -> Json {
    let Outcome::Complete { variables } = outcome else {
        panic!("expected completion, got {outcome:?}");
    };
    variables["r"]["body"].clone()
}

/// A server that reads the request and then runs `then` on the connection.
fn after_request(then: impl Fn(&mut TcpStream) + Send + Sync + 'static) -> RawServer {
    RawServer::start(move |stream| {
        let mut reader = BufReader::new(stream.try_clone().unwrap());
        if read_request(&mut reader).is_some() {
            let mut stream = stream;
            then(&mut stream);
        }
    })
    .unwrap()
}

const QUICK: Duration = Duration::from_secs(10);

#[test]
fn connection_refused_is_an_io_408() {
    let port = {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let out = get_within(&format!("http://127.0.0.1:{port}/x"), json!({}), QUICK);
    assert_failed(&out, "408", IO_MESSAGE);
}

#[test]
fn unresolvable_host_is_an_io_408() {
    let out = get_within("http://no-such-host.invalid/x", json!({}), QUICK);
    assert_failed(&out, "408", IO_MESSAGE);
}

#[test]
fn connect_timeout_is_an_io_408_after_the_connection_timeout() {
    let backlog = FullBacklog::new().unwrap();
    let start = Instant::now();
    let out = get_within(
        &format!("http://{}/x", backlog.addr),
        json!({"connectionTimeoutInSeconds": "1", "readTimeoutInSeconds": "30"}),
        Duration::from_secs(8),
    );
    assert!(start.elapsed() >= Duration::from_millis(900));
    assert_failed(&out, "408", IO_MESSAGE);
}

#[test]
fn read_timeout_before_the_response_is_a_timeout_408() {
    let server = after_request(|_| std::thread::sleep(Duration::from_secs(6)));
    let start = Instant::now();
    let out = get_within(
        &format!("{}/stall", server.url()),
        json!({"readTimeoutInSeconds": "1"}),
        Duration::from_secs(5),
    );
    assert!(start.elapsed() >= Duration::from_millis(900));
    assert_failed(&out, "408", TIMEOUT_MESSAGE);
}

/// curl's low-speed check averages over the last ~5 s, so a stall after some bytes is noticed
/// within the read timeout plus that window.
#[test]
fn read_timeout_in_the_middle_of_the_body_is_a_timeout_408() {
    let server = after_request(|s| {
        let _ = s.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{\"partial\": ");
        let _ = s.flush();
        std::thread::sleep(Duration::from_secs(20));
    });
    let out = get_within(
        &format!("{}/stall", server.url()),
        json!({"readTimeoutInSeconds": "1"}),
        Duration::from_secs(12),
    );
    assert_failed(&out, "408", TIMEOUT_MESSAGE);
}

#[test]
fn connection_reset_mid_body_is_an_io_408() {
    // Closing a socket with unread input makes the kernel send RST instead of FIN.
    let server = RawServer::start(|mut stream| {
        let mut first = [0u8; 4];
        if stream.read_exact(&mut first).is_err() {
            return;
        }
        std::thread::sleep(Duration::from_millis(100));
        let _ = stream.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 5000\r\n\r\n");
        let _ = stream.write_all(&[b'x'; 1000]);
        let _ = stream.flush();
        std::thread::sleep(Duration::from_millis(100));
        drop(stream);
    })
    .unwrap();
    let out = get_within(&format!("{}/reset", server.url()), json!({}), QUICK);
    assert_failed(&out, "408", IO_MESSAGE);
}

#[test]
fn connection_closed_before_the_content_length_is_an_io_408() {
    let server = after_request(|s| {
        let _ = s.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\nonly this");
        let _ = s.shutdown(Shutdown::Both);
    });
    let out = get_within(&format!("{}/short", server.url()), json!({}), QUICK);
    assert_failed(&out, "408", IO_MESSAGE);
}

#[test]
fn truncated_chunked_body_is_an_io_408() {
    let server = after_request(|s| {
        let _ = s.write_all(
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n10\r\nonly",
        );
        let _ = s.shutdown(Shutdown::Both);
    });
    let out = get_within(&format!("{}/chunked", server.url()), json!({}), QUICK);
    assert_failed(&out, "408", IO_MESSAGE);
}

#[test]
fn chunked_body_without_its_last_chunk_is_an_io_408() {
    let server = after_request(|s| {
        let _ = s.write_all(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n");
        let _ = s.shutdown(Shutdown::Both);
    });
    let out = get_within(&format!("{}/chunked", server.url()), json!({}), QUICK);
    assert_failed(&out, "408", IO_MESSAGE);
}

#[test]
fn malformed_chunk_size_is_an_io_408() {
    let server = after_request(|s| {
        let _ = s.write_all(
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n",
        );
        let _ = s.shutdown(Shutdown::Both);
    });
    let out = get_within(&format!("{}/chunked", server.url()), json!({}), QUICK);
    assert_failed(&out, "408", IO_MESSAGE);
}

#[test]
fn garbage_instead_of_a_status_line_is_a_protocol_500() {
    let server = after_request(|s| {
        let _ = s.write_all(b"\x00\x01 definitely not HTTP\r\n\r\n");
        let _ = s.shutdown(Shutdown::Both);
    });
    let out = get_within(&format!("{}/garbage", server.url()), json!({}), QUICK);
    assert_failed(&out, "500", "An error with the HTTP protocol occurred");
}

#[test]
fn empty_reply_is_an_io_408() {
    // Apache reports NoHttpResponseException, an IOException.
    let server = after_request(|s| {
        let _ = s.shutdown(Shutdown::Both);
    });
    let out = get_within(&format!("{}/nothing", server.url()), json!({}), QUICK);
    assert_failed(&out, "408", IO_MESSAGE);
}

fn serving(
    status: u16,
    headers: &'static [(&'static str, &'static str)],
    body: &'static [u8],
) -> RawServer {
    after_request(move |s| {
        let _ = write_response(s, status, headers, body);
    })
}

#[test]
fn invalid_utf8_body_is_decoded_lossily() {
    let server = serving(
        200,
        &[("Content-Type", "text/plain")],
        b"caf\xe9 \xff\xfe ok",
    );
    let out = get_within(&format!("{}/latin1", server.url()), json!({}), QUICK);
    assert_eq!(
        completed_body(&out),
        json!("caf\u{fffd} \u{fffd}\u{fffd} ok")
    );
}

#[test]
fn invalid_utf8_inside_a_json_body_is_replaced() {
    let server = serving(
        200,
        &[("Content-Type", "application/json")],
        b"{\"name\": \"caf\xe9\"}",
    );
    let out = get_within(&format!("{}/json", server.url()), json!({}), QUICK);
    assert_eq!(completed_body(&out), json!({"name": "caf\u{fffd}"}));
}

#[test]
fn invalid_utf8_in_an_error_body_is_kept_as_text() {
    let server = serving(404, &[], b"\xff\xfe missing");
    let out = get_within(&format!("{}/gone", server.url()), json!({}), QUICK);
    assert_failed(&out, "404", "Not Found");
    let Outcome::Failed { variables, .. } = &out else {
        unreachable!()
    };
    assert_eq!(
        variables["error"]["variables"]["response"]["body"],
        json!("\u{fffd}\u{fffd} missing")
    );
}

#[test]
fn invalid_json_body_is_returned_as_text() {
    let server = serving(
        200,
        &[("Content-Type", "application/json")],
        b"{\"a\": [1, 2",
    );
    let out = get_within(&format!("{}/broken", server.url()), json!({}), QUICK);
    assert_eq!(completed_body(&out), json!("{\"a\": [1, 2"));
}

fn limited_runtime(limit: u64) -> Runtime {
    runtime_with(ClientOptions {
        blocklist: Blocklist::new(),
        max_response_bytes: limit,
        ..ClientOptions::default()
    })
}

fn too_large_message(limit: u64) -> String {
    format!("Error while executing an HTTP request: the response body is larger than the limit of {limit} bytes (max_response_bytes)")
}

#[test]
fn default_body_limit_is_50_mib() {
    assert_eq!(
        ClientOptions::default().max_response_bytes,
        50 * 1024 * 1024
    );
    assert_eq!(connector::DEFAULT_MAX_RESPONSE_BYTES, 50 * 1024 * 1024);
}

#[test]
fn body_at_the_limit_is_accepted() {
    let server = serving(200, &[], &[b'a'; 1024]);
    let out = get_with(
        &limited_runtime(1024),
        &format!("{}/", server.url()),
        json!({}),
        QUICK,
    );
    assert_eq!(completed_body(&out), json!("a".repeat(1024)));
}

#[test]
fn declared_length_over_the_limit_fails_before_reading() {
    let server = serving(200, &[], &[b'a'; 1025]);
    let out = get_with(
        &limited_runtime(1024),
        &format!("{}/", server.url()),
        json!({}),
        QUICK,
    );
    assert_failed(&out, "500", &too_large_message(1024));
}

#[test]
fn endless_chunked_body_stops_at_the_limit() {
    let written = Arc::new(AtomicUsize::new(0));
    let w = written.clone();
    let server = after_request(move |s| {
        let _ = s.write_all(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
        let chunk = [b'z'; 4096];
        // Stream until the client hangs up (at most 64 MiB).
        for _ in 0..16 * 1024 {
            let ok = s.write_all(b"1000\r\n").is_ok()
                && s.write_all(&chunk).is_ok()
                && s.write_all(b"\r\n").is_ok();
            if !ok {
                return;
            }
            w.fetch_add(chunk.len(), Ordering::SeqCst);
        }
    });
    let limit = 256 * 1024;
    let out = get_with(
        &limited_runtime(limit),
        &format!("{}/endless", server.url()),
        json!({}),
        QUICK,
    );
    assert_failed(&out, "500", &too_large_message(limit));
    std::thread::sleep(Duration::from_millis(200));
    assert!(
        written.load(Ordering::SeqCst) < 32 * 1024 * 1024,
        "the client kept reading"
    );
}

#[test]
fn gzip_body_is_limited_after_decoding() {
    // 4 KiB of zeros, gzip-compressed to 38 bytes on the wire (a decompression bomb in small).
    let gz: &'static [u8] = &[
        0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x03, 0xed, 0xc1, 0x01, 0x0d, 0x00,
        0x00, 0x00, 0xc2, 0xa0, 0xf7, 0x4f, 0x6d, 0x0f, 0x07, 0x14, 0x00, 0x00, 0x00, 0xf0, 0x6e,
        0x11, 0x00, 0x1c, 0xc7, 0x00, 0x10, 0x00, 0x00,
    ];
    let server = serving(200, &[("Content-Encoding", "gzip")], gz);
    let url = format!("{}/gz", server.url());
    let out = get_with(&limited_runtime(1024), &url, json!({}), QUICK);
    assert_failed(&out, "500", &too_large_message(1024));
    // The same response within a larger limit decodes to the 4096 zero bytes.
    let out = get_with(&limited_runtime(8192), &url, json!({}), QUICK);
    assert_eq!(completed_body(&out), json!("\0".repeat(4096)));
}

// --- OAuth token endpoint faults -------------------------------------------------------------

fn oauth_inputs(token_url: &str, api_url: &str) -> Json {
    json!({
        "method": "GET",
        "url": api_url,
        "authentication.type": "oauth-client-credentials-flow",
        "authentication.oauthTokenEndpoint": token_url,
        "authentication.clientId": "client",
        "authentication.clientSecret": "{{secrets.CLIENT_SECRET}}",
        "authentication.clientAuthentication": "credentialsBody"
    })
}

/// An API server counting its calls (it should never be reached when the token fails).
fn api() -> (RawServer, Arc<AtomicUsize>) {
    let calls = Arc::new(AtomicUsize::new(0));
    let c = calls.clone();
    let server = after_request(move |s| {
        c.fetch_add(1, Ordering::SeqCst);
        let _ = write_response(s, 200, &[], b"{}");
    });
    (server, calls)
}

fn oauth_run(token: &RawServer) -> (Outcome, usize) {
    let (api, calls) = api();
    let task = runtime()
        .compile(&template(oauth_inputs(
            &format!("{}/token", token.url()),
            &format!("{}/api", api.url()),
        )))
        .unwrap();
    let out = task.execute(&json!({}));
    (out, calls.load(Ordering::SeqCst))
}

#[test]
fn oauth_token_endpoint_error_status_fails_the_job() {
    let token = serving(
        500,
        &[("Content-Type", "application/json")],
        b"{\"error\": \"boom\"}",
    );
    let (out, calls) = oauth_run(&token);
    assert_failed(&out, "500", "Internal Server Error");
    assert_eq!(calls, 0);
}

#[test]
fn oauth_token_endpoint_garbage_is_a_token_error() {
    for body in [
        &b"<html>not json</html>"[..],
        b"",
        b"[\"access_token\"]",
        b"{\"token_type\": \"bearer\"}",
        b"{\"access_token\": null}",
        b"{\"access_token\": \"\xff\xfe\"",
        b"\xff\xfe\xfd",
    ] {
        let token = after_request(move |s| {
            let _ = write_response(s, 200, &[("Content-Type", "application/json")], body);
        });
        let (out, calls) = oauth_run(&token);
        assert_failed(
            &out,
            "OAUTH_TOKEN_ERROR",
            "OAuth token response does not contain an access_token field",
        );
        assert_eq!(calls, 0, "{}", String::from_utf8_lossy(body));
    }
}

#[test]
fn oauth_token_endpoint_refusing_connections_is_an_io_408() {
    let token = RawServer::start(|_| {}).unwrap();
    let url = token.url();
    drop(token);
    let (api, calls) = api();
    let out = runtime()
        .compile(&template(oauth_inputs(
            &format!("{url}/token"),
            &format!("{}/api", api.url()),
        )))
        .unwrap()
        .execute(&json!({}));
    assert_failed(&out, "408", IO_MESSAGE);
    assert_eq!(calls.load(Ordering::SeqCst), 0);
}

#[test]
fn oauth_token_endpoint_resetting_is_an_io_408() {
    let token = after_request(|s| {
        let _ = s.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 500\r\n\r\n{\"access_tok");
        let _ = s.shutdown(Shutdown::Both);
    });
    let (out, calls) = oauth_run(&token);
    assert_failed(&out, "408", IO_MESSAGE);
    assert_eq!(calls, 0);
}

#[test]
fn oauth_token_then_api_succeeds_once_the_endpoint_behaves() {
    let token = serving(
        200,
        &[("Content-Type", "application/json")],
        b"{\"access_token\": \"tok-1\", \"expires_in\": 3600}",
    );
    let (out, calls) = oauth_run(&token);
    assert_eq!(completed_body(&out), json!({}));
    assert_eq!(calls, 1);
}
