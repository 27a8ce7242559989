//! Secrets never leak: every failure path (and success) runs with secrets in the URL path, the
//! query, headers, the body and each kind of authentication, against servers that echo the
//! whole request back (in the body, as JSON and in headers). No secret value may appear in
//! any outcome (JSON and `Debug`), in the `Debug` of templates, compiled tasks, runtimes and
//! secret providers, or in the CLI's output — neither verbatim nor in the forms it takes on the
//! wire (percent- and form-encoded, JSON-escaped, base64 `user:password`), nor the OAuth access
//! token obtained with secret client credentials. The crate itself logs nothing.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::io::{BufReader, Read, Write};
use std::net::Shutdown;
use std::process::Command;
use std::time::Duration;

use base64::Engine as _;
use connector::{
    Blocklist, ChainSecretProvider, ClientOptions, ClientTls, JsonFileSecretProvider,
    MapSecretProvider, Outcome, ProxyOptions, ProxyServer, Runtime, Template,
};
use serde_json::{json, Value as Json};
use support::{read_request, KeepAliveServer, RawServer, Reply, Request};

const SECRETS: &[(&str, &str)] = &[
    ("PATH", "p4th-S3cret"),
    ("QUERY", "q S3cret&=/+\u{fc}"),
    ("HEADER", "h3ader S3cret\"x"),
    ("BODY", "b0dy \"S3cret\" \\ \u{fc}"),
    ("USER", "us3r-S3cret"),
    ("PASSWORD", "pa:ss S3cret"),
    ("TOKEN", "t0ken-S3cret"),
    ("API_KEY", "ap1 key&S3cret"),
    ("CLIENT_ID", "cl1ent-S3cret"),
    ("CLIENT_SECRET", "cl1ent secret+S3cret"),
];

/// The access token the token endpoint hands out for the secret client credentials.
const ACCESS_TOKEN: &str = "acc3ss-t0ken-S3cret";

fn secret(name: &str) -> &'static str {
    SECRETS.iter().find(|(k, _)| *k == name).unwrap().1
}

