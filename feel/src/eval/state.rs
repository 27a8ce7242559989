//! Evaluation state: warnings, the step budget, the clock, the function being called.

use std::sync::Arc;

use crate::error::{Error, ErrorKind, Span, Warning, WarningKind};
use crate::value::{Args, Context, DateTime, Function, Value};
use crate::EngineInner;

/// The state of one evaluation, handed to every built-in and registered function.
pub struct State<'e> {
    pub(crate) engine: &'e EngineInner,
    pub(crate) root: &'e Context,
    pub(crate) warnings: Vec<Warning>,
    pub(crate) fatal: Option<Error>,
    pub(crate) span: Span,
    pub(crate) steps: u64,
    /// Steps allowed: the engine's limit, 0 once the evaluation is aborted.
    pub(crate) step_limit: u64,
    pub(crate) depth: u32,
    function: Option<FnName>,
}

/// The name of the built-in being called: a standard built-in's name is static (no
/// reference count touched per call).
#[derive(Clone)]
pub(crate) enum FnName {
    Static(&'static str),
    Shared(Arc<str>),
}

impl FnName {
    fn as_str(&self) -> &str {
        match self {
            FnName::Static(s) => s,
            FnName::Shared(s) => s,
        }
    }
}

impl<'e> State<'e> {
    pub(crate) fn new(engine: &'e EngineInner, root: &'e Context) -> Self {
        State {
            engine,
            root,
            warnings: Vec::new(),
            fatal: None,
            span: Span::default(),
            steps: 0,
            step_limit: engine.limits.max_steps.unwrap_or(u64::MAX),
            depth: 0,
            function: None,
        }
    }

    /// Record a suppressed failure at the current position.
    pub fn warn(&mut self, kind: WarningKind, message: impl Into<String>) {
        if self.warnings.len() < 1000 {
            self.warnings.push(Warning {
                kind,
                message: message.into(),
                span: Some(self.span),
            });
        }
    }

    /// Record that the current built-in failed, and return `null`.
    ///
    /// The message reads `Failed to invoke function '<name>': <problem>`.
    pub fn fail_call(&mut self, problem: impl std::fmt::Display) -> Value {
        let name = self.function_name().unwrap_or("?").to_string();
        self.warn(
            WarningKind::FunctionInvocationFailure,
            format!("Failed to invoke function '{name}': {problem}"),
        );
        Value::Null
    }

    /// Record that the current built-in failed where Camunda's engine throws (an exception it
    /// does not catch): `null` plus a warning as [`State::fail_call`] in the DMN dialect; in
    /// the Camunda dialect the evaluation fails with the same message.
    pub fn fail_call_or_throw(&mut self, problem: impl std::fmt::Display) -> Value {
        if !self.engine.dialect.is_camunda() {
            return self.fail_call(problem);
        }
        let name = self.function_name().unwrap_or("?").to_string();
        self.abort(
            ErrorKind::Evaluation,
            format!("Failed to invoke function '{name}': {problem}"),
        )
    }

    /// Record that the current built-in got arguments it cannot take, and return `null`.
    pub fn illegal_args(&mut self, args: &[Value]) -> Value {
        let list: Vec<String> = args.iter().map(|a| format!("'{a}'")).collect();
        self.fail_call(format!("Illegal arguments: {}", list.join(", ")))
    }

    /// Stop the evaluation with an error (used by `assert`).
    pub fn abort(&mut self, kind: ErrorKind, message: impl Into<String>) -> Value {
        self.step_limit = 0;
        if self.fatal.is_none() {
            self.fatal = Some(Error::new(kind, message).with_span(self.span));
        }
        Value::Null
    }

    /// Whether the evaluation has been aborted.
    pub fn aborted(&self) -> bool {
        self.fatal.is_some()
    }

    /// Call a function value with positional arguments.
    pub fn call(&mut self, f: &Function, args: Vec<Value>) -> Value {
        f.call(self, Args::Positional(args))
    }

    /// The dialect of the engine evaluating.
    #[inline]
    pub fn dialect(&self) -> crate::Dialect {
        self.engine.dialect
    }

    /// The current date and time from the engine's clock.
    pub fn now(&self) -> DateTime {
        (self.engine.clock)()
    }

    /// The name of the built-in being called, if any.
    pub fn function_name(&self) -> Option<&str> {
        self.function.as_ref().map(FnName::as_str)
    }

    /// Set the name of the built-in being called. It is not reset when the built-in returns
    /// (that would keep the built-in's result in a temporary): a call made from inside a
    /// function goes through [`Function::call`], which restores the caller's name.
    pub(crate) fn enter_function(&mut self, name: FnName) {
        self.function = Some(name);
    }

    /// Clear the name of the function being called, returning it.
    pub(crate) fn take_function(&mut self) -> Option<FnName> {
        self.function.take()
    }

    /// Restore a name [`State::take_function`] returned.
    pub(crate) fn restore_function(&mut self, name: Option<FnName>) {
        self.function = name;
    }
}
