//! Depending on the libraries (default features) changes no serde behaviour of the application.

use std::collections::HashMap;

use serde_isolation::{Limit, Weights};

#[test]
fn untagged_enum_with_f64_deserializes() {
    let limits: Vec<Limit> = serde_json::from_str(r#"[1.5, 3, "unlimited"]"#).unwrap();
    assert_eq!(
        limits,
        [
            Limit::Number(1.5),
            Limit::Number(3.0),
            Limit::Word("unlimited".into())
        ]
    );
}

#[test]
fn flattened_map_of_f64_deserializes() {
    let weights: Weights = serde_json::from_str(r#"{"name": "w", "a": 0.25, "b": 2}"#).unwrap();
    assert_eq!(weights.name, "w");
    assert_eq!(
        weights.rest,
        HashMap::from([("a".to_string(), 0.25), ("b".to_string(), 2.0)])
    );
}

#[test]
fn the_libraries_work_in_this_build() {
    // feel: JSON in and out without serde_json's exact features (numbers through f64).
    let vars =
        feel::Context::from_json(&serde_json::json!({"price": 0.1, "qty": 3})).unwrap_or_default();
    let out = feel::Engine::new().evaluate("price * qty", &vars).unwrap();
    assert_eq!(out.value.to_json(), serde_json::json!(0.3));
    // numbers through f64 keep their shortest text; integers within u64 are exact
    let v = feel::Value::from_json(&serde_json::json!([
        1e-7,
        2.5e20,
        12345678901234567890_u64,
        -5
    ]));
    assert_eq!(
        v.to_string(),
        "[0.0000001, 250000000000000000000, 12345678901234567890, -5]"
    );
    assert_eq!(
        v.to_json(),
        serde_json::json!([1e-7, 2.5e20, 12345678901234567890_u64, -5])
    );
    // connector: a template compiles with the crate's default features.
    let template = connector::Template::from_json_str(
        r#"{"type": "io.camunda:http-json:1", "inputs": {"method": "GET", "url": "=u"}}"#,
    )
    .unwrap();
    assert!(connector::Runtime::builder()
        .build()
        .unwrap()
        .compile(&template)
        .is_ok());
}

#[test]
fn the_libraries_compile_no_command_line_parser_nor_allocator() {
    // `cargo tree` of this crate, as an application's build sees its normal dependencies.
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = std::process::Command::new(cargo)
        .args(["tree", "-e", "normal", "--prefix", "none", "--offline"])
        .args([
            "--manifest-path",
            concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.toml"),
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let tree = String::from_utf8(out.stdout).unwrap();
    assert!(
        tree.lines().any(|l| l.starts_with("feel-engine ")),
        "{tree}"
    );
    for name in ["clap ", "mimalloc ", "libmimalloc-sys "] {
        assert!(
            !tree.lines().any(|l| l.starts_with(name)),
            "{name}in an embedder's build:\n{tree}"
        );
    }
}
