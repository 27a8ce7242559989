//! XML Schema / XPath regular expressions on top of the `regex` crate.
//!
//! FEEL's `matches`, `replace` and `split` take XPath patterns and flags (`s`, `m`, `i`,
//! `x`, `q`). [`compile`] translates a pattern into the `regex` crate's syntax (Unicode
//! blocks `\p{IsBasicLatin}`, class subtraction `[a-z-[aeiou]]`, XML name escapes `\i`
//! `\c`, XPath's narrower `\s` and `\w`, `.` excluding line ends), compiles it with a size
//! limit and caches the result. The `regex` crate has no back-references: `\n` works only
//! when group `n` always matches one fixed literal (`(ab)-\1`); other back-references are
//! reported as unsupported.

use std::collections::HashMap;
use std::fmt::Write;
use std::sync::{Arc, Mutex, OnceLock};

use regex::{Captures, Regex, RegexBuilder};

use crate::value::context::key_eq;

use super::blocks::BLOCKS;

/// Compiled-size limit for one pattern (bytes).
const SIZE_LIMIT: usize = 1 << 21;
/// Patterns kept in the cache before it is emptied.
const CACHE_CAPACITY: usize = 256;
/// Longest pattern accepted.
const MAX_PATTERN_LEN: usize = 16 * 1024;

/// A compiled XPath pattern (or a Java one, in the Camunda dialect).
#[derive(Debug)]
pub(super) struct XRegex {
    /// The translated expression.
    pub(super) re: Regex,
    /// Whether the `q` flag made the pattern (and the replacement) literal.
    pub(super) literal: bool,
    /// Whether the pattern is Java's (see [`java_flags`]): it may match the empty string.
    pub(super) java: bool,
}

/// The marker that starts the flags of a Java pattern.
const JAVA: char = 'J';

/// The flags that make [`compile`] and [`with_regex`] take a pattern as Camunda's engine does,
/// in Java's syntax (passed to the `regex` crate as written, which reads the common part of
/// it the same way: classes, `\b`, `(?i)`, quantifiers, groups), with Java's flags `s m i x`
/// (other letters ignored, as Camunda ignores them).
pub(super) fn java_flags(flags: &str) -> String {
    std::iter::once(JAVA)
        .chain(flags.chars().filter(|c| matches!(c, 's' | 'm' | 'i' | 'x')))
        .collect()
}

type Cache = Mutex<HashMap<(String, String), Arc<XRegex>>>;

fn cache() -> &'static Cache {
    static CACHE: OnceLock<Cache> = OnceLock::new();
    CACHE.get_or_init(|| Mutex::new(HashMap::new()))
}

/// Run `f` with the compiled pattern: one this thread used recently is used in place (no
/// reference count touched), another is compiled (and remembered) first.
pub(super) fn with_regex<R>(
    pattern: &str,
    flags: &str,
    f: impl FnOnce(&XRegex) -> R,
) -> Result<R, String> {
    let mut f = Some(f);
    if let Some(value) = in_recent(pattern, flags, |re| f.take().map(|f| f(re))).flatten() {
        return Ok(value);
    }
    let re = compile(pattern, flags)?;
    match f.take() {
        Some(f) => Ok(f(&re)),
        None => Err("the pattern was used up".into()),
    }
}

/// Compile an XPath pattern with XPath flags, through the cache.
/// The error is a message for the warning.
pub(super) fn compile(pattern: &str, flags: &str) -> Result<Arc<XRegex>, String> {
    if let Some(re) = in_recent(pattern, flags, Arc::clone) {
        return Ok(re);
    }
    let compiled = compile_shared(pattern, flags)?;
    RECENT.with(|r| {
        if let Ok(mut r) = r.try_borrow_mut() {
            if r.len() >= RECENT_CAPACITY {
                r.remove(0);
            }
            r.push((pattern.to_string(), flags.to_string(), compiled.clone()));
        }
    });
    Ok(compiled)
}

