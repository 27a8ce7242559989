//! The built-in function registry.
//!
//! Each family file holds a table of rows `(name, parameters, function)`; a name with
//! several rows has several signatures (overloads), tried in order. A parameter ending in
//! `...` collects the remaining arguments into a list (varargs). The registry binds
//! positional and named arguments in one place ([`Builtin`]'s `Callable` impl), so a
//! built-in receives exactly one value per declared parameter.

mod blocks;
mod boolean;
mod context;
mod conversion;
mod list;
mod numeric;
mod range;
mod regex;
mod string;
mod temporal;
mod util;

use std::collections::HashMap;
use std::sync::Arc;

use crate::dialect::Dialect;
use crate::error::WarningKind;
use crate::eval::{FnName, State};
use crate::value::{Args, Callable, Function, Value};

/// The signature of a built-in: evaluation state and one argument per parameter.
pub type NativeFn = Arc<dyn Fn(&mut State<'_>, &[Value]) -> Value + Send + Sync>;

/// One row of a family table.
pub type Row = (
    &'static str,
    &'static [&'static str],
    fn(&mut State<'_>, &[Value]) -> Value,
);

/// One signature of a function.
#[derive(Clone)]
pub struct Overload {
    /// Parameter names, the varargs marker (`...`) removed.
    pub params: Vec<Arc<str>>,
    /// Whether the last parameter collects the remaining arguments.
    pub variadic: bool,
    /// The implementation.
    pub f: NativeFn,
}

/// A named function with its signatures.
#[derive(Clone)]
pub struct Builtin {
    /// The function name.
    pub name: Arc<str>,
    /// Signatures, in resolution order.
    pub overloads: Vec<Overload>,
    /// Whether the same arguments always give the same value (standard built-ins but the
    /// clock and random ones); calls with literal arguments are then evaluated when compiling.
    pub pure: bool,
    /// The name as a static string, for the standard built-ins.
    static_name: Option<&'static str>,
}

/// DMN 1.5 built-ins Camunda's engine does not have: unknown functions in its dialect.
const NOT_IN_CAMUNDA: &[&str] = &["is", "list replace", "range"];

/// Standard built-ins whose value changes from call to call.
const IMPURE: &[&str] = &["now", "today", "random number", "uuid"];

/// The functions an engine knows by name.
#[derive(Clone, Default)]
pub struct Registry {
    functions: HashMap<Arc<str>, Function, Hasher>,
    builtins: HashMap<Arc<str>, Builtin, Hasher>,
    /// Names of functions the dialect lacks: still read as one name before `(` (a call of
    /// one finds no function, as in Camunda's engine, rather than failing to parse).
    absent: Vec<&'static str>,
}

/// Function names are looked up on every call: a fast hash (seeded per process).
type Hasher = foldhash::fast::RandomState;

impl Registry {
    /// A registry with every standard built-in and Camunda extension.
    pub fn standard() -> Self {
        let mut r = Registry::default();
        for table in [
            conversion::TABLE,
            boolean::TABLE,
            string::TABLE,
            list::TABLE,
            numeric::TABLE,
            range::TABLE,
            temporal::TABLE,
            context::TABLE,
        ] {
            r.add_table(table);
        }
        r
    }

    /// The standard built-ins as a dialect has them: for [`Dialect::Camunda`], each name in
    /// a family's `CAMUNDA` table has that table's rows in place of its standard ones, and
    /// the DMN functions Camunda lacks are left out.
    pub fn for_dialect(dialect: Dialect) -> Self {
        let mut r = Registry::standard();
        if dialect == Dialect::Camunda {
            for name in NOT_IN_CAMUNDA {
                r.remove(name);
            }
            r.absent = NOT_IN_CAMUNDA.to_vec();
            let tables: [&[Row]; 3] = [numeric::CAMUNDA, list::CAMUNDA, range::CAMUNDA];
            for table in tables {
                for (name, _, _) in table {
                    r.remove(name);
                }
                r.add_table(table);
            }
        }
        r
    }

    /// Add a family table's rows as standard built-ins.
    fn add_table(&mut self, table: &[Row]) {
        for (name, params, f) in table {
            self.add_with(name, params, Arc::new(*f), Some(name));
            if let Some(b) = self.builtins.get_mut(*name) {
                b.pure = !IMPURE.contains(name);
            }
        }
    }

    /// Add a signature to a function (creating the function if needed).
    pub fn add(&mut self, name: &str, params: &[&str], f: NativeFn) {
        self.add_with(name, params, f, None);
    }

    fn add_with(
        &mut self,
        name: &str,
        params: &[&str],
        f: NativeFn,
        static_name: Option<&'static str>,
    ) {
        let variadic = params.last().is_some_and(|p| p.ends_with("..."));
        let params = params
            .iter()
            .map(|p| Arc::from(p.trim_end_matches("...")))
            .collect();
        let entry = self
            .builtins
            .entry(Arc::from(name))
            .or_insert_with(|| Builtin {
                name: Arc::from(name),
                overloads: Vec::new(),
                pure: false,
                static_name,
            });
        // a function registered from outside may read anything: never evaluated early
        entry.pure = false;
        entry.overloads.push(Overload {
            params,
            variadic,
            f,
        });
        let b = entry.clone();
        self.functions.insert(Arc::from(name), Function::new(b));
    }

    /// Replace a function entirely (all its signatures).
    pub fn remove(&mut self, name: &str) {
        self.builtins.remove(name);
        self.functions.remove(name);
    }

    /// The function value for a name.
    pub fn get(&self, name: &str) -> Option<&Function> {
        self.functions.get(name)
    }

    /// The implementation a call of the pure standard built-in `name` with `n` positional
    /// arguments runs, when it does not depend on the arguments' types (the signature
    /// [`Callable::call_slice`] would choose for any `n` arguments), with its static name.
    pub(crate) fn direct(&self, name: &str, n: usize) -> Option<(NativeFn, &'static str)> {
        let b = self.builtins.get(name).filter(|b| b.pure)?;
        let static_name = b.static_name?;
        for o in &b.overloads {
            let p = o.params.len();
            if o.variadic && p >= 1 && n + 1 >= p && !(p == 1 && n == 0) {
                return None;
            }
            if !o.variadic && p == n {
                return Some((o.f.clone(), static_name));
            }
        }
        None
    }

    /// Whether `name` is a pure standard built-in: the same arguments always give the same
    /// value (every standard built-in but the clock and random ones).
    pub fn is_pure(&self, name: &str) -> bool {
        self.builtins.get(name).is_some_and(|b| b.pure)
    }

    /// All function names.
    pub fn names(&self) -> impl Iterator<Item = &Arc<str>> {
        self.functions.keys()
    }

    /// The names of functions the registry's dialect lacks (see [`Registry::for_dialect`]).
    pub(crate) fn absent_names(&self) -> impl Iterator<Item = &str> {
        self.absent.iter().copied()
    }
}

impl Builtin {
    fn bind_positional(&self, mut args: Vec<Value>) -> Option<(&Overload, Vec<Value>)> {
        let n = args.len();
        for o in &self.overloads {
            let p = o.params.len();
            // a function whose only parameter is varargs needs at least one argument
            if o.variadic && p >= 1 && n + 1 >= p && !(p == 1 && n == 0) {
                let rest: Vec<Value> = args.split_off(p - 1);
                let rest = if p == 1 && rest.len() == 1 && matches!(rest[0], Value::List(_)) {
                    rest.into_iter().next().unwrap_or_default()
                } else {
                    Value::list(rest)
                };
                args.push(rest);
                return Some((o, args));
            }
            if !o.variadic && p == n {
                return Some((o, args));
            }
        }
        None
    }

    fn bind_named(&self, args: Vec<(Arc<str>, Value)>) -> Option<(&Overload, Vec<Value>)> {
        let o = self
            .overloads
            .iter()
            .find(|o| args.iter().all(|(k, _)| o.params.iter().any(|p| p == k)))?;
        let mut bound = vec![Value::Null; o.params.len()];
        for (k, v) in args {
            if let Some(i) = o.params.iter().position(|p| *p == k) {
                bound[i] = v;
            }
        }
        Some((o, bound))
    }
}

impl Builtin {
    fn invoke(&self, o: &Overload, state: &mut State<'_>, values: &[Value]) -> Value {
        state.enter_function(match self.static_name {
            Some(name) => FnName::Static(name),
            None => FnName::Shared(self.name.clone()),
        });
        (o.f)(state, values)
    }
}

impl Callable for Builtin {
    /// The arguments as they are, when the signature [`Builtin::bind_positional`] would
    /// choose takes them unchanged: the exact arity, or one list for a list-only varargs.
    fn call_slice(&self, state: &mut State<'_>, args: &[Value]) -> Option<Value> {
        let n = args.len();
        for o in &self.overloads {
            let p = o.params.len();
            if o.variadic && p >= 1 && n + 1 >= p && !(p == 1 && n == 0) {
                let as_is = p == 1 && n == 1 && matches!(args.first(), Some(Value::List(_)));
                return as_is.then(|| self.invoke(o, state, args));
            }
            if !o.variadic && p == n {
                return Some(self.invoke(o, state, args));
            }
        }
        None
    }

    fn name(&self) -> Option<&str> {
        Some(&self.name)
    }

    fn params(&self) -> Vec<Arc<str>> {
        self.overloads
            .first()
            .map(|o| o.params.clone())
            .unwrap_or_default()
    }

    fn call(&self, state: &mut State<'_>, args: Args) -> Value {
        let n = args.len();
        let bound = match args {
            Args::Positional(a) => self.bind_positional(a),
            Args::Named(a) => self.bind_named(a),
        };
        match bound {
            Some((o, values)) => self.invoke(o, state, &values),
            None => {
                state.warn(
                    WarningKind::NoFunctionFound,
                    format!(
                        "No function found with name '{}' and {} parameters",
                        self.name, n
                    ),
                );
                Value::Null
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::{Context, Engine, Value};

    /// A failing built-in names itself in its warning: a standard one (static name) and one
    /// registered by the embedder, also after it called a standard one that failed.
    #[test]
    fn failures_name_the_function_being_called() {
        let mut engine = Engine::new();
        engine.register("half", &["x", "f"], |st, args| {
            if let [x, Value::Function(f)] = args {
                st.call(f, vec![x.clone(), x.clone()]);
            }
            st.fail_call("cannot halve")
        });
        let warnings = |text: &str| -> Vec<String> {
            engine
                .evaluate(text, &Context::new())
                .map(|e| e.warnings.into_iter().map(|w| w.message).collect())
                .unwrap_or_default()
        };
        assert_eq!(
            warnings("substring(1, 2)"),
            ["Failed to invoke function 'substring': Illegal arguments: '1', '2'"]
        );
        assert_eq!(
            warnings("half(3, substring)"),
            [
                "Failed to invoke function 'substring': Illegal arguments: '3', '3'",
                "Failed to invoke function 'half': cannot halve"
            ]
        );
    }
}
