//! Built-in functions: range family (DMN 1.5 §10.3.4.9, Allen's interval relations, and
//! `range(from)`).
//!
//! A point is a number, string, date, time, date and time or duration; a range's `null`
//! end point is unbounded. Values that cannot be compared give `null` with a warning.

use std::cmp::Ordering;

use super::Row;
use crate::eval::ops::compare;
use crate::eval::State;
use crate::value::{temporal, Range, Value};

/// The range functions.
pub(super) const TABLE: &[Row] = &[
    ("before", &["point1", "point2"], before),
    ("before", &["point", "range"], before),
    ("before", &["range", "point"], before),
    ("before", &["range1", "range2"], before),
    ("after", &["point1", "point2"], after),
    ("after", &["point", "range"], after),
    ("after", &["range", "point"], after),
    ("after", &["range1", "range2"], after),
    ("meets", &["range1", "range2"], meets),
    ("met by", &["range1", "range2"], met_by),
    ("overlaps", &["range1", "range2"], overlaps),
    ("overlaps before", &["range1", "range2"], overlaps_before),
    ("overlaps after", &["range1", "range2"], overlaps_after),
    ("finishes", &["point", "range"], finishes),
    ("finishes", &["range1", "range2"], finishes),
    ("finished by", &["range", "point"], finished_by),
    ("finished by", &["range1", "range2"], finished_by),
    ("includes", &["range", "point"], includes),
    ("includes", &["range1", "range2"], includes),
    ("during", &["point", "range"], during),
    ("during", &["range1", "range2"], during),
    ("starts", &["point", "range"], starts),
    ("starts", &["range1", "range2"], starts),
    ("started by", &["range", "point"], started_by),
    ("started by", &["range1", "range2"], started_by),
    ("coincides", &["point1", "point2"], coincides),
    ("coincides", &["range1", "range2"], coincides),
    ("range", &["from"], range_fn),
];

/// The rows of this family Camunda's engine has differently (used in place of the standard
/// rows of the same names in the Camunda dialect): `finished by` names its parameters
/// `point, range` though it takes the range first, so a named call in the specification's
/// form does not match (feel-builtins.md, RangeBuiltinFunction).
pub(super) const CAMUNDA: &[Row] = &[
    ("finished by", &["point", "range"], finished_by),
    ("finished by", &["range1", "range2"], finished_by),
];

/// An end point: a value, or unbounded below/above.
#[derive(Clone, Copy)]
enum Bound<'a> {
    Low,
    At(&'a Value),
    High,
}

/// The result of a relation: `None` when two values could not be compared.
type Rel = Option<bool>;

/// Three-way comparison of end points (unbounded ends are infinitely far).
fn cmp(a: Bound<'_>, b: Bound<'_>) -> Option<Ordering> {
    match (a, b) {
        (Bound::Low, Bound::Low) | (Bound::High, Bound::High) => Some(Ordering::Equal),
        (Bound::Low, _) | (_, Bound::High) => Some(Ordering::Less),
        (_, Bound::Low) | (Bound::High, _) => Some(Ordering::Greater),
        (Bound::At(x), Bound::At(y)) => compare(x, y),
    }
}

fn lt(a: Bound<'_>, b: Bound<'_>) -> Rel {
    cmp(a, b).map(|o| o == Ordering::Less)
}

fn gt(a: Bound<'_>, b: Bound<'_>) -> Rel {
    cmp(a, b).map(|o| o == Ordering::Greater)
}

fn eq(a: Bound<'_>, b: Bound<'_>) -> Rel {
    // Two unbounded ends do not "meet" at a point.
    if matches!(a, Bound::Low | Bound::High) || matches!(b, Bound::Low | Bound::High) {
        return cmp(a, b).map(|_| false);
    }
    cmp(a, b).map(|o| o == Ordering::Equal)
}

/// Three-valued helpers over `Rel` (short-circuit like FEEL's `and` / `or`).
fn or(a: Rel, b: impl FnOnce() -> Rel) -> Rel {
    match a {
        Some(true) => Some(true),
        Some(false) => b(),
        None => match b() {
            Some(true) => Some(true),
            _ => None,
        },
    }
}

