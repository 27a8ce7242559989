//! The tree-walking evaluator.

pub mod ops;
mod state;
pub mod types;

pub use state::State;

use crate::error::Error;
use crate::syntax::ast::{Node, UnaryTest};
use crate::value::{Context, Value};
use crate::{EngineInner, Evaluation};

pub(crate) fn evaluate(
    engine: &EngineInner,
    _root: &Node,
    _vars: &Context,
) -> Result<Evaluation, Error> {
    let state = State::new(engine);
    Ok(Evaluation {
        value: Value::Null,
        warnings: state.warnings,
    })
}

pub(crate) fn evaluate_unary_tests(
    engine: &EngineInner,
    _tests: &[UnaryTest],
    _input: &Value,
    _vars: &Context,
) -> Result<Evaluation, Error> {
    let state = State::new(engine);
    Ok(Evaluation {
        value: Value::Null,
        warnings: state.warnings,
    })
}
