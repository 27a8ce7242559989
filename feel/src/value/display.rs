//! FEEL literal text of values (`Display`) and `Debug`.

use std::fmt::{self, Display, Formatter, Write};

use super::number::write_decimal;
use super::Value;
use crate::dialect::Dialect;

/// Write a string as a FEEL string literal.
pub(crate) fn write_quoted(f: &mut impl Write, s: &str) -> fmt::Result {
    f.write_char('"')?;
    for c in s.chars() {
        match c {
            '"' => f.write_str("\\\"")?,
            '\\' => f.write_str("\\\\")?,
            '\n' => f.write_str("\\n")?,
            '\r' => f.write_str("\\r")?,
            '\t' => f.write_str("\\t")?,
            c if (c as u32) < 0x20 => write!(f, "\\u{:04x}", c as u32)?,
            c => f.write_char(c)?,
        }
    }
    f.write_char('"')
}

/// Write `items` between `open` and `close`, separated by `, `, each by `each`.
fn write_joined<W: Write + ?Sized, T>(
    f: &mut W,
    open: char,
    items: impl Iterator<Item = T>,
    close: char,
    mut each: impl FnMut(&mut W, T) -> fmt::Result,
) -> fmt::Result {
    f.write_char(open)?;
    for (i, item) in items.enumerate() {
        if i > 0 {
            f.write_str(", ")?;
        }
        each(f, item)?;
    }
    f.write_char(close)
}

fn is_plain_name(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_alphabetic() || c == '_' || c == '?')
        && chars.all(|c| c.is_alphanumeric() || c == '_' || c == '?')
}

impl Display for Value {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Value::Null => f.write_str("null"),
            Value::Bool(b) => write!(f, "{b}"),
            Value::Number(n) => write_decimal(f, n),
            Value::String(s) => write_quoted(f, s),
            Value::Date(d) => write!(f, "@\"{d}\""),
            Value::Time(t) => write!(f, "@\"{t}\""),
            Value::DateTime(d) => write!(f, "@\"{d}\""),
            Value::YearsMonths(d) => write!(f, "@\"{d}\""),
            Value::DaysTime(d) => write!(f, "@\"{d}\""),
            Value::List(items) => write_joined(f, '[', items.iter(), ']', |f, v| write!(f, "{v}")),
            Value::Context(ctx) => write_joined(f, '{', ctx.iter(), '}', |f, (k, v)| {
                if is_plain_name(k) {
                    f.write_str(k)?;
                } else {
                    write_quoted(f, k)?;
                }
                write!(f, ": {v}")
            }),
            Value::Range(r) => {
                if r.start.is_null() && !r.end.is_null() {
                    let op = if r.end_included { "<=" } else { "<" };
                    return write!(f, "{op} {}", r.end);
                }
                if r.end.is_null() && !r.start.is_null() {
                    let op = if r.start_included { ">=" } else { ">" };
                    return write!(f, "{op} {}", r.start);
                }
                let open = if r.start_included { '[' } else { '(' };
                let close = if r.end_included { ']' } else { ')' };
                write!(f, "{open}{}..{}{close}", r.start, r.end)
            }
            Value::Function(func) => {
                f.write_str("function(")?;
                for (i, p) in func.params().iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    f.write_str(p)?;
                }
                f.write_char(')')
            }
        }
    }
}

impl fmt::Debug for Value {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        Display::fmt(self, f)
    }
}

impl fmt::Debug for super::Function {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "{}", Value::Function(self.clone()))
    }
}

impl Value {
    /// The text `string(value)` gives: strings unquoted at the top level, temporal values
    /// in ISO form without `@`, everything else as its FEEL literal.
    pub fn to_feel_string(&self) -> String {
        match self {
            Value::String(s) => s.to_string(),
            Value::Date(d) => d.to_string(),
            Value::Time(t) => t.to_string(),
            Value::DateTime(d) => d.to_string(),
            Value::YearsMonths(d) => d.to_string(),
            Value::DaysTime(d) => d.to_string(),
            other => other.to_string(),
        }
    }
}

