use std::time::Duration;

use serde_json::json;

use crate::common::*;
use connector::Outcome;

const NOT_FOUND_EXPR: &str = "=if error.code = \"404\" then bpmnError(\"NOT_FOUND\", error.message, {body: error.variables.response.body}) else null";

#[test]
fn http_error_without_error_expression_fails_with_retries_minus_one() {
    let mut server = mockito::Server::new();
    let (_m, _) = mock(
        &mut server,
        "GET",
        "/e",
        500,
        &[("Content-Type", "application/json")],
        r#"{"detail": "boom"}"#,
    );
    let out = run(
        json!({"method": "GET", "url": format!("{}/e", server.url())}),
        json!({"retryBackoff": "PT30S", "resultVariable": "r"}),
        json!({}),
    );
    let Outcome::Failed {
        message,
        retries,
        retry_backoff,
        variables,
    } = &out
    else {
        panic!("{out:?}")
    };
    assert_eq!(message, "Internal Server Error");
    assert_eq!(*retries, 2);
    assert_eq!(*retry_backoff, Some(Duration::from_secs(30)));
    assert_eq!(variables["error"]["code"], json!("500"));
    assert_eq!(
        variables["error"]["type"],
        json!("io.camunda.connector.api.error.ConnectorException")
    );
    assert_eq!(
        variables["error"]["variables"]["response"]["body"],
        json!({"detail": "boom"})
    );
    assert_eq!(
        variables["error"]["variables"]["response"]["headers"]["Content-Type"],
        json!("application/json")
    );
    assert_eq!(out.to_json()["retryBackoff"], json!("PT30S"));
}

#[test]
fn error_expression_throws_bpmn_error_on_404() {
    let mut server = mockito::Server::new();
    let (_m, _) = mock(&mut server, "GET", "/missing", 404, &[], "no such user");
    let out = run(
        json!({"method": "GET", "url": format!("{}/missing", server.url())}),
        json!({"errorExpression": NOT_FOUND_EXPR}),
        json!({}),
    );
    assert_eq!(
        out.to_json(),
        json!({"outcome": "bpmnError", "code": "NOT_FOUND", "message": "Not Found",
        "variables": {"body": "no such user"}})
    );
    let (_m2, _) = mock(&mut server, "GET", "/gone", 410, &[], "");
    let out = run(
        json!({"method": "GET", "url": format!("{}/gone", server.url())}),
        json!({"errorExpression": NOT_FOUND_EXPR}),
        json!({}),
    );
    assert!(matches!(out, Outcome::Failed { retries: 2, .. }), "{out:?}");
}

#[test]
fn error_expression_runs_on_success_too() {
    let mut server = mockito::Server::new();
    let (_m, _) = mock(
        &mut server,
        "GET",
        "/ok",
        200,
        &[],
        r#"{"status": "REJECTED"}"#,
    );
    let url = format!("{}/ok", server.url());
    let expr = "=if response.body.status = \"REJECTED\" then bpmnError(\"REJECTED\", \"rejected\") else null";
    let out = run(
        json!({"method": "GET", "url": url}),
        json!({"errorExpression": expr}),
        json!({}),
    );
    assert!(
        matches!(&out, Outcome::BpmnError { code, .. } if code == "REJECTED"),
        "{out:?}"
    );
    // With a result variable, `response` is the output variables.
    let expr = "=if r.body.status = \"REJECTED\" then bpmnError(\"VIA_R\", \"x\") else null";
    let out = run(
        json!({"method": "GET", "url": url}),
        json!({"resultVariable": "r", "errorExpression": expr}),
        json!({}),
    );
    assert!(
        matches!(&out, Outcome::BpmnError { code, .. } if code == "VIA_R"),
        "{out:?}"
    );
    // With a result expression, `response` is what it produced: `response.body` is gone.
    let expr = "=if s = \"REJECTED\" and response.s = \"REJECTED\" and response.body = null \
                then bpmnError(\"SEES_RESULT\", \"x\") else null";
    let out = run(
        json!({"method": "GET", "url": url}),
        json!({"resultExpression": "={s: response.body.status}", "errorExpression": expr}),
        json!({"s": "a process variable, not in scope"}),
    );
    assert!(
        matches!(&out, Outcome::BpmnError { code, .. } if code == "SEES_RESULT"),
        "{out:?}"
    );
}