fn and(a: Rel, b: impl FnOnce() -> Rel) -> Rel {
    match a {
        Some(false) => Some(false),
        Some(true) => b(),
        None => match b() {
            Some(false) => Some(false),
            _ => None,
        },
    }
}

/// A range's end points as bounds.
struct R<'a> {
    s: Bound<'a>,
    si: bool,
    e: Bound<'a>,
    ei: bool,
}

fn view(r: &Range) -> R<'_> {
    R {
        s: if r.start.is_null() {
            Bound::Low
        } else {
            Bound::At(&r.start)
        },
        si: r.start_included,
        e: if r.end.is_null() {
            Bound::High
        } else {
            Bound::At(&r.end)
        },
        ei: r.end_included,
    }
}

/// The two arguments classified.
enum Args2<'a> {
    Points(Bound<'a>, Bound<'a>),
    PointRange(Bound<'a>, R<'a>),
    RangePoint(R<'a>, Bound<'a>),
    Ranges(R<'a>, R<'a>),
}

fn classify(args: &[Value]) -> Option<Args2<'_>> {
    let point = |v: &Value| -> bool {
        matches!(
            v,
            Value::Number(_)
                | Value::String(_)
                | Value::Date(_)
                | Value::Time(_)
                | Value::DateTime(_)
                | Value::YearsMonths(_)
                | Value::DaysTime(_)
        )
    };
    match (args.first()?, args.get(1)?) {
        (Value::Range(a), Value::Range(b)) => Some(Args2::Ranges(view(a), view(b))),
        (Value::Range(a), p) if point(p) => Some(Args2::RangePoint(view(a), Bound::At(p))),
        (p, Value::Range(b)) if point(p) => Some(Args2::PointRange(Bound::At(p), view(b))),
        (p, q) if point(p) && point(q) => Some(Args2::Points(Bound::At(p), Bound::At(q))),
        _ => None,
    }
}

