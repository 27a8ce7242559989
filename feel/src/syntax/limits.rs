//! Bounds checked around parsing: nesting in the text (before the recursive parser runs)
//! and depth of the finished tree.

use crate::error::{Error, ErrorKind, Span};

use super::ast::Node;

type Result<T> = std::result::Result<T, Error>;

fn syntax_error(msg: impl Into<String>, span: Span) -> Error {
    Error::new(ErrorKind::Syntax, msg).with_span(span)
}

/// Reject input nested deeper than the limit before the parser recurses into it: bracket depth,
/// runs of prefix minus, nesting keywords and the total number of operators are bounded, so
/// neither the parser nor the syntax tree can exhaust the stack.
pub(crate) fn check_nesting(text: &str, max_depth: usize) -> Result<()> {
    let limit = |what: &str, at: usize| {
        Err(syntax_error(
            format!("expression too deeply nested: more than {max_depth} {what}"),
            Span::new(at, at + 1),
        )
        .with_kind(ErrorKind::LimitExceeded))
    };
    let b = text.as_bytes();
    let (mut depth, mut minus_run, mut keywords, mut operators) = (0usize, 0usize, 0usize, 0usize);
    let max_operators = max_depth.saturating_mul(40);
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c != b'-' && !c.is_ascii_whitespace() {
            minus_run = 0;
        }
        match c {
            b'"' | b'`' => {
                i += 1;
                while i < b.len() && b[i] != c {
                    if b[i] == b'\\' && c == b'"' {
                        i += 1;
                    }
                    i += 1;
                }
            }
            b'/' if b.get(i + 1) == Some(&b'/') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                i += 2;
                while i + 1 < b.len() && !(b[i] == b'*' && b[i + 1] == b'/') {
                    i += 1;
                }
                i += 1;
            }
            b'(' | b'[' | b'{' => {
                depth += 1;
                if depth > max_depth {
                    return limit("levels of brackets", i);
                }
            }
            b')' | b']' | b'}' => depth = depth.saturating_sub(1),
            b'-' => {
                minus_run += 1;
                operators += 1;
                if minus_run > max_depth {
                    return limit("prefix operators in a row", i);
                }
            }
            b'+' | b'*' | b'/' | b'<' | b'>' | b'=' => operators += 1,
            c if c.is_ascii_alphabetic() => {
                let start = i;
                while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
                    i += 1;
                }
                let prev_ok =
                    start == 0 || !(b[start - 1].is_ascii_alphanumeric() || b[start - 1] == b'_');
                match &text[start..i] {
                    "if" | "for" | "some" | "every" | "function" if prev_ok => keywords += 1,
                    "and" | "or" | "between" | "in" if prev_ok => operators += 1,
                    _ => {}
                }
                if keywords > max_depth {
                    return limit("if/for/some/every/function expressions", start);
                }
                continue;
            }
            _ => {}
        }
        if operators > max_operators {
            return limit("operators per expression (40 per level)", i);
        }
        i += 1;
    }
    Ok(())
}

/// Depth check with an early cut-off (the recursion never goes deeper than the limit).
pub(crate) fn check_depth(n: &Node, max: usize) -> Result<()> {
    fn walk(n: &Node, d: usize, max: usize, found: &mut Option<Span>) -> bool {
        if d > max {
            *found = Some(n.span);
            return true;
        }
        n.any_child(|k| walk(k, d + 1, max, found))
    }
    let mut found = None;
    walk(n, 0, max, &mut found);
    match found {
        Some(span) => Err(syntax_error(
            format!("expression nested deeper than the limit of {max}"),
            span,
        )
        .with_kind(ErrorKind::LimitExceeded)),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use crate::error::ErrorKind;

    fn engine() -> crate::Engine {
        crate::Engine::new()
    }

    #[test]
    fn deep_input_is_an_error_not_a_crash() {
        let e = engine();
        for text in [
            "(".repeat(100_000) + "1" + &")".repeat(100_000),
            "[".repeat(100_000) + &"]".repeat(100_000),
            "-".repeat(100_000) + "1",
            "1".to_string() + &"+1".repeat(100_000),
            "if true then ".repeat(10_000) + "1" + &" else 2".repeat(10_000),
        ] {
            let err = e.compile(&text).err().map(|e| e.kind());
            assert_eq!(err, Some(ErrorKind::LimitExceeded), "{}", &text[..20]);
        }
        assert!(e.compile(&("(".repeat(50) + "1" + &")".repeat(50))).is_ok());
    }
}
