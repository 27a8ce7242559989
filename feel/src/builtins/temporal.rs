//! Built-ins: temporal family (`now`, `today`, `day of year`, `day of week`,
//! `month of year`, `week of year`, and Camunda's `last day of month`).
//!
//! The calendar functions accept a date or a date-time (its date part).

use super::Row;
use crate::eval::State;
use crate::value::{Date, Value};

/// The temporal functions.
pub(super) const TABLE: &[Row] = &[
    ("now", &[], now),
    ("today", &[], today),
    ("day of year", &["date"], day_of_year),
    ("day of week", &["date"], day_of_week),
    ("month of year", &["date"], month_of_year),
    ("week of year", &["date"], week_of_year),
    ("last day of month", &["date"], last_day_of_month),
];

const WEEKDAYS: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// `now()`: the engine clock's current date-time.
fn now(state: &mut State<'_>, _args: &[Value]) -> Value {
    Value::DateTime(state.now())
}

/// `today()`: the date of the engine clock's current date-time (in the clock's zone).
fn today(state: &mut State<'_>, _args: &[Value]) -> Value {
    Value::Date(state.now().date)
}

/// Apply `f` to the single date (or date-time's date) argument.
fn with_date(state: &mut State<'_>, args: &[Value], f: impl Fn(Date) -> Value) -> Value {
    match args {
        [Value::Date(d)] => f(*d),
        [Value::DateTime(dt)] => f(dt.date),
        _ => state.illegal_args(args),
    }
}

/// `day of year(date)`: 1–366.
fn day_of_year(state: &mut State<'_>, args: &[Value]) -> Value {
    with_date(state, args, |d| Value::from(i32::from(d.day_of_year())))
}

/// `day of week(date)`: `"Monday"` … `"Sunday"`.
fn day_of_week(state: &mut State<'_>, args: &[Value]) -> Value {
    with_date(state, args, |d| {
        WEEKDAYS
            .get(usize::from(d.weekday()).saturating_sub(1))
            .map_or(Value::Null, |s| Value::from(*s))
    })
}

/// `month of year(date)`: `"January"` … `"December"`.
fn month_of_year(state: &mut State<'_>, args: &[Value]) -> Value {
    with_date(state, args, |d| {
        MONTHS
            .get(usize::from(d.month).saturating_sub(1))
            .map_or(Value::Null, |s| Value::from(*s))
    })
}

/// `week of year(date)`: the ISO-8601 week number.
fn week_of_year(state: &mut State<'_>, args: &[Value]) -> Value {
    with_date(state, args, |d| Value::from(i32::from(d.iso_week())))
}

/// `last day of month(date)` (Camunda extension): the month's last date.
fn last_day_of_month(state: &mut State<'_>, args: &[Value]) -> Value {
    with_date(state, args, |d| Value::Date(d.last_day_of_month()))
}

#[cfg(test)]
mod tests {
    use crate::{Context, Date, DateTime, Engine, Value, Zone};

    fn eval(engine: &Engine, text: &str) -> Value {
        engine
            .evaluate(text, &Context::new())
            .map(|e| e.value)
            .unwrap_or_else(|e| panic!("{text}: {e}"))
    }

    #[test]
    fn clock_functions_read_the_engine_clock() {
        let mut engine = Engine::new();
        engine.set_clock(|| DateTime {
            date: Date {
                year: 2024,
                month: 2,
                day: 29,
            },
            nanos: 23 * 3_600_000_000_000,
            zone: Some(Zone::Offset(3600)),
        });
        assert_eq!(
            eval(&engine, "string(now())"),
            Value::from("2024-02-29T23:00:00+01:00")
        );
        assert_eq!(eval(&engine, "string(today())"), Value::from("2024-02-29"));
        assert_eq!(eval(&engine, "now(1)"), Value::Null);
    }

    #[test]
    fn calendar_functions() {
        let e = Engine::new();
        assert_eq!(eval(&e, "day of year(@\"2020-12-31\")"), Value::from(366));
        assert_eq!(
            eval(&e, "day of week(date: @\"2019-09-17T10:10:10\")"),
            Value::from("Tuesday")
        );
        assert_eq!(
            eval(&e, "month of year(@\"2019-09-17\")"),
            Value::from("September")
        );
        assert_eq!(eval(&e, "week of year(@\"2010-01-01\")"), Value::from(53));
        assert_eq!(
            eval(&e, "last day of month(@\"2020-02-03\") = @\"2020-02-29\""),
            Value::Bool(true)
        );
        assert_eq!(eval(&e, "day of year(\"foo\")"), Value::Null);
        assert_eq!(
            eval(&e, "week of year(value: @\"1970-01-01\")"),
            Value::Null
        );
    }
}
