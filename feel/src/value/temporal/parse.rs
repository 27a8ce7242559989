//! Parsing the ISO 8601 / FEEL text forms of temporal values.

use super::civil::{NANOS_PER_DAY, NANOS_PER_SEC};
use super::zone::{parse_zone_id, MAX_OFFSET_SECS};
use super::{Date, DateTime, DtDuration, Time, YmDuration, Zone};
use crate::value::Value;

/// Exactly `n` ASCII digits at the start of `s`, as a number, and the rest.
fn fixed_digits(s: &str, n: usize) -> Option<(u32, &str)> {
    let head = s.get(..n)?;
    if !head.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some((head.parse().ok()?, s.get(n..)?))
}

/// The leading run of ASCII digits and the rest.
fn digit_run(s: &str) -> (&str, &str) {
    let end = s
        .bytes()
        .position(|b| !b.is_ascii_digit())
        .unwrap_or(s.len());
    (s.get(..end).unwrap_or(""), s.get(end..).unwrap_or(""))
}

impl Date {
    /// Parse `-?YYYY-MM-DD` (a year of 4 to 9 digits, no leading zero beyond four digits),
    /// validating the calendar date.
    ///
    /// ```
    /// use feel::Date;
    /// assert_eq!(Date::parse("-2017-12-31").map(|d| d.year), Some(-2017));
    /// assert!(Date::parse("2017-02-29").is_none());
    /// assert!(Date::parse("998-12-31").is_none());
    /// ```
    pub fn parse(text: &str) -> Option<Date> {
        let (negative, s) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let (year, s) = digit_run(s);
        if year.len() < 4 || year.len() > 9 || (year.len() > 4 && year.starts_with('0')) {
            return None;
        }
        let s = s.strip_prefix('-')?;
        let (month, s) = fixed_digits(s, 2)?;
        let s = s.strip_prefix('-')?;
        let (day, s) = fixed_digits(s, 2)?;
        if !s.is_empty() {
            return None;
        }
        let year: i64 = year.parse().ok()?;
        let year = if negative { -year } else { year };
        Date::new(year, i64::from(month), i64::from(day))
    }
}

/// Parse `HH:MM(:SS(.f+)?)?`; returns nanoseconds (up to and including 24:00:00) and the
/// rest of the text.
fn time_of_day(s: &str) -> Option<(u64, &str)> {
    let (hour, s) = fixed_digits(s, 2)?;
    let s = s.strip_prefix(':')?;
    let (minute, mut s) = fixed_digits(s, 2)?;
    let mut second = 0;
    let mut nano = 0u64;
    if let Some(rest) = s.strip_prefix(':') {
        let (sec, rest) = fixed_digits(rest, 2)?;
        second = sec;
        s = rest;
        if let Some(rest) = s.strip_prefix('.') {
            let (frac, rest) = digit_run(rest);
            if frac.is_empty() {
                return None;
            }
            nano = fraction_nanos(frac)?;
            s = rest;
        }
    }
    if minute > 59 || second > 59 {
        return None;
    }
    if hour == 24 && (minute, second, nano) == (0, 0, 0) {
        return Some((NANOS_PER_DAY as u64, s));
    }
    if hour > 23 {
        return None;
    }
    let secs = u64::from(hour) * 3600 + u64::from(minute) * 60 + u64::from(second);
    Some((secs * 1_000_000_000 + nano, s))
}

/// Nanoseconds of a decimal fraction's digits (digits beyond the ninth are dropped).
fn fraction_nanos(frac: &str) -> Option<u64> {
    let mut nanos = 0u64;
    for (i, b) in frac.bytes().take(9).enumerate() {
        nanos += u64::from(b - b'0') * 10u64.pow(8 - i as u32);
    }
    Some(nanos)
}

