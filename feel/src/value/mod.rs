//! FEEL values: one enum, cheap to clone.
//!
//! Lists, contexts, ranges and functions are reference counted, so cloning a [`Value`] never
//! copies a collection; strings are [`SmolStr`]s: up to 23 bytes held inline (copied, no
//! allocation, no atomic reference count), longer ones reference counted. Numbers are
//! [`Decimal`]s; temporal values are the
//! crate's own types (see [`temporal`]) so that years up to ±999,999,999 are representable.

pub mod context;
mod display;
pub use display::InDialect;
pub mod function;
mod json;
pub mod number;
pub mod range;
pub mod temporal;

use std::sync::Arc;

pub use context::Context;
pub use function::{Args, Callable, Function};
pub use range::Range;
pub use rust_decimal::Decimal;
pub use smol_str::SmolStr;
pub use temporal::{Date, DateTime, DtDuration, Time, YmDuration, Zone};

/// A FEEL value.
///
/// ```
/// use feel::Value;
/// let v = Value::from(3);
/// assert_eq!(v.to_string(), "3");
/// assert_eq!(Value::from("a").to_string(), "\"a\"");
/// ```
#[derive(Clone, Default)]
pub enum Value {
    /// `null`: absence of a value, and the result of every failed operation.
    #[default]
    Null,
    /// `true` / `false`.
    Bool(bool),
    /// A decimal number.
    Number(Decimal),
    /// A string (inline up to 23 bytes, shared beyond).
    String(SmolStr),
    /// A calendar date.
    Date(Date),
    /// A time of day, optionally with an offset or zone.
    Time(Time),
    /// A date and time, optionally with an offset or zone.
    DateTime(DateTime),
    /// A years and months duration.
    YearsMonths(YmDuration),
    /// A days and time duration.
    DaysTime(DtDuration),
    /// A list.
    List(Arc<Vec<Value>>),
    /// An ordered context (map from names to values).
    Context(Arc<Context>),
    /// A range (interval).
    Range(Arc<Range>),
    /// A function (built-in, user-defined or registered by the embedder).
    Function(Function),
}

/// The kind of a value, used in messages and by `instance of`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ValueKind {
    /// `Null`
    Null,
    /// `boolean`
    Boolean,
    /// `number`
    Number,
    /// `string`
    String,
    /// `date`
    Date,
    /// `time`
    Time,
    /// `date and time`
    DateTime,
    /// `years and months duration`
    YearsMonthsDuration,
    /// `days and time duration`
    DaysTimeDuration,
    /// `list`
    List,
    /// `context`
    Context,
    /// `range`
    Range,
    /// `function`
    Function,
}

impl ValueKind {
    /// The FEEL type name of this kind.
    pub fn name(self) -> &'static str {
        match self {
            ValueKind::Null => "Null",
            ValueKind::Boolean => "boolean",
            ValueKind::Number => "number",
            ValueKind::String => "string",
            ValueKind::Date => "date",
            ValueKind::Time => "time",
            ValueKind::DateTime => "date and time",
            ValueKind::YearsMonthsDuration => "years and months duration",
            ValueKind::DaysTimeDuration => "days and time duration",
            ValueKind::List => "list",
            ValueKind::Context => "context",
            ValueKind::Range => "range",
            ValueKind::Function => "function",
        }
    }
}

impl std::fmt::Display for ValueKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl Value {
    /// The kind of this value.
    pub fn kind(&self) -> ValueKind {
        match self {
            Value::Null => ValueKind::Null,
            Value::Bool(_) => ValueKind::Boolean,
            Value::Number(_) => ValueKind::Number,
            Value::String(_) => ValueKind::String,
            Value::Date(_) => ValueKind::Date,
            Value::Time(_) => ValueKind::Time,
            Value::DateTime(_) => ValueKind::DateTime,
            Value::YearsMonths(_) => ValueKind::YearsMonthsDuration,
            Value::DaysTime(_) => ValueKind::DaysTimeDuration,
            Value::List(_) => ValueKind::List,
            Value::Context(_) => ValueKind::Context,
            Value::Range(_) => ValueKind::Range,
            Value::Function(_) => ValueKind::Function,
        }
    }

    /// `true` for `null`.
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// A string value.
    pub fn string(s: impl Into<SmolStr>) -> Value {
        Value::String(s.into())
    }

    /// A string value written by `write` into a reused per-thread buffer and copied once
    /// (inline when short; building a `String` first would allocate once more).
    pub(crate) fn string_with(write: impl FnOnce(&mut String)) -> Value {
        thread_local! {
            static SCRATCH: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
        }
        let mut write = Some(write);
        let built = SCRATCH.with(|cell| {
            let mut buf = cell.try_borrow_mut().ok()?;
            buf.clear();
            (write.take()?)(&mut buf);
            let value = SmolStr::new(buf.as_str());
            if buf.capacity() > 1 << 16 {
                *buf = String::new();
            }
            Some(value)
        });
        match (built, write) {
            (Some(value), _) => Value::String(value),
            // the buffer is in use further up (never by the callers): a plain String
            (None, Some(write)) => {
                let mut s = String::new();
                write(&mut s);
                Value::from(s)
            }
            (None, None) => Value::Null,
        }
    }

