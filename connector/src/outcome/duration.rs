//! ISO-8601 durations as `java.time.Duration` reads and writes them (`PT30S`, `PT1M30S`,
//! `P1DT2H`), for `retryBackoff`.

use std::time::Duration;

/// Parse `PnDTnHnMn.nS` (case-insensitive; a leading `+` is allowed, negative durations are not).
pub fn parse_duration(text: &str) -> Option<Duration> {
    let upper = text.trim().to_ascii_uppercase();
    let rest = upper
        .strip_prefix('+')
        .unwrap_or(&upper)
        .strip_prefix('P')?;
    let (date, time) = match rest.split_once('T') {
        Some((d, t)) => {
            if t.is_empty() {
                return None;
            }
            (d, Some(t))
        }
        None => (rest, None),
    };
    let mut nanos: u128 = 0;
    let mut any = false;
    if !date.is_empty() {
        let days = date.strip_suffix('D')?;
        nanos += days.parse::<u128>().ok()? * 86_400_000_000_000;
        any = true;
    }
    if let Some(mut t) = time {
        for (unit, factor) in [('H', 3_600_000_000_000u128), ('M', 60_000_000_000)] {
            if let Some(i) = t.find(unit) {
                let (n, after) = t.split_at(i);
                nanos += n.parse::<u128>().ok()? * factor;
                t = after.get(1..)?;
                any = true;
            }
        }
        if !t.is_empty() {
            let secs = t.strip_suffix('S')?;
            let (whole, frac) = secs.split_once('.').unwrap_or((secs, ""));
            if frac.len() > 9 || !frac.chars().all(|c| c.is_ascii_digit()) {
                return None;
            }
            nanos += whole.parse::<u128>().ok()? * 1_000_000_000;
            if !frac.is_empty() {
                nanos += format!("{frac:0<9}").parse::<u128>().ok()?;
            }
            any = true;
        }
    }
    if !any {
        return None;
    }
    let secs = u64::try_from(nanos / 1_000_000_000).ok()?;
    let sub = u32::try_from(nanos % 1_000_000_000).ok()?;
    Some(Duration::new(secs, sub))
}

/// Format as `java.time.Duration.toString()` does: `PT0S`, `PT30S`, `PT1M30S`, `PT24H`, `PT0.05S`.
pub fn format_duration(d: Duration) -> String {
    let total = d.as_secs();
    let nanos = d.subsec_nanos();
    if total == 0 && nanos == 0 {
        return "PT0S".into();
    }
    let (h, m, s) = (total / 3600, (total % 3600) / 60, total % 60);
    let mut out = String::from("PT");
    if h > 0 {
        out.push_str(&format!("{h}H"));
    }
    if m > 0 {
        out.push_str(&format!("{m}M"));
    }
    if s > 0 || nanos > 0 {
        out.push_str(&s.to_string());
        if nanos > 0 {
            let frac = format!("{nanos:09}");
            out.push('.');
            out.push_str(frac.trim_end_matches('0'));
        }
        out.push('S');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_and_format_round_trip() {
        for (text, secs, out) in [
            ("PT30S", 30.0, "PT30S"),
            ("PT5M", 300.0, "PT5M"),
            ("P1D", 86400.0, "PT24H"),
            ("PT1H30M0.5S", 5400.5, "PT1H30M0.5S"),
            ("pt0s", 0.0, "PT0S"),
        ] {
            let d = parse_duration(text).unwrap();
            assert_eq!(d.as_secs_f64(), secs, "{text}");
            assert_eq!(format_duration(d), out);
        }
        for bad in ["30S", "PT", "P", "PTS", "-PT1S", "PT1.1234567891S", "P1H"] {
            assert_eq!(parse_duration(bad), None, "{bad}");
        }
    }
}