/// Parse a zone suffix: empty, `Z`, `±HH:MM(:SS)?`, `±HH:MM[Region/City]`, `@Region/City`.
fn zone_suffix(s: &str) -> Option<Option<Zone>> {
    if s.is_empty() {
        return Some(None);
    }
    if s == "Z" {
        return Some(Some(Zone::Offset(0)));
    }
    if let Some(id) = s.strip_prefix('@') {
        return parse_zone_id(id).map(Some);
    }
    let (sign, rest) = match s.as_bytes().first() {
        Some(b'+') => (1, s.get(1..)?),
        Some(b'-') => (-1, s.get(1..)?),
        _ => return None,
    };
    let (hours, rest) = fixed_digits(rest, 2)?;
    let rest = rest.strip_prefix(':')?;
    let (minutes, mut rest) = fixed_digits(rest, 2)?;
    let mut seconds = 0;
    if let Some(r) = rest.strip_prefix(':') {
        let (sec, r) = fixed_digits(r, 2)?;
        seconds = sec;
        rest = r;
    }
    if minutes > 59 || seconds > 59 {
        return None;
    }
    let total = i32::try_from(hours * 3600 + minutes * 60 + seconds).ok()?;
    if total > MAX_OFFSET_SECS {
        return None;
    }
    if rest.is_empty() {
        return Some(Some(Zone::Offset(sign * total)));
    }
    let id = rest.strip_prefix('[')?.strip_suffix(']')?;
    parse_zone_id(id).map(Some)
}

impl Time {
    /// Parse `HH:MM:SS(.f+)?` with an optional `Z`, `±HH:MM(:SS)?` or `@Region/City`.
    /// `24:00:00` is midnight.
    ///
    /// ```
    /// use feel::Time;
    /// assert_eq!(Time::parse("11:22:33-00:00").map(|t| t.to_string()), Some("11:22:33Z".into()));
    /// assert!(Time::parse("24:00:01").is_none());
    /// ```
    pub fn parse(text: &str) -> Option<Time> {
        let (nanos, rest) = time_of_day(text)?;
        let zone = zone_suffix(rest)?;
        Some(Time {
            nanos: nanos % NANOS_PER_DAY as u64,
            zone,
        })
    }
}

impl DateTime {
    /// Parse `date` `T` `time` with the zone suffixes of [`Time::parse`] (and also
    /// `+01:00[Europe/Berlin]`); a date alone is local midnight. `T24:00:00` is the next
    /// day's midnight.
    ///
    /// ```
    /// use feel::DateTime;
    /// let dt = DateTime::parse("2021-01-01T24:00:00").unwrap();
    /// assert_eq!(dt.to_string(), "2021-01-02T00:00:00");
    /// ```
    pub fn parse(text: &str) -> Option<DateTime> {
        let Some((date, time)) = text.split_once('T') else {
            return Date::parse(text).map(|date| DateTime {
                date,
                nanos: 0,
                zone: None,
            });
        };
        let date = Date::parse(date)?;
        let (nanos, rest) = time_of_day(time)?;
        let zone = zone_suffix(rest)?;
        let local = i128::from(date.days()) * NANOS_PER_DAY + i128::from(nanos);
        let dt = DateTime::from_local_nanos(local, zone)?;
        DateTime::new(dt.date, dt.nanos, dt.zone)
    }
}

/// A signed integer component of a duration (`-?digits`), and the rest.
fn component(s: &str) -> Option<(i128, &str)> {
    let (negative, s) = match s.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, s),
    };
    let (digits, rest) = digit_run(s);
    if digits.is_empty() || digits.len() > 30 {
        return None;
    }
    let n: i128 = digits.parse().ok()?;
    Some((if negative { -n } else { n }, rest))
}

/// Split an optional leading `-` and the mandatory `P`.
fn duration_body(text: &str) -> Option<(bool, &str)> {
    let (negative, s) = match text.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, text),
    };
    Some((negative, s.strip_prefix('P')?))
}

