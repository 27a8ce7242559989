//! pest pairs → typed AST, with a Pratt parser for operator precedence.

use std::sync::{Arc, LazyLock};

use pest::iterators::{Pair, Pairs};
use pest::pratt_parser::{Assoc, Op, PrattParser};
use pest::Parser;
use pest_derive::Parser;

use crate::error::{Error, ErrorKind, Span};
use crate::value::number::parse_decimal;
use crate::value::{temporal, Value};
use crate::EngineInner;

use super::ast::{ArithOp, CallArgs, CmpOp, Expr, FunctionDef, Iterator, Node, Type, UnaryTest};
use super::names;

#[derive(Parser)]
#[grammar = "syntax/grammar.pest"]
struct FeelParser;

static PRATT: LazyLock<PrattParser<Rule>> = LazyLock::new(|| {
    PrattParser::new()
        .op(Op::infix(Rule::or_op, Assoc::Left))
        .op(Op::infix(Rule::and_op, Assoc::Left))
        .op(Op::infix(Rule::cmp_op, Assoc::Left)
            | Op::postfix(Rule::between_op)
            | Op::postfix(Rule::in_op)
            | Op::postfix(Rule::instance_op))
        .op(Op::infix(Rule::add, Assoc::Left) | Op::infix(Rule::sub, Assoc::Left))
        .op(Op::infix(Rule::mul, Assoc::Left) | Op::infix(Rule::div, Assoc::Left))
        .op(Op::infix(Rule::pow, Assoc::Left))
        .op(Op::prefix(Rule::neg))
        .op(Op::postfix(Rule::filter) | Op::postfix(Rule::path) | Op::postfix(Rule::call))
});

/// Names of properties made of several words, always recognised after a `.`.
pub(crate) const MULTI_WORD_PROPERTIES: &[&str] =
    &["time offset", "start included", "end included"];

/// Words that cannot be names (unless written in backticks).
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

type Result<T> = std::result::Result<T, Error>;

/// Parsing state: the original text (names are read back from it).
struct Ctx<'s> {
    source: &'s str,
}

fn syntax_error(msg: impl Into<String>, span: Span) -> Error {
    Error::new(ErrorKind::Syntax, msg).with_span(span)
}

fn span_of(pair: &Pair<'_, Rule>) -> Span {
    let s = pair.as_span();
    Span::new(s.start(), s.end())
}

fn node(expr: Expr, span: Span) -> Node {
    Node { expr, span }
}

/// Reject input nested deeper than the limit before pest recurses into it: bracket depth,
/// runs of prefix minus, nesting keywords and the total number of operators are bounded, so
/// neither the parser nor the syntax tree can exhaust the stack.
fn check_nesting(text: &str, max_depth: usize) -> Result<()> {
    let limit = |what: &str, at: usize| {
        Err(syntax_error(
            format!("expression too deeply nested: more than {max_depth} {what}"),
            Span::new(at, at + 1),
        )
        .with_kind(ErrorKind::LimitExceeded))
    };
    let b = text.as_bytes();
    let (mut depth, mut minus_run, mut keywords, mut operators) = (0usize, 0usize, 0usize, 0usize);
    let max_operators = max_depth.saturating_mul(40);
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c != b'-' && !c.is_ascii_whitespace() {
            minus_run = 0;
        }
        match c {
            b'"' | b'`' => {
                i += 1;
                while i < b.len() && b[i] != c {
                    if b[i] == b'\\' && c == b'"' {
                        i += 1;
                    }
                    i += 1;
                }
            }
            b'/' if b.get(i + 1) == Some(&b'/') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                i += 2;
                while i + 1 < b.len() && !(b[i] == b'*' && b[i + 1] == b'/') {
                    i += 1;
                }
                i += 1;
            }
            b'(' | b'[' | b'{' => {
                depth += 1;
                if depth > max_depth {
                    return limit("levels of brackets", i);
                }
            }
            b')' | b']' | b'}' => depth = depth.saturating_sub(1),
            b'-' => {
                minus_run += 1;
                operators += 1;
                if minus_run > max_depth {
                    return limit("prefix operators in a row", i);
                }
            }
            b'+' | b'*' | b'/' | b'<' | b'>' | b'=' => operators += 1,
            c if c.is_ascii_alphabetic() => {
                let start = i;
                while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
                    i += 1;
                }
                let prev_ok =
                    start == 0 || !(b[start - 1].is_ascii_alphanumeric() || b[start - 1] == b'_');
                match &text[start..i] {
                    "if" | "for" | "some" | "every" | "function" if prev_ok => keywords += 1,
                    "and" | "or" | "between" | "in" if prev_ok => operators += 1,
                    _ => {}
                }
                if keywords > max_depth {
                    return limit("if/for/some/every/function expressions", start);
                }
                continue;
            }
            _ => {}
        }
        if operators > max_operators {
            return limit("operators per expression (40 per level)", i);
        }
        i += 1;
    }
    Ok(())
}

