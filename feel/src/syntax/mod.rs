//! From text to syntax tree: the multi-word name pass, the pest grammar (`feel.pest`) and
//! the reading of its pairs into the typed tree.

pub mod ast;
mod grammar;
mod limits;
mod literals;
pub(crate) mod names;
mod parser;
mod types;

pub(crate) use parser::{parse_expression, parse_unary_tests, MULTI_WORD_PROPERTIES};
pub(crate) use types::parse_type;
