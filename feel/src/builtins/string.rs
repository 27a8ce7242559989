//! Built-in functions: string family (DMN 1.5 §10.3.4.3 and Camunda's extensions).
//!
//! Positions and lengths count Unicode code points. Regular expressions follow XPath
//! (see [`super::regex`]): `matches` searches anywhere in the input, `replace` and `split`
//! reject patterns that match the empty string. In the Camunda dialect positions and
//! lengths count UTF-16 code units and patterns are Java's, as in Camunda's engine.

use std::borrow::Cow;

use base64::Engine as _;

use super::regex::{compile, expand, java_flags, with_regex, XRegex};
use super::util::{count, int_arg, list_arg, scalar};
use super::Row;
use crate::eval::State;
use crate::value::{SmolStr, Value};

/// The string functions.
pub(super) const TABLE: &[Row] = &[
    ("substring", &["string", "start position"], substring),
    (
        "substring",
        &["string", "start position", "length"],
        substring,
    ),
    ("string length", &["string"], string_length),
    ("upper case", &["string"], upper_case),
    ("lower case", &["string"], lower_case),
    ("substring before", &["string", "match"], substring_before),
    ("substring after", &["string", "match"], substring_after),
    ("replace", &["input", "pattern", "replacement"], replace),
    (
        "replace",
        &["input", "pattern", "replacement", "flags"],
        replace,
    ),
    ("contains", &["string", "match"], contains),
    ("starts with", &["string", "match"], starts_with),
    ("ends with", &["string", "match"], ends_with),
    ("matches", &["input", "pattern"], matches),
    ("matches", &["input", "pattern", "flags"], matches),
    ("split", &["string", "delimiter"], split),
    ("string join", &["list"], string_join),
    ("string join", &["list", "delimiter"], string_join),
    (
        "string join",
        &["list", "delimiter", "prefix", "suffix"],
        string_join,
    ),
    ("extract", &["input", "pattern"], extract),
    ("trim", &["string"], trim),
    ("uuid", &[], uuid),
    ("to base64", &["value"], to_base64),
    ("from base64", &["value"], from_base64),
    ("is blank", &["string"], is_blank),
];

/// Both arguments as strings, or `None`.
fn two_strings(args: &[Value]) -> Option<(&str, &str)> {
    Some((
        scalar(args.first()?).as_str()?,
        scalar(args.get(1)?).as_str()?,
    ))
}

/// `substring(string, start position, length?)`.
fn substring(state: &mut State<'_>, args: &[Value]) -> Value {
    let (Some(s), Some(start)) = (scalar(&args[0]).as_str(), int_arg(&args[1])) else {
        return state.illegal_args(args);
    };
    let length = match args.get(2) {
        None => None,
        Some(v) => match int_arg(v) {
            Some(l) if l >= 0 => Some(l),
            _ => return state.illegal_args(args),
        },
    };
    if state.dialect().is_camunda() {
        return camunda_substring(state, s, start, length);
    }
    let ascii = s.is_ascii();
    let len = i64::try_from(if ascii { s.len() } else { s.chars().count() }).unwrap_or(i64::MAX);
    // Zero-based first character; before the start of the string for a large negative
    // position, in which case the characters before the string count against `length`.
    let from = match start {
        0 => return state.fail_call("start position 0 is not valid; positions start at 1"),
        p if p > 0 => p - 1,
        p => len.saturating_add(p),
    };
    let end = length.map_or(i64::MAX, |l| from.saturating_add(l));
    let skip = usize::try_from(from.max(0)).unwrap_or(usize::MAX);
    let take = usize::try_from(end.saturating_sub(from.max(0)).max(0)).unwrap_or(usize::MAX);
    // byte offsets of the first and the one-past-last character, then one copy
    let byte_at = |n: usize| {
        if ascii {
            n.min(s.len())
        } else {
            s.char_indices().nth(n).map_or(s.len(), |(i, _)| i)
        }
    };
    let a = byte_at(skip);
    let b = byte_at(skip.saturating_add(take)).max(a);
    Value::from(s.get(a..b).unwrap_or(""))
}