/// Run a relation; `None` (wrong kinds or incomparable values) gives `null` + warning.
fn relate(
    state: &mut State<'_>,
    args: &[Value],
    f: impl FnOnce(Args2<'_>) -> Option<Rel>,
) -> Value {
    match classify(args).and_then(f) {
        Some(Some(b)) => Value::Bool(b),
        _ => state.illegal_args(args),
    }
}

fn before(state: &mut State<'_>, args: &[Value]) -> Value {
    relate(state, args, |a| {
        Some(match a {
            Args2::Points(p, q) => lt(p, q),
            Args2::PointRange(p, r) => or(lt(p, r.s), || and(eq(p, r.s), || Some(!r.si))),
            Args2::RangePoint(r, p) => or(lt(r.e, p), || and(eq(r.e, p), || Some(!r.ei))),
            Args2::Ranges(a, b) => or(lt(a.e, b.s), || and(Some(!a.ei || !b.si), || eq(a.e, b.s))),
        })
    })
}

fn after(state: &mut State<'_>, args: &[Value]) -> Value {
    relate(state, args, |a| {
        Some(match a {
            Args2::Points(p, q) => gt(p, q),
            Args2::PointRange(p, r) => or(gt(p, r.e), || and(eq(p, r.e), || Some(!r.ei))),
            Args2::RangePoint(r, p) => or(gt(r.s, p), || and(eq(r.s, p), || Some(!r.si))),
            Args2::Ranges(a, b) => or(gt(a.s, b.e), || and(Some(!a.si || !b.ei), || eq(a.s, b.e))),
        })
    })
}

fn meets(state: &mut State<'_>, args: &[Value]) -> Value {
    relate(state, args, |a| match a {
        Args2::Ranges(a, b) => Some(and(Some(a.ei && b.si), || eq(a.e, b.s))),
        _ => None,
    })
}

fn met_by(state: &mut State<'_>, args: &[Value]) -> Value {
    relate(state, args, |a| match a {
        Args2::Ranges(a, b) => Some(and(Some(a.si && b.ei), || eq(a.s, b.e))),
        _ => None,
    })
}

fn overlaps(state: &mut State<'_>, args: &[Value]) -> Value {
    relate(state, args, |a| match a {
        Args2::Ranges(a, b) => Some(and(
            or(gt(a.e, b.s), || and(eq(a.e, b.s), || Some(a.ei && b.si))),
            || or(lt(a.s, b.e), || and(eq(a.s, b.e), || Some(a.si && b.ei))),
        )),
        _ => None,
    })
}

/// `overlaps before(range1, range2)`: range1 starts first and ends inside range2.
fn overlaps_before_rel(a: &R<'_>, b: &R<'_>) -> Rel {
    and(
        or(lt(a.s, b.s), || and(eq(a.s, b.s), || Some(a.si && !b.si))),
        || {
            and(
                or(gt(a.e, b.s), || and(eq(a.e, b.s), || Some(a.ei && b.si))),
                || or(lt(a.e, b.e), || and(eq(a.e, b.e), || Some(!a.ei || b.ei))),
            )
        },
    )
}

fn overlaps_before(state: &mut State<'_>, args: &[Value]) -> Value {
    relate(state, args, |a| match a {
        Args2::Ranges(a, b) => Some(overlaps_before_rel(&a, &b)),
        _ => None,
    })
}

fn overlaps_after(state: &mut State<'_>, args: &[Value]) -> Value {
    relate(state, args, |a| match a {
        Args2::Ranges(a, b) => Some(overlaps_before_rel(&b, &a)),
        _ => None,
    })
}

/// Range `a` ends with range `b`'s end and starts no earlier.
fn finishes_rel(a: &R<'_>, b: &R<'_>) -> Rel {
    and(Some(a.ei == b.ei), || {
        and(eq_or_both_open(a.e, b.e), || {
            or(gt(a.s, b.s), || {
                and(eq_or_both_open(a.s, b.s), || Some(!a.si || b.si))
            })
        })
    })
}

/// End points equal, counting two unbounded ends on the same side as equal.
fn eq_or_both_open(a: Bound<'_>, b: Bound<'_>) -> Rel {
    match (a, b) {
        (Bound::Low, Bound::Low) | (Bound::High, Bound::High) => Some(true),
        _ => eq(a, b),
    }
}

fn finishes(state: &mut State<'_>, args: &[Value]) -> Value {
    relate(state, args, |a| match a {
        Args2::PointRange(p, r) => Some(and(Some(r.ei), || eq(r.e, p))),
        Args2::Ranges(a, b) => Some(finishes_rel(&a, &b)),
        _ => None,
    })
}

fn finished_by(state: &mut State<'_>, args: &[Value]) -> Value {
    relate(state, args, |a| match a {
        Args2::RangePoint(r, p) => Some(and(Some(r.ei), || eq(r.e, p))),
        Args2::Ranges(a, b) => Some(finishes_rel(&b, &a)),
        _ => None,
    })
}

/// Range `a` includes the point `p`.
fn includes_point(r: &R<'_>, p: Bound<'_>) -> Rel {
    or(and(lt(r.s, p), || gt(r.e, p)), || {
        or(and(Some(r.si), || eq(r.s, p)), || {
            and(Some(r.ei), || eq(r.e, p))
        })
    })
}

/// Range `a` includes range `b`.
fn includes_range(a: &R<'_>, b: &R<'_>) -> Rel {
    and(
        or(lt(a.s, b.s), || {
            and(eq_or_both_open(a.s, b.s), || Some(a.si || !b.si))
        }),
        || {
            or(gt(a.e, b.e), || {
                and(eq_or_both_open(a.e, b.e), || Some(a.ei || !b.ei))
            })
        },
    )
}

fn includes(state: &mut State<'_>, args: &[Value]) -> Value {
    relate(state, args, |a| match a {
        Args2::RangePoint(r, p) => Some(includes_point(&r, p)),
        Args2::Ranges(a, b) => Some(includes_range(&a, &b)),
        _ => None,
    })
}

fn during(state: &mut State<'_>, args: &[Value]) -> Value {
    relate(state, args, |a| match a {
        Args2::PointRange(p, r) => Some(includes_point(&r, p)),
        Args2::Ranges(a, b) => Some(includes_range(&b, &a)),
        _ => None,
    })
}

/// Range `a` starts with range `b`'s start and ends no later.
fn starts_rel(a: &R<'_>, b: &R<'_>) -> Rel {
    and(Some(a.si == b.si), || {
        and(eq_or_both_open(a.s, b.s), || {
            or(lt(a.e, b.e), || {
                and(eq_or_both_open(a.e, b.e), || Some(!a.ei || b.ei))
            })
        })
    })
}

fn starts(state: &mut State<'_>, args: &[Value]) -> Value {
    relate(state, args, |a| match a {
        Args2::PointRange(p, r) => Some(and(Some(r.si), || eq(r.s, p))),
        Args2::Ranges(a, b) => Some(starts_rel(&a, &b)),
        _ => None,
    })
}

fn started_by(state: &mut State<'_>, args: &[Value]) -> Value {
    relate(state, args, |a| match a {
        Args2::RangePoint(r, p) => Some(and(Some(r.si), || eq(r.s, p))),
        Args2::Ranges(a, b) => Some(starts_rel(&b, &a)),
        _ => None,
    })
}

fn coincides(state: &mut State<'_>, args: &[Value]) -> Value {
    relate(state, args, |a| match a {
        Args2::Points(p, q) => Some(eq(p, q)),
        Args2::Ranges(a, b) => Some(and(Some(a.si == b.si && a.ei == b.ei), || {
            and(eq_or_both_open(a.s, b.s), || eq_or_both_open(a.e, b.e))
        })),
        _ => None,
    })
}

/// `range(from)`: a range from its literal text, e.g. `"[18..21)"` or
/// `"[@\"2024-01-01\"..@\"2024-12-31\"]"`. End points are literals (numbers, strings,
/// `@"…"`) or `date`/`time`/`date and time`/`duration` calls on a string literal; both must
/// be given, of one kind, and in order.
fn range_fn(state: &mut State<'_>, args: &[Value]) -> Value {
    let Some(text) = args[0].as_str() else {
        return state.illegal_args(args);
    };
    match parse_range(state, text) {
        Ok(r) => Value::Range(std::sync::Arc::new(r)),
        Err(e) => state.fail_call(format!("'{text}' is not a valid range: {e}")),
    }
}

struct Scanner<'t> {
    chars: Vec<char>,
    pos: usize,
    _text: &'t str,
}

