//! Connector conformance: every `fixtures/connector/<case>.json` runs against a real HTTP
//! server on 127.0.0.1 that serves the fixture's canned responses; the snapshot holds the
//! requests as received on the wire (secrets redacted) and the outcome.
//!
//! Fixture fields: `description`, `template` (a connector template; `$SERVER` stands for the
//! server's base URL), `variables`, `secrets` (`{NAME: value}`), `responses` (`[{status,
//! headers: [[name, value]…], body: text or JSON, delayMs?}]`, served in order, the last one
//! repeating), optional `blocklist` (`[[TYPE, NAME, value]…]`) and `jobRetries`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // fixture helpers outside #[test]

use std::time::Duration;

use connector::loopback::{CannedResponse, LoopbackServer, RecordedRequest};
use connector::{Blocklist, ClientOptions, MapSecretProvider, Runtime, Template};
use serde_json::{json, Value as Json};

fn decode_base64(text: &str) -> Result<Vec<u8>, ()> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = Vec::new();
    let (mut acc, mut bits) = (0u32, 0u32);
    for c in text.trim_end_matches('=').bytes() {
        let v = ALPHABET.iter().position(|&a| a == c).ok_or(())? as u32;
        acc = (acc << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Ok(out)
}

fn canned(spec: &Json, server_url: &str) -> CannedResponse {
    let status = spec["status"]
        .as_u64()
        .and_then(|s| u16::try_from(s).ok())
        .unwrap_or(200);
    let body = match &spec["body"] {
        Json::Null => Vec::new(),
        Json::String(s) => s.clone().into_bytes(),
        other => other.to_string().into_bytes(),
    };
    let mut r = CannedResponse::new(status, body);
    r.reason = spec["reason"].as_str().unwrap_or("").to_string();
    for h in spec["headers"].as_array().into_iter().flatten() {
        if let (Some(k), Some(v)) = (h[0].as_str(), h[1].as_str()) {
            r = r.header(k, &v.replace("$SERVER", server_url));
        }
    }
    r.delay = spec["delayMs"].as_u64().map(Duration::from_millis);
    r
}

struct Redact {
    server: String,
    port: String,
    secrets: Vec<String>,
}

impl Redact {
    fn text(&self, s: &str) -> String {
        let mut out = s
            .replace(&self.server, "$SERVER")
            .replace(&format!("127.0.0.1:{}", self.port), "127.0.0.1:<port>");
        for v in &self.secrets {
            out = out.replace(v.as_str(), "***");
        }
        out
    }

    fn header(&self, name: &str, value: &str) -> String {
        if name.eq_ignore_ascii_case("authorization") {
            if let Some(b64) = value.strip_prefix("Basic ") {
                if let Ok(plain) = decode_base64(b64) {
                    return format!(
                        "Basic base64({})",
                        self.text(&String::from_utf8_lossy(&plain))
                    );
                }
            }
        }
        if name.eq_ignore_ascii_case("user-agent") {
            return value.split('/').next().unwrap_or(value).to_string() + "/<version>";
        }
        self.text(value)
    }

    fn request(&self, r: &RecordedRequest) -> String {
        let mut out = format!("{} {}\n", r.method, self.text(&r.target));
        let boundary = r
            .header("content-type")
            .and_then(|ct| ct.split("boundary=").nth(1))
            .map(str::to_string);
        for (k, v) in &r.headers {
            let mut v = self.header(k, v);
            if let Some(b) = &boundary {
                v = v.replace(b.as_str(), "<boundary>");
            }
            out.push_str(&format!("{k}: {v}\n"));
        }
        if !r.body.is_empty() {
            let mut body = self.text(&String::from_utf8_lossy(&r.body));
            if let Some(b) = &boundary {
                body = body.replace(b.as_str(), "<boundary>");
            }
            out.push('\n');
            out.push_str(&body);
            out.push('\n');
        }
        out
    }
}

fn run_fixture(path: &std::path::Path) -> String {
    let text = std::fs::read_to_string(path).unwrap();
    let fixture: Json = serde_json::from_str(&text).unwrap();
    let responses = fixture["responses"].as_array().cloned().unwrap_or_default();
    let server = {
        // Canned headers may name the server (redirects): take its address from `Host`.
        LoopbackServer::start({
            let responses = responses.clone();
            let next = std::sync::atomic::AtomicUsize::new(0);
            move |req: &RecordedRequest| {
                let host = req.header("host").unwrap_or_default().to_string();
                let i = next.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                let spec = responses
                    .get(i)
                    .or_else(|| responses.last())
                    .cloned()
                    .unwrap_or(json!({"status": 404}));
                canned(&spec, &format!("http://{host}"))
            }
        })
        .unwrap()
    };
    let template_text = fixture["template"]
        .to_string()
        .replace("$SERVER", &server.url());
    let template = Template::from_json_str(&template_text).unwrap();
    let secrets: Vec<(String, String)> = fixture["secrets"]
        .as_object()
        .map(|m| {
            m.iter()
                .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string()))
                .collect()
        })
        .unwrap_or_default();
    let mut blocklist = Blocklist::new();
    for rule in fixture["blocklist"].as_array().into_iter().flatten() {
        blocklist.add(
            rule[0].as_str().unwrap(),
            rule[1].as_str().unwrap(),
            rule[2].as_str().unwrap(),
        );
    }
    let runtime = Runtime::builder()
        .secrets(MapSecretProvider::new(secrets.clone()))
        .client_options(ClientOptions {
            blocklist,
            ..ClientOptions::default()
        })
        .build()
        .unwrap();
    let variables = fixture.get("variables").cloned().unwrap_or(json!({}));
    let outcome = match runtime.compile(&template) {
        Ok(task) => {
            let retries = fixture["jobRetries"]
                .as_u64()
                .map_or(template.retries, |r| r as u32);
            task.execute_job(&variables, retries).to_json()
        }
        Err(e) => json!({"compileError": e.message}),
    };
    let redact = Redact {
        server: server.url(),
        port: server.port().to_string(),
        secrets: secrets
            .into_iter()
            .map(|(_, v)| v)
            .filter(|v| !v.is_empty())
            .collect(),
    };
    let mut out = String::from("== requests ==\n");
    let requests = server.requests();
    if requests.is_empty() {
        out.push_str("(none)\n");
    }
    for r in &requests {
        out.push_str(&redact.request(r));
        out.push_str("--\n");
    }
    out.push_str("== outcome ==\n");
    out.push_str(&redact.text(&serde_json::to_string_pretty(&outcome).unwrap()));
    out.push('\n');
    out
}

#[test]
fn fixtures() {
    insta::glob!(
        concat!(env!("CARGO_MANIFEST_DIR"), "/../fixtures"),
        "connector/*.json",
        |path| {
            let fixture: Json =
                serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
            let description = fixture["description"]
                .as_str()
                .unwrap_or_default()
                .to_string();
            insta::with_settings!({ description => description, omit_expression => true }, {
                insta::assert_snapshot!(run_fixture(path));
            });
        }
    );
}
