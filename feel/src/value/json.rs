//! Conversion between FEEL values and `serde_json` values (numbers exact).

use std::sync::Arc;

use super::number::{format_decimal, integer, parse_decimal};
use super::{Context, Value};

impl Value {
    /// Convert a JSON value. Numbers keep their exact decimal text (a number too large for a
    /// decimal becomes `null`).
    ///
    /// ```
    /// let v = feel::Value::from_json(&serde_json::json!({"a": [1.50, "x", null]}));
    /// assert_eq!(v.to_string(), "{a: [1.5, \"x\", null]}");
    /// ```
    pub fn from_json(json: &serde_json::Value) -> Value {
        match json {
            serde_json::Value::Null => Value::Null,
            serde_json::Value::Bool(b) => Value::Bool(*b),
            // whole numbers without going through their text
            serde_json::Value::Number(n) => match n.as_i64() {
                Some(i) => Value::Number(i.into()),
                None => parse_decimal(&n.to_string()).map_or(Value::Null, Value::Number),
            },
            serde_json::Value::String(s) => Value::String(s.as_str().into()),
            serde_json::Value::Array(items) => {
                Value::list(items.iter().map(Value::from_json).collect())
            }
            serde_json::Value::Object(map) => Value::context(Context::from_json_map(map)),
        }
    }

    /// Convert to JSON: numbers exact, temporal values as ISO strings, ranges as their
    /// FEEL text, functions as `null`.
    ///
    /// A date and time is written as Camunda writes it (see [`DateTime::to_json_string`]):
    /// `2024-07-14T10:00:00+02:00[Europe/Paris]` for a zone id, RFC 3339 otherwise; dates,
    /// times and durations in their FEEL `string()` form (`2024-07-14`, `10:00:00Z`,
    /// `P1DT2H`).
    ///
    /// [`DateTime::to_json_string`]: crate::DateTime::to_json_string
    pub fn to_json(&self) -> serde_json::Value {
        match self {
            Value::Null | Value::Function(_) => serde_json::Value::Null,
            Value::Bool(b) => serde_json::Value::Bool(*b),
            Value::Number(n) => match integer(n) {
                Some(i) => serde_json::Value::Number(i.into()),
                None => format_decimal(n)
                    .parse::<serde_json::Number>()
                    .map_or(serde_json::Value::Null, serde_json::Value::Number),
            },
            Value::String(s) => serde_json::Value::String(s.to_string()),
            Value::DateTime(dt) => serde_json::Value::String(dt.to_json_string()),
            Value::Date(_) | Value::Time(_) | Value::YearsMonths(_) | Value::DaysTime(_) => {
                serde_json::Value::String(self.to_feel_string())
            }
            Value::List(items) => {
                serde_json::Value::Array(items.iter().map(Value::to_json).collect())
            }
            Value::Context(ctx) => serde_json::Value::Object(ctx.to_json_map()),
            Value::Range(_) => serde_json::Value::String(self.to_string()),
        }
    }
}

impl Context {
    /// Build a context from a JSON object.
    pub fn from_json_map(map: &serde_json::Map<String, serde_json::Value>) -> Context {
        map.iter()
            .map(|(k, v)| (Arc::from(k.as_str()), Value::from_json(v)))
            .collect()
    }

    /// Convert to a JSON object (see [`Value::to_json`]).
    pub fn to_json_map(&self) -> serde_json::Map<String, serde_json::Value> {
        self.iter()
            .map(|(k, v)| (k.to_string(), v.to_json()))
            .collect()
    }

    /// Build a context from a JSON value; anything but an object gives `None`.
    pub fn from_json(json: &serde_json::Value) -> Option<Context> {
        json.as_object().map(Context::from_json_map)
    }
}

impl From<&serde_json::Value> for Value {
    fn from(json: &serde_json::Value) -> Self {
        Value::from_json(json)
    }
}

/// The same as [`Value::from_json`], taking the JSON value by value.
impl From<serde_json::Value> for Value {
    fn from(json: serde_json::Value) -> Self {
        Value::from_json(&json)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Engine, Value};
    use serde_json::json;

    fn eval(src: &str) -> Value {
        Engine::new()
            .evaluate(src, &Context::new())
            .map(|e| e.value)
            .unwrap_or(Value::Null)
    }

    #[test]
    fn date_times_in_camundas_json_form() {
        let cases = [
            (
                r#"date and time("2024-07-14T10:00:00.5@Europe/Paris")"#,
                "2024-07-14T10:00:00.5+02:00[Europe/Paris]",
            ),
            (
                r#"date and time("2024-01-14T10:00:00@Europe/Paris")"#,
                "2024-01-14T10:00:00+01:00[Europe/Paris]",
            ),
            (
                r#"date and time("2024-01-14T10:00:00@UTC")"#,
                "2024-01-14T10:00:00Z[UTC]",
            ),
            (
                r#"date and time("2024-01-14T10:00:00-05:30")"#,
                "2024-01-14T10:00:00-05:30",
            ),
            (
                r#"date and time("2024-01-14T10:00:00Z")"#,
                "2024-01-14T10:00:00Z",
            ),
            (
                r#"date and time("2024-01-14T10:00:00")"#,
                "2024-01-14T10:00:00",
            ),
        ];
        for (src, want) in cases {
            assert_eq!(eval(src).to_json(), json!(want), "{src}");
        }
        // the other temporal values keep their ISO text
        assert_eq!(eval(r#"date("2024-01-14")"#).to_json(), json!("2024-01-14"));
        assert_eq!(eval(r#"duration("P1DT2H")"#).to_json(), json!("P1DT2H"));
    }

    #[test]
    fn conversions_from_rust_numbers_and_owned_json() {
        assert_eq!(Value::from(0.1_f64).to_string(), "0.1");
        assert_eq!(Value::from(-2.5e-3_f64).to_string(), "-0.0025");
        assert_eq!(Value::from(f64::INFINITY), Value::Null);
        assert_eq!(Value::from(1e300_f64), Value::Null);
        assert_eq!(Value::from(u64::MAX).to_string(), "18446744073709551615");
        assert_eq!(Value::from(7_u32), Value::from(7_i64));
        assert_eq!(Value::from(2.25_f64).as_f64(), Some(2.25));
        assert_eq!(Value::from(true).as_f64(), None);
        let owned = Value::from(json!({"a": [1, 2.5]}));
        assert_eq!(owned, Value::from_json(&json!({"a": [1, 2.5]})));
        assert_eq!(owned.to_string(), "{a: [1, 2.5]}");
    }
}
