//! An application embedding the REST connector runtime: build a runtime once (secrets, a FEEL
//! function of its own), compile a template once, execute it for several jobs against an HTTP
//! server on 127.0.0.1, and read the outcome and its FEEL warnings.
//!
//! `cargo run -p embed-connector` (CI runs it; it exits non-zero if an outcome is not as
//! expected).

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;

use connector::{MapSecretProvider, Outcome, Runtime, Template};
use feel::Value;
use serde_json::json;

/// A small HTTP server on 127.0.0.1: `/users/1` is Ada, anything else is a 404; only requests
/// with the bearer token `t0ken` are answered with data.
fn serve() -> std::io::Result<String> {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let base = format!("http://{}", listener.local_addr()?);
    std::thread::spawn(move || {
        for socket in listener.incoming().flatten() {
            let mut reader = BufReader::new(&socket);
            let mut request_line = String::new();
            let mut authorized = false;
            let mut line = String::new();
            if reader.read_line(&mut request_line).is_err() {
                continue;
            }
            while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
                authorized |= line.eq_ignore_ascii_case("authorization: bearer t0ken\r\n");
                line.clear();
            }
            let (status, body) = match (authorized, request_line.split(' ').nth(1)) {
                (false, _) => ("401 Unauthorized", r#"{"error": "token"}"#),
                (true, Some("/users/1")) => {
                    ("200 OK", r#"{"id": 1, "name": "Ada", "city": "London"}"#)
                }
                _ => ("404 Not Found", r#"{"error": "no such user"}"#),
            };
            let reply = format!(
                "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = (&socket).write_all(reply.as_bytes());
        }
    });
    Ok(base)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let base = serve()?;
    let template = Template::from_json_str(
        r#"{
      "type": "io.camunda:http-json:1",
      "inputs": {
        "method": "GET",
        "url": "=baseUrl + \"/users/\" + string(userId)",
        "authentication.type": "bearer",
        "authentication.token": "{{secrets.API_TOKEN}}"
      },
      "taskHeaders": {
        "resultExpression": "={name: shout(response.body.name), city: response.body.cty}",
        "errorExpression": "=if error.code = \"404\" then bpmnError(\"NOT_FOUND\", \"no user \" + error.message) else null"
      }
    }"#,
    )?;
    // Built once and shared: secrets from the application, a FEEL function of its own.
    let runtime = Runtime::builder()
        .secrets(MapSecretProvider::new([("API_TOKEN", "t0ken")]))
        .function("shout", &["s"], |_, args| {
            args[0]
                .as_str()
                .map_or(Value::Null, |s| Value::from(s.to_uppercase()))
        })
        .build()?;
    let task = runtime.compile(&template)?; // every FEEL expression compiled once

    // Job 1: completes; the misspelt `cty` gives null and a warning (not a variable).
    let run = task.execute_with_warnings(&json!({"baseUrl": base, "userId": 1}));
    println!("job 1: {}", run.outcome.to_json());
    for warning in &run.warnings {
        println!("  warning: {warning}");
    }
    let variables = run.outcome.into_result()?;
    check(
        variables
            == *json!({"name": "ADA", "city": null})
                .as_object()
                .ok_or("object")?,
        "job 1",
    )?;
    check(
        task.execute_with_warnings(&json!({"baseUrl": base, "userId": 1}))
            .warnings
            .iter()
            .any(|w| w.field == "resultExpression"),
        "job 1 warning",
    )?;

    // Job 2: a 404 becomes a BPMN error through the error expression.
    let outcome = task.execute(&json!({"baseUrl": base, "userId": 2}));
    println!("job 2: {outcome}");
    check(
        matches!(&outcome, Outcome::BpmnError { code, .. } if code == "NOT_FOUND"),
        "job 2",
    )?;

    // Job 3: another tenant's secrets for the same compiled task: the server refuses.
    let other = MapSecretProvider::new([("API_TOKEN", "wrong")]);
    let outcome = task.execute_with_secrets(&json!({"baseUrl": base, "userId": 1}), &other);
    println!("job 3: {outcome}");
    check(!outcome.is_complete(), "job 3")?;
    Ok(())
}

fn check(ok: bool, what: &str) -> Result<(), String> {
    if ok {
        Ok(())
    } else {
        Err(format!("unexpected outcome: {what}"))
    }
}
