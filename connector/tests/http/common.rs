//! Shared helpers: a mockito server that records what it received, and a runtime with
//! in-memory secrets and no blocklist.

#![allow(dead_code)]

use std::sync::{Arc, Mutex};

use connector::{Blocklist, ClientOptions, MapSecretProvider, Outcome, Runtime, Template};
use mockito::{Matcher, Mock, Server};
use serde_json::{json, Value as Json};

/// A request as the mock server saw it.
#[derive(Clone, Debug)]
pub struct Seen {
    pub method: String,
    pub target: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Seen {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
    pub fn header_count(&self, name: &str) -> usize {
        self.headers
            .iter()
            .filter(|(k, _)| k.eq_ignore_ascii_case(name))
            .count()
    }
    pub fn body_text(&self) -> String {
        String::from_utf8(self.body.clone()).unwrap()
    }
}

pub type Log = Arc<Mutex<Vec<Seen>>>;

/// Mock `method path` (any query), answering `status` with headers and body; records requests.
pub fn mock(
    server: &mut Server,
    method: &str,
    path: &str,
    status: usize,
    headers: &[(&str, &str)],
    body: &str,
) -> (Mock, Log) {
    let log: Log = Arc::default();
    let log2 = log.clone();
    let body = body.as_bytes().to_vec();
    let mut m = server
        .mock(
            method,
            Matcher::Regex(format!("^{}(\\?.*)?$", regex_escape(path))),
        )
        .with_status(status);
    for (k, v) in headers {
        m = m.with_header(*k, v);
    }
    let m = m
        .with_body_from_request(move |req| {
            log2.lock().unwrap().push(Seen {
                method: req.method().to_string(),
                target: req.path_and_query().to_string(),
                headers: req
                    .headers()
                    .iter()
                    .map(|(k, v)| {
                        (
                            k.as_str().to_string(),
                            String::from_utf8_lossy(v.as_bytes()).into_owned(),
                        )
                    })
                    .collect(),
                body: req.body().cloned().unwrap_or_default(),
            });
            body.clone()
        })
        .create();
    (m, log)
}

fn regex_escape(s: &str) -> String {
    s.chars()
        .map(|c| {
            if "\\.+*?()|[]{}^$".contains(c) {
                format!("\\{c}")
            } else {
                c.to_string()
            }
        })
        .collect()
}

pub fn seen(log: &Log) -> Vec<Seen> {
    log.lock().unwrap().clone()
}

pub fn runtime() -> Runtime {
    runtime_with(ClientOptions {
        blocklist: Blocklist::new(),
        ..ClientOptions::default()
    })
}

pub fn runtime_with(options: ClientOptions) -> Runtime {
    Runtime::builder()
        .secrets(MapSecretProvider::new([
            ("API_TOKEN", "s3cr3t-token"),
            ("USER", "alice"),
            ("PASSWORD", "pa:ss"),
            ("CLIENT_SECRET", "client-s3cret"),
        ]))
        .client_options(options)
        .build()
        .unwrap()
}

/// A template from `inputs` (object form) and task headers.
pub fn template(inputs: Json, headers: Json) -> Template {
    Template::from_json(&json!({"type": "io.camunda:http-json:1", "inputs": inputs, "taskHeaders": headers, "retries": 3})).unwrap()
}

pub fn run(inputs: Json, headers: Json, vars: Json) -> Outcome {
    runtime()
        .compile(&template(inputs, headers))
        .unwrap()
        .execute(&vars)
}

pub fn vars(outcome: &Outcome) -> Json {
    Json::Object(outcome.variables().clone())
}
