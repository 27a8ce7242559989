//! Multi-word names (`Monthly Salary`, `date and time`, `Full-Name`).
//!
//! FEEL cannot be tokenised without knowing the names in scope. Before parsing, every
//! occurrence of a known name that contains spaces or name symbols (outside strings,
//! comments and backticks) has those separator bytes replaced by a marker byte (`\x1F`),
//! keeping every byte offset. The grammar accepts the marker inside a name, and the
//! tree builder reads the name's text back from the original source. The same pass blanks
//! comments (see [`mark`]).

use std::collections::HashMap;

/// Whether `ch` separates tokens: Unicode White_Space, plus the characters Camunda's engine
/// also skips (U+180E Mongolian vowel separator, U+200B zero width space, U+FEFF byte order
/// mark), so text pasted from documents parses.
pub(crate) fn is_space(ch: char) -> bool {
    ch.is_whitespace() || matches!(ch, '\u{180E}' | '\u{200B}' | '\u{FEFF}')
}

/// The byte that stands for a separator inside a known name.
pub(crate) const JOIN: char = '\x1F';

/// Finds known multi-word names in expression text: names indexed by their first word, each
/// a sequence of parts (words and single symbol characters) with the gaps between them.
#[derive(Clone, Default)]
pub(crate) struct NameMatcher {
    by_first: HashMap<String, Vec<Pattern>, foldhash::fast::RandomState>,
    /// A 256-bit filter over [`quick_key`] of the first words: most words of an expression
    /// start no known name and are passed over without hashing.
    filter: [u64; 4],
}

/// A cheap key of a word: its first and last bytes and its length.
fn quick_key(word: &[u8]) -> usize {
    let first = word.first().copied().unwrap_or(0) as usize;
    let last = word.last().copied().unwrap_or(0) as usize;
    (first * 31 + last * 7 + word.len()) & 255
}

#[derive(Clone)]
struct Pattern {
    parts: Vec<String>,
    /// `spaced[i]`: whether whitespace separates part `i` from part `i + 1`.
    spaced: Vec<bool>,
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '?'
}

fn is_multi(name: &str) -> bool {
    !name.is_empty() && name.chars().any(|c| !is_word_char(c))
}

/// The words of a text: maximal runs of word characters, or single other non-space
/// characters, as `(start, end)` byte offsets.
#[derive(Clone)]
struct Words<'t> {
    text: &'t str,
    pos: usize,
}

impl std::iter::Iterator for Words<'_> {
    type Item = (usize, usize);

    fn next(&mut self) -> Option<(usize, usize)> {
        let b = self.text.as_bytes();
        let char_at = |i: usize| self.text.get(i..).and_then(|r| r.chars().next());
        let mut i = self.pos;
        // skip whitespace (ASCII by byte, the rest by character)
        let first = loop {
            let c = *b.get(i)?;
            if c.is_ascii() {
                if !(c.is_ascii_whitespace() || c == 0x0B) {
                    break char::from(c);
                }
                i += 1;
            } else {
                let ch = char_at(i)?;
                if !is_space(ch) {
                    break ch;
                }
                i += ch.len_utf8();
            }
        };
        let start = i;
        i += first.len_utf8();
        if is_word_char(first) {
            while let Some(&c) = b.get(i) {
                if c.is_ascii() {
                    if !(c.is_ascii_alphanumeric() || c == b'_' || c == b'?') {
                        break;
                    }
                    i += 1;
                } else {
                    match char_at(i) {
                        Some(ch) if is_word_char(ch) => i += ch.len_utf8(),
                        _ => break,
                    }
                }
            }
        }
        self.pos = i;
        Some((start, i))
    }
}

fn tokens(text: &str) -> Vec<(usize, usize)> {
    Words { text, pos: 0 }.collect()
}

fn pattern(name: &str) -> Option<Pattern> {
    let toks = tokens(name);
    if toks.len() < 2 {
        return None;
    }
    let parts = toks.iter().map(|&(s, e)| name[s..e].to_string()).collect();
    let spaced = toks.windows(2).map(|w| w[1].0 > w[0].1).collect();
    Some(Pattern { parts, spaced })
}

