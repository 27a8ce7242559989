//! End-to-end tests of the `feel` binary: exit codes, stdout and stderr.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // test code

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

fn feel(args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_feel"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run feel");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin.as_bytes())
        .expect("write stdin");
    child.wait_with_output().expect("wait for feel")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A file under the target's temporary folder.
fn temp_file(name: &str, content: &str) -> PathBuf {
    let path = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    std::fs::write(&path, content).expect("write temp file");
    path
}

fn lines(o: &Output) -> Vec<serde_json::Value> {
    stdout(o)
        .lines()
        .map(|l| serde_json::from_str(l).expect("each output line is JSON"))
        .collect()
}

#[test]
fn eval_prints_feel_text() {
    let out = feel(&["eval", "[1 + 2, \"a\" + \"b\"]"], "");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "[3, \"ab\"]\n");
    assert_eq!(stderr(&out), "");
}

#[test]
fn eval_reads_context_file_and_vars_with_spaces() {
    let ctx = temp_file("eval_ctx.json", r#"{"Monthly Salary": 1000, "rate": 0.5}"#);
    let ctx = ctx.to_str().expect("utf-8 path");
    let out = feel(
        &[
            "eval",
            "{pay: 12 * Monthly Salary * rate, who: Full Name}",
            "--context",
            ctx,
            "--var",
            "Full Name=\"Ann\"",
            "--var",
            "rate=0.25",
            "--json",
        ],
        "",
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "{\"pay\":3000,\"who\":\"Ann\"}\n");
}

#[test]
fn eval_warnings_go_to_stderr() {
    let out = feel(&["eval", "missing + 1"], "");
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(stdout(&out), "null\n");
    assert!(stderr(&out).starts_with("warning: "), "{}", stderr(&out));
}

#[test]
fn eval_syntax_error_exits_1_with_caret() {
    let out = feel(&["eval", "1 + * 2"], "");
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stdout(&out), "");
    let err = stderr(&out);
    assert!(err.starts_with("syntax error"), "{err}");
    assert!(err.contains("1 | 1 + * 2\n"), "{err}");
    assert!(err.contains('^'), "{err}");
}

#[test]
fn eval_bad_input_exits_2() {
    let bad_json = temp_file("eval_bad.json", "{not json");
    let not_object = temp_file("eval_list.json", "[1, 2]");
    for args in [
        vec!["eval", "1", "--context", "/definitely/not/here.json"],
        vec!["eval", "1", "--context", bad_json.to_str().expect("utf-8")],
        vec![
            "eval",
            "1",
            "--context",
            not_object.to_str().expect("utf-8"),
        ],
        vec!["eval", "1", "--var", "no-equals-sign"],
        vec!["eval", "1", "--var", "x={oops"],
    ] {
        let out = feel(&args, "");
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert_eq!(stdout(&out), "", "{args:?}");
        assert!(
            stderr(&out).starts_with("error: "),
            "{args:?}: {}",
            stderr(&out)
        );
    }
}

#[test]
fn batch_answers_every_line() {
    let input = concat!(
        r#"{"id": "a", "expression": "Monthly Salary * 12", "context": {"Monthly Salary": {"number": "100.5"}}}"#,
        "\n",
        "this is not json\n",
        "\n",
        r#"{"id": "b", "expression": "f(2) + d", "functions": [{"name": "f", "parameters": [{"name": "x", "type": "number"}], "body": "x * 10"}], "decisions": [{"name": "d", "expression": "[1, 2][2]", "resultType": "number"}]}"#,
        "\n",
        r#"{"id": "c", "expression": "< 5", "kind": "unaryTests", "input": {"number": "3"}}"#,
        "\n",
        r#"{"id": "d", "expression": "nope + 1", "context": {}}"#,
        "\n",
        r#"{"id": "e", "expression": "x", "context": {"x": {"number": "one"}}}"#,
        "\n",
    );
    let out = feel(&["batch"], input);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let got = lines(&out);
    assert_eq!(got.len(), 6, "{}", stdout(&out));
    assert_eq!(
        got[0],
        serde_json::json!({"id": "a", "result": {"number": "1206"}})
    );
    assert_eq!(got[1]["id"], serde_json::Value::Null);
    assert!(got[1]["error"]
        .as_str()
        .is_some_and(|e| e.starts_with("malformed line")));
    assert_eq!(
        got[2],
        serde_json::json!({"id": "b", "result": {"number": "22"}})
    );
    assert_eq!(got[3], serde_json::json!({"id": "c", "result": true}));
    assert_eq!(got[4]["id"], "d");
    assert_eq!(got[4]["result"], serde_json::Value::Null);
    assert!(
        got[4]["warnings"].as_array().is_some_and(|w| !w.is_empty()),
        "{}",
        got[4]
    );
    assert_eq!(got[5]["id"], "e");
    assert!(got[5]["error"]
        .as_str()
        .is_some_and(|e| e.contains("not a decimal")));
}

#[test]
fn batch_reads_a_file() {
    let file = temp_file(
        "batch.jsonl",
        "{\"id\": 1, \"expression\": \"s + \\\"!\\\"\", \"context\": {\"s\": \"four\"}}\n",
    );
    let out = feel(&["batch", file.to_str().expect("utf-8")], "");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "{\"id\":1,\"result\":\"four!\"}\n");
}

#[test]
fn batch_missing_file_exits_2() {
    let out = feel(&["batch", "/definitely/not/here.jsonl"], "");
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(stdout(&out), "");
    assert!(
        stderr(&out).starts_with("error: cannot open"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn dialect_flag_chooses_camunda_or_dmn() {
    let expr = "[@\"PT0S\", {a: 1}]";
    let camunda = feel(&["eval", expr, "--dialect", "camunda"], "");
    assert_eq!(stdout(&camunda), "[@\"P0D\", {a:1}]\n");
    let dmn = feel(&["eval", expr, "--dialect", "dmn"], "");
    assert_eq!(stdout(&dmn), "[@\"PT0S\", {a: 1}]\n");
    assert_eq!(stdout(&feel(&["eval", expr], "")), stdout(&dmn));
    let bad = feel(&["eval", expr, "--dialect", "scala"], "");
    assert_eq!(bad.status.code(), Some(2));
    let case = r#"{"id": 1, "expression": "duration(\"P0M\")"}"#;
    let batch = feel(&["batch", "--dialect", "camunda"], case);
    assert_eq!(lines(&batch)[0]["result"]["duration"], "P0Y");
    let batch = feel(&["batch"], case);
    assert_eq!(lines(&batch)[0]["result"]["duration"], "P0M");
}
