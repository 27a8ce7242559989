//! Temporal arithmetic where Camunda's engine (feel-scala's `mulOp`, `divOp`, `subOp`)
//! differs from the DMN dialect; everything else goes through [`temporal`].

use rust_decimal::prelude::ToPrimitive;

use crate::syntax::ast::ArithOp;
use crate::value::{temporal, Decimal, DtDuration, Value, YmDuration};

const NANOS_PER_MILLI: i128 = 1_000_000;

/// `a op b` for temporal operands as Camunda's engine computes it, `None` when the operands
/// do not go together (the caller warns):
/// - a duration times a number uses the number's integer part (`@"P1D" * 1.5` is `P1D`);
/// - years-months ÷ number truncates to whole months, days-time ÷ number to whole
///   milliseconds;
/// - zoned time − zoned time is the absolute difference.
pub(crate) fn temporal_op(op: ArithOp, a: &Value, b: &Value) -> Option<Value> {
    match (op, a, b) {
        (ArithOp::Mul, Value::YearsMonths(d), Value::Number(n))
        | (ArithOp::Mul, Value::Number(n), Value::YearsMonths(d)) => {
            let months = d.0.checked_mul(n.trunc().to_i64()?)?;
            Some(Value::YearsMonths(YmDuration(months)))
        }
        (ArithOp::Mul, Value::DaysTime(d), Value::Number(n))
        | (ArithOp::Mul, Value::Number(n), Value::DaysTime(d)) => {
            let nanos = d.0.checked_mul(n.trunc().to_i128()?)?;
            Some(Value::DaysTime(DtDuration(nanos)))
        }
        (ArithOp::Div, Value::YearsMonths(d), Value::Number(n)) if !n.is_zero() => {
            let months = Decimal::from(d.0).checked_div(*n)?.trunc().to_i64()?;
            Some(Value::YearsMonths(YmDuration(months)))
        }
        (ArithOp::Div, Value::DaysTime(d), Value::Number(n)) if !n.is_zero() => {
            let millis = Decimal::from_i128_with_scale(d.0 / NANOS_PER_MILLI, 0);
            let millis = millis.checked_div(*n)?.trunc().to_i128()?;
            Some(Value::DaysTime(DtDuration(
                millis.checked_mul(NANOS_PER_MILLI)?,
            )))
        }
        (ArithOp::Sub, Value::Time(x), Value::Time(y)) if x.zone.is_some() && y.zone.is_some() => {
            match temporal::sub(a, b)? {
                Value::DaysTime(d) => Some(Value::DaysTime(DtDuration(d.0.checked_abs()?))),
                other => Some(other),
            }
        }
        (ArithOp::Add, _, _) => temporal::add(a, b),
        (ArithOp::Sub, _, _) => temporal::sub(a, b),
        (ArithOp::Mul, _, _) => temporal::mul(a, b),
        (ArithOp::Div, _, _) => temporal::div(a, b),
        (ArithOp::Pow, _, _) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::temporal::parse_literal;

    fn op(op: ArithOp, a: &str, b: Value) -> String {
        let a = parse_literal(a).unwrap_or_default();
        temporal_op(op, &a, &b).map_or_else(|| "none".into(), |v| v.to_string())
    }

    fn n(text: &str) -> Value {
        Value::Number(text.parse().unwrap_or_default())
    }

    #[test]
    fn durations_scale_by_the_integer_part() {
        assert_eq!(op(ArithOp::Mul, "P1D", n("1.5")), "@\"P1D\"");
        assert_eq!(op(ArithOp::Mul, "P2M", n("-2.9")), "@\"-P4M\"");
        assert_eq!(op(ArithOp::Div, "P1Y", n("5")), "@\"P2M\"");
        assert_eq!(op(ArithOp::Div, "PT1S", n("3")), "@\"PT0.333S\"");
        assert_eq!(op(ArithOp::Div, "PT1S", n("0")), "none");
        assert_eq!(op(ArithOp::Mul, "P1D", Value::from("x")), "none");
    }

    #[test]
    fn zoned_times_subtract_to_an_absolute_duration() {
        let t = parse_literal("12:00:00Z").unwrap_or_default();
        assert_eq!(op(ArithOp::Sub, "10:00:00Z", t.clone()), "@\"PT2H\"");
        let local = parse_literal("12:00:00").unwrap_or_default();
        assert_eq!(op(ArithOp::Sub, "10:00:00", local), "@\"-PT2H\"");
        assert_eq!(op(ArithOp::Sub, "13:00:00+01:00", t), "@\"PT0S\"");
    }
}
