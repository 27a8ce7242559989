//! From text to syntax tree: the pest grammar, the multi-word name pass, the parser.

pub mod ast;
pub(crate) mod names;
mod parser;

pub(crate) use parser::{parse_expression, parse_type, parse_unary_tests, MULTI_WORD_PROPERTIES};