/// `f` of the pattern when this thread used it last: found without allocating, hashing or
/// locking.
fn in_recent<R>(pattern: &str, flags: &str, f: impl FnOnce(&Arc<XRegex>) -> R) -> Option<R> {
    RECENT.with(|r| {
        let r = r.try_borrow().ok()?;
        r.iter()
            // key_eq rather than `==`: comparing two empty strings with `==` calls memcmp
            // on dangling pointers, which is slow
            .find(|(p, fl, _)| key_eq(p, pattern) && key_eq(fl, flags))
            .map(|(_, _, re)| f(re))
    })
}

thread_local! {
    static RECENT: std::cell::RefCell<Vec<(String, String, Arc<XRegex>)>> =
        const { std::cell::RefCell::new(Vec::new()) };
}

/// Patterns each thread keeps at hand (the most recent ones).
const RECENT_CAPACITY: usize = 8;

/// [`compile`] through the cache shared by all threads.
fn compile_shared(pattern: &str, flags: &str) -> Result<Arc<XRegex>, String> {
    let key = (pattern.to_string(), flags.to_string());
    if let Some(hit) = cache().lock().unwrap_or_else(|e| e.into_inner()).get(&key) {
        return Ok(hit.clone());
    }
    let compiled = Arc::new(compile_uncached(pattern, flags)?);
    let mut map = cache().lock().unwrap_or_else(|e| e.into_inner());
    if map.len() >= CACHE_CAPACITY {
        map.clear();
    }
    map.insert(key, compiled.clone());
    Ok(compiled)
}

#[derive(Default, Clone, Copy)]
struct Flags {
    dot_all: bool,
    multi_line: bool,
    case_insensitive: bool,
    extended: bool,
    literal: bool,
}

fn parse_flags(flags: &str) -> Result<Flags, String> {
    let mut f = Flags::default();
    for c in flags.chars() {
        match c {
            's' => f.dot_all = true,
            'm' => f.multi_line = true,
            'i' => f.case_insensitive = true,
            'x' => f.extended = true,
            'q' => f.literal = true,
            other => return Err(format!("invalid regular expression flag '{other}'")),
        }
    }
    Ok(f)
}

fn compile_uncached(pattern: &str, flags: &str) -> Result<XRegex, String> {
    if pattern.len() > MAX_PATTERN_LEN {
        return Err("regular expression is too long".into());
    }
    if let Some(java) = flags.strip_prefix(JAVA) {
        let mut text: String = java.chars().map(|c| format!("(?{c})")).collect();
        text.push_str(pattern);
        return Ok(XRegex {
            re: build(&text, pattern)?,
            literal: false,
            java: true,
        });
    }
    let f = parse_flags(flags)?;
    let body = if f.literal {
        regex::escape(pattern)
    } else {
        let stripped;
        let source = if f.extended {
            stripped = strip_whitespace(pattern);
            stripped.as_str()
        } else {
            pattern
        };
        Translator::new(source, f.dot_all).translate()?
    };
    let mut text = String::new();
    if f.case_insensitive {
        text.push_str("(?i)");
    }
    if f.multi_line && !f.literal {
        text.push_str("(?m)");
    }
    text.push_str(&body);
    Ok(XRegex {
        re: build(&text, pattern)?,
        literal: f.literal,
        java: false,
    })
}

/// Compile the `regex` crate's `text` (written as `pattern`) within the size limits.
fn build(text: &str, pattern: &str) -> Result<Regex, String> {
    RegexBuilder::new(text)
        .size_limit(SIZE_LIMIT)
        .dfa_size_limit(SIZE_LIMIT)
        .nest_limit(200)
        .build()
        .map_err(|e| match e {
            regex::Error::CompiledTooBig(_) => "regular expression is too large".to_string(),
            _ => format!("invalid regular expression '{pattern}'"),
        })
}

