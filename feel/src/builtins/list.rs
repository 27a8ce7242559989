//! Built-in functions: list family (DMN 1.5 §10.3.4.4 and Camunda's extensions).
//!
//! Positions are one-based; negative positions count from the end. A non-list argument
//! where a list is expected is treated as a singleton list (DMN 1.5 conversion); `null` is
//! an error. Equality and ordering are FEEL's (`ops::equal`, `ops::compare`).

use std::borrow::Cow;
use std::cmp::Ordering;
use std::collections::HashSet;

use rust_decimal::{Decimal, MathematicalOps};

use super::util::{count, function_arg, int_arg, list_arg, position_index};
use super::Row;
use crate::eval::ops::{compare, equal};
use crate::eval::State;
use crate::value::{Function, Value};

/// The list functions.
pub(super) const TABLE: &[Row] = &[
    ("list contains", &["list", "element"], list_contains),
    ("count", &["list"], count_fn),
    ("min", &["list..."], min),
    ("max", &["list..."], max),
    ("sum", &["list..."], sum),
    ("mean", &["list..."], mean),
    ("median", &["list..."], median),
    ("stddev", &["list..."], stddev),
    ("mode", &["list..."], mode),
    ("product", &["list..."], product),
    ("all", &["list..."], all),
    ("and", &["list..."], all),
    ("any", &["list..."], any),
    ("or", &["list..."], any),
    ("sublist", &["list", "start position"], sublist),
    ("sublist", &["list", "start position", "length"], sublist),
    ("sublist", &["list", "start"], sublist),
    ("sublist", &["list", "start", "length"], sublist),
    ("append", &["list", "item..."], append),
    // Camunda names the varargs parameters `items` and `lists`.
    ("append", &["list", "items..."], append),
    ("concatenate", &["list..."], concatenate),
    ("concatenate", &["lists..."], concatenate),
    (
        "insert before",
        &["list", "position", "newItem"],
        insert_before,
    ),
    ("remove", &["list", "position"], remove),
    ("reverse", &["list"], reverse),
    ("index of", &["list", "match"], index_of),
    ("union", &["list..."], union),
    ("union", &["lists..."], union),
    ("distinct values", &["list"], distinct_values),
    ("flatten", &["list"], flatten),
    ("sort", &["list", "precedes"], sort),
    ("sort", &["list"], sort),
    (
        "list replace",
        &["list", "position", "newItem"],
        list_replace,
    ),
    ("list replace", &["list", "match", "newItem"], list_replace),
    ("duplicate values", &["list"], duplicate_values),
    ("is empty", &["list"], is_empty),
    ("partition", &["list", "size"], partition),
];

/// The rows of this family Camunda's engine has differently (used in place of the standard
/// rows of the same names in the Camunda dialect): `sublist(list, start, length)` only,
/// `sort` only with `precedes`, and the varargs named `items` and `lists` (feel-builtins.md,
/// ListBuiltinFunctions).
pub(super) const CAMUNDA: &[Row] = &[
    ("sublist", &["list", "start"], sublist),
    ("sublist", &["list", "start", "length"], sublist),
    ("sort", &["list", "precedes"], sort),
    ("append", &["list", "items..."], append),
    ("concatenate", &["lists..."], concatenate),
    ("union", &["lists..."], union),
];

/// Whether two values are FEEL-equal (incomparable values are not).
fn same(a: &Value, b: &Value) -> bool {
    equal(a, b) == Some(true)
}

/// The list argument at `i`, or a warning.
fn list_at<'a>(state: &mut State<'_>, args: &'a [Value], i: usize) -> Option<Cow<'a, [Value]>> {
    let l = args.get(i).and_then(list_arg);
    if l.is_none() {
        state.illegal_args(args);
    }
    l
}

/// The items as numbers, or a warning.
fn numbers(state: &mut State<'_>, args: &[Value]) -> Option<Vec<Decimal>> {
    let items = list_at(state, args, 0)?;
    let ns: Option<Vec<Decimal>> = items.iter().map(Value::as_number).collect();
    if ns.is_none() {
        state.fail_call("every item must be a number");
    }
    ns
}

fn overflow(state: &mut State<'_>) -> Value {
    state.fail_call("the result is too large")
}

/// `list contains(list, element)`.
fn list_contains(state: &mut State<'_>, args: &[Value]) -> Value {
    match list_at(state, args, 0) {
        Some(items) => Value::Bool(items.iter().any(|v| same(v, &args[1]))),
        None => Value::Null,
    }
}

