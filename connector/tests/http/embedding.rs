//! The embedding API: custom FEEL functions and engines on the builder, another secret
//! provider per execution, `Outcome::is_complete` / `into_result`.

use connector::{evaluate_and_execute_with, MapSecretProvider, Outcome};
use feel::Value;
use serde_json::json;

use crate::common::{mock, runtime, seen, template};

#[test]
fn builder_functions_reach_inputs_and_result_expressions() {
    let mut server = mockito::Server::new();
    let (_m, log) = mock(&mut server, "GET", "/x", 200, &[], r#"{"n": 4}"#);
    let runtime = connector::Runtime::builder()
        .function("shout", &["s"], |_, args| {
            args[0]
                .as_str()
                .map_or(Value::Null, |s| Value::from(s.to_uppercase()))
        })
        .build()
        .unwrap();
    let task = runtime
        .compile(&template(
            json!({"method": "GET", "url": format!("{}/x", server.url()),
                   "queryParameters": "={q: shout(word)}"}),
            json!({"resultExpression": "={n: response.body.n, s: shout(\"done\")}"}),
        ))
        .unwrap();
    let outcome = task.execute(&json!({"word": "abc"}));
    assert_eq!(
        outcome.clone().into_result().unwrap(),
        *json!({"n": 4, "s": "DONE"}).as_object().unwrap()
    );
    assert_eq!(seen(&log)[0].target, "/x?q=ABC");
    // the connector's own functions are still there
    assert!(runtime
        .engine()
        .evaluate("bpmnError(\"C\", \"m\")", &feel::Context::new())
        .is_ok_and(|e| e.warnings.is_empty()));
}

#[test]
fn a_custom_engine_sets_the_dialect_and_keeps_the_connector_functions() {
    let engine = feel::Engine::builder().dialect(feel::Dialect::Dmn).build();
    let runtime = connector::Runtime::builder()
        .engine(engine)
        .build()
        .unwrap();
    let ctx = feel::Context::new();
    let zero = runtime
        .engine()
        .evaluate("string(duration(\"PT0S\"))", &ctx);
    assert_eq!(zero.unwrap().value, Value::from("PT0S"), "DMN, not Camunda");
    let err = runtime.engine().evaluate("bpmnError(\"C\", \"m\")", &ctx);
    assert!(err.is_ok_and(|e| e.warnings.is_empty()));
}

#[test]
fn evaluate_and_execute_with_takes_secrets_from_the_provider() {
    let mut server = mockito::Server::new();
    let (_m, log) = mock(&mut server, "GET", "/me", 200, &[], "{}");
    let t = template(
        json!({"method": "GET", "url": format!("{}/me", server.url()),
               "authentication.type": "bearer",
               "authentication.token": "{{secrets.EMBED_TEST_TOKEN}}"}),
        json!({"resultExpression": "={status: response.status}"}),
    );
    let secrets = MapSecretProvider::new([("EMBED_TEST_TOKEN", "tenant-token")]);
    let outcome = evaluate_and_execute_with(&t, &json!({}), &secrets);
    assert!(outcome.is_complete(), "{outcome:?}");
    assert_eq!(
        seen(&log)[0].header("authorization"),
        Some("Bearer tenant-token")
    );
    // the same compiled task with another tenant's secrets
    let task = runtime().compile(&t).unwrap();
    let other = MapSecretProvider::new([("EMBED_TEST_TOKEN", "other-token")]);
    assert!(task.execute_with_secrets(&json!({}), &other).is_complete());
    assert_eq!(
        seen(&log)[1].header("authorization"),
        Some("Bearer other-token")
    );
}

#[test]
fn into_result_gives_the_bpmn_error_or_failure_as_an_error() {
    let mut server = mockito::Server::new();
    let (_m, _log) = mock(&mut server, "GET", "/gone", 404, &[], "{}");
    let t = template(
        json!({"method": "GET", "url": format!("{}/gone", server.url())}),
        json!({"errorExpression": "=if error.code = \"404\" then bpmnError(\"NOT_FOUND\", \"no such user\") else null"}),
    );
    let outcome = runtime().compile(&t).unwrap().execute(&json!({}));
    assert!(!outcome.is_complete());
    let err = outcome.into_result().unwrap_err();
    assert!(matches!(err, Outcome::BpmnError { ref code, .. } if code == "NOT_FOUND"));
    assert_eq!(err.to_string(), "BPMN error NOT_FOUND: no such user");
    let boxed: Box<dyn std::error::Error> = Box::new(err);
    assert!(boxed.to_string().starts_with("BPMN error"));
}
