//! Built-in functions: conversion family (`date`, `time`, `date and time`, `duration`,
//! `years and months duration`, `number`, `string`, and Camunda's `from json` / `to json`).
//!
//! Wrong argument types give `null` and an "Illegal arguments" warning; text that does not
//! parse gives `null` and a warning naming the text.

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;

use super::Row;
use crate::eval::State;
use crate::value::temporal::parse_duration;
use crate::value::{Date, DateTime, DtDuration, Time, Value, YmDuration, Zone};

/// The conversion functions.
pub(super) const TABLE: &[Row] = &[
    ("date", &["from"], date_from),
    ("date", &["year", "month", "day"], date_ymd),
    ("date and time", &["from"], date_time_from),
    ("date and time", &["date", "time"], date_time_combine),
    ("time", &["from"], time_from),
    ("time", &["hour", "minute", "second"], time_hms),
    ("time", &["hour", "minute", "second", "offset"], time_hms),
    ("duration", &["from"], duration_from),
    ("years and months duration", &["from", "to"], ym_between),
    ("number", &["from"], number_from),
    ("number", &["from", "grouping separator"], number_from),
    (
        "number",
        &["from", "grouping separator", "decimal separator"],
        number_from,
    ),
    ("string", &["from"], string_from),
    ("from json", &["json"], from_json),
    ("to json", &["value"], to_json),
];

/// A number argument as an integer (fractions truncated, as Camunda's `intValue`).
fn int(v: &Value) -> Option<i64> {
    v.as_number().and_then(|n| n.trunc().to_i64())
}

/// `date(from)`: a date from an ISO string, a date or the date part of a date-time.
fn date_from(state: &mut State<'_>, args: &[Value]) -> Value {
    match args {
        [Value::String(s)] => match Date::parse(s) {
            Some(d) => Value::Date(d),
            None => state.fail_call(format!("Failed to parse date from '{s}'")),
        },
        [Value::Date(d)] => Value::Date(*d),
        [Value::DateTime(dt)] => Value::Date(dt.date),
        _ => state.illegal_args(args),
    }
}

/// `date(year, month, day)`.
fn date_ymd(state: &mut State<'_>, args: &[Value]) -> Value {
    let [y, m, d] = args else {
        return state.illegal_args(args);
    };
    match (int(y), int(m), int(d)) {
        (Some(y), Some(m), Some(d)) => match Date::new(y, m, d) {
            Some(date) => Value::Date(date),
            None => state.fail_call(format!("Invalid date: year {y}, month {m}, day {d}")),
        },
        _ => state.illegal_args(args),
    }
}

/// `date and time(from)`: from an ISO string (a date alone is local midnight), a date-time,
/// or a date (local midnight).
fn date_time_from(state: &mut State<'_>, args: &[Value]) -> Value {
    match args {
        [Value::String(s)] => match DateTime::parse(s) {
            Some(dt) => Value::DateTime(dt),
            None => state.fail_call(format!("Failed to parse date and time from '{s}'")),
        },
        [Value::DateTime(dt)] => Value::DateTime(*dt),
        [Value::Date(d)] => Value::DateTime(DateTime {
            date: *d,
            nanos: 0,
            zone: None,
        }),
        _ => state.illegal_args(args),
    }
}

/// A zone from a zone id (`Europe/Berlin`) or an offset (`Z`, `+01:00`).
fn zone_from_text(text: &str) -> Option<Zone> {
    Zone::from_id(text).or_else(|| {
        if text.starts_with(['+', '-', 'Z']) {
            Time::parse(&format!("00:00:00{text}")).and_then(|t| t.zone)
        } else {
            None
        }
    })
}