impl Scanner<'_> {
    fn skip_ws(&mut self) {
        while self.chars.get(self.pos).is_some_and(|c| c.is_whitespace()) {
            self.pos += 1;
        }
    }

    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn eat(&mut self, s: &str) -> bool {
        let n = s.chars().count();
        let matches = self
            .chars
            .get(self.pos..self.pos + n)
            .is_some_and(|w| w.iter().copied().eq(s.chars()));
        if matches {
            self.pos += n;
        }
        matches
    }

    /// A string literal body after the opening quote, with FEEL escapes.
    fn string(&mut self) -> Result<String, String> {
        let mut out = String::new();
        loop {
            let c = self.peek().ok_or("unterminated string")?;
            self.pos += 1;
            match c {
                '"' => return Ok(out),
                '\\' => {
                    let e = self.peek().ok_or("unterminated string")?;
                    self.pos += 1;
                    match e {
                        'n' => out.push('\n'),
                        'r' => out.push('\r'),
                        't' => out.push('\t'),
                        '"' | '\\' | '\'' => out.push(e),
                        'u' => {
                            let hex: String = self.chars.iter().skip(self.pos).take(4).collect();
                            let ch = u32::from_str_radix(&hex, 16)
                                .ok()
                                .and_then(char::from_u32)
                                .ok_or("invalid \\u escape")?;
                            self.pos += 4;
                            out.push(ch);
                        }
                        other => {
                            out.push('\\');
                            out.push(other);
                        }
                    }
                }
                other => out.push(other),
            }
        }
    }
}

