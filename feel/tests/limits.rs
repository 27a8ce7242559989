//! Resource limits: clear errors instead of exhausting the machine.

use feel::{Context, Engine, ErrorKind, Limits};

fn eval_err(engine: &Engine, text: &str) -> Option<ErrorKind> {
    match engine.compile(text) {
        Err(e) => Some(e.kind()),
        Ok(expr) => expr.evaluate(&Context::new()).err().map(|e| e.kind()),
    }
}

#[test]
fn huge_ranges_and_loops_stop_with_an_error() {
    let engine = Engine::new();
    assert_eq!(
        eval_err(&engine, "for i in 1..1000000000 return i"),
        Some(ErrorKind::LimitExceeded)
    );
    assert_eq!(
        eval_err(&engine, "count(for i in 1..5000, j in 1..5000 return i)"),
        Some(ErrorKind::LimitExceeded)
    );
    assert_eq!(eval_err(&engine, "sum(for i in 1..1000 return i)"), None);
}

#[test]
fn step_budget_is_configurable() {
    let mut engine = Engine::new();
    engine.set_limits(Limits {
        max_steps: Some(1_000),
        ..Limits::default()
    });
    assert_eq!(
        eval_err(&engine, "for i in 1..500 return i * 2"),
        Some(ErrorKind::LimitExceeded)
    );
    engine.set_limits(Limits {
        max_steps: None,
        ..Limits::default()
    });
    assert_eq!(eval_err(&engine, "for i in 1..500 return i * 2"), None);
}

#[test]
fn nesting_depth_is_configurable() {
    let mut engine = Engine::new();
    let deep = "[".repeat(40) + &"]".repeat(40);
    assert_eq!(eval_err(&engine, &deep), None);
    engine.set_limits(Limits {
        max_depth: 20,
        ..Limits::default()
    });
    assert_eq!(eval_err(&engine, &deep), Some(ErrorKind::LimitExceeded));
    let err = engine
        .compile(&deep)
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(err.contains("nested"), "{err}");
}

#[test]
fn very_deep_input_is_rejected_not_a_stack_overflow() {
    let engine = Engine::new();
    for text in [
        "(".repeat(100_000) + &")".repeat(100_000),
        "[".repeat(100_000) + &"]".repeat(100_000),
        "{a:".repeat(50_000) + "1" + &"}".repeat(50_000),
        "not(".repeat(50_000) + "true" + &")".repeat(50_000),
    ] {
        assert_eq!(eval_err(&engine, &text), Some(ErrorKind::LimitExceeded));
    }
}

#[test]
fn recursion_through_functions_is_bounded() {
    let engine = Engine::new();
    let text = "{f: function(g, n) g(g, n + 1), r: f(f, 0)}.r";
    assert_eq!(eval_err(&engine, text), Some(ErrorKind::LimitExceeded));
}

#[test]
fn long_strings_are_bounded() {
    let mut engine = Engine::new();
    engine.set_limits(Limits {
        max_string_len: 1000,
        ..Limits::default()
    });
    let text = "{s: \"xxxxxxxxxx\", t: for i in 1..200 return s}.t";
    assert_eq!(eval_err(&engine, text), None);
    let text = "{a: \"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\", b: a+a+a+a+a+a+a+a, c: b+b+b+b+b+b+b+b}.c";
    assert_eq!(eval_err(&engine, text), Some(ErrorKind::LimitExceeded));
}
