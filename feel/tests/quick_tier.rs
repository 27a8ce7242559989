//! The quick tier (literals, variables, paths, comparisons, `and`/`or`, `if`, string
//! concatenation evaluated without evaluation state) against the full evaluator: over generated
//! expressions and variables of every type, both give the same value and the same warnings.

use feel::{Context, Dialect, Engine, Value};
use proptest::prelude::*;

fn leaf() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("a".to_string()),
        Just("b".to_string()),
        Just("c".to_string()),
        Just("missing".to_string()),
        Just("ctx.x".to_string()),
        Just("ctx.s".to_string()),
        Just("ctx.nope".to_string()),
        Just("a.x".to_string()),
        (-3i32..1500).prop_map(|n| n.to_string()),
        Just("1.50".to_string()),
        Just("\"lo\"".to_string()),
        Just("\"hi\"".to_string()),
        Just("\"\"".to_string()),
        Just("true".to_string()),
        Just("false".to_string()),
        Just("null".to_string()),
    ]
}

fn expr() -> impl Strategy<Value = String> {
    leaf().prop_recursive(4, 24, 3, |inner| {
        let op = prop_oneof![
            Just("="),
            Just("!="),
            Just("<"),
            Just("<="),
            Just(">"),
            Just(">=")
        ];
        prop_oneof![
            (inner.clone(), op, inner.clone()).prop_map(|(x, o, y)| format!("({x}) {o} ({y})")),
            (inner.clone(), inner.clone()).prop_map(|(x, y)| format!("({x}) and ({y})")),
            (inner.clone(), inner.clone()).prop_map(|(x, y)| format!("({x}) or ({y})")),
            (inner.clone(), inner.clone(), inner.clone())
                .prop_map(|(c, t, e)| format!("if {c} then {t} else {e}")),
            prop::collection::vec(inner.clone(), 2..4).prop_map(|v| v.join(" + ")),
            (inner.clone(), inner.clone()).prop_map(|(x, y)| format!("{x} + ({y})")),
            inner.clone().prop_map(|x| format!("upper case({x})")),
            inner.clone().prop_map(|x| format!("string length({x})")),
            (inner.clone(), inner.clone()).prop_map(|(x, y)| format!("contains({x}, {y})")),
            (inner.clone(), inner.clone()).prop_map(|(x, y)| format!("substring({x}, {y})")),
            (inner.clone(), inner).prop_map(|(x, y)| format!("string({x}) + string({y})")),
        ]
    })
}

fn value() -> impl Strategy<Value = Value> {
    prop_oneof![
        (-2i64..1500).prop_map(Value::from),
        prop_oneof![
            Just("lo"),
            Just("hi"),
            Just(""),
            Just("a longer string, past 23 bytes")
        ]
        .prop_map(Value::from),
        any::<bool>().prop_map(Value::from),
        Just(Value::Null),
    ]
}

fn vars() -> impl Strategy<Value = Context> {
    (value(), value(), value(), value(), value(), any::<bool>()).prop_map(
        |(a, b, c, x, s, ctx_is_context)| {
            let mut vars = Context::new();
            vars.insert("a", a);
            vars.insert("b", b);
            vars.insert("c", c);
            let mut inner = Context::new();
            inner.insert("x", x.clone());
            inner.insert("s", s);
            vars.insert(
                "ctx",
                if ctx_is_context {
                    Value::context(inner)
                } else {
                    x
                },
            );
            vars
        },
    )
}

/// Value, warnings (kind, message, position) or error of one evaluation.
fn outcome(r: Result<feel::Evaluation, feel::Error>) -> String {
    match r {
        Ok(e) => format!("{:?} {:?}", e.value, e.warnings),
        Err(e) => format!("error {e:?}"),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]
    #[test]
    fn quick_tier_agrees_with_the_full_evaluator(text in expr(), vars in vars()) {
        for dialect in [Dialect::Dmn, Dialect::Camunda] {
            let engine = Engine::builder().dialect(dialect).build();
            let compiled = engine.compile(&text).unwrap();
            // twice: the lookup hints remembered by the first evaluation are used by the second
            for _ in 0..2 {
                prop_assert_eq!(
                    outcome(compiled.evaluate(&vars)),
                    outcome(compiled.evaluate_full(&vars)),
                    "{} ({})", text, dialect
                );
            }
        }
    }
}

