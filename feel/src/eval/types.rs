//! `instance of` and DMN type conformance.

use crate::syntax::ast::Type;
use crate::value::Value;

fn named_matches(v: &Value, name: &str) -> Option<bool> {
    let r = match name {
        "number" => matches!(v, Value::Number(_)),
        "string" => matches!(v, Value::String(_)),
        "boolean" => matches!(v, Value::Bool(_)),
        "date" => matches!(v, Value::Date(_)),
        "time" => matches!(v, Value::Time(_)),
        "date and time" | "dateTime" => matches!(v, Value::DateTime(_)),
        "days and time duration" | "dayTimeDuration" => matches!(v, Value::DaysTime(_)),
        "years and months duration" | "yearMonthDuration" => matches!(v, Value::YearsMonths(_)),
        "list" => matches!(v, Value::List(_)),
        "context" => matches!(v, Value::Context(_)),
        "range" => matches!(v, Value::Range(_)),
        "function" => matches!(v, Value::Function(_)),
        _ => return None,
    };
    Some(r)
}

/// Whether `v` is an instance of type `t` (`instance of`). `null` is an instance of `Null`
/// only.
///
/// ```
/// let engine = feel::Engine::new();
/// let t = engine.parse_type("list<number>").unwrap();
/// assert!(feel::instance_of(&feel::Value::list(vec![1.into(), 2.into()]), &t));
/// ```
pub fn instance_of(v: &Value, t: &Type) -> bool {
    if v.is_null() {
        return matches!(t, Type::Null);
    }
    match t {
        Type::Any => true,
        Type::Null => false,
        Type::Named(n) => named_matches(v, n).unwrap_or(false),
        Type::List(inner) => match v {
            Value::List(items) => items.iter().all(|i| i.is_null() || instance_of(i, inner)),
            _ => false,
        },
        Type::Context(fields) => match v {
            Value::Context(ctx) => fields.iter().all(|(k, ft)| {
                ctx.get(k)
                    .is_some_and(|fv| fv.is_null() || instance_of(fv, ft))
            }),
            _ => false,
        },
        Type::Range(inner) => match v {
            Value::Range(r) => {
                (r.start.is_null() || instance_of(&r.start, inner))
                    && (r.end.is_null() || instance_of(&r.end, inner))
            }
            _ => false,
        },
        Type::Function(params, _) => match v {
            Value::Function(f) => {
                let n = f.params().len();
                n == params.len()
            }
            _ => false,
        },
    }
}

/// Whether conformance can be checked for this type (unknown item-definition names and
/// constrained types are left alone).
fn checkable(t: &Type) -> bool {
    match t {
        Type::Any | Type::Null => true,
        Type::Named(n) => named_matches(&Value::Null, n).is_some(),
        Type::List(i) | Type::Range(i) => checkable(i),
        Type::Context(fields) => fields.iter().all(|(_, t)| checkable(t)),
        Type::Function(ps, r) => ps.iter().all(checkable) && checkable(r),
    }
}

/// DMN type conformance of a value against a declared type, as applied to decision
/// results and inputs: a conforming value is kept; a singleton list is unwrapped for a
/// non-list type; a non-list is wrapped for a list type; anything else becomes `null`.
/// Types this engine cannot check (item definitions it does not know) keep the value.
pub fn conform(v: Value, t: &Type) -> Value {
    if v.is_null() || !checkable(t) || instance_of(&v, t) {
        return v;
    }
    match (t, &v) {
        (Type::List(inner), _) if !matches!(v, Value::List(_)) => {
            if instance_of(&v, inner) {
                Value::list(vec![v])
            } else {
                Value::Null
            }
        }
        (_, Value::List(items)) if items.len() == 1 && !matches!(t, Type::List(_)) => {
            let item = items.first().cloned().unwrap_or_default();
            if instance_of(&item, t) {
                item
            } else {
                Value::Null
            }
        }
        _ => Value::Null,
    }
}
