//! Temporal arithmetic (DMN 1.5, 10.3.2.3 and the tables of 10.3.2.9).
//!
//! Every function returns `None` for a combination FEEL does not define or a result
//! outside the supported range; the evaluator turns that into `null` and a warning.

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;

use super::civil::{NANOS_PER_DAY, NANOS_PER_SEC};
use super::{Date, DateTime, DtDuration, Time, YmDuration, Zone};
use crate::value::Value;

/// `a + b` where at least one operand is temporal; `None` when the combination is invalid.
///
/// Date-time ± duration, date ± duration (a days-time duration moves through midnight and
/// keeps the date part), time ± days-time duration (wraps around midnight), and duration
/// + duration of the same kind. Either order.
pub fn add(a: &Value, b: &Value) -> Option<Value> {
    match (a, b) {
        (Value::YearsMonths(x), Value::YearsMonths(y)) => {
            Some(Value::YearsMonths(YmDuration(x.0.checked_add(y.0)?)))
        }
        (Value::DaysTime(x), Value::DaysTime(y)) => {
            Some(Value::DaysTime(DtDuration(x.0.checked_add(y.0)?)))
        }
        (Value::DateTime(dt), Value::YearsMonths(d))
        | (Value::YearsMonths(d), Value::DateTime(dt)) => {
            datetime_plus_months(dt, d.0).map(Value::DateTime)
        }
        (Value::DateTime(dt), Value::DaysTime(d)) | (Value::DaysTime(d), Value::DateTime(dt)) => {
            datetime_plus_nanos(dt, d.0).map(Value::DateTime)
        }
        (Value::Date(date), Value::YearsMonths(d)) | (Value::YearsMonths(d), Value::Date(date)) => {
            date.plus_months(d.0).map(Value::Date)
        }
        (Value::Date(date), Value::DaysTime(d)) | (Value::DaysTime(d), Value::Date(date)) => {
            date_plus_nanos(date, d.0).map(Value::Date)
        }
        (Value::Time(t), Value::DaysTime(d)) | (Value::DaysTime(d), Value::Time(t)) => {
            Some(Value::Time(time_plus_nanos(t, d.0)))
        }
        _ => None,
    }
}

/// `a - b` where at least one operand is temporal; `None` when the combination is invalid.
///
/// Besides subtracting durations: date-time − date-time, date − date and the mixed forms
/// (a date counts as midnight UTC) give a days-time duration, as does time − time. A local
/// value and one with a zone cannot be subtracted.
pub fn sub(a: &Value, b: &Value) -> Option<Value> {
    match (a, b) {
        (Value::YearsMonths(x), Value::YearsMonths(y)) => {
            Some(Value::YearsMonths(YmDuration(x.0.checked_sub(y.0)?)))
        }
        (Value::DaysTime(x), Value::DaysTime(y)) => {
            Some(Value::DaysTime(DtDuration(x.0.checked_sub(y.0)?)))
        }
        (Value::DateTime(dt), Value::YearsMonths(d)) => {
            datetime_plus_months(dt, d.0.checked_neg()?).map(Value::DateTime)
        }
        (Value::DateTime(dt), Value::DaysTime(d)) => {
            datetime_plus_nanos(dt, d.0.checked_neg()?).map(Value::DateTime)
        }
        (Value::Date(date), Value::YearsMonths(d)) => {
            date.plus_months(d.0.checked_neg()?).map(Value::Date)
        }
        (Value::Date(date), Value::DaysTime(d)) => {
            date_plus_nanos(date, d.0.checked_neg()?).map(Value::Date)
        }
        (Value::Time(t), Value::DaysTime(d)) => {
            Some(Value::Time(time_plus_nanos(t, d.0.checked_neg()?)))
        }
        (Value::Date(x), Value::Date(y)) => Some(Value::DaysTime(DtDuration(
            i128::from(x.days() - y.days()) * NANOS_PER_DAY,
        ))),
        (Value::DateTime(x), Value::DateTime(y)) => datetime_diff(x, y),
        (Value::DateTime(x), Value::Date(y)) => datetime_diff(x, &DateTime::from_date_utc(*y)),
        (Value::Date(x), Value::DateTime(y)) => datetime_diff(&DateTime::from_date_utc(*x), y),
        (Value::Time(x), Value::Time(y)) => time_diff(x, y),
        _ => None,
    }
}

