//! User-defined functions (closures).

use std::sync::Arc;

use crate::error::WarningKind;
use crate::syntax::ast::FunctionDef;
use crate::value::{Args, Callable, Value};

use super::scope::Scope;
use super::{eval, State};

/// A function defined in FEEL with the local variables it captured.
pub(crate) struct UserFunction {
    pub(crate) def: Arc<FunctionDef>,
    pub(crate) captured: Vec<(Arc<str>, Value)>,
}

impl Callable for UserFunction {
    fn name(&self) -> Option<&str> {
        None
    }

    fn params(&self) -> Vec<Arc<str>> {
        self.def.params.iter().map(|(n, _)| n.clone()).collect()
    }

    fn call(&self, st: &mut State<'_>, args: Args) -> Value {
        let params = &self.def.params;
        let mut bound: Vec<(Arc<str>, Value)> = params
            .iter()
            .map(|(n, _)| (n.clone(), Value::Null))
            .collect();
        match args {
            Args::Positional(values) => {
                if values.len() != params.len() {
                    st.warn(
                        WarningKind::NoFunctionFound,
                        format!(
                            "function expects {} parameters but got {}",
                            params.len(),
                            values.len()
                        ),
                    );
                    return Value::Null;
                }
                for (slot, v) in bound.iter_mut().zip(values) {
                    slot.1 = v;
                }
            }
            Args::Named(values) => {
                for (k, v) in values {
                    match bound.iter_mut().find(|(n, _)| *n == k) {
                        Some(slot) => slot.1 = v,
                        None => {
                            st.warn(
                                WarningKind::NoFunctionFound,
                                format!("function has no parameter named '{k}'"),
                            );
                            return Value::Null;
                        }
                    }
                }
            }
        }
        for ((_, t), (name, v)) in params.iter().zip(bound.iter_mut()) {
            if let Some(t) = t {
                let conformed = super::types::conform(v.clone(), t);
                if conformed.is_null() && !v.is_null() {
                    st.warn(
                        WarningKind::InvalidType,
                        format!("argument '{name}' = {v} does not conform to its declared type"),
                    );
                    return Value::Null;
                }
                *v = conformed;
            }
        }
        if st.depth >= 256 {
            st.abort(
                crate::ErrorKind::LimitExceeded,
                "function calls nested deeper than 256",
            );
            return Value::Null;
        }
        st.depth += 1;
        let root = Scope::Root(st.root);
        let captured = Scope::Many {
            parent: &root,
            vars: &self.captured,
        };
        let scope = Scope::Many {
            parent: &captured,
            vars: &bound,
        };
        let v = eval(&self.def.body, &scope, st);
        st.depth -= 1;
        v
    }
}