/// `count(list)`.
fn count_fn(state: &mut State<'_>, args: &[Value]) -> Value {
    match list_at(state, args, 0) {
        Some(items) => count(items.len()),
        None => Value::Null,
    }
}

/// The least (`want = Less`) or greatest item; `null` for an empty list.
fn extreme(state: &mut State<'_>, args: &[Value], want: Ordering) -> Value {
    let Some(items) = list_at(state, args, 0) else {
        return Value::Null;
    };
    let mut best: Option<&Value> = None;
    for v in items.iter() {
        best = match best {
            None => Some(v),
            Some(b) => match compare(v, b) {
                Some(o) if o == want => Some(v),
                Some(_) => Some(b),
                None => return state.fail_call(format!("can't compare '{v}' with '{b}'")),
            },
        };
    }
    if let Some(b) = best {
        if compare(b, b).is_none() {
            return state.fail_call(format!("'{b}' is not comparable"));
        }
    }
    best.cloned().unwrap_or(Value::Null)
}

/// `min(list)` / `min(c1, …, cN)`.
fn min(state: &mut State<'_>, args: &[Value]) -> Value {
    extreme(state, args, Ordering::Less)
}

/// `max(list)` / `max(c1, …, cN)`.
fn max(state: &mut State<'_>, args: &[Value]) -> Value {
    extreme(state, args, Ordering::Greater)
}

fn checked_sum(ns: &[Decimal]) -> Option<Decimal> {
    ns.iter()
        .try_fold(Decimal::ZERO, |acc, n| acc.checked_add(*n))
}

/// `sum(list)`: `null` for an empty list.
fn sum(state: &mut State<'_>, args: &[Value]) -> Value {
    let Some(ns) = numbers(state, args) else {
        return Value::Null;
    };
    if ns.is_empty() {
        return Value::Null;
    }
    match checked_sum(&ns) {
        Some(s) => Value::Number(s),
        None => overflow(state),
    }
}

/// `product(list)`: `null` for an empty list.
fn product(state: &mut State<'_>, args: &[Value]) -> Value {
    let Some(ns) = numbers(state, args) else {
        return Value::Null;
    };
    if ns.is_empty() {
        return state.fail_call("the list is empty");
    }
    match ns
        .iter()
        .try_fold(Decimal::ONE, |acc, n| acc.checked_mul(*n))
    {
        Some(p) => Value::Number(p),
        None => overflow(state),
    }
}

fn mean_of(ns: &[Decimal]) -> Option<Decimal> {
    checked_sum(ns)?.checked_div(Decimal::from(ns.len()))
}

/// `mean(list)`: `null` for an empty list.
fn mean(state: &mut State<'_>, args: &[Value]) -> Value {
    let Some(ns) = numbers(state, args) else {
        return Value::Null;
    };
    if ns.is_empty() {
        return Value::Null;
    }
    match mean_of(&ns) {
        Some(m) => Value::Number(m),
        None => overflow(state),
    }
}

/// `median(list)`: the middle value, or the mean of the two middle values.
fn median(state: &mut State<'_>, args: &[Value]) -> Value {
    let Some(mut ns) = numbers(state, args) else {
        return Value::Null;
    };
    ns.sort();
    let mid = ns.len() / 2;
    match (ns.len() % 2, ns.get(mid.wrapping_sub(1)), ns.get(mid)) {
        (_, _, None) => Value::Null,
        (1, _, Some(m)) => Value::Number(*m),
        (_, Some(a), Some(b)) => {
            match a.checked_add(*b).and_then(|s| s.checked_div(Decimal::TWO)) {
                Some(m) => Value::Number(m),
                None => overflow(state),
            }
        }
        _ => Value::Null,
    }
}

/// `stddev(list)`: the sample standard deviation; needs at least two numbers.
fn stddev(state: &mut State<'_>, args: &[Value]) -> Value {
    let Some(ns) = numbers(state, args) else {
        return Value::Null;
    };
    if ns.len() < 2 {
        return state.fail_call_or_throw("the standard deviation needs at least two numbers");
    }
    let result = mean_of(&ns).and_then(|m| {
        let squares = ns.iter().try_fold(Decimal::ZERO, |acc, n| {
            let d = n.checked_sub(m)?;
            acc.checked_add(d.checked_mul(d)?)
        })?;
        squares.checked_div(Decimal::from(ns.len() - 1))?.sqrt()
    });
    match result {
        Some(s) => Value::Number(s.normalize()),
        None => overflow(state),
    }
}