impl NameMatcher {
    /// A matcher for the multi-word names among `names`.
    pub(crate) fn new<'a>(names: impl Iterator<Item = &'a str>) -> Self {
        let mut by_first: HashMap<String, Vec<Pattern>, _> = HashMap::default();
        for name in names.filter(|n| is_multi(n) && n.len() < 200) {
            if let Some(p) = pattern(name) {
                let list = by_first.entry(p.parts[0].clone()).or_default();
                if !list
                    .iter()
                    .any(|q| q.parts == p.parts && q.spaced == p.spaced)
                {
                    list.push(p);
                }
            }
        }
        let mut filter = [0u64; 4];
        for (first, list) in by_first.iter_mut() {
            list.sort_by_key(|p| std::cmp::Reverse(p.parts.len()));
            let k = quick_key(first.as_bytes());
            filter[k / 64] |= 1 << (k % 64);
        }
        NameMatcher { by_first, filter }
    }

    /// Byte ranges of known names in `text` (longest match first at each word).
    fn find(&self, text: &str, out: &mut Vec<(usize, usize)>) {
        if self.by_first.is_empty() {
            return;
        }
        let mut words = Words { text, pos: 0 };
        while let Some((s, e)) = words.next() {
            let k = quick_key(&text.as_bytes()[s..e]);
            if self.filter[k / 64] & (1 << (k % 64)) == 0 {
                continue;
            }
            let Some(cands) = self.by_first.get(&text[s..e]) else {
                continue;
            };
            for p in cands {
                let mut ahead = words.clone();
                let mut end = e;
                let same =
                    p.parts[1..]
                        .iter()
                        .zip(&p.spaced)
                        .all(|(part, spaced)| match ahead.next() {
                            Some((a, b)) if &text[a..b] == part && (a > end) == *spaced => {
                                end = b;
                                true
                            }
                            _ => false,
                        });
                if same {
                    out.push((s, end));
                    words = ahead;
                    break;
                }
            }
        }
    }
}

/// A region of the text no name is looked for in.
#[derive(Clone, Copy, PartialEq)]
enum Opaque {
    /// A string literal or a backtick name.
    Quoted,
    /// A comment, ended (`// …` up to the line's end, or `/* … */`).
    Comment,
    /// A `/*` comment the text ends inside.
    Unterminated,
}

/// Byte ranges of string literals, backtick names and comments.
fn opaque_regions(text: &str) -> Vec<(usize, usize, Opaque)> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let start = i;
        match b[i] {
            b'"' | b'`' => {
                let q = b[i];
                i += 1;
                while i < b.len() && b[i] != q {
                    if b[i] == b'\\' && q == b'"' {
                        i += 1;
                    }
                    i += 1;
                }
                i = (i + 1).min(b.len());
                out.push((start, i, Opaque::Quoted));
            }
            b'/' if b.get(i + 1) == Some(&b'/') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
                out.push((start, i, Opaque::Comment));
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                i += 2;
                while i < b.len() && !(b[i] == b'*' && b.get(i + 1) == Some(&b'/')) {
                    i += 1;
                }
                let kind = if i < b.len() {
                    Opaque::Comment
                } else {
                    Opaque::Unterminated
                };
                i = (i + 2).min(b.len());
                out.push((start, i, kind));
            }
            _ => i += 1,
        }
    }
    out
}

/// Names the expression declares itself: context keys and parameters written as several
/// words before `:` or in a `function(...)` parameter list.
fn declared_names(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let b = text.as_bytes();
    for (pos, c) in text.char_indices() {
        if c != ':' {
            continue;
        }
        // walk back over words and spaces
        let mut j = pos;
        while j > 0 && (b[j - 1] == b' ' || b[j - 1] == b'\t') {
            j -= 1;
        }
        let end = j;
        let prefix = &text[..end];
        let start = prefix
            .char_indices()
            .rev()
            .find(|(_, ch)| !(ch.is_alphanumeric() || "_ ?+-*/.'".contains(*ch)))
            .map_or(0, |(i, ch)| i + ch.len_utf8());
        let cand = text[start..end].trim();
        let multi = cand.contains(|c: char| " +-*/.'".contains(c));
        let ok_ends = cand.starts_with(|c: char| c.is_alphabetic() || c == '_')
            && cand.ends_with(|c: char| c.is_alphanumeric() || c == '_' || c == '?');
        if multi
            && ok_ends
            && !cand
                .split_whitespace()
                .any(|w| w == "not" || super::grammar::RESERVED.contains(&w))
        {
            out.push(cand.to_string());
        }
    }
    out
}

