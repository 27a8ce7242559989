//! Property tests: no input makes the engine panic, and values survive a JSON round trip.

use feel::{Context, Dialect, Engine, Value};
use proptest::prelude::*;

/// Fragments that combine into (mostly) FEEL-looking text, so the search reaches deep into
/// the grammar and the evaluator, not just the first token.
fn feelish() -> impl Strategy<Value = String> {
    let atoms = prop::sample::select(vec![
        "1",
        "-",
        "+",
        "*",
        "/",
        "**",
        "(",
        ")",
        "[",
        "]",
        "{",
        "}",
        ",",
        ":",
        ".",
        "..",
        "x",
        "y",
        "\"s\"",
        "@\"2024-01-01\"",
        "@\"P1D\"",
        "@\"10:00:00Z\"",
        "null",
        "true",
        " and ",
        " or ",
        " if ",
        " then ",
        " else ",
        " for ",
        " in ",
        " return ",
        " some ",
        " every ",
        " satisfies ",
        " between ",
        " instance of ",
        "number",
        "list<",
        ">",
        "<",
        "=",
        "!=",
        "function(",
        "item",
        "?",
        "partial",
        "sum(",
        "date(",
        "string(",
        "upper case(",
        "substring(",
        "sort(",
        "0",
        ".5",
        "1e3",
        "`a b`",
        "//c\n",
        "/*c*/",
        "\\u",
        "\"",
        "count(",
        "not(",
        "-1",
        "[1..3]",
        "x.y",
        "x[1]",
        "duration(",
        "matches(",
        "\"[a-z\"",
    ]);
    prop::collection::vec(atoms, 0..24).prop_map(|v| v.concat())
}

fn vars() -> Context {
    let mut c = Context::new();
    c.insert(
        "x",
        Value::from_json(&serde_json::json!({"y": [1, 2, {"z": "a"}], "n": 3})),
    );
    c.insert("y", Value::from(2));
    c
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn compile_and_evaluate_never_panic(text in feelish()) {
        for dialect in [Dialect::Dmn, Dialect::Camunda] {
            let engine = Engine::builder().dialect(dialect).build();
            if let Ok(expr) = engine.compile_with_names(&text, &["x", "y"]) {
                let _ = expr.evaluate(&vars());
            }
            let _ = engine.compile_unary_tests(&text).map(|t| t.evaluate(&Value::from(1), &vars()));
        }
    }

    #[test]
    fn arbitrary_text_never_panics(text in any::<String>()) {
        for dialect in [Dialect::Dmn, Dialect::Camunda] {
            let engine = Engine::builder().dialect(dialect).build();
            if let Ok(expr) = engine.compile(&text) {
                let _ = expr.evaluate(&Context::new());
            }
        }
    }

    #[test]
    fn number_text_round_trip(n in any::<i64>(), scale in 0u32..10) {
        let d = feel::Decimal::new(n, scale);
        let text = feel::format_decimal(&d);
        prop_assert_eq!(feel::parse_decimal(&text), Some(d));
        let engine = Engine::new();
        let v = engine.evaluate(&text.replace('-', "- "), &Context::new()).map(|r| r.value);
        prop_assert_eq!(v.ok(), Some(Value::Number(d)));
    }

    #[test]
    fn json_round_trip(n in any::<i64>(), s in "[a-z]{0,8}", b in any::<bool>()) {
        let json = serde_json::json!({"n": n, "s": s, "b": b, "l": [n, null, {"k": s}]});
        let v = Value::from_json(&json);
        prop_assert_eq!(v.to_json(), json);
    }
}