/// `substring` as Camunda's engine computes it, in UTF-16 code units (Java strings): the
/// start is `start - 1`, or counted from the end for 0 and negative starts (so 0 gives the
/// empty string); the end is clamped to the string. A start outside the string fails the
/// evaluation, as Java's `String.substring` throws there. A surrogate pair cut in two leaves
/// U+FFFD (a Java string would keep half the pair).
fn camunda_substring(state: &mut State<'_>, s: &str, start: i64, length: Option<i64>) -> Value {
    let units: Vec<u16> = s.encode_utf16().collect();
    let len = i64::try_from(units.len()).unwrap_or(i64::MAX);
    let from = if start > 0 { start - 1 } else { len + start };
    let to = length.map_or(len, |l| from.saturating_add(l).min(len));
    let range = usize::try_from(from)
        .ok()
        .zip(usize::try_from(to).ok())
        .filter(|(a, b)| a <= b);
    match range.and_then(|(a, b)| units.get(a..b)) {
        Some(part) => Value::from(String::from_utf16_lossy(part)),
        None => state.fail_call_or_throw(format!(
            "start position {start} is outside the string '{s}'"
        )),
    }
}

/// The number of code points (the byte length for ASCII text).
fn char_count(s: &str) -> usize {
    if s.is_ascii() {
        s.len()
    } else {
        s.chars().count()
    }
}

/// `string length(string)`: the number of code points; in the Camunda dialect, of UTF-16 code
/// units (as Java counts them).
fn string_length(state: &mut State<'_>, args: &[Value]) -> Value {
    match scalar(&args[0]).as_str() {
        Some(s) if !s.is_ascii() && state.dialect().is_camunda() => count(s.encode_utf16().count()),
        Some(s) => count(char_count(s)),
        None => state.illegal_args(args),
    }
}

/// `upper case(string)`.
fn upper_case(state: &mut State<'_>, args: &[Value]) -> Value {
    change_case(state, args, str::make_ascii_uppercase, str::to_uppercase)
}

/// `lower case(string)`.
fn lower_case(state: &mut State<'_>, args: &[Value]) -> Value {
    change_case(state, args, str::make_ascii_lowercase, str::to_lowercase)
}

/// A case change: ASCII text in place in one copy, other text by the full Unicode mapping.
fn change_case(
    state: &mut State<'_>,
    args: &[Value],
    ascii: fn(&mut str),
    full: fn(&str) -> String,
) -> Value {
    match scalar(&args[0]).as_str() {
        Some(s) if s.is_ascii() && s.len() <= SmolStr::INLINE_CAP => {
            // short: changed in a stack copy, kept inline
            let mut buf = [0u8; SmolStr::INLINE_CAP];
            let text = &mut buf[..s.len()];
            text.copy_from_slice(s.as_bytes());
            match std::str::from_utf8_mut(text) {
                Ok(text) => {
                    ascii(text);
                    Value::String(SmolStr::new(&*text))
                }
                Err(_) => state.illegal_args(args),
            }
        }
        Some(s) if s.is_ascii() => Value::string_with(|out| {
            out.push_str(s);
            ascii(out.as_mut_str());
        }),
        Some(s) => Value::from(full(s)),
        None => state.illegal_args(args),
    }
}

/// `substring before(string, match)`: `""` when `match` does not occur.
fn substring_before(state: &mut State<'_>, args: &[Value]) -> Value {
    match two_strings(args) {
        Some((s, m)) => Value::from(s.find(m).map_or("", |i| &s[..i])),
        None => state.illegal_args(args),
    }
}

/// `substring after(string, match)`: `""` when `match` does not occur.
fn substring_after(state: &mut State<'_>, args: &[Value]) -> Value {
    match two_strings(args) {
        Some((s, m)) => Value::from(s.find(m).map_or("", |i| &s[i + m.len()..])),
        None => state.illegal_args(args),
    }
}

/// `contains(string, match)`.
fn contains(state: &mut State<'_>, args: &[Value]) -> Value {
    match two_strings(args) {
        Some((s, m)) => Value::Bool(s.contains(m)),
        None => state.illegal_args(args),
    }
}

