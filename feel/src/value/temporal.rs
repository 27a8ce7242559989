//! Temporal values: dates, times, date-times and the two kinds of duration.
//!
//! The crate's own types rather than `chrono`'s, so that the years of the DMN TCK
//! (up to ±999,999,999) are representable; `chrono-tz` supplies zone offsets.

use std::cmp::Ordering;

use super::Value;

/// A time zone: a fixed offset or an IANA zone id.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Zone {
    /// A fixed offset from UTC, in seconds (`Z` is `Offset(0)`).
    Offset(i32),
    /// An IANA zone id such as `Europe/Berlin`.
    Id(chrono_tz::Tz),
}

/// A calendar date (proleptic Gregorian), years from -999,999,999 to 999,999,999.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    /// Year (may be negative).
    pub year: i32,
    /// Month 1–12.
    pub month: u8,
    /// Day of month 1–31.
    pub day: u8,
}

/// A time of day with nanosecond precision, optionally with an offset or zone.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Time {
    /// Nanoseconds since midnight.
    pub nanos: u64,
    /// Offset or zone; `None` for a local time.
    pub zone: Option<Zone>,
}

/// A date and time, optionally with an offset or zone.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DateTime {
    /// The date part.
    pub date: Date,
    /// Nanoseconds since midnight.
    pub nanos: u64,
    /// Offset or zone; `None` for a local date-time.
    pub zone: Option<Zone>,
}

/// A years and months duration, in months.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct YmDuration(pub i64);

/// A days and time duration, in nanoseconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DtDuration(pub i128);

/// Parse the text of a temporal literal `@"…"`: a date, time, date-time or duration.
pub fn parse_literal(_text: &str) -> Option<Value> {
    None
}

/// `a + b` where at least one operand is temporal; `None` when the combination is invalid.
pub fn add(_a: &Value, _b: &Value) -> Option<Value> {
    None
}

/// `a - b` where at least one operand is temporal; `None` when the combination is invalid.
pub fn sub(_a: &Value, _b: &Value) -> Option<Value> {
    None
}

/// `a * b` for a duration and a number (either order).
pub fn mul(_a: &Value, _b: &Value) -> Option<Value> {
    None
}

/// `a / b` for a duration divided by a number or by a duration of the same kind.
pub fn div(_a: &Value, _b: &Value) -> Option<Value> {
    None
}

/// FEEL equality of two temporal values of the same kind; `None` when not comparable.
pub fn equal(_a: &Value, _b: &Value) -> Option<bool> {
    None
}

/// FEEL ordering of two temporal values of the same kind; `None` when not comparable.
pub fn compare(_a: &Value, _b: &Value) -> Option<Ordering> {
    None
}

/// A property of a temporal value (`year`, `month`, `time offset`, `days`, …).
pub fn property(_v: &Value, _name: &str) -> Option<Value> {
    None
}

/// Names of the properties a temporal value has (for messages).
pub fn property_names(_v: &Value) -> &'static [&'static str] {
    &[]
}

impl std::fmt::Display for Date {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl std::fmt::Display for Time {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.nanos)
    }
}

impl std::fmt::Display for DateTime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}T{}", self.date, self.nanos)
    }
}

impl std::fmt::Display for YmDuration {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "P{}M", self.0)
    }
}

impl std::fmt::Display for DtDuration {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PT{}S", self.0)
    }
}

/// The current instant as a UTC date-time (the default clock).
pub fn system_now() -> DateTime {
    DateTime {
        date: Date {
            year: 1970,
            month: 1,
            day: 1,
        },
        nanos: 0,
        zone: Some(Zone::Offset(0)),
    }
}
