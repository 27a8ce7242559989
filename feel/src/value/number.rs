//! Number helpers: parsing and formatting decimals the FEEL way.

use std::str::FromStr;

use rust_decimal::Decimal;

/// Parse a decimal written with optional sign, fraction and exponent (`1.5`, `-2e3`, `.5`).
/// Returns `None` when the text is not a number or does not fit a decimal.
pub fn parse_decimal(text: &str) -> Option<Decimal> {
    let t = text.trim();
    if t.is_empty() {
        return None;
    }
    let body = t.strip_prefix(['+', '-']).unwrap_or(t);
    if body.is_empty()
        || !body
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '+' | '-'))
        || !body
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_digit() || c == '.')
    {
        return None;
    }
    if body.contains(['e', 'E']) {
        return Decimal::from_scientific(t).ok().map(|d| d.normalize());
    }
    let t2 = if let Some(rest) = t.strip_prefix('+') {
        rest
    } else {
        t
    };
    Decimal::from_str(t2)
        .or_else(|_| Decimal::from_str_exact(t2))
        .ok()
        .or_else(|| round_long(t2))
}

/// Write a number as Java's `BigDecimal.toString` does for the numbers a decimal holds, as
/// Camunda's engine prints them: the scale kept (`1.10`, `11.90`), no negative zero.
pub(crate) fn write_with_scale(out: &mut impl std::fmt::Write, n: &Decimal) -> std::fmt::Result {
    if n.is_zero() {
        write!(out, "{}", n.abs())
    } else {
        write!(out, "{n}")
    }
}

/// The decimal a `double` turns into in Camunda's engine (Scala's `BigDecimal.decimal`): the
/// shortest text that reads back as the same `f64` (`2 ** 0.5` is 1.4142135623730951).
/// `None` for infinities, NaN and values outside the decimal range.
pub(crate) fn from_double(x: f64) -> Option<Decimal> {
    if !x.is_finite() {
        return None;
    }
    parse_decimal(&format!("{x:?}")).map(|d| d.normalize())
}

/// Parse a decimal literal with more digits than fit: round the fraction.
fn round_long(text: &str) -> Option<Decimal> {
    let (int, frac) = text.split_once('.')?;
    let keep = 28usize.saturating_sub(int.trim_start_matches('-').len());
    let frac = &frac[..frac.len().min(keep)];
    Decimal::from_str(&format!("{int}.{frac}")).ok()
}

/// Format a number as FEEL prints it: no trailing zeros, no exponent.
///
/// ```
/// let n = feel::parse_decimal("1.50").unwrap();
/// assert_eq!(feel::format_decimal(&n), "1.5");
/// ```
pub fn format_decimal(n: &Decimal) -> String {
    let mut out = String::new();
    // writing to a String cannot fail
    let _ = write_decimal(&mut out, n);
    out
}

/// Write a number as [`format_decimal`] formats it.
pub fn write_decimal(out: &mut impl std::fmt::Write, n: &Decimal) -> std::fmt::Result {
    match integer(n) {
        // whole numbers, the usual case, by the integer formatter
        Some(i) => write!(out, "{i}"),
        None => write!(out, "{}", n.normalize()),
    }
}

/// The value of a whole number that fits an `i64`.
pub(crate) fn integer(n: &Decimal) -> Option<i64> {
    if n.scale() == 0 {
        return i64::try_from(n.mantissa()).ok();
    }
    let n = n.normalize();
    if n.scale() == 0 {
        i64::try_from(n.mantissa()).ok()
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Whole numbers take the integer formatter; every number prints as the decimal
        /// type's own normalised text.
        #[test]
        fn formats_as_the_normalised_decimal(m in any::<i64>(), wide in any::<i128>(), scale in 0u32..29, sign in any::<bool>()) {
            for mantissa in [i128::from(m), wide % 10i128.pow(28)] {
                let mut d = Decimal::from_i128_with_scale(mantissa, scale);
                d.set_sign_negative(sign && mantissa == 0 || d.is_sign_negative());
                prop_assert_eq!(format_decimal(&d), d.normalize().to_string());
            }
        }
    }

    #[test]
    fn doubles_become_their_shortest_text() {
        let text = |x: f64| from_double(x).map(|d| format_decimal(&d));
        assert_eq!(text(2f64.sqrt()).as_deref(), Some("1.4142135623730951"));
        assert_eq!(text(0.1 + 0.2).as_deref(), Some("0.30000000000000004"));
        assert_eq!(text(1e-7).as_deref(), Some("0.0000001"));
        assert_eq!(text(8.0).as_deref(), Some("8"));
        assert_eq!(text(f64::INFINITY), None);
        assert_eq!(text(f64::NAN), None);
        assert_eq!(text(1e40), None);
    }

    #[test]
    fn parses() {
        assert_eq!(
            parse_decimal("1.50").map(|d| format_decimal(&d)),
            Some("1.5".into())
        );
        assert_eq!(
            parse_decimal("-2e3").map(|d| format_decimal(&d)),
            Some("-2000".into())
        );
        assert_eq!(
            parse_decimal(".5").map(|d| format_decimal(&d)),
            Some("0.5".into())
        );
        assert_eq!(parse_decimal("abc"), None);
        for text in ["0", "-0", "-0.000", "0.00", "120.00", "-7", "1e3", "0.1"] {
            let d = parse_decimal(text).unwrap_or_default();
            assert_eq!(format_decimal(&d), d.normalize().to_string(), "{text}");
        }
        assert_eq!(parse_decimal(""), None);
    }
}
