//! # feel — a FEEL (DMN 1.5) expression engine
//!
//! Compile an expression once, evaluate it many times against different variables. Numbers
//! are decimals, dates, times and durations are the DMN temporal types, names may contain
//! spaces (`Monthly Salary`), and every Camunda built-in function is there.
//!
//! ```
//! use feel::{Context, Engine, Value};
//!
//! let engine = Engine::new();
//! // Naming the variables lets `Monthly Salary` go without backticks.
//! let expr = engine.compile_with_names(
//!     r#"if 12 * Monthly Salary > 50000 then "senior" else "junior""#,
//!     &["Monthly Salary"],
//! )?;
//!
//! let mut vars = Context::new();
//! for (salary, level) in [(4200, "senior"), (3000, "junior")] {
//!     vars.insert("Monthly Salary", Value::from(salary));
//!     let out = expr.evaluate(&vars)?;
//!     assert_eq!(out.value, Value::from(level));
//!     assert!(out.warnings.is_empty());
//! }
//!
//! // Variables from JSON, the value back to JSON.
//! let vars = Context::from_json(&serde_json::json!({"order": {"items": [3, 4.5]}}))
//!     .unwrap_or_default();
//! let out = engine.evaluate("sum(order.items) * 2", &vars)?;
//! assert_eq!(out.value.to_json(), serde_json::json!(15));
//! # Ok::<(), feel::Error>(())
//! ```
//!
//! Runtime problems (a missing variable, adding a string to a number, a built-in given the
//! wrong arguments) give `null` plus a [`Warning`], as Camunda's engine reports
//! "suppressed failures". Only syntax errors, exceeded [`Limits`] and a failed `assert` are
//! hard [`Error`]s:
//!
//! ```
//! let engine = feel::Engine::new();
//! let out = engine.evaluate("1 + \"a\"", &feel::Context::new())?;
//! assert_eq!(out.value, feel::Value::Null);
//! assert_eq!(out.warnings.len(), 1);
//!
//! let kind = engine.compile("1 +").err().map(|e| e.kind());
//! assert_eq!(kind, Some(feel::ErrorKind::Syntax));
//! # Ok::<(), feel::Error>(())
//! ```
//!
//! [`Engine::register`] adds a function, [`Engine::compile_unary_tests`] compiles the input
//! entries of a decision table, [`Value::from_json`] and [`Value::to_json`] convert from and
//! to `serde_json`. [`cli`] holds the `feel` command's typed JSON encoding and batch runner.
//!
//! See [`compatibility`] for where this engine follows the DMN 1.5 specification rather
//! than Camunda's engine, and what an engine built in the Camunda [`Dialect`]
//! (`Engine::builder().dialect(Dialect::Camunda).build()`) does there instead.

#![warn(missing_docs)]

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
