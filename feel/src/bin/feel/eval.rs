//! `feel eval`: read variables, compile with their names, evaluate, print.

use std::path::Path;
use std::process::ExitCode;

use feel::{Context, Dialect, Engine, Value};

/// Exit status for an expression that failed to compile or evaluate.
const EXPRESSION_FAILED: u8 = 1;
/// Exit status for unusable input (files, `--var`).
const BAD_INPUT: u8 = 2;

/// Run `feel eval`.
pub fn run(
    expression: &str,
    context: Option<&Path>,
    vars: &[String],
    json: bool,
    dialect: Dialect,
) -> ExitCode {
    let vars = match variables(context, vars) {
        Ok(v) => v,
        Err(msg) => {
            eprintln!("error: {msg}");
            return ExitCode::from(BAD_INPUT);
        }
    };
    let engine = Engine::builder().dialect(dialect).build();
    let names: Vec<&str> = vars.keys().map(|k| k.as_ref()).collect();
    let result = engine
        .compile_with_names(expression, &names)
        .and_then(|expr| expr.evaluate(&vars));
    match result {
        Ok(out) => {
            for w in &out.warnings {
                eprintln!("warning: {w}");
            }
            if json {
                println!("{}", out.value.to_json());
            } else {
                println!("{}", out.value.display_in(dialect));
            }
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("{}", err.report());
            ExitCode::from(EXPRESSION_FAILED)
        }
    }
}

/// The variables: the context file's object, then each `--var NAME=JSON` in order.
fn variables(context: Option<&Path>, vars: &[String]) -> Result<Context, String> {
    let mut ctx = match context {
        None => Context::new(),
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            let json: serde_json::Value = serde_json::from_str(&text)
                .map_err(|e| format!("{} is not valid JSON: {e}", path.display()))?;
            Context::from_json(&json)
                .ok_or_else(|| format!("{} must hold a JSON object", path.display()))?
        }
    };
    for var in vars {
        let (name, text) = var
            .split_once('=')
            .ok_or_else(|| format!("--var '{var}' is not NAME=JSON"))?;
        let json: serde_json::Value = serde_json::from_str(text)
            .map_err(|e| {
                format!("--var {name}: value is not valid JSON ({e}); strings need quotes: {name}='\"text\"'")
            })?;
        ctx.insert(name, Value::from_json(&json));
    }
    Ok(ctx)
}