/// `date and time(date, time)`: the date part of a date or date-time combined with a time.
/// Camunda extension: `date and time(date-time, zone id)` moves a zoned value into the zone
/// (same instant) and tags a local one with it.
fn date_time_combine(state: &mut State<'_>, args: &[Value]) -> Value {
    let date = match args.first() {
        Some(Value::Date(d)) => Some(*d),
        Some(Value::DateTime(dt)) => Some(dt.date),
        _ => None,
    };
    match (args.first(), args.get(1), date) {
        (_, Some(Value::Time(t)), Some(date)) => DateTime::new(date, t.nanos, t.zone)
            .map_or_else(|| state.illegal_args(args), Value::DateTime),
        (Some(Value::DateTime(dt)), Some(Value::String(zone)), _) => {
            let Some(zone) = zone_from_text(zone) else {
                return state.fail_call_or_throw(format!("Unknown time zone '{zone}'"));
            };
            let moved = match dt.instant() {
                Some(instant) => DateTime::from_instant(instant, zone),
                None => DateTime::new(dt.date, dt.nanos, Some(zone)),
            };
            moved.map_or_else(|| state.illegal_args(args), Value::DateTime)
        }
        _ => state.illegal_args(args),
    }
}

/// `time(from)`: from an ISO string, a time, the time of a date-time, or a date (midnight
/// UTC).
fn time_from(state: &mut State<'_>, args: &[Value]) -> Value {
    match args {
        [Value::String(s)] if state.dialect().is_camunda() => {
            match crate::value::temporal::parse_camunda_time(s) {
                Some(t) => Value::Time(t),
                None => state.fail_call(format!("Failed to parse time from '{s}'")),
            }
        }
        [Value::String(s)] => match Time::parse(s) {
            Some(t) => Value::Time(t),
            None => state.fail_call(format!("Failed to parse time from '{s}'")),
        },
        [Value::Time(t)] => Value::Time(*t),
        [Value::DateTime(dt)] => Value::Time(dt.time()),
        [Value::Date(_)] => Value::Time(Time {
            nanos: 0,
            zone: Some(Zone::Offset(0)),
        }),
        _ => state.illegal_args(args),
    }
}

/// `time(hour, minute, second)` and `time(hour, minute, second, offset)`; `second` may
/// have a fraction, `offset` is a days-time duration (or `null` for a local time).
fn time_hms(state: &mut State<'_>, args: &[Value]) -> Value {
    let (h, m, s, offset) = match args {
        [h, m, s] => (h, m, s, &Value::Null),
        [h, m, s, o] => (h, m, s, o),
        _ => return state.illegal_args(args),
    };
    let zone = match offset {
        Value::Null => None,
        Value::DaysTime(DtDuration(nanos)) => {
            let secs = nanos / 1_000_000_000;
            match i32::try_from(secs) {
                Ok(secs) if nanos % 1_000_000_000 == 0 && secs.abs() <= 18 * 3600 => {
                    Some(Zone::Offset(secs))
                }
                _ => return state.fail_call(format!("Invalid time offset '{offset}'")),
            }
        }
        _ => return state.illegal_args(args),
    };
    let (Some(h), Some(m), Some(s)) = (int(h), int(m), s.as_number()) else {
        return state.illegal_args(args);
    };
    let whole = s.trunc();
    let nano = ((s - whole) * Decimal::from(1_000_000_000))
        .trunc()
        .to_u32();
    let time = match (u32::try_from(h), u32::try_from(m), whole.to_u32(), nano) {
        (Ok(h), Ok(m), Some(sec), Some(nano)) => Time::new(h, m, sec, nano, zone),
        _ => None,
    };
    time.map_or_else(
        || state.fail_call(format!("Invalid time: hour {h}, minute {m}, second {s}")),
        Value::Time,
    )
}

/// `duration(from)`: a years-months or days-time duration from its ISO text.
fn duration_from(state: &mut State<'_>, args: &[Value]) -> Value {
    match args {
        [Value::String(s)] => parse_duration(s)
            .unwrap_or_else(|| state.fail_call(format!("Failed to parse duration from '{s}'"))),
        [v @ (Value::YearsMonths(_) | Value::DaysTime(_))] => v.clone(),
        _ => state.illegal_args(args),
    }
}

