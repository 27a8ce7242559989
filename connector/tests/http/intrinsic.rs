//! Intrinsic functions in the inputs (`{"camunda.function.type": …, "params": […]}`), as the
//! official templates use them: base64 content, a GitHub App installation token.

use base64::Engine as _;
use serde_json::{json, Value as Json};

use crate::common::*;
use connector::{IsahcTransport, Outcome, SendFuture, Transport, WireRequest};

#[test]
fn base64_of_a_string_as_bearer_token_and_in_the_body() {
    let mut server = mockito::Server::new();
    let (_m, log) = mock(&mut server, "POST", "/mail", 202, &[], "");
    let out = run(
        json!({
            "authentication.type": "bearer",
            "authentication.token": "={\"camunda.function.type\": \"base64\", \"params\": [\"Hello World\"]}",
            "method": "POST", "url": format!("{}/mail", server.url()),
            "body": "={attachments: [{name: \"a.txt\", contentBytes: {\"camunda.function.type\": \"base64\", \"params\": [\"{{secrets.API_TOKEN}}\"]}}]}"
        }),
        json!({}),
        json!({}),
    );
    assert!(matches!(out, Outcome::Complete { .. }), "{out:?}");
    let req = &seen(&log)[0];
    assert_eq!(req.header("authorization"), Some("Bearer SGVsbG8gV29ybGQ="));
    let body: Json = serde_json::from_slice(&req.body).unwrap();
    let b64 = base64::engine::general_purpose::STANDARD.encode("s3cr3t-token");
    assert_eq!(
        body,
        json!({"attachments": [{"name": "a.txt", "contentBytes": b64}]})
    );
}

#[test]
fn unknown_intrinsic_functions_fail_the_job() {
    let out = run(
        json!({"method": "GET", "url": "http://127.0.0.1:9/x",
               "headers": "={x: {\"camunda.function.type\": \"nope\", \"params\": []}}"}),
        json!({}),
        json!({}),
    );
    let Outcome::Failed {
        message, retries, ..
    } = &out
    else {
        panic!("{out:?}")
    };
    assert_eq!(
        (message.as_str(), *retries),
        ("Intrinsic function 'nope' not found", 0)
    );
}

/// Sends GitHub's API to a local server.
struct ToLocal {
    inner: IsahcTransport,
    base: String,
}

impl Transport for ToLocal {
    fn send(&self, mut request: WireRequest) -> SendFuture<'_> {
        request.url = request.url.replace("https://api.github.com", &self.base);
        self.inner.send(request)
    }
}

#[test]
fn a_github_app_installation_token_is_fetched_with_a_signed_jwt() {
    let rsa = openssl::rsa::Rsa::generate(2048).unwrap();
    let key = openssl::pkey::PKey::from_rsa(rsa).unwrap();
    let pem = String::from_utf8(key.private_key_to_pem_pkcs8().unwrap()).unwrap();
    let mut server = mockito::Server::new();
    let (tok, tlog) = mock(
        &mut server,
        "POST",
        "/app/installations/987/access_tokens",
        201,
        &[("Content-Type", "application/json")],
        r#"{"token": "ghs_installation", "expires_at": "2030-01-01T00:00:00Z"}"#,
    );
    let (_api, alog) = mock(&mut server, "GET", "/repos/o/r/issues", 200, &[], "[]");
    let options = connector::ClientOptions {
        blocklist: connector::Blocklist::new(),
        ..connector::ClientOptions::default()
    };
    let runtime = connector::Runtime::builder()
        .secrets(connector::MapSecretProvider::new([(
            "GITHUB_APP_KEY",
            pem.as_str(),
        )]))
        .client_options(options.clone())
        .transport(ToLocal {
            inner: IsahcTransport::new(&options).unwrap(),
            base: server.url(),
        })
        .build()
        .unwrap();
    let t = template(
        json!({
            "authentication.type": "bearer",
            "authentication.token": "={\"camunda.function.type\": \"createGithubAppInstallationToken\", \"params\": [\"{{secrets.GITHUB_APP_KEY}}\", \"4711\", \"987\"]}",
            "method": "GET", "url": "https://api.github.com/repos/o/r/issues"
        }),
        json!({"resultExpression": "={n: count(response.body)}"}),
    );
    let out = runtime.compile(&t).unwrap().execute(&json!({}));
    assert_eq!(vars(&out), json!({"n": 0}), "{out:?}");
    tok.assert();
    let jwt = seen(&tlog)[0]
        .header("authorization")
        .and_then(|h| h.strip_prefix("Bearer "))
        .unwrap()
        .to_string();
    let parts: Vec<&str> = jwt.split('.').collect();
    let mut verifier =
        openssl::sign::Verifier::new(openssl::hash::MessageDigest::sha256(), &key).unwrap();
    verifier
        .update(format!("{}.{}", parts[0], parts[1]).as_bytes())
        .unwrap();
    let signature = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(parts[2])
        .unwrap();
    assert!(
        verifier.verify(&signature).unwrap(),
        "signed with the app key"
    );
    assert_eq!(
        seen(&alog)[0].header("authorization"),
        Some("Bearer ghs_installation")
    );
}
