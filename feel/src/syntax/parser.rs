//! Tokens → typed syntax tree: recursive descent, with precedence climbing for operators.
//!
//! Precedence, loosest first: `or`; `and`; comparisons with `between`, `in` and
//! `instance of`; `+ -`; `* /`; `**`; prefix `-`; then path, filter and call. Every binary
//! operator associates to the left.

use std::sync::Arc;

use crate::dialect::Dialect;
use crate::error::{Error, ErrorKind, Span};
use crate::value::number::parse_decimal;
use crate::value::{temporal, Value};
use crate::EngineInner;

use super::ast::{ArithOp, CallArgs, CmpOp, Expr, FunctionDef, Iterator, Node, Type, UnaryTest};
use super::lexer::{tokenize, Kind, Token};
use super::limits::{check_depth, check_nesting};
use super::literals::decode_string;
use super::names;

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

pub(super) type Result<T> = std::result::Result<T, Error>;

/// Binding levels of the binary operators (higher binds tighter).
const OR: u8 = 1;
const AND: u8 = 2;
const CMP: u8 = 3;
const ADD: u8 = 4;
const MUL: u8 = 5;
const POW: u8 = 6;

/// An operator found after an operand.
#[derive(Clone, Copy)]
enum Infix {
    Or,
    And,
    Cmp(CmpOp),
    Arith(ArithOp),
    Between,
    In,
    Instance,
}

pub(super) fn syntax_error(msg: impl Into<String>, span: Span) -> Error {
    Error::new(ErrorKind::Syntax, msg).with_span(span)
}

fn node(expr: Expr, span: Span) -> Node {
    Node::new(expr, span)
}

fn cmp_op(text: &str) -> Option<CmpOp> {
    Some(match text {
        "=" => CmpOp::Eq,
        "!=" => CmpOp::Ne,
        "<" => CmpOp::Lt,
        "<=" => CmpOp::Le,
        ">" => CmpOp::Gt,
        ">=" => CmpOp::Ge,
        _ => return None,
    })
}

/// The parser: tokens over the marked text, names read back from the original source.
pub(super) struct Parser<'s> {
    /// The text as written (names and literals are read from here).
    source: &'s str,
    /// The text the tokens index: the source with multi-word names marked.
    text: &'s str,
    toks: Vec<Token>,
    pos: usize,
    /// End of the last token consumed.
    prev_end: usize,
    /// The dialect being parsed.
    pub(super) dialect: Dialect,
}

impl<'s> Parser<'s> {
    pub(super) fn new(source: &'s str, text: &'s str) -> Self {
        Parser {
            source,
            text,
            toks: tokenize(text),
            pos: 0,
            prev_end: 0,
            dialect: Dialect::Dmn,
        }
    }

    // ------------------------------------------------------------ token access

    pub(super) fn peek(&self) -> Token {
        self.nth(0)
    }

    pub(super) fn nth(&self, k: usize) -> Token {
        self.toks
            .get(self.pos + k)
            .or_else(|| self.toks.last())
            .copied()
            .unwrap_or(Token {
                kind: Kind::End,
                start: self.text.len(),
                end: self.text.len(),
            })
    }

    pub(super) fn bump(&mut self) -> Token {
        let t = self.peek();
        if t.kind != Kind::End {
            self.pos += 1;
            self.prev_end = t.end;
        }
        t
    }

    /// The position, to come back to with [`Parser::restore`] when an attempt fails.
    pub(super) fn save(&self) -> (usize, usize) {
        (self.pos, self.prev_end)
    }

    pub(super) fn restore(&mut self, saved: (usize, usize)) {
        (self.pos, self.prev_end) = saved;
    }