/// The text the grammar reads: the separators of every known multi-word name replaced by
/// [`JOIN`], every comment and every U+180E, U+200B and U+FEFF outside strings replaced by
/// spaces (the grammar's whitespace is Unicode White_Space; these are whitespace in FEEL as
/// Camunda's engine reads it), every byte offset kept. Returns `None` when nothing changes
/// (the usual case: one pass over the bytes when the text has no `/` and is ASCII).
///
/// Blanking comments here rather than in the grammar keeps them out of the grammar's
/// whitespace rule, which runs after every token: trying a comment there cost 7 % of every
/// compile, for a feature (a Camunda extension, not DMN) most expressions never use. An
/// unterminated `/*` stays, so the parse fails there and says so.
pub(crate) fn mark(text: &str, engine_names: &NameMatcher, extra: &[&str]) -> Option<String> {
    let declared = if text.contains(':') {
        declared_names(text)
    } else {
        Vec::new()
    };
    let mut ranges = Vec::new();
    engine_names.find(text, &mut ranges);
    let extra_multi: Vec<&str> = extra
        .iter()
        .copied()
        .chain(declared.iter().map(String::as_str))
        .filter(|n| is_multi(n))
        .collect();
    if !extra_multi.is_empty() {
        NameMatcher::new(extra_multi.into_iter()).find(text, &mut ranges);
    }
    let b = text.as_bytes();
    let may_comment = b.contains(&b'/');
    let may_format_space = !text.is_ascii();
    if ranges.is_empty() && !may_comment && !may_format_space {
        return None;
    }
    let opaque = opaque_regions(text);
    let mut bytes = b.to_vec();
    let mut changed = false;
    for &(s, e, kind) in &opaque {
        if kind == Opaque::Comment {
            bytes[s..e].fill(b' ');
            changed = true;
        }
    }
    if may_format_space {
        let mut quoted = opaque.iter().filter(|r| r.2 != Opaque::Comment).peekable();
        for (i, ch) in text.char_indices() {
            while quoted.next_if(|r| r.1 <= i).is_some() {}
            let inside = quoted.peek().is_some_and(|r| r.0 <= i);
            if matches!(ch, '\u{180E}' | '\u{200B}' | '\u{FEFF}') && !inside {
                bytes[i..i + ch.len_utf8()].fill(b' ');
                changed = true;
            }
        }
    }
    ranges.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
    let mut last_end = 0;
    for (s, e) in ranges {
        if s < last_end || opaque.iter().any(|(os, oe, _)| s < *oe && e > *os) {
            continue;
        }
        for c in bytes.iter_mut().take(e).skip(s) {
            if c.is_ascii() && !(c.is_ascii_alphanumeric() || *c == b'_' || *c == b'?') {
                *c = JOIN as u8;
                changed = true;
            }
        }
        last_end = e;
    }
    if !changed {
        return None;
    }
    String::from_utf8(bytes).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_known_names_outside_strings() {
        let m = NameMatcher::new(["date and time", "upper case"].into_iter());
        let out = mark("date and time(\"date and time\") + upper case(x)", &m, &[]).unwrap();
        assert_eq!(
            out,
            "date\x1Fand\x1Ftime(\"date and time\") + upper\x1Fcase(x)"
        );
        let out = mark("12 * Monthly Salary", &m, &["Monthly Salary"]).unwrap();
        assert_eq!(out, "12 * Monthly\x1FSalary");
        assert!(mark("a + b", &m, &[]).is_none());
    }

    #[test]
    fn blanks_comments_and_format_spaces_outside_strings() {
        let m = NameMatcher::new(std::iter::empty());
        let out = mark("a /* b */ + c // d\n+ \"/* e */\u{200B}\"\u{FEFF}", &m, &[]).unwrap();
        assert_eq!(out, "a         + c     \n+ \"/* e */\u{200B}\"   ");
        assert_eq!(
            mark("a /* b", &m, &[]),
            None,
            "an unterminated comment stays"
        );
        assert_eq!(mark("a / b", &m, &[]), None);
    }

    #[test]
    fn declared_context_keys() {
        let m = NameMatcher::new(std::iter::empty());
        let out = mark("{first name: 1, x: first name}", &m, &[]).unwrap();
        assert_eq!(out, "{first\x1Fname: 1, x: first\x1Fname}");
    }
}