/// `mode(list)`: the most frequent numbers, ascending; `[]` for an empty list.
fn mode(state: &mut State<'_>, args: &[Value]) -> Value {
    let Some(mut ns) = numbers(state, args) else {
        return Value::Null;
    };
    ns.sort();
    let mut groups: Vec<(Decimal, usize)> = Vec::new();
    for n in ns {
        match groups.last_mut() {
            Some((v, c)) if *v == n => *c += 1,
            _ => groups.push((n, 1)),
        }
    }
    let top = groups.iter().map(|(_, c)| *c).max().unwrap_or(0);
    Value::list(
        groups
            .into_iter()
            .filter(|(_, c)| *c == top)
            .map(|(v, _)| Value::Number(v))
            .collect(),
    )
}

/// `all(list)`: false if any item is false; true if all are true (or the list is
/// empty); otherwise `null`.
fn all(state: &mut State<'_>, args: &[Value]) -> Value {
    logic(state, args, false)
}

/// `any(list)`: true if any item is true; false if all are false (or the list is
/// empty); otherwise `null`.
fn any(state: &mut State<'_>, args: &[Value]) -> Value {
    logic(state, args, true)
}

fn logic(state: &mut State<'_>, args: &[Value], decisive: bool) -> Value {
    let Some(items) = list_at(state, args, 0) else {
        return Value::Null;
    };
    let mut other = false;
    for v in items.iter() {
        match v {
            Value::Bool(b) if *b == decisive => return Value::Bool(decisive),
            Value::Bool(_) => {}
            _ => other = true,
        }
    }
    if other {
        Value::Null
    } else {
        Value::Bool(!decisive)
    }
}

/// `sublist(list, start position, length?)`.
fn sublist(state: &mut State<'_>, args: &[Value]) -> Value {
    let (Some(items), Some(start)) = (list_arg(&args[0]), int_arg(&args[1])) else {
        return state.illegal_args(args);
    };
    let length = match args.get(2) {
        None => None,
        Some(v) => match int_arg(v) {
            Some(l) if l >= 0 => Some(usize::try_from(l).unwrap_or(usize::MAX)),
            _ => return state.illegal_args(args),
        },
    };
    if start != 0 && state.dialect().is_camunda() {
        return camunda_slice(&items, start, length);
    }
    let Some(from) = position_index(start, items.len()) else {
        return state.fail_call(format!("start position {start} is outside the list"));
    };
    let rest = items.get(from..).unwrap_or_default();
    let take = length.unwrap_or(rest.len()).min(rest.len());
    Value::list(rest.iter().take(take).cloned().collect())
}

/// `sublist` as Camunda's engine computes it: a start (negative: from the end) and end outside
/// the list are clamped to it (Scala's `slice`), so the result may be shorter or empty.
fn camunda_slice(items: &[Value], start: i64, length: Option<usize>) -> Value {
    let len = i64::try_from(items.len()).unwrap_or(i64::MAX);
    let from = if start > 0 { start - 1 } else { len + start };
    let to = length.map_or(len, |l| {
        from.saturating_add(i64::try_from(l).unwrap_or(i64::MAX))
    });
    let clamp = |i: i64| usize::try_from(i.clamp(0, len)).unwrap_or(0);
    let (a, b) = (clamp(from), clamp(to));
    Value::list(items.get(a..b.max(a)).unwrap_or_default().to_vec())
}

/// `append(list, item...)`.
fn append(state: &mut State<'_>, args: &[Value]) -> Value {
    let Some(items) = list_at(state, args, 0) else {
        return Value::Null;
    };
    let mut out = items.into_owned();
    // Positional items always arrive as a list; a named `item: x` may be a single value.
    out.extend(list_arg(&args[1]).unwrap_or_default().iter().cloned());
    Value::list(out)
}

/// `concatenate(list...)`.
fn concatenate(state: &mut State<'_>, args: &[Value]) -> Value {
    let Some(lists) = list_at(state, args, 0) else {
        return Value::Null;
    };
    let mut out = Vec::new();
    for l in lists.iter() {
        match list_arg(l) {
            Some(items) => out.extend(items.iter().cloned()),
            None => return state.illegal_args(args),
        }
    }
    Value::list(out)
}

