//! From text to syntax tree: the multi-word name pass, the lexer, the recursive-descent parser.

pub mod ast;
mod lexer;
mod limits;
mod literals;
pub(crate) mod names;
mod parser;
mod types;

pub(crate) use parser::{parse_expression, parse_type, parse_unary_tests, MULTI_WORD_PROPERTIES};
