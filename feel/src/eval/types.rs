//! `instance of` and DMN type conformance.

use crate::syntax::ast::Type;
use crate::value::Value;

/// Whether `v` is an instance of type `t` (`instance of`). `null` is an instance of `Null`
/// only.
pub fn instance_of(_v: &Value, _t: &Type) -> bool {
    false
}

/// DMN type conformance of a value against a declared type, as applied to decision
/// results and inputs: a conforming value is kept; a singleton list is unwrapped for a
/// non-list type; a non-list is wrapped for a list type; anything else becomes `null`.
pub fn conform(v: Value, _t: &Type) -> Value {
    v
}
