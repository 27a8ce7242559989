//! Fuzz target: compiling any text (as an expression and as unary tests) never panics.
#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;

static ENGINE: LazyLock<feel::Engine> = LazyLock::new(feel::Engine::new);

fuzz_target!(|text: &str| {
    let engine = &*ENGINE;
    if let Ok(expr) = engine.compile(text) {
        let _ = expr.source();
    }
    let _ = engine.compile_unary_tests(text);
    let _ = engine.parse_type(text);
});
