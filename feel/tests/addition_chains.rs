//! `a + b + c + …` is evaluated as one chain (strings joined once); it must give exactly
//! what `(a + b) + c` evaluated one addition at a time gives: value and warnings.

use feel::{Context, Engine, Value};
use proptest::prelude::*;

fn operand() -> impl Strategy<Value = Value> {
    prop_oneof![
        "[a-z ]{0,6}".prop_map(|s| Value::from(s.as_str())),
        (-50i64..50).prop_map(Value::from),
        Just(Value::Null),
        Just(Value::Bool(true)),
        Just(
            Engine::new()
                .evaluate("date(\"2024-01-31\")", &Context::new())
                .map(|e| e.value)
                .unwrap_or_default()
        ),
        Just(
            Engine::new()
                .evaluate("duration(\"P1D\")", &Context::new())
                .map(|e| e.value)
                .unwrap_or_default()
        ),
    ]
}

/// Value and warning messages of `text` over `vars`.
fn run(engine: &Engine, text: &str, vars: &Context) -> (String, Vec<String>) {
    match engine.compile(text).and_then(|e| e.evaluate(vars)) {
        Ok(out) => (
            out.value.to_string(),
            out.warnings.iter().map(|w| w.message.clone()).collect(),
        ),
        Err(e) => (format!("error: {e}"), Vec::new()),
    }
}

proptest! {
    #[test]
    fn chain_equals_one_addition_at_a_time(values in prop::collection::vec(operand(), 2..6)) {
        let engine = Engine::new();
        let mut vars = Context::new();
        let names: Vec<String> = (0..values.len()).map(|i| format!("v{i}")).collect();
        for (n, v) in names.iter().zip(&values) {
            vars.insert(n.as_str(), v.clone());
        }
        let chain = run(&engine, &names.join(" + "), &vars);

        // one addition at a time: acc + v(i)
        let mut step_vars = Context::new();
        step_vars.insert("acc", values[0].clone());
        let mut warnings = Vec::new();
        let mut acc = String::new();
        for v in &values[1..] {
            step_vars.insert("next", v.clone());
            let out = engine.compile("acc + next").and_then(|e| e.evaluate(&step_vars));
            let Ok(out) = out else { prop_assert!(false, "a single addition failed"); return Ok(()); };
            warnings.extend(out.warnings.iter().map(|w| w.message.clone()));
            acc = out.value.to_string();
            step_vars.insert("acc", out.value);
        }
        prop_assert_eq!(chain, (acc, warnings));
    }
}

#[test]
fn string_chains_join_and_respect_the_length_limit() {
    let mut engine = Engine::new();
    let mut vars = Context::new();
    vars.insert("a", Value::from("ab"));
    vars.insert("b", Value::from("cd"));
    assert_eq!(run(&engine, "a + b + \"-\" + a", &vars).0, "\"abcd-ab\"");
    assert_eq!(run(&engine, "a + b + 1 + a", &vars).0, "null");
    engine.set_limits(feel::Limits {
        max_string_len: 5,
        ..feel::Limits::default()
    });
    assert_eq!(run(&engine, "a + b + \"x\"", &vars).0, "\"abcdx\"");
    let (value, _) = run(&engine, "a + b + a", &vars);
    assert!(value.contains("string longer than the limit"), "{value}");
}
