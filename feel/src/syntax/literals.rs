//! Decoding the text of string literals.

use crate::error::{Error, ErrorKind, Span};

fn syntax_error(msg: impl Into<String>, span: Span) -> Error {
    Error::new(ErrorKind::Syntax, msg).with_span(span)
}

/// Decode the body of a string literal (without quotes); `unicode`: decode `\uXXXX` and
/// `\UXXXXXX` (the DMN dialect), else keep them as written (Camunda's engine does).
pub(crate) fn decode_string(raw: &str, span: Span, unicode: bool) -> Result<String, Error> {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some('t') => out.push('\t'),
            Some('b') => out.push('\u{8}'),
            Some('f') => out.push('\u{c}'),
            Some('"') => out.push('"'),
            Some('\'') => out.push('\''),
            Some('\\') => out.push('\\'),
            Some(e @ ('u' | 'U')) if !unicode => {
                out.push('\\');
                out.push(e);
            }
            Some('u') => {
                let code = take_hex(&mut chars, 4).ok_or_else(|| {
                    syntax_error("invalid \\u escape: expected 4 hex digits", span)
                })?;
                if (0xD800..0xDC00).contains(&code) {
                    // a high surrogate must be followed by \uDC00-\uDFFF
                    let mut look = chars.clone();
                    let low = if look.next() == Some('\\') && look.next() == Some('u') {
                        take_hex(&mut look, 4).filter(|l| (0xDC00..0xE000).contains(l))
                    } else {
                        None
                    };
                    match low {
                        Some(low) => {
                            chars = look;
                            let c = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
                            out.push(char::from_u32(c).unwrap_or('\u{FFFD}'));
                        }
                        None => out.push('\u{FFFD}'),
                    }
                } else {
                    out.push(char::from_u32(code).unwrap_or('\u{FFFD}'));
                }
            }
            Some('U') => {
                let code = take_hex(&mut chars, 6).ok_or_else(|| {
                    syntax_error("invalid \\U escape: expected 6 hex digits", span)
                })?;
                out.push(char::from_u32(code).unwrap_or('\u{FFFD}'));
            }
            Some(other) => {
                out.push('\\');
                out.push(other);
            }
            None => out.push('\\'),
        }
    }
    Ok(out)
}

fn take_hex(chars: &mut (impl std::iter::Iterator<Item = char> + Clone), n: usize) -> Option<u32> {
    let mut v = 0u32;
    for _ in 0..n {
        let d = chars.next()?.to_digit(16)?;
        v = v * 16 + d;
    }
    Some(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_decode_escapes() {
        let s = Span::default();
        assert_eq!(decode_string(r#"a\"b\n"#, s, true).unwrap(), "a\"b\n");
        assert_eq!(
            decode_string(r"\u0041\uD83D\uDCA9", s, true).unwrap(),
            "A\u{1F4A9}"
        );
        assert_eq!(decode_string(r"\d", s, true).unwrap(), "\\d");
        assert_eq!(decode_string(r"\U01F40E", s, true).unwrap(), "\u{1F40E}");
        assert!(decode_string(r"\u00", s, true).is_err());
        assert_eq!(
            decode_string(r"\u0041\U01F40E\u00\n", s, false).unwrap(),
            "\\u0041\\U01F40E\\u00\n"
        );
    }
}
