//! The pairs of the pest grammar (`feel.pest`) → the typed syntax tree, with
//! `pest::pratt_parser` for operator precedence.
//!
//! The grammar decides what the text is; this module only reads its pairs, decodes literals
//! and makes the checks a context-free grammar cannot (duplicate context keys, invalid
//! temporal literals, dialect differences). The grammar guarantees the shape of every pair
//! read here; where a pair is missing anyway, the error is a syntax error, never a panic.

use std::sync::Arc;

use crate::dialect::Dialect;
use crate::error::{Error, Span};
use crate::value::number::parse_decimal;
use crate::value::{temporal, Value};
use crate::EngineInner;

use super::ast::{ArithOp, CallArgs, CmpOp, Expr, FunctionDef, Iterator, Node, UnaryTest};
use super::grammar::{parse, span_of, syntax_error, unexpected, Pair, Pairs, Rule, PRATT};
use super::limits::{check_depth, check_nesting};
use super::literals::decode_string;
use super::names;

/// Names of properties made of several words, always recognised after a `.`.
pub(crate) const MULTI_WORD_PROPERTIES: &[&str] =
    &["time offset", "start included", "end included"];

pub(super) type Result<T> = std::result::Result<T, Error>;

fn node(expr: Expr, span: Span) -> Node {
    Node::new(expr, span)
}

fn cmp_op(text: &str) -> CmpOp {
    match text {
        "=" => CmpOp::Eq,
        "!=" => CmpOp::Ne,
        "<" => CmpOp::Lt,
        "<=" => CmpOp::Le,
        ">" => CmpOp::Gt,
        _ => CmpOp::Ge,
    }
}

fn arith_op(text: &str) -> ArithOp {
    match text {
        "+" => ArithOp::Add,
        "-" => ArithOp::Sub,
        "*" => ArithOp::Mul,
        "/" => ArithOp::Div,
        _ => ArithOp::Pow,
    }
}

/// Whether the rest of an operand/operator sequence has no prefix operator, no test
/// (`between`, `in`, `instance of`) and at most one binary operator.
fn simple(pairs: &Pairs<'_>) -> bool {
    let mut binary = 0;
    for q in pairs.clone() {
        match q.as_rule() {
            Rule::negation | Rule::between | Rule::in_test | Rule::instance_of => return false,
            r if infix(r) => {
                binary += 1;
                if binary > 1 {
                    return false;
                }
            }
            _ => {}
        }
    }
    true
}

/// Whether `rule` is a binary operator.
fn infix(rule: Rule) -> bool {
    matches!(
        rule,
        Rule::disjunction
            | Rule::conjunction
            | Rule::comparison
            | Rule::additive
            | Rule::multiplicative
            | Rule::exponentiation
    )
}

/// The node of the binary operator `op` between `l` and `r`.
fn binary(l: Node, op: Pair<'_>, r: Node) -> Node {
    let span = Span::new(l.span.start, r.span.end);
    let (l, r) = (Box::new(l), Box::new(r));
    let expr = match op.as_rule() {
        Rule::disjunction => Expr::Or(l, r),
        Rule::conjunction => Expr::And(l, r),
        Rule::comparison => Expr::Cmp(cmp_op(op.as_str()), l, r),
        _ => Expr::Arith(arith_op(op.as_str()), l, r),
    };
    node(expr, span)
}

/// Reads pairs into syntax trees.
pub(super) struct Builder<'s> {
    /// The text as written (names are read from here; the parsed text differs only by
    /// the separators of known multi-word names).
    pub(super) source: &'s str,
    pub(super) dialect: Dialect,
}

/// The next pair, or a syntax error at `at` (the grammar makes this unreachable).
pub(super) fn next<'i>(
    pairs: &mut impl std::iter::Iterator<Item = Pair<'i>>,
    at: usize,
) -> Result<Pair<'i>> {
    pairs
        .next()
        .ok_or_else(|| syntax_error("incomplete syntax tree", Span::new(at, at)))
}