/// `years and months duration(from, to)`: whole months between the date parts.
fn ym_between(state: &mut State<'_>, args: &[Value]) -> Value {
    let date = |v: &Value| match v {
        Value::Date(d) => Some(*d),
        Value::DateTime(dt) => Some(dt.date),
        _ => None,
    };
    match args {
        [from, to] => match (date(from), date(to)) {
            (Some(from), Some(to)) => Value::YearsMonths(YmDuration::between(from, to)),
            _ => state.illegal_args(args),
        },
        _ => state.illegal_args(args),
    }
}

/// `number(from, grouping separator?, decimal separator?)`.
///
/// The grouping separator may be a space, comma or period, the decimal separator a comma
/// or period; they must differ. Either may be `null`.
fn number_from(state: &mut State<'_>, args: &[Value]) -> Value {
    let Some(Value::String(text)) = args.first() else {
        return state.illegal_args(args);
    };
    let sep = |i: usize, allowed: &[&str]| match args.get(i) {
        None | Some(Value::Null) => Some(None),
        Some(Value::String(s)) if allowed.contains(&s.as_ref()) => Some(Some(s.clone())),
        Some(_) => None,
    };
    let (Some(grouping), Some(decimal)) = (sep(1, &[" ", ",", "."]), sep(2, &[",", "."])) else {
        return state.illegal_args(args);
    };
    if grouping.is_some() && grouping == decimal {
        return state.illegal_args(args);
    }
    let mut t = text.to_string();
    if let Some(g) = grouping {
        t = t.replace(g.as_str(), "");
    }
    if let Some(d) = decimal {
        t = t.replace(d.as_str(), ".");
    }
    match crate::value::number::parse_decimal(&t) {
        Some(n) if !t.trim().is_empty() && t.trim() == t => Value::Number(n),
        _ => state.fail_call(format!("Can't parse '{text}' as a number")),
    }
}

/// `string(from)`: the text of a value (`null` stays `null`).
fn string_from(state: &mut State<'_>, args: &[Value]) -> Value {
    match args {
        [Value::Null] => Value::Null,
        [Value::String(s)] => Value::String(s.clone()),
        [Value::Number(n)] => {
            // inline unless longer than 23 characters; writing to the builder cannot fail
            let mut out = smol_str::SmolStrBuilder::new();
            if state.dialect().is_camunda() {
                // Camunda keeps the number's scale (BigDecimal.toString): 1.10 stays 1.10
                let _ = crate::value::number::write_with_scale(&mut out, n);
            } else {
                let _ = crate::value::number::write_decimal(&mut out, n);
            }
            Value::String(out.finish())
        }
        [v] => Value::String(v.to_feel_string_in(state.dialect()).into()),
        _ => state.illegal_args(args),
    }
}

/// `from json(json)` (Camunda extension): parse JSON text into a value.
fn from_json(state: &mut State<'_>, args: &[Value]) -> Value {
    match args {
        [Value::String(s)] => match serde_json::from_str::<serde_json::Value>(s) {
            Ok(json) => Value::from_json(&json),
            Err(e) => state.fail_call(format!("Failed to parse JSON from '{s}': {e}")),
        },
        _ => state.illegal_args(args),
    }
}

/// `to json(value)` (Camunda extension): the JSON text of a value. Temporal values are
/// written as `java.time` writes them, as Camunda does: a zoned date-time as
/// `2021-09-08T10:30:00+02:00[Europe/Berlin]`, a time with its offset, durations as
/// `PT51H` / `P1Y2M`.
fn to_json(state: &mut State<'_>, args: &[Value]) -> Value {
    match args {
        [v] => match serde_json::to_string(&json_of(v)) {
            Ok(s) => Value::String(s.into()),
            Err(e) => state.fail_call(e),
        },
        _ => state.illegal_args(args),
    }
}

