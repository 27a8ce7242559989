//! The parser generated from `feel.pest`, the operator precedence over its flat operand and
//! operator sequences, and syntax errors that say what was expected where.

use pest::error::{ErrorVariant, InputLocation};
use pest::pratt_parser::{Assoc, Op, PrattParser};
use pest::Parser as _;

use crate::error::{Error, ErrorKind, Span};

/// The FEEL grammar (`feel.pest`).
#[derive(pest_derive::Parser)]
#[grammar = "syntax/feel.pest"]
pub(super) struct FeelParser;

/// Operator precedence, loosest first (each `true` starts a new level): disjunction,
/// conjunction, comparison with the postfix tests `between`, `in` and `instance of`,
/// additive, multiplicative, exponentiation, negation, then path, filter and invocation.
pub(super) static PRATT: std::sync::LazyLock<PrattParser<Rule>> = std::sync::LazyLock::new(|| {
    PrattParser::new()
        .op(Op::infix(Rule::disjunction, Assoc::Left))
        .op(Op::infix(Rule::conjunction, Assoc::Left))
        .op(Op::infix(Rule::comparison, Assoc::Left)
            | Op::postfix(Rule::between)
            | Op::postfix(Rule::in_test)
            | Op::postfix(Rule::instance_of))
        .op(Op::infix(Rule::additive, Assoc::Left))
        .op(Op::infix(Rule::multiplicative, Assoc::Left))
        .op(Op::infix(Rule::exponentiation, Assoc::Left))
        .op(Op::prefix(Rule::negation))
        .op(Op::postfix(Rule::path) | Op::postfix(Rule::filter) | Op::postfix(Rule::invocation))
});
/// Words that cannot be names where an expression is expected (unless in backticks).
pub(crate) const RESERVED: &[&str] = &[
    "true",
    "false",
    "null",
    "if",
    "then",
    "else",
    "for",
    "in",
    "return",
    "some",
    "every",
    "satisfies",
    "and",
    "or",
    "between",
    "instance",
    "of",
    "function",
];

pub(super) type Pair<'i> = pest::iterators::Pair<'i, Rule>;
pub(super) type Pairs<'i> = pest::iterators::Pairs<'i, Rule>;

pub(super) fn syntax_error(msg: impl Into<String>, span: Span) -> Error {
    Error::new(ErrorKind::Syntax, msg).with_span(span)
}

/// The span of a pair, without the whitespace that ends it (the grammar skips whitespace
/// after every token, so a rule ending in a token also ends in the whitespace after it).
pub(super) fn span_of(p: &Pair<'_>) -> Span {
    let s = p.as_span();
    let text = s.as_str();
    let end = match text.as_bytes().last() {
        // the usual case: no whitespace at the end (a token, or a rule ending in one)
        Some(b) if !b.is_ascii_whitespace() && b.is_ascii() => text.len(),
        _ => text.trim_end_matches(super::names::is_space).len(),
    };
    Span::new(s.start(), s.start() + end)
}

/// Parse `text` from the entry point `rule`; a failure becomes a syntax error saying what
/// was expected at the furthest position reached.
pub(super) fn parse(rule: Rule, text: &str) -> Result<Pairs<'_>, Error> {
    FeelParser::parse(rule, text).map_err(|e| convert(text, &e))
}