impl YmDuration {
    /// Parse `-?P(nY)?(nM)?` (at least one part); the result is in months.
    ///
    /// ```
    /// use feel::YmDuration;
    /// assert_eq!(YmDuration::parse("P1Y27M"), Some(YmDuration(39)));
    /// assert_eq!(YmDuration::parse("P1D"), None);
    /// ```
    pub fn parse(text: &str) -> Option<YmDuration> {
        let (negative, mut s) = duration_body(text)?;
        let mut months: i128 = 0;
        let mut seen = false;
        for (unit, factor) in [('Y', 12), ('M', 1)] {
            if let Some((n, rest)) = component(s) {
                if let Some(rest) = rest.strip_prefix(unit) {
                    months = months.checked_add(n.checked_mul(factor)?)?;
                    s = rest;
                    seen = true;
                }
            }
        }
        if !seen || !s.is_empty() {
            return None;
        }
        let months = i64::try_from(months).ok()?;
        Some(YmDuration(if negative { -months } else { months }))
    }
}

impl DtDuration {
    /// Parse `-?P(nD)?(T(nH)?(nM)?(n(.f*)?S)?)?` (at least one part); components may be
    /// negative (`PT-5M`), as `java.time.Duration` accepts.
    ///
    /// ```
    /// use feel::DtDuration;
    /// assert_eq!(DtDuration::parse("PT1M30S"), Some(DtDuration(90_000_000_000)));
    /// assert_eq!(DtDuration::parse("P1Y"), None);
    /// ```
    pub fn parse(text: &str) -> Option<DtDuration> {
        let (negative, mut s) = duration_body(text)?;
        let mut nanos: i128 = 0;
        let mut seen = false;
        if let Some((n, rest)) = component(s) {
            if let Some(rest) = rest.strip_prefix('D') {
                nanos = n.checked_mul(NANOS_PER_DAY)?;
                s = rest;
                seen = true;
            }
        }
        if let Some(rest) = s.strip_prefix('T') {
            s = rest;
            let mut seen_time = false;
            for (unit, factor) in [('H', 3600 * NANOS_PER_SEC), ('M', 60 * NANOS_PER_SEC)] {
                if let Some((n, rest)) = component(s) {
                    if let Some(rest) = rest.strip_prefix(unit) {
                        nanos = nanos.checked_add(n.checked_mul(factor)?)?;
                        s = rest;
                        seen_time = true;
                    }
                }
            }
            if let Some((n, rest)) = component(s) {
                let (frac, rest) = match rest.strip_prefix('.') {
                    Some(r) => {
                        let (f, r) = digit_run(r);
                        (fraction_nanos(f)?, r)
                    }
                    None => (0, rest),
                };
                if let Some(rest) = rest.strip_prefix('S') {
                    let frac = i128::from(frac);
                    let sign_negative = n < 0 || s.starts_with('-');
                    let secs = n.checked_mul(NANOS_PER_SEC)?;
                    let part = if sign_negative {
                        secs - frac
                    } else {
                        secs + frac
                    };
                    nanos = nanos.checked_add(part)?;
                    s = rest;
                    seen_time = true;
                }
            }
            if !seen_time {
                return None;
            }
            seen = true;
        }
        if !seen || !s.is_empty() {
            return None;
        }
        Some(DtDuration(if negative { -nanos } else { nanos }))
    }
}

/// Parse a duration of either kind: a years-months form gives
/// [`Value::YearsMonths`], a days-time form [`Value::DaysTime`].
pub fn parse_duration(text: &str) -> Option<Value> {
    YmDuration::parse(text)
        .map(Value::YearsMonths)
        .or_else(|| DtDuration::parse(text).map(Value::DaysTime))
}

/// Parse a time as Camunda's engine does: as [`Time::parse`], also after a `T` prefix
/// (`T10:30:00`, feel-scala's time formatter with an optional prefix).
pub(crate) fn parse_camunda_time(text: &str) -> Option<Time> {
    Time::parse(text).or_else(|| Time::parse(text.strip_prefix('T')?))
}

