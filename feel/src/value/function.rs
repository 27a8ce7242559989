//! Function values: anything that can be invoked from FEEL.

use std::sync::Arc;

use crate::eval::State;

use super::Value;

/// Arguments of an invocation, positional or named.
#[derive(Clone, Debug)]
pub enum Args {
    /// `f(1, 2)`
    Positional(Vec<Value>),
    /// `f(a: 1, b: 2)`
    Named(Vec<(Arc<str>, Value)>),
}

impl Args {
    /// Number of arguments.
    pub fn len(&self) -> usize {
        match self {
            Args::Positional(v) => v.len(),
            Args::Named(v) => v.len(),
        }
    }

    /// Whether there are no arguments.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Something FEEL can call: built-ins, user-defined functions, embedder functions.
pub trait Callable: Send + Sync {
    /// The function's name, if it has one (used in messages).
    fn name(&self) -> Option<&str>;
    /// The parameter names of the function's first signature.
    fn params(&self) -> Vec<Arc<str>>;
    /// Invoke the function. Problems are reported through `state` as warnings and give null.
    fn call(&self, state: &mut State<'_>, args: Args) -> Value;

    /// Invoke with positional arguments by reference, when the function can take them so
    /// (no copy, no allocation); `None` leaves the call to [`Callable::call`] and has no
    /// effect. The default takes none.
    fn call_slice(&self, _state: &mut State<'_>, _args: &[Value]) -> Option<Value> {
        None
    }
}

/// A function value (reference counted).
#[derive(Clone)]
pub struct Function(pub Arc<dyn Callable>);

impl Function {
    /// Wrap a callable.
    pub fn new(c: impl Callable + 'static) -> Self {
        Function(Arc::new(c))
    }

    /// Invoke the function (from inside another one, the caller's name in messages is kept).
    pub fn call(&self, state: &mut State<'_>, args: Args) -> Value {
        let caller = state.take_function();
        let v = self.0.call(state, args);
        state.restore_function(caller);
        v
    }

    /// The function's name, if any.
    pub fn name(&self) -> Option<&str> {
        self.0.name()
    }

    /// Parameter names.
    pub fn params(&self) -> Vec<Arc<str>> {
        self.0.params()
    }

    /// Identity comparison.
    pub fn ptr_eq(&self, other: &Function) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}