/// `starts with(string, match)`.
fn starts_with(state: &mut State<'_>, args: &[Value]) -> Value {
    match two_strings(args) {
        Some((s, m)) => Value::Bool(s.starts_with(m)),
        None => state.illegal_args(args),
    }
}

/// `ends with(string, match)`.
fn ends_with(state: &mut State<'_>, args: &[Value]) -> Value {
    match two_strings(args) {
        Some((s, m)) => Value::Bool(s.ends_with(m)),
        None => state.illegal_args(args),
    }
}

/// The flags argument: absent or `null` means none.
fn flags_arg(v: Option<&Value>) -> Option<&str> {
    match v.map(scalar) {
        None | Some(Value::Null) => Some(""),
        Some(Value::String(s)) => Some(s),
        Some(_) => None,
    }
}

/// The flags a pattern is compiled with: as given in the DMN dialect (XPath); in the Camunda
/// dialect, Java's (see [`java_flags`]).
fn dialect_flags<'f>(state: &State<'_>, flags: &'f str) -> Cow<'f, str> {
    if state.dialect().is_camunda() {
        Cow::Owned(java_flags(flags))
    } else {
        Cow::Borrowed(flags)
    }
}

/// Compile a pattern, reporting failures as a warning.
fn regex_arg(state: &mut State<'_>, pattern: &str, flags: &str) -> Option<std::sync::Arc<XRegex>> {
    match compile(pattern, flags) {
        Ok(r) => Some(r),
        Err(e) => {
            state.fail_call(e);
            None
        }
    }
}

/// `matches(input, pattern, flags?)`: whether the pattern matches anywhere in the input.
fn matches(state: &mut State<'_>, args: &[Value]) -> Value {
    let (Some((input, pattern)), Some(flags)) = (two_strings(args), flags_arg(args.get(2))) else {
        return state.illegal_args(args);
    };
    let flags = dialect_flags(state, flags);
    match with_regex(pattern, &flags, |r| r.re.is_match(input)) {
        Ok(hit) => Value::Bool(hit),
        Err(e) => state.fail_call(e),
    }
}

/// `replace(input, pattern, replacement, flags?)`: replace every match; `$n` in the
/// replacement is group `n`.
fn replace(state: &mut State<'_>, args: &[Value]) -> Value {
    let (Some((input, pattern)), Some(replacement), Some(flags)) = (
        two_strings(args),
        scalar(&args[2]).as_str(),
        flags_arg(args.get(3)),
    ) else {
        return state.illegal_args(args);
    };
    let flags = dialect_flags(state, flags);
    let Some(r) = regex_arg(state, pattern, &flags) else {
        return Value::Null;
    };
    if !r.java && r.re.is_match("") {
        return state.fail_call(format!("the pattern '{pattern}' matches the empty string"));
    }
    let groups = r.re.captures_len().saturating_sub(1);
    let mut out = String::with_capacity(input.len());
    let mut last = 0;
    for caps in r.re.captures_iter(input) {
        let Some(whole) = caps.get(0) else { continue };
        out.push_str(&input[last..whole.start()]);
        if r.literal {
            out.push_str(replacement);
        } else if let Err(e) = expand(replacement, &caps, groups, &mut out) {
            return state.fail_call(e);
        }
        last = whole.end();
        if out.len() > state.engine.limits.max_string_len {
            return state.fail_call("the result is too long");
        }
    }
    out.push_str(&input[last..]);
    Value::from(out)
}

/// `split(string, delimiter)`: split at each match of the delimiter pattern.
fn split(state: &mut State<'_>, args: &[Value]) -> Value {
    let Some((s, delimiter)) = two_strings(args) else {
        return state.illegal_args(args);
    };
    let flags = dialect_flags(state, "");
    let Some(r) = regex_arg(state, delimiter, &flags) else {
        return Value::Null;
    };
    if r.java {
        // Java's split keeps trailing empty strings and gives [""] for the empty string
        return Value::list(r.re.split(s).map(Value::from).collect());
    }
    if r.re.is_match("") {
        return state.fail_call(format!(
            "the delimiter '{delimiter}' matches the empty string"
        ));
    }
    if s.is_empty() {
        return Value::list(Vec::new());
    }
    Value::list(r.re.split(s).map(Value::from).collect())
}

