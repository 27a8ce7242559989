//! Text → tokens, in one pass over the bytes.
//!
//! The lexical grammar (whitespace and comments separate tokens and are dropped):
//!
//! ```text
//! whitespace = " " | "\t" | "\n" | "\r" | U+000B | U+000C | any non-ASCII White_Space
//!              character | U+180E | U+200B | U+FEFF   (what Camunda's engine accepts)
//! comment    = "//" (not "\n")* | "/*" (not "*/")* "*/"
//! name       = name_start name_char*        (keywords are names, told apart by the parser)
//! name_start = ASCII letter | "_" | "?" | "$" | Letter | Other_Symbol | U+10000..U+10FFFF
//! name_char  = name_start | digit | Number | Mark | U+001F | U+00B7 | U+0300..U+036F
//!            | U+203F..U+2040             (U+001F: a separator inside a known multi-word name)
//! backtick   = "`" (not "`")* "`"
//! number     = (digit+ ("." digit*)? | "." digit+) (("e" | "E") ("+" | "-")? digit+)?
//!              (a fraction never starts with a second dot: `1..2` is `1`, `..`, `2`)
//! string     = '"' ("\" any | not ('"' | "\"))* '"'
//! temporal   = "@" string
//! punct      = ".." | "**" | "<=" | ">=" | "!=" | "." | "," | ":" | "(" | ")" | "[" | "]"
//!            | "{" | "}" | "+" | "-" | "*" | "/" | "<" | ">" | "="
//! ```
//!
//! A hand-written lexer rather than a generated one keeps compiling cheap: each byte is
//! looked at once, with no per-rule bookkeeping. The Unicode classes are pest's tables.

use pest::unicode::{LETTER, MARK, NUMBER, OTHER_SYMBOL};

/// What a token is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    /// A name or a keyword (keywords are told apart by their text).
    Name,
    /// A name in backticks.
    Backtick,
    Number,
    /// A string literal, quotes included.
    String,
    /// `@"…"`
    Temporal,
    /// An operator or bracket.
    Punct,
    /// The start of a string, backtick name, temporal literal or comment never closed.
    Unclosed,
    /// A character that starts no token.
    Invalid,
    /// The end of the text.
    End,
}

/// One token: its kind and byte range.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Token {
    pub(crate) kind: Kind,
    pub(crate) start: usize,
    pub(crate) end: usize,
}

fn is_name_start(c: char) -> bool {
    match c {
        'a'..='z' | 'A'..='Z' | '_' | '?' | '$' => true,
        c if c.is_ascii() => false,
        c => c >= '\u{10000}' || LETTER(c) || OTHER_SYMBOL(c),
    }
}

fn is_name_char(c: char) -> bool {
    match c {
        'a'..='z' | 'A'..='Z' | '0'..='9' | '_' | '?' | '$' | '\u{1F}' => true,
        c if c.is_ascii() => false,
        '\u{B7}' | '\u{300}'..='\u{36F}' | '\u{203F}'..='\u{2040}' => true,
        c => is_name_start(c) || NUMBER(c) || MARK(c),
    }
}

/// The character at byte `i` (`\0` past the end).
fn char_at(text: &str, i: usize) -> char {
    text.get(i..).and_then(|r| r.chars().next()).unwrap_or('\0')
}

fn byte(b: &[u8], i: usize) -> u8 {
    b.get(i).copied().unwrap_or(0)
}

/// Whether `ch` separates tokens: Unicode White_Space, plus the characters Camunda's engine
/// also skips (U+180E Mongolian vowel separator, U+200B zero width space, U+FEFF byte order
/// mark), so text pasted from documents parses.
pub(crate) fn is_space(ch: char) -> bool {
    ch.is_whitespace() || matches!(ch, '\u{180E}' | '\u{200B}' | '\u{FEFF}')
}

