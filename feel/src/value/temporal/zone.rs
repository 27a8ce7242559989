//! Zone offsets: fixed offsets directly, IANA zone ids through `chrono-tz`.
//!
//! Instants far outside chrono's range are looked up with the year clamped into it; zone
//! rules are only known for a few centuries anyway.

use chrono::{NaiveDate, Offset, TimeZone};
use chrono_tz::{OffsetComponents, Tz};

use super::civil::{civil_from_days, days_from_civil};
use super::Zone;

/// Seconds in a day.
const SECS_PER_DAY: i64 = 86_400;
/// Years beyond these are clamped before asking chrono.
const CHRONO_YEAR_LIMIT: i64 = 200_000;

/// The largest offset a zone may have (±18:00), in seconds.
pub(crate) const MAX_OFFSET_SECS: i32 = 18 * 3600;

/// Parse an IANA zone id such as `Europe/Berlin`.
pub(crate) fn parse_zone_id(id: &str) -> Option<Zone> {
    id.parse::<Tz>().ok().map(Zone::Id)
}

/// A naive date-time for chrono from epoch seconds, the year clamped into chrono's range.
fn naive(epoch_secs: i64) -> Option<chrono::NaiveDateTime> {
    let days = epoch_secs.div_euclid(SECS_PER_DAY);
    let secs = epoch_secs.rem_euclid(SECS_PER_DAY);
    let (y, m, d) = civil_from_days(days);
    let y = y.clamp(-CHRONO_YEAR_LIMIT, CHRONO_YEAR_LIMIT);
    let d = if m == 2 && d == 29 && days_from_civil(y, 3, 1) - days_from_civil(y, 2, 1) == 28 {
        28
    } else {
        d
    };
    let date = NaiveDate::from_ymd_opt(i32::try_from(y).ok()?, u32::from(m), u32::from(d))?;
    date.and_hms_opt(
        (secs / 3600) as u32,
        ((secs / 60) % 60) as u32,
        (secs % 60) as u32,
    )
}

/// The offset (seconds) a zone has at an instant given as UTC epoch seconds.
pub(crate) fn offset_at_instant(zone: Zone, epoch_secs: i64) -> i32 {
    match zone {
        Zone::Offset(s) => s,
        Zone::Id(tz) => naive(epoch_secs)
            .map(|n| tz.offset_from_utc_datetime(&n).fix().local_minus_utc())
            .unwrap_or(0),
    }
}

/// The offset (seconds) for a local date-time given as local epoch seconds.
///
/// In an overlap the earlier offset wins; in a gap the offset before the gap is used (so
/// the local time moves forward by the gap's length), as `java.time` does.
pub(crate) fn offset_for_local(zone: Zone, local_secs: i64) -> i32 {
    match zone {
        Zone::Offset(s) => s,
        Zone::Id(tz) => {
            let Some(n) = naive(local_secs) else {
                return 0;
            };
            match tz.offset_from_local_datetime(&n) {
                chrono::LocalResult::Single(o) => o.fix().local_minus_utc(),
                chrono::LocalResult::Ambiguous(a, b) => {
                    let (a, b) = (a.fix().local_minus_utc(), b.fix().local_minus_utc());
                    a.max(b)
                }
                chrono::LocalResult::None => {
                    offset_at_instant(zone, local_secs.saturating_sub(SECS_PER_DAY))
                }
            }
        }
    }
}

/// The standard (non-daylight) offset of a zone, used for times of day with a zone id,
/// which have no date to look the offset up for. Rules as of 2024-01-01.
pub(crate) fn standard_offset(zone: Zone) -> i32 {
    match zone {
        Zone::Offset(s) => s,
        Zone::Id(tz) => {
            let Some(n) = NaiveDate::from_ymd_opt(2024, 1, 1).and_then(|d| d.and_hms_opt(0, 0, 0))
            else {
                return 0;
            };
            let o = tz.offset_from_utc_datetime(&n);
            i32::try_from(o.base_utc_offset().num_seconds()).unwrap_or(0)
        }
    }
}

/// The zone's id, if it is a named zone.
pub(crate) fn zone_name(zone: Zone) -> Option<&'static str> {
    match zone {
        Zone::Offset(_) => None,
        Zone::Id(tz) => Some(tz.name()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paris() -> Zone {
        parse_zone_id("Europe/Paris").unwrap()
    }

    #[test]
    fn offsets_follow_daylight_saving() {
        // 2018-10-08T00:00 local and 2018-02-08T00:00 local.
        let oct = days_from_civil(2018, 10, 8) * SECS_PER_DAY;
        let feb = days_from_civil(2018, 2, 8) * SECS_PER_DAY;
        assert_eq!(offset_for_local(paris(), oct), 7200);
        assert_eq!(offset_for_local(paris(), feb), 3600);
        assert_eq!(offset_at_instant(paris(), oct), 7200);
        assert_eq!(standard_offset(paris()), 3600);
    }

    #[test]
    fn gap_and_overlap() {
        // 2021-03-28T02:30 does not exist in Paris; 2021-10-31T02:30 exists twice.
        let gap = days_from_civil(2021, 3, 28) * SECS_PER_DAY + 2 * 3600 + 1800;
        assert_eq!(offset_for_local(paris(), gap), 3600);
        let overlap = days_from_civil(2021, 10, 31) * SECS_PER_DAY + 2 * 3600 + 1800;
        assert_eq!(offset_for_local(paris(), overlap), 7200);
    }

    #[test]
    fn far_years_do_not_fail() {
        let far = days_from_civil(999_999_999, 12, 31) * SECS_PER_DAY;
        assert_eq!(offset_for_local(paris(), far), 3600);
        let past = days_from_civil(-999_999_999, 2, 29) * SECS_PER_DAY;
        let _ = offset_for_local(paris(), past);
        assert!(parse_zone_id("xyz/abc").is_none());
    }
}
