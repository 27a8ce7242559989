//! An application embedding the FEEL engine: compile a rule once, evaluate it for many
//! orders, add a function of its own, read warnings, convert to and from JSON.
//!
//! `cargo run -p embed-feel` (CI runs it; it exits non-zero if a result is not as expected).

use feel::{Context, Engine, Value};
use serde_json::json;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut engine = Engine::new();
    // A function of the application's own, callable from every expression.
    engine.register("vat", &["amount"], |_, args| {
        args[0]
            .as_number()
            .map_or(Value::Null, |n| Value::from(n * feel::Decimal::new(20, 2)))
    });

    // Compile once; naming the variables lets `Loyalty Years` go without backticks.
    let discount = engine.compile_with_names(
        "if Loyalty Years >= 3 then total * 0.1 else 0",
        &["Loyalty Years"],
    )?;
    let summary =
        engine.compile("{total: sum(for i in items return i.price * i.qty), vat: vat(total)}")?;

    let orders = [
        json!({"items": [{"price": 19.99, "qty": 2}, {"price": 5, "qty": 1}], "Loyalty Years": 4}),
        json!({"items": [{"price": 0.1, "qty": 3}], "Loyalty Years": 1}),
    ];
    let mut totals = Vec::new();
    for order in &orders {
        // Evaluate many times: variables from JSON (numbers exact as decimals).
        let vars = Context::from_json(order).ok_or("an order is a JSON object")?;
        let out = summary.evaluate(&vars)?;
        let total = out.value.as_context().and_then(|c| c.get("total")).cloned();
        let mut vars = vars;
        vars.insert("total", total.clone().unwrap_or(Value::Null));
        let off = discount.evaluate(&vars)?;
        println!(
            "order: {} discount {}",
            out.value.to_json(),
            off.value.to_json()
        );
        totals.push((out.value.to_json(), off.value.as_f64()));
    }
    check(
        totals[0].0 == json!({"total": 44.98, "vat": 8.996}),
        "first order",
    )?;
    check(totals[0].1 == Some(4.498), "first discount")?;
    // 0.1 * 3 is exactly 0.3 in decimals (0.30000000000000004 in f64)
    check(
        totals[1].0 == json!({"total": 0.3, "vat": 0.06}),
        "second order",
    )?;

    // Runtime problems are null plus warnings, not errors.
    let out = engine.evaluate(
        "order.totl * 2",
        &Context::from_json(&json!({"order": {"total": 1}})).unwrap_or_default(),
    )?;
    check(
        out.value == Value::Null && !out.warnings.is_empty(),
        "warning",
    )?;
    for warning in &out.warnings {
        println!("warning: {warning}");
    }

    // Values from Rust numbers; a date and time to JSON in Camunda's form.
    let vars: Context = [("x", Value::from(2.5)), ("n", Value::from(40_u64))]
        .into_iter()
        .map(|(k, v)| (std::sync::Arc::from(k), v))
        .collect();
    let out = engine.evaluate("x * n", &vars)?;
    check(out.value.as_f64() == Some(100.0), "from f64 and u64")?;
    let when = engine.evaluate(
        r#"date and time("2025-03-30T03:30:00@Europe/Paris")"#,
        &Context::new(),
    )?;
    println!("date and time as JSON: {}", when.value.to_json());
    check(
        when.value.to_json() == json!("2025-03-30T03:30:00+02:00[Europe/Paris]"),
        "date and time",
    )?;
    Ok(())
}

fn check(ok: bool, what: &str) -> Result<(), String> {
    if ok {
        Ok(())
    } else {
        Err(format!("unexpected result: {what}"))
    }
}
