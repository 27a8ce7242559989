//! Arithmetic: numbers, string concatenation, temporal arithmetic.

use rust_decimal::prelude::{FromPrimitive, ToPrimitive};
use rust_decimal::{Decimal, MathematicalOps};

use crate::error::WarningKind;
use crate::syntax::ast::ArithOp;
use crate::value::{temporal, Value};

use super::State;

fn op_name(op: ArithOp) -> (&'static str, &'static str) {
    match op {
        ArithOp::Add => ("add", "to"),
        ArithOp::Sub => ("subtract", "from"),
        ArithOp::Mul => ("multiply", "by"),
        ArithOp::Div => ("divide", "by"),
        ArithOp::Pow => ("exponentiate", "by"),
    }
}

/// Evaluate `a op b`; nulls propagate, mismatches warn.
pub(crate) fn arith(op: ArithOp, a: &Value, b: &Value, st: &mut State<'_>) -> Value {
    if a.is_null() || b.is_null() {
        return Value::Null;
    }
    let out = match (op, a, b) {
        (_, Value::Number(x), Value::Number(y)) => return number_op(op, *x, *y, st),
        (ArithOp::Add, Value::String(x), Value::String(y)) => {
            if x.len() + y.len() > st.engine.limits.max_string_len {
                st.abort(
                    crate::ErrorKind::LimitExceeded,
                    "string longer than the limit",
                );
                return Value::Null;
            }
            Some(Value::string_concat([x.as_str(), y.as_str()].into_iter()))
        }
        (_, _, _) if st.engine.dialect.is_camunda() => {
            if let (ArithOp::Div, Value::DaysTime(_) | Value::YearsMonths(_), Value::Number(n)) =
                (op, a, b)
            {
                if n.is_zero() {
                    return divide_by_zero(a, st);
                }
            }
            super::camunda_arith::temporal_op(op, a, b)
        }
        (ArithOp::Add, _, _) => temporal::add(a, b),
        (ArithOp::Sub, _, _) => temporal::sub(a, b),
        (ArithOp::Mul, _, _) => temporal::mul(a, b),
        (ArithOp::Div, _, _) => {
            if let (Value::DaysTime(_) | Value::YearsMonths(_), Value::Number(n)) = (a, b) {
                if n.is_zero() {
                    return divide_by_zero(a, st);
                }
            }
            temporal::div(a, b)
        }
        (ArithOp::Pow, _, _) => None,
    };
    match out {
        Some(v) => v,
        None => {
            let (verb, prep) = op_name(op);
            st.warn(
                WarningKind::InvalidType,
                format!("Can't {verb} '{b}' {prep} '{a}'"),
            );
            Value::Null
        }
    }
}

#[cold]
fn divide_by_zero(a: &Value, st: &mut State<'_>) -> Value {
    st.warn(
        WarningKind::Arithmetic,
        format!("Can't divide '{a}' by zero"),
    );
    Value::Null
}

fn number_op(op: ArithOp, x: Decimal, y: Decimal, st: &mut State<'_>) -> Value {
    let r = match op {
        ArithOp::Add => x.checked_add(y),
        ArithOp::Sub => x.checked_sub(y),
        ArithOp::Mul => x.checked_mul(y),
        ArithOp::Div => {
            if y.is_zero() {
                st.warn(
                    WarningKind::Arithmetic,
                    format!("Can't divide '{x}' by zero"),
                );
                return Value::Null;
            }
            let q = x.checked_div(y);
            if st.engine.dialect.is_camunda() {
                q.map(|q| java_quotient_scale(q, x, y))
            } else {
                q
            }
        }
        // Camunda's engine takes a non-integer power in `double` and keeps its shortest text
        ArithOp::Pow if st.engine.dialect.is_camunda() && !y.fract().is_zero() => x
            .to_f64()
            .zip(y.to_f64())
            .and_then(|(x, y)| crate::value::number::from_double(x.powf(y))),
        ArithOp::Pow => pow(x, y),
    };
    match r {
        Some(n) => Value::Number(n),
        None => {
            st.warn(
                WarningKind::Arithmetic,
                "numeric overflow: the result does not fit a decimal",
            );
            Value::Null
        }
    }
}

/// The scale Java's `BigDecimal.divide` gives an exact quotient (Camunda's engine keeps a
/// number's scale when printing it): the dividend's scale less the divisor's (not below 0),
/// or more where the quotient needs more digits (`10 / 4` = 2.5, `1.00 / 2` = 0.50).
fn java_quotient_scale(q: Decimal, x: Decimal, y: Decimal) -> Decimal {
    let preferred = x.scale().saturating_sub(y.scale());
    let mut q = q.normalize();
    if q.scale() < preferred {
        q.rescale(preferred);
    }
    q
}

/// `x ** y`: exact for integer exponents, through `f64` otherwise.
pub(crate) fn pow(x: Decimal, y: Decimal) -> Option<Decimal> {
    if y.fract().is_zero() {
        let e = y.to_i64()?;
        if x.is_zero() && e < 0 {
            return None;
        }
        if e.unsigned_abs() > 100_000 && x.abs() != Decimal::ONE {
            return if x.abs() < Decimal::ONE && e > 0 || x.abs() > Decimal::ONE && e < 0 {
                Some(Decimal::ZERO)
            } else {
                None
            };
        }
        return x.checked_powi(e);
    }
    let r = x.to_f64()?.powf(y.to_f64()?);
    if !r.is_finite() {
        return None;
    }
    Decimal::from_f64(r).or_else(|| Decimal::from_f64_retain(r))
}
