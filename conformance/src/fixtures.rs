//! FEEL fixtures: `fixtures/feel/<area>/<case>.feel`.
//!
//! A first line `dialect: camunda` (or `dialect: dmn`) names the dialect the fixture runs
//! in; without it, fixtures under `fixtures/feel/camunda/` run in the Camunda dialect and
//! the others in the DMN dialect. If the rest has a line that is exactly `---`, the text
//! before it is a JSON object of variables and the text after it is the expression;
//! otherwise the whole rest is the expression.

use feel::{Context, Dialect, Engine, Value};
use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};

/// A parsed fixture.
#[derive(Clone, Debug)]
pub struct Fixture {
    /// The variables, as the JSON object written in the file (empty when absent).
    pub vars: serde_json::Value,
    /// The expression text (without trailing whitespace).
    pub expression: String,
    /// The dialect the fixture names in its first line, if it names one.
    pub dialect: Option<Dialect>,
}

impl Fixture {
    /// Parse a fixture file's text.
    pub fn parse(text: &str) -> Result<Fixture, String> {
        let (dialect, text) = match text.strip_prefix("dialect:") {
            Some(rest) => {
                let (name, rest) = rest.split_once('\n').unwrap_or((rest, ""));
                let dialect = name.parse::<Dialect>().map_err(|e| e.to_string())?;
                (Some(dialect), rest)
            }
            None => (None, text),
        };
        let mut before = String::new();
        let mut lines = text.split_inclusive('\n');
        let mut split = false;
        for line in lines.by_ref() {
            if line.trim_end_matches(['\n', '\r']) == "---" {
                split = true;
                break;
            }
            before.push_str(line);
        }
        if !split {
            return Ok(Fixture {
                vars: serde_json::Value::Object(serde_json::Map::new()),
                expression: text.trim_end().to_string(),
                dialect,
            });
        }
        let vars: serde_json::Value = serde_json::from_str(&before)
            .map_err(|e| format!("the variables before `---` are not valid JSON: {e}"))?;
        if !vars.is_object() {
            return Err("the variables before `---` must be a JSON object".into());
        }
        Ok(Fixture {
            vars,
            expression: lines.collect::<String>().trim_end().to_string(),
            dialect,
        })
    }

    /// The variables as a FEEL context (plain JSON conversion).
    pub fn context(&self) -> Context {
        Context::from_json(&self.vars).unwrap_or_default()
    }

    /// Compile (with the variables' names) and evaluate, and render the outcome:
    /// the value's FEEL text and kind, then one line per warning (kind and message);
    /// or, for a hard error, its kind and report (message and caret line).
    pub fn render(&self, engine: &Engine) -> String {
        let ctx = self.context();
        let names: Vec<&str> = ctx.keys().map(|k| k.as_ref()).collect();
        let result = engine
            .compile_with_names(&self.expression, &names)
            .and_then(|expr| expr.evaluate(&ctx));
        match result {
            Ok(out) => {
                let mut text = render_value(&out.value, engine.dialect());
                for w in &out.warnings {
                    text.push_str(&format!("\nwarning {}: {}", w.kind.name(), w.message));
                }
                text
            }
            Err(err) => format!("error {:?}:\n{}", err.kind(), err.report()),
        }
    }
}

/// A JSON value that serialises its numbers as plain numbers (or as their text when no
/// primitive holds them exactly); `serde_json`'s `arbitrary_precision` numbers otherwise
/// show up as a private struct in snapshot headers.
pub struct PlainJson<'a>(pub &'a serde_json::Value);

impl Serialize for PlainJson<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde_json::Value as J;
        match self.0 {
            J::Null => s.serialize_unit(),
            J::Bool(b) => s.serialize_bool(*b),
            J::Number(n) => {
                let text = n.to_string();
                if let Some(i) = n.as_i64().filter(|i| i.to_string() == text) {
                    s.serialize_i64(i)
                } else if let Some(f) = n.as_f64().filter(|f| f.to_string() == text) {
                    s.serialize_f64(f)
                } else {
                    s.serialize_str(&text)
                }
            }
            J::String(text) => s.serialize_str(text),
            J::Array(items) => {
                let mut seq = s.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(&PlainJson(item))?;
                }
                seq.end()
            }
            J::Object(entries) => {
                let mut map = s.serialize_map(Some(entries.len()))?;
                for (k, v) in entries {
                    map.serialize_entry(k, &PlainJson(v))?;
                }
                map.end()
            }
        }
    }
}

/// `<FEEL text>` (in the dialect) and its kind on the next line.
fn render_value(v: &Value, dialect: Dialect) -> String {
    format!("{}\nkind: {}", v.display_in(dialect), v.kind())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_file_is_the_expression_without_separator() {
        let f = Fixture::parse("1 +\n 2\n").unwrap();
        assert_eq!(f.expression, "1 +\n 2");
        assert_eq!(f.vars, serde_json::json!({}));
    }

    #[test]
    fn separator_splits_variables_from_expression() {
        let f = Fixture::parse("{\"a b\": [1, \"x\"]}\n---\na b\n").unwrap();
        assert_eq!(f.expression, "a b");
        assert_eq!(
            f.context().get("a b").map(ToString::to_string),
            Some("[1, \"x\"]".into())
        );
    }

    #[test]
    fn a_first_line_names_the_dialect() {
        let f = Fixture::parse("dialect: camunda\n{\"a\": 1}\n---\na\n").unwrap();
        assert_eq!(f.dialect, Some(Dialect::Camunda));
        assert_eq!(f.expression, "a");
        let f = Fixture::parse("dialect: dmn\n1 + 1\n").unwrap();
        assert_eq!(f.dialect, Some(Dialect::Dmn));
        assert_eq!(f.expression, "1 + 1");
        assert_eq!(Fixture::parse("1 + 1").unwrap().dialect, None);
        assert!(Fixture::parse("dialect: scala\n1").is_err());
    }

    #[test]
    fn only_an_exact_separator_line_counts() {
        let f = Fixture::parse("a --- b\n").unwrap();
        assert_eq!(f.expression, "a --- b");
        assert!(Fixture::parse("[1]\n---\nx").is_err());
        assert!(Fixture::parse("{oops\n---\nx").is_err());
    }
}
