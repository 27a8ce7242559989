//! # feel — a FEEL (DMN 1.5) expression engine
//!
//! Compile an expression once, evaluate it many times against different variables.
//!
//! ```
//! use feel::{Engine, Context, Value};
//!
//! let engine = Engine::new();
//! let expr = engine.compile("if x > 10 then \"big\" else \"small\"").unwrap();
//! let mut vars = Context::new();
//! vars.insert("x", Value::from(42));
//! let out = expr.evaluate(&vars).unwrap();
//! assert_eq!(out.value, Value::from("big"));
//! assert!(out.warnings.is_empty());
//! ```
//!
//! Runtime problems (a missing variable, adding a string to a number, a built-in given the
//! wrong arguments) give `null` plus a [`Warning`], as Camunda's engine reports
//! "suppressed failures". Only syntax errors, exceeded limits and a failed `assert` are
//! hard [`Error`]s.
//!
//! See [`compatibility`] for where this engine follows the DMN 1.5 specification rather
//! than Camunda's engine, and what an engine built in the Camunda [`Dialect`]
//! (`Engine::builder().dialect(Dialect::Camunda).build()`) does there instead.

pub mod compatibility {
    //! Where this engine follows the DMN 1.5 specification rather than Camunda's engine.
    #![doc = include_str!("../COMPATIBILITY.md")]
}

mod builtins;
pub mod cli;
mod dialect;
mod engine;
mod error;
mod eval;
mod syntax;
mod value;

pub use builtins::{NativeFn, Registry};
pub use dialect::{Dialect, UnknownDialect};
pub(crate) use engine::EngineInner;
pub use engine::{Engine, EngineBuilder, Evaluation, Expression, Limits, UnaryTests};
pub use error::{render_caret, Error, ErrorKind, Span, Warning, WarningKind};
pub use eval::types::{conform, instance_of};
pub use eval::{ops, State};
pub use syntax::ast::Type;
pub use value::number::{format_decimal, parse_decimal};
pub use value::temporal;
pub use value::{
    Args, Callable, Context, Date, DateTime, Decimal, DtDuration, Function, InDialect, Range,
    SmolStr, Time, Value, ValueKind, YmDuration, Zone,
};
