//! TLS against HTTPS loopback servers with certificates generated for each test: trust per task
//! (`clientTls.trustedCertificate`) or per runtime (a CA bundle file), untrusted servers, and
//! mutual TLS with plain and encrypted client keys.

use connector::loopback::tls::TestCertificates;
use connector::loopback::{CannedResponse, LoopbackServer};
use connector::{Blocklist, ClientOptions, Outcome, Runtime, TlsOptions};
use serde_json::{json, Value as Json};

use crate::common::{runtime_with, template};

fn server(certs: &TestCertificates, mutual: bool) -> LoopbackServer {
    LoopbackServer::start_tls(certs, mutual, |r| {
        CannedResponse::new(200, format!(r#"{{"path": "{}"}}"#, r.target))
            .header("Content-Type", "application/json")
    })
    .unwrap()
}

fn runtime(tls: TlsOptions) -> Runtime {
    runtime_with(ClientOptions {
        blocklist: Blocklist::new(),
        tls,
        ..ClientOptions::default()
    })
}

/// GET `url` with `clientTls` taken from a process variable (PEM text is not a literal).
fn get(rt: &Runtime, url: &str, client_tls: Json) -> Outcome {
    rt.compile(&template(
        json!({"method": "GET", "url": url, "clientTls": "=tls"}),
        json!({"resultExpression": "={path: response.body.path}"}),
    ))
    .unwrap()
    .execute(&json!({ "tls": client_tls }))
}

fn assert_path(outcome: &Outcome, path: &str) {
    match outcome {
        Outcome::Complete { variables } => assert_eq!(variables["path"], path),
        other => panic!("expected success, got {other:?}"),
    }
}

fn assert_untrusted(outcome: &Outcome) {
    match outcome {
        Outcome::Failed {
            message,
            variables,
            retries,
            ..
        } => {
            assert_eq!(
                variables["error"]["code"], "SSL_HANDSHAKE_FAILED",
                "{message}"
            );
            assert!(message.starts_with("TLS handshake failed: "), "{message}");
            assert!(
                message.contains("The server certificate may not be trusted"),
                "{message}"
            );
            assert_eq!(*retries, 2);
        }
        other => panic!("expected an untrusted-certificate failure, got {other:?}"),
    }
}

#[test]
fn per_task_trusted_certificate() {
    let certs = TestCertificates::generate().unwrap();
    let s = server(&certs, false);
    let rt = runtime(TlsOptions::system_default());
    let trust = json!({"trustedCertificate": certs.ca_pem});
    assert_path(
        &get(&rt, &format!("{}/task", s.url()), trust.clone()),
        "/task",
    );
    assert_path(
        &get(&rt, &format!("https://localhost:{}/host", s.port()), trust),
        "/host",
    );
    // The next task without clientTls does not inherit the trust.
    assert_untrusted(&get(&rt, &format!("{}/again", s.url()), Json::Null));
}

#[test]
fn runtime_ca_bundle() {
    let certs = TestCertificates::generate().unwrap();
    let s = server(&certs, false);
    let dir = std::env::temp_dir().join(format!("connector-tls-bundle-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bundle = dir.join("ca.pem");
    std::fs::write(&bundle, &certs.ca_pem).unwrap();
    let rt = runtime(TlsOptions::ca_bundle(&bundle));
    assert_path(
        &get(&rt, &format!("{}/bundle", s.url()), Json::Null),
        "/bundle",
    );
    // A task's own trusted certificate replaces the runtime bundle.
    let other = TestCertificates::generate().unwrap();
    assert_untrusted(&get(
        &rt,
        &format!("{}/x", s.url()),
        json!({"trustedCertificate": other.ca_pem}),
    ));
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn untrusted_certificate_is_a_clear_failure() {
    let certs = TestCertificates::generate().unwrap();
    let s = server(&certs, false);
    assert_untrusted(&get(
        &runtime(TlsOptions::system_default()),
        &s.url(),
        Json::Null,
    ));
    let other = TestCertificates::generate().unwrap();
    assert_untrusted(&get(
        &runtime(TlsOptions::system_default()),
        &s.url(),
        json!({"trustedCertificate": other.ca_pem}),
    ));
    assert!(s.requests().is_empty());
}

#[test]
fn mutual_tls_with_client_certificate_and_key() {
    let certs = TestCertificates::generate().unwrap();
    let s = server(&certs, true);
    let rt = runtime(TlsOptions::system_default());
    let url = format!("{}/mtls", s.url());
    let tls = json!({"trustedCertificate": certs.ca_pem, "clientCertificate": certs.client_cert_pem,
                     "clientPrivateKey": certs.client_key_pem});
    assert_path(&get(&rt, &url, tls), "/mtls");
    // Without a client certificate the server refuses.
    match get(&rt, &url, json!({"trustedCertificate": certs.ca_pem})) {
        Outcome::Failed { variables, .. } => assert!(variables["error"]["code"].is_string()),
        other => panic!("the server accepted a client without certificate: {other:?}"),
    }
    assert_eq!(s.requests().len(), 1);
}

#[test]
fn mutual_tls_with_an_encrypted_key_and_its_password() {
    let certs = TestCertificates::generate().unwrap();
    let s = server(&certs, true);
    let rt = runtime(TlsOptions::system_default());
    let url = format!("{}/encrypted", s.url());
    let key = certs.client_key_encrypted_pem("k3y-pass").unwrap();
    assert!(key.contains("ENCRYPTED PRIVATE KEY"));
    let tls = |password: &str| {
        json!({"trustedCertificate": certs.ca_pem, "clientCertificate": certs.client_cert_pem,
               "clientPrivateKey": key, "privateKeyPassword": password})
    };
    assert_path(&get(&rt, &url, tls("k3y-pass")), "/encrypted");
    match get(&rt, &url, tls("wrong")) {
        Outcome::Failed {
            message, retries, ..
        } => {
            assert!(
                message.starts_with(
                    "Failed to build SSL context for mTLS from the provided certificate material"
                ),
                "{message}"
            );
            assert_eq!(retries, 0);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn certificate_without_key_is_an_input_error() {
    let certs = TestCertificates::generate().unwrap();
    let rt = runtime(TlsOptions::system_default());
    match get(
        &rt,
        "https://127.0.0.1:9/",
        json!({"clientCertificate": certs.client_cert_pem}),
    ) {
        Outcome::Failed {
            message, retries, ..
        } => {
            assert_eq!(
                message,
                "clientTls.clientPrivateKey is required when clientTls.clientCertificate is set"
            );
            assert_eq!(retries, 0);
        }
        other => panic!("{other:?}"),
    }
}
