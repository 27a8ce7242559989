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
pub(crate) fn grammar_probe(text: &str) -> usize {
    use pest::Parser;
    grammar::FeelParser::parse(grammar::Rule::expression_root, text).map(|p| p.count()).unwrap_or(0)
}
pub(crate) fn stage_probe(e: &crate::Engine, text: &str, stage: u8) -> usize {
    let inner = &*e.inner;
    match stage {
        0 => limits::check_nesting(text, 64).is_ok() as usize,
        1 => names::mark(text, &inner.names, &[]).map_or(0, |s| s.len()),
        2 => parser::parse_expression(text, inner, &[]).is_ok() as usize,
        _ => {
            let n = parser::parse_expression(text, inner, &[]).unwrap();
            let n = crate::eval::fold::fold(n, inner);
            crate::eval::quick::build(&n, inner).is_some() as usize
        }
    }
}
#[cfg(test)]
mod size_probe {
    #[test]
    fn sizes() {
        eprintln!("Node {} Expr {} Error {} Result<Node> {} Pair {} Pairs {}", std::mem::size_of::<super::ast::Node>(), std::mem::size_of::<super::ast::Expr>(), std::mem::size_of::<crate::Error>(), std::mem::size_of::<Result<super::ast::Node, crate::Error>>(), std::mem::size_of::<super::grammar::Pair<'static>>(), std::mem::size_of::<super::grammar::Pairs<'static>>());
    }
}
pub(crate) fn build_probe(text: &str, n: usize) -> usize { parser::build_loop(text, n) }
