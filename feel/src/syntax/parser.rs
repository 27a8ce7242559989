//! pest pairs → typed AST.

use crate::error::{Error, ErrorKind};
use crate::EngineInner;

use super::ast::{Node, UnaryTest};

pub(crate) fn parse_expression(
    _text: &str,
    _engine: &EngineInner,
    _names: &[&str],
) -> Result<Node, Error> {
    Err(Error::new(ErrorKind::Syntax, "parser not yet written"))
}

pub(crate) fn parse_unary_tests(
    _text: &str,
    _engine: &EngineInner,
    _names: &[&str],
) -> Result<Vec<UnaryTest>, Error> {
    Err(Error::new(ErrorKind::Syntax, "parser not yet written"))
}

pub(crate) fn parse_type(_text: &str) -> Result<super::ast::Type, Error> {
    Err(Error::new(ErrorKind::Syntax, "parser not yet written"))
}