fn parse_range(state: &mut State<'_>, text: &str) -> Result<Range, String> {
    let mut sc = Scanner {
        chars: text.chars().collect(),
        pos: 0,
        _text: text,
    };
    sc.skip_ws();
    let start_included = match sc.peek() {
        Some('[') => true,
        Some('(' | ']') => false,
        _ => return Err("expected '[', '(' or ']'".into()),
    };
    sc.pos += 1;
    sc.skip_ws();
    let start = endpoint(state, &mut sc)?;
    sc.skip_ws();
    if !sc.eat("..") {
        return Err("expected '..'".into());
    }
    sc.skip_ws();
    let end = endpoint(state, &mut sc)?;
    sc.skip_ws();
    let end_included = match sc.peek() {
        Some(']') => true,
        Some(')' | '[') => false,
        _ => return Err("expected ']', ')' or '['".into()),
    };
    sc.pos += 1;
    sc.skip_ws();
    if sc.peek().is_some() {
        return Err("unexpected text after the range".into());
    }
    if start.kind() != end.kind() {
        return Err("the end points are of different kinds".into());
    }
    match compare(&start, &end) {
        Some(Ordering::Greater) => return Err("the start is after the end".into()),
        Some(_) => {}
        None => return Err("the end points cannot be compared".into()),
    }
    Ok(Range {
        start,
        start_included,
        end,
        end_included,
    })
}

/// One end point: a literal or a conversion call on a string literal.
fn endpoint(state: &mut State<'_>, sc: &mut Scanner<'_>) -> Result<Value, String> {
    match sc.peek() {
        Some('"') => {
            sc.pos += 1;
            Ok(Value::from(sc.string()?))
        }
        Some('@') => {
            sc.pos += 1;
            if !sc.eat("\"") {
                return Err("expected '\"' after '@'".into());
            }
            let s = sc.string()?;
            temporal::parse_literal(&s).ok_or_else(|| format!("invalid temporal literal '{s}'"))
        }
        Some(c)
            if c.is_ascii_digit()
                || ((c == '-' || c == '.')
                    && sc
                        .chars
                        .get(sc.pos + 1)
                        .is_some_and(|d| d.is_ascii_digit() || *d == '.')
                    && !(c == '.' && sc.chars.get(sc.pos + 1) == Some(&'.'))) =>
        {
            let from = sc.pos;
            sc.pos += 1;
            while sc.peek().is_some_and(|c| c.is_ascii_digit() || c == '.') {
                // Stop before the `..` separator.
                if sc.peek() == Some('.') && sc.chars.get(sc.pos + 1) == Some(&'.') {
                    break;
                }
                sc.pos += 1;
            }
            let token: String = sc
                .chars
                .get(from..sc.pos)
                .unwrap_or_default()
                .iter()
                .collect();
            crate::parse_decimal(&token)
                .filter(|_| !token.contains(['e', 'E']))
                .map(Value::Number)
                .ok_or_else(|| format!("invalid number '{token}'"))
        }
        _ => {
            for name in ["date and time", "date", "time", "duration"] {
                let save = sc.pos;
                if sc.eat(name) {
                    sc.skip_ws();
                    if sc.eat("(") {
                        sc.skip_ws();
                        if !sc.eat("\"") {
                            return Err(format!("{name}() needs a string literal"));
                        }
                        let arg = sc.string()?;
                        sc.skip_ws();
                        if !sc.eat(")") {
                            return Err(format!("{name}() takes one string literal"));
                        }
                        return convert(state, name, arg);
                    }
                }
                sc.pos = save;
            }
            Err("expected a literal end point".into())
        }
    }
}

/// Apply a conversion built-in to a string.
fn convert(state: &mut State<'_>, name: &str, arg: String) -> Result<Value, String> {
    let f = state
        .engine
        .registry
        .get(name)
        .cloned()
        .ok_or_else(|| format!("no function '{name}'"))?;
    match state.call(&f, vec![Value::from(arg)]) {
        Value::Null => Err(format!("{name}() gave null")),
        v => Ok(v),
    }
}