/// The `x` flag: remove whitespace except inside character class expressions.
fn strip_whitespace(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len());
    let mut depth = 0usize;
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                out.push(c);
                if let Some(n) = chars.next() {
                    if depth > 0 || !matches!(n, ' ' | '\t' | '\n' | '\r') {
                        out.push(n);
                    } else if let Some(m) = chars.find(|m| !matches!(m, ' ' | '\t' | '\n' | '\r')) {
                        // `\ s` in x mode is `\s`.
                        out.push(m);
                    }
                }
            }
            '[' => {
                depth += 1;
                out.push(c);
            }
            ']' if depth > 0 => {
                depth -= 1;
                out.push(c);
            }
            ' ' | '\t' | '\n' | '\r' if depth == 0 => {}
            _ => out.push(c),
        }
    }
    out
}

/// Characters a `\` may escape singly (XSD single-character escapes plus XPath's `\$`).
fn single_escape(c: char) -> Option<char> {
    Some(match c {
        'n' => '\n',
        'r' => '\r',
        't' => '\t',
        '\\' | '|' | '.' | '-' | '^' | '?' | '*' | '+' | '{' | '}' | '(' | ')' | '[' | ']'
        | '$' => c,
        _ => return None,
    })
}

/// A literal character in `regex` syntax (safe inside and outside classes).
fn push_literal(out: &mut String, c: char) {
    if c.is_alphanumeric() || c == '_' || c == ' ' {
        out.push(c);
    } else {
        let _ = write!(out, "\\x{{{:X}}}", c as u32);
    }
}

/// XML `NameStartChar` ranges (for `\i`).
const NAME_START: &str = ":A-Z_a-z\\x{C0}-\\x{D6}\\x{D8}-\\x{F6}\\x{F8}-\\x{2FF}\\x{370}-\\x{37D}\
\\x{37F}-\\x{1FFF}\\x{200C}-\\x{200D}\\x{2070}-\\x{218F}\\x{2C00}-\\x{2FEF}\\x{3001}-\\x{D7FF}\
\\x{F900}-\\x{FDCF}\\x{FDF0}-\\x{FFFD}\\x{10000}-\\x{EFFFF}";
/// XML `NameChar` ranges beyond `NameStartChar` (for `\c`).
const NAME_EXTRA: &str = "\\-.0-9\\x{B7}\\x{300}-\\x{36F}\\x{203F}-\\x{2040}";

/// The class body (without brackets) of a multi-character escape, and whether negated.
fn multi_escape(c: char) -> Option<(String, bool)> {
    let (body, neg) = match c {
        's' => (" \\t\\n\\r".to_string(), false),
        'S' => (" \\t\\n\\r".to_string(), true),
        'd' => ("\\p{Nd}".to_string(), false),
        'D' => ("\\p{Nd}".to_string(), true),
        'w' => ("\\p{P}\\p{Z}\\p{C}".to_string(), true),
        'W' => ("\\p{P}\\p{Z}\\p{C}".to_string(), false),
        'i' => (NAME_START.to_string(), false),
        'I' => (NAME_START.to_string(), true),
        'c' => (format!("{NAME_START}{NAME_EXTRA}"), false),
        'C' => (format!("{NAME_START}{NAME_EXTRA}"), true),
        _ => return None,
    };
    Some((body, neg))
}

const CATEGORIES: &[&str] = &[
    "L", "Lu", "Ll", "Lt", "Lm", "Lo", "M", "Mn", "Mc", "Me", "N", "Nd", "Nl", "No", "P", "Pc",
    "Pd", "Ps", "Pe", "Pi", "Pf", "Po", "Z", "Zs", "Zl", "Zp", "S", "Sm", "Sc", "Sk", "So", "C",
    "Cc", "Cf", "Co", "Cn",
];