/// `insert before(list, position, newItem)`.
fn insert_before(state: &mut State<'_>, args: &[Value]) -> Value {
    let (Some(items), Some(pos)) = (list_arg(&args[0]), int_arg(&args[1])) else {
        return state.illegal_args(args);
    };
    let len = items.len();
    let idx = if pos > 0 && usize::try_from(pos).is_ok_and(|p| p == len + 1) {
        Some(len)
    } else {
        position_index(pos, len)
    };
    let Some(idx) = idx else {
        return state.fail_call(format!("position {pos} is outside the list"));
    };
    let mut out = items.into_owned();
    out.insert(idx, args[2].clone());
    Value::list(out)
}

/// `remove(list, position)`.
fn remove(state: &mut State<'_>, args: &[Value]) -> Value {
    let (Some(items), Some(pos)) = (list_arg(&args[0]), int_arg(&args[1])) else {
        return state.illegal_args(args);
    };
    let Some(idx) = position_index(pos, items.len()) else {
        return state.fail_call(format!("position {pos} is outside the list"));
    };
    let mut out = items.into_owned();
    out.remove(idx);
    Value::list(out)
}

/// `reverse(list)`.
fn reverse(state: &mut State<'_>, args: &[Value]) -> Value {
    match list_at(state, args, 0) {
        Some(items) => Value::list(items.iter().rev().cloned().collect()),
        None => Value::Null,
    }
}

/// `index of(list, match)`: the positions of the items equal to `match`.
fn index_of(state: &mut State<'_>, args: &[Value]) -> Value {
    let Some(items) = list_at(state, args, 0) else {
        return Value::Null;
    };
    Value::list(
        items
            .iter()
            .enumerate()
            .filter(|(_, v)| same(v, &args[1]))
            .map(|(i, _)| count(i + 1))
            .collect(),
    )
}

/// A hashable stand-in for the values FEEL equality treats simply (numbers by value).
#[derive(Hash, PartialEq, Eq)]
enum Key {
    Null,
    Bool(bool),
    Number(Decimal),
    String(crate::value::SmolStr),
}

fn key(v: &Value) -> Option<Key> {
    Some(match v {
        Value::Null => Key::Null,
        Value::Bool(b) => Key::Bool(*b),
        Value::Number(n) => Key::Number(n.normalize()),
        Value::String(s) => Key::String(s.clone()),
        _ => return None,
    })
}

/// A set of values under FEEL equality: hashed for simple values, a linear scan for the
/// rest (which can only equal each other), so large lists of numbers or strings stay fast.
#[derive(Default)]
struct Seen {
    keys: HashSet<Key>,
    others: Vec<Value>,
}

impl Seen {
    fn contains(&self, v: &Value) -> bool {
        match key(v) {
            Some(k) => self.keys.contains(&k),
            None => self.others.iter().any(|o| same(o, v)),
        }
    }

    /// Add a value; `true` when it was not there yet.
    fn insert(&mut self, v: &Value) -> bool {
        match key(v) {
            Some(k) => self.keys.insert(k),
            None if self.others.iter().any(|o| same(o, v)) => false,
            None => {
                self.others.push(v.clone());
                true
            }
        }
    }
}

/// Keep the first of each group of equal values.
fn distinct<'a>(items: impl IntoIterator<Item = &'a Value>) -> Vec<Value> {
    let mut seen = Seen::default();
    items
        .into_iter()
        .filter(|v| seen.insert(v))
        .cloned()
        .collect()
}

/// `union(list...)`: concatenation without duplicates.
fn union(state: &mut State<'_>, args: &[Value]) -> Value {
    match concatenate(state, args) {
        Value::List(items) => Value::list(distinct(items.iter())),
        other => other,
    }
}

/// `distinct values(list)`.
fn distinct_values(state: &mut State<'_>, args: &[Value]) -> Value {
    match list_at(state, args, 0) {
        Some(items) => Value::list(distinct(items.iter())),
        None => Value::Null,
    }
}

/// `duplicate values(list)`: each value occurring more than once, in first-seen order.
fn duplicate_values(state: &mut State<'_>, args: &[Value]) -> Value {
    let Some(items) = list_at(state, args, 0) else {
        return Value::Null;
    };
    let mut seen = Seen::default();
    let mut repeated = Seen::default();
    for v in items.iter() {
        if !seen.insert(v) {
            repeated.insert(v);
        }
    }
    let mut reported = Seen::default();
    let out = items
        .iter()
        .filter(|v| repeated.contains(v) && reported.insert(v))
        .cloned()
        .collect();
    Value::list(out)
}