fn pct(text: &str, safe: &[u8], plus_for_space: bool) -> String {
    let mut out = String::new();
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) || safe.contains(&b) {
            out.push(char::from(b));
        } else if b == b' ' && plus_for_space {
            out.push('+');
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn b64(text: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(text)
}

/// Every form in which a secret could show up.
fn forbidden() -> Vec<String> {
    let mut out = Vec::new();
    for (_, v) in SECRETS {
        out.push(v.to_string());
        out.push(pct(v, b"", false));
        out.push(pct(v, b"", true));
        // What URL paths and query components leave unencoded.
        out.push(pct(v, b"!$&'()*,;=:@/", false));
        out.push(pct(v, b"!$'()*,;:@/?", false));
        let json = serde_json::to_string(v).unwrap();
        out.push(json.trim_matches('"').to_string());
    }
    out.push(b64(&format!("{}:{}", secret("USER"), secret("PASSWORD"))));
    out.push(b64(&format!(
        "{}:{}",
        secret("CLIENT_ID"),
        secret("CLIENT_SECRET")
    )));
    out.push(ACCESS_TOKEN.to_string());
    out.sort();
    out.dedup();
    out
}

/// Panic if any forbidden form occurs in `text`.
fn assert_clean(what: &str, text: &str) {
    for f in forbidden() {
        assert!(!text.contains(&f), "{what} leaks a secret ({f:?}):\n{text}");
    }
}

fn runtime(limit: u64) -> Runtime {
    Runtime::builder()
        .secrets(MapSecretProvider::new(SECRETS.iter().copied()))
        .client_options(ClientOptions {
            blocklist: Blocklist::new(),
            max_response_bytes: limit,
            ..ClientOptions::default()
        })
        .build()
        .unwrap()
}

/// The authentications exercised, all with secret credentials.
fn authentications(token_url: &str) -> Vec<(&'static str, Json)> {
    let oauth = |client_auth: &str| {
        json!({
            "type": "oauth-client-credentials-flow",
            "oauthTokenEndpoint": token_url,
            "clientId": "{{secrets.CLIENT_ID}}",
            "clientSecret": "{{secrets.CLIENT_SECRET}}",
            "clientAuthentication": client_auth,
            "audience": "aud"
        })
    };
    vec![
        (
            "basic",
            json!({"type": "basic", "username": "{{secrets.USER}}", "password": "{{secrets.PASSWORD}}"}),
        ),
        (
            "bearer",
            json!({"type": "bearer", "token": "{{secrets.TOKEN}}"}),
        ),
        (
            "apiKey-headers",
            json!({"type": "apiKey", "apiKeyLocation": "headers", "name": "X-Api-Key", "value": "{{secrets.API_KEY}}"}),
        ),
        (
            "apiKey-query",
            json!({"type": "apiKey", "apiKeyLocation": "query", "name": "api_key", "value": "{{secrets.API_KEY}}"}),
        ),
        ("oauth-basic", oauth("basicAuthHeader")),
        ("oauth-body", oauth("credentialsBody")),
    ]
}

/// Inputs with secrets everywhere: path, query, headers, body (and the deprecated syntax).
fn inputs(method: &str, base: &str, path: &str, auth: &Json) -> Json {
    let mut inputs = json!({
        "method": method,
        "url": format!("{base}/{path}/{{{{secrets.PATH}}}}"),
        "queryParameters.q": "{{secrets.QUERY}}",
        "queryParameters.plain": "v",
        "headers": "={\"X-Secret\": \"{{secrets.HEADER}}\", \"X-Old\": \"secrets.TOKEN\"}",
        "body.text": "{{secrets.BODY}}",
        "body.nested": "={list: [\"{{secrets.BODY}}\", 1]}",
        "readTimeoutInSeconds": "1",
        "connectionTimeoutInSeconds": "2"
    });
    flatten("authentication", auth, &mut inputs);
    inputs
}

/// Object inputs as dotted string targets (`{type: "basic"}` → `authentication.type`).
fn flatten(prefix: &str, value: &Json, into: &mut Json) {
    match value {
        Json::Object(map) => {
            for (k, v) in map {
                flatten(&format!("{prefix}.{k}"), v, into);
            }
        }
        Json::String(s) => {
            into[prefix] = json!(s);
        }
        other => {
            into[prefix] = json!(other.to_string());
        }
    }
}

fn template(inputs: Json, headers: Json) -> Template {
    Template::from_json(&json!({"inputs": inputs, "taskHeaders": headers, "retries": 3})).unwrap()
}

/// Run one template with every authentication; check everything observable for leaks and
/// return the outcomes (to check that the scenario did what it meant to).
fn check(
    scenario: &str,
    base: &str,
    token_url: &str,
    headers: Json,
    limit: u64,
) -> Vec<(String, Outcome)> {
    check_method("POST", scenario, base, token_url, headers, limit)
}

fn check_method(
    method: &str,
    scenario: &str,
    base: &str,
    token_url: &str,
    headers: Json,
    limit: u64,
) -> Vec<(String, Outcome)> {
    let rt = runtime(limit);
    assert_clean("runtime Debug", &format!("{rt:?}"));
    let mut outcomes = Vec::new();
    for (name, auth) in authentications(token_url) {
        let t = template(inputs(method, base, scenario, &auth), headers.clone());
        assert_clean("template Debug", &format!("{t:?}"));
        let task = rt.compile(&t).unwrap();
        assert_clean("compiled template Debug", &format!("{task:?}"));
        let outcome = task.execute(&json!({"var": "value"}));
        let what = format!("{scenario}/{name}");
        assert_clean(
            &format!("{what}: outcome JSON"),
            &outcome.to_json().to_string(),
        );
        assert_clean(&format!("{what}: outcome Debug"), &format!("{outcome:?}"));
        assert_clean(&format!("{what}: outcome Debug"), &format!("{outcome:#?}"));
        if let Outcome::Failed { message, .. } = &outcome {
            assert_clean(&format!("{what}: message"), message);
        }
        assert_clean(&format!("{what}: runtime Debug"), &format!("{rt:?}"));
        assert_clean(&format!("{what}: task Debug"), &format!("{task:?}"));
        outcomes.push((what, outcome));
    }
    outcomes
}

/// The echo: the request as text, its auth header and target as response headers.
fn echo_reply(status: u16, req: &Request, as_json: bool) -> Reply {
    let text = req.raw_text();
    let body = if as_json {
        json!({"request": text, "target": req.target, "headers": req.headers.iter().map(|(k, v)| json!([k, v])).collect::<Vec<_>>(), "body": String::from_utf8_lossy(&req.body)}).to_string()
    } else {
        text
    };
    let mut reply = Reply::new(status, body.into_bytes())
        .header("X-Echo-Target", &req.target)
        .header(
            "X-Echo-Auth",
            req.header("authorization").unwrap_or_default(),
        );
    if let Some(key) = req.header("x-api-key") {
        reply = reply.header("X-Echo-Key", key);
    }
    if let Some(v) = req.header("x-secret") {
        reply = reply.header(&format!("X-{}", v.replace([' ', '"'], "-")), v);
    }
    reply
}

/// A server routing on the first path segment: token endpoints and echoes.
fn echo_server() -> KeepAliveServer {
    KeepAliveServer::start(|req| {
        let route = req.target.trim_start_matches('/');
        let route = route.split(['/', '?']).next().unwrap_or_default();
        match route {
            "token-ok" => Reply::new(
                200,
                json!({"access_token": ACCESS_TOKEN, "token_type": "Bearer", "expires_in": 3600})
                    .to_string(),
            )
            .header("Content-Type", "application/json"),
            "token-echo-500" => echo_reply(500, req, false),
            "token-echo-200" => echo_reply(200, req, true),
            "token-garbage" => Reply::new(200, "<html>\u{0}nope"),
            "ok-json" => echo_reply(200, req, true),
            "ok-text" => echo_reply(200, req, false),
            "e400-json" => echo_reply(400, req, true),
            "e500" => echo_reply(500, req, false),
            "big" => echo_reply(200, req, false),
            _ => Reply::new(404, "unknown route"),
        }
    })
    .unwrap()
}

fn secrets_json() -> Json {
    Json::Object(
        SECRETS
            .iter()
            .map(|(k, v)| (k.to_string(), json!(v)))
            .collect(),
    )
}

#[test]
fn providers_do_not_show_values_in_debug() {
    let map = MapSecretProvider::new(SECRETS.iter().copied());
    assert_clean("MapSecretProvider Debug", &format!("{map:?}"));
    let file = JsonFileSecretProvider::from_json_str(&secrets_json().to_string()).unwrap();
    assert_clean("JsonFileSecretProvider Debug", &format!("{file:?}"));
    let chain = ChainSecretProvider::new().with(map).with(file);
    assert_clean("ChainSecretProvider Debug", &format!("{chain:?}"));
}

#[test]
fn proxy_and_tls_settings_do_not_show_passwords_or_keys_in_debug() {
    let proxy =
        ProxyServer::new("proxy.example", 3128).with_credentials("proxy-user", secret("PASSWORD"));
    let options = ClientOptions {
        proxy: ProxyOptions {
            http: Some(proxy.clone()),
            https: Some(proxy),
            ..ProxyOptions::default()
        },
        ..ClientOptions::default()
    };
    let text = format!("{options:?}");
    assert!(text.contains("proxy-user"), "{text}");
    assert_clean("ClientOptions Debug", &text);
    let tls = ClientTls {
        client_private_key: Some(format!(
            "-----BEGIN PRIVATE KEY-----\n{}\n",
            secret("TOKEN")
        )),
        private_key_password: Some(secret("PASSWORD").to_string()),
        ..ClientTls::default()
    };
    assert_clean("ClientTls Debug", &format!("{tls:?}"));
}

#[test]
fn http_error_echoes_are_redacted() {
    let server = echo_server();
    let token = format!("{}/token-ok", server.url());
    for scenario in ["e500", "e400-json"] {
        for (what, out) in check(scenario, &server.url(), &token, json!({}), 1 << 20) {
            let Outcome::Failed { variables, .. } = &out else {
                panic!("{what}: {out:?}")
            };
            let body = &variables["error"]["variables"]["response"]["body"];
            assert!(
                body.to_string().contains("***"),
                "{what}: nothing redacted: {body}"
            );
        }
    }
}

#[test]
fn successful_echoes_are_redacted() {
    let server = echo_server();
    let token = format!("{}/token-ok", server.url());
    for scenario in ["ok-json", "ok-text"] {
        for (what, out) in check(
            scenario,
            &server.url(),
            &token,
            json!({"resultVariable": "r"}),
            1 << 20,
        ) {
            let Outcome::Complete { variables } = &out else {
                panic!("{what}: {out:?}")
            };
            assert!(variables["r"]["body"].to_string().contains("***"), "{what}");
        }
    }
}

#[test]
fn result_and_error_expressions_cannot_leak_echoes() {
    let server = echo_server();
    let token = format!("{}/token-ok", server.url());
    // A result expression that is not a context: its value is quoted in the message.
    for (what, out) in check(
        "ok-text",
        &server.url(),
        &token,
        json!({"resultExpression": "=body"}),
        1 << 20,
    ) {
        assert!(
            matches!(out, Outcome::Failed { retries: 0, .. }),
            "{what}: {out:?}"
        );
    }
    // A result expression that fails to evaluate (a FEEL limit) over the echoed text.
    for (what, out) in check(
        "ok-text",
        &server.url(),
        &token,
        json!({"resultExpression": "={x: for i in 1..1000000000 return body}"}),
        1 << 20,
    ) {
        assert!(matches!(out, Outcome::Failed { .. }), "{what}: {out:?}");
    }
    // Error expressions turning the echo into a BPMN error or a job error.
    for expr in [
        "=bpmnError(\"E\", string(error.variables.response), {echo: error.variables.response, t: error.variables.response.body.target})",
        "=jobError(string(error.variables.response), {echo: error.variables.response}, 1)",
        "={errorType: \"bpmnError\", errorCode: error.variables.response.body.target}",
        "=error.variables.response.body.request",
    ] {
        let outs = check(
            "e400-json",
            &server.url(),
            &token,
            json!({"errorExpression": expr}),
            1 << 20,
        );
        for (what, out) in outs {
            let text = out.to_json().to_string();
            assert!(text.contains("***"), "{what}: {expr}: nothing redacted: {text}");
        }
    }
}

#[test]
fn transport_failures_are_redacted() {
    let server = echo_server();
    let token = format!("{}/token-ok", server.url());
    // Connection refused (a port that was just freed).
    let refused = {
        let s = RawServer::start(|_| {}).unwrap();
        s.url()
    };
    for (what, out) in check("x", &refused, &token, json!({}), 1 << 20) {
        assert!(matches!(out, Outcome::Failed { .. }), "{what}: {out:?}");
    }
    // Unresolvable host.
    for (what, out) in check("x", "http://leak-test.invalid", &token, json!({}), 1 << 20) {
        assert!(matches!(out, Outcome::Failed { .. }), "{what}: {out:?}");
    }
    // Reset mid-body, with the request echoed in the partial body.
    let reset = RawServer::start(|stream| {
        let mut reader = BufReader::new(stream.try_clone().unwrap());
        if let Some(req) = read_request(&mut reader) {
            let mut s = stream;
            let text = req.raw_text();
            let _ = write!(
                s,
                "HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n{text}",
                text.len() + 100
            );
            let _ = s.shutdown(Shutdown::Both);
        }
    })
    .unwrap();
    for (what, out) in check("x", &reset.url(), &token, json!({}), 1 << 20) {
        assert!(matches!(out, Outcome::Failed { .. }), "{what}: {out:?}");
    }
    // A protocol error after reading the request.
    let garbage = RawServer::start(|mut stream| {
        let mut buf = [0u8; 4096];
        let _ = stream.read(&mut buf);
        std::thread::sleep(Duration::from_millis(20));
        let _ = stream.write_all(b"garbage\r\n\r\n");
    })
    .unwrap();
    for (what, out) in check("x", &garbage.url(), &token, json!({}), 1 << 20) {
        assert!(matches!(out, Outcome::Failed { .. }), "{what}: {out:?}");
    }
    // A body over the limit.
    for (what, out) in check("big", &server.url(), &token, json!({}), 64) {
        assert!(matches!(out, Outcome::Failed { .. }), "{what}: {out:?}");
    }
}

#[test]
fn read_timeouts_are_redacted() {
    let token_server = echo_server();
    let token = format!("{}/token-ok", token_server.url());
    let stall = RawServer::start(|stream| {
        let mut reader = BufReader::new(stream.try_clone().unwrap());
        if read_request(&mut reader).is_some() {
            std::thread::sleep(Duration::from_secs(4));
        }
    })
    .unwrap();
    // GET: curl's low-speed window would stretch the timeout after an uploaded body.
    for (what, out) in check_method("GET", "x", &stall.url(), &token, json!({}), 1 << 20) {
        let Outcome::Failed { message, .. } = &out else {
            panic!("{what}: {out:?}")
        };
        assert!(message.contains("timed out"), "{what}: {out:?}");
    }
}

#[test]
fn oauth_token_endpoint_failures_are_redacted() {
    let server = echo_server();
    for route in ["token-echo-500", "token-echo-200", "token-garbage"] {
        let token = format!("{}/{route}", server.url());
        for (what, out) in check("ok-json", &server.url(), &token, json!({}), 1 << 20) {
            if what.contains("oauth") {
                assert!(matches!(out, Outcome::Failed { .. }), "{what}: {out:?}");
            }
        }
    }
}

#[test]
fn invalid_requests_naming_secrets_are_redacted() {
    let server = echo_server();
    let token = format!("{}/token-ok", server.url());
    let rt = runtime(1 << 20);
    let cases = [
        // A header name made of a secret (not a valid token: it has a space and a quote).
        json!({"method": "GET", "url": format!("{}/e500", server.url()), "headers": "={\"{{secrets.HEADER}}\": \"v\"}"}),
        // A header value with a line break after a secret.
        json!({"method": "GET", "url": format!("{}/e500", server.url()), "headers": "={\"X-A\": \"{{secrets.TOKEN}}\r\nX-B: 1\"}"}),
        // An invalid port in a URL that also holds secrets.
        json!({"method": "GET", "url": "http://127.0.0.1:99999/{{secrets.PATH}}?k={{secrets.QUERY}}"}),
        // A URL that is not http(s) after substitution.
        json!({"method": "GET", "url": "{{secrets.TOKEN}}"}),
        // An unknown method naming a secret.
        json!({"method": "{{secrets.TOKEN}}", "url": format!("{}/e500", server.url())}),
        // A timeout that is not a number.
        json!({"method": "GET", "url": format!("{}/e500", server.url()), "readTimeoutInSeconds": "{{secrets.TOKEN}}"}),
        // A missing secret next to resolved ones.
        json!({"method": "GET", "url": format!("{}/e500/{{{{secrets.PATH}}}}", server.url()), "headers.X-A": "{{secrets.TOKEN}} {{secrets.MISSING}}"}),
        // A user Content-Length header (a protocol error) with secrets around.
        json!({"method": "POST", "url": format!("{}/e500", server.url()), "headers.Content-Length": "{{secrets.TOKEN}}", "body": "{{secrets.BODY}}"}),
        // An unknown authentication type.
        json!({"method": "GET", "url": format!("{}/e500", server.url()), "authentication.type": "{{secrets.TOKEN}}"}),
        // An OAuth token endpoint that is not a URL.
        json!({"method": "GET", "url": format!("{}/e500", server.url()), "authentication.type": "oauth-client-credentials-flow", "authentication.oauthTokenEndpoint": "{{secrets.CLIENT_SECRET}}", "authentication.clientId": "{{secrets.CLIENT_ID}}", "authentication.clientSecret": "{{secrets.CLIENT_SECRET}}", "authentication.clientAuthentication": "credentialsBody"}),
    ];
    let _ = token;
    for (i, inputs) in cases.into_iter().enumerate() {
        let t = template(inputs, json!({}));
        let task = rt.compile(&t).unwrap();
        let out = task.execute(&json!({}));
        assert!(matches!(out, Outcome::Failed { .. }), "case {i}: {out:?}");
        assert_clean(&format!("case {i}: outcome"), &out.to_json().to_string());
        assert_clean(&format!("case {i}: outcome Debug"), &format!("{out:?}"));
    }
}

#[test]
fn the_cli_prints_no_secret() {
    let server = echo_server();
    let dir = std::env::temp_dir().join(format!("secrets-leak-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("secrets.json"), secrets_json().to_string()).unwrap();
    let token = format!("{}/token-ok", server.url());
    for (name, auth) in authentications(&token) {
        for scenario in ["e500", "ok-text"] {
            let t = json!({"inputs": inputs("POST", &server.url(), scenario, &auth), "taskHeaders": {"resultVariable": "r"}});
            let path = dir.join("template.json");
            std::fs::write(&path, t.to_string()).unwrap();
            let out = Command::new(env!("CARGO_BIN_EXE_connector"))
                .arg("run")
                .arg(&path)
                .arg("--secrets")
                .arg(dir.join("secrets.json"))
                .output()
                .unwrap();
            let stdout = String::from_utf8_lossy(&out.stdout);
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert!(stdout.contains("***"), "{name}/{scenario}: {stdout}");
            assert_clean(&format!("{name}/{scenario}: CLI stdout"), &stdout);
            assert_clean(&format!("{name}/{scenario}: CLI stderr"), &stderr);
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}