/// JSON for a value, with `java.time` text for temporal leaves.
fn json_of(v: &Value) -> serde_json::Value {
    let text = |s: String| serde_json::Value::String(s);
    match v {
        Value::List(items) => serde_json::Value::Array(items.iter().map(json_of).collect()),
        Value::Context(ctx) => serde_json::Value::Object(
            ctx.iter()
                .map(|(k, v)| (k.to_string(), json_of(v)))
                .collect(),
        ),
        Value::DateTime(dt) => text(java_date_time(dt)),
        Value::Time(t) => text(java_time(t)),
        Value::DaysTime(d) => text(java_duration(d.0)),
        Value::YearsMonths(d) => text(java_period(d.0)),
        other => other.to_json(),
    }
}

/// `ISO_ZONED_DATE_TIME`-style text: offset, then `[zone]` for a zone id.
fn java_date_time(dt: &DateTime) -> String {
    let local = DateTime { zone: None, ..*dt }.to_string();
    match (dt.zone, dt.offset_secs()) {
        (Some(Zone::Id(tz)), Some(secs)) => format!("{local}{}[{}]", offset_text(secs), tz.name()),
        (Some(_), Some(secs)) => format!("{local}{}", offset_text(secs)),
        _ => local,
    }
}

/// A time with its offset (a zone id's standard offset).
fn java_time(t: &Time) -> String {
    let local = Time { zone: None, ..*t }.to_string();
    match t.offset_secs() {
        Some(secs) => format!("{local}{}", offset_text(secs)),
        None => local,
    }
}

/// `Z` or `±HH:MM(:SS)`.
fn offset_text(secs: i32) -> String {
    Time {
        nanos: 0,
        zone: Some(Zone::Offset(secs)),
    }
    .to_string()
    .split_off(8)
}

/// `java.time.Duration::toString`: hours, minutes, seconds; each part carries the sign.
fn java_duration(nanos: i128) -> String {
    if nanos == 0 {
        return "PT0S".into();
    }
    let sign = if nanos < 0 { "-" } else { "" };
    let t = nanos.unsigned_abs();
    let secs = t / 1_000_000_000;
    let frac = t % 1_000_000_000;
    let mut out = String::from("PT");
    if secs / 3600 > 0 {
        out.push_str(&format!("{sign}{}H", secs / 3600));
    }
    if !(secs / 60).is_multiple_of(60) {
        out.push_str(&format!("{sign}{}M", (secs / 60) % 60));
    }
    if !secs.is_multiple_of(60) || frac > 0 {
        out.push_str(&format!("{sign}{}", secs % 60));
        if frac > 0 {
            let digits = format!("{frac:09}");
            out.push('.');
            out.push_str(digits.trim_end_matches('0'));
        }
        out.push('S');
    }
    out
}

