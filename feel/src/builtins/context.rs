//! Built-in functions: context family (DMN 1.5 §10.3.4.8 and Camunda's aliases).

use super::util::list_arg;
use super::Row;
use crate::eval::State;
use crate::value::{Context, Value};

/// The context functions.
pub(super) const TABLE: &[Row] = &[
    ("get value", &["m", "key"], get_value),
    ("get value", &["context", "key"], get_value),
    ("get value", &["context", "keys"], get_value),
    ("get entries", &["m"], get_entries),
    ("get entries", &["context"], get_entries),
    // The `keys` form comes first so that positional calls reach it (it also takes a
    // single key); a named call with `key:` finds the second row, which takes only strings.
    (
        "context put",
        &["context", "keys", "value"],
        context_put_keys,
    ),
    ("context put", &["context", "key", "value"], context_put),
    ("put", &["context", "key", "value"], context_put),
    ("context merge", &["contexts..."], context_merge),
    ("put all", &["contexts..."], context_merge),
    ("context", &["entries"], context_fn),
];

/// `get value(m, key)`: the entry's value, `null` when missing. A list of keys (Camunda's
/// `get value(context, keys)`) walks a path of nested contexts.
fn get_value(state: &mut State<'_>, args: &[Value]) -> Value {
    let Some(ctx) = args[0].as_context() else {
        return state.illegal_args(args);
    };
    match &args[1] {
        Value::String(k) => ctx.get(k).cloned().unwrap_or(Value::Null),
        Value::List(keys) if !keys.is_empty() => {
            let mut cur = &args[0];
            for k in keys.iter() {
                let (Some(c), Some(k)) = (cur.as_context(), k.as_str()) else {
                    return Value::Null;
                };
                match c.get(k) {
                    Some(v) => cur = v,
                    None => return Value::Null,
                }
            }
            cur.clone()
        }
        _ => state.illegal_args(args),
    }
}

/// `get entries(m)`: a list of `{key, value}` contexts, in entry order.
fn get_entries(state: &mut State<'_>, args: &[Value]) -> Value {
    let Some(ctx) = args[0].as_context() else {
        return state.illegal_args(args);
    };
    Value::list(
        ctx.iter()
            .map(|(k, v)| {
                let mut e = Context::with_capacity(2);
                e.insert("key", Value::String(k.clone().into()));
                e.insert("value", v.clone());
                Value::context(e)
            })
            .collect(),
    )
}

/// `context put(context, key, value)`: a copy with the entry added or replaced (a
/// replaced entry keeps its position).
fn context_put(state: &mut State<'_>, args: &[Value]) -> Value {
    match (&args[0], &args[1]) {
        (Value::Context(ctx), Value::String(k)) => {
            let mut out = Context::clone(ctx);
            out.insert(k.clone(), args[2].clone());
            Value::context(out)
        }
        _ => state.illegal_args(args),
    }
}

/// `context put(context, keys, value)`: put into a nested context; in the DMN dialect every
/// context along the path but the last key must exist, in the Camunda dialect missing
/// contexts are created and values that are not contexts replaced by new ones. A single
/// string key is `context put(context, key, value)`.
fn context_put_keys(state: &mut State<'_>, args: &[Value]) -> Value {
    let keys = match &args[1] {
        Value::List(keys) => keys,
        Value::String(_) => return context_put(state, args),
        _ => return state.illegal_args(args),
    };
    let mut names = Vec::with_capacity(keys.len());
    for k in keys.iter() {
        match k.as_str() {
            Some(s) => names.push(s),
            None => return state.illegal_args(args),
        }
    }
    if names.is_empty() {
        return state.fail_call("the list of keys is empty");
    }
    let create = state.dialect().is_camunda();
    match put_path(&args[0], &names, &args[2], create) {
        Some(v) => v,
        None => state.fail_call(format!("the path {} does not lead to a context", args[1])),
    }
}

