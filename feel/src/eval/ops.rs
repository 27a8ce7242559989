//! FEEL equality and ordering, shared by the evaluator and the built-ins.

use std::cmp::Ordering;

use crate::dialect::Dialect;
use crate::value::context::key_eq;
use crate::value::{temporal, Decimal, Value};

/// Decimal ordering, with a fast path for equal scales and signs (the common case:
/// integers, amounts with the same number of decimals): the 96-bit magnitudes compared
/// directly.
#[inline]
pub(crate) fn cmp_numbers(x: &Decimal, y: &Decimal) -> Ordering {
    let (a, b) = (x.unpack(), y.unpack());
    if a.negative != b.negative || a.scale != b.scale {
        return x.cmp(y);
    }
    let o = (a.hi, a.mid, a.lo).cmp(&(b.hi, b.mid, b.lo));
    if a.negative {
        o.reverse()
    } else {
        o
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
#[inline]
pub fn equal(a: &Value, b: &Value) -> Option<bool> {
    // the usual pairs inline; the rest out of line
    match (a, b) {
        (Value::String(x), Value::String(y)) => Some(key_eq(x, y)),
        (Value::Number(x), Value::Number(y)) => Some(cmp_numbers(x, y) == Ordering::Equal),
        (Value::Bool(x), Value::Bool(y)) => Some(x == y),
        _ => equal_values(a, b),
    }
}

/// `=` in a dialect: [`equal`] in the DMN dialect. In the Camunda dialect (feel-scala's
/// `ValComparator`) lists and contexts are equal when their items are, an item of another
/// type making them unequal (`[1] = ["a"]` is false, not null), and date-times and times
/// are equal only with the same representation (local fields and zone; a local against a
/// zoned value is not comparable).
#[inline]
pub fn equal_in(dialect: Dialect, a: &Value, b: &Value) -> Option<bool> {
    match dialect {
        Dialect::Dmn => equal(a, b),
        Dialect::Camunda => camunda_equal(a, b),
    }
}

#[inline(never)]
fn camunda_equal(a: &Value, b: &Value) -> Option<bool> {
    let same = |p: &Value, q: &Value| camunda_equal(p, q) == Some(true);
    match (a, b) {
        (Value::List(x), Value::List(y)) => {
            Some(x.len() == y.len() && x.iter().zip(y.iter()).all(|(p, q)| same(p, q)))
        }
        (Value::Context(x), Value::Context(y)) => {
            Some(x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w))))
        }
        (Value::DateTime(x), Value::DateTime(y)) if x.zone.is_some() == y.zone.is_some() => {
            Some(x == y)
        }
        (Value::Time(x), Value::Time(y)) if x.zone.is_some() == y.zone.is_some() => Some(x == y),
        (Value::DateTime(_) | Value::Time(_), _) | (Value::Date(_), Value::DateTime(_)) => None,
        _ => equal(a, b),
    }
}

#[inline(never)]
fn equal_values(a: &Value, b: &Value) -> Option<bool> {
    match (a, b) {
        (Value::Null, Value::Null) => Some(true),
        (Value::Null, _) | (_, Value::Null) => Some(false),
        (Value::Bool(x), Value::Bool(y)) => Some(x == y),
        (Value::Number(x), Value::Number(y)) => Some(cmp_numbers(x, y) == Ordering::Equal),
        (Value::String(x), Value::String(y)) => Some(key_eq(x, y)),
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

/// Ordering in a dialect: [`compare`], except that the Camunda dialect orders a date
/// against a local date-time as the local date-time at the date's midnight.
pub fn compare_in(dialect: Dialect, a: &Value, b: &Value) -> Option<Ordering> {
    let midnight = |d: &crate::value::Date| {
        Value::DateTime(crate::value::DateTime {
            date: *d,
            nanos: 0,
            zone: None,
        })
    };
    match (dialect, a, b) {
        (Dialect::Camunda, Value::Date(d), Value::DateTime(dt)) if dt.zone.is_none() => {
            temporal::compare(&midnight(d), b)
        }
        (Dialect::Camunda, Value::DateTime(dt), Value::Date(d)) if dt.zone.is_none() => {
            temporal::compare(a, &midnight(d))
        }
        _ => compare(a, b),
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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn decimal() -> impl Strategy<Value = Decimal> {
        (any::<i64>(), 0u32..12, any::<bool>()).prop_map(|(m, scale, big)| {
            let m = if big {
                i128::from(m) << 30
            } else {
                i128::from(m % 10_000)
            };
            Decimal::try_from_i128_with_scale(m, scale).unwrap_or_default()
        })
    }

    proptest! {
        /// The equal-flags fast path orders like `Decimal::cmp`: signs, scales, zero, and
        /// magnitudes using all 96 bits.
        #[test]
        fn cmp_numbers_is_decimal_order(x in decimal(), y in decimal()) {
            prop_assert_eq!(cmp_numbers(&x, &y), x.cmp(&y));
            prop_assert_eq!(cmp_numbers(&x, &x), Ordering::Equal);
            prop_assert_eq!(cmp_numbers(&-x, &-y), (-x).cmp(&-y));
        }
    }
}