    /// A string value of `parts` joined: built inline when the total fits (no allocation, no
    /// thread-local buffer), otherwise through [`Value::string_with`].
    pub(crate) fn string_concat<'a>(parts: impl Iterator<Item = &'a str> + Clone) -> Value {
        let len: usize = parts.clone().map(str::len).sum();
        if len <= SmolStr::INLINE_CAP {
            let mut out = smol_str::SmolStrBuilder::new();
            for p in parts {
                out.push_str(p);
            }
            return Value::String(out.finish());
        }
        Value::string_with(|out| {
            out.reserve(len);
            for p in parts {
                out.push_str(p);
            }
        })
    }

    /// A list value.
    pub fn list(items: Vec<Value>) -> Value {
        Value::List(Arc::new(items))
    }

    /// A context value.
    pub fn context(ctx: Context) -> Value {
        Value::Context(Arc::new(ctx))
    }

    /// The string, if this is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// The number, if this is one.
    pub fn as_number(&self) -> Option<Decimal> {
        match self {
            Value::Number(n) => Some(*n),
            _ => None,
        }
    }

    /// The number as the nearest `f64`, if this is a number (decimals have up to 28
    /// significant digits, so large or long numbers round).
    ///
    /// ```
    /// assert_eq!(feel::Value::from(2.5).as_f64(), Some(2.5));
    /// assert_eq!(feel::Value::from("2.5").as_f64(), None);
    /// ```
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Number(n) => rust_decimal::prelude::ToPrimitive::to_f64(n),
            _ => None,
        }
    }

    /// The boolean, if this is one.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// The items, if this is a list.
    pub fn as_list(&self) -> Option<&[Value]> {
        match self {
            Value::List(l) => Some(l),
            _ => None,
        }
    }

    /// The context, if this is one.
    pub fn as_context(&self) -> Option<&Context> {
        match self {
            Value::Context(c) => Some(c),
            _ => None,
        }
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Self {
        Value::Bool(b)
    }
}
impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::String(s.into())
    }
}
impl From<String> for Value {
    fn from(s: String) -> Self {
        Value::String(s.into())
    }
}
impl From<Decimal> for Value {
    fn from(n: Decimal) -> Self {
        Value::Number(n)
    }
}
impl From<i64> for Value {
    fn from(n: i64) -> Self {
        Value::Number(Decimal::from(n))
    }
}
impl From<i32> for Value {
    fn from(n: i32) -> Self {
        Value::Number(Decimal::from(n))
    }
}
impl From<u32> for Value {
    fn from(n: u32) -> Self {
        Value::Number(Decimal::from(n))
    }
}
impl From<u64> for Value {
    fn from(n: u64) -> Self {
        Value::Number(Decimal::from(n))
    }
}
/// The number an `f64` prints as (its shortest round-trip text: `0.1` is `0.1`, not
/// `0.1000000000000000055511151231257827`); `null` for NaN, the infinities and magnitudes
/// beyond a decimal's range (about 7.9e28).
///
/// ```
/// use feel::Value;
/// assert_eq!(Value::from(0.1).to_string(), "0.1");
/// assert_eq!(Value::from(f64::NAN), Value::Null);
/// ```
impl From<f64> for Value {
    fn from(n: f64) -> Self {
        if n.is_finite() {
            number::parse_decimal(&n.to_string()).map_or(Value::Null, Value::Number)
        } else {
            Value::Null
        }
    }
}
impl From<usize> for Value {
    fn from(n: usize) -> Self {
        Value::Number(Decimal::from(n))
    }
}
impl From<Vec<Value>> for Value {
    fn from(v: Vec<Value>) -> Self {
        Value::list(v)
    }
}
impl From<Context> for Value {
    fn from(c: Context) -> Self {
        Value::context(c)
    }
}
impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(o: Option<T>) -> Self {
        o.map_or(Value::Null, Into::into)
    }
}

/// Structural identity (not FEEL `=`): same kind and same content; functions by identity.
impl PartialEq for Value {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Value::Null, Value::Null) => true,
            (Value::Bool(a), Value::Bool(b)) => a == b,
            (Value::Number(a), Value::Number(b)) => a == b,
            (Value::String(a), Value::String(b)) => a == b,
            (Value::Date(a), Value::Date(b)) => a == b,
            (Value::Time(a), Value::Time(b)) => a == b,
            (Value::DateTime(a), Value::DateTime(b)) => a == b,
            (Value::YearsMonths(a), Value::YearsMonths(b)) => a == b,
            (Value::DaysTime(a), Value::DaysTime(b)) => a == b,
            (Value::List(a), Value::List(b)) => a == b,
            (Value::Context(a), Value::Context(b)) => a == b,
            (Value::Range(a), Value::Range(b)) => a == b,
            (Value::Function(a), Value::Function(b)) => a.ptr_eq(b),
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn value_is_small() {
        assert!(
            std::mem::size_of::<Value>() <= 32,
            "{}",
            std::mem::size_of::<Value>()
        );
    }
}
