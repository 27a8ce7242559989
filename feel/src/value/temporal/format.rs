//! `Display` of temporal values in their ISO / FEEL text forms (as `string()` gives them).

use std::fmt::{self, Display, Formatter, Write};

use super::civil::{NANOS_PER_DAY, NANOS_PER_SEC};
use super::{Date, DateTime, DtDuration, Time, YmDuration, Zone};

/// Write a date: at least four year digits, `-` for negative years, no `+`.
impl Display for Date {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        let year = i64::from(self.year);
        if year < 0 {
            f.write_char('-')?;
        }
        write!(f, "{:04}-{:02}-{:02}", year.abs(), self.month, self.day)
    }
}

/// Write `HH:MM:SS` and a fraction without trailing zeros.
fn write_clock(f: &mut Formatter<'_>, nanos: u64) -> fmt::Result {
    let secs = nanos / 1_000_000_000;
    let frac = nanos % 1_000_000_000;
    write!(
        f,
        "{:02}:{:02}:{:02}",
        secs / 3600,
        (secs / 60) % 60,
        secs % 60
    )?;
    write_fraction(f, frac)
}

/// Write `.fffffffff` without trailing zeros (nothing for zero).
fn write_fraction(f: &mut Formatter<'_>, frac: u64) -> fmt::Result {
    if frac == 0 {
        return Ok(());
    }
    let digits = format!("{frac:09}");
    write!(f, ".{}", digits.trim_end_matches('0'))
}

/// Write a zone suffix: `Z`, `±HH:MM(:SS)`, or `@Region/City`.
pub(crate) fn write_zone(f: &mut impl Write, zone: Option<Zone>) -> fmt::Result {
    match zone {
        None => Ok(()),
        Some(Zone::Id(tz)) => write!(f, "@{}", tz.name()),
        Some(Zone::Offset(secs)) => write_offset(f, secs, true),
    }
}

/// Write an offset `±HH:MM(:SS)`; zero as `Z` when `z_for_zero`.
pub(crate) fn write_offset(f: &mut impl Write, secs: i32, z_for_zero: bool) -> fmt::Result {
    if secs == 0 && z_for_zero {
        return f.write_char('Z');
    }
    let sign = if secs < 0 { '-' } else { '+' };
    let a = secs.unsigned_abs();
    write!(f, "{sign}{:02}:{:02}", a / 3600, (a / 60) % 60)?;
    if !a.is_multiple_of(60) {
        write!(f, ":{:02}", a % 60)?;
    }
    Ok(())
}

impl Display for Time {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write_clock(f, self.nanos)?;
        write_zone(f, self.zone)
    }
}

impl Display for DateTime {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "{}T", self.date)?;
        write_clock(f, self.nanos)?;
        write_zone(f, self.zone)
    }
}

impl DateTime {
    /// The date-time as Camunda writes it in JSON (Java's `ISO_ZONED_DATE_TIME`, what Zeebe
    /// stores and `to json()` gives): an offset always, the zone id in brackets after it,
    /// `2024-03-31T03:30:00+02:00[Europe/Paris]`; `2024-03-31T01:30:00Z` with a fixed offset,
    /// `2024-03-31T01:30:00` for a local date-time. Without the brackets it is RFC 3339.
    ///
    /// ```
    /// let v = feel::Engine::new()
    ///     .evaluate(r#"date and time("2024-07-14T10:00:00@Europe/Paris")"#, &feel::Context::new())?;
    /// assert_eq!(v.value.to_json(), serde_json::json!("2024-07-14T10:00:00+02:00[Europe/Paris]"));
    /// # Ok::<(), feel::Error>(())
    /// ```
    pub fn to_json_string(&self) -> String {
        struct Json<'a>(&'a DateTime);
        impl Display for Json<'_> {
            fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
                let dt = self.0;
                write!(f, "{}T", dt.date)?;
                write_clock(f, dt.nanos)?;
                match dt.zone {
                    None => Ok(()),
                    Some(Zone::Offset(secs)) => write_offset(f, secs, true),
                    Some(Zone::Id(tz)) => {
                        write_offset(f, dt.offset_secs().unwrap_or(0), true)?;
                        write!(f, "[{}]", tz.name())
                    }
                }
            }
        }
        Json(self).to_string()
    }
}

/// `P1Y2M`, `-P3M`, zero as `P0M`.
impl Display for YmDuration {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        if self.0 == 0 {
            return f.write_str("P0M");
        }
        if self.0 < 0 {
            f.write_char('-')?;
        }
        let total = self.0.unsigned_abs();
        f.write_char('P')?;
        if total / 12 > 0 {
            write!(f, "{}Y", total / 12)?;
        }
        if !total.is_multiple_of(12) {
            write!(f, "{}M", total % 12)?;
        }
        Ok(())
    }
}

