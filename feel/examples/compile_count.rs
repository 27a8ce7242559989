//! Compiles every expression of the shared benchmark workload a number of times, for
//! counting instructions per compile under callgrind (stable under load, unlike timings):
//!
//! ```text
//! cargo build --release -p feel-engine --example compile_count
//! valgrind --tool=callgrind --callgrind-out-file=/dev/null \
//!     target/release/examples/compile_count ../shared/bench/expressions.json 100
//! valgrind --tool=callgrind --callgrind-out-file=/dev/null \
//!     target/release/examples/compile_count ../shared/bench/expressions.json 0
//! ```
//!
//! Instructions per compile = (total with 100 rounds − total with 0 rounds) / (100 × 32).
//! Each compile is `Engine::compile_with_names` with the names of the expression's
//! variables, as the benchmark's compile+evaluate side does. The last line printed is the
//! number of compiles.

use std::process::ExitCode;

use feel::Engine;
use serde_json::Value as Json;

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let (Some(path), rounds) = (args.next(), args.next()) else {
        eprintln!("usage: compile_count <expressions.json> [rounds]");
        return ExitCode::from(2);
    };
    let rounds: usize = rounds.and_then(|r| r.parse().ok()).unwrap_or(100);
    let doc: Json = match std::fs::read_to_string(&path)
        .map_err(|e| e.to_string())
        .and_then(|t| serde_json::from_str(&t).map_err(|e| e.to_string()))
    {
        Ok(d) => d,
        Err(e) => {
            eprintln!("cannot read {path}: {e}");
            return ExitCode::from(2);
        }
    };
    let empty = Vec::new();
    // each expression with the names of its variables (shared ones it uses, then its own)
    let cases: Vec<(String, Vec<String>)> = doc["expressions"]
        .as_array()
        .unwrap_or(&empty)
        .iter()
        .map(|e| {
            let shared = e["shared"].as_array().unwrap_or(&empty).iter();
            let own = e["vars"].as_object().into_iter().flat_map(|o| o.keys());
            let names = shared
                .filter_map(|n| n.as_str().map(str::to_string))
                .chain(own.cloned())
                .collect();
            (e["expr"].as_str().unwrap_or("").to_string(), names)
        })
        .collect();
    let engine = Engine::new();
    let mut compiled = 0usize;
    for _ in 0..rounds {
        for (text, names) in &cases {
            let names: Vec<&str> = names.iter().map(String::as_str).collect();
            let r = engine.compile_with_names(text, &names);
            compiled += usize::from(r.is_ok());
            std::hint::black_box(&r);
        }
    }
    println!("{compiled}");
    ExitCode::SUCCESS
}
