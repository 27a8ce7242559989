//! FEEL equality and ordering, shared by the evaluator and the built-ins.

use std::cmp::Ordering;

use crate::value::{temporal, Decimal, Value};

/// Decimal ordering, with a fast path for equal scales (the common case: integers).
fn cmp_numbers(x: &Decimal, y: &Decimal) -> Ordering {
    if x.scale() == y.scale() {
        x.mantissa().cmp(&y.mantissa())
    } else {
        x.cmp(y)
    }
}

/// Two temporal values the temporal module compares: the same kind, or a date and a
/// date-time.
fn temporal_pair(a: &Value, b: &Value) -> bool {
    matches!(
        (a, b),
        (Value::Date(_), Value::Date(_) | Value::DateTime(_))
            | (Value::DateTime(_), Value::Date(_) | Value::DateTime(_))
            | (Value::Time(_), Value::Time(_))
            | (Value::YearsMonths(_), Value::YearsMonths(_))
            | (Value::DaysTime(_), Value::DaysTime(_))
    )
}

/// FEEL `=`: `Some(true/false)`, or `None` when the values are not comparable
/// (different kinds), which the language turns into `null`.
///
/// `null = null` is true and `null = x` is false.
pub fn equal(a: &Value, b: &Value) -> Option<bool> {
    match (a, b) {
        (Value::Null, Value::Null) => Some(true),
        (Value::Null, _) | (_, Value::Null) => Some(false),
        (Value::Bool(x), Value::Bool(y)) => Some(x == y),
        (Value::Number(x), Value::Number(y)) => Some(x == y),
        (Value::String(x), Value::String(y)) => Some(x == y),
        (Value::List(x), Value::List(y)) => {
            if x.len() != y.len() {
                return Some(false);
            }
            let mut all = true;
            for (p, q) in x.iter().zip(y.iter()) {
                match equal(p, q) {
                    Some(true) => {}
                    Some(false) => return Some(false),
                    None => all = false,
                }
            }
            if all {
                Some(true)
            } else {
                None
            }
        }
        (Value::Context(x), Value::Context(y)) => {
            if x.len() != y.len() {
                return Some(false);
            }
            for (k, v) in x.iter() {
                match y.get(k) {
                    None => return Some(false),
                    Some(w) => match equal(v, w) {
                        Some(true) => {}
                        other => return other,
                    },
                }
            }
            Some(true)
        }
        (Value::Range(x), Value::Range(y)) => Some(
            x.start_included == y.start_included
                && x.end_included == y.end_included
                && equal(&x.start, &y.start) == Some(true)
                && equal(&x.end, &y.end) == Some(true),
        ),
        (Value::Function(x), Value::Function(y)) => Some(x.ptr_eq(y)),
        _ if temporal_pair(a, b) => temporal::equal(a, b),
        _ => None,
    }
}

/// FEEL ordering (`<`, `>`, …): numbers, strings, and temporal values of one kind.
/// `None` when the values cannot be ordered.
pub fn compare(a: &Value, b: &Value) -> Option<Ordering> {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => Some(cmp_numbers(x, y)),
        (Value::String(x), Value::String(y)) => Some(x.cmp(y)),
        _ if temporal_pair(a, b) => temporal::compare(a, b),
        _ => None,
    }
}

/// Whether `v` lies in the range (`None` when the end points cannot be compared with it).
pub fn in_range(v: &Value, r: &crate::value::Range) -> Option<bool> {
    if v.is_null() {
        return None;
    }
    let lower_ok = if r.start.is_null() {
        true
    } else {
        match compare(&r.start, v)? {
            Ordering::Less => true,
            Ordering::Equal => r.start_included,
            Ordering::Greater => false,
        }
    };
    let upper_ok = if r.end.is_null() {
        true
    } else {
        match compare(v, &r.end)? {
            Ordering::Less => true,
            Ordering::Equal => r.end_included,
            Ordering::Greater => false,
        }
    };
    Some(lower_ok && upper_ok)
}