/// `a * b` for a duration and a number (either order). The result is truncated toward
/// zero to whole months or nanoseconds.
pub fn mul(a: &Value, b: &Value) -> Option<Value> {
    match (a, b) {
        (Value::YearsMonths(d), Value::Number(n)) | (Value::Number(n), Value::YearsMonths(d)) => {
            scale_months(d.0, |m| m.checked_mul(*n))
        }
        (Value::DaysTime(d), Value::Number(n)) | (Value::Number(n), Value::DaysTime(d)) => {
            scale_nanos(d.0, |s| s.checked_mul(*n))
        }
        _ => None,
    }
}

/// `a / b` for a duration divided by a number or by a duration of the same kind. Division
/// by zero gives `None`.
pub fn div(a: &Value, b: &Value) -> Option<Value> {
    match (a, b) {
        (Value::YearsMonths(d), Value::Number(n)) => {
            if n.is_zero() {
                return None;
            }
            scale_months(d.0, |m| m.checked_div(*n))
        }
        (Value::DaysTime(d), Value::Number(n)) => {
            if n.is_zero() {
                return None;
            }
            scale_nanos(d.0, |s| s.checked_div(*n))
        }
        (Value::YearsMonths(x), Value::YearsMonths(y)) => {
            if y.0 == 0 {
                return None;
            }
            Decimal::from(x.0)
                .checked_div(Decimal::from(y.0))
                .map(|q| Value::Number(q.normalize()))
        }
        (Value::DaysTime(x), Value::DaysTime(y)) => {
            if y.0 == 0 {
                return None;
            }
            let x = Decimal::try_from_i128_with_scale(x.0, 9).ok()?;
            let y = Decimal::try_from_i128_with_scale(y.0, 9).ok()?;
            x.checked_div(y).map(|q| Value::Number(q.normalize()))
        }
        _ => None,
    }
}

/// Months scaled by a decimal operation, truncated toward zero.
fn scale_months(months: i64, op: impl Fn(Decimal) -> Option<Decimal>) -> Option<Value> {
    let r = op(Decimal::from(months))?;
    Some(Value::YearsMonths(YmDuration(r.trunc().to_i64()?)))
}

/// Nanoseconds scaled by a decimal operation on seconds, truncated toward zero.
fn scale_nanos(nanos: i128, op: impl Fn(Decimal) -> Option<Decimal>) -> Option<Value> {
    let secs = Decimal::try_from_i128_with_scale(nanos, 9).ok()?;
    let r = op(secs)?;
    let n = r
        .checked_mul(Decimal::from(1_000_000_000))?
        .trunc()
        .to_i128()?;
    Some(Value::DaysTime(DtDuration(n)))
}

/// A date-time moved by months: the local date changes (day clamped), the time stays.
fn datetime_plus_months(dt: &DateTime, months: i64) -> Option<DateTime> {
    DateTime::new(dt.date.plus_months(months)?, dt.nanos, dt.zone)
}

/// A date-time moved by nanoseconds: on the time line for a zone id, on the local
/// fields otherwise.
fn datetime_plus_nanos(dt: &DateTime, nanos: i128) -> Option<DateTime> {
    match dt.zone {
        Some(zone @ Zone::Id(_)) => DateTime::from_instant(dt.instant()?.checked_add(nanos)?, zone),
        zone => DateTime::from_local_nanos(dt.local_nanos().checked_add(nanos)?, zone),
    }
}

/// A date moved by nanoseconds from its midnight; the date part of the result.
fn date_plus_nanos(date: &Date, nanos: i128) -> Option<Date> {
    let local = i128::from(date.days()) * NANOS_PER_DAY;
    let days = local.checked_add(nanos)?.div_euclid(NANOS_PER_DAY);
    Date::from_days(i64::try_from(days).ok()?)
}

