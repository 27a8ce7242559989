//! Small helpers shared by the built-in families: argument coercions and positions.

use std::borrow::Cow;

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;

use crate::value::{Function, Value};

/// The items of a list argument. DMN 1.5 converts a non-list value to a singleton list
/// where a list is expected; `null` is not converted (it gives `None`).
pub(super) fn list_arg(v: &Value) -> Option<Cow<'_, [Value]>> {
    match v {
        Value::Null => None,
        Value::List(items) => Some(Cow::Borrowed(items.as_slice())),
        other => Some(Cow::Owned(vec![other.clone()])),
    }
}

/// A singleton list unwrapped where a single value is expected (DMN 1.5 "from singleton
/// list" conversion); any other value as it is.
pub(super) fn scalar(v: &Value) -> &Value {
    match v {
        Value::List(items) if items.len() == 1 => items.first().unwrap_or(v),
        _ => v,
    }
}

/// A number argument truncated to an integer (`2.5` → 2, `-1.5` → -1), if it fits an `i64`.
pub(super) fn int_arg(v: &Value) -> Option<i64> {
    match scalar(v) {
        // integers (scale 0) need no truncation
        Value::Number(n) if n.scale() == 0 => i64::try_from(n.mantissa()).ok(),
        Value::Number(n) => n.trunc().to_i64(),
        _ => None,
    }
}

/// The zero-based index of a one-based FEEL position in a sequence of `len` items;
/// negative positions count from the end (`-1` is the last item). `None` when the
/// position is 0 or outside the sequence.
pub(super) fn position_index(pos: i64, len: usize) -> Option<usize> {
    let len = i64::try_from(len).ok()?;
    let idx = if pos > 0 {
        pos - 1
    } else if pos < 0 {
        len + pos
    } else {
        return None;
    };
    if (0..len).contains(&idx) {
        usize::try_from(idx).ok()
    } else {
        None
    }
}

/// A function argument, if it takes exactly `arity` parameters.
pub(super) fn function_arg(v: &Value, arity: usize) -> Option<&Function> {
    match v {
        Value::Function(f) if f.params().len() == arity => Some(f),
        _ => None,
    }
}

/// A decimal from a count.
pub(super) fn count(n: usize) -> Value {
    Value::Number(Decimal::from(n))
}

#[cfg(test)]
pub(crate) mod test {
    //! A way to run built-ins directly, with a fresh evaluation state.

    use std::sync::Arc;

    use crate::builtins::Registry;
    use crate::eval::State;
    use crate::syntax::names::NameMatcher;
    use crate::value::{Args, Context, Value};
    use crate::{EngineInner, Limits};

    /// One engine for all tests (building the registry is the slow part).
    fn engine() -> &'static EngineInner {
        static ENGINE: std::sync::OnceLock<EngineInner> = std::sync::OnceLock::new();
        ENGINE.get_or_init(|| EngineInner {
            registry: Registry::standard(),
            clock: Arc::new(crate::value::temporal::system_now),
            limits: Limits::default(),
            names: NameMatcher::new(std::iter::empty()),
            dialect: crate::Dialect::Dmn,
        })
    }

    /// Call a built-in by name through the registry, with positional arguments.
    pub(crate) fn call(name: &str, args: Vec<Value>) -> Value {
        call_args(name, Args::Positional(args)).0
    }

    /// Call a built-in by name with named arguments.
    pub(crate) fn call_named(name: &str, args: &[(&str, Value)]) -> Value {
        let named = args
            .iter()
            .map(|(k, v)| (Arc::from(*k), v.clone()))
            .collect();
        call_args(name, Args::Named(named)).0
    }

    /// Call a built-in; also return the warnings and whether the evaluation was aborted.
    pub(crate) fn call_args(name: &str, args: Args) -> (Value, Vec<String>, bool) {
        let inner = engine();
        let root = Context::new();
        let mut state = State::new(inner, &root);
        let v = match inner.registry.get(name) {
            Some(f) => f.call(&mut state, args),
            None => Value::string(format!("no function {name}")),
        };
        let w = state.warnings.iter().map(|w| w.message.clone()).collect();
        (v, w, state.aborted())
    }

    /// Evaluate FEEL text with the standard engine: the result's FEEL text and the
    /// warning messages (an error's message in place of the value).
    pub(crate) fn eval(text: &str) -> (String, Vec<String>) {
        match crate::Engine::new().evaluate(text, &Context::new()) {
            Ok(out) => (
                out.value.to_string(),
                out.warnings.into_iter().map(|w| w.message).collect(),
            ),
            Err(e) => (format!("error: {e}"), Vec::new()),
        }
    }

    /// The FEEL text of the value `text` evaluates to.
    pub(crate) fn feel(text: &str) -> String {
        eval(text).0
    }

    /// A number value from text.
    pub(crate) fn n(text: &str) -> Value {
        Value::Number(crate::parse_decimal(text).unwrap_or_default())
    }

    /// A list value.
    pub(crate) fn l(items: Vec<Value>) -> Value {
        Value::list(items)
    }

    /// A string value.
    pub(crate) fn s(text: &str) -> Value {
        Value::string(text)
    }

    /// A context value.
    pub(crate) fn c(entries: &[(&str, Value)]) -> Value {
        let mut ctx = Context::new();
        for (k, v) in entries {
            ctx.insert(*k, v.clone());
        }
        Value::context(ctx)
    }
}