/// What an expected rule stands for in a message, and its rank: at one position, the
/// lowest rank is reported (an item that could start there before the bracket that could
/// close the list, before the end of the text).
fn expected(rule: Rule) -> Option<(u8, &'static str)> {
    use Rule::*;
    Some(match rule {
        variable
        | numeric_literal
        | string_literal
        | date_time_literal
        | boolean_literal
        | null_literal
        | backtick_name
        | function_alias
        | if_expression
        | for_expression
        | quantified_expression
        | function_definition
        | parenthesised
        | list_or_range
        | open_range
        | context
        | expression
        | arithmetic_expression
        | negation
        | unary_comparison => (0, "an expression"),
        variable_name => (1, "a variable name"),
        parameter_name | formal_parameter_name => (1, "a parameter name"),
        path_name => (1, "a name after '.'"),
        key => (1, "a context key"),
        type_entry_name => (1, "a context entry name"),
        named_type | list_type | range_type | context_type | function_type => (1, "a type"),
        kw_then => (2, "'then' after the condition of 'if'"),
        kw_else => (2, "'else' after the 'then' branch"),
        kw_return => (2, "'return' after the iteration contexts of 'for'"),
        kw_satisfies => (2, "'satisfies' after the iteration contexts"),
        kw_iteration_in => (2, "'in' after the variable name"),
        kw_between_and => (2, "'and' between the bounds of 'between'"),
        kw_of => (2, "'of' after 'instance'"),
        parameters_open => (2, "'(' after 'function'"),
        key_colon => (2, "':' after the context key"),
        parameter_colon => (2, "':' after the parameter name"),
        range_dots => (2, "'..' in the range"),
        paren_close => (3, "')' to close the parenthesis"),
        list_close => (3, "']' or ',' in the list"),
        filter_close => (3, "']' to close the filter"),
        tests_close => (3, "')' or ',' in the list of tests"),
        arguments_close => (3, "')' or ',' in the arguments"),
        parameters_close => (3, "')' or ',' in the parameters"),
        context_close => (3, "'}' or ',' in the context"),
        type_close => (3, "'>' to close the type"),
        range_close => (3, "']', ')' or '[' to close the range"),
        EOI => (4, "an operator or the end of the text"),
        _ => return None,
    })
}

/// The syntax error for a failed parse of `text`.
fn convert(text: &str, e: &pest::error::Error<Rule>) -> Error {
    let pos = match e.location {
        InputLocation::Pos(p) => p,
        InputLocation::Span((s, _)) => s,
    };
    let what = match &e.variant {
        ErrorVariant::ParsingError { positives, .. } => positives
            .iter()
            .filter_map(|r| expected(*r))
            .min_by_key(|(rank, _)| *rank)
            .map_or("an expression", |(_, what)| what),
        // pest's own call or stack limit: the nesting check lets nothing that deep through
        ErrorVariant::CustomError { message } => {
            return syntax_error(
                format!("expression too deeply nested ({message})"),
                Span::new(pos, pos + 1),
            )
            .with_kind(ErrorKind::LimitExceeded)
        }
    };
    unexpected(text, pos, what)
}

/// The error for the text at `pos`, which is not `expected`.
pub(super) fn unexpected(text: &str, pos: usize, expected: &str) -> Error {
    let rest = text.get(pos..).unwrap_or("");
    let first = rest.chars().next();
    let span = Span::new(pos, pos + first.map_or(1, char::len_utf8));
    let Some(first) = first else {
        return syntax_error(
            format!("expected {expected}, found the end of the text"),
            span,
        );
    };
    let token = FeelParser::parse(Rule::token, rest)
        .ok()
        .and_then(|mut p| p.next())
        .map(|p| p.as_str());
    let message = match token {
        None => match first {
            '"' => "unterminated string literal".to_string(),
            '`' => "unterminated backtick name".to_string(),
            '@' => "expected a string literal after '@'".to_string(),
            '/' if rest.starts_with("/*") => "unterminated comment".to_string(),
            c => format!("unexpected character '{c}'"),
        },
        Some(t) if expected == "an expression" && RESERVED.contains(&t) => {
            let span = Span::new(pos, pos + t.len());
            return syntax_error(format!("unexpected reserved word '{t}'"), span);
        }
        Some(t) => {
            let shown: String = t.chars().take(40).collect();
            let more = if shown.len() < t.len() { "…" } else { "" };
            format!("expected {expected}, found '{shown}{more}'")
        }
    };
    syntax_error(message, span)
}