#[test]
fn job_error_sets_retries_backoff_and_variables() {
    let mut server = mockito::Server::new();
    let (_m, _) = mock(&mut server, "GET", "/busy", 503, &[], "");
    let url = format!("{}/busy", server.url());
    let expr = "=jobError(\"busy: \" + error.code, {x: 1}, job.retries - 1, duration(\"PT1M\"))";
    let out = run(
        json!({"method": "GET", "url": url}),
        json!({"errorExpression": expr}),
        json!({}),
    );
    assert_eq!(
        out.to_json(),
        json!({"outcome": "failed", "message": "busy: 503", "retries": 2,
        "retryBackoff": "PT1M", "variables": {"x": 1, "error": "busy: 503"}})
    );
    let expr =
        "=jobError(\"later\", {}, 5, backoff(3, duration(\"PT1S\"), 2, duration(\"PT10S\"), 0))";
    let out = run(
        json!({"method": "GET", "url": url}),
        json!({"errorExpression": expr}),
        json!({}),
    );
    let Outcome::Failed {
        retries,
        retry_backoff,
        ..
    } = out
    else {
        panic!()
    };
    assert_eq!((retries, retry_backoff), (5, Some(Duration::from_secs(4))));
    let expr = "=jobError(\"j\", {}, 1, backoff(20))";
    let out = run(
        json!({"method": "GET", "url": url}),
        json!({"errorExpression": expr}),
        json!({}),
    );
    let Outcome::Failed {
        retry_backoff: Some(d),
        ..
    } = out
    else {
        panic!()
    };
    assert!(
        d >= Duration::from_millis(4500) && d <= Duration::from_millis(5500),
        "{d:?}"
    );
}

#[test]
fn ignore_error_completes_the_job() {
    let mut server = mockito::Server::new();
    let (_m, _) = mock(&mut server, "GET", "/x", 404, &[], "");
    let url = format!("{}/x", server.url());
    let out = run(
        json!({"method": "GET", "url": url}),
        json!({"errorExpression": "=if error.code = \"404\" then ignoreError({found: false}) else null"}),
        json!({}),
    );
    assert_eq!(
        out.to_json(),
        json!({"outcome": "complete", "variables": {"found": false}})
    );
    let out = run(
        json!({"method": "GET", "url": url}),
        json!({"errorExpression": "=ignoreError()"}),
        json!({}),
    );
    assert_eq!(
        out.to_json(),
        json!({"outcome": "complete", "variables": {}})
    );
}

#[test]
fn bad_error_expression_results_fail_without_retries() {
    let mut server = mockito::Server::new();
    let (_m, _) = mock(&mut server, "GET", "/x", 200, &[], "");
    let url = format!("{}/x", server.url());
    for (expr, start) in [
        ("={code: \"x\", message: \"y\"}", "Cannot parse '"),
        (
            "=\"oops\"",
            "Error expression must return a JSON object, but got string",
        ),
        (
            "=bpmnError(123, \"\")",
            "Parameter 'errorCode' of function 'bpmnError' must be a String",
        ),
    ] {
        let out = run(
            json!({"method": "GET", "url": url}),
            json!({"errorExpression": expr}),
            json!({}),
        );
        let Outcome::Failed {
            message, retries, ..
        } = &out
        else {
            panic!("{out:?}")
        };
        assert_eq!(*retries, 0, "{expr}");
        assert!(message.contains(start), "{expr}: {message}");
    }
}

#[test]
fn result_expression_merges_over_result_variable_and_sees_top_level_fields() {
    let mut server = mockito::Server::new();
    let (_m, _) = mock(
        &mut server,
        "GET",
        "/u",
        200,
        &[("X-Id", "a"), ("X-Id", "b")],
        r#"{"name": "Ada", "tags": [1, 2]}"#,
    );
    let url = format!("{}/u", server.url());
    let out = run(
        json!({"method": "GET", "url": url}),
        json!({"resultVariable": "name",
        "resultExpression": "={\n  name: body.name, // top-level body\n  count: response.body.tags[2],\n  ids: response.headers.`X-Id`\n}"}),
        json!({}),
    );
    let Outcome::Complete { variables } = &out else {
        panic!("{out:?}")
    };
    assert_eq!(variables["name"], json!("Ada"));
    assert_eq!(variables["count"], json!(2));
    let out = run(
        json!({"method": "GET", "url": url}),
        json!({"resultVariable": "r"}),
        json!({}),
    );
    assert_eq!(vars(&out)["r"]["headers"]["X-Id"], json!(["a", "b"]));
}