fn run_parser<'t>(rule: Rule, text: &'t str) -> Result<Pairs<'t, Rule>> {
    FeelParser::parse(rule, text).map_err(|e| {
        let (start, end) = match e.location {
            pest::error::InputLocation::Pos(p) => (p, p + 1),
            pest::error::InputLocation::Span((s, e)) => (s, e),
        };
        let found = text
            .get(start..)
            .and_then(|rest| rest.chars().next())
            .map_or("end of input".to_string(), |c| format!("'{c}'"));
        syntax_error(
            format!("unexpected {found}"),
            Span::new(start, end.max(start + 1)),
        )
    })
}

fn prepare<'t>(text: &'t str, engine: &EngineInner, names: &[&str]) -> std::borrow::Cow<'t, str> {
    match names::mark(text, &engine.names, names) {
        Some(marked) => std::borrow::Cow::Owned(marked),
        None => std::borrow::Cow::Borrowed(text),
    }
}

/// Check the nesting, mark known multi-word names, run `rule` and hand its first inner pair
/// to `build`; every error carries the source text (for the caret report).
fn parse_with<T>(
    rule: Rule,
    text: &str,
    engine: &EngineInner,
    names: &[&str],
    build: impl FnOnce(&Ctx<'_>, Pair<'_, Rule>) -> Result<T>,
) -> Result<T> {
    let run = || {
        check_nesting(text, engine.limits.max_depth)?;
        let marked = prepare(text, engine, names);
        let mut pairs = run_parser(rule, &marked)?;
        let root = pairs
            .next()
            .and_then(|p| p.into_inner().next())
            .ok_or_else(|| syntax_error("empty input", Span::new(0, 0)))?;
        build(&Ctx { source: text }, root)
    };
    run().map_err(|e| e.with_source(text))
}

/// Parse a FEEL expression.
pub(crate) fn parse_expression(text: &str, engine: &EngineInner, names: &[&str]) -> Result<Node> {
    parse_with(Rule::expression_root, text, engine, names, |ctx, root| {
        let n = ctx.expression(root)?;
        check_depth(&n, engine.limits.max_depth)?;
        Ok(n)
    })
}

/// Parse unary tests.
pub(crate) fn parse_unary_tests(
    text: &str,
    engine: &EngineInner,
    names: &[&str],
) -> Result<Vec<UnaryTest>> {
    parse_with(Rule::unary_tests_root, text, engine, names, |ctx, root| {
        let tests = root
            .into_inner()
            .next()
            .ok_or_else(|| syntax_error("empty unary tests", Span::new(0, 0)))?;
        Ok(match tests.as_rule() {
            Rule::any_test => vec![UnaryTest::Any],
            Rule::negated_tests => {
                let inner = tests
                    .into_inner()
                    .next()
                    .ok_or_else(|| internal(Span::default()))?;
                vec![UnaryTest::Not(ctx.positive_unary_tests(inner)?)]
            }
            _ => ctx.positive_unary_tests(tests)?,
        })
    })
}

/// Parse a type.
pub(crate) fn parse_type(text: &str) -> Result<Type> {
    let mut pairs = run_parser(Rule::type_root, text).map_err(|e| e.with_source(text))?;
    let t = pairs
        .next()
        .and_then(|p| p.into_inner().next())
        .ok_or_else(|| syntax_error("empty type", Span::new(0, 0)))?;
    Ctx { source: text }
        .type_(t)
        .map_err(|e| e.with_source(text))
}

fn internal(span: Span) -> Error {
    syntax_error("unexpected syntax tree shape", span)
}

