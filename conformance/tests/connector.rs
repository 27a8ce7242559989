//! Connector conformance: every `fixtures/connector/<case>.json` runs against a real HTTP
//! server on 127.0.0.1 that serves the fixture's canned responses; the snapshot holds the
//! requests as received on the wire (secrets redacted) and the outcome.
//!
//! Fixture fields: `description`, `template` (a connector template; `$SERVER` stands for the
//! server's base URL), `variables`, `secrets` (`{NAME: value}`), `responses` (`[{status,
//! headers: [[name, value]…], body: text or JSON, delayMs?}]`, served in order, the last one
//! repeating), optional `blocklist` (`[[TYPE, NAME, value]…]`) and `jobRetries`.
//!
//! Optional extensions:
//! - `tls`: `{server: "https" | "mutual", trust: "task" | "runtime" | "none"}` — the server
//!   speaks TLS with certificates generated for the run (`mutual` requires a client
//!   certificate); `runtime` trust writes the CA to a bundle file for the runtime. Strings in
//!   `variables` equal to `$CA_PEM`, `$CLIENT_CERT_PEM`, `$CLIENT_KEY_PEM` or
//!   `$CLIENT_KEY_ENCRYPTED_PEM` (password `k3y-pass`) are replaced by the PEM text.
//! - `proxy`: `{login: [user, password] | null, env: {CONNECTOR_…: value}, tls?: true}` — a
//!   tinyproxy (requiring `login` when given) runs on 127.0.0.1, behind a TLS terminator with
//!   `tls` (its CA is `$CA_PEM`); `$PROXY_PORT` in the env values is the port to use. The env map is the runtime's `CONNECTOR_HTTP(S)_PROXY_*` environment. The snapshot
//!   lists the request lines the proxy received. Without tinyproxy the fixture is skipped
//!   (outside CI).
//! - `documents`: `{store: "memory" | "file-system", preload: {variable: {content, contentType?,
//!   fileName?}}}` — documents stored before the run, their references given as variables.
//!   The snapshot lists the content of every document referenced by the outcome.
//!
//! `$SERVER_LOCALHOST` is the server's URL with the host `localhost`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // fixture helpers outside #[test]

use std::sync::Arc;
use std::time::Duration;

use connector::loopback::tinyproxy::{Tinyproxy, TinyproxyError};
use connector::loopback::tls::TestCertificates;
use connector::loopback::{CannedResponse, LoopbackServer, RecordedRequest};
use connector::{
    Blocklist, ClientOptions, DocumentMetadata, DocumentReference, DocumentStore,
    FileSystemDocumentStore, InMemoryDocumentStore, MapSecretProvider, ProxyOptions, Runtime,
    Template, TlsOptions,
};
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
    /// Other replacements (proxy port, document ids).
    extra: Vec<(String, String)>,
}

/// `tinyproxy/1.11.1` → `tinyproxy/<version>` (and `tinyproxy version 1.11.1`).
fn redact_tinyproxy_version(s: &str) -> String {
    let s = redact_version_after(s, "tinyproxy/");
    redact_version_after(&s, "tinyproxy version ")
}

fn redact_version_after(s: &str, marker: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find(marker) {
        let (head, tail) = rest.split_at(i + marker.len());
        out.push_str(head);
        let end = tail
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(tail.len());
        // Keep a sentence's final full stop.
        let end = if tail[..end].ends_with('.') {
            end - 1
        } else {
            end
        };
        if end > 0 {
            out.push_str("<version>");
        }
        rest = &tail[end..];
    }
    out.push_str(rest);
    out
}

