//! The typed JSON encoding of FEEL values used by the DMN TCK corpus and `feel batch`.
//!
//! | FEEL value | JSON |
//! | --- | --- |
//! | `null`, booleans, strings | JSON `null`, booleans, strings |
//! | number | `{"number": "<decimal text>"}` |
//! | date, time, date and time | `{"date": …}`, `{"time": …}`, `{"dateTime": …}` (ISO text) |
//! | either duration | `{"duration": "<ISO text>"}` |
//! | list | array |
//! | context | `{"context": {…}}` (entry order kept) |
//! | range, function (output only) | `{"range": "<FEEL text>"}`, `{"function": "<FEEL text>"}` |
//!
//! Decoding also accepts a bare JSON number, for hand-written input.

use std::fmt;

use serde_json::{json, Map, Value as Json};

use crate::dialect::Dialect;
use crate::value::number::{format_decimal, parse_decimal};
use crate::value::{temporal, Context, Value, ValueKind};

/// Why a JSON value could not be decoded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DecodeError(String);

impl DecodeError {
    fn new(msg: impl Into<String>) -> Self {
        DecodeError(msg.into())
    }

    /// The message.
    pub fn message(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for DecodeError {}

/// Encode a value in the typed encoding.
///
/// ```
/// use feel::{cli::codec::encode, Value};
/// let v = Value::list(vec![Value::from(1), Value::from("a"), Value::Null]);
/// assert_eq!(encode(&v).to_string(), r#"[{"number":"1"},"a",null]"#);
/// ```
pub fn encode(v: &Value) -> Json {
    encode_in(v, Dialect::Dmn)
}

/// Encode a value in the typed encoding, durations in the dialect's text (`P0D` in the
/// Camunda dialect where the DMN dialect writes `PT0S`), and in the Camunda dialect a time
/// with a zone id as the offset time Camunda's engine hands out.
///
/// ```
/// use feel::{cli::codec::encode_in, Dialect, DtDuration, Value};
/// let zero = Value::DaysTime(DtDuration(0));
/// assert_eq!(encode_in(&zero, Dialect::Camunda).to_string(), r#"{"duration":"P0D"}"#);
/// assert_eq!(encode_in(&zero, Dialect::Dmn).to_string(), r#"{"duration":"PT0S"}"#);
/// ```
pub fn encode_in(v: &Value, dialect: Dialect) -> Json {
    match v {
        Value::Null => Json::Null,
        Value::Bool(b) => Json::Bool(*b),
        Value::Number(n) => json!({ "number": format_decimal(n) }),
        Value::String(s) => Json::String(s.to_string()),
        Value::Date(_) => json!({ "date": v.to_feel_string_in(dialect) }),
        // Camunda hands a time with a zone id out as an offset time
        Value::Time(t) if dialect.is_camunda() => json!({ "time": t.with_offset().to_string() }),
        Value::Time(_) => json!({ "time": v.to_feel_string() }),
        Value::DateTime(_) => json!({ "dateTime": v.to_feel_string_in(dialect) }),
        Value::YearsMonths(_) | Value::DaysTime(_) => {
            json!({ "duration": v.to_feel_string_in(dialect) })
        }
        Value::List(items) => Json::Array(items.iter().map(|i| encode_in(i, dialect)).collect()),
        Value::Context(ctx) => {
            let map: Map<String, Json> = ctx
                .iter()
                .map(|(k, v)| (k.to_string(), encode_in(v, dialect)))
                .collect();
            json!({ "context": map })
        }
        Value::Range(_) => json!({ "range": v.to_string() }),
        Value::Function(_) => json!({ "function": v.to_string() }),
    }
}

/// Decode a value from the typed encoding.
///
/// ```
/// use feel::cli::codec::decode;
/// let v = decode(&serde_json::json!({"context": {"a": {"number": "1.50"}, "b": [true]}})).unwrap();
/// assert_eq!(v.to_string(), "{a: 1.5, b: [true]}");
/// assert!(decode(&serde_json::json!({"number": "ten"})).is_err());
/// ```
pub fn decode(j: &Json) -> Result<Value, DecodeError> {
    match j {
        Json::Null => Ok(Value::Null),
        Json::Bool(b) => Ok(Value::Bool(*b)),
        Json::String(s) => Ok(Value::String(s.as_str().into())),
        Json::Number(n) => number(&n.to_string()),
        Json::Array(items) => items
            .iter()
            .map(decode)
            .collect::<Result<Vec<_>, _>>()
            .map(Value::list),
        Json::Object(map) => tagged(map),
    }
}

/// Decode the entries of a JSON object (such as a case's `context`) into a context.
pub fn decode_context(map: &Map<String, Json>) -> Result<Context, DecodeError> {
    let mut ctx = Context::with_capacity(map.len());
    for (k, v) in map {
        let value = decode(v).map_err(|e| DecodeError::new(format!("entry '{k}': {e}")))?;
        ctx.insert(k.as_str(), value);
    }
    Ok(ctx)
}

fn tagged(map: &Map<String, Json>) -> Result<Value, DecodeError> {
    let mut entries = map.iter();
    let (tag, body) = match (entries.next(), entries.next()) {
        (Some(entry), None) => entry,
        _ => {
            return Err(DecodeError::new(
                "an object must have exactly one key: number, date, time, dateTime, duration or context",
            ))
        }
    };
    match tag.as_str() {
        "number" => match body {
            Json::String(s) => number(s),
            Json::Number(n) => number(&n.to_string()),
            _ => Err(DecodeError::new("`number` must hold a decimal text")),
        },
        "date" => temporal_value(body, tag, &[ValueKind::Date]),
        "time" => temporal_value(body, tag, &[ValueKind::Time]),
        "dateTime" => temporal_value(body, tag, &[ValueKind::DateTime]),
        "duration" => temporal_value(
            body,
            tag,
            &[ValueKind::YearsMonthsDuration, ValueKind::DaysTimeDuration],
        ),
        "context" => match body {
            Json::Object(entries) => decode_context(entries).map(Value::context),
            _ => Err(DecodeError::new("`context` must hold an object")),
        },
        other => Err(DecodeError::new(format!("unknown value tag `{other}`"))),
    }
}

fn number(text: &str) -> Result<Value, DecodeError> {
    parse_decimal(text)
        .map(Value::Number)
        .ok_or_else(|| DecodeError::new(format!("not a decimal number: '{text}'")))
}

fn temporal_value(body: &Json, tag: &str, kinds: &[ValueKind]) -> Result<Value, DecodeError> {
    let Json::String(text) = body else {
        return Err(DecodeError::new(format!("`{tag}` must hold an ISO text")));
    };
    match temporal::parse_literal(text) {
        Some(v) if kinds.contains(&v.kind()) => Ok(v),
        Some(v) => Err(DecodeError::new(format!(
            "`{tag}` text '{text}' is a {}",
            v.kind()
        ))),
        None => Err(DecodeError::new(format!("not a valid {tag}: '{text}'"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_plain_values() {
        let input =
            json!([null, true, "s", {"number": "-1.25"}, {"context": {"b": 1, "a": [false]}}]);
        let v = decode(&input).unwrap();
        assert_eq!(
            encode(&v),
            json!([null, true, "s", {"number": "-1.25"}, {"context": {"b": {"number": "1"}, "a": [false]}}])
        );
        // key order is kept
        assert_eq!(
            v.to_string(),
            "[null, true, \"s\", -1.25, {b: 1, a: [false]}]"
        );
    }

    #[test]
    fn rejects_bad_input() {
        for bad in [
            json!({"number": "1x"}),
            json!({"number": true}),
            json!({"nope": 1}),
            json!({"number": "1", "extra": 2}),
            json!({}),
            json!({"context": [1]}),
            json!({"date": 5}),
            json!([{"number": null}]),
        ] {
            assert!(decode(&bad).is_err(), "{bad} should not decode");
        }
    }

    #[test]
    fn context_errors_name_the_entry() {
        let map = json!({"ok": 1, "bad key": {"number": "x"}});
        let err = decode_context(map.as_object().unwrap()).unwrap_err();
        assert!(err.message().starts_with("entry 'bad key'"), "{err}");
    }

    #[test]
    fn temporal_values_round_trip() {
        for input in [
            json!({"date": "2017-01-01"}),
            json!({"time": "10:10:10+11:00"}),
            json!({"dateTime": "2017-12-31T11:22:33.567Z"}),
            json!({"duration": "P1Y2M"}),
            json!({"duration": "-P1DT2H"}),
        ] {
            let v = decode(&input).unwrap_or_else(|e| panic!("{input}: {e}"));
            assert_eq!(encode(&v), input);
        }
        assert_eq!(
            decode(&json!({"duration": "P1D"})).unwrap().kind(),
            ValueKind::DaysTimeDuration
        );
    }

    #[test]
    fn temporal_kinds_are_checked() {
        let err = decode(&json!({"time": "2017-01-01"})).unwrap_err();
        assert_eq!(err.message(), "`time` text '2017-01-01' is a date");
        let err = decode(&json!({"date": "P1D"})).unwrap_err();
        assert_eq!(
            err.message(),
            "`date` text 'P1D' is a days and time duration"
        );
        let err = decode(&json!({"dateTime": "yesterday"})).unwrap_err();
        assert_eq!(err.message(), "not a valid dateTime: 'yesterday'");
    }
}