/// The class body of a `\p{name}` property: a general category or an `Is` block.
fn property(name: &str) -> Result<String, String> {
    if CATEGORIES.contains(&name) {
        return Ok(format!("\\p{{{name}}}"));
    }
    if let Some(block) = name.strip_prefix("Is") {
        if let Some((_, lo, hi)) = BLOCKS.iter().find(|(n, _, _)| *n == block) {
            // Surrogate blocks hold no Unicode scalar values: they match nothing.
            if *lo >= 0xD800 && *hi <= 0xDFFF {
                return Ok(String::new());
            }
            return Ok(format!("\\x{{{lo:X}}}-\\x{{{hi:X}}}"));
        }
    }
    Err(format!("unknown character property '{name}'"))
}

struct Translator<'a> {
    chars: Vec<char>,
    pos: usize,
    dot_all: bool,
    out: String,
    groups: usize,
    closed: Vec<bool>,
    /// Where each capturing group's translation starts in `out`.
    group_start: Vec<usize>,
    /// The text of each closed group that always matches one fixed literal.
    literal_group: Vec<Option<String>>,
    open: Vec<usize>,
    pattern: &'a str,
    /// A set produced by the last class item (multi-character escape or property).
    pending: Option<String>,
}

impl<'a> Translator<'a> {
    fn new(pattern: &'a str, dot_all: bool) -> Self {
        Translator {
            chars: pattern.chars().collect(),
            pos: 0,
            dot_all,
            out: String::with_capacity(pattern.len() * 2),
            groups: 0,
            closed: Vec::new(),
            group_start: Vec::new(),
            literal_group: Vec::new(),
            open: Vec::new(),
            pattern,
            pending: None,
        }
    }

    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn peek_at(&self, k: usize) -> Option<char> {
        self.chars.get(self.pos + k).copied()
    }

    fn next(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += 1;
        Some(c)
    }

    fn err(&self, what: &str) -> String {
        format!("invalid regular expression '{}': {what}", self.pattern)
    }

    fn translate(mut self) -> Result<String, String> {
        // Whether the previous item can take a quantifier.
        let mut quantifiable = false;
        while let Some(c) = self.next() {
            match c {
                '\\' => {
                    self.top_escape()?;
                    quantifiable = true;
                }
                '.' => {
                    self.out
                        .push_str(if self.dot_all { "(?s:.)" } else { "[^\\n\\r]" });
                    quantifiable = true;
                }
                '^' | '$' => {
                    self.out.push(c);
                    quantifiable = false;
                }
                '|' => {
                    self.out.push('|');
                    quantifiable = false;
                }
                '(' => {
                    if self.peek() == Some('?') {
                        if self.peek_at(1) == Some(':') {
                            self.pos += 2;
                            self.out.push_str("(?:");
                            self.open.push(usize::MAX);
                        } else {
                            return Err(self.err("unsupported group syntax"));
                        }
                    } else {
                        self.groups += 1;
                        self.closed.push(false);
                        self.open.push(self.groups);
                        self.out.push('(');
                        self.group_start.push(self.out.len());
                        self.literal_group.push(None);
                    }
                    quantifiable = false;
                }
                ')' => {
                    let g = self
                        .open
                        .pop()
                        .ok_or_else(|| self.err("unbalanced parenthesis"))?;
                    if g != usize::MAX {
                        if let Some(slot) = self.closed.get_mut(g - 1) {
                            *slot = true;
                        }
                        self.note_literal_group(g);
                    }
                    self.out.push(')');
                    quantifiable = true;
                }
                '*' | '+' | '?' => {
                    if !quantifiable {
                        return Err(self.err("quantifier without an operand"));
                    }
                    self.out.push(c);
                    self.lazy_suffix();
                    quantifiable = false;
                }
                '{' => {
                    if !quantifiable {
                        return Err(self.err("quantifier without an operand"));
                    }
                    self.quantity()?;
                    self.lazy_suffix();
                    quantifiable = false;
                }
                '[' => {
                    let class = self.class()?;
                    self.out.push_str(&class);
                    quantifiable = true;
                }
                ']' | '}' => return Err(self.err(&format!("unescaped '{c}'"))),
                other => {
                    push_literal(&mut self.out, other);
                    quantifiable = true;
                }
            }
        }
        if !self.open.is_empty() {
            return Err(self.err("unbalanced parenthesis"));
        }
        Ok(self.out)
    }

