//! FEEL equality, ordering and properties of temporal values.
//!
//! Dates compare by calendar; date-times and times compare as instants when both have a
//! zone or offset and by their local fields when neither has one; a local and a zoned value
//! are not comparable. A date meets a date-time as midnight UTC. `=` on times and date-times
//! works to the second, as the DMN TCK (0068-feel-equality) expects.

use std::cmp::Ordering;

use rust_decimal::Decimal;

use super::civil::{NANOS_PER_DAY, NANOS_PER_SEC};
use super::{DateTime, DtDuration, Time};
use crate::value::Value;

/// The key two date-times are ordered by: instants if both have zones, local time if
/// neither has; `None` when one is local and the other is not.
fn datetime_keys(x: &DateTime, y: &DateTime) -> Option<(i128, i128)> {
    match (x.zone, y.zone) {
        (None, None) => Some((x.local_nanos(), y.local_nanos())),
        (Some(_), Some(_)) => Some((x.instant()?, y.instant()?)),
        _ => None,
    }
}

/// The key two times are ordered by: UTC-normalised when both have zones (zone ids use
/// their standard offset), local otherwise; `None` for local against zoned.
fn time_keys(x: &Time, y: &Time) -> Option<(i128, i128)> {
    match (x.offset_secs(), y.offset_secs()) {
        (None, None) => Some((i128::from(x.nanos), i128::from(y.nanos))),
        (Some(ox), Some(oy)) => Some((
            i128::from(x.nanos) - i128::from(ox) * NANOS_PER_SEC,
            i128::from(y.nanos) - i128::from(oy) * NANOS_PER_SEC,
        )),
        _ => None,
    }
}

/// Both values as date-times (a date is midnight UTC), if they are date or date-time.
fn as_datetimes(a: &Value, b: &Value) -> Option<(DateTime, DateTime)> {
    let one = |v: &Value| match v {
        Value::DateTime(dt) => Some(*dt),
        Value::Date(d) => Some(DateTime::from_date_utc(*d)),
        _ => None,
    };
    Some((one(a)?, one(b)?))
}

/// FEEL equality of two temporal values of the same kind; `None` when not comparable.
pub fn equal(a: &Value, b: &Value) -> Option<bool> {
    let whole = |(x, y): (i128, i128)| x.div_euclid(NANOS_PER_SEC) == y.div_euclid(NANOS_PER_SEC);
    match (a, b) {
        (Value::Date(x), Value::Date(y)) => Some(x == y),
        (Value::Time(x), Value::Time(y)) => time_keys(x, y).map(whole),
        (Value::YearsMonths(x), Value::YearsMonths(y)) => Some(x == y),
        (Value::DaysTime(x), Value::DaysTime(y)) => Some(x == y),
        _ => {
            let (x, y) = as_datetimes(a, b)?;
            datetime_keys(&x, &y).map(whole)
        }
    }
}

/// FEEL ordering of two temporal values of the same kind; `None` when not comparable.
pub fn compare(a: &Value, b: &Value) -> Option<Ordering> {
    let cmp = |(x, y): (i128, i128)| x.cmp(&y);
    match (a, b) {
        (Value::Date(x), Value::Date(y)) => Some(x.cmp(y)),
        (Value::Time(x), Value::Time(y)) => time_keys(x, y).map(cmp),
        (Value::YearsMonths(x), Value::YearsMonths(y)) => Some(x.cmp(y)),
        (Value::DaysTime(x), Value::DaysTime(y)) => Some(x.cmp(y)),
        _ => {
            let (x, y) = as_datetimes(a, b)?;
            datetime_keys(&x, &y).map(cmp)
        }
    }
}

const DATE_PROPS: &[&str] = &["year", "month", "day", "weekday"];
const DATETIME_PROPS: &[&str] = &[
    "year",
    "month",
    "day",
    "weekday",
    "hour",
    "minute",
    "second",
    "time offset",
    "timezone",
];
const TIME_PROPS: &[&str] = &["hour", "minute", "second", "time offset", "timezone"];
const DT_PROPS: &[&str] = &["days", "hours", "minutes", "seconds"];
const YM_PROPS: &[&str] = &["years", "months"];

/// Names of the properties a temporal value has (for messages).
pub fn property_names(v: &Value) -> &'static [&'static str] {
    match v {
        Value::Date(_) => DATE_PROPS,
        Value::DateTime(_) => DATETIME_PROPS,
        Value::Time(_) => TIME_PROPS,
        Value::DaysTime(_) => DT_PROPS,
        Value::YearsMonths(_) => YM_PROPS,
        _ => &[],
    }
}

fn num(n: impl Into<Decimal>) -> Value {
    Value::Number(n.into())
}

/// An offset in seconds as a days-time duration value.
fn offset_value(secs: Option<i32>) -> Value {
    secs.map_or(Value::Null, |s| {
        Value::DaysTime(DtDuration(i128::from(s) * NANOS_PER_SEC))
    })
}