/// A time moved by nanoseconds, wrapping around midnight.
fn time_plus_nanos(t: &Time, nanos: i128) -> Time {
    let n = (i128::from(t.nanos) + nanos.rem_euclid(NANOS_PER_DAY)).rem_euclid(NANOS_PER_DAY);
    Time {
        nanos: u64::try_from(n).unwrap_or(0),
        zone: t.zone,
    }
}

/// `x - y` for date-times: both local, or both with a zone (compared as instants).
fn datetime_diff(x: &DateTime, y: &DateTime) -> Option<Value> {
    let nanos = match (x.zone, y.zone) {
        (None, None) => x.local_nanos() - y.local_nanos(),
        (Some(_), Some(_)) => x.instant()?.checked_sub(y.instant()?)?,
        _ => return None,
    };
    Some(Value::DaysTime(DtDuration(nanos)))
}

/// `x - y` for times: both local, or both with a zone (normalised to UTC).
fn time_diff(x: &Time, y: &Time) -> Option<Value> {
    let nanos = match (x.offset_secs(), y.offset_secs()) {
        (None, None) => i128::from(x.nanos) - i128::from(y.nanos),
        (Some(ox), Some(oy)) => {
            (i128::from(x.nanos) - i128::from(ox) * NANOS_PER_SEC)
                - (i128::from(y.nanos) - i128::from(oy) * NANOS_PER_SEC)
        }
        _ => return None,
    };
    Some(Value::DaysTime(DtDuration(nanos)))
}

#[cfg(test)]
mod tests {
    use super::super::parse_literal;
    use super::*;

    fn lit(s: &str) -> Value {
        parse_literal(s).unwrap_or_else(|| panic!("bad literal {s}"))
    }

    fn show(v: Option<Value>) -> String {
        v.map_or_else(|| "null".to_string(), |v| v.to_feel_string())
    }

    #[test]
    fn adds() {
        let a = |x: &str, y: &str| show(add(&lit(x), &lit(y)));
        assert_eq!(a("2021-01-01T10:10:10", "P1Y"), "2022-01-01T10:10:10");
        assert_eq!(
            a("-2021-01-01T10:10:10+11:00", "-P1M"),
            "-2022-12-01T10:10:10+11:00"
        );
        assert_eq!(
            a("P1DT1H", "2021-01-12T10:10:10@Australia/Melbourne"),
            "2021-01-13T11:10:10@Australia/Melbourne"
        );
        assert_eq!(a("2021-01-01T24:00:00", "PT1S"), "2021-01-02T00:00:01");
        assert_eq!(a("2021-01-01", "PT36H"), "2021-01-02");
        assert_eq!(
            a("10:15:00@Australia/Melbourne", "-P1D"),
            "10:15:00@Australia/Melbourne"
        );
        assert_eq!(a("10:15:00", "PT15H"), "01:15:00");
        assert_eq!(a("P1Y", "-P2M"), "P10M");
        assert_eq!(a("PT24H", "P1D"), "P2D");
        assert_eq!(a("2021-01-31", "P1M"), "2021-02-28");
        // Across the spring-forward gap in Paris: 24 hours later is 01:30 + 1 day + 1 hour.
        assert_eq!(
            a("2021-03-27T02:30:00@Europe/Paris", "PT24H"),
            "2021-03-28T03:30:00@Europe/Paris"
        );
        assert_eq!(a("P1Y", "P1D"), "null");
        assert_eq!(a("10:10:10", "P1Y"), "null");
        assert_eq!(a("2021-01-01", "2021-01-01"), "null");
        assert_eq!(a("999999999-12-31", "P1D"), "null");
    }