    /// Record group `g`'s text if it is a plain literal, outside any other group and not
    /// quantified: then every match of the pattern captures exactly that literal.
    fn note_literal_group(&mut self, g: usize) {
        let quantified = matches!(self.peek(), Some('*' | '+' | '?' | '{'));
        let Some(start) = self.group_start.get(g - 1).copied() else {
            return;
        };
        let text = self.out.get(start..).unwrap_or_default();
        if self.open.is_empty() && !quantified && is_literal(text) {
            let text = text.to_string();
            if let Some(slot) = self.literal_group.get_mut(g - 1) {
                *slot = Some(text);
            }
        }
    }

    fn lazy_suffix(&mut self) {
        if self.peek() == Some('?') {
            self.pos += 1;
            self.out.push('?');
        }
    }

    /// `{n}`, `{n,}` or `{n,m}` (the `{` already consumed).
    fn quantity(&mut self) -> Result<(), String> {
        let mut text = String::from("{");
        let min = self.digits();
        if min.is_empty() {
            return Err(self.err("invalid quantifier"));
        }
        text.push_str(&min);
        if self.peek() == Some(',') {
            self.pos += 1;
            text.push(',');
            text.push_str(&self.digits());
        }
        if self.next() != Some('}') {
            return Err(self.err("invalid quantifier"));
        }
        text.push('}');
        self.out.push_str(&text);
        Ok(())
    }

    fn digits(&mut self) -> String {
        let mut s = String::new();
        while let Some(d) = self.peek().filter(char::is_ascii_digit) {
            s.push(d);
            self.pos += 1;
        }
        s
    }

    /// An escape outside a character class (the `\` already consumed).
    fn top_escape(&mut self) -> Result<(), String> {
        let c = self.next().ok_or_else(|| self.err("trailing backslash"))?;
        if let Some(lit) = single_escape(c) {
            push_literal(&mut self.out, lit);
            return Ok(());
        }
        if let Some((body, neg)) = multi_escape(c) {
            let _ = write!(self.out, "[{}{body}]", if neg { "^" } else { "" });
            return Ok(());
        }
        if c == 'p' || c == 'P' {
            let body = self.property_body()?;
            let _ = write!(self.out, "{}", bracket(&body, c == 'P'));
            return Ok(());
        }
        if let Some(d) = c.to_digit(10).filter(|d| *d > 0) {
            // A back-reference: the group must exist and be closed already.
            let mut n = d as usize;
            while let Some(next) = self.peek().and_then(|x| x.to_digit(10)) {
                let m = n * 10 + next as usize;
                if m > self.groups {
                    break;
                }
                n = m;
                self.pos += 1;
            }
            if !self.closed.get(n - 1).copied().unwrap_or(false) {
                return Err(self.err(&format!("back-reference to missing group {n}")));
            }
            // A group that always matches the same literal text can be repeated as that
            // literal (case-insensitively under `i`, as XPath requires).
            if !self.pattern.contains('|') {
                if let Some(Some(text)) = self.literal_group.get(n - 1) {
                    let text = text.clone();
                    let _ = write!(self.out, "(?:{text})");
                    return Ok(());
                }
            }
            return Err(format!(
                "back-references are not supported: '{}'",
                self.pattern
            ));
        }
        Err(self.err(&format!("invalid escape '\\{c}'")))
    }

    /// `{name}` after `\p` or `\P`: the class body.
    fn property_body(&mut self) -> Result<String, String> {
        if self.next() != Some('{') {
            return Err(self.err("expected '{' after \\p"));
        }
        let mut name = String::new();
        loop {
            match self.next() {
                Some('}') => break,
                Some(ch) => name.push(ch),
                None => return Err(self.err("unterminated \\p{")),
            }
        }
        property(&name).map_err(|e| self.err(&e))
    }

