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

/// Parse a decimal literal with more digits than fit: round the fraction.
fn round_long(text: &str) -> Option<Decimal> {
    let (int, frac) = text.split_once('.')?;
    let keep = 28usize.saturating_sub(int.trim_start_matches('-').len());
    let frac = &frac[..frac.len().min(keep)];
    Decimal::from_str(&format!("{int}.{frac}")).ok()
}

/// Format a number as FEEL prints it: no trailing zeros, no exponent.
pub fn format_decimal(n: &Decimal) -> String {
    n.normalize().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

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
        assert_eq!(parse_decimal(""), None);
    }
}