impl YmDuration {
    /// The text Camunda's engine gives: as [`Display`], but zero as `P0Y`.
    pub(crate) fn write_camunda(&self, f: &mut impl Write) -> fmt::Result {
        if self.0 == 0 {
            return f.write_str("P0Y");
        }
        write!(f, "{self}")
    }
}

impl DtDuration {
    /// The text Camunda's engine gives: whole seconds only (a fraction is dropped), and
    /// zero as `P0D`.
    pub(crate) fn write_camunda(&self, f: &mut impl Write) -> fmt::Result {
        let whole = self.0 / NANOS_PER_SEC * NANOS_PER_SEC;
        if whole == 0 {
            return f.write_str("P0D");
        }
        write!(f, "{}", DtDuration(whole))
    }
}

/// `P1DT2H3M4.5S` with days, hours below 24, minutes and seconds; zero as `PT0S`.
impl Display for DtDuration {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        if self.0 == 0 {
            return f.write_str("PT0S");
        }
        if self.0 < 0 {
            f.write_char('-')?;
        }
        let total = self.0.unsigned_abs();
        let day = NANOS_PER_DAY.unsigned_abs();
        let sec = NANOS_PER_SEC.unsigned_abs();
        let days = total / day;
        let rest = total % day;
        let secs = rest / sec;
        let frac = (rest % sec) as u64;
        f.write_char('P')?;
        if days > 0 {
            write!(f, "{days}D")?;
        }
        if rest == 0 {
            return Ok(());
        }
        f.write_char('T')?;
        if secs / 3600 > 0 {
            write!(f, "{}H", secs / 3600)?;
        }
        if !(secs / 60).is_multiple_of(60) {
            write!(f, "{}M", (secs / 60) % 60)?;
        }
        if !secs.is_multiple_of(60) || frac > 0 {
            write!(f, "{}", secs % 60)?;
            write_fraction(f, frac)?;
            f.write_char('S')?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(DtDuration(0).to_string(), "PT0S");
        assert_eq!(DtDuration(25 * 3600 * NANOS_PER_SEC).to_string(), "P1DT1H");
        assert_eq!(DtDuration(-(NANOS_PER_SEC / 2)).to_string(), "-PT0.5S");
        assert_eq!(DtDuration(9498 * NANOS_PER_DAY).to_string(), "P9498D");
        let camunda_dt = |n: i128| {
            let mut s = String::new();
            DtDuration(n).write_camunda(&mut s).map(|()| s)
        };
        assert_eq!(camunda_dt(0).as_deref(), Ok("P0D"));
        assert_eq!(camunda_dt(NANOS_PER_SEC / 2).as_deref(), Ok("P0D"));
        assert_eq!(camunda_dt(-(3 * NANOS_PER_SEC / 2)).as_deref(), Ok("-PT1S"));
        assert_eq!(
            camunda_dt(NANOS_PER_DAY + 61 * NANOS_PER_SEC).as_deref(),
            Ok("P1DT1M1S")
        );
        let camunda_ym = |n: i64| {
            let mut s = String::new();
            YmDuration(n).write_camunda(&mut s).map(|()| s)
        };
        assert_eq!(camunda_ym(0).as_deref(), Ok("P0Y"));
        assert_eq!(camunda_ym(-14).as_deref(), Ok("-P1Y2M"));
        assert_eq!(YmDuration(0).to_string(), "P0M");
        assert_eq!(YmDuration(-57).to_string(), "-P4Y9M");
        assert_eq!(YmDuration(12).to_string(), "P1Y");
    }

    #[test]
    fn dates_and_times() {
        let d = |y, m, dd| Date::new(y, m, dd).unwrap();
        assert_eq!(d(-1, 1, 1).to_string(), "-0001-01-01");
        assert_eq!(d(0, 1, 1).to_string(), "0000-01-01");
        assert_eq!(d(99_999, 12, 31).to_string(), "99999-12-31");
        let t = Time::new(11, 59, 45, 0, Some(Zone::Offset(2 * 3600 + 45 * 60 + 55))).unwrap();
        assert_eq!(t.to_string(), "11:59:45+02:45:55");
        let t = Time::new(11, 59, 45, 300_000_000, Some(Zone::Offset(-3600))).unwrap();
        assert_eq!(t.to_string(), "11:59:45.3-01:00");
    }
}