    /// A character class (the `[` already consumed): returns `regex` syntax.
    fn class(&mut self) -> Result<String, String> {
        let negated = if self.peek() == Some('^') {
            self.pos += 1;
            true
        } else {
            false
        };
        let mut body = String::new();
        let mut items = 0usize;
        let mut subtraction: Option<String> = None;
        loop {
            let c = self
                .next()
                .ok_or_else(|| self.err("unterminated character class"))?;
            match c {
                ']' => break,
                '-' if self.peek() == Some('[') => {
                    if items == 0 {
                        return Err(self.err("empty character class"));
                    }
                    self.pos += 1;
                    subtraction = Some(self.class()?);
                    if self.next() != Some(']') {
                        return Err(self.err("subtraction must end the class"));
                    }
                    break;
                }
                '[' => return Err(self.err("unescaped '[' in a character class")),
                '-' if items > 0 && self.peek() != Some(']') => {
                    return Err(self.err("unescaped '-' in a character class"))
                }
                _ => {
                    let (start, was_char) = self.class_atom(c)?;
                    items += 1;
                    match (start, was_char) {
                        (Some(lo), true)
                            if self.peek() == Some('-')
                                && !matches!(self.peek_at(1), Some(']') | Some('[') | None) =>
                        {
                            self.pos += 1;
                            let hc = self.next().ok_or_else(|| self.err("unterminated range"))?;
                            let (hi, hi_char) = self.class_atom(hc)?;
                            let hi = match (hi, hi_char) {
                                (Some(hi), true) => hi,
                                _ => return Err(self.err("invalid range")),
                            };
                            if hi < lo {
                                return Err(self.err("invalid range"));
                            }
                            push_literal(&mut body, lo);
                            body.push('-');
                            push_literal(&mut body, hi);
                        }
                        (Some(ch), true) => push_literal(&mut body, ch),
                        _ => {}
                    }
                    if let Some(set) = self.pending.take() {
                        body.push_str(&set);
                    }
                }
            }
        }
        if items == 0 {
            return Err(self.err("empty character class"));
        }
        let base = format!("[{}{body}]", if negated { "^" } else { "" });
        Ok(match subtraction {
            Some(sub) => format!("[{base}--{sub}]"),
            None => base,
        })
    }
}

/// Whether translated text consists only of [`push_literal`] output.
fn is_literal(text: &str) -> bool {
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        if let Some(hex) = rest.strip_prefix("\\x{") {
            match hex.find('}') {
                Some(end) => rest = hex.get(end + 1..).unwrap_or_default(),
                None => return false,
            }
        } else if c.is_alphanumeric() || c == '_' || c == ' ' {
            rest = rest.get(c.len_utf8()..).unwrap_or_default();
        } else {
            return false;
        }
    }
    !text.is_empty()
}

/// A class body in brackets, negated or not; an empty body matches nothing (or anything).
fn bracket(body: &str, negated: bool) -> String {
    match (body.is_empty(), negated) {
        (true, false) => "[^\\x{0}-\\x{10FFFF}]".to_string(),
        (true, true) => "[\\x{0}-\\x{10FFFF}]".to_string(),
        (false, false) => format!("[{body}]"),
        (false, true) => format!("[^{body}]"),
    }
}