/// Depth check with an early cut-off (the recursion never goes deeper than the limit).
fn check_depth(n: &Node, max: usize) -> Result<()> {
    fn walk(n: &Node, d: usize, max: usize) -> Option<Span> {
        if d > max {
            return Some(n.span);
        }
        let mut kids: Vec<&Node> = Vec::new();
        match &n.expr {
            Expr::Literal(_) | Expr::Name(_) => {}
            Expr::Neg(a) | Expr::Path(a, _) | Expr::UnaryCmp(_, a) | Expr::InstanceOf(a, _) => {
                kids.push(a)
            }
            Expr::Arith(_, a, b)
            | Expr::Cmp(_, a, b)
            | Expr::And(a, b)
            | Expr::Or(a, b)
            | Expr::Filter(a, b) => {
                kids.push(a);
                kids.push(b);
            }
            Expr::Between(a, b, c) | Expr::If(a, b, c) => {
                kids.push(a);
                kids.push(b);
                kids.push(c);
            }
            Expr::In(a, tests) => {
                kids.push(a);
                for t in tests {
                    if let UnaryTest::Expr(e, _) = t {
                        kids.push(e);
                    }
                }
            }
            Expr::For(its, body, _) => {
                for it in its {
                    kids.push(&it.source);
                }
                kids.push(body);
            }
            Expr::Quantified {
                iterators,
                condition,
                ..
            } => {
                for it in iterators {
                    kids.push(&it.source);
                }
                kids.push(condition);
            }
            Expr::List(items) => kids.extend(items.iter()),
            Expr::Context(entries) => kids.extend(entries.iter().map(|(_, v)| v)),
            Expr::Range { start, end, .. } => {
                kids.push(start);
                kids.push(end);
            }
            Expr::Call(f, args) => {
                kids.push(f);
                match args {
                    CallArgs::Positional(a) => kids.extend(a.iter()),
                    CallArgs::Named(a) => kids.extend(a.iter().map(|(_, v)| v)),
                }
            }
            Expr::Function(def) => kids.push(&def.body),
        }
        kids.into_iter().find_map(|k| walk(k, d + 1, max))
    }
    match walk(n, 0, max) {
        Some(span) => Err(syntax_error(
            format!("expression nested deeper than the limit of {max}"),
            span,
        )
        .with_kind(ErrorKind::LimitExceeded)),
        None => Ok(()),
    }
}

/// Decode the body of a string literal (without quotes).
fn decode_string(raw: &str, span: Span) -> Result<String> {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some('t') => out.push('\t'),
            Some('b') => out.push('\u{8}'),
            Some('f') => out.push('\u{c}'),
            Some('"') => out.push('"'),
            Some('\'') => out.push('\''),
            Some('\\') => out.push('\\'),
            Some('u') => {
                let code = take_hex(&mut chars, 4).ok_or_else(|| {
                    syntax_error("invalid \\u escape: expected 4 hex digits", span)
                })?;
                if (0xD800..0xDC00).contains(&code) {
                    // a high surrogate must be followed by \uDC00-\uDFFF
                    let mut look = chars.clone();
                    let low = if look.next() == Some('\\') && look.next() == Some('u') {
                        take_hex(&mut look, 4).filter(|l| (0xDC00..0xE000).contains(l))
                    } else {
                        None
                    };
                    match low {
                        Some(low) => {
                            chars = look;
                            let c = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
                            out.push(char::from_u32(c).unwrap_or('\u{FFFD}'));
                        }
                        None => out.push('\u{FFFD}'),
                    }
                } else {
                    out.push(char::from_u32(code).unwrap_or('\u{FFFD}'));
                }
            }
            Some('U') => {
                let code = take_hex(&mut chars, 6).ok_or_else(|| {
                    syntax_error("invalid \\U escape: expected 6 hex digits", span)
                })?;
                out.push(char::from_u32(code).unwrap_or('\u{FFFD}'));
            }
            Some(other) => {
                out.push('\\');
                out.push(other);
            }
            None => out.push('\\'),
        }
    }
    Ok(out)
}