    #[test]
    fn subtracts() {
        let s = |x: &str, y: &str| show(sub(&lit(x), &lit(y)));
        assert_eq!(
            s(
                "2021-01-02T10:10:10@Europe/Paris",
                "2021-01-01T10:10:10@Asia/Dhaka"
            ),
            "P1DT5H"
        );
        assert_eq!(
            s("2021-01-02T10:10:10+01:00", "2021-01-01T10:10:10"),
            "null"
        );
        assert_eq!(s("2021-01-02T00:00:00Z", "2021-01-02"), "PT0S");
        assert_eq!(
            s("2021-01-02T10:10:10@Europe/Paris", "1995-01-01"),
            "P9498DT9H10M10S"
        );
        assert_eq!(
            s("2021-01-02", "2021-01-01T10:10:10@Australia/Melbourne"),
            "P1DT49M50S"
        );
        assert_eq!(s("2021-01-01T00:00:00", "2021-01-02"), "null");
        assert_eq!(s("2021-01-02", "1995-01-01"), "P9498D");
        assert_eq!(s("2021-01-02", "PT25H"), "2020-12-31");
        assert_eq!(s("2021-01-02", "-PT1S"), "2021-01-02");
        assert_eq!(s("10:10:10", "11:10:10"), "-PT1H");
        assert_eq!(
            s(
                "10:10:10@Australia/Melbourne",
                "09:10:10@Australia/Melbourne"
            ),
            "PT1H"
        );
        assert_eq!(s("10:10:10", "10:10:10Z"), "null");
        assert_eq!(s("-P1D", "-PT2H"), "-PT22H");
        assert_eq!(s("P1D", "2021-01-01"), "null");
    }

    #[test]
    fn scales() {
        let n = |s: &str| Value::Number(s.parse().unwrap());
        assert_eq!(show(mul(&n("2.5"), &lit("PT23H"))), "P2DT9H30M");
        assert_eq!(show(mul(&lit("P1Y11M"), &n("-2.5"))), "-P4Y9M");
        assert_eq!(show(div(&lit("P10Y11M"), &n("2.5"))), "P4Y4M");
        assert_eq!(show(div(&lit("P10DT23H"), &n("2.5"))), "P4DT9H12M");
        assert_eq!(show(div(&lit("P10D"), &n("0"))), "null");
        assert_eq!(show(div(&lit("P10Y"), &lit("P5Y"))), "2");
        assert_eq!(show(div(&lit("P1D"), &lit("PT16H"))), "1.5");
        assert_eq!(show(div(&lit("P10D"), &lit("P0D"))), "null");
        assert_eq!(show(div(&lit("P1D"), &lit("P1Y"))), "null");
        assert_eq!(show(mul(&lit("2021-01-01"), &n("10"))), "null");
    }
}

#[cfg(test)]
mod props {
    use super::*;
    use proptest::prelude::*;

    fn datetime(days: i64, nanos: u64, zone: Option<Zone>) -> Value {
        Value::DateTime(DateTime {
            date: Date::from_days(days).unwrap(),
            nanos,
            zone,
        })
    }

    proptest! {
        #[test]
        fn subtraction_inverts_addition(
            a in -1_000_000i64..1_000_000,
            b in -1_000_000i64..1_000_000,
            na in 0u64..86_400_000_000_000,
            nb in 0u64..86_400_000_000_000,
            oa in -50_400i32..50_400,
            ob in -50_400i32..50_400,
        ) {
            let x = datetime(a, na, Some(Zone::Offset(oa)));
            let y = datetime(b, nb, Some(Zone::Offset(ob)));
            let diff = sub(&x, &y).unwrap();
            let back = add(&y, &diff).unwrap();
            prop_assert_eq!(super::super::equal(&back, &x), Some(true));
            let local = datetime(a, na, None);
            let d = Value::DaysTime(DtDuration(i128::from(nb) * 1_000 - 5));
            prop_assert_eq!(sub(&add(&local, &d).unwrap(), &d), Some(local));
        }

        #[test]
        fn months_move_dates(days in -1_000_000i64..1_000_000, months in -5_000i64..5_000) {
            let date = Date::from_days(days).unwrap();
            let moved = date.plus_months(months).unwrap();
            prop_assert_eq!(moved.month_index() - date.month_index(), months);
            prop_assert!(moved.day <= date.day);
        }
    }
}