/// A property of a temporal value (`year`, `month`, `time offset`, `days`, …).
///
/// `time offset` is a days-time duration (or `null` for a local value) and `timezone` the
/// zone id (or `null` when there is none: a local value or a fixed offset). `second` is the
/// whole seconds. Duration properties are the normalised parts, signed like the duration.
pub fn property(v: &Value, name: &str) -> Option<Value> {
    match v {
        Value::Date(d) => match name {
            "year" => Some(num(d.year)),
            "month" => Some(num(d.month)),
            "day" => Some(num(d.day)),
            "weekday" => Some(num(d.weekday())),
            _ => None,
        },
        Value::DateTime(dt) => {
            let (h, m, s, _) = dt.time_fields();
            match name {
                "year" => Some(num(dt.date.year)),
                "month" => Some(num(dt.date.month)),
                "day" => Some(num(dt.date.day)),
                "weekday" => Some(num(dt.date.weekday())),
                "hour" => Some(num(h)),
                "minute" => Some(num(m)),
                "second" => Some(num(s)),
                "time offset" => Some(offset_value(dt.offset_secs())),
                "timezone" => Some(
                    dt.zone
                        .and_then(|z| z.id())
                        .map_or(Value::Null, Value::from),
                ),
                _ => None,
            }
        }
        Value::Time(t) => {
            let (h, m, s, _) = t.fields();
            match name {
                "hour" => Some(num(h)),
                "minute" => Some(num(m)),
                "second" => Some(num(s)),
                "time offset" => Some(offset_value(t.offset_secs())),
                "timezone" => Some(t.zone.and_then(|z| z.id()).map_or(Value::Null, Value::from)),
                _ => None,
            }
        }
        Value::DaysTime(d) => {
            let secs = d.0 / NANOS_PER_SEC;
            let part = |x: i128| i64::try_from(x).ok().map(num);
            match name {
                "days" => part(d.0 / NANOS_PER_DAY),
                "hours" => part((secs / 3600) % 24),
                "minutes" => part((secs / 60) % 60),
                "seconds" => part(secs % 60),
                _ => None,
            }
        }
        Value::YearsMonths(d) => match name {
            "years" => Some(num(d.0 / 12)),
            "months" => Some(num(d.0 % 12)),
            _ => None,
        },
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::super::parse_literal;
    use super::*;

    fn lit(s: &str) -> Value {
        parse_literal(s).unwrap_or_else(|| panic!("bad literal {s}"))
    }

    #[test]
    fn equality() {
        let e = |x: &str, y: &str| equal(&lit(x), &lit(y));
        assert_eq!(
            e(
                "2018-10-08T00:00:00+02:00",
                "2018-10-08T00:00:00@Europe/Paris"
            ),
            Some(true)
        );
        assert_eq!(
            e(
                "2018-12-08T00:00:00@Europe/Paris",
                "2018-12-08T00:00:00@Asia/Dhaka"
            ),
            Some(false)
        );
        assert_eq!(
            e("2002-04-02T23:00:00-04:00", "2002-04-03T02:00:00-01:00"),
            Some(true)
        );
        assert_eq!(
            e("2018-12-08T00:00:00.0001", "2018-12-08T00:00:00"),
            Some(true)
        );
        assert_eq!(e("10:30:00.0001", "10:30:00.0002"), Some(true));
        assert_eq!(e("10:30:01", "10:30:00"), Some(false));
        assert_eq!(e("10:30:00Z", "10:30:00+00:00"), Some(true));
        assert_eq!(e("10:30:00", "10:30:00Z"), None);
        assert_eq!(e("2018-12-08T00:00:00", "2018-12-08T00:00:00Z"), None);
        assert_eq!(e("2021-01-02", "2021-01-02T00:00:00Z"), Some(true));
        assert_eq!(e("P1D", "PT24H"), Some(true));
        assert_eq!(e("P1Y", "P12M"), Some(true));
        assert_eq!(e("P1Y", "P365D"), None);
    }

    #[test]
    fn ordering() {
        let c = |x: &str, y: &str| compare(&lit(x), &lit(y));
        assert_eq!(c("2018-12-01", "2018-12-02"), Some(Ordering::Less));
        assert_eq!(c("-2018-12-01", "1018-12-02"), Some(Ordering::Less));
        assert_eq!(
            c("2020-01-01T10:00:00+01:00", "2020-01-01T09:30:00Z"),
            Some(Ordering::Less)
        );
        assert_eq!(c("10:30:00.5", "10:30:00.7"), Some(Ordering::Less));
        assert_eq!(c("P1Y", "P2Y"), Some(Ordering::Less));
        assert_eq!(c("P2D", "PT47H"), Some(Ordering::Greater));
        assert_eq!(c("P2D", "P1Y"), None);
    }

    #[test]
    fn properties() {
        let p = |x: &str, n: &str| property(&lit(x), n).map(|v| v.to_feel_string());
        assert_eq!(p("2018-12-10", "weekday").as_deref(), Some("1"));
        assert_eq!(p("2018-12-10T10:30:01", "second").as_deref(), Some("1"));
        assert_eq!(
            p("2018-12-10T10:30:00+05:00", "time offset").as_deref(),
            Some("PT5H")
        );
        assert_eq!(
            p("2018-07-10T10:30:00@Europe/Paris", "time offset").as_deref(),
            Some("PT2H")
        );
        assert_eq!(
            p("2018-12-10T10:30:00", "time offset").as_deref(),
            Some("null")
        );
        assert_eq!(
            p("2018-12-10T10:30:00@Etc/UTC", "timezone").as_deref(),
            Some("Etc/UTC")
        );
        assert_eq!(p("10:30:00+05:00", "timezone").as_deref(), Some("null"));
        assert_eq!(p("P1Y2M", "years").as_deref(), Some("1"));
        assert_eq!(p("-P1Y2M", "months").as_deref(), Some("-2"));
        assert_eq!(p("P1DT2H3M4.5S", "seconds").as_deref(), Some("4"));
        assert_eq!(p("PT49H", "days").as_deref(), Some("2"));
        assert_eq!(p("P1Y", "days"), None);
        assert_eq!(property_names(&lit("P1D")), DT_PROPS);
    }
}