/// `extract(input, pattern)`: every match of the pattern, in order.
fn extract(state: &mut State<'_>, args: &[Value]) -> Value {
    let Some((input, pattern)) = two_strings(args) else {
        return state.illegal_args(args);
    };
    let flags = dialect_flags(state, "");
    match regex_arg(state, pattern, &flags) {
        Some(r) => Value::list(
            r.re.find_iter(input)
                .map(|m| Value::from(m.as_str()))
                .collect(),
        ),
        None => Value::Null,
    }
}

/// `string join(list, delimiter?, prefix?, suffix?)`: join the strings of a list; `null`
/// items are skipped; a `null` delimiter, prefix or suffix counts as empty (in the Camunda
/// dialect a null prefix or suffix only with the other one null).
fn string_join(state: &mut State<'_>, args: &[Value]) -> Value {
    let Some(items) = list_arg(&args[0]) else {
        return state.illegal_args(args);
    };
    // Camunda takes a null prefix or suffix only with the other one null too
    if let [_, _, prefix, suffix] = args {
        if prefix.is_null() != suffix.is_null() && state.dialect().is_camunda() {
            return state.illegal_args(args);
        }
    }
    let mut text = [""; 3];
    for (slot, v) in text.iter_mut().zip(args.iter().skip(1)) {
        match v {
            Value::Null => {}
            Value::String(s) => *slot = s,
            _ => return state.illegal_args(args),
        }
    }
    let [delimiter, prefix, suffix] = text;
    let mut parts = Vec::with_capacity(items.len());
    for item in items.iter() {
        match item {
            Value::Null => {}
            Value::String(s) => parts.push(s.as_ref()),
            _ => return state.illegal_args(args),
        }
    }
    Value::from(format!("{prefix}{}{suffix}", parts.join(delimiter)))
}

/// `trim(string)`: remove leading and trailing control characters and spaces (code points
/// up to U+0020, as Camunda's engine does; other Unicode spaces are kept).
fn trim(state: &mut State<'_>, args: &[Value]) -> Value {
    match scalar(&args[0]).as_str() {
        Some(s) => Value::from(s.trim_matches(|c: char| c <= ' ')),
        None => state.illegal_args(args),
    }
}

/// `uuid()`: a random (version 4) UUID string.
fn uuid(_state: &mut State<'_>, _args: &[Value]) -> Value {
    Value::from(uuid::Uuid::new_v4().to_string())
}

/// `to base64(value)`: the Base64 encoding of the string's UTF-8 bytes.
fn to_base64(state: &mut State<'_>, args: &[Value]) -> Value {
    match scalar(&args[0]).as_str() {
        Some(s) => Value::from(base64::engine::general_purpose::STANDARD.encode(s)),
        None => state.illegal_args(args),
    }
}

/// `from base64(value)`: decode Base64 into a UTF-8 string.
fn from_base64(state: &mut State<'_>, args: &[Value]) -> Value {
    let Some(s) = scalar(&args[0]).as_str() else {
        return state.illegal_args(args);
    };
    match base64::engine::general_purpose::STANDARD.decode(s.trim()) {
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(text) => Value::from(text),
            Err(_) => state.fail_call("the decoded bytes are not UTF-8 text"),
        },
        Err(_) => state.fail_call(format!("'{s}' is not valid Base64")),
    }
}

/// `is blank(string)`: whether the string is empty or only whitespace.
fn is_blank(state: &mut State<'_>, args: &[Value]) -> Value {
    match scalar(&args[0]).as_str() {
        Some(s) => Value::Bool(s.chars().all(char::is_whitespace)),
        None => state.illegal_args(args),
    }
}

#[cfg(test)]
mod tests {
    use super::super::util::test::{call, call_args, call_named, l, n, s};
    use crate::value::{Args, Value};

