//! Temporal values: dates, times, date-times and the two kinds of duration.
//!
//! The crate's own types rather than `chrono`'s, so that the years of the DMN TCK
//! (up to ±999,999,999) are representable; `chrono-tz` supplies zone offsets only.
//!
//! - `civil`: calendar arithmetic on day numbers;
//! - `zone`: zone offsets;
//! - `parse`: the ISO / FEEL text forms;
//! - `format`: `Display` in the same forms;
//! - `arith`: `+ - * /`;
//! - `order`: `=`, ordering and properties.
//!
//! ```
//! use feel::temporal::{parse_literal, add};
//! let d = parse_literal("2021-01-31").unwrap();
//! let m = parse_literal("P1M").unwrap();
//! assert_eq!(add(&d, &m).unwrap().to_string(), "@\"2021-02-28\"");
//! ```

mod arith;
mod civil;
mod format;
mod order;
mod parse;
mod zone;

pub use arith::{add, div, mul, sub};
pub use order::{compare, equal, property, property_names};
pub(crate) use parse::parse_camunda_time;
pub use parse::{parse_duration, parse_literal};

/// The smallest supported year.
pub const MIN_YEAR: i64 = -999_999_999;
/// The largest supported year.
pub const MAX_YEAR: i64 = 999_999_999;

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
///
/// `date` and `nanos` are the local (wall-clock) fields; the zone says where they are.
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

use civil::{NANOS_PER_DAY, NANOS_PER_SEC};

impl Zone {
    /// Parse an IANA zone id (`Europe/Berlin`, `Etc/UTC`).
    pub fn from_id(id: &str) -> Option<Zone> {
        zone::parse_zone_id(id)
    }

    /// The zone id, or `None` for a fixed offset.
    pub fn id(&self) -> Option<&'static str> {
        zone::zone_name(*self)
    }
}

impl Time {
    /// A time from its fields; `second` may carry a fraction (nanoseconds).
    pub fn new(hour: u32, minute: u32, second: u32, nano: u32, zone: Option<Zone>) -> Option<Time> {
        if hour > 23 || minute > 59 || second > 59 || nano > 999_999_999 {
            return None;
        }
        let secs = u64::from(hour) * 3600 + u64::from(minute) * 60 + u64::from(second);
        Some(Time {
            nanos: secs * 1_000_000_000 + u64::from(nano),
            zone,
        })
    }

    /// Hour, minute, second and nanosecond fields.
    pub fn fields(&self) -> (u32, u32, u32, u32) {
        split_nanos(self.nanos)
    }

    /// The offset in seconds used to compare this time (zone ids use their standard
    /// offset); `None` for a local time.
    pub fn offset_secs(&self) -> Option<i32> {
        self.zone.map(zone::standard_offset)
    }

    /// The time with a zone id replaced by the zone's standard offset: how Camunda's engine
    /// hands a zoned time out (a Java `OffsetTime`).
    pub fn with_offset(&self) -> Time {
        Time {
            nanos: self.nanos,
            zone: self.offset_secs().map(Zone::Offset),
        }
    }
}

/// Split nanoseconds of a day into (hour, minute, second, nano).
fn split_nanos(nanos: u64) -> (u32, u32, u32, u32) {
    let secs = nanos / 1_000_000_000;
    (
        (secs / 3600) as u32,
        ((secs / 60) % 60) as u32,
        (secs % 60) as u32,
        (nanos % 1_000_000_000) as u32,
    )
}

impl DateTime {
    /// A date-time; a zone id re-resolves a local time that falls in a daylight-saving gap.
    pub fn new(date: Date, nanos: u64, zone: Option<Zone>) -> Option<DateTime> {
        if i128::from(nanos) >= NANOS_PER_DAY {
            return None;
        }
        let dt = DateTime { date, nanos, zone };
        match zone {
            Some(Zone::Id(_)) => {
                let instant = dt.instant()?;
                DateTime::from_instant(instant, zone?)
            }
            _ => Some(dt),
        }
    }