impl Builder<'_> {
    /// The name's text as written in the source: backticks removed, whitespace runs
    /// collapsed to one space.
    pub(super) fn name_text(&self, p: &Pair<'_>) -> Arc<str> {
        let s = span_of(p);
        let raw = self.source.get(s.start..s.end).unwrap_or("");
        if let Some(inner) = raw.strip_prefix('`') {
            return Arc::from(inner.strip_suffix('`').unwrap_or(inner));
        }
        if raw.chars().any(char::is_whitespace) {
            Arc::from(self.collapsed(s.start, s.end).as_str())
        } else {
            Arc::from(raw)
        }
    }

    /// The source text of a span, whitespace runs collapsed.
    pub(super) fn collapsed(&self, start: usize, end: usize) -> String {
        let raw = self.source.get(start..end).unwrap_or("");
        if raw.chars().any(char::is_whitespace) {
            raw.split_whitespace().collect::<Vec<_>>().join(" ")
        } else {
            raw.to_string()
        }
    }

    // ------------------------------------------------------------ expressions

    /// An `expression` or `arithmetic_expression` pair.
    pub(super) fn expression(&self, p: Pair<'_>) -> Result<Node> {
        let mut inner = p.into_inner();
        let first = next(&mut inner, 0)?;
        if inner.peek().is_none() {
            // a lone operand
            return self.primary(first);
        }
        if first.as_rule() != Rule::negation && simple(&inner) {
            // operands with paths, filters and calls, at most one binary operator between
            // them: no precedence to decide
            let mut operand = self.primary(first)?;
            let mut left = None;
            while let Some(q) = inner.next() {
                if infix(q.as_rule()) {
                    let right = self.primary(next(&mut inner, 0)?)?;
                    left = Some((std::mem::replace(&mut operand, right), q));
                } else {
                    operand = self.postfix(operand, q)?;
                }
            }
            return Ok(match left {
                Some((l, op)) => binary(l, op, operand),
                None => operand,
            });
        }
        PRATT
            .map_primary(|p| self.primary(p))
            .map_prefix(|op, rhs| {
                let rhs = rhs?;
                let span = Span::new(op.as_span().start(), rhs.span.end);
                Ok(node(Expr::Neg(Box::new(rhs)), span))
            })
            .map_infix(|lhs, op, rhs| Ok(binary(lhs?, op, rhs?)))
            .map_postfix(|lhs, op| self.postfix(lhs?, op))
            .parse(std::iter::once(first).chain(inner))
    }

    fn postfix(&self, lhs: Node, op: Pair<'_>) -> Result<Node> {
        let span = Span::new(lhs.span.start, span_of(&op).end);
        let at = op.as_span().start();
        let rule = op.as_rule();
        let mut inner = op.into_inner();
        let lhs = Box::new(lhs);
        let expr = match rule {
            Rule::path => Expr::Path(lhs, self.name_text(&next(&mut inner, at)?)),
            Rule::filter => Expr::Filter(lhs, Box::new(self.expression(next(&mut inner, at)?)?)),
            Rule::invocation => Expr::Call(lhs, self.arguments(inner)?),
            Rule::between => {
                // the bounds around `kw_between_and`
                let low = self.expression(next(&mut inner, at)?)?;
                next(&mut inner, at)?;
                let high = self.expression(next(&mut inner, at)?)?;
                Expr::Between(lhs, Box::new(low), Box::new(high))
            }
            Rule::in_test => {
                let tests = next(&mut inner, at)?;
                let tests = if tests.as_rule() == Rule::in_list {
                    self.in_list(tests)?
                } else {
                    vec![UnaryTest::expr(self.positive_unary_test(tests)?)]
                };
                Expr::In(lhs, tests)
            }
            _ => {
                // instance_of: `of`, the type
                next(&mut inner, at)?;
                Expr::InstanceOf(lhs, self.feel_type(next(&mut inner, at)?)?)
            }
        };
        Ok(node(expr, span))
    }

    /// The arguments of an invocation (the pairs inside its parentheses).
    fn arguments(&self, inner: Pairs<'_>) -> Result<CallArgs> {
        let mut named = Vec::new();
        let mut positional = Vec::new();
        let mut name = None;
        for p in inner {
            match p.as_rule() {
                Rule::parameter_name => name = Some(self.name_text(&p)),
                Rule::expression => match name.take() {
                    Some(n) => named.push((n, self.expression(p)?)),
                    None => positional.push(self.expression(p)?),
                },
                _ => {}
            }
        }
        Ok(if named.is_empty() {
            CallArgs::Positional(positional)
        } else {
            CallArgs::Named(named)
        })
    }

    fn primary(&self, p: Pair<'_>) -> Result<Node> {
        let span = span_of(&p);
        let expr = match p.as_rule() {
            Rule::numeric_literal => match parse_decimal(p.as_str()) {
                Some(n) => Expr::Literal(Value::Number(n)),
                // Camunda keeps 34 digits; beyond what a decimal here holds, the Camunda
                // dialect evaluates the literal to null with a warning, not a compile error
                None if self.dialect.is_camunda() => Expr::Call(
                    Box::new(node(Expr::Name(Arc::from("number")), span)),
                    CallArgs::Positional(vec![node(
                        Expr::Literal(Value::from(p.as_str().to_string())),
                        span,
                    )]),
                ),
                None => return Err(syntax_error("number too large", span)),
            },
            Rule::string_literal => Expr::Literal(Value::from(self.string(span)?)),
            Rule::date_time_literal => self.temporal(span)?,
            Rule::boolean_literal => Expr::Literal(Value::Bool(p.as_str() == "true")),
            Rule::null_literal => Expr::Literal(Value::Null),
            Rule::variable | Rule::function_alias | Rule::backtick_name => {
                Expr::Name(self.name_text(&p))
            }
            Rule::parenthesised => return self.parenthesised(p),
            Rule::list_or_range => return self.list_or_range(p),
            Rule::open_range => {
                let mut inner = p.into_inner();
                let low = self.expression(next(&mut inner, span.start)?)?;
                next(&mut inner, span.start)?;
                return self.range(span, false, low, inner);
            }
            Rule::context => return self.context(p),
            Rule::if_expression => {
                let mut e = p.into_inner().filter(|p| p.as_rule() == Rule::expression);
                let mut part = || match e.next() {
                    Some(p) => self.expression(p).map(Box::new),
                    None => Err(syntax_error("incomplete 'if'", span)),
                };
                Expr::If(part()?, part()?, part()?)
            }
            Rule::for_expression => {
                let (iterators, body) = self.iterations(p.into_inner(), true)?;
                let uses_partial = body.mentions("partial");
                Expr::For(iterators, Box::new(body), uses_partial)
            }
            Rule::quantified_expression => {
                let inner = p.into_inner();
                let every = inner.peek().map(|q| q.as_rule()) == Some(Rule::kw_every);
                let ranges = self.dialect.is_camunda();
                let (iterators, condition) = self.iterations(inner, ranges)?;
                Expr::Quantified {
                    every,
                    iterators,
                    condition: Box::new(condition),
                }
            }
            Rule::function_definition => self.function_definition(p)?,
            _ => return Err(unexpected(self.source, span.start, "an expression")),
        };
        Ok(node(expr, span))
    }

    /// The iteration contexts and the body of `for`/`some`/`every`; `ranges`: whether
    /// `name in a..b` is allowed.
    fn iterations(&self, inner: Pairs<'_>, ranges: bool) -> Result<(Vec<Iterator>, Node)> {
        let mut iterators: Vec<Iterator> = Vec::new();
        // the expression after a variable name is its source; any other is the body
        let mut source_next = false;
        for p in inner {
            let at = p.as_span().start();
            match p.as_rule() {
                Rule::variable_name => {
                    iterators.push(Iterator {
                        name: self.name_text(&p),
                        source: node(Expr::Literal(Value::Null), span_of(&p)),
                        range_end: None,
                    });
                    source_next = true;
                }
                Rule::expression if source_next => {
                    source_next = false;
                    if let Some(it) = iterators.last_mut() {
                        it.source = self.expression(p)?;
                    }
                }
                Rule::expression => return Ok((iterators, self.expression(p)?)),
                Rule::iteration_range if !ranges => {
                    return Err(unexpected(
                        self.source,
                        at,
                        "'satisfies' after the iteration contexts",
                    ));
                }
                Rule::iteration_range => {
                    let end = self.expression(next(&mut p.into_inner(), at)?)?;
                    if let Some(it) = iterators.last_mut() {
                        it.range_end = Some(end);
                    }
                }
                _ => {}
            }
        }
        Err(syntax_error("missing body", Span::default()))
    }

    fn function_definition(&self, p: Pair<'_>) -> Result<Expr> {
        let start = p.as_span().start();
        let mut params: Vec<(Arc<str>, Option<super::ast::Type>)> = Vec::new();
        for q in p.into_inner() {
            match q.as_rule() {
                Rule::formal_parameter_name => params.push((self.name_text(&q), None)),
                Rule::external => {
                    let end = q.as_span().start() + "external".len();
                    return Err(syntax_error(
                        "external functions are not supported",
                        Span::new(start, end),
                    ));
                }
                Rule::expression => {
                    let body = self.expression(q)?;
                    return Ok(Expr::Function(Arc::new(FunctionDef { params, body })));
                }
                Rule::parameters_open | Rule::parameters_close => {}
                _ => {
                    let ty = self.feel_type(q)?;
                    if let Some(last) = params.last_mut() {
                        last.1 = Some(ty);
                    }
                }
            }
        }
        Err(syntax_error(
            "missing function body",
            Span::new(start, start),
        ))
    }

    /// `( e )`, `(a..b)` and friends, `(< 10)`.
    fn parenthesised(&self, p: Pair<'_>) -> Result<Node> {
        let span = span_of(&p);
        let mut inner = p.into_inner();
        let first = next(&mut inner, span.start)?;
        if first.as_rule() == Rule::unary_comparison {
            let n = self.unary_comparison(first)?;
            return Ok(node(n.expr, span));
        }
        let first = self.expression(first)?;
        // `)` closes a parenthesis; an expression after the first is the end of a range
        if inner.peek().map(|q| q.as_rule()) == Some(Rule::expression) {
            return self.range(span, false, first, inner);
        }
        Ok(Node { span, ..first })
    }

    /// `[a, b]`, `[]`, `[a..b]` and friends.
    fn list_or_range(&self, p: Pair<'_>) -> Result<Node> {
        let span = span_of(&p);
        let inner = p.into_inner();
        if inner.clone().any(|q| q.as_rule() == Rule::range_close) {
            let mut inner = inner;
            let low = self.expression(next(&mut inner, span.start)?)?;
            return self.range(span, true, low, inner);
        }
        let items = inner
            .filter(|q| q.as_rule() == Rule::expression)
            .map(|q| self.expression(q))
            .collect::<Result<Vec<_>>>()?;
        Ok(node(Expr::List(items), span))
    }

    /// After the start point of a range (and its `..`): the end point and the closing
    /// bracket.
    fn range(
        &self,
        span: Span,
        start_included: bool,
        low: Node,
        mut rest: Pairs<'_>,
    ) -> Result<Node> {
        let end = self.expression(next(&mut rest, span.start)?)?;
        let close = next(&mut rest, span.start)?;
        let expr = Expr::Range {
            start: Box::new(low),
            start_included,
            end: Box::new(end),
            end_included: close.as_str() == "]",
        };
        Ok(node(expr, span))
    }

    fn context(&self, p: Pair<'_>) -> Result<Node> {
        let span = span_of(&p);
        let mut entries: Vec<(Arc<str>, Node)> = Vec::new();
        let mut key = None;
        for q in p.into_inner() {
            match q.as_rule() {
                Rule::key => {
                    let k = span_of(&q);
                    let name = if q.as_str().starts_with('"') {
                        Arc::from(self.string(k)?)
                    } else {
                        self.name_text(&q)
                    };
                    // Camunda's engine takes a repeated key, the later entry replacing it
                    if !self.dialect.is_camunda() && entries.iter().any(|(e, _)| *e == name) {
                        return Err(syntax_error(format!("duplicate context key '{name}'"), k));
                    }
                    key = Some(name);
                }
                Rule::expression => {
                    if let Some(k) = key.take() {
                        entries.push((k, self.expression(q)?));
                    }
                }
                _ => {}
            }
        }
        Ok(node(Expr::Context(entries), span))
    }

    /// The decoded text of the string literal at `span` (quotes included).
    fn string(&self, span: Span) -> Result<String> {
        let raw = self
            .source
            .get(span.start + 1..span.end.saturating_sub(1))
            .unwrap_or("");
        decode_string(raw, span, !self.dialect.is_camunda())
    }

    fn temporal(&self, span: Span) -> Result<Expr> {
        let text = self.string(Span::new(span.start + 1, span.end))?;
        Ok(match temporal::parse_literal(&text) {
            Some(v) => Expr::Literal(v),
            None if self.dialect.is_camunda() => match temporal::parse_camunda_time(&text) {
                Some(t) => Expr::Literal(Value::Time(t)),
                None => invalid_temporal(text, span),
            },
            None => {
                return Err(syntax_error(
                    format!("invalid temporal literal @\"{text}\""),
                    span,
                ))
            }
        })
    }

    // ------------------------------------------------------------ unary tests

    /// `< e` (a `unary_comparison` pair).
    fn unary_comparison(&self, p: Pair<'_>) -> Result<Node> {
        let span = span_of(&p);
        let mut inner = p.into_inner();
        let op = cmp_op(next(&mut inner, span.start)?.as_str());
        let e = self.expression(next(&mut inner, span.start)?)?;
        Ok(node(Expr::UnaryCmp(op, Box::new(e)), span))
    }

    /// A unary comparison or an expression.
    fn positive_unary_test(&self, p: Pair<'_>) -> Result<Node> {
        if p.as_rule() == Rule::unary_comparison {
            self.unary_comparison(p)
        } else {
            self.expression(p)
        }
    }

    /// The tests in parentheses after `in`: a list of tests or an open range.
    fn in_list(&self, p: Pair<'_>) -> Result<Vec<UnaryTest>> {
        let span = span_of(&p);
        let inner = p.into_inner();
        if inner.clone().any(|q| q.as_rule() == Rule::range_close) {
            // `x in (a..b]`: an open range
            let mut inner = inner;
            let low = self.positive_unary_test(next(&mut inner, span.start)?)?;
            return Ok(vec![UnaryTest::expr(self.range(span, false, low, inner)?)]);
        }
        self.tests(inner)
    }

    /// The positive unary tests among `pairs`.
    fn tests(&self, pairs: Pairs<'_>) -> Result<Vec<UnaryTest>> {
        pairs
            .filter(|q| matches!(q.as_rule(), Rule::unary_comparison | Rule::expression))
            .map(|q| self.positive_unary_test(q).map(UnaryTest::expr))
            .collect()
    }

    /// `-`, `not(tests)` or a list of tests (the pairs of the whole text).
    fn unary_tests(&self, mut pairs: Pairs<'_>) -> Result<Vec<UnaryTest>> {
        match pairs.peek().map(|p| p.as_rule()) {
            Some(Rule::any_input) => Ok(vec![UnaryTest::Any]),
            Some(Rule::negated_tests) => {
                let inner = next(&mut pairs, 0)?.into_inner();
                Ok(vec![UnaryTest::Not(self.tests(inner)?)])
            }
            _ => self.tests(pairs),
        }
    }
}