#[test]
fn result_expression_must_return_a_context() {
    let mut server = mockito::Server::new();
    let (_m, _) = mock(&mut server, "GET", "/u", 200, &[], r#"[1, 2]"#);
    let url = format!("{}/u", server.url());
    let out = run(
        json!({"method": "GET", "url": url}),
        json!({"resultExpression": "=response.body"}),
        json!({}),
    );
    let Outcome::Failed {
        message, retries, ..
    } = &out
    else {
        panic!("{out:?}")
    };
    assert_eq!(
        message,
        "Result expression must return a JSON object, but got array. Evaluated value: [1,2]"
    );
    assert_eq!(*retries, 0);
    let out = run(
        json!({"method": "GET", "url": url}),
        json!({"resultExpression": "=null"}),
        json!({}),
    );
    assert_eq!(
        out.to_json(),
        json!({"outcome": "complete", "variables": {}})
    );
}

#[test]
fn secrets_never_appear_in_outcomes_and_missing_ones_are_named() {
    let mut server = mockito::Server::new();
    let (_m, _) = mock(
        &mut server,
        "POST",
        "/echo",
        400,
        &[("X-Echo", "s3cr3t-token")],
        r#"{"got": "s3cr3t-token"}"#,
    );
    let out = run(
        json!({"method": "POST", "url": format!("{}/echo", server.url()), "body": "={t: \"{{secrets.API_TOKEN}}\"}"}),
        json!({}),
        json!({}),
    );
    let text = out.to_json().to_string();
    assert!(!text.contains("s3cr3t-token"), "{text}");
    assert!(text.contains(r#""got":"***""#), "{text}");
    let out = run(
        json!({"method": "GET", "url": format!("{}/echo", server.url()),
        "authentication.type": "bearer", "authentication.token": "{{secrets.NOT_THERE}}"}),
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
        ("Secret with name 'NOT_THERE' is not available", 0)
    );
}

#[test]
fn invalid_retry_backoff_header_fails_without_retries() {
    let out = run(
        json!({"method": "GET", "url": "http://127.0.0.1:9/"}),
        json!({"retryBackoff": "30s"}),
        json!({}),
    );
    let Outcome::Failed {
        message, retries, ..
    } = &out
    else {
        panic!("{out:?}")
    };
    assert_eq!(*retries, 0);
    assert_eq!(
        message,
        "Failed to parse retry backoff header. Expected ISO-8601 duration, e.g. PT5M, got: 30s"
    );
}

#[test]
fn well_known_response_headers_keep_their_usual_spelling() {
    let mut server = mockito::Server::new();
    let (_m, _) = mock(
        &mut server,
        "GET",
        "/h",
        200,
        &[
            ("ETag", "\"v1\""),
            ("X-RateLimit-Remaining", "42"),
            ("OData-Version", "4.0"),
        ],
        "{}",
    );
    let out = run(
        serde_json::json!({"method": "GET", "url": format!("{}/h", server.url())}),
        serde_json::json!({"resultExpression": "={etag: get value(response.headers, \"ETag\"), left: get value(response.headers, \"X-RateLimit-Remaining\"), odata: response.headers.`OData-Version`}"}),
        serde_json::json!({}),
    );
    assert_eq!(
        vars(&out),
        serde_json::json!({"etag": "\"v1\"", "left": "42", "odata": "4.0"})
    );
}

#[test]
fn retries_given_as_feel_are_evaluated_over_the_process_variables() {
    let mut server = mockito::Server::new();
    let (_m, _) = mock(&mut server, "GET", "/down", 503, &[], "");
    let t = connector::Template::from_json(&serde_json::json!({
        "type": "io.camunda:http-json:1",
        "inputs": {"method": "GET", "url": format!("{}/down", server.url())},
        "retries": "=maxRetries"
    }))
    .unwrap();
    assert_eq!(t.retries_expression.as_deref(), Some("maxRetries"));
    let task = runtime().compile(&t).unwrap();
    let left = |vars: serde_json::Value| match task.execute(&vars) {
        Outcome::Failed { retries, .. } => retries,
        other => panic!("{other:?}"),
    };
    assert_eq!(left(serde_json::json!({"maxRetries": 5})), 4);
    // no whole number: the default of 3
    assert_eq!(left(serde_json::json!({})), 2);
    assert!(connector::Template::from_json(&serde_json::json!({"retries": "many"})).is_err());
}

#[test]
fn reusable_authentication_configurations_fail_instead_of_going_out_unauthenticated() {
    let out = run(
        serde_json::json!({"method": "GET", "url": "http://127.0.0.1:9/x",
            "authenticationConfiguration": "my-stored-credentials"}),
        serde_json::json!({}),
        serde_json::json!({}),
    );
    let Outcome::Failed {
        message, retries, ..
    } = &out
    else {
        panic!("{out:?}")
    };
    assert!(
        message.starts_with("authenticationConfiguration"),
        "{message}"
    );
    assert_eq!(*retries, 0);
}