/// `java.time.Period::toString` of a normalised period: `P1Y2M`, `P-1Y-2M`, zero `P0D`.
fn java_period(months: i64) -> String {
    if months == 0 {
        return "P0D".into();
    }
    let (y, m) = (months / 12, months % 12);
    let mut out = String::from("P");
    if y != 0 {
        out.push_str(&format!("{y}Y"));
    }
    if m != 0 {
        out.push_str(&format!("{m}M"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::temporal::parse_literal;

    #[test]
    fn java_texts() {
        assert_eq!(java_duration(51 * 3600 * 1_000_000_000), "PT51H");
        assert_eq!(java_duration(-62 * 60 * 1_000_000_000), "PT-1H-2M");
        assert_eq!(java_duration(-500_000_000), "PT-0.5S");
        assert_eq!(java_period(-14), "P-1Y-2M");
        assert_eq!(java_period(0), "P0D");
        let Some(Value::DateTime(dt)) = parse_literal("2021-09-08T10:30:00@Europe/Berlin") else {
            panic!("literal");
        };
        assert_eq!(
            java_date_time(&dt),
            "2021-09-08T10:30:00+02:00[Europe/Berlin]"
        );
        let Some(Value::Time(t)) = parse_literal("10:30:00@Europe/Berlin") else {
            panic!("literal");
        };
        assert_eq!(java_time(&t), "10:30:00+01:00");
        assert_eq!(offset_text(0), "Z");
        assert_eq!(offset_text(-5400), "-01:30");
    }

    #[test]
    fn zones_from_text() {
        assert_eq!(zone_from_text("Z"), Some(Zone::Offset(0)));
        assert_eq!(zone_from_text("+01:00"), Some(Zone::Offset(3600)));
        assert!(zone_from_text("Europe/Berlin").is_some());
        assert_eq!(zone_from_text("Mars/Olympus"), None);
    }
}

#[cfg(test)]
mod engine_tests {
    use crate::{Context, Engine, Value};

    /// Evaluate and return the value's text and the number of warnings.
    fn eval(text: &str) -> (String, usize) {
        let out = Engine::new()
            .evaluate(text, &Context::new())
            .unwrap_or_else(|e| panic!("{text}: {e}"));
        (out.value.to_string(), out.warnings.len())
    }

    #[test]
    fn named_parameters() {
        assert_eq!(
            eval("date(year: 2017, month: 8, day: 30)").0,
            "@\"2017-08-30\""
        );
        assert_eq!(eval("date(from: \"2012-12-25\")").0, "@\"2012-12-25\"");
        assert_eq!(
            eval("time(hour: 11, minute: 59, second: 0, offset: duration(\"-PT2H\"))").0,
            "@\"11:59:00-02:00\""
        );
        assert_eq!(
            eval("date and time(date: date(\"2017-01-01\"), time: time(\"23:59:01\"))").0,
            "@\"2017-01-01T23:59:01\""
        );
        assert_eq!(
            eval("years and months duration(from: @\"2016-12-31T00:00:01\", to: @\"2017-12-31T23:59:59\")").0,
            "@\"P1Y\""
        );
        assert_eq!(
            eval("number(from: \"1.000.000,01\", decimal separator: \",\", grouping separator: \".\")").0,
            "1000000.01"
        );
        assert_eq!(eval("string(from: @\"P25M\")").0, "\"P2Y1M\"");
        assert_eq!(eval("from json(json: \"[1]\")").0, "[1]");
        assert_eq!(eval("to json(value: [1, \"a\"])").0, "\"[1,\\\"a\\\"]\"");
    }

    #[test]
    fn failures_are_null_with_a_warning() {
        for text in [
            "date(\"2017-13-10\")",
            "date([])",
            "date(2017, 2, 29)",
            "time(\"24:00:01\")",
            "time(12, 0, 0, duration(\"PT19H\"))",
            "date and time(\"2011-12-03T10:15:30+01:00@Europe/Paris\")",
            "date and time(@\"2021-01-01T10:00:00Z\", \"Mars/Olympus\")",
            "duration(\"P1Y2D\")",
            "years and months duration(2017, 2018)",
            "number(\"1,000.5\", \",\", \",\")",
            "from json(\"{\")",
        ] {
            assert_eq!(eval(text), ("null".to_string(), 1), "{text}");
        }
        assert_eq!(eval("string(null)"), ("null".to_string(), 0));
    }

    #[test]
    fn conversions() {
        assert_eq!(eval("time(date(\"2017-08-10\"))").0, "@\"00:00:00Z\"");
        assert_eq!(eval("time(12, 0, 1.25)").0, "@\"12:00:01.25\"");
        assert_eq!(
            eval("string(date and time(@\"2021-01-01T10:00:00Z\", \"Europe/Berlin\"))").0,
            "\"2021-01-01T11:00:00@Europe/Berlin\""
        );
        assert_eq!(eval("number(\"1 000,5\", \" \", \",\")").0, "1000.5");
        assert_eq!(
            eval("to json(@\"2021-09-08T10:30:00@Europe/Berlin\")").0,
            "\"\\\"2021-09-08T10:30:00+02:00[Europe/Berlin]\\\"\""
        );
        let v = Engine::new()
            .evaluate("from json(\"{\\\"a\\\": 1.50}\")", &Context::new())
            .map(|e| e.value);
        assert_eq!(
            v.ok()
                .and_then(|v| v.as_context().and_then(|c| c.get("a").cloned())),
            Some(Value::from(rust_decimal::Decimal::new(15, 1)))
        );
    }
}
