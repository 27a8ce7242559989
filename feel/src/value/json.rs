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
            Value::Date(_)
            | Value::Time(_)
            | Value::DateTime(_)
            | Value::YearsMonths(_)
            | Value::DaysTime(_) => serde_json::Value::String(self.to_feel_string()),
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