/// An invalid temporal literal in the Camunda dialect, where it is `null` (feel-scala parses
/// it as the null constant): the conversion function its text looks meant for, applied to
/// the text, so the evaluation gives `null` with a warning saying what failed to parse.
fn invalid_temporal(text: String, span: Span) -> Expr {
    let function = if text.starts_with('P') || text.starts_with("-P") {
        "duration"
    } else if text.contains('T') {
        "date and time"
    } else if text.contains(':') {
        "time"
    } else {
        "date"
    };
    Expr::Call(
        Box::new(node(Expr::Name(Arc::from(function)), span)),
        CallArgs::Positional(vec![node(Expr::Literal(Value::from(text)), span)]),
    )
}

/// Check the nesting, mark known multi-word names, parse from `rule` and hand the pairs to
/// `build`; every error carries the source text (for the caret report).
fn parse_with<T>(
    text: &str,
    engine: &EngineInner,
    names: &[&str],
    rule: Rule,
    build: impl FnOnce(&Builder<'_>, Pairs<'_>) -> Result<T>,
) -> Result<T> {
    let run = || {
        check_nesting(text, engine.limits.max_depth)?;
        let marked = names::mark(text, &engine.names, names);
        let pairs = parse(rule, marked.as_deref().unwrap_or(text))?;
        let builder = Builder {
            source: text,
            dialect: engine.dialect,
        };
        build(&builder, pairs)
    };
    run().map_err(|e| e.with_source(text))
}

/// Parse a FEEL expression.
pub(crate) fn parse_expression(text: &str, engine: &EngineInner, names: &[&str]) -> Result<Node> {
    parse_with(
        text,
        engine,
        names,
        Rule::expression_root,
        |b, mut pairs| {
            let n = b.expression(next(&mut pairs, 0)?)?;
            check_depth(&n, engine.limits.max_depth)?;
            Ok(n)
        },
    )
}

/// Parse unary tests.
pub(crate) fn parse_unary_tests(
    text: &str,
    engine: &EngineInner,
    names: &[&str],
) -> Result<Vec<UnaryTest>> {
    parse_with(text, engine, names, Rule::unary_tests_root, |b, pairs| {
        b.unary_tests(pairs)
    })
}
