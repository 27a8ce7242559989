//! Built-in functions: boolean family (`not`, `is`, and Camunda's `is defined`,
//! `get or else`, `assert`).

use super::Row;
use crate::error::ErrorKind;
use crate::eval::State;
use crate::value::Value;

/// The boolean functions.
pub(super) const TABLE: &[Row] = &[
    ("not", &["negand"], not),
    ("is", &["value1", "value2"], is),
    ("is defined", &["value"], is_defined),
    ("get or else", &["value", "default"], get_or_else),
    ("assert", &["value", "condition"], assert),
    ("assert", &["value", "condition", "cause"], assert),
];

/// `not(negand)`: boolean negation; `null` stays `null`, other values are an error.
fn not(state: &mut State<'_>, args: &[Value]) -> Value {
    match &args[0] {
        Value::Bool(b) => Value::Bool(!b),
        Value::Null => Value::Null,
        _ => state.illegal_args(args),
    }
}

/// `is(value1, value2)`: same kind and same value. Unlike `=`, a date is never a date and
/// time, and times or date-times must have the same offset or zone.
fn is(_state: &mut State<'_>, args: &[Value]) -> Value {
    Value::Bool(args[0] == args[1])
}

/// `is defined(value)`: false only for `null`.
fn is_defined(_state: &mut State<'_>, args: &[Value]) -> Value {
    Value::Bool(!args[0].is_null())
}

/// `get or else(value, default)`: `value` unless it is `null`.
fn get_or_else(_state: &mut State<'_>, args: &[Value]) -> Value {
    if args[0].is_null() {
        args[1].clone()
    } else {
        args[0].clone()
    }
}

/// `assert(value, condition, cause?)`: `value` when `condition` is true; otherwise the
/// whole evaluation fails with `cause`.
fn assert(state: &mut State<'_>, args: &[Value]) -> Value {
    if args[1] == Value::Bool(true) {
        return args[0].clone();
    }
    let cause = match args.get(2) {
        Some(Value::String(s)) => s.to_string(),
        Some(Value::Null) | None => "The condition is not fulfilled".to_string(),
        Some(other) => other.to_feel_string(),
    };
    state.abort(ErrorKind::Evaluation, format!("Assertion failure: {cause}"))
}

#[cfg(test)]
mod tests {
    use super::super::util::test::{call, call_args, call_named, n, s};
    use crate::value::{Args, Value};

    #[test]
    fn not_negates_booleans_only() {
        assert_eq!(call("not", vec![Value::Bool(true)]), Value::Bool(false));
        assert_eq!(call("not", vec![Value::Bool(false)]), Value::Bool(true));
        assert_eq!(call("not", vec![Value::Null]), Value::Null);
        let (v, w, _) = call_args("not", Args::Positional(vec![n("1")]));
        assert_eq!(v, Value::Null);
        assert!(w[0].contains("'not'"), "{w:?}");
        assert_eq!(
            call_named("not", &[("negand", Value::Bool(true))]),
            Value::Bool(false)
        );
    }

    #[test]
    fn is_requires_same_kind() {
        assert_eq!(call("is", vec![n("1"), n("1.0")]), Value::Bool(true));
        assert_eq!(call("is", vec![n("1"), n("2")]), Value::Bool(false));
        assert_eq!(call("is", vec![n("1"), s("1")]), Value::Bool(false));
        assert_eq!(
            call("is", vec![Value::Null, Value::Null]),
            Value::Bool(true)
        );
        assert_eq!(
            call_named("is", &[("value1", s("a"))]),
            Value::Bool(false),
            "a missing named argument is null"
        );
    }

    #[test]
    fn camunda_helpers() {
        assert_eq!(call("is defined", vec![Value::Null]), Value::Bool(false));
        assert_eq!(call("is defined", vec![n("0")]), Value::Bool(true));
        assert_eq!(call("get or else", vec![Value::Null, n("3")]), n("3"));
        assert_eq!(call("get or else", vec![n("1"), n("3")]), n("1"));
    }

    #[test]
    fn assert_aborts_on_false() {
        let (v, _, aborted) =
            call_args("assert", Args::Positional(vec![n("1"), Value::Bool(true)]));
        assert_eq!(v, n("1"));
        assert!(!aborted);
        let (_, _, aborted) = call_args(
            "assert",
            Args::Positional(vec![n("1"), Value::Bool(false), s("too small")]),
        );
        assert!(aborted);
        let (_, _, aborted) = call_args("assert", Args::Positional(vec![n("1"), Value::Null]));
        assert!(aborted, "a null condition is not fulfilled");
    }
}

#[cfg(test)]
mod engine_tests {
    use super::super::util::test::{eval, feel};

    #[test]
    fn through_the_engine() {
        assert_eq!(feel("not(true)"), "false");
        assert_eq!(feel("not(negand: false)"), "true");
        assert_eq!(
            feel("is(@\"2012-12-25\", @\"2012-12-25T00:00:00Z\")"),
            "false"
        );
        assert_eq!(feel("is(@\"23:00:50Z\", @\"23:00:50+00:00\")"), "true");
        assert_eq!(feel("is(@\"P1D\", @\"PT24H\")"), "true");
        assert_eq!(feel("is(@\"P0Y\", @\"P0D\")"), "false");
        assert_eq!(feel("is defined(x)"), "false");
        assert_eq!(feel("get or else(null, \"b\")"), "\"b\"");
        assert_eq!(feel("assert(3, 3 > 2)"), "3");
        let (v, _) = eval("assert(1, 1 > 2, \"too small\")");
        assert!(v.starts_with("error:") && v.contains("too small"), "{v}");
        let (v, w) = eval("not(1)");
        assert_eq!(v, "null");
        assert!(
            w.iter()
                .any(|m| m.contains("Failed to invoke function 'not'")),
            "{w:?}"
        );
    }
}