    fn b(x: bool) -> Value {
        Value::Bool(x)
    }

    #[test]
    fn substring_positions() {
        assert_eq!(call("substring", vec![s("foobar"), n("3")]), s("obar"));
        assert_eq!(
            call("substring", vec![s("foobar"), n("3"), n("3")]),
            s("oba")
        );
        assert_eq!(
            call("substring", vec![s("foobar"), n("-2"), n("1")]),
            s("a")
        );
        assert_eq!(
            call("substring", vec![s("foobar"), n("-6"), n("6")]),
            s("foobar")
        );
        assert_eq!(
            call("substring", vec![s("foobar"), n("3"), n("3.8")]),
            s("oba")
        );
        assert_eq!(call("substring", vec![s("a😀b"), n("2"), n("1")]), s("😀"));
        assert_eq!(call("substring", vec![s("abc"), n("0")]), Value::Null);
        assert_eq!(call("substring", vec![s("abc"), n("7")]), s(""));
        assert_eq!(call("substring", vec![s("abc"), n("-5")]), s("abc"));
        assert_eq!(call("substring", vec![s("abc"), n("-5"), n("3")]), s("a"));
        assert_eq!(call("substring", vec![s("abc"), n("-5"), n("2")]), s(""));
        assert_eq!(call("substring", vec![Value::Null, n("1")]), Value::Null);
        assert_eq!(
            call_named(
                "substring",
                &[("string", s("foobar")), ("start position", n("3"))]
            ),
            s("obar")
        );
    }

    #[test]
    fn simple_string_functions() {
        assert_eq!(call("string length", vec![s("a😀b")]), n("3"));
        assert_eq!(call("upper case", vec![s("aBc4")]), s("ABC4"));
        assert_eq!(call("lower case", vec![s("aBc4")]), s("abc4"));
        assert_eq!(call("substring before", vec![s("foobar"), s("o")]), s("f"));
        assert_eq!(call("substring before", vec![s("abc"), s("")]), s(""));
        assert_eq!(
            call("substring after", vec![s("foobar"), s("o")]),
            s("obar")
        );
        assert_eq!(call("substring after", vec![s("abc"), s("")]), s("abc"));
        assert_eq!(call("substring after", vec![s("abc"), s("x")]), s(""));
        assert_eq!(call("contains", vec![s("abc"), s("")]), b(true));
        assert_eq!(call("contains", vec![s("abc"), Value::Null]), Value::Null);
        assert_eq!(call("starts with", vec![s("abc"), s("ab")]), b(true));
        assert_eq!(call("ends with", vec![s("abc"), s("ab")]), b(false));
        assert_eq!(call("trim", vec![s("  a b \n")]), s("a b"));
        assert_eq!(call("trim", vec![s("\u{A0}a\u{0}")]), s("\u{A0}a"));
        assert_eq!(call("is blank", vec![s(" \t")]), b(true));
        assert_eq!(call("is blank", vec![s(" x")]), b(false));
        assert_eq!(call("to base64", vec![s("FEEL")]), s("RkVFTA=="));
        assert_eq!(call("from base64", vec![s("RkVFTA==")]), s("FEEL"));
        assert_eq!(call("from base64", vec![s("%%%")]), Value::Null);
        let Value::String(u) = call("uuid", vec![]) else {
            unreachable!("uuid returns a string")
        };
        assert_eq!(u.len(), 36);
    }

