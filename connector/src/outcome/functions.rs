//! The FEEL functions of Camunda's connector runtime: `bpmnError`, `jobError`,
//! `ignoreError` (8.9 result shapes) and the later `backoff` helper.

use feel::{Context, Decimal, DtDuration, Engine, ErrorKind, State, Value};

/// Register `bpmnError`, `jobError`, `ignoreError` and `backoff` on an engine.
pub fn register_functions(engine: &mut Engine) {
    for params in [
        &["errorCode", "errorMessage", "variables"][..],
        &["errorCode", "errorMessage"],
        &["errorCode"],
    ] {
        engine.register("bpmnError", params, bpmn_error);
    }
    for params in [
        &["errorMessage", "variables", "retries", "retryBackoff"][..],
        &["errorMessage", "variables", "retries"],
        &["errorMessage", "variables"],
        &["errorMessage"],
    ] {
        engine.register("jobError", params, job_error);
    }
    engine.register("ignoreError", &["variables"], ignore_error);
    engine.register("ignoreError", &[], ignore_error);
    for params in [
        &["attempt", "minDelay", "factor", "maxDelay", "jitterFactor"][..],
        &["attempt", "minDelay", "factor", "maxDelay"],
        &["attempt", "minDelay", "factor"],
        &["attempt", "minDelay"],
        &["attempt"],
    ] {
        engine.register("backoff", params, backoff);
    }
}

fn fail(state: &mut State<'_>, function: &str, param: &str, ty: &str) -> Value {
    state.abort(
        ErrorKind::Evaluation,
        format!("Parameter '{param}' of function '{function}' must be a {ty}"),
    )
}

fn bpmn_error(state: &mut State<'_>, args: &[Value]) -> Value {
    let mut ctx = Context::new();
    ctx.insert("errorType", Value::from("bpmnError"));
    match args.first() {
        Some(code @ Value::String(_)) => ctx.insert("errorCode", code.clone()),
        _ => return fail(state, "bpmnError", "errorCode", "String"),
    }
    match args.get(1) {
        None => {}
        Some(m @ Value::String(_)) => ctx.insert("errorMessage", m.clone()),
        Some(Value::Null) => ctx.insert("errorMessage", Value::Null),
        Some(_) => return fail(state, "bpmnError", "errorMessage", "String"),
    }
    match args.get(2) {
        None | Some(Value::Null) => {}
        Some(v @ Value::Context(_)) => ctx.insert("variables", v.clone()),
        Some(_) => return fail(state, "bpmnError", "variables", "Context"),
    }
    Value::context(ctx)
}

fn job_error(state: &mut State<'_>, args: &[Value]) -> Value {
    let mut ctx = Context::new();
    ctx.insert("errorType", Value::from("jobError"));
    match args.first() {
        Some(m @ Value::String(_)) => ctx.insert("errorMessage", m.clone()),
        _ => return fail(state, "jobError", "errorMessage", "String"),
    }
    match args.get(1) {
        None | Some(Value::Null) => ctx.insert("variables", Value::context(Context::new())),
        Some(v @ Value::Context(_)) => ctx.insert("variables", v.clone()),
        Some(_) => return fail(state, "jobError", "variables", "Context"),
    }
    match args.get(2) {
        None | Some(Value::Null) => ctx.insert("retries", Value::from(0)),
        Some(n @ Value::Number(_)) => ctx.insert("retries", n.clone()),
        Some(_) => return fail(state, "jobError", "retries", "Number"),
    }
    match args.get(3) {
        None | Some(Value::Null) => ctx.insert("retryBackoff", Value::DaysTime(DtDuration(0))),
        Some(d @ Value::DaysTime(_)) => ctx.insert("retryBackoff", d.clone()),
        Some(_) => return fail(state, "jobError", "retryBackoff", "Duration"),
    }
    Value::context(ctx)
}

fn ignore_error(state: &mut State<'_>, args: &[Value]) -> Value {
    let mut ctx = Context::new();
    ctx.insert("errorType", Value::from("ignoreError"));
    match args.first() {
        None | Some(Value::Null) => {}
        Some(v @ Value::Context(_)) => ctx.insert("variables", v.clone()),
        Some(_) => return fail(state, "ignoreError", "variables", "Context"),
    }
    Value::context(ctx)
}

const MS: i128 = 1_000_000;

fn random_unit() -> f64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u64(0x9e37_79b9);
    (h.finish() >> 11) as f64 / (1u64 << 53) as f64
}

/// `backoff(attempt[, minDelay[, factor[, maxDelay[, jitterFactor]]]])`: `minDelay ·
/// factor^(attempt−1)` clamped to [minDelay, maxDelay], ± `jitterFactor` of it.
fn backoff(state: &mut State<'_>, args: &[Value]) -> Value {
    let num = |v: Option<&Value>| {
        v.and_then(Value::as_number)
            .and_then(|d| d.to_string().parse::<f64>().ok())
    };
    let dur = |v: Option<&Value>, default: i128| match v {
        None | Some(Value::Null) => Some(default),
        Some(Value::DaysTime(DtDuration(n))) => Some(*n),
        Some(_) => None,
    };
    let Some(attempt) = num(args.first()).filter(|a| *a >= 1.0) else {
        return state.fail_call("attempt must be a number >= 1");
    };
    let (Some(min), Some(max)) = (dur(args.get(1), 50 * MS), dur(args.get(3), 5_000 * MS)) else {
        return state.fail_call("minDelay and maxDelay must be days-time durations");
    };
    let factor = match args.get(2) {
        None | Some(Value::Null) => Some(1.6),
        v => num(v),
    };
    let jitter = match args.get(4) {
        None | Some(Value::Null) => Some(0.1),
        v => num(v),
    };
    let (Some(factor), Some(jitter)) = (factor, jitter) else {
        return state.fail_call("factor and jitterFactor must be numbers");
    };
    if min < 0 || max < min || factor < 1.0 || !(0.0..=1.0).contains(&jitter) {
        return state
            .fail_call("expected 0 <= minDelay <= maxDelay, factor >= 1, 0 <= jitterFactor <= 1");
    }
    let raw = (min as f64) * factor.powf(attempt.floor() - 1.0);
    let base = raw.clamp(min as f64, max as f64);
    let spread = base * jitter * (2.0 * random_unit() - 1.0);
    let nanos = (base + spread).max(0.0).round();
    Value::DaysTime(DtDuration(nanos as i128))
}

/// A FEEL number as `Decimal` → `u32` (negative or fractional parts clamp / truncate).
pub(crate) fn to_retries(d: Decimal) -> u32 {
    d.trunc()
        .to_string()
        .parse::<i64>()
        .map_or(0, |n| u32::try_from(n.max(0)).unwrap_or(u32::MAX))
}