/// `ctx` with `value` at the path `keys`; `create`: a missing context or a value that is
/// not a context along the path becomes a new context (Camunda), else `None`.
fn put_path(ctx: &Value, keys: &[&str], value: &Value, create: bool) -> Option<Value> {
    let c = ctx.as_context()?;
    let (first, rest) = keys.split_first()?;
    let inner = if rest.is_empty() {
        value.clone()
    } else {
        match c.get(first) {
            Some(next @ Value::Context(_)) => put_path(next, rest, value, create)?,
            Some(_) | None if create => {
                put_path(&Value::context(Context::new()), rest, value, create)?
            }
            Some(next) => put_path(next, rest, value, create)?,
            None => return None,
        }
    };
    let mut out = c.clone();
    out.insert(*first, inner);
    Some(Value::context(out))
}

/// `context merge(contexts)`: the entries of every context; later entries win.
fn context_merge(state: &mut State<'_>, args: &[Value]) -> Value {
    let Some(items) = list_arg(&args[0]) else {
        return state.illegal_args(args);
    };
    let mut out = Context::new();
    for item in items.iter() {
        let Some(c) = item.as_context() else {
            return state.illegal_args(args);
        };
        for (k, v) in c.iter() {
            out.insert(k.clone(), v.clone());
        }
    }
    Value::context(out)
}

/// `context(entries)`: a context from `{key, value}` contexts; keys must be distinct in the
/// DMN dialect, in the Camunda dialect a later entry replaces an earlier one with its key
/// strings and every entry needs a `value`.
fn context_fn(state: &mut State<'_>, args: &[Value]) -> Value {
    let Some(items) = list_arg(&args[0]) else {
        return state.illegal_args(args);
    };
    let mut out = Context::with_capacity(items.len());
    for item in items.iter() {
        let Some(e) = item.as_context() else {
            return state.fail_call(format!("'{item}' is not a context with key and value"));
        };
        let (Some(Value::String(k)), Some(v)) = (e.get("key"), e.get("value")) else {
            return state.fail_call(format!("'{item}' is not a context with key and value"));
        };
        if out.contains_key(k) && !state.dialect().is_camunda() {
            return state.fail_call(format!("duplicate key '{k}'"));
        }
        out.insert(k.clone(), v.clone());
    }
    Value::context(out)
}

#[cfg(test)]
mod tests {
    use super::super::util::test::{c, call, call_named, l, n, s};
    use crate::value::Value;

    #[test]
    fn get_value_and_entries() {
        let m = c(&[("a", s("foo")), ("b", c(&[("x", n("1"))]))]);
        assert_eq!(call("get value", vec![m.clone(), s("a")]), s("foo"));
        assert_eq!(call("get value", vec![m.clone(), s("z")]), Value::Null);
        assert_eq!(
            call("get value", vec![m.clone(), l(vec![s("b"), s("x")])]),
            n("1")
        );
        assert_eq!(
            call("get value", vec![m.clone(), l(vec![s("b"), s("y")])]),
            Value::Null
        );
        assert_eq!(call("get value", vec![m.clone(), n("1")]), Value::Null);
        assert_eq!(call("get value", vec![Value::Null, s("a")]), Value::Null);
        assert_eq!(
            call_named("get value", &[("key", s("a")), ("m", m.clone())]),
            s("foo")
        );
        assert_eq!(
            call_named(
                "get value",
                &[("context", m.clone()), ("keys", l(vec![s("b"), s("x")]))]
            ),
            n("1")
        );
        assert_eq!(
            call_named("get value", &[("k", s("a")), ("m", m.clone())]),
            Value::Null
        );
        let entries = call("get entries", vec![c(&[("a", n("1"))])]);
        assert_eq!(entries, l(vec![c(&[("key", s("a")), ("value", n("1"))])]));
        assert_eq!(call_named("get entries", &[("context", c(&[]))]), l(vec![]));
        assert_eq!(call("get entries", vec![l(vec![])]), Value::Null);
    }