#[cfg(test)]
mod tests {
    use super::super::util::test::{call, call_named, n, s};
    use crate::value::{Range, Value};

    fn r(a: Value, ai: bool, b: Value, bi: bool) -> Value {
        Value::Range(std::sync::Arc::new(Range {
            start: a,
            start_included: ai,
            end: b,
            end_included: bi,
        }))
    }

    fn ni(x: i64) -> Value {
        Value::from(x)
    }

    fn t() -> Value {
        Value::Bool(true)
    }

    fn f() -> Value {
        Value::Bool(false)
    }

    #[test]
    fn before_and_after() {
        assert_eq!(call("before", vec![ni(1), ni(10)]), t());
        assert_eq!(call("before", vec![ni(10), ni(1)]), f());
        assert_eq!(
            call("before", vec![ni(1), r(ni(2), true, ni(5), true)]),
            t()
        );
        assert_eq!(
            call("before", vec![ni(1), r(ni(1), false, ni(5), true)]),
            t()
        );
        assert_eq!(
            call("before", vec![ni(1), r(ni(1), true, ni(5), true)]),
            f()
        );
        assert_eq!(
            call("before", vec![r(ni(1), true, ni(5), false), ni(5)]),
            t()
        );
        assert_eq!(
            call("before", vec![r(ni(1), true, ni(5), true), ni(5)]),
            f()
        );
        assert_eq!(
            call(
                "before",
                vec![r(ni(1), true, ni(5), true), r(ni(5), false, ni(8), true)]
            ),
            t()
        );
        assert_eq!(
            call(
                "before",
                vec![r(ni(1), true, ni(5), true), r(ni(5), true, ni(8), true)]
            ),
            f()
        );
        assert_eq!(call("after", vec![ni(10), ni(1)]), t());
        assert_eq!(
            call("after", vec![ni(12), r(ni(2), true, ni(10), false)]),
            t()
        );
        assert_eq!(
            call("after", vec![r(ni(11), true, ni(20), true), ni(12)]),
            f()
        );
        assert_eq!(
            call(
                "after",
                vec![r(ni(6), true, ni(8), true), r(ni(1), true, ni(5), true)]
            ),
            t()
        );
        assert_eq!(call("before", vec![ni(1), s("a")]), Value::Null);
        assert_eq!(
            call_named(
                "before",
                &[("range", r(ni(2), true, ni(5), true)), ("point", ni(1))]
            ),
            t()
        );
        // Unbounded: `< 10` starts at minus infinity.
        assert_eq!(
            call("before", vec![ni(1), r(Value::Null, false, ni(10), false)]),
            f()
        );
    }

    #[test]
    fn meeting_and_overlapping() {
        let a = r(ni(1), true, ni(5), true);
        let b = r(ni(5), true, ni(8), true);
        let c = r(ni(3), true, ni(8), true);
        assert_eq!(call("meets", vec![a.clone(), b.clone()]), t());
        assert_eq!(
            call("meets", vec![a.clone(), r(ni(5), false, ni(8), true)]),
            f()
        );
        assert_eq!(call("met by", vec![b.clone(), a.clone()]), t());
        assert_eq!(call("overlaps", vec![a.clone(), c.clone()]), t());
        assert_eq!(
            call("overlaps", vec![a.clone(), r(ni(6), true, ni(8), true)]),
            f()
        );
        assert_eq!(call("overlaps before", vec![a.clone(), c.clone()]), t());
        assert_eq!(call("overlaps before", vec![c.clone(), a.clone()]), f());
        assert_eq!(call("overlaps after", vec![c.clone(), a.clone()]), t());
        assert_eq!(call("meets", vec![ni(1), ni(2)]), Value::Null);
    }