    pub(super) fn slice(&self, t: Token) -> &'s str {
        self.text.get(t.start..t.end).unwrap_or("")
    }

    pub(super) fn is_punct(&self, t: Token, p: &str) -> bool {
        t.kind == Kind::Punct && self.slice(t) == p
    }

    pub(super) fn is_word(&self, t: Token, w: &str) -> bool {
        t.kind == Kind::Name && self.slice(t) == w
    }

    pub(super) fn at(&self, p: &str) -> bool {
        self.is_punct(self.peek(), p)
    }

    pub(super) fn eat(&mut self, p: &str) -> bool {
        let hit = self.at(p);
        if hit {
            self.bump();
        }
        hit
    }

    /// One or more `item`s separated by commas.
    pub(super) fn comma_list<T>(
        &mut self,
        mut item: impl FnMut(&mut Self) -> Result<T>,
    ) -> Result<Vec<T>> {
        let mut out = vec![item(self)?];
        while self.eat(",") {
            out.push(item(self)?);
        }
        Ok(out)
    }

    /// Zero or more `item`s separated by commas, then `close` (`purpose` says what the
    /// list is, for the error when neither a comma nor `close` follows an item).
    pub(super) fn closed_list<T>(
        &mut self,
        close: &str,
        purpose: &str,
        item: impl FnMut(&mut Self) -> Result<T>,
    ) -> Result<Vec<T>> {
        if self.eat(close) {
            return Ok(Vec::new());
        }
        let out = self.comma_list(item)?;
        self.expect(close, purpose)?;
        Ok(out)
    }

    /// Consume the punctuation `p` or fail, saying what it was for.
    pub(super) fn expect(&mut self, p: &str, purpose: &str) -> Result<Token> {
        if self.at(p) {
            Ok(self.bump())
        } else {
            Err(self.unexpected(&format!("'{p}' {purpose}")))
        }
    }

    /// Consume the keyword `w` or fail, saying what it was for.
    fn expect_word(&mut self, w: &str, purpose: &str) -> Result<Token> {
        if self.is_word(self.peek(), w) {
            Ok(self.bump())
        } else {
            Err(self.unexpected(&format!("'{w}' {purpose}")))
        }
    }

    /// Consume a name (plain or in backticks) or fail.
    pub(super) fn expect_name(&mut self, what: &str) -> Result<Token> {
        if matches!(self.peek().kind, Kind::Name | Kind::Backtick) {
            Ok(self.bump())
        } else {
            Err(self.unexpected(what))
        }
    }

    fn expect_end(&mut self) -> Result<()> {
        if self.peek().kind == Kind::End {
            Ok(())
        } else {
            Err(self.unexpected("an operator or the end of the text"))
        }
    }

    /// The error for the current token, which is not `expected`.
    pub(super) fn unexpected(&self, expected: &str) -> Error {
        let t = self.peek();
        let first = self.text.get(t.start..).and_then(|r| r.chars().next());
        let span = Span::new(t.start, t.start + first.map_or(1, char::len_utf8));
        let message = match (t.kind, first) {
            (Kind::Unclosed, Some('"')) => "unterminated string literal".to_string(),
            (Kind::Unclosed, Some('`')) => "unterminated backtick name".to_string(),
            (Kind::Unclosed, Some('/')) => "unterminated comment".to_string(),
            (Kind::Unclosed, _) => "expected a string literal after '@'".to_string(),
            (Kind::Invalid, Some(c)) => format!("unexpected character '{c}'"),
            (Kind::End, _) | (_, None) => format!("expected {expected}, found the end of the text"),
            _ => {
                let text = self.slice(t);
                let shown: String = text.chars().take(40).collect();
                let more = if shown.len() < text.len() { "…" } else { "" };
                format!("expected {expected}, found '{shown}{more}'")
            }
        };
        syntax_error(message, span)
    }

    /// The name's text as written in the source: backticks removed, whitespace runs
    /// collapsed to one space.
    pub(super) fn name_text(&self, t: Token) -> Arc<str> {
        let raw = self.source.get(t.start..t.end).unwrap_or("");
        if t.kind == Kind::Backtick {
            let inner = raw.get(1..raw.len().saturating_sub(1)).unwrap_or("");
            return Arc::from(inner);
        }
        if raw.chars().any(char::is_whitespace) {
            Arc::from(raw.split_whitespace().collect::<Vec<_>>().join(" "))
        } else {
            Arc::from(raw)
        }
    }

    /// The source text of a token span, whitespace runs collapsed.
    pub(super) fn source_text(&self, start: usize, end: usize) -> String {
        let raw = self.source.get(start..end).unwrap_or("");
        raw.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    fn cmp_at(&self) -> Option<CmpOp> {
        let t = self.peek();
        if t.kind == Kind::Punct {
            cmp_op(self.slice(t))
        } else {
            None
        }
    }

    fn infix_at(&self) -> Option<(u8, Infix)> {
        let t = self.peek();
        let s = self.slice(t);
        match t.kind {
            Kind::Punct => Some(match s {
                "+" => (ADD, Infix::Arith(ArithOp::Add)),
                "-" => (ADD, Infix::Arith(ArithOp::Sub)),
                "*" => (MUL, Infix::Arith(ArithOp::Mul)),
                "/" => (MUL, Infix::Arith(ArithOp::Div)),
                "**" => (POW, Infix::Arith(ArithOp::Pow)),
                _ => (CMP, Infix::Cmp(cmp_op(s)?)),
            }),
            Kind::Name => Some(match s {
                "or" => (OR, Infix::Or),
                "and" => (AND, Infix::And),
                "between" => (CMP, Infix::Between),
                "in" => (CMP, Infix::In),
                "instance" => (CMP, Infix::Instance),
                _ => return None,
            }),
            _ => None,
        }
    }

    // ------------------------------------------------------------ expressions

    /// A whole expression.
    fn expression(&mut self) -> Result<Node> {
        self.binary(OR)
    }

    /// Arithmetic only (no comparison, `and`/`or`, `between`/`in`): the operands of
    /// `between`, unary comparisons and the test after `in`.
    fn arith(&mut self) -> Result<Node> {
        self.binary(ADD)
    }

    /// Operands joined by operators binding at least as tightly as `min`.
    fn binary(&mut self, min: u8) -> Result<Node> {
        let mut lhs = self.unary()?;
        while let Some((level, op)) = self.infix_at() {
            if level < min {
                break;
            }
            let start = lhs.span.start;
            let expr = match op {
                Infix::Between => {
                    self.bump();
                    let low = self.arith()?;
                    self.expect_word("and", "between the bounds of 'between'")?;
                    let high = self.arith()?;
                    Expr::Between(Box::new(lhs), Box::new(low), Box::new(high))
                }
                Infix::In => {
                    self.bump();
                    Expr::In(Box::new(lhs), self.in_tests()?)
                }
                Infix::Instance => {
                    self.bump();
                    self.expect_word("of", "after 'instance'")?;
                    Expr::InstanceOf(Box::new(lhs), self.type_()?)
                }
                _ => {
                    self.bump();
                    let (l, r) = (Box::new(lhs), Box::new(self.binary(level + 1)?));
                    match op {
                        Infix::Or => Expr::Or(l, r),
                        Infix::And => Expr::And(l, r),
                        Infix::Cmp(c) => Expr::Cmp(c, l, r),
                        Infix::Arith(a) => Expr::Arith(a, l, r),
                        _ => {
                            return Err(syntax_error("misplaced operator", Span::new(start, start)))
                        }
                    }
                }
            };
            lhs = node(expr, Span::new(start, self.prev_end));
        }
        Ok(lhs)
    }

    /// Prefix minus, a primary, then paths, filters and calls.
    fn unary(&mut self) -> Result<Node> {
        if self.at("-") {
            let minus = self.bump();
            let operand = self.unary()?;
            let span = Span::new(minus.start, operand.span.end);
            return Ok(node(Expr::Neg(Box::new(operand)), span));
        }
        let mut n = self.primary()?;
        loop {
            let t = self.peek();
            if t.kind != Kind::Punct {
                break;
            }
            let start = n.span.start;
            let expr = match self.slice(t) {
                "." => {
                    self.bump();
                    let name = self.expect_name("a name after '.'")?;
                    Expr::Path(Box::new(n), self.name_text(name))
                }
                "[" => {
                    // `[` after an operand is a filter, or the `[` closing a range
                    // (`[1..10[`): try the filter, and on failure leave the `[` alone
                    let saved = self.save();
                    self.bump();
                    let filter = self
                        .expression()
                        .and_then(|e| self.expect("]", "to close the filter").map(|_| e));
                    match filter {
                        Ok(e) => Expr::Filter(Box::new(n), Box::new(e)),
                        Err(_) => {
                            self.restore(saved);
                            break;
                        }
                    }
                }
                "(" => {
                    self.bump();
                    Expr::Call(Box::new(n), self.call_args()?)
                }
                _ => break,
            };
            n = node(expr, Span::new(start, self.prev_end));
        }
        Ok(n)
    }

    /// The arguments of a call, after its `(`.
    fn call_args(&mut self) -> Result<CallArgs> {
        if self.eat(")") {
            return Ok(CallArgs::Positional(Vec::new()));
        }
        let named = matches!(self.peek().kind, Kind::Name | Kind::Backtick)
            && self.is_punct(self.nth(1), ":");
        let args = if named {
            CallArgs::Named(self.comma_list(|p| {
                let name = p.expect_name("a parameter name")?;
                p.expect(":", "after the parameter name")?;
                Ok((p.name_text(name), p.expression()?))
            })?)
        } else {
            CallArgs::Positional(self.comma_list(Self::expression)?)
        };
        self.expect(")", "or ',' in the arguments")?;
        Ok(args)
    }

    fn primary(&mut self) -> Result<Node> {
        let t = self.peek();
        let span = Span::new(t.start, t.end);
        let expr = match t.kind {
            Kind::Number => {
                self.bump();
                match parse_decimal(self.slice(t)) {
                    Some(n) => Expr::Literal(Value::Number(n)),
                    // Camunda keeps 34 digits; beyond what a decimal here holds, the Camunda
                    // dialect evaluates the literal to null with a warning, not a compile error
                    None if self.dialect.is_camunda() => Expr::Call(
                        Box::new(node(Expr::Name(Arc::from("number")), span)),
                        CallArgs::Positional(vec![node(
                            Expr::Literal(Value::from(self.slice(t).to_string())),
                            span,
                        )]),
                    ),
                    None => return Err(syntax_error("number too large", span)),
                }
            }
            Kind::String => {
                self.bump();
                Expr::Literal(Value::from(self.string(t.start, t.end)?))
            }
            Kind::Temporal => {
                self.bump();
                let text = self.string(t.start + 1, t.end)?;
                match temporal::parse_literal(&text) {
                    Some(v) => Expr::Literal(v),
                    None if self.dialect.is_camunda() => {
                        match temporal::parse_camunda_time(&text) {
                            Some(t) => Expr::Literal(Value::Time(t)),
                            None => invalid_temporal(text, span),
                        }
                    }
                    None => {
                        return Err(syntax_error(
                            format!("invalid temporal literal @\"{text}\""),
                            span,
                        ))
                    }
                }
            }
            Kind::Backtick => {
                self.bump();
                Expr::Name(self.name_text(t))
            }
            Kind::Name => return self.word(t),
            Kind::Punct => match self.slice(t) {
                "(" => return self.parenthesised(),
                "[" => return self.list_or_range(),
                "]" => return self.open_range(),
                "{" => return self.context(),
                _ => return Err(self.unexpected("an expression")),
            },
            _ => return Err(self.unexpected("an expression")),
        };
        Ok(node(expr, span))
    }

    /// A primary that starts with a word: a literal, a compound expression or a name.
    fn word(&mut self, t: Token) -> Result<Node> {
        let span = Span::new(t.start, t.end);
        let expr = match self.slice(t) {
            "true" => Expr::Literal(Value::Bool(true)),
            "false" => Expr::Literal(Value::Bool(false)),
            "null" => Expr::Literal(Value::Null),
            "if" => return self.if_expr(),
            "for" => return self.for_expr(),
            "some" => return self.quantified(false),
            "every" => return self.quantified(true),
            "function" => return self.function_def(),
            _ => {
                let name = self.name_text(t);
                // `and(…)`/`or(…)` are Camunda's aliases of `all`/`any`: callable by name
                let called =
                    matches!(name.as_ref(), "and" | "or") && self.is_punct(self.nth(1), "(");
                if RESERVED.contains(&name.as_ref()) && !called {
                    return Err(syntax_error(
                        format!("unexpected reserved word '{name}'"),
                        span,
                    ));
                }
                Expr::Name(name)
            }
        };
        self.bump();
        Ok(node(expr, span))
    }

    fn if_expr(&mut self) -> Result<Node> {
        let start = self.bump().start;
        let c = self.expression()?;
        self.expect_word("then", "after the condition of 'if'")?;
        let a = self.expression()?;
        self.expect_word("else", "after the 'then' branch")?;
        let b = self.expression()?;
        let span = Span::new(start, self.prev_end);
        Ok(node(Expr::If(Box::new(c), Box::new(a), Box::new(b)), span))
    }

    fn for_expr(&mut self) -> Result<Node> {
        let start = self.bump().start;
        let iters = self.comma_list(|p| p.iterator(true))?;
        self.expect_word("return", "after the iteration contexts of 'for'")?;
        let body = self.expression()?;
        let uses_partial = body.mentions("partial");
        let span = Span::new(start, self.prev_end);
        Ok(node(Expr::For(iters, Box::new(body), uses_partial), span))
    }

    fn quantified(&mut self, every: bool) -> Result<Node> {
        let start = self.bump().start;
        // Camunda's engine also takes `some x in 1..5` (a range without brackets)
        let iterators = self.comma_list(|p| p.iterator(p.dialect.is_camunda()))?;
        self.expect_word("satisfies", "after the iteration contexts")?;
        let condition = Box::new(self.expression()?);
        let span = Span::new(start, self.prev_end);
        let expr = Expr::Quantified {
            every,
            iterators,
            condition,
        };
        Ok(node(expr, span))
    }

    /// `name in source`, and with `ranges` (`for`, and `some`/`every` in the Camunda dialect)
    /// also `name in start..end`.
    fn iterator(&mut self, ranges: bool) -> Result<Iterator> {
        let name = self.expect_name("a variable name")?;
        self.expect_word("in", "after the variable name")?;
        let source = self.expression()?;
        let range_end = if ranges && self.eat("..") {
            Some(self.expression()?)
        } else {
            None
        };
        Ok(Iterator {
            name: self.name_text(name),
            source,
            range_end,
        })
    }

    fn function_def(&mut self) -> Result<Node> {
        let start = self.bump().start;
        self.expect("(", "after 'function'")?;
        let params = self.closed_list(")", "or ',' in the parameters", |p| {
            let name = p.expect_name("a parameter name")?;
            let ty = if p.eat(":") { Some(p.type_()?) } else { None };
            Ok((p.name_text(name), ty))
        })?;
        if self.is_word(self.peek(), "external") {
            let t = self.peek();
            return Err(syntax_error(
                "external functions are not supported",
                Span::new(start, t.end),
            ));
        }
        let body = self.expression()?;
        let span = Span::new(start, self.prev_end);
        Ok(node(
            Expr::Function(Arc::new(FunctionDef { params, body })),
            span,
        ))
    }

    /// `( e )`, `(a..b)` and friends, `(< 10)`.
    fn parenthesised(&mut self) -> Result<Node> {
        let start = self.bump().start;
        if let Some(op) = self.cmp_at() {
            // `(< 10)`: a unary comparison used as a value
            self.bump();
            let e = self.arith()?;
            self.expect(")", "to close the parenthesis")?;
            let span = Span::new(start, self.prev_end);
            return Ok(node(Expr::UnaryCmp(op, Box::new(e)), span));
        }
        let inner = self.expression()?;
        if self.eat("..") {
            return self.range_rest(start, false, inner);
        }
        self.expect(")", "to close the parenthesis")?;
        Ok(Node {
            span: Span::new(start, self.prev_end),
            ..inner
        })
    }

    /// `[a, b]`, `[]`, `[a..b]` and friends.
    fn list_or_range(&mut self) -> Result<Node> {
        let start = self.bump().start;
        if self.eat("]") {
            return Ok(node(
                Expr::List(Vec::new()),
                Span::new(start, self.prev_end),
            ));
        }
        let first = self.expression()?;
        if self.eat("..") {
            return self.range_rest(start, true, first);
        }
        let mut items = vec![first];
        while self.eat(",") {
            items.push(self.expression()?);
        }
        self.expect("]", "or ',' in the list")?;
        Ok(node(Expr::List(items), Span::new(start, self.prev_end)))
    }

    /// `]a..b]` and `]a..b[`.
    fn open_range(&mut self) -> Result<Node> {
        let start = self.bump().start;
        let first = self.expression()?;
        self.expect("..", "in the range")?;
        self.range_rest(start, false, first)
    }

    /// After `start..` of a range: the end point and the closing bracket.
    fn range_rest(&mut self, start: usize, start_included: bool, low: Node) -> Result<Node> {
        let end = self.expression()?;
        let close = self.peek();
        let end_included = match self.slice(close) {
            "]" if close.kind == Kind::Punct => true,
            ")" | "[" if close.kind == Kind::Punct => false,
            _ => return Err(self.unexpected("']', ')' or '[' to close the range")),
        };
        self.bump();
        let expr = Expr::Range {
            start: Box::new(low),
            start_included,
            end: Box::new(end),
            end_included,
        };
        Ok(node(expr, Span::new(start, self.prev_end)))
    }

    fn context(&mut self) -> Result<Node> {
        let start = self.bump().start;
        let mut entries: Vec<(Arc<str>, Node)> = Vec::new();
        if !self.eat("}") {
            loop {
                let k = self.peek();
                let key: Arc<str> = match k.kind {
                    Kind::String => Arc::from(self.string(k.start, k.end)?),
                    Kind::Name | Kind::Backtick => self.name_text(k),
                    _ => return Err(self.unexpected("a context key")),
                };
                self.bump();
                // Camunda's engine takes a repeated key, the later entry replacing the earlier
                if !self.dialect.is_camunda()
                    && entries.iter().any(|(existing, _)| *existing == key)
                {
                    return Err(syntax_error(
                        format!("duplicate context key '{key}'"),
                        Span::new(k.start, k.end),
                    ));
                }
                self.expect(":", "after the context key")?;
                entries.push((key, self.expression()?));
                if !self.eat(",") {
                    break;
                }
            }
            self.expect("}", "or ',' in the context")?;
        }
        Ok(node(
            Expr::Context(entries),
            Span::new(start, self.prev_end),
        ))
    }

    /// The decoded text of the string literal spanning `start..end` (quotes included).
    fn string(&self, start: usize, end: usize) -> Result<String> {
        let raw = self
            .source
            .get(start + 1..end.saturating_sub(1))
            .unwrap_or("");
        decode_string(raw, Span::new(start, end), !self.dialect.is_camunda())
    }

    // ------------------------------------------------------------ unary tests

    /// The tests after `in`: a parenthesised list of tests or open range, or one test.
    fn in_tests(&mut self) -> Result<Vec<UnaryTest>> {
        if !self.at("(") {
            return Ok(vec![UnaryTest::expr(self.positive_unary_test(true)?)]);
        }
        let start = self.bump().start;
        let first = self.positive_unary_test(false)?;
        if self.eat("..") {
            // `x in (a..b]`: an open range
            let range = self.range_rest(start, false, first)?;
            return Ok(vec![UnaryTest::expr(range)]);
        }
        let mut tests = vec![UnaryTest::expr(first)];
        while self.eat(",") {
            tests.push(UnaryTest::expr(self.positive_unary_test(false)?));
        }
        self.expect(")", "or ',' in the list of tests")?;
        Ok(tests)
    }

    /// A comparison (`< 10`) or an expression; `arith_only` limits the expression to
    /// arithmetic (after `in` without parentheses).
    fn positive_unary_test(&mut self, arith_only: bool) -> Result<Node> {
        if let Some(op) = self.cmp_at() {
            let start = self.bump().start;
            let e = self.arith()?;
            let span = Span::new(start, self.prev_end);
            return Ok(node(Expr::UnaryCmp(op, Box::new(e)), span));
        }
        if arith_only {
            self.arith()
        } else {
            self.expression()
        }
    }

    fn positive_unary_tests(&mut self) -> Result<Vec<UnaryTest>> {
        self.comma_list(|p| Ok(UnaryTest::expr(p.positive_unary_test(false)?)))
    }

    /// `-`, `not(tests)` or a list of tests, up to the end of the text.
    fn unary_tests(&mut self) -> Result<Vec<UnaryTest>> {
        if self.at("-") && self.nth(1).kind == Kind::End {
            self.bump();
            return Ok(vec![UnaryTest::Any]);
        }
        if self.is_word(self.peek(), "not") && self.is_punct(self.nth(1), "(") {
            let saved = self.save();
            self.pos += 2;
            if let Ok(tests) = self.positive_unary_tests() {
                if self.at(")") && self.nth(1).kind == Kind::End {
                    self.bump();
                    return Ok(vec![UnaryTest::Not(tests)]);
                }
            }
            // not a negation of the whole list: `not(…)` is a call to the function `not`
            self.restore(saved);
        }
        let tests = self.positive_unary_tests()?;
        self.expect_end()?;
        Ok(tests)
    }
}