/// Parse the text of a temporal literal `@"…"`: a date, time, date-time or duration.
///
/// ```
/// use feel::temporal::parse_literal;
/// use feel::ValueKind;
/// assert_eq!(parse_literal("2019-03-31").map(|v| v.kind()), Some(ValueKind::Date));
/// assert_eq!(parse_literal("10:30:11@Australia/Melbourne").map(|v| v.kind()), Some(ValueKind::Time));
/// assert_eq!(parse_literal("P10D").map(|v| v.kind()), Some(ValueKind::DaysTimeDuration));
/// assert_eq!(parse_literal("foo"), None);
/// ```
pub fn parse_literal(text: &str) -> Option<Value> {
    if text.starts_with('P') || text.starts_with("-P") {
        return parse_duration(text);
    }
    if let Some((date, _)) = text.split_once('T') {
        if Date::parse(date).is_some() {
            return DateTime::parse(text).map(Value::DateTime);
        }
    }
    if let Some(d) = Date::parse(text) {
        return Some(Value::Date(d));
    }
    Time::parse(text).map(Value::Time)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn show(v: Option<Value>) -> String {
        v.map_or_else(|| "none".to_string(), |v| v.to_feel_string())
    }

    #[test]
    fn dates() {
        assert_eq!(
            Date::parse("2017-12-31").map(|d| d.to_string()).as_deref(),
            Some("2017-12-31")
        );
        assert_eq!(
            Date::parse("999999999-12-31")
                .map(|d| d.to_string())
                .as_deref(),
            Some("999999999-12-31")
        );
        for bad in [
            "",
            "2012-12-25T",
            "2012/12/25",
            "9999999999-12-25",
            "2017-13-10",
            "2017-12-32",
            "998-12-31",
            "01211-12-31",
            "+2012-12-02",
            "2017-1-01",
            "2017-01-01 ",
        ] {
            assert!(Date::parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn times() {
        let t = |s: &str| Time::parse(s).map(|t| t.to_string());
        assert_eq!(
            t("11:22:33.123456789").as_deref(),
            Some("11:22:33.123456789")
        );
        assert_eq!(t("13:20:00-05:00").as_deref(), Some("13:20:00-05:00"));
        assert_eq!(t("11:22:33+00:00").as_deref(), Some("11:22:33Z"));
        assert_eq!(t("00:01:00@Etc/UTC").as_deref(), Some("00:01:00@Etc/UTC"));
        assert_eq!(
            t("10:30:00.0001+05:00:01").as_deref(),
            Some("10:30:00.0001+05:00:01")
        );
        assert_eq!(t("24:00:00").as_deref(), Some("00:00:00"));
        assert_eq!(t("10:30").as_deref(), Some("10:30:00"));
        for bad in [
            "",
            "23:59:60",
            "24:00:01",
            "24:01:00",
            "25:00:00",
            "00:60:00",
            "00:00:61",
            "7:00:00",
            "07:1:00",
            "07:01:2",
            "13:20:00@xyz/abc",
            "13:20:00+19:00",
            "13:20:00+5:00",
            "13:20:00+5",
            "13:20:00+02:00@Europe/Paris",
            "7:20",
            "07:2",
            "11:30:00T",
            "10:30:00.",
        ] {
            assert!(Time::parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn date_times() {
        let p = |s: &str| DateTime::parse(s).map(|t| t.to_string());
        assert_eq!(p("2012-12-24").as_deref(), Some("2012-12-24T00:00:00"));
        assert_eq!(
            p("-2017-12-31T11:22:33.456+01:35").as_deref(),
            Some("-2017-12-31T11:22:33.456+01:35")
        );
        assert_eq!(
            p("2021-09-08T10:30:00+02:00[Europe/Berlin]").as_deref(),
            Some("2021-09-08T10:30:00@Europe/Berlin")
        );
        assert_eq!(
            p("999999999-12-31T23:59:59.999999999@Europe/Paris").as_deref(),
            Some("999999999-12-31T23:59:59.999999999@Europe/Paris")
        );
        for bad in [
            "11:00:00",
            "2011-12-0310:15:30",
            "2011-12-03T10:15:30+01:00@Europe/Paris",
            "2017-13-0T11:22:33",
            "+99999-12-01T11:22:33",
            "2017-12-31T13:20:00+05:0",
            "2012-12-24T",
        ] {
            assert!(DateTime::parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn durations() {
        let d = |s: &str| show(parse_duration(s));
        assert_eq!(d("P1DT2H3M4.123456789S"), "P1DT2H3M4.123456789S");
        assert_eq!(d("PT0.S"), "PT0S");
        assert_eq!(d("P0D"), "PT0S");
        assert_eq!(d("PT1000M0.999999999S"), "PT16H40M0.999999999S");
        assert_eq!(d("P2DT274M"), "P2DT4H34M");
        assert_eq!(d("-PT1H2M"), "-PT1H2M");
        assert_eq!(d("PT-5M"), "-PT5M");
        assert_eq!(d("PT-1.5S"), "-PT1.5S");
        assert_eq!(d("P0Y"), "P0M");
        assert_eq!(d("-P999999999M"), "-P83333333Y3M");
        assert_eq!(d("P1Y27M"), "P3Y3M");
        for bad in [
            "",
            "P",
            "P0",
            "1Y",
            "1D",
            "P1H",
            "P1S",
            "PT",
            "P1Y2D",
            "P1DT",
            "2012T-12-2511:00:00Z",
        ] {
            assert_eq!(d(bad), "none", "{bad}");
        }
    }

    #[test]
    fn literals_pick_the_kind() {
        assert_eq!(
            show(parse_literal("2018-12-08T10:30:11")),
            "2018-12-08T10:30:11"
        );
        assert_eq!(show(parse_literal("10:30:11+11:00")), "10:30:11+11:00");
        assert_eq!(show(parse_literal("P10Y")), "P10Y");
        assert_eq!(show(parse_literal("10:30:00@Etc/UTC")), "10:30:00@Etc/UTC");
        assert_eq!(show(parse_literal("2018-12-08T")), "none");
        assert_eq!(show(parse_literal("foo")), "none");
    }
}

#[cfg(test)]
mod props {
    use super::super::{MAX_YEAR, MIN_YEAR};
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn date_text_round_trips(days in -365_242_500_000i64..365_242_000_000) {
            if let Some(d) = Date::from_days(days) {
                prop_assert!((MIN_YEAR..=MAX_YEAR).contains(&i64::from(d.year)));
                prop_assert_eq!(Date::parse(&d.to_string()), Some(d));
                prop_assert_eq!(d.days(), days);
            }
        }

        #[test]
        fn date_time_text_round_trips(
            days in -800_000i64..3_000_000,
            nanos in 0u64..86_400_000_000_000,
            offset in -64_800i32..=64_800,
            zoned in any::<bool>(),
        ) {
            let date = Date::from_days(days).unwrap();
            let zone = zoned.then_some(Zone::Offset(offset));
            let dt = DateTime { date, nanos, zone };
            prop_assert_eq!(DateTime::parse(&dt.to_string()), Some(dt));
        }

        #[test]
        fn duration_text_round_trips(nanos in -(10i128.pow(25))..10i128.pow(25), months in -(10i64.pow(12))..10i64.pow(12)) {
            let d = DtDuration(nanos);
            prop_assert_eq!(DtDuration::parse(&d.to_string()), Some(d));
            let m = YmDuration(months);
            prop_assert_eq!(YmDuration::parse(&m.to_string()), Some(m));
        }

        #[test]
        fn parsing_never_panics(s in "[-+PTYMDHSZ@:./0-9A-Za-z\\[\\]]{0,40}") {
            let _ = parse_literal(&s);
            let _ = DateTime::parse(&s);
        }
    }
}