    #[test]
    fn put_and_merge() {
        let m = c(&[("x", n("1")), ("y", c(&[("a", n("0"))]))]);
        assert_eq!(
            call(
                "context put",
                vec![c(&[("a", n("1")), ("b", n("2"))]), s("a"), n("3")]
            ),
            c(&[("a", n("3")), ("b", n("2"))])
        );
        assert_eq!(
            call("context put", vec![c(&[]), Value::Null, n("1")]),
            Value::Null
        );
        assert_eq!(
            call(
                "context put",
                vec![m.clone(), l(vec![s("y"), s("b")]), n("2")]
            ),
            c(&[("x", n("1")), ("y", c(&[("a", n("0")), ("b", n("2"))]))])
        );
        assert_eq!(
            call(
                "context put",
                vec![m.clone(), l(vec![s("y"), s("a"), s("b")]), n("2")]
            ),
            Value::Null
        );
        assert_eq!(
            call("context put", vec![m.clone(), l(vec![]), n("2")]),
            Value::Null
        );
        assert_eq!(
            call_named(
                "context put",
                &[
                    ("context", m.clone()),
                    ("key", l(vec![s("y")])),
                    ("value", n("2"))
                ]
            ),
            Value::Null
        );
        assert_eq!(
            call("put", vec![c(&[]), s("k"), n("1")]),
            c(&[("k", n("1"))])
        );
        assert_eq!(
            call(
                "context merge",
                vec![l(vec![
                    c(&[("a", n("1"))]),
                    c(&[("a", n("2")), ("b", n("3"))])
                ])]
            ),
            c(&[("a", n("2")), ("b", n("3"))])
        );
        assert_eq!(
            call("context merge", vec![c(&[("a", n("1"))])]),
            c(&[("a", n("1"))])
        );
        assert_eq!(
            call("put all", vec![c(&[("a", n("1"))]), c(&[("b", n("1"))])]),
            c(&[("a", n("1")), ("b", n("1"))])
        );
        assert_eq!(call("context merge", vec![l(vec![n("1")])]), Value::Null);
    }

    #[test]
    fn context_from_entries() {
        let e = |k: Value, v: Value| c(&[("key", k), ("value", v)]);
        assert_eq!(
            call(
                "context",
                vec![l(vec![e(s("a"), n("1")), e(s("b"), Value::Null)])]
            ),
            c(&[("a", n("1")), ("b", Value::Null)])
        );
        assert_eq!(
            call("context", vec![e(s("a"), n("1"))]),
            c(&[("a", n("1"))])
        );
        assert_eq!(
            call(
                "context",
                vec![l(vec![e(s("a"), n("1")), e(s("a"), n("2"))])]
            ),
            Value::Null
        );
        assert_eq!(call("context", vec![c(&[("key", s("a"))])]), Value::Null);
        assert_eq!(call("context", vec![e(Value::Null, n("1"))]), Value::Null);
        assert_eq!(call("context", vec![s("foo")]), Value::Null);
    }
}

#[cfg(test)]
mod engine_tests {
    use super::super::util::test::feel;

    #[test]
    fn through_the_engine() {
        assert_eq!(feel("get value(key: \"a\", m: {a: \"foo\"})"), "\"foo\"");
        assert_eq!(feel("get value({a: {b: 1}}, [\"a\", \"b\"])"), "1");
        assert_eq!(feel("get entries({a: 1})"), "[{key: \"a\", value: 1}]");
        assert_eq!(
            feel("context put({x: 1, y: {a: 0}}, [\"y\", \"a\"], 2)"),
            "{x: 1, y: {a: 2}}"
        );
        assert_eq!(
            feel("context put(context: {}, keys: [\"a\"], value: 1)"),
            "{a: 1}"
        );
        assert_eq!(
            feel("context put(context: {}, key: [\"a\"], value: 1)"),
            "null"
        );
        assert_eq!(
            feel("context merge([{a: 1}, {a: 2, b: 3}])"),
            "{a: 2, b: 3}"
        );
        assert_eq!(feel("context merge()"), "null");
        assert_eq!(feel("context([{key: \"a\", value: 1}])"), "{a: 1}");
        assert_eq!(feel("put all({a: 1}, {b: 2})"), "{a: 1, b: 2}");
    }
}