fn prepare<'t>(text: &'t str, engine: &EngineInner, names: &[&str]) -> std::borrow::Cow<'t, str> {
    match names::mark(text, &engine.names, names) {
        Some(marked) => std::borrow::Cow::Owned(marked),
        None => std::borrow::Cow::Borrowed(text),
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

/// Check the nesting, mark known multi-word names and hand a parser over the tokens to
/// `build`; every error carries the source text (for the caret report).
fn parse_with<T>(
    text: &str,
    engine: &EngineInner,
    names: &[&str],
    build: impl FnOnce(&mut Parser<'_>) -> Result<T>,
) -> Result<T> {
    let run = || {
        check_nesting(text, engine.limits.max_depth)?;
        let marked = prepare(text, engine, names);
        let mut parser = Parser::new(text, &marked);
        parser.dialect = engine.dialect;
        build(&mut parser)
    };
    run().map_err(|e| e.with_source(text))
}

/// Parse a FEEL expression.
pub(crate) fn parse_expression(text: &str, engine: &EngineInner, names: &[&str]) -> Result<Node> {
    parse_with(text, engine, names, |p| {
        let n = p.expression()?;
        p.expect_end()?;
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
    parse_with(text, engine, names, |p| p.unary_tests())
}

/// Parse a type.
pub(crate) fn parse_type(text: &str) -> Result<Type> {
    let mut p = Parser::new(text, text);
    let run = |p: &mut Parser<'_>| -> Result<Type> {
        let t = p.type_()?;
        p.expect_end()?;
        Ok(t)
    };
    run(&mut p).map_err(|e| e.with_source(text))
}