/// `flatten(list)`: nested lists replaced by their items, at any depth.
fn flatten(state: &mut State<'_>, args: &[Value]) -> Value {
    let Some(items) = list_at(state, args, 0) else {
        return Value::Null;
    };
    let mut out = Vec::new();
    let mut stack: Vec<std::slice::Iter<'_, Value>> = vec![items.iter()];
    while let Some(top) = stack.last_mut() {
        match top.next() {
            Some(Value::List(inner)) => stack.push(inner.iter()),
            Some(v) => out.push(v.clone()),
            None => {
                stack.pop();
            }
        }
    }
    Value::list(out)
}

/// Stable merge sort with a comparison that may fail.
fn merge_sort(
    items: Vec<Value>,
    before: &mut dyn FnMut(&Value, &Value) -> Result<bool, String>,
) -> Result<Vec<Value>, String> {
    if items.len() <= 1 {
        return Ok(items);
    }
    let mut left = items;
    let right = left.split_off(left.len() / 2);
    let left = merge_sort(left, before)?;
    let right = merge_sort(right, before)?;
    let mut out = Vec::with_capacity(left.len() + right.len());
    let mut l = left.into_iter().peekable();
    let mut r = right.into_iter().peekable();
    loop {
        let take_right = match (l.peek(), r.peek()) {
            (Some(a), Some(b)) => before(b, a)?,
            (Some(_), None) => false,
            (None, Some(_)) => true,
            (None, None) => break,
        };
        let next = if take_right { r.next() } else { l.next() };
        out.extend(next);
    }
    Ok(out)
}

/// `sort(list, precedes?)`: sort with a `function(a, b)` that is true when `a` comes
/// first, or in ascending FEEL order when no function is given.
fn sort(state: &mut State<'_>, args: &[Value]) -> Value {
    let Some(items) = list_at(state, args, 0) else {
        return Value::Null;
    };
    let items = items.into_owned();
    let result = match args.get(1) {
        None | Some(Value::Null) => merge_sort(items, &mut |a, b| match compare(a, b) {
            Some(o) => Ok(o == Ordering::Less),
            None => Err(format!("can't compare '{a}' with '{b}'")),
        }),
        Some(f) => {
            let Some(f) = function_arg(f, 2).cloned() else {
                return state.illegal_args(args);
            };
            merge_sort(items, &mut |a, b| call_bool(state, &f, a, b))
        }
    };
    match result {
        Ok(sorted) => Value::list(sorted),
        Err(e) => state.fail_call(e),
    }
}

/// Call a two-argument FEEL function that must return a boolean.
fn call_bool(state: &mut State<'_>, f: &Function, a: &Value, b: &Value) -> Result<bool, String> {
    if state.aborted() {
        return Err("the evaluation was aborted".into());
    }
    match state.call(f, vec![a.clone(), b.clone()]) {
        Value::Bool(x) => Ok(x),
        other => Err(format!("the function returned '{other}', not a boolean")),
    }
}

/// `list replace(list, position, newItem)` and `list replace(list, match, newItem)`:
/// replace the item at a position, or every item for which `match(item, newItem)` is true.
fn list_replace(state: &mut State<'_>, args: &[Value]) -> Value {
    let Some(items) = list_arg(&args[0]) else {
        return state.illegal_args(args);
    };
    let new_item = &args[2];
    if let Value::Function(_) = &args[1] {
        let Some(f) = function_arg(&args[1], 2).cloned() else {
            return state.illegal_args(args);
        };
        let mut out = Vec::with_capacity(items.len());
        for item in items.iter() {
            match call_bool(state, &f, item, new_item) {
                Ok(true) => out.push(new_item.clone()),
                Ok(false) => out.push(item.clone()),
                Err(e) => return state.fail_call(e),
            }
        }
        return Value::list(out);
    }
    let Some(pos) = int_arg(&args[1]) else {
        return state.illegal_args(args);
    };
    let Some(idx) = position_index(pos, items.len()) else {
        return state.fail_call(format!("position {pos} is outside the list"));
    };
    let mut out = items.into_owned();
    if let Some(slot) = out.get_mut(idx) {
        *slot = new_item.clone();
    }
    Value::list(out)
}