impl Translator<'_> {
    /// One class item starting with `c`: `(Some(char), true)` for a single character, or
    /// `(None, false)` after emitting a set (multi-character escape or property) into
    /// `self.pending`.
    fn class_atom(&mut self, c: char) -> Result<(Option<char>, bool), String> {
        if c != '\\' {
            return Ok((Some(c), true));
        }
        let e = self.next().ok_or_else(|| self.err("trailing backslash"))?;
        if let Some(lit) = single_escape(e) {
            return Ok((Some(lit), true));
        }
        if let Some((body, neg)) = multi_escape(e) {
            self.pending = Some(if neg { format!("[^{body}]") } else { body });
            return Ok((None, false));
        }
        if e == 'p' || e == 'P' {
            let body = self.property_body()?;
            self.pending = Some(if e == 'P' || body.is_empty() {
                bracket(&body, e == 'P')
            } else {
                body
            });
            return Ok((None, false));
        }
        Err(self.err(&format!("invalid escape '\\{e}' in a character class")))
    }
}

/// Expand an XPath replacement string for one match: `$n` is group `n` (empty when it did
/// not take part), `\$` and `\\` are literal; anything else after `\` or `$` is an error.
pub(super) fn expand(
    replacement: &str,
    caps: &Captures<'_>,
    groups: usize,
    out: &mut String,
) -> Result<(), String> {
    let mut chars = replacement.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some(e @ ('\\' | '$')) => out.push(e),
                _ => return Err(format!("invalid replacement string '{replacement}'")),
            },
            '$' => {
                let first = chars
                    .next()
                    .and_then(|d| d.to_digit(10))
                    .ok_or_else(|| format!("invalid replacement string '{replacement}'"))?;
                let mut n = first as usize;
                while let Some(d) = chars.peek().and_then(|d| d.to_digit(10)) {
                    let m = n * 10 + d as usize;
                    if m > groups {
                        break;
                    }
                    n = m;
                    chars.next();
                }
                if let Some(m) = caps.get(n) {
                    out.push_str(m.as_str());
                }
            }
            other => out.push(other),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn is_match(p: &str, f: &str, s: &str) -> Option<bool> {
        compile(p, f).ok().map(|r| r.re.is_match(s))
    }

    #[test]
    fn basics() {
        assert_eq!(is_match("bra", "", "abracadabra"), Some(true));
        assert_eq!(is_match("^bra", "", "abracadabra"), Some(false));
        assert_eq!(is_match("Mary.Jones", "", "Mary\rJones"), Some(false));
        assert_eq!(is_match("Mary.Jones", "s", "Mary\rJones"), Some(true));
        assert_eq!(is_match("^$", "m", "\nabcd\ndefg\n"), Some(true));
        assert_eq!(is_match("a[^b]", "", "a"), Some(false));
        assert_eq!(is_match("a[^b]", "", "a "), Some(true));
    }

    #[test]
    fn flags() {
        assert!(compile("a", "p").is_err());
        assert!(compile("a", " ").is_err());
        assert_eq!(is_match("ABC", "i", "abc"), Some(true));
        assert_eq!(is_match("k", "i", "\u{212A}"), Some(true));
        assert_eq!(is_match("hello\\ sworld", "x", "hello world"), Some(true));
        assert_eq!(is_match("hello[ ]world ", "x", "hello world"), Some(true));
        assert_eq!(
            is_match("\\p{ I s B a s i c L a t i n }+", "x", "hello world"),
            Some(true)
        );
        assert!(compile("\\p{ IsBasicLatin}+", "").is_err());
        assert_eq!(is_match("a.c", "q", "abc"), Some(false));
        assert_eq!(is_match("a.c", "q", "xa.c"), Some(true));
    }

    #[test]
    fn the_recent_patterns_are_told_apart_by_pattern_and_flags() {
        // the same pattern with other flags, alternately, and more patterns than the
        // per-thread list holds
        for _ in 0..2 {
            assert_eq!(is_match("abc", "i", "ABC"), Some(true));
            assert_eq!(is_match("abc", "", "ABC"), Some(false));
            assert_eq!(is_match("a.c", "q", "abc"), Some(false));
            assert_eq!(is_match("a.c", "", "abc"), Some(true));
        }
        for i in 0..2 * RECENT_CAPACITY {
            let p = format!("^x{{{i}}}$");
            assert_eq!(is_match(&p, "", &"x".repeat(i)), Some(true), "{p}");
            assert_eq!(is_match(&p, "", &"x".repeat(i + 1)), Some(false), "{p}");
        }
    }

    #[test]
    fn classes() {
        assert_eq!(is_match("[A-Z-[OI]]", "i", "x"), Some(true));
        assert_eq!(is_match("[A-Z-[OI]]", "i", "O"), Some(false));
        assert_eq!(is_match("[A-Z-[OI]]", "i", "i"), Some(false));
        assert_eq!(is_match("[^Q]", "i", "q"), Some(false));
        assert_eq!(is_match("^[a-z-[aeiou]]+$", "", "bcd"), Some(true));
        assert_eq!(is_match("^[a-z-[aeiou]]+$", "", "bad"), Some(false));
        assert_eq!(is_match("^\\p{IsGreek}$", "", "λ"), Some(true));
        assert_eq!(is_match("^\\p{Lu}$", "", "Λ"), Some(true));
        assert_eq!(is_match("^[\\p{Lu}\\d]+$", "", "A1"), Some(true));
        assert_eq!(is_match("^\\i\\c*$", "", "_x-1"), Some(true));
        assert_eq!(is_match("^\\s$", "", "\u{A0}"), Some(false));
        assert_eq!(is_match("^[a-]$", "", "-"), Some(true));
        assert_eq!(is_match("^[&&]$", "", "&"), Some(true));
        assert!(compile("[]", "").is_err());
        assert!(compile("[a", "").is_err());
        assert!(compile("[z-a]", "").is_err());
    }

    #[test]
    fn invalid_and_unsupported() {
        assert!(compile("(.)\\3", "").is_err());
        assert!(compile("\\3", "").is_err());
        assert!(compile("(asd)[\\1]", "").is_err());
        assert!(compile("1[asd\\0]", "").is_err());
        assert!(compile("(", "").is_err());
        assert!(compile("a{2,1", "").is_err());
        assert!(compile("*a", "").is_err());
        assert!(compile("a]", "").is_err());
        assert!(compile("\\b", "").is_err());
        let e = compile("(a+)\\1", "").err().unwrap_or_default();
        assert!(e.contains("not supported"), "{e}");
        assert!(compile("(a)*\\1", "").is_err());
        assert!(compile("(a)\\1|b", "").is_err());
        assert!(compile("((a))\\2", "").is_err());
    }

    #[test]
    fn literal_back_references() {
        assert_eq!(is_match("(a)\\1", "i", "aA"), Some(true));
        assert_eq!(is_match("^(ab)-\\1$", "", "ab-ab"), Some(true));
        assert_eq!(is_match("^(ab)-\\1$", "", "ab-aB"), Some(false));
        assert_eq!(is_match("^(a.)\\1$", "", "abab"), None);
    }

    #[test]
    fn replacement_groups() {
        let r = compile("(ab)|(a)", "").ok();
        let r = r.as_deref().map(|r| &r.re);
        let mut out = String::new();
        if let Some(re) = r {
            if let Some(caps) = re.captures("abcd") {
                assert!(expand("[1=$1][2=$2]", &caps, 2, &mut out).is_ok());
            }
        }
        assert_eq!(out, "[1=ab][2=]");
    }

    proptest::proptest! {
        #[test]
        fn any_pattern_compiles_or_fails_cleanly(
            pattern in "[-a-c\\\\()\\[\\]{}^$.*+?|,0-9pPIsdwic ]{0,24}",
            flags in "[smixq]{0,3}",
            input in "[a-c \n]{0,12}",
        ) {
            if let Ok(r) = compile(&pattern, &flags) {
                let _ = r.re.is_match(&input);
                if let Some(caps) = r.re.captures(&input) {
                    let mut out = String::new();
                    let _ = expand("$1\\$x$", &caps, r.re.captures_len(), &mut out);
                }
            }
        }
    }
}