/// Past whitespace and comments from `i` (stops before a `/*` that is never closed).
fn skip(text: &str, mut i: usize) -> usize {
    let b = text.as_bytes();
    loop {
        match byte(b, i) {
            b' ' | b'\t' | b'\n' | b'\r' | 0x0B | 0x0C => i += 1,
            b'/' if byte(b, i + 1) == b'/' => {
                i += 2;
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if byte(b, i + 1) == b'*' => match text.get(i + 2..).and_then(|r| r.find("*/")) {
                Some(k) => i += 2 + k + 2,
                None => return i,
            },
            c if c >= 0x80 => {
                let ch = char_at(text, i);
                if !is_space(ch) {
                    return i;
                }
                i += ch.len_utf8();
            }
            _ => return i,
        }
    }
}

fn digits(b: &[u8], mut i: usize) -> usize {
    while byte(b, i).is_ascii_digit() {
        i += 1;
    }
    i
}

/// The end of the number starting at `i` (a digit, or a dot before a digit).
fn number_end(b: &[u8], i: usize) -> usize {
    let mut j = if byte(b, i) == b'.' {
        digits(b, i + 1)
    } else {
        let j = digits(b, i);
        if byte(b, j) == b'.' && byte(b, j + 1) != b'.' {
            digits(b, j + 1)
        } else {
            j
        }
    };
    if matches!(byte(b, j), b'e' | b'E') {
        let k = j + 1 + usize::from(matches!(byte(b, j + 1), b'+' | b'-'));
        if byte(b, k).is_ascii_digit() {
            j = digits(b, k);
        }
    }
    j
}

/// The end (after the closing quote) of the string literal whose quote is at `i`.
fn string_end(b: &[u8], i: usize) -> Option<usize> {
    let mut j = i + 1;
    loop {
        match *b.get(j)? {
            b'"' => return Some(j + 1),
            b'\\' if j + 1 < b.len() => j += 2,
            b'\\' => return None,
            _ => j += 1,
        }
    }
}

fn name_end(text: &str, mut i: usize) -> usize {
    let b = text.as_bytes();
    loop {
        let c = byte(b, i);
        if c.is_ascii_alphanumeric() || matches!(c, b'_' | b'?' | b'$' | 0x1F) {
            i += 1;
        } else if c >= 0x80 && is_name_char(char_at(text, i)) {
            i += char_at(text, i).len_utf8();
        } else {
            return i;
        }
    }
}

/// The token starting at `i` (not whitespace): its kind and end.
fn token(text: &str, i: usize) -> (Kind, usize) {
    use Kind::*;
    let b = text.as_bytes();
    let next = byte(b, i + 1);
    match byte(b, i) {
        b'a'..=b'z' | b'A'..=b'Z' | b'_' | b'?' | b'$' => (Name, name_end(text, i + 1)),
        b'0'..=b'9' => (Number, number_end(b, i)),
        b'.' if next.is_ascii_digit() => (Number, number_end(b, i)),
        b'.' if next == b'.' => (Punct, i + 2),
        b'*' if next == b'*' => (Punct, i + 2),
        b'<' | b'>' | b'!' if next == b'=' => (Punct, i + 2),
        b'/' if next == b'*' => (Unclosed, i + 2),
        b'.' | b',' | b':' | b'(' | b')' | b'[' | b']' | b'{' | b'}' | b'+' | b'-' | b'*'
        | b'/' | b'<' | b'>' | b'=' => (Punct, i + 1),
        b'"' => string_end(b, i).map_or((Unclosed, i + 1), |e| (String, e)),
        b'@' if next == b'"' => string_end(b, i + 1).map_or((Unclosed, i + 1), |e| (Temporal, e)),
        b'`' => match text.get(i + 1..).and_then(|r| r.find('`')) {
            Some(k) => (Backtick, i + 1 + k + 1),
            None => (Unclosed, i + 1),
        },
        b'@' => (Unclosed, i + 1),
        c if c >= 0x80 => {
            let ch = char_at(text, i);
            if is_name_start(ch) {
                (Name, name_end(text, i + ch.len_utf8()))
            } else {
                (Invalid, i + ch.len_utf8())
            }
        }
        _ => (Invalid, i + 1),
    }
}

/// The tokens of `text`, ending with one [`Kind::End`] token. Lexing stops after the first
/// [`Kind::Unclosed`] or [`Kind::Invalid`] token.
pub(crate) fn tokenize(text: &str) -> Vec<Token> {
    let mut out = Vec::with_capacity(text.len() / 3 + 2);
    let mut i = skip(text, 0);
    while i < text.len() {
        let (kind, end) = token(text, i);
        out.push(Token {
            kind,
            start: i,
            end,
        });
        if matches!(kind, Kind::Unclosed | Kind::Invalid) {
            break;
        }
        i = skip(text, end);
    }
    out.push(Token {
        kind: Kind::End,
        start: text.len(),
        end: text.len(),
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<(Kind, &str)> {
        tokenize(text)
            .into_iter()
            .filter(|t| t.kind != Kind::End)
            .map(|t| (t.kind, &text[t.start..t.end]))
            .collect()
    }

    #[test]
    fn splits_numbers_ranges_and_operators() {
        use Kind::*;
        assert_eq!(
            kinds("[1..2.5] ** -x.y <= .5e3 // c\n != 1.e 3e+ 7E-2"),
            vec![
                (Punct, "["),
                (Number, "1"),
                (Punct, ".."),
                (Number, "2.5"),
                (Punct, "]"),
                (Punct, "**"),
                (Punct, "-"),
                (Name, "x"),
                (Punct, "."),
                (Name, "y"),
                (Punct, "<="),
                (Number, ".5e3"),
                (Punct, "!="),
                (Number, "1."),
                (Name, "e"),
                (Number, "3"),
                (Name, "e"),
                (Punct, "+"),
                (Number, "7E-2"),
            ]
        );
    }

    #[test]
    fn strings_names_and_comments() {
        use Kind::*;
        assert_eq!(
            kinds("@\"2020-01-01\" /* c */ `a b` date\u{1F}and\u{1F}time \"x\\\"y\" été₂ a\u{301}"),
            vec![
                (Temporal, "@\"2020-01-01\""),
                (Backtick, "`a b`"),
                (Name, "date\u{1F}and\u{1F}time"),
                (String, "\"x\\\"y\""),
                (Name, "été₂"),
                (Name, "a\u{301}"),
            ]
        );
        assert_eq!(kinds("x\u{A0}\u{2003}y"), vec![(Name, "x"), (Name, "y")]);
    }

    #[test]
    fn lexing_stops_at_bad_input() {
        use Kind::*;
        assert_eq!(kinds("a \"open"), vec![(Name, "a"), (Unclosed, "\"")]);
        assert_eq!(kinds("\"a\\"), vec![(Unclosed, "\"")]);
        assert_eq!(kinds("1 /* open"), vec![(Number, "1"), (Unclosed, "/*")]);
        assert_eq!(kinds("`open"), vec![(Unclosed, "`")]);
        assert_eq!(kinds("@x"), vec![(Unclosed, "@")]);
        assert_eq!(kinds("a # b"), vec![(Name, "a"), (Invalid, "#")]);
        assert_eq!(kinds("a ! b"), vec![(Name, "a"), (Invalid, "!")]);
        assert_eq!(kinds("→"), vec![(Invalid, "→")]);
        assert_eq!(kinds(""), vec![]);
        assert_eq!(kinds(" // only a comment"), vec![]);
    }

    #[test]
    fn every_whitespace_camunda_accepts_separates_tokens() {
        let spaces = [
            '\u{9}', '\u{A}', '\u{B}', '\u{C}', '\u{D}', ' ', '\u{85}', '\u{A0}', '\u{1680}',
            '\u{180E}', '\u{2000}', '\u{2005}', '\u{200A}', '\u{200B}', '\u{2028}', '\u{2029}',
            '\u{202F}', '\u{205F}', '\u{3000}', '\u{FEFF}',
        ];
        for sp in spaces {
            let text = format!("a{sp}+{sp}1");
            assert_eq!(
                kinds(&text),
                vec![(Kind::Name, "a"), (Kind::Punct, "+"), (Kind::Number, "1")],
                "U+{:04X}",
                sp as u32
            );
        }
        assert!(!is_space('\u{200C}'));
        assert!(!is_space('x'));
    }
}
