use std::process::Command;

use serde_json::{json, Value as Json};

use connector::loopback::{CannedResponse, LoopbackServer};

fn connector(args: &[&str]) -> (Option<i32>, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_connector"))
        .args(args)
        .output()
        .unwrap();
    (out.status.code(), String::from_utf8(out.stdout).unwrap())
}

#[test]
fn run_prints_one_json_outcome_and_exits_zero() {
    let server = LoopbackServer::canned(vec![CannedResponse::new(404, "")]).unwrap();
    let dir = std::env::temp_dir().join(format!("connector-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let template = dir.join("t.json");
    std::fs::write(&template, json!({"type": "io.camunda:http-json:1", "inputs": [
        {"source": "bearer", "target": "authentication.type"},
        {"source": "{{secrets.API_TOKEN}}", "target": "authentication.token"},
        {"source": "GET", "target": "method"},
        {"source": format!("=\"{}/users/\" + string(userId)", server.url()), "target": "url"}],
        "taskHeaders": {"errorExpression": "=if error.code = \"404\" then bpmnError(\"NOT_FOUND\", error.message) else null"}}).to_string()).unwrap();
    let vars = dir.join("v.json");
    std::fs::write(&vars, r#"{"userId": 5}"#).unwrap();
    let secrets = dir.join("s.json");
    std::fs::write(&secrets, r#"{"API_TOKEN": "cli-token"}"#).unwrap();
    let (code, stdout) = connector(&[
        "run",
        template.to_str().unwrap(),
        "--variables",
        vars.to_str().unwrap(),
        "--secrets",
        secrets.to_str().unwrap(),
    ]);
    assert_eq!(code, Some(0));
    let out: Json = serde_json::from_str(&stdout).unwrap();
    assert_eq!(
        out,
        json!({"outcome": "bpmnError", "code": "NOT_FOUND", "message": "Not Found", "variables": {}})
    );
    assert_eq!(
        server.requests()[0].header("authorization"),
        Some("Bearer cli-token")
    );
    assert_eq!(server.requests()[0].target, "/users/5");

    let (code, _) = connector(&["run", dir.join("missing.json").to_str().unwrap()]);
    assert_eq!(code, Some(2));
    std::fs::write(&vars, "not json").unwrap();
    let (code, _) = connector(&[
        "run",
        template.to_str().unwrap(),
        "--variables",
        vars.to_str().unwrap(),
    ]);
    assert_eq!(code, Some(2));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn demo_runs_end_to_end_on_loopback() {
    let out = Command::new(env!("CARGO_BIN_EXE_connector"))
        .arg("demo")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let stdout: Json = serde_json::from_slice(&out.stdout).unwrap();
    // The demo server answers only a request with the secret's bearer token.
    assert_eq!(
        stdout,
        json!({"outcome": "complete", "variables": {"name": "Ada Lovelace", "status": 200}})
    );
    // The URL and query parameters evaluated from the variables, as the server saw them.
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains(" received: GET /users/42?q=Berlin&units=metric\n"),
        "{stderr}"
    );
}

#[test]
fn run_with_a_ca_bundle_and_a_document_directory() {
    let certs = connector::loopback::tls::TestCertificates::generate().unwrap();
    let server = LoopbackServer::start_tls(&certs, false, |_| {
        CannedResponse::new(200, "%PDF-1.4 cli").header("Content-Type", "application/pdf")
    })
    .unwrap();
    let dir = std::env::temp_dir().join(format!("connector-cli-tls-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bundle = dir.join("ca.pem");
    std::fs::write(&bundle, &certs.ca_pem).unwrap();
    let docs = dir.join("docs");
    let template = dir.join("t.json");
    std::fs::write(&template, json!({"inputs": {"method": "GET", "url": format!("{}/r.pdf", server.url()), "storeResponse": "=true"},
        "taskHeaders": {"resultExpression": "={id: response.document.documentId}"}}).to_string()).unwrap();
    let (code, stdout) = connector(&[
        "run",
        template.to_str().unwrap(),
        "--ca-bundle",
        bundle.to_str().unwrap(),
        "--documents",
        docs.to_str().unwrap(),
    ]);
    assert_eq!(code, Some(0));
    let out: Json = serde_json::from_str(&stdout).unwrap();
    assert_eq!(out["outcome"], "complete", "{out}");
    let id = out["variables"]["id"].as_str().unwrap();
    assert_eq!(std::fs::read(docs.join(id)).unwrap(), b"%PDF-1.4 cli");
    // Without the bundle the server is not trusted.
    let (_, stdout) = connector(&["run", template.to_str().unwrap()]);
    let out: Json = serde_json::from_str(&stdout).unwrap();
    assert_eq!(
        out["variables"]["error"]["code"], "SSL_HANDSHAKE_FAILED",
        "{out}"
    );
    let _ = std::fs::remove_dir_all(dir);
}

/// The README's `connector run` example: `examples/connector/` (template, BPMN, variables,
/// secrets) against a server answering from `examples/connector/api/` as a static file server
/// would.
#[test]
fn the_readme_examples_run_as_documented() {
    let examples = concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/connector");
    let server = LoopbackServer::start(move |req| {
        let file = std::path::Path::new(examples).join(format!("api{}", req.target));
        match std::fs::read(file) {
            Ok(body) if req.header("authorization") == Some("Bearer example-token") => {
                CannedResponse::new(200, body)
            }
            Ok(_) => CannedResponse::new(401, ""),
            Err(_) => CannedResponse::new(404, ""),
        }
    })
    .unwrap();
    let dir = std::env::temp_dir().join(format!("connector-cli-examples-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let vars = dir.join("v.json");
    let at = |path: &str| format!("{examples}/{path}");
    let run = |user: u32, task: &[&str]| {
        std::fs::write(
            &vars,
            json!({"baseUrl": server.url(), "userId": user}).to_string(),
        )
        .unwrap();
        let (template, secrets) = (at(task[0]), at("secrets.json"));
        let mut args = vec!["run", template.as_str(), "--secrets", secrets.as_str()];
        args.extend_from_slice(&task[1..]);
        args.extend_from_slice(&["--variables", vars.to_str().unwrap()]);
        let (code, stdout) = connector(&args);
        assert_eq!(code, Some(0), "{stdout}");
        serde_json::from_str::<Json>(&stdout).unwrap()
    };
    assert_eq!(
        run(1, &["get-user.json"]),
        json!({"outcome": "complete", "variables": {"name": "Leanne Graham", "city": "Gwenborough"}})
    );
    assert_eq!(
        run(2, &["get-user.json"]),
        json!({"outcome": "bpmnError", "code": "USER_NOT_FOUND", "message": "Not Found", "variables": {}})
    );
    let out = run(1, &["get-user.bpmn", "--task", "fetchUser"]);
    assert_eq!(out["variables"]["name"], "Leanne Graham", "{out}");
    assert_eq!(out["variables"]["user"]["status"], 200, "{out}");
    let _ = std::fs::remove_dir_all(dir);
}

/// Run `connector run` on a template (JSON text) with variables; exit code, stdout, stderr.
fn run_template(name: &str, template: &str, vars: &str) -> (Option<i32>, String, String) {
    let dir = std::env::temp_dir().join(format!("connector-cli-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (t, v) = (dir.join("t.json"), dir.join("v.json"));
    std::fs::write(&t, template).unwrap();
    std::fs::write(&v, vars).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_connector"))
        .args([
            "run",
            t.to_str().unwrap(),
            "--variables",
            v.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    (
        out.status.code(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn feel_warnings_go_to_stderr_not_into_the_variables() {
    let server =
        LoopbackServer::canned(vec![CannedResponse::new(200, r#"{"status": "ok"}"#)
            .header("Content-Type", "application/json")])
        .unwrap();
    // A missing variable in the URL: the outcome says the URL is blank, stderr says why.
    let template = json!({"inputs": {"method": "GET", "url": "=baseUrl + \"/x\""}}).to_string();
    let (code, stdout, stderr) = run_template("missing", &template, "{}");
    assert_eq!(code, Some(0));
    let out: Json = serde_json::from_str(&stdout).unwrap();
    assert_eq!(out["outcome"], "failed", "{out}");
    assert!(
        stderr.contains("connector: warning: input url: ") && stderr.contains("'baseUrl'"),
        "{stderr}"
    );
    // A misspelt path in the result expression completes with null, and stderr says why.
    let template = json!({"inputs": {"method": "GET", "url": format!("{}/x", server.url()),
        "queryParams": "={q: 1}"},
        "taskHeaders": {"resultExpression": "={s: response.bdy.status}"}})
    .to_string();
    let (code, stdout, stderr) = run_template("path", &template, "{}");
    assert_eq!(code, Some(0));
    let out: Json = serde_json::from_str(&stdout).unwrap();
    assert_eq!(
        out,
        json!({"outcome": "complete", "variables": {"s": null}}),
        "warnings are not variables"
    );
    assert!(
        stderr.contains("connector: warning: resultExpression: ") && stderr.contains("bdy"),
        "{stderr}"
    );
    assert!(
        stderr.contains("input target 'queryParams'")
            && stderr.contains("did you mean 'queryParameters'?"),
        "{stderr}"
    );
}

#[test]
fn template_and_feel_syntax_errors_are_compile_errors_with_exit_code_3() {
    let cases = [
        (
            json!({"inputs": {"method": "GET", "url": "http://127.0.0.1:9/"}, "taskHeader": {}}),
            "did you mean 'taskHeaders'?",
        ),
        (
            json!({"inputs": {"method": "GET", "url": "=\"http://x\" +"}}),
            "url",
        ),
        (
            json!({"inputs": {"method": "GET", "url": "http://127.0.0.1:9/"},
                   "taskHeaders": {"resultExpression": "={a: }"}}),
            "resultExpression",
        ),
    ];
    for (template, hint) in cases {
        let (code, stdout, stderr) = run_template("compile", &template.to_string(), "{}");
        assert_eq!(code, Some(3), "{template}: {stdout}{stderr}");
        assert!(stdout.is_empty(), "no outcome: {stdout}");
        assert!(
            stderr.starts_with("connector: compile error: ") && stderr.contains(hint),
            "{stderr}"
        );
    }
}
