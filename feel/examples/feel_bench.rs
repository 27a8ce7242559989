//! FEEL throughput benchmark over a workload file (see `../shared/bench/README.md`).
//!
//! ```text
//! cargo run --release -p feel-engine --example feel_bench -- ../shared/bench/expressions.json
//! ```
//!
//! Prints one JSON object per expression: compile+evaluate and evaluate-only operations per
//! second (median of timed batches after a warm-up) and the result. Knobs:
//! `BENCH_BATCHES` (5), `BENCH_BATCH_MS` (200), `BENCH_WARMUP_MS` (300), `BENCH_FILTER`
//! (a regular expression on ids).

use std::process::ExitCode;
use std::time::{Duration, Instant};

use feel::{Context, Engine, Value};
use serde_json::{json, Value as Json};

fn env_num(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Run `f` in batches of `batch` duration; return the median operations per second.
fn measure(mut f: impl FnMut(), warmup: Duration, batch: Duration, batches: u64) -> f64 {
    let start = Instant::now();
    while start.elapsed() < warmup {
        f();
    }
    let mut rates: Vec<f64> = (0..batches.max(1))
        .map(|_| {
            let t = Instant::now();
            let mut n = 0u64;
            while t.elapsed() < batch {
                for _ in 0..16 {
                    f();
                }
                n += 16;
            }
            n as f64 / t.elapsed().as_secs_f64()
        })
        .collect();
    rates.sort_by(|a, b| a.total_cmp(b));
    rates[rates.len() / 2]
}

/// Plain JSON of a result: temporal values as ISO strings (`Value::to_json`).
fn result_json(v: &Value) -> Json {
    v.to_json()
}

fn main() -> ExitCode {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: bench <expressions.json>");
        return ExitCode::from(2);
    };
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("cannot read {path}: {e}");
            return ExitCode::from(2);
        }
    };
    let doc: Json = match serde_json::from_str(&text) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("{path} is not JSON: {e}");
            return ExitCode::from(2);
        }
    };
    let filter = std::env::var("BENCH_FILTER")
        .ok()
        .and_then(|f| regex::Regex::new(&f).ok());
    let batches = env_num("BENCH_BATCHES", 5);
    let batch = Duration::from_millis(env_num("BENCH_BATCH_MS", 200));
    let warmup = Duration::from_millis(env_num("BENCH_WARMUP_MS", 300));
    let engine = Engine::new();
    let empty = Vec::new();
    for e in doc["expressions"].as_array().unwrap_or(&empty) {
        let id = e["id"].as_str().unwrap_or("");
        if filter.as_ref().is_some_and(|f| !f.is_match(id)) {
            continue;
        }
        let expr = e["expr"].as_str().unwrap_or("");
        // variables: the shared ones it names, then its own on top (converted once)
        let mut vars = Context::new();
        for name in e["shared"].as_array().unwrap_or(&empty) {
            if let Some(n) = name.as_str() {
                vars.insert(n, Value::from_json(&doc["shared_vars"][n]));
            }
        }
        if let Some(own) = e["vars"].as_object() {
            for (k, v) in own {
                vars.insert(k.as_str(), Value::from_json(v));
            }
        }
        let names: Vec<&str> = vars.keys().map(|k| k.as_ref()).collect();
        let compiled = engine.compile_with_names(expr, &names);
        let (result, error) = match &compiled {
            Ok(c) => match c.evaluate(&vars) {
                Ok(r) => (result_json(&r.value), Json::Null),
                Err(err) => (Json::Null, Json::String(err.to_string())),
            },
            Err(err) => (Json::Null, Json::String(err.to_string())),
        };
        let (parse_eval_ops, eval_ops) = match &compiled {
            Ok(c) => {
                let pe = measure(
                    || {
                        let r = engine
                            .compile_with_names(expr, &names)
                            .map(|c| c.evaluate(&vars));
                        std::hint::black_box(&r);
                    },
                    warmup,
                    batch,
                    batches,
                );
                // the result is kept by reference, as a caller reads it: moving the whole
                // `Result` into `black_box` would copy it once more through memory just
                // written, a cost no caller pays (more than evaluating `1` takes)
                let ev = measure(
                    || {
                        let r = c.evaluate(&vars);
                        std::hint::black_box(&r);
                    },
                    warmup,
                    batch,
                    batches,
                );
                (pe, ev)
            }
            Err(_) => (0.0, 0.0),
        };
        let line = json!({
            "engine": "feel-rs",
            "id": id,
            "group": e["group"],
            "parse_eval_ops": (parse_eval_ops * 10.0).round() / 10.0,
            "eval_ops": (eval_ops * 10.0).round() / 10.0,
            "result": result,
            "error": error,
        });
        println!("{line}");
    }
    ExitCode::SUCCESS
}