#[cfg(test)]
mod sweep {
    //! Every function of the families in this folder, called with every combination of a
    //! pool of awkward arguments: no panic, and a wrong call gives `null` with a warning.

    use std::sync::Arc;

    use super::test::{c, call_args, l, n, s};
    use crate::builtins::Registry;
    use crate::value::{Args, DtDuration, Range, Value, YmDuration};

    fn pool() -> Vec<Value> {
        let registry = Registry::standard();
        let is = registry
            .get("is")
            .cloned()
            .map_or(Value::Null, Value::Function);
        vec![
            Value::Null,
            Value::Bool(true),
            n("0"),
            n("-2.5"),
            n("79228162514264337593543950335"),
            s(""),
            s("a(b"),
            l(vec![]),
            l(vec![n("1"), s("a"), Value::Null]),
            l(vec![c(&[("key", s("k")), ("value", n("1"))])]),
            c(&[("a", c(&[("b", n("1"))]))]),
            Value::Range(Arc::new(Range {
                start: n("1"),
                start_included: true,
                end: Value::Null,
                end_included: false,
            })),
            Value::DaysTime(DtDuration(i128::MIN)),
            Value::YearsMonths(YmDuration(i64::MIN)),
            is,
        ]
    }

    fn names() -> Vec<&'static str> {
        let mut names: Vec<&str> = [
            super::super::boolean::TABLE,
            super::super::string::TABLE,
            super::super::list::TABLE,
            super::super::numeric::TABLE,
            super::super::range::TABLE,
            super::super::context::TABLE,
        ]
        .iter()
        .flat_map(|t| t.iter().map(|(name, _, _)| *name))
        .collect();
        names.dedup();
        names
    }

    #[test]
    fn awkward_arguments_never_panic() {
        let pool = pool();
        let mut calls = 0usize;
        for name in names() {
            // `assert` aborts by design; it is covered by its own tests.
            if name == "assert" {
                continue;
            }
            let mut combos: Vec<Vec<Value>> = vec![vec![]];
            for _arity in 0..3 {
                let mut next = Vec::new();
                for combo in &combos {
                    for v in &pool {
                        let mut c = combo.clone();
                        c.push(v.clone());
                        next.push(c);
                    }
                }
                for args in &next {
                    let (v, warnings, aborted) = call_args(name, Args::Positional(args.clone()));
                    assert!(!aborted, "{name}{args:?} aborted");
                    if v.is_null() && args.iter().all(|a| !a.is_null()) {
                        // A null result from non-null arguments always says why, except
                        // where null is a documented result.
                        let documented = matches!(
                            name,
                            "all"
                                | "and"
                                | "any"
                                | "or"
                                | "get value"
                                | "get or else"
                                | "min"
                                | "max"
                                | "sum"
                                | "mean"
                                | "median"
                        );
                        assert!(
                            documented || !warnings.is_empty(),
                            "{name}{args:?} gave null without a warning"
                        );
                    }
                    calls += 1;
                }
                combos = next;
            }
        }
        assert!(calls > 100_000, "{calls}");
    }
}
