use base64::Engine as _;
use serde_json::json;

use crate::common::*;
use connector::Outcome;

fn b64(s: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(s)
}

#[test]
fn issue_template_bearer_secret_feel_url_and_query() {
    let mut server = mockito::Server::new();
    let (m, log) = mock(
        &mut server,
        "GET",
        "/users/42",
        200,
        &[("Content-Type", "application/json")],
        r#"{"name": "Ada", "id": 42}"#,
    );
    let t = connector::Template::from_json(&json!({
        "type": "io.camunda:http-json:1",
        "inputs": [
            {"source": "bearer", "target": "authentication.type"},
            {"source": "{{secrets.API_TOKEN}}", "target": "authentication.token"},
            {"source": "GET", "target": "method"},
            {"source": format!("=\"{}/users/\" + string(userId)", server.url()), "target": "url"},
            {"source": "={q: city, units: \"metric\"}", "target": "queryParameters"}
        ],
        "taskHeaders": {"resultVariable": "user", "resultExpression": "={name: response.body.name}",
            "errorExpression": "=if error.code = \"404\" then bpmnError(\"NOT_FOUND\", error.message) else null",
            "retryBackoff": "PT30S"},
        "retries": 3
    })).unwrap();
    let out = runtime()
        .compile(&t)
        .unwrap()
        .execute(&json!({"userId": 42, "city": "São Paulo"}));
    m.assert();
    let req = &seen(&log)[0];
    assert_eq!(req.method, "GET");
    assert_eq!(req.target, "/users/42?q=S%C3%A3o%20Paulo&units=metric");
    assert_eq!(req.header("authorization"), Some("Bearer s3cr3t-token"));
    assert_eq!(req.header("content-type"), None);
    assert!(req.body.is_empty());
    let v = vars(&out);
    assert!(matches!(out, Outcome::Complete { .. }), "{out:?}");
    assert_eq!(v["name"], json!("Ada"));
    assert_eq!(v["user"]["status"], json!(200));
    assert_eq!(v["user"]["reason"], json!("OK"));
    assert_eq!(v["user"]["body"], json!({"name": "Ada", "id": 42}));
    assert_eq!(
        v["user"]["headers"]["Content-Type"],
        json!("application/json")
    );
    assert_eq!(v["user"]["document"], json!(null));
}

#[test]
fn basic_auth_is_preemptive_and_uses_secrets() {
    let mut server = mockito::Server::new();
    let (_m, log) = mock(&mut server, "GET", "/b", 204, &[], "");
    let out = run(
        json!({"authentication.type": "basic", "authentication.username": "{{secrets.USER}}",
        "authentication.password": "secrets.PASSWORD", "method": "GET", "url": format!("{}/b", server.url())}),
        json!({"resultVariable": "r"}),
        json!({}),
    );
    assert_eq!(
        seen(&log)[0].header("authorization"),
        Some(format!("Basic {}", b64("alice:pa:ss")).as_str())
    );
    assert_eq!(vars(&out)["r"]["body"], json!(null));
    assert_eq!(vars(&out)["r"]["status"], json!(204));
}

#[test]
fn no_auth_sends_no_authorization() {
    let mut server = mockito::Server::new();
    let (_m, log) = mock(&mut server, "DELETE", "/x", 200, &[], "");
    let out = run(
        json!({"authentication.type": "noAuth", "method": "delete", "url": format!("{}/x", server.url())}),
        json!({}),
        json!({}),
    );
    assert_eq!(
        out,
        Outcome::Complete {
            variables: Default::default()
        }
    );
    assert_eq!(seen(&log)[0].header("authorization"), None);
    assert_eq!(seen(&log)[0].method, "DELETE");
}