impl Redact {
    fn text(&self, s: &str) -> String {
        let mut out = s.to_string();
        for (from, to) in &self.extra {
            out = out.replace(from.as_str(), to);
        }
        out = out
            .replace(&self.server, "$SERVER")
            .replace(&format!("127.0.0.1:{}", self.port), "127.0.0.1:<port>")
            .replace(&format!("localhost:{}", self.port), "localhost:<port>");
        for v in &self.secrets {
            out = out.replace(v.as_str(), "***");
        }
        redact_tinyproxy_version(&out)
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

/// Replace every string equal to a key of `subst` (anywhere in `json`) by its value.
fn substitute(json: &mut Json, subst: &[(&str, Json)]) {
    match json {
        Json::String(text) => {
            if let Some((_, v)) = subst.iter().find(|(k, _)| k == text) {
                *json = v.clone();
            }
        }
        Json::Array(items) => items.iter_mut().for_each(|v| substitute(v, subst)),
        Json::Object(map) => map.values_mut().for_each(|v| substitute(v, subst)),
        _ => {}
    }
}

/// Every `camunda` document reference inside `json`, in order.
fn references(json: &Json, out: &mut Vec<DocumentReference>) {
    if let Some(r) = DocumentReference::from_json(json) {
        out.push(r);
        return;
    }
    match json {
        Json::Array(items) => items.iter().for_each(|v| references(v, out)),
        Json::Object(map) => map.values().for_each(|v| references(v, out)),
        _ => {}
    }
}

/// Start tinyproxy, or `None` to skip the fixture (tinyproxy missing outside CI).
fn start_tinyproxy(login: Option<(&str, &str)>) -> Option<Tinyproxy> {
    match Tinyproxy::start(login) {
        Ok(p) => Some(p),
        Err(TinyproxyError::NotInstalled) if std::env::var("CI").as_deref() != Ok("true") => None,
        Err(e) => panic!("{e}"),
    }
}

/// Run one fixture; `None` when it has to be skipped.
fn run_fixture(path: &std::path::Path) -> Option<String> {
    let text = std::fs::read_to_string(path).unwrap();
    let fixture: Json = serde_json::from_str(&text).unwrap();
    let responses = fixture["responses"].as_array().cloned().unwrap_or_default();
    let tls_spec = fixture.get("tls").filter(|t| t.is_object());
    let proxy_over_tls = fixture["proxy"]["tls"] == true;
    let certs =
        (tls_spec.is_some() || proxy_over_tls).then(|| TestCertificates::generate().unwrap());
    let handler = {
        // Canned headers may name the server (redirects): take its address from `Host`.
        let responses = responses.clone();
        let scheme = if tls_spec.is_some() { "https" } else { "http" };
        let next = std::sync::atomic::AtomicUsize::new(0);
        move |req: &RecordedRequest| {
            let host = req.header("host").unwrap_or_default().to_string();
            let i = next.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            let spec = responses
                .get(i)
                .or_else(|| responses.last())
                .cloned()
                .unwrap_or(json!({"status": 404}));
            canned(&spec, &format!("{scheme}://{host}"))
        }
    };
    let server = match (&certs, tls_spec) {
        // (certificates only for a TLS proxy: the server stays plain HTTP)
        (Some(c), Some(t)) => {
            LoopbackServer::start_tls(c, t["server"] == "mutual", handler).unwrap()
        }
        _ => LoopbackServer::start(handler).unwrap(),
    };

    // Proxy.
    let proxy_spec = fixture.get("proxy").filter(|p| p.is_object());
    let proxy = match proxy_spec {
        Some(spec) => {
            let login = spec["login"]
                .as_array()
                .map(|l| (l[0].as_str().unwrap(), l[1].as_str().unwrap()));
            Some(start_tinyproxy(login)?)
        }
        None => None,
    };
    let front = match (&proxy, &certs) {
        (Some(p), Some(c)) if proxy_over_tls => {
            Some(connector::loopback::tls::TlsForwarder::start(c, p.addr()).unwrap())
        }
        _ => None,
    };
    let proxy_port = front
        .as_ref()
        .map(|f| f.port())
        .or(proxy.as_ref().map(|p| p.port()));
    let proxy_env = match (proxy_spec, proxy_port) {
        (Some(spec), Some(port)) => {
            let vars: Vec<(String, String)> = spec["env"]
                .as_object()
                .into_iter()
                .flatten()
                .map(|(k, v)| {
                    (
                        k.clone(),
                        v.as_str()
                            .unwrap()
                            .replace("$PROXY_PORT", &port.to_string()),
                    )
                })
                .collect();
            ProxyOptions::from_lookup(|k| vars.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone()))
        }
        _ => ProxyOptions::none(),
    };

    // Documents.
    let docs_spec = fixture.get("documents").filter(|d| d.is_object());
    let fs_dir = std::env::temp_dir().join(format!(
        "conformance-docs-{}-{}",
        std::process::id(),
        path.file_stem().unwrap().to_string_lossy()
    ));
    let store: Arc<dyn DocumentStore> =
        match docs_spec.map(|d| d["store"].as_str().unwrap_or("memory")) {
            Some("file-system") => Arc::new(FileSystemDocumentStore::new(&fs_dir).unwrap()),
            _ => Arc::new(InMemoryDocumentStore::new()),
        };
    let mut extra: Vec<(String, String)> = Vec::new();
    let mut subst: Vec<(&str, Json)> = Vec::new();
    let mut preloaded = Vec::new();
    for (var, doc) in docs_spec
        .and_then(|d| d["preload"].as_object())
        .into_iter()
        .flatten()
    {
        let r = store
            .create(
                doc["content"].as_str().unwrap().as_bytes(),
                DocumentMetadata::new(doc["contentType"].as_str(), doc["fileName"].as_str()),
            )
            .unwrap();
        extra.push((r.document_id.clone(), format!("<document {var}>")));
        preloaded.push((format!("$DOC:{var}"), r.to_json()));
    }
    for (k, v) in &preloaded {
        subst.push((k.as_str(), v.clone()));
    }

    // TLS material.
    let bundle_dir = std::env::temp_dir().join(format!(
        "conformance-tls-{}-{}",
        std::process::id(),
        path.file_stem().unwrap().to_string_lossy()
    ));
    let mut tls_options = TlsOptions::system_default();
    if let Some(c) = &certs {
        subst.push(("$CA_PEM", json!(c.ca_pem)));
        subst.push(("$CLIENT_CERT_PEM", json!(c.client_cert_pem)));
        subst.push(("$CLIENT_KEY_PEM", json!(c.client_key_pem)));
        subst.push((
            "$CLIENT_KEY_ENCRYPTED_PEM",
            json!(c.client_key_encrypted_pem("k3y-pass").unwrap()),
        ));
        if tls_spec.is_some_and(|t| t["trust"] == "runtime") {
            std::fs::create_dir_all(&bundle_dir).unwrap();
            let bundle = bundle_dir.join("ca.pem");
            std::fs::write(&bundle, &c.ca_pem).unwrap();
            tls_options = TlsOptions::ca_bundle(bundle);
        }
    }

    let localhost_url = format!(
        "{}://localhost:{}",
        if certs.is_some() { "https" } else { "http" },
        server.port()
    );
    let template_text = fixture["template"]
        .to_string()
        .replace("$SERVER_LOCALHOST", &localhost_url)
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
        .documents(store.clone())
        .client_options(ClientOptions {
            blocklist,
            proxy_env,
            proxy: ProxyOptions::none(),
            tls: tls_options,
            ..ClientOptions::default()
        })
        .build()
        .unwrap();
    let mut variables = fixture.get("variables").cloned().unwrap_or(json!({}));
    substitute(&mut variables, &subst);
    let outcome = match runtime.compile(&template) {
        Ok(task) => {
            let retries = fixture["jobRetries"]
                .as_u64()
                .map_or(template.retries, |r| r as u32);
            task.execute_job(&variables, retries).to_json()
        }
        Err(e) => json!({"compileError": e.message}),
    };
    let mut stored = Vec::new();
    references(&outcome, &mut stored);
    for (i, r) in stored.iter().enumerate() {
        if !extra.iter().any(|(id, _)| id == &r.document_id) {
            extra.push((
                r.document_id.clone(),
                format!("<stored document {}>", i + 1),
            ));
        }
    }
    if let Some(p) = &proxy {
        extra.push((
            format!("127.0.0.1:{}", p.port()),
            "127.0.0.1:<proxy port>".into(),
        ));
    }
    let redact = Redact {
        server: server.url(),
        port: server.port().to_string(),
        secrets: secrets
            .into_iter()
            .map(|(_, v)| v)
            .filter(|v| !v.is_empty())
            .collect(),
        extra,
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
    if let Some(p) = &proxy {
        out.push_str("== proxy ==\n");
        let lines = p.requests();
        if lines.is_empty() {
            out.push_str("(none)\n");
        }
        for line in lines {
            out.push_str(&redact.text(&line));
            out.push('\n');
        }
    }
    out.push_str("== outcome ==\n");
    out.push_str(&redact.text(&serde_json::to_string_pretty(&outcome).unwrap()));
    out.push('\n');
    if !stored.is_empty() {
        out.push_str("== stored documents ==\n");
        for r in &stored {
            let content = store.content(r).map_or_else(
                |e| format!("<{e}>"),
                |c| String::from_utf8_lossy(&c).into_owned(),
            );
            out.push_str(&format!("{}: {}\n", redact.text(&r.document_id), content));
        }
    }
    let _ = std::fs::remove_dir_all(&fs_dir);
    let _ = std::fs::remove_dir_all(&bundle_dir);
    Some(out)
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
            let Some(result) = run_fixture(path) else {
                eprintln!(
                    "SKIPPED {}: tinyproxy is not installed (run .ci/setup.sh)",
                    path.display()
                );
                return;
            };
            insta::with_settings!({ description => description, omit_expression => true }, {
                insta::assert_snapshot!(result);
            });
        }
    );
}
