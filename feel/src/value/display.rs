//! FEEL literal text of values (`Display`) and `Debug`.

use std::fmt::{self, Display, Formatter, Write};

use super::number::write_decimal;
use super::Value;

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
            Value::List(items) => {
                f.write_char('[')?;
                for (i, v) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{v}")?;
                }
                f.write_char(']')
            }
            Value::Context(ctx) => {
                f.write_char('{')?;
                for (i, (k, v)) in ctx.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    if is_plain_name(k) {
                        f.write_str(k)?;
                    } else {
                        write_quoted(f, k)?;
                    }
                    write!(f, ": {v}")?;
                }
                f.write_char('}')
            }
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