impl Value {
    /// The text `string(value)` gives in a dialect: [`Value::to_feel_string`] in the DMN
    /// dialect; in the Camunda dialect, Camunda's own text (see [`Value::display_in`]), a
    /// string unquoted at the top level.
    pub fn to_feel_string_in(&self, dialect: Dialect) -> String {
        match (dialect, self) {
            (Dialect::Dmn, _) => self.to_feel_string(),
            (Dialect::Camunda, Value::String(s)) => s.to_string(),
            (Dialect::Camunda, _) => {
                let mut out = String::new();
                // writing into a String cannot fail
                let _ = write_camunda(&mut out, self, false);
                out
            }
        }
    }

    /// The value's text in a dialect, for output: the FEEL literal ([`Display`]) in the DMN
    /// dialect. In the Camunda dialect, as Camunda's engine writes values: contexts as
    /// `{a:1, b:"x"}`, zero durations as `P0D` / `P0Y`, days-time durations in whole seconds,
    /// times with a zone id as offset times, as its API hands them out (temporal values as
    /// literals, `@"P0D"`, where `string()` gives their ISO text and keeps a zone id).
    ///
    /// ```
    /// use feel::{Dialect, Value};
    /// let v = Value::from_json(&serde_json::json!({"a": 1, "b": ["x"]}));
    /// assert_eq!(v.display_in(Dialect::Camunda).to_string(), r#"{a:1, b:["x"]}"#);
    /// assert_eq!(v.display_in(Dialect::Dmn).to_string(), r#"{a: 1, b: ["x"]}"#);
    /// ```
    pub fn display_in(&self, dialect: Dialect) -> InDialect<'_> {
        InDialect {
            value: self,
            dialect,
        }
    }
}

/// A value displayed in a dialect ([`Value::display_in`]).
pub struct InDialect<'a> {
    value: &'a Value,
    dialect: Dialect,
}

impl Display for InDialect<'_> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self.dialect {
            Dialect::Dmn => Display::fmt(self.value, f),
            Dialect::Camunda => write_camunda(f, self.value, true),
        }
    }
}

/// Write a value as Camunda's engine does; `literal`: temporal values as FEEL literals
/// (`@"…"`), else in their ISO text.
fn write_camunda(f: &mut impl Write, v: &Value, literal: bool) -> fmt::Result {
    let temporal = |f: &mut dyn Write, text: &dyn Display| {
        if literal {
            write!(f, "@\"{text}\"")
        } else {
            write!(f, "{text}")
        }
    };
    // Java writes years above 9999 with a `+` (`+10000-01-01`)
    let year_sign = |f: &mut dyn Write, year: i32| {
        if year > 9999 && !literal {
            f.write_char('+')?;
        }
        Ok(())
    };
    match v {
        Value::Date(d) => {
            year_sign(f, d.year)?;
            temporal(f, d)
        }
        Value::DateTime(d) if !literal => {
            year_sign(f, d.date.year)?;
            temporal(f, d)
        }
        // handed out as an offset time (a zone id becomes its standard offset)
        Value::Time(t) if literal => temporal(f, &t.with_offset()),
        Value::Time(t) => temporal(f, t),
        Value::DateTime(d) => temporal(f, d),
        Value::YearsMonths(d) if literal => {
            f.write_str("@\"")?;
            d.write_camunda(f)?;
            f.write_char('"')
        }
        Value::YearsMonths(d) => d.write_camunda(f),
        Value::DaysTime(d) if literal => {
            f.write_str("@\"")?;
            d.write_camunda(f)?;
            f.write_char('"')
        }
        Value::DaysTime(d) => d.write_camunda(f),
        // the number's scale kept, as Java's BigDecimal.toString does (1.10 stays 1.10)
        Value::Number(n) => super::number::write_with_scale(f, n),
        Value::List(items) => write_joined(f, '[', items.iter(), ']', |f, item| {
            write_camunda(f, item, literal)
        }),
        Value::Context(ctx) => write_joined(f, '{', ctx.iter(), '}', |f, (k, item)| {
            f.write_str(k)?;
            f.write_char(':')?;
            write_camunda(f, item, literal)
        }),
        other => write!(f, "{other}"),
    }
}