    /// A date-time from local nanoseconds since 1970-01-01T00:00.
    pub(crate) fn from_local_nanos(local: i128, zone: Option<Zone>) -> Option<DateTime> {
        let days = i64::try_from(local.div_euclid(NANOS_PER_DAY)).ok()?;
        let nanos = u64::try_from(local.rem_euclid(NANOS_PER_DAY)).ok()?;
        Some(DateTime {
            date: Date::from_days(days)?,
            nanos,
            zone,
        })
    }

    /// The date-time in `zone` at an instant (UTC nanoseconds since the epoch).
    pub(crate) fn from_instant(instant: i128, zone: Zone) -> Option<DateTime> {
        let secs = i64::try_from(instant.div_euclid(NANOS_PER_SEC)).ok()?;
        let offset = zone::offset_at_instant(zone, secs);
        let local = instant.checked_add(i128::from(offset) * NANOS_PER_SEC)?;
        DateTime::from_local_nanos(local, Some(zone))
    }

    /// Local nanoseconds since 1970-01-01T00:00 (ignoring the zone).
    pub(crate) fn local_nanos(&self) -> i128 {
        i128::from(self.date.days()) * NANOS_PER_DAY + i128::from(self.nanos)
    }

    /// The offset in seconds, or `None` for a local date-time.
    pub fn offset_secs(&self) -> Option<i32> {
        let zone = self.zone?;
        let local_secs = i64::try_from(self.local_nanos().div_euclid(NANOS_PER_SEC)).ok()?;
        Some(zone::offset_for_local(zone, local_secs))
    }

    /// UTC nanoseconds since the epoch, or `None` for a local date-time.
    pub fn instant(&self) -> Option<i128> {
        let offset = self.offset_secs()?;
        Some(self.local_nanos() - i128::from(offset) * NANOS_PER_SEC)
    }

    /// Hour, minute, second and nanosecond fields.
    pub fn time_fields(&self) -> (u32, u32, u32, u32) {
        split_nanos(self.nanos)
    }

    /// The time-of-day part with the same zone.
    pub fn time(&self) -> Time {
        Time {
            nanos: self.nanos,
            zone: self.zone,
        }
    }

    /// Midnight UTC of a date: how a date takes part in date-time arithmetic.
    pub fn from_date_utc(date: Date) -> DateTime {
        DateTime {
            date,
            nanos: 0,
            zone: Some(Zone::Offset(0)),
        }
    }
}

impl YmDuration {
    /// The whole months from one date to another, as `java.time.Period.between` counts
    /// them (a partial month at the end does not count; negative when `to` is earlier).
    ///
    /// ```
    /// use feel::{Date, YmDuration};
    /// let d = |s| Date::parse(s).unwrap();
    /// assert_eq!(YmDuration::between(d("2011-12-22"), d("2013-08-24")), YmDuration(20));
    /// assert_eq!(YmDuration::between(d("2013-08-24"), d("2011-12-22")), YmDuration(-20));
    /// ```
    pub fn between(from: Date, to: Date) -> YmDuration {
        let mut months = to.month_index() - from.month_index();
        let days = i64::from(to.day) - i64::from(from.day);
        if months > 0 && days < 0 {
            months -= 1;
        } else if months < 0 && days > 0 {
            months += 1;
        }
        YmDuration(months)
    }
}

/// The current instant as a UTC date-time (the default clock).
pub fn system_now() -> DateTime {
    let since = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH);
    let nanos = match since {
        Ok(d) => i128::try_from(d.as_nanos()).unwrap_or(0),
        Err(e) => -i128::try_from(e.duration().as_nanos()).unwrap_or(0),
    };
    DateTime::from_instant(nanos, Zone::Offset(0)).unwrap_or(DateTime {
        date: Date {
            year: 1970,
            month: 1,
            day: 1,
        },
        nanos: 0,
        zone: Some(Zone::Offset(0)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn now_is_recent() {
        let now = system_now();
        assert!(now.date.year >= 2024, "{now}");
        assert_eq!(now.zone, Some(Zone::Offset(0)));
    }

    #[test]
    fn gap_times_move_forward() {
        let paris = Zone::from_id("Europe/Paris");
        let d = Date::new(2021, 3, 28).unwrap();
        let dt = DateTime::new(d, (2 * 3600 + 1800) * 1_000_000_000, paris).unwrap();
        assert_eq!(dt.to_string(), "2021-03-28T03:30:00@Europe/Paris");
    }
}