    #[test]
    fn containment() {
        let a = r(ni(1), true, ni(10), true);
        assert_eq!(call("finishes", vec![ni(10), a.clone()]), t());
        assert_eq!(
            call("finishes", vec![ni(10), r(ni(1), true, ni(10), false)]),
            f()
        );
        assert_eq!(
            call("finishes", vec![r(ni(3), true, ni(10), true), a.clone()]),
            t()
        );
        assert_eq!(call("finished by", vec![a.clone(), ni(10)]), t());
        assert_eq!(
            call("finished by", vec![a.clone(), r(ni(3), true, ni(10), true)]),
            t()
        );
        assert_eq!(call("includes", vec![a.clone(), ni(5)]), t());
        assert_eq!(
            call("includes", vec![r(ni(1), false, ni(10), true), ni(1)]),
            f()
        );
        assert_eq!(
            call("includes", vec![a.clone(), r(ni(4), true, ni(6), true)]),
            t()
        );
        assert_eq!(call("during", vec![ni(5), a.clone()]), t());
        assert_eq!(
            call("during", vec![r(ni(4), true, ni(6), true), a.clone()]),
            t()
        );
        assert_eq!(
            call("during", vec![r(ni(0), true, ni(6), true), a.clone()]),
            f()
        );
        assert_eq!(call("starts", vec![ni(1), a.clone()]), t());
        assert_eq!(
            call("starts", vec![r(ni(1), true, ni(5), true), a.clone()]),
            t()
        );
        assert_eq!(call("started by", vec![a.clone(), ni(1)]), t());
        assert_eq!(
            call("started by", vec![a.clone(), r(ni(1), true, ni(5), true)]),
            t()
        );
        assert_eq!(call("coincides", vec![ni(5), ni(5)]), t());
        assert_eq!(
            call("coincides", vec![a.clone(), r(ni(1), true, ni(10), true)]),
            t()
        );
        assert_eq!(
            call("coincides", vec![a.clone(), r(ni(1), false, ni(10), true)]),
            f()
        );
        assert_eq!(call("includes", vec![a, s("x")]), Value::Null);
    }

    #[test]
    fn range_from_text() {
        assert_eq!(
            call("range", vec![s("[18..21)")]),
            r(ni(18), true, ni(21), false)
        );
        assert_eq!(
            call("range", vec![s(" ]1.5 .. 3[ ")]),
            r(n("1.5"), false, ni(3), false)
        );
        assert_eq!(
            call("range", vec![s("[-3..-1]")]),
            r(ni(-3), true, ni(-1), true)
        );
        assert_eq!(
            call("range", vec![s("[\"a\"..\"c\"]")]),
            r(s("a"), true, s("c"), true)
        );
        assert_eq!(
            call_named("range", &[("from", s("(1..3]"))]),
            r(ni(1), false, ni(3), true)
        );
        for bad in [
            "",
            " ",
            "[..2]",
            "[1..]",
            ">=10",
            "[3..1]",
            "[1..\"b\"]",
            "[null..null]",
            "[1..2",
            "[1..2]x",
        ] {
            assert_eq!(call("range", vec![s(bad)]), Value::Null, "{bad}");
        }
        assert_eq!(call("range", vec![ni(1)]), Value::Null);
    }
}

#[cfg(test)]
mod engine_tests {
    use super::super::util::test::feel;

    #[test]
    fn through_the_engine() {
        assert_eq!(feel("before(point: 1, range: [2..5])"), "true");
        assert_eq!(feel("after(range1: [6..8], range2: [1..5])"), "true");
        assert_eq!(feel("includes(range: [1..10], point: 10)"), "true");
        assert_eq!(feel("during(5, [1..10))"), "true");
        assert_eq!(feel("during(10, [1..10))"), "false");
        assert_eq!(feel("overlaps([1..5], [3..8])"), "true");
        assert_eq!(feel("range(\"[18..21)\") = [18..21)"), "true");
        assert_eq!(feel("2 in range(\"[1..3]\")"), "true");
        assert_eq!(
            feel("range(\"[date(\\\"1970-01-01\\\")..@\\\"1970-01-02\\\"]\") = [@\"1970-01-01\"..@\"1970-01-02\"]"),
            "true"
        );
        assert_eq!(feel("range(\"[date(x)..@\\\"1970-01-02\\\"]\")"), "null");
        assert_eq!(feel("range(\"[@\\\"P2D\\\"..@\\\"P1D\\\"]\")"), "null");
    }
}