fn take_hex(chars: &mut (impl std::iter::Iterator<Item = char> + Clone), n: usize) -> Option<u32> {
    let mut v = 0u32;
    for _ in 0..n {
        let d = chars.next()?.to_digit(16)?;
        v = v * 16 + d;
    }
    Some(v)
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

impl Ctx<'_> {
    /// The name's text as written in the original source, whitespace runs collapsed.
    fn name_text(&self, pair: &Pair<'_, Rule>) -> Arc<str> {
        let span = pair.as_span();
        let raw = self.source.get(span.start()..span.end()).unwrap_or("");
        if let Some(inner) = raw.strip_prefix('`').and_then(|r| r.strip_suffix('`')) {
            return Arc::from(inner);
        }
        if raw.chars().any(char::is_whitespace) {
            Arc::from(raw.split_whitespace().collect::<Vec<_>>().join(" "))
        } else {
            Arc::from(raw)
        }
    }

    fn expression(&self, pair: Pair<'_, Rule>) -> Result<Node> {
        match pair.as_rule() {
            Rule::expression | Rule::arith_expr => self.pratt(pair.into_inner()),
            _ => self.primary(pair),
        }
    }

    fn pratt(&self, pairs: Pairs<'_, Rule>) -> Result<Node> {
        PRATT
            .map_primary(|p| self.primary(p))
            .map_prefix(|op, rhs| {
                let rhs = rhs?;
                let span = Span::new(op.as_span().start(), rhs.span.end);
                Ok(node(Expr::Neg(Box::new(rhs)), span))
            })
            .map_postfix(|lhs, op| self.postfix(lhs?, op))
            .map_infix(|lhs, op, rhs| {
                let (lhs, rhs) = (lhs?, rhs?);
                let span = Span::new(lhs.span.start, rhs.span.end);
                let (l, r) = (Box::new(lhs), Box::new(rhs));
                let expr = match op.as_rule() {
                    Rule::or_op => Expr::Or(l, r),
                    Rule::and_op => Expr::And(l, r),
                    Rule::cmp_op => Expr::Cmp(cmp_op(op.as_str()), l, r),
                    Rule::add => Expr::Arith(ArithOp::Add, l, r),
                    Rule::sub => Expr::Arith(ArithOp::Sub, l, r),
                    Rule::mul => Expr::Arith(ArithOp::Mul, l, r),
                    Rule::div => Expr::Arith(ArithOp::Div, l, r),
                    _ => Expr::Arith(ArithOp::Pow, l, r),
                };
                Ok(node(expr, span))
            })
            .parse(pairs)
    }

    fn postfix(&self, lhs: Node, op: Pair<'_, Rule>) -> Result<Node> {
        let op_span = span_of(&op);
        let span = Span::new(lhs.span.start, op_span.end);
        let l = Box::new(lhs);
        let expr = match op.as_rule() {
            Rule::between_op => {
                let mut it = op.into_inner().filter(|p| p.as_rule() == Rule::arith_expr);
                let low = it.next().ok_or_else(|| internal(op_span))?;
                let high = it.next().ok_or_else(|| internal(op_span))?;
                Expr::Between(
                    l,
                    Box::new(self.expression(low)?),
                    Box::new(self.expression(high)?),
                )
            }
            Rule::in_op => {
                let target = op
                    .into_inner()
                    .find(|p| p.as_rule() != Rule::kw_in)
                    .ok_or_else(|| internal(op_span))?;
                let tests = if target.as_rule() == Rule::in_list {
                    let t_span = span_of(&target);
                    let parts: Vec<Pair<'_, Rule>> = target.into_inner().collect();
                    match parts.as_slice() {
                        // `x in (a..b]`: an open range
                        [start, end, close] if close.as_rule() == Rule::range_close => {
                            let start = match self.positive_unary_test(start.clone())? {
                                UnaryTest::Expr(n, _) => n,
                                _ => return Err(internal(t_span)),
                            };
                            let range = Expr::Range {
                                start: Box::new(start),
                                start_included: false,
                                end: Box::new(self.expression(end.clone())?),
                                end_included: close.as_str() == "]",
                            };
                            vec![UnaryTest::expr(node(range, t_span))]
                        }
                        _ => parts
                            .into_iter()
                            .map(|t| self.positive_unary_test(t))
                            .collect::<Result<_>>()?,
                    }
                } else {
                    vec![self.positive_unary_test(target)?]
                };
                Expr::In(l, tests)
            }
            Rule::instance_op => {
                let t = op
                    .into_inner()
                    .find(|p| p.as_rule() == Rule::type_)
                    .ok_or_else(|| internal(op_span))?;
                Expr::InstanceOf(l, self.type_(t)?)
            }
            Rule::filter => {
                let e = op.into_inner().next().ok_or_else(|| internal(op_span))?;
                Expr::Filter(l, Box::new(self.expression(e)?))
            }
            Rule::path => {
                let n = op.into_inner().next().ok_or_else(|| internal(op_span))?;
                Expr::Path(l, self.name_text(&n))
            }
            Rule::call => match op.into_inner().next() {
                None => Expr::Call(l, CallArgs::Positional(Vec::new())),
                Some(args) if args.as_rule() == Rule::named_args => {
                    let mut named = Vec::new();
                    for a in args.into_inner() {
                        let a_span = span_of(&a);
                        let mut parts = a.into_inner();
                        let n = parts.next().ok_or_else(|| internal(a_span))?;
                        let v = parts.next().ok_or_else(|| internal(a_span))?;
                        named.push((self.name_text(&n), self.expression(v)?));
                    }
                    Expr::Call(l, CallArgs::Named(named))
                }
                Some(args) => Expr::Call(
                    l,
                    CallArgs::Positional(
                        args.into_inner()
                            .map(|a| self.expression(a))
                            .collect::<Result<_>>()?,
                    ),
                ),
            },
            _ => return Err(internal(op_span)),
        };
        Ok(node(expr, span))
    }

    fn primary(&self, pair: Pair<'_, Rule>) -> Result<Node> {
        let span = span_of(&pair);
        let expr = match pair.as_rule() {
            Rule::number => {
                let n = parse_decimal(pair.as_str())
                    .ok_or_else(|| syntax_error("number too large", span))?;
                Expr::Literal(Value::Number(n))
            }
            Rule::string => Expr::Literal(Value::from(self.string(&pair)?)),
            Rule::boolean => Expr::Literal(Value::Bool(pair.as_str() == "true")),
            Rule::null => Expr::Literal(Value::Null),
            Rule::temporal => {
                let s = pair.into_inner().next().ok_or_else(|| internal(span))?;
                let text = self.string(&s)?;
                let v = temporal::parse_literal(&text).ok_or_else(|| {
                    syntax_error(format!("invalid temporal literal @\"{text}\""), span)
                })?;
                Expr::Literal(v)
            }
            Rule::name => {
                let name = self.name_text(&pair);
                // `and(…)`/`or(…)` are Camunda's aliases of `all`/`any`: callable by name
                let called = matches!(name.as_ref(), "and" | "or")
                    && self
                        .source
                        .get(span.end..)
                        .is_some_and(|r| r.trim_start().starts_with('('));
                if !pair.as_str().starts_with('`') && RESERVED.contains(&name.as_ref()) && !called {
                    return Err(syntax_error(
                        format!("unexpected reserved word '{name}'"),
                        span,
                    ));
                }
                Expr::Name(name)
            }
            Rule::paren_or_range | Rule::list_or_range | Rule::open_range => {
                return self.bracketed(pair);
            }
            Rule::context => {
                let mut entries: Vec<(Arc<str>, Node)> = Vec::new();
                for e in pair.into_inner() {
                    let e_span = span_of(&e);
                    let mut parts = e.into_inner();
                    let k = parts.next().ok_or_else(|| internal(e_span))?;
                    let key: Arc<str> = if k.as_rule() == Rule::string {
                        Arc::from(self.string(&k)?)
                    } else {
                        self.name_text(&k)
                    };
                    if entries.iter().any(|(existing, _)| *existing == key) {
                        return Err(syntax_error(
                            format!("duplicate context key '{key}'"),
                            e_span,
                        ));
                    }
                    let v = parts.next().ok_or_else(|| internal(e_span))?;
                    entries.push((key, self.expression(v)?));
                }
                Expr::Context(entries)
            }
            Rule::if_expr => {
                let mut parts = pair
                    .into_inner()
                    .filter(|p| p.as_rule() == Rule::expression);
                let c = parts.next().ok_or_else(|| internal(span))?;
                let t = parts.next().ok_or_else(|| internal(span))?;
                let e = parts.next().ok_or_else(|| internal(span))?;
                Expr::If(
                    Box::new(self.expression(c)?),
                    Box::new(self.expression(t)?),
                    Box::new(self.expression(e)?),
                )
            }
            Rule::for_expr => {
                let mut iters = Vec::new();
                let mut body = None;
                for p in pair.into_inner() {
                    match p.as_rule() {
                        Rule::for_iter | Rule::q_iter => iters.push(self.iterator(p)?),
                        Rule::expression => body = Some(self.expression(p)?),
                        _ => {}
                    }
                }
                {
                    let body = body.ok_or_else(|| internal(span))?;
                    let uses_partial = body.mentions("partial");
                    Expr::For(iters, Box::new(body), uses_partial)
                }
            }
            Rule::quantified => {
                let mut iters = Vec::new();
                let mut cond = None;
                let mut every = false;
                for p in pair.into_inner() {
                    match p.as_rule() {
                        Rule::kw_every => every = true,
                        Rule::q_iter => iters.push(self.iterator(p)?),
                        Rule::expression => cond = Some(self.expression(p)?),
                        _ => {}
                    }
                }
                Expr::Quantified {
                    every,
                    iterators: iters,
                    condition: Box::new(cond.ok_or_else(|| internal(span))?),
                }
            }
            Rule::function_def => {
                let mut params = Vec::new();
                let mut body = None;
                for p in pair.into_inner() {
                    match p.as_rule() {
                        Rule::param => {
                            let p_span = span_of(&p);
                            let mut parts = p.into_inner();
                            let n = parts.next().ok_or_else(|| internal(p_span))?;
                            let t = parts.next().map(|t| self.type_(t)).transpose()?;
                            params.push((self.name_text(&n), t));
                        }
                        Rule::expression => body = Some(self.expression(p)?),
                        Rule::kw_external => {
                            return Err(syntax_error("external functions are not supported", span))
                        }
                        _ => {}
                    }
                }
                let body = body.ok_or_else(|| internal(span))?;
                Expr::Function(Arc::new(FunctionDef { params, body }))
            }
            Rule::expression | Rule::arith_expr => return self.expression(pair),
            _ => return Err(internal(span)),
        };
        Ok(node(expr, span))
    }

    /// `( e )`, `(a..b)`, `[a, b]`, `[a..b]`, `]a..b[` and friends.
    fn bracketed(&self, pair: Pair<'_, Rule>) -> Result<Node> {
        let span = span_of(&pair);
        let rule = pair.as_rule();
        let open = pair.as_str().chars().next().unwrap_or('(');
        let mut exprs = Vec::new();
        let mut close = None;
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::range_close => close = p.as_str().chars().next(),
                Rule::unary_cmp => {
                    // `(< 10)`: a unary comparison used as a value (a range)
                    let mut parts = p.into_inner();
                    let op = parts.next().ok_or_else(|| internal(span))?;
                    let e = parts.next().ok_or_else(|| internal(span))?;
                    let e = self.expression(e)?;
                    return Ok(node(Expr::UnaryCmp(cmp_op(op.as_str()), Box::new(e)), span));
                }
                _ => exprs.push(self.expression(p)?),
            }
        }
        if let Some(close) = close {
            let mut it = exprs.into_iter();
            let start = it.next().ok_or_else(|| internal(span))?;
            let end = it.next().ok_or_else(|| internal(span))?;
            let expr = Expr::Range {
                start: Box::new(start),
                start_included: open == '[',
                end: Box::new(end),
                end_included: close == ']',
            };
            return Ok(node(expr, span));
        }
        match rule {
            Rule::paren_or_range => {
                let inner = exprs.into_iter().next().ok_or_else(|| internal(span))?;
                Ok(Node { span, ..inner })
            }
            Rule::list_or_range => Ok(node(Expr::List(exprs), span)),
            _ => Err(internal(span)),
        }
    }

    fn string(&self, pair: &Pair<'_, Rule>) -> Result<String> {
        let span = span_of(pair);
        let raw = self
            .source
            .get(span.start + 1..span.end.saturating_sub(1))
            .unwrap_or("");
        decode_string(raw, span)
    }

    fn iterator(&self, pair: Pair<'_, Rule>) -> Result<Iterator> {
        let span = span_of(&pair);
        let mut parts = pair.into_inner().filter(|p| p.as_rule() != Rule::kw_in);
        let n = parts.next().ok_or_else(|| internal(span))?;
        let src = parts.next().ok_or_else(|| internal(span))?;
        let end = parts.next().map(|e| self.expression(e)).transpose()?;
        Ok(Iterator {
            name: self.name_text(&n),
            source: self.expression(src)?,
            range_end: end,
        })
    }

    fn positive_unary_tests(&self, pair: Pair<'_, Rule>) -> Result<Vec<UnaryTest>> {
        pair.into_inner()
            .map(|t| self.positive_unary_test(t))
            .collect()
    }

    fn positive_unary_test(&self, pair: Pair<'_, Rule>) -> Result<UnaryTest> {
        let span = span_of(&pair);
        let inner = pair.into_inner().next().ok_or_else(|| internal(span))?;
        if inner.as_rule() == Rule::unary_cmp {
            let mut parts = inner.into_inner();
            let op = parts.next().ok_or_else(|| internal(span))?;
            let e = parts.next().ok_or_else(|| internal(span))?;
            let e = self.expression(e)?;
            return Ok(UnaryTest::expr(node(
                Expr::UnaryCmp(cmp_op(op.as_str()), Box::new(e)),
                span,
            )));
        }
        Ok(UnaryTest::expr(self.expression(inner)?))
    }

    fn type_(&self, pair: Pair<'_, Rule>) -> Result<Type> {
        let span = span_of(&pair);
        let inner = if pair.as_rule() == Rule::type_ {
            pair.into_inner().next().ok_or_else(|| internal(span))?
        } else {
            pair
        };
        let t = match inner.as_rule() {
            Rule::list_type => Type::List(Box::new(self.first_type(inner)?)),
            Rule::range_type => Type::Range(Box::new(self.first_type(inner)?)),
            Rule::context_type => {
                let mut fields = Vec::new();
                for e in inner.into_inner() {
                    let e_span = span_of(&e);
                    let mut parts = e.into_inner();
                    let n = parts.next().ok_or_else(|| internal(e_span))?;
                    let t = parts.next().ok_or_else(|| internal(e_span))?;
                    fields.push((self.name_text(&n), self.type_(t)?));
                }
                Type::Context(fields)
            }
            Rule::function_type => {
                let mut ts: Vec<Type> = inner
                    .into_inner()
                    .filter(|p| p.as_rule() == Rule::type_)
                    .map(|p| self.type_(p))
                    .collect::<Result<_>>()?;
                let ret = ts.pop().ok_or_else(|| internal(span))?;
                Type::Function(ts, Box::new(ret))
            }
            Rule::named_type => {
                let text = self.source.get(span.start..span.end).unwrap_or("");
                let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
                match text.as_str() {
                    "Any" => Type::Any,
                    "Null" => Type::Null,
                    _ => Type::Named(Arc::from(text)),
                }
            }
            _ => return Err(internal(span)),
        };
        Ok(t)
    }

    fn first_type(&self, pair: Pair<'_, Rule>) -> Result<Type> {
        let span = span_of(&pair);
        let t = pair
            .into_inner()
            .find(|p| p.as_rule() == Rule::type_)
            .ok_or_else(|| internal(span))?;
        self.type_(t)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn engine() -> crate::Engine {
        crate::Engine::new()
    }

    #[test]
    fn deep_input_is_an_error_not_a_crash() {
        let e = engine();
        for text in [
            "(".repeat(100_000) + "1" + &")".repeat(100_000),
            "[".repeat(100_000) + &"]".repeat(100_000),
            "-".repeat(100_000) + "1",
            "1".to_string() + &"+1".repeat(100_000),
            "if true then ".repeat(10_000) + "1" + &" else 2".repeat(10_000),
        ] {
            let err = e.compile(&text).err().map(|e| e.kind());
            assert_eq!(err, Some(ErrorKind::LimitExceeded), "{}", &text[..20]);
        }
        assert!(e.compile(&("(".repeat(50) + "1" + &")".repeat(50))).is_ok());
    }

    #[test]
    fn strings_decode_escapes() {
        let s = Span::default();
        assert_eq!(decode_string(r#"a\"b\n"#, s).unwrap(), "a\"b\n");
        assert_eq!(
            decode_string(r"\u0041\uD83D\uDCA9", s).unwrap(),
            "A\u{1F4A9}"
        );
        assert_eq!(decode_string(r"\d", s).unwrap(), "\\d");
        assert_eq!(decode_string(r"\U01F40E", s).unwrap(), "\u{1F40E}");
        assert!(decode_string(r"\u00", s).is_err());
    }
}