#[test]
fn the_usual_shapes_take_the_quick_tier() {
    let engine = Engine::new();
    for text in [
        "if amount > 1000 then \"high\" else \"low\"",
        "if score >= 90 then \"A\" else if score >= 80 then \"B\" else \"F\"",
        "\"Hello \" + name + \"!\"",
        "a.b.c = \"x\" and d != 3 or e",
        "flag",
        "upper case(x)",
        "contains(x, \"ell\") and starts with(x, \"he\")",
        "upper case(substring(first, 1, 1)) + \"-\"",
    ] {
        let compiled = engine.compile(text).unwrap();
        assert!(compiled.has_quick_tier(), "{text}");
    }
    // not taken: impure calls, more than two calls, arithmetic on numbers, filters, loops
    for text in [
        "now()",
        "a - 1",
        "l[1]",
        "for x in l return x",
        "-a",
        "upper case(substring(first, 1, 1)) + lower case(substring(first, 2))",
    ] {
        let compiled = engine.compile(text).unwrap();
        assert!(!compiled.has_quick_tier(), "{text}");
    }
}

#[test]
fn the_quick_tier_answers_like_the_full_evaluator_on_known_cases() {
    let engine = Engine::new();
    let mut vars = Context::new();
    vars.insert("amount", Value::from(1500));
    vars.insert("name", Value::from("World"));
    vars.insert("s", Value::from("x"));
    let cases = [
        ("if amount > 1000 then \"high\" else \"low\"", "\"high\""),
        ("if amount > 2000 then \"high\" else \"low\"", "\"low\""),
        ("\"Hello \" + name + \"!\"", "\"Hello World!\""),
        ("amount = 1500.0 and s = \"x\"", "true"),
        ("s != \"x\" or amount < 0", "false"),
        // a missing variable, a comparison of a string with a number: the full evaluator's
        // null and warning
        ("if nope > 1 then 1 else 2", "2"),
        ("s > 1", "null"),
        ("upper case(s) + \"-\" + string(amount)", "\"X-1500\""),
        (
            "contains(name, \"orl\") and starts with(name, \"W\")",
            "true",
        ),
        ("substring(name, 0)", "null"),
        ("upper case(amount)", "null"),
    ];
    for (text, want) in cases {
        let compiled = engine.compile(text).unwrap();
        let got = compiled.evaluate(&vars).unwrap();
        assert_eq!(got.value.to_string(), want, "{text}");
        let full = compiled.evaluate_full(&vars).unwrap();
        assert_eq!(
            format!("{:?}", got.warnings),
            format!("{:?}", full.warnings)
        );
    }
}

#[test]
fn a_string_past_the_limit_is_left_to_the_full_evaluator() {
    let mut engine = Engine::new();
    let mut limits = engine.limits().clone();
    limits.max_string_len = 8;
    engine.set_limits(limits);
    let mut vars = Context::new();
    vars.insert("name", Value::from("World"));
    let compiled = engine.compile("\"Hello \" + name").unwrap();
    let err = compiled.evaluate(&vars).unwrap_err();
    assert!(err.to_string().contains("longer than the limit"), "{err}");
}

#[test]
fn comparisons_of_every_pair_of_kinds_agree_with_the_full_evaluator() {
    let engine = Engine::new();
    let values = [
        "1",
        "2.50",
        "\"a\"",
        "\"b\"",
        "true",
        "false",
        "null",
        "date(\"2024-01-01\")",
        "[1, 2]",
        "{k: 1}",
        "duration(\"P1D\")",
    ];
    let mut vars = Context::new();
    for (i, text) in values.iter().enumerate() {
        let v = engine.evaluate(text, &Context::new()).unwrap().value;
        vars.insert(format!("v{i}").as_str(), v);
    }
    let mut decided = 0;
    for i in 0..values.len() {
        for j in 0..values.len() {
            for op in ["=", "!=", "<", ">="] {
                let text = format!("v{i} {op} v{j}");
                let compiled = engine.compile(&text).unwrap();
                assert!(compiled.has_quick_tier(), "{text}");
                let quick = outcome(compiled.evaluate(&vars));
                assert_eq!(quick, outcome(compiled.evaluate_full(&vars)), "{text}");
                decided += usize::from(quick.starts_with("true") || quick.starts_with("false"));
            }
        }
    }
    assert!(decided > 80, "{decided}");
}
