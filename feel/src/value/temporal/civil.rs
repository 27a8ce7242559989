//! Proleptic Gregorian calendar arithmetic on day numbers (days since 1970-01-01), valid far
//! beyond the ±999,999,999 years FEEL values may hold.

use super::{Date, MAX_YEAR, MIN_YEAR};

/// Nanoseconds in a second.
pub(crate) const NANOS_PER_SEC: i128 = 1_000_000_000;
/// Nanoseconds in a day.
pub(crate) const NANOS_PER_DAY: i128 = 86_400 * NANOS_PER_SEC;

/// Whether `year` is a leap year.
pub(crate) fn is_leap(year: i64) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

/// Days in a month (1–12) of a year; 0 for an invalid month.
pub(crate) fn days_in_month(year: i64, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        2 => 28,
        _ => 0,
    }
}

/// The day number of a calendar date (days since 1970-01-01, negative before).
pub(crate) fn days_from_civil(year: i64, month: u8, day: u8) -> i64 {
    let m = i64::from(month);
    let y = if m <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = if m > 2 { m - 3 } else { m + 9 };
    let doy = (153 * mp + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The calendar date `(year, month, day)` of a day number.
pub(crate) fn civil_from_days(days: i64) -> (i64, u8, u8) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    // day is 1..=31 and month 1..=12 by construction.
    (year, month as u8, day as u8)
}

impl Date {
    /// A date, if the fields form a real calendar date within the supported years.
    pub fn new(year: i64, month: i64, day: i64) -> Option<Date> {
        if !(MIN_YEAR..=MAX_YEAR).contains(&year) || !(1..=12).contains(&month) {
            return None;
        }
        let month = u8::try_from(month).ok()?;
        if day < 1 || day > i64::from(days_in_month(year, month)) {
            return None;
        }
        Some(Date {
            year: i32::try_from(year).ok()?,
            month,
            day: u8::try_from(day).ok()?,
        })
    }

    /// The date of a day number, if its year is supported.
    pub fn from_days(days: i64) -> Option<Date> {
        let first = days_from_civil(MIN_YEAR, 1, 1);
        let last = days_from_civil(MAX_YEAR, 12, 31);
        if days < first || days > last {
            return None;
        }
        let (y, m, d) = civil_from_days(days);
        Date::new(y, i64::from(m), i64::from(d))
    }

    /// Days since 1970-01-01 (negative before).
    pub fn days(&self) -> i64 {
        days_from_civil(i64::from(self.year), self.month, self.day)
    }

    /// ISO day of the week: 1 = Monday … 7 = Sunday.
    pub fn weekday(&self) -> u8 {
        // 1970-01-01 was a Thursday (4).
        ((self.days() + 3).rem_euclid(7) + 1) as u8
    }

    /// Day of the year, 1-based.
    pub fn day_of_year(&self) -> u16 {
        let first = days_from_civil(i64::from(self.year), 1, 1);
        (self.days() - first + 1) as u16
    }

    /// ISO-8601 week number (1–53).
    pub fn iso_week(&self) -> u8 {
        let year = i64::from(self.year);
        let week = (i64::from(self.day_of_year()) - i64::from(self.weekday()) + 10) / 7;
        if week < 1 {
            iso_weeks_in_year(year - 1)
        } else if week > i64::from(iso_weeks_in_year(year)) {
            1
        } else {
            week as u8
        }
    }

    /// The last day of this date's month.
    pub fn last_day_of_month(&self) -> Date {
        Date {
            day: days_in_month(i64::from(self.year), self.month),
            ..*self
        }
    }

    /// This date moved by a number of months, the day clamped to the target month's length.
    pub fn plus_months(&self, months: i64) -> Option<Date> {
        let index = i64::from(self.year)
            .checked_mul(12)?
            .checked_add(i64::from(self.month) - 1)?
            .checked_add(months)?;
        let year = index.div_euclid(12);
        let month = (index.rem_euclid(12) + 1) as u8;
        let day = self.day.min(days_in_month(year, month));
        Date::new(year, i64::from(month), i64::from(day))
    }

    /// Months from the year 0 (`year * 12 + month - 1`).
    pub(crate) fn month_index(&self) -> i64 {
        i64::from(self.year) * 12 + i64::from(self.month) - 1
    }
}

/// Number of ISO weeks in a year (52 or 53).
fn iso_weeks_in_year(year: i64) -> u8 {
    let jan1 = (days_from_civil(year, 1, 1) + 3).rem_euclid(7) + 1;
    if jan1 == 4 || (jan1 == 3 && is_leap(year)) {
        53
    } else {
        52
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_day_numbers() {
        for days in [
            -1_000_000,
            -719_468,
            -1,
            0,
            1,
            18_000,
            2_932_896,
            365_000_000,
        ] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
        assert_eq!(civil_from_days(-1), (1969, 12, 31));
    }

    #[test]
    fn extreme_years() {
        let d = Date::new(-999_999_999, 12, 31);
        assert!(d.is_some());
        let d = Date::new(999_999_999, 12, 31).map(|d| d.days());
        assert_eq!(d.and_then(Date::from_days), Date::new(999_999_999, 12, 31));
        assert!(Date::new(1_000_000_000, 1, 1).is_none());
        assert!(Date::new(2017, 2, 29).is_none());
        assert!(Date::new(2016, 2, 29).is_some());
        assert!(Date::from_days(i64::MAX).is_none());
        assert!(Date::from_days(i64::MIN).is_none());
    }

    #[test]
    fn weeks_and_weekdays() {
        let d = |y, m, dd| Date::new(y, m, dd).unwrap_or_else(|| unreachable!());
        assert_eq!(d(2019, 9, 17).weekday(), 2);
        assert_eq!(d(2018, 12, 10).weekday(), 1);
        assert_eq!(d(2019, 9, 17).iso_week(), 38);
        assert_eq!(d(2003, 12, 29).iso_week(), 1);
        assert_eq!(d(2004, 1, 1).iso_week(), 1);
        assert_eq!(d(2010, 1, 1).iso_week(), 53);
        assert_eq!(d(2020, 12, 31).day_of_year(), 366);
        assert_eq!(d(2019, 9, 17).day_of_year(), 260);
        assert_eq!(d(2020, 2, 3).last_day_of_month(), d(2020, 2, 29));
        assert_eq!(d(2021, 1, 31).plus_months(1), Some(d(2021, 2, 28)));
        assert_eq!(d(-2021, 1, 1).plus_months(-1), Some(d(-2022, 12, 1)));
    }
}
