//! Fuzz target: evaluating any expression against a random context never panics and stays
//! within the engine's limits.
#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::arbitrary::{self, Arbitrary};
use libfuzzer_sys::fuzz_target;

/// A JSON-like value for the context.
#[derive(Arbitrary, Debug)]
enum Data {
    Null,
    Bool(bool),
    Int(i64),
    Dec(i64, u8),
    Str(String),
    List(Vec<Data>),
    Map(Vec<(String, Data)>),
}

impl Data {
    fn json(&self, depth: u32) -> serde_json::Value {
        use serde_json::Value as J;
        if depth > 6 {
            return J::Null;
        }
        match self {
            Data::Null => J::Null,
            Data::Bool(b) => J::Bool(*b),
            Data::Int(i) => J::from(*i),
            Data::Dec(i, s) => {
                let text = feel::Decimal::new(*i, u32::from(*s % 20)).to_string();
                text.parse::<serde_json::Number>().map_or(J::Null, J::Number)
            }
            Data::Str(s) => J::String(s.clone()),
            Data::List(l) => J::Array(l.iter().map(|d| d.json(depth + 1)).collect()),
            Data::Map(m) => J::Object(m.iter().map(|(k, v)| (k.clone(), v.json(depth + 1))).collect()),
        }
    }
}

#[derive(Arbitrary, Debug)]
struct Input {
    expression: String,
    vars: Vec<(String, Data)>,
    input: Data,
}

static ENGINE: LazyLock<feel::Engine> = LazyLock::new(|| {
    let mut engine = feel::Engine::new();
    let mut limits = engine.limits().clone();
    limits.max_steps = Some(200_000);
    limits.max_items = 100_000;
    limits.max_string_len = 1 << 20;
    engine.set_limits(limits);
    engine
});

fuzz_target!(|inp: Input| {
    let engine = &*ENGINE;
    let mut ctx = feel::Context::new();
    for (k, v) in &inp.vars {
        ctx.insert(k.as_str(), feel::Value::from_json(&v.json(0)));
    }
    let names: Vec<&str> = ctx.keys().map(|k| k.as_ref()).collect();
    if let Ok(expr) = engine.compile_with_names(&inp.expression, &names) {
        if let Ok(out) = expr.evaluate(&ctx) {
            let _ = out.value.to_json();
            let _ = out.value.to_string();
        }
    }
    if let Ok(tests) = engine.compile_unary_tests_with_names(&inp.expression, &names) {
        let _ = tests.evaluate(&feel::Value::from_json(&inp.input.json(0)), &ctx);
    }
});