#[test]
fn api_key_in_header_and_in_query_before_user_parameters() {
    let mut server = mockito::Server::new();
    let (_m, log) = mock(&mut server, "GET", "/k", 200, &[], "ok");
    run(
        json!({"authentication.type": "apiKey", "authentication.apiKeyLocation": "headers",
        "authentication.name": "X-API-Key", "authentication.value": "{{secrets.API_TOKEN}}",
        "method": "GET", "url": format!("{}/k", server.url())}),
        json!({}),
        json!({}),
    );
    run(
        json!({"authentication.type": "apiKey", "authentication.apiKeyLocation": "query",
        "authentication.name": "api key", "authentication.value": "{{secrets.API_TOKEN}}",
        "method": "GET", "url": format!("{}/k?a=1", server.url()), "queryParameters": "={b: 2}"}),
        json!({}),
        json!({}),
    );
    let reqs = seen(&log);
    assert_eq!(reqs[0].header("x-api-key"), Some("s3cr3t-token"));
    assert_eq!(reqs[0].target, "/k");
    assert_eq!(reqs[1].header("x-api-key"), None);
    assert_eq!(reqs[1].target, "/k?a=1&api%20key=s3cr3t-token&b=2");
}

#[test]
fn oauth_basic_header_flow_caches_the_token_until_expiry() {
    let mut server = mockito::Server::new();
    let (tok, tlog) = mock(
        &mut server,
        "POST",
        "/oauth/token",
        200,
        &[("Content-Type", "application/json")],
        r#"{"token_type": "Bearer", "access_token": "tok-1", "expires_in": 3600}"#,
    );
    let (_api, alog) = mock(&mut server, "GET", "/api", 200, &[], "{}");
    let t = template(
        json!({
        "authentication.type": "oauth-client-credentials-flow",
        "authentication.oauthTokenEndpoint": format!("{}/oauth/token", server.url()),
        "authentication.clientId": "my-client", "authentication.clientSecret": "{{secrets.CLIENT_SECRET}}",
        "authentication.audience": "my-api", "authentication.scopes": "read:a write:b",
        "authentication.clientAuthentication": "basicAuthHeader",
        "method": "GET", "url": format!("{}/api", server.url())}),
        json!({}),
    );
    let rt = runtime();
    let task = rt.compile(&t).unwrap();
    for _ in 0..3 {
        assert!(matches!(task.execute(&json!({})), Outcome::Complete { .. }));
    }
    tok.expect(1).assert();
    let token_req = &seen(&tlog)[0];
    assert_eq!(
        token_req.header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
    assert_eq!(
        token_req.header("authorization"),
        Some(format!("Basic {}", b64("my-client:client-s3cret")).as_str())
    );
    assert_eq!(
        token_req.body_text(),
        "grant_type=client_credentials&audience=my-api&scope=read%3Aa+write%3Ab"
    );
    let api = seen(&alog);
    assert_eq!(api.len(), 3);
    assert!(api
        .iter()
        .all(|r| r.header("authorization") == Some("Bearer tok-1")));
}

#[test]
fn oauth_credentials_body_without_expiry_fetches_every_time() {
    let mut server = mockito::Server::new();
    let (tok, tlog) = mock(
        &mut server,
        "POST",
        "/token",
        200,
        &[],
        r#"{"data": {"access_token": "nested"}}"#,
    );
    let (_api, alog) = mock(&mut server, "POST", "/api", 201, &[], "");
    let t = template(
        json!({
        "authentication.type": "oauth-client-credentials-flow",
        "authentication.oauthTokenEndpoint": format!("{}/token", server.url()),
        "authentication.clientId": "id", "authentication.clientSecret": "{{secrets.CLIENT_SECRET}}",
        "authentication.clientAuthentication": "credentialsBody",
        "method": "POST", "url": format!("{}/api", server.url())}),
        json!({}),
    );
    let task = runtime().compile(&t).unwrap();
    task.execute(&json!({}));
    task.execute(&json!({}));
    tok.expect(2).assert();
    assert_eq!(seen(&tlog)[0].header("authorization"), None);
    assert_eq!(
        seen(&tlog)[0].body_text(),
        "grant_type=client_credentials&client_id=id&client_secret=client-s3cret"
    );
    assert_eq!(
        seen(&alog)[0].header("authorization"),
        Some("Bearer nested")
    );
}

#[test]
fn oauth_token_errors_fail_the_job() {
    let mut server = mockito::Server::new();
    let (_t, _) = mock(
        &mut server,
        "POST",
        "/denied",
        401,
        &[],
        r#"{"error": "invalid_client"}"#,
    );
    let (_t2, _) = mock(
        &mut server,
        "POST",
        "/empty",
        200,
        &[],
        r#"{"token_type": "x"}"#,
    );
    let (_api, alog) = mock(&mut server, "GET", "/api", 200, &[], "");
    let inputs = |path: &str| {
        json!({
        "authentication.type": "oauth-client-credentials-flow",
        "authentication.oauthTokenEndpoint": format!("{}{path}", server.url()),
        "authentication.clientId": "id", "authentication.clientSecret": "{{secrets.CLIENT_SECRET}}",
        "authentication.clientAuthentication": "basicAuthHeader",
        "method": "GET", "url": format!("{}/api", server.url())})
    };
    let out = run(inputs("/denied"), json!({}), json!({}));
    let Outcome::Failed {
        message,
        retries,
        variables,
        ..
    } = &out
    else {
        panic!("{out:?}")
    };
    assert_eq!((message.as_str(), *retries), ("Unauthorized", 2));
    assert_eq!(variables["error"]["code"], json!("401"));
    assert_eq!(
        variables["error"]["variables"]["response"]["body"],
        json!({"error": "invalid_client"})
    );
    let out = run(inputs("/empty"), json!({}), json!({}));
    let Outcome::Failed {
        message, variables, ..
    } = &out
    else {
        panic!("{out:?}")
    };
    assert_eq!(
        message,
        "OAuth token response does not contain an access_token field"
    );
    assert_eq!(variables["error"]["code"], json!("OAUTH_TOKEN_ERROR"));
    assert!(seen(&alog).is_empty());
}

#[test]
fn oauth_refresh_token_flow_exchanges_the_refresh_token() {
    let mut server = mockito::Server::new();
    let (tok, tlog) = mock(
        &mut server,
        "POST",
        "/refresh",
        200,
        &[("Content-Type", "application/json")],
        r#"{"access_token": "fresh-1", "expires_in": 3600, "refresh_token": "rotated"}"#,
    );
    let (_expired, _) = mock(
        &mut server,
        "POST",
        "/expired",
        200,
        &[("Content-Type", "application/json")],
        r#"{"error": "invalid_grant", "error_description": "token revoked"}"#,
    );
    let (_api, alog) = mock(&mut server, "GET", "/api", 200, &[], "{}");
    let inputs = |path: &str, secret: &str| {
        json!({
        "authentication.type": "oauth-refresh-token",
        "authentication.oauthTokenEndpoint": format!("{}{path}", server.url()),
        "authentication.clientId": "app", "authentication.clientSecret": secret,
        "authentication.refreshToken": "{{secrets.CLIENT_SECRET}}",
        "authentication.scopes": "offline_access",
        "method": "GET", "url": format!("{}/api", server.url())})
    };
    let task = runtime()
        .compile(&template(inputs("/refresh", ""), json!({})))
        .unwrap();
    assert!(matches!(task.execute(&json!({})), Outcome::Complete { .. }));
    assert!(matches!(task.execute(&json!({})), Outcome::Complete { .. }));
    tok.expect(1).assert();
    let token_req = &seen(&tlog)[0];
    assert_eq!(token_req.header("authorization"), None);
    assert_eq!(
        token_req.body_text(),
        "grant_type=refresh_token&client_id=app&refresh_token=client-s3cret&scope=offline_access"
    );
    assert_eq!(
        seen(&alog)[0].header("authorization"),
        Some("Bearer fresh-1")
    );
    let out = run(inputs("/expired", "x"), json!({}), json!({}));
    let Outcome::Failed {
        message, variables, ..
    } = &out
    else {
        panic!("{out:?}")
    };
    assert_eq!(
        message,
        "Refresh token is invalid or expired; re-authorization is required. Details: token revoked"
    );
    assert_eq!(
        variables["error"]["code"],
        json!("OAUTH_REFRESH_TOKEN_EXPIRED")
    );
    // a missing refresh token is a validation error, as in Camunda
    let mut missing = inputs("/refresh", "");
    missing["authentication.refreshToken"] = json!("");
    let out = run(missing, json!({}), json!({}));
    let Outcome::Failed { message, .. } = &out else {
        panic!("{out:?}")
    };
    assert!(message.contains("authentication.refreshToken"), "{message}");
}