    #[test]
    fn regex_functions() {
        assert_eq!(call("matches", vec![s("abracadabra"), s("bra")]), b(true));
        assert_eq!(
            call("matches", vec![s("abracadabra"), s("bra"), Value::Null]),
            b(true)
        );
        let (v, w, _) = call_args(
            "matches",
            Args::Positional(vec![s("abracadabra"), s("bra"), s("p")]),
        );
        assert_eq!(v, Value::Null);
        assert!(
            w[0].starts_with("Failed to invoke function 'matches'"),
            "{w:?}"
        );
        assert_eq!(
            call("replace", vec![s("abcd"), s("(ab)|(a)"), s("[1=$1][2=$2]")]),
            s("[1=ab][2=]cd")
        );
        assert_eq!(
            call("replace", vec![s("facetiously"), s("[iouy]"), s("[$0]")]),
            s("facet[i][o][u]sl[y]")
        );
        assert_eq!(
            call("replace", vec![s("darted"), s("^(.*?)d(.*)$"), s("$1c$2")]),
            s("carted")
        );
        assert_eq!(
            call("replace", vec![s("abc"), s("x*"), s("-")]),
            Value::Null
        );
        assert_eq!(
            call("replace", vec![s("a.c"), s("."), s("$"), s("q")]),
            s("a$c")
        );
        assert_eq!(
            call("replace", vec![s("abc"), s("b"), s("\\")]),
            Value::Null
        );
        assert_eq!(
            call("split", vec![s("a;b;c;;"), s(";")]),
            l(vec![s("a"), s("b"), s("c"), s(""), s("")])
        );
        assert_eq!(
            call("split", vec![s("John Doe"), s("\\s")]),
            l(vec![s("John"), s("Doe")])
        );
        assert_eq!(call("split", vec![s("abc"), s("")]), Value::Null);
        assert_eq!(
            call("extract", vec![s("a1b22c333"), s("\\d+")]),
            l(vec![s("1"), s("22"), s("333")])
        );
    }

    #[test]
    fn string_join_forms() {
        let abc = l(vec![s("a"), Value::Null, s("c")]);
        assert_eq!(call("string join", vec![abc.clone()]), s("ac"));
        assert_eq!(call("string join", vec![abc.clone(), s("X")]), s("aXc"));
        assert_eq!(call("string join", vec![abc.clone(), Value::Null]), s("ac"));
        assert_eq!(
            call("string join", vec![abc, s(", "), s("["), s("]")]),
            s("[a, c]")
        );
        assert_eq!(call("string join", vec![s("a"), s("X")]), s("a"));
        assert_eq!(
            call("string join", vec![l(vec![n("1")]), s("X")]),
            Value::Null
        );
        assert_eq!(call("string join", vec![Value::Null]), Value::Null);
        assert_eq!(
            call_named(
                "string join",
                &[("delimiter", s("X")), ("list", l(vec![s("a"), s("c")]))]
            ),
            s("aXc")
        );
    }
}

#[cfg(test)]
mod engine_tests {
    use super::super::util::test::{eval, feel};

    #[test]
    fn through_the_engine() {
        assert_eq!(
            feel("substring(string: \"foobar\", start position: 3)"),
            "\"obar\""
        );
        assert_eq!(feel("string length(\"a😀b\")"), "3");
        assert_eq!(feel("replace(\"abc\", \"[A-Z]\", \"#\", \"i\")"), "\"###\"");
        assert_eq!(feel("matches(\"abZ\", \"[a-z]*\", \"i\")"), "true");
        assert_eq!(feel("matches(\"x\", \"[A-Z-[OI]]\", \"i\")"), "true");
        assert_eq!(
            feel("split(delimiter: \",\", string: \"foo,bar\")"),
            "[\"foo\", \"bar\"]"
        );
        assert_eq!(
            feel("string join([\"a\", \"b\"], \", \", \"[\", \"]\")"),
            "\"[a, b]\""
        );
        assert_eq!(feel("extract(\"a1b2\", \"[0-9]\")"), "[\"1\", \"2\"]");
        assert_eq!(feel("from base64(to base64(\"ü\"))"), "\"ü\"");
        assert_eq!(feel("is blank(\"  \")"), "true");
        let (v, w) = eval("matches(\"a\", \"(\")");
        assert_eq!(v, "null");
        assert!(w.iter().any(|m| m.contains("'matches'")), "{w:?}");
        assert_eq!(feel("upper case(1)"), "null");
        assert_eq!(
            feel("upper case([\"Bob\"])"),
            "\"BOB\"",
            "a singleton list is unwrapped"
        );
        assert_eq!(feel("upper case([\"a\", \"b\"])"), "null");
    }
}
