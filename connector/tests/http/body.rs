use serde_json::json;

use crate::common::*;

#[test]
fn json_body_gets_the_default_content_type_and_keeps_nulls() {
    let mut server = mockito::Server::new();
    let (_m, log) = mock(&mut server, "POST", "/j", 200, &[], "");
    run(
        json!({"method": "POST", "url": format!("{}/j", server.url()),
        "body": "={key1: \"value1\", nullKey: null, n: amount, secret: \"{{secrets.API_TOKEN}}\"}"}),
        json!({}),
        json!({"amount": 12.50}),
    );
    let r = &seen(&log)[0];
    assert_eq!(r.header("content-type"), Some("application/json"));
    assert_eq!(
        r.body_text(),
        r#"{"key1":"value1","nullKey":null,"n":12.5,"secret":"s3cr3t-token"}"#
    );
    assert_eq!(
        r.header("content-length"),
        Some(r.body.len().to_string().as_str())
    );
}

#[test]
fn ignore_null_values_drops_null_entries_at_every_level() {
    let mut server = mockito::Server::new();
    let (_m, log) = mock(&mut server, "PUT", "/j", 200, &[], "");
    run(
        json!({"method": "PUT", "url": format!("{}/j", server.url()), "ignoreNullValues": "=true",
        "body": "={a: null, b: {c: null, d: [null, 1]}}"}),
        json!({}),
        json!({}),
    );
    assert_eq!(seen(&log)[0].body_text(), r#"{"b":{"d":[null,1]}}"#);
}

#[test]
fn form_urlencoded_body() {
    let mut server = mockito::Server::new();
    let (_m, log) = mock(&mut server, "POST", "/f", 200, &[], "");
    run(
        json!({"method": "POST", "url": format!("{}/f", server.url()),
        "headers": "={\"content-type\": \"application/x-www-form-urlencoded\"}",
        "body": "={name: \"Ada Lovelace\", n: 3, flag: null, amp: \"a&b=c\"}"}),
        json!({}),
        json!({}),
    );
    let r = &seen(&log)[0];
    assert_eq!(
        r.header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
    assert_eq!(r.body_text(), "name=Ada+Lovelace&n=3&flag&amp=a%26b%3Dc");
}

#[test]
fn literal_text_body_is_sent_byte_for_byte() {
    let mut server = mockito::Server::new();
    let (_m, log) = mock(&mut server, "PATCH", "/t", 200, &[], "");
    run(
        json!({"method": "PATCH", "url": format!("{}/t", server.url()), "body": "{\"a\": 1,  \"b\": \"x\"}"}),
        json!({}),
        json!({}),
    );
    run(
        json!({"method": "PATCH", "url": format!("{}/t", server.url()), "headers": "={\"Content-Type\": \"text/plain\"}",
        "body": "=42"}),
        json!({}),
        json!({}),
    );
    let reqs = seen(&log);
    assert_eq!(reqs[0].body_text(), "{\"a\": 1,  \"b\": \"x\"}");
    assert_eq!(reqs[0].header("content-type"), Some("application/json"));
    assert_eq!(reqs[1].body_text(), "42");
    assert_eq!(reqs[1].header("content-type"), Some("text/plain"));
}

#[test]
fn multipart_fields_get_a_generated_boundary() {
    let mut server = mockito::Server::new();
    let (_m, log) = mock(&mut server, "POST", "/m", 200, &[], "");
    run(
        json!({"method": "POST", "url": format!("{}/m", server.url()),
        "headers": "={\"Content-Type\": \"multipart/form-data\"}",
        "body": "={title: \"Report\", tags: [\"a\", \"b\"], skipped: null}"}),
        json!({}),
        json!({}),
    );
    let r = &seen(&log)[0];
    let ct = r.header("content-type").unwrap();
    let boundary = ct.strip_prefix("multipart/form-data; boundary=").expect(ct);
    let body = r.body_text();
    assert!(
        body.starts_with(&format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"title\""
        )),
        "{body}"
    );
    assert!(body.contains("\r\n\r\nReport\r\n"));
    assert_eq!(body.matches("name=\"tags\"").count(), 2);
    assert!(!body.contains("skipped"));
    assert!(body.ends_with(&format!("--{boundary}--\r\n")));
}

#[test]
fn get_never_sends_a_body_even_from_a_process_variable() {
    let mut server = mockito::Server::new();
    let (_m, log) = mock(&mut server, "GET", "/g", 200, &[], "");
    run(
        json!({"method": "GET", "url": format!("{}/g", server.url()), "body": "={a: 1}"}),
        json!({}),
        json!({"body": "leak"}),
    );
    let (_m2, log2) = mock(&mut server, "POST", "/p", 200, &[], "");
    run(
        json!({"method": "POST", "url": format!("{}/p", server.url())}),
        json!({}),
        json!({"body": {"leaked": true}, "headers": {"X-Leak": "1"}, "url": "http://127.0.0.1:1/"}),
    );
    let r = &seen(&log)[0];
    assert!(r.body.is_empty());
    assert_eq!(r.header("content-type"), None);
    let p = &seen(&log2)[0];
    assert!(p.body.is_empty(), "{}", p.body_text());
    assert_eq!(p.header("x-leak"), None);
    assert_eq!(p.header("content-type"), None);
}

#[test]
fn headers_are_stringified_and_a_null_content_type_is_dropped() {
    let mut server = mockito::Server::new();
    let (_m, log) = mock(&mut server, "POST", "/h", 200, &[], "");
    run(
        json!({"method": "POST", "url": format!("{}/h", server.url()), "body": "={}",
        "headers": "={\"Content-Type\": null, priority: 12, flag: true, Other: null, Auth: \"x {{secrets.API_TOKEN}}\"}"}),
        json!({}),
        json!({}),
    );
    let r = &seen(&log)[0];
    assert_eq!(r.header("content-type"), Some("application/json"));
    assert_eq!(r.header("priority"), Some("12"));
    assert_eq!(r.header("flag"), Some("true"));
    assert_eq!(r.header("other"), Some(""));
    assert_eq!(r.header("auth"), Some("x s3cr3t-token"));
    assert_eq!(r.body_text(), "{}");
}