/// `is empty(list)`.
fn is_empty(state: &mut State<'_>, args: &[Value]) -> Value {
    match list_at(state, args, 0) {
        Some(items) => Value::Bool(items.is_empty()),
        None => Value::Null,
    }
}

/// `partition(list, size)`: consecutive sub-lists of `size` items (the last may be shorter).
fn partition(state: &mut State<'_>, args: &[Value]) -> Value {
    let (Some(items), Some(size)) = (list_arg(&args[0]), int_arg(&args[1])) else {
        return state.illegal_args(args);
    };
    let Some(size) = usize::try_from(size).ok().filter(|s| *s > 0) else {
        return state.fail_call(format!("the size must be positive, not {size}"));
    };
    Value::list(
        items
            .chunks(size)
            .map(|c| Value::list(c.to_vec()))
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::super::util::test::{call, call_named, l, n, s};
    use crate::eval::ops::compare;
    use crate::eval::State;
    use crate::value::{Args, Callable, Function, Value};

    fn nums(xs: &[i64]) -> Value {
        l(xs.iter().map(|x| Value::from(*x)).collect())
    }

    fn b(x: bool) -> Value {
        Value::Bool(x)
    }

    /// A two-parameter FEEL-callable function for tests.
    struct Fn2(fn(&Value, &Value) -> Value);

    impl Callable for Fn2 {
        fn name(&self) -> Option<&str> {
            None
        }
        fn params(&self) -> Vec<Arc<str>> {
            vec![Arc::from("a"), Arc::from("b")]
        }
        fn call(&self, _state: &mut State<'_>, args: Args) -> Value {
            match args {
                Args::Positional(v) if v.len() == 2 => (self.0)(&v[0], &v[1]),
                _ => Value::Null,
            }
        }
    }

    fn f2(f: fn(&Value, &Value) -> Value) -> Value {
        Value::Function(Function::new(Fn2(f)))
    }

    #[test]
    fn aggregates() {
        assert_eq!(call("min", vec![nums(&[6, 14, -3])]), n("-3"));
        assert_eq!(call("max", vec![n("1"), n("3"), n("2")]), n("3"));
        assert_eq!(call("max", vec![l(vec![s("a"), s("c")])]), s("c"));
        assert_eq!(call("min", vec![l(vec![])]), Value::Null);
        assert_eq!(call("min", vec![l(vec![n("1"), s("a")])]), Value::Null);
        assert_eq!(call("sum", vec![nums(&[6, 14, -3])]), n("17"));
        assert_eq!(call("sum", vec![l(vec![])]), Value::Null);
        assert_eq!(call("sum", vec![l(vec![n("1"), Value::Null])]), Value::Null);
        assert_eq!(
            call("mean", vec![n("11"), n("2"), n("10")]).to_string()[..6],
            *"7.6666"
        );
        assert_eq!(call("median", vec![nums(&[8, 2, 5, 3, 4])]), n("4"));
        assert_eq!(call("median", vec![nums(&[6, 1, 2, 3])]), n("2.5"));
        assert_eq!(call("median", vec![l(vec![])]), Value::Null);
        assert_eq!(call("median", vec![n("4")]), n("4"));
        assert_eq!(
            call("stddev", vec![nums(&[2, 4, 7, 5])]).to_string()[..14],
            *"2.081665999466"
        );
        assert_eq!(call("stddev", vec![nums(&[47])]), Value::Null);
        assert_eq!(
            call("mode", vec![nums(&[3, 6, 1, 9, 6, 1, 3])]),
            nums(&[1, 3, 6])
        );
        assert_eq!(call("mode", vec![l(vec![])]), l(vec![]));
        assert_eq!(call("product", vec![nums(&[2, 3, 4])]), n("24"));
        assert_eq!(call("product", vec![l(vec![])]), Value::Null);
        assert_eq!(call_named("product", &[("list", nums(&[6, 3]))]), n("18"));
        assert_eq!(call_named("product", &[("l", nums(&[6, 3]))]), Value::Null);
        assert_eq!(call("count", vec![nums(&[1, 2, 3])]), n("3"));
        assert_eq!(call("count", vec![Value::Null]), Value::Null);
    }

    #[test]
    fn all_and_any() {
        assert_eq!(call("all", vec![l(vec![b(true), b(false)])]), b(false));
        assert_eq!(
            call("all", vec![l(vec![b(true), Value::Null])]),
            Value::Null
        );
        assert_eq!(call("all", vec![l(vec![])]), b(true));
        assert_eq!(call("all", vec![b(true)]), b(true));
        assert_eq!(call("all", vec![n("123")]), Value::Null);
        assert_eq!(call("and", vec![b(true), b(true)]), b(true));
        assert_eq!(call("any", vec![l(vec![Value::Null, b(true)])]), b(true));
        assert_eq!(
            call("any", vec![l(vec![Value::Null, b(false)])]),
            Value::Null
        );
        assert_eq!(call("any", vec![l(vec![])]), b(false));
        assert_eq!(call("or", vec![b(false), b(false)]), b(false));
        assert_eq!(call_named("any", &[("list", Value::Null)]), Value::Null);
    }

    #[test]
    fn positions() {
        let abc = l(vec![s("a"), s("b"), s("c")]);
        assert_eq!(
            call("sublist", vec![abc.clone(), n("1"), n("2")]),
            l(vec![s("a"), s("b")])
        );
        assert_eq!(
            call("sublist", vec![abc.clone(), n("-1"), n("1")]),
            l(vec![s("c")])
        );
        assert_eq!(
            call("sublist", vec![abc.clone(), n("2")]),
            l(vec![s("b"), s("c")])
        );
        assert_eq!(
            call("sublist", vec![abc.clone(), n("2"), n("9")]),
            l(vec![s("b"), s("c")])
        );
        assert_eq!(call("sublist", vec![abc.clone(), n("0")]), Value::Null);
        assert_eq!(
            call_named("sublist", &[("list", abc.clone()), ("start", n("3"))]),
            l(vec![s("c")])
        );
        assert_eq!(
            call_named(
                "sublist",
                &[("list", abc.clone()), ("start position", n("3"))]
            ),
            l(vec![s("c")])
        );
        assert_eq!(
            call("insert before", vec![abc.clone(), n("2"), s("x")]),
            l(vec![s("a"), s("x"), s("b"), s("c")])
        );
        assert_eq!(
            call("insert before", vec![abc.clone(), n("-1"), s("x")]),
            l(vec![s("a"), s("b"), s("x"), s("c")])
        );
        assert_eq!(
            call("insert before", vec![abc.clone(), n("0"), s("x")]),
            Value::Null
        );
        assert_eq!(
            call("remove", vec![abc.clone(), n("2")]),
            l(vec![s("a"), s("c")])
        );
        assert_eq!(call("remove", vec![abc.clone(), n("4")]), Value::Null);
        assert_eq!(
            call("list replace", vec![nums(&[1, 2, 3]), n("-1"), n("4")]),
            nums(&[1, 2, 4])
        );
        assert_eq!(
            call("list replace", vec![nums(&[1, 2, 3]), n("2.5"), n("4")]),
            nums(&[1, 4, 3])
        );
        assert_eq!(
            call("list replace", vec![nums(&[1, 2, 3]), n("0"), n("4")]),
            Value::Null
        );
        assert_eq!(
            call("list replace", vec![nums(&[1, 2, 3]), s("2"), n("4")]),
            Value::Null
        );
        assert_eq!(
            call("list replace", vec![n("1"), n("1"), n("5")]),
            nums(&[5])
        );
    }

    #[test]
    fn combining() {
        assert_eq!(
            call("append", vec![nums(&[1]), n("2"), nums(&[3])]),
            l(vec![n("1"), n("2"), nums(&[3])])
        );
        assert_eq!(
            call("concatenate", vec![nums(&[1]), nums(&[2, 3])]),
            nums(&[1, 2, 3])
        );
        assert_eq!(
            call("concatenate", vec![nums(&[1]), Value::Null]),
            Value::Null
        );
        assert_eq!(
            call("union", vec![nums(&[1, 2]), nums(&[2, 3])]),
            nums(&[1, 2, 3])
        );
        assert_eq!(
            call("distinct values", vec![nums(&[1, 2, 1, 3, 2])]),
            nums(&[1, 2, 3])
        );
        assert_eq!(
            call("duplicate values", vec![nums(&[1, 2, 1, 3, 2, 1])]),
            nums(&[1, 2])
        );
        assert_eq!(
            call(
                "flatten",
                vec![l(vec![
                    nums(&[1, 2]),
                    l(vec![nums(&[3]), l(vec![])]),
                    n("4")
                ])]
            ),
            nums(&[1, 2, 3, 4])
        );
        assert_eq!(call("reverse", vec![nums(&[1, 2, 3])]), nums(&[3, 2, 1]));
        assert_eq!(
            call("index of", vec![nums(&[1, 2, 3, 2]), n("2")]),
            nums(&[2, 4])
        );
        assert_eq!(
            call(
                "list contains",
                vec![l(vec![n("1"), Value::Null]), Value::Null]
            ),
            b(true)
        );
        assert_eq!(call("list contains", vec![nums(&[1]), s("1")]), b(false));
        assert_eq!(call("is empty", vec![l(vec![])]), b(true));
        assert_eq!(
            call("partition", vec![nums(&[1, 2, 3, 4, 5]), n("2")]),
            l(vec![nums(&[1, 2]), nums(&[3, 4]), nums(&[5])])
        );
        assert_eq!(call("partition", vec![nums(&[1]), n("0")]), Value::Null);
    }

    #[test]
    fn sorting() {
        let desc = f2(|a, b| match compare(a, b) {
            Some(o) => Value::Bool(o == std::cmp::Ordering::Greater),
            None => Value::Null,
        });
        assert_eq!(
            call("sort", vec![nums(&[3, 1, 5, 4]), desc]),
            nums(&[5, 4, 3, 1])
        );
        assert_eq!(call("sort", vec![nums(&[3, 1, 5, 4])]), nums(&[1, 3, 4, 5]));
        assert_eq!(
            call_named("sort", &[("list", l(vec![s("b"), s("a")]))]),
            l(vec![s("a"), s("b")])
        );
        assert_eq!(call("sort", vec![l(vec![n("1"), s("a")])]), Value::Null);
        let bad = f2(|_, _| n("1"));
        assert_eq!(call("sort", vec![nums(&[3, 1]), bad]), Value::Null);
        let lt = f2(|a, b| Value::Bool(compare(a, b) == Some(std::cmp::Ordering::Less)));
        assert_eq!(
            call("list replace", vec![nums(&[2, 4, 7, 8]), lt, n("5")]),
            nums(&[5, 5, 7, 8])
        );
    }
}

#[cfg(test)]
mod engine_tests {
    use super::super::util::test::{eval, feel};

    #[test]
    fn through_the_engine() {
        assert_eq!(
            feel("sort([3, 1, 5, 4], function(x, y) x > y)"),
            "[5, 4, 3, 1]"
        );
        assert_eq!(
            feel("sort(precedes: function(x, y) x < y, list: [\"b\", \"a\"])"),
            "[\"a\", \"b\"]"
        );
        assert_eq!(
            feel("list replace([2, 4, 7, 8], function(item, newItem) item < newItem, 5)"),
            "[5, 5, 7, 8]"
        );
        assert_eq!(
            feel("list replace([2, 4], function(item) item = 2, 5)"),
            "null"
        );
        assert_eq!(
            feel("list replace(match: function(item, newItem) item = 2, newItem: 4, list: [1, 2, 3])"),
            "[1, 4, 3]"
        );
        assert_eq!(feel("min(list: [3, 1])"), "1");
        assert_eq!(feel("max(3, 1, 4)"), "4");
        assert_eq!(
            feel("max(@\"2020-01-01\", @\"2021-01-01\")"),
            "@\"2021-01-01\""
        );
        assert_eq!(feel("all()"), "null");
        assert_eq!(feel("all([])"), "true");
        assert_eq!(feel("sublist(list: [1, 2, 3], start: 2, length: 1)"), "[2]");
        assert_eq!(
            feel("insert before(list: [1, 3], position: 2, newItem: 2)"),
            "[1, 2, 3]"
        );
        assert_eq!(feel("index of([1, 2, 1], 1)"), "[1, 3]");
        assert_eq!(feel("union([1, 2], [2, 3])"), "[1, 2, 3]");
        assert_eq!(feel("partition([1, 2, 3], 2)"), "[[1, 2], [3]]");
        assert_eq!(feel("append(list: [1], items: [2, 3])"), "[1, 2, 3]");
        assert_eq!(feel("append(list: [1], item: 2)"), "[1, 2]");
        assert_eq!(feel("concatenate(lists: [[1], [2]])"), "[1, 2]");
        assert_eq!(feel("union(lists: [[1], [1, 2]])"), "[1, 2]");
        let (v, w) = eval("sum([1, \"a\"])");
        assert_eq!(v, "null");
        assert!(w.iter().any(|m| m.contains("'sum'")), "{w:?}");
    }
}
