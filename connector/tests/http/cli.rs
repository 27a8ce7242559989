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
    let (code, stdout) = connector(&["demo"]);
    assert_eq!(code, Some(0));
    let out: Json = serde_json::from_str(&stdout).unwrap();
    assert_eq!(
        out,
        json!({"outcome": "complete", "variables": {"name": "Ada Lovelace", "status": 200}})
    );
}
