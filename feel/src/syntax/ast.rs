//! The typed syntax tree. Every node carries its span; no node is ever stored in a `Value`
//! except through a compiled user function.

use std::sync::Arc;

use crate::error::Span;
use crate::value::context::Hint;
use crate::value::Value;

/// An expression node with its span.
#[derive(Clone, Debug)]
pub struct Node {
    /// What the node is.
    pub expr: Expr,
    /// Where it is in the source.
    pub span: Span,
    /// For a name or a path step: where the name was last found in a context.
    pub(crate) hint: Hint,
}

impl Node {
    /// A node without a lookup hint yet.
    pub(crate) fn new(expr: Expr, span: Span) -> Node {
        Node {
            expr,
            span,
            hint: Hint::default(),
        }
    }
}

/// Binary arithmetic operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ArithOp {
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/`
    Div,
    /// `**`
    Pow,
}

/// Comparison operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CmpOp {
    /// `=`
    Eq,
    /// `!=`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
}

/// Expression kinds.
#[derive(Clone, Debug)]
pub enum Expr {
    /// A literal value (numbers, strings, booleans, null, temporal literals).
    Literal(Value),
    /// A name reference (`x`, `Monthly Salary`, `?`).
    Name(Arc<str>),
    /// Unary minus.
    Neg(Box<Node>),
    /// Arithmetic.
    Arith(ArithOp, Box<Node>, Box<Node>),
    /// Comparison.
    Cmp(CmpOp, Box<Node>, Box<Node>),
    /// `a and b`
    And(Box<Node>, Box<Node>),
    /// `a or b`
    Or(Box<Node>, Box<Node>),
    /// `x between a and b`
    Between(Box<Node>, Box<Node>, Box<Node>),
    /// `x in tests`
    In(Box<Node>, Vec<UnaryTest>),
    /// `x instance of T`
    InstanceOf(Box<Node>, Type),
    /// `if c then a else b`
    If(Box<Node>, Box<Node>, Box<Node>),
    /// `for a in x, b in y return e`; the flag says whether `e` refers to `partial`
    /// (decided once, when parsing).
    For(Vec<Iterator>, Box<Node>, bool),
    /// `some`/`every` … `satisfies`
    Quantified {
        /// `true` for `every`.
        every: bool,
        /// The iterators.
        iterators: Vec<Iterator>,
        /// The condition.
        condition: Box<Node>,
    },
    /// `[a, b]`
    List(Vec<Node>),
    /// `{a: 1, "b": 2}`
    Context(Vec<(Arc<str>, Node)>),
    /// `[a..b]`, `(a..b)`, `]a..b[`, …
    Range {
        /// Lower end point.
        start: Box<Node>,
        /// Lower end included.
        start_included: bool,
        /// Upper end point.
        end: Box<Node>,
        /// Upper end included.
        end_included: bool,
    },
    /// `< 10`, `>= x`, `= 5` as an expression (a unary comparison, giving a range or a test).
    UnaryCmp(CmpOp, Box<Node>),
    /// `list[condition]` or `list[index]`
    Filter(Box<Node>, Box<Node>),
    /// `a.b`
    Path(Box<Node>, Arc<str>),
    /// `f(args)`
    Call(Box<Node>, CallArgs),
    /// `function(a, b) body`
    Function(Arc<FunctionDef>),
    /// The name of a function called by name, found in the registry when compiling: that
    /// function, unless a variable of that name holds a function when evaluating.
    Builtin(Arc<str>, crate::value::Function),
    /// A call of a pure built-in with literal arguments, evaluated when compiling: the
    /// value, unless a variable of that name holds a function (then the call itself).
    FoldedCall(Arc<str>, Value, Box<Node>),
}

/// A user-defined function.
#[derive(Debug)]
pub struct FunctionDef {
    /// Parameter names with optional types.
    pub params: Vec<(Arc<str>, Option<Type>)>,
    /// The body.
    pub body: Node,
}

/// One iteration context of `for`/`some`/`every`.
#[derive(Clone, Debug)]
pub struct Iterator {
    /// The variable name.
    pub name: Arc<str>,
    /// The collection, or the start of a `a..b` range.
    pub source: Node,
    /// The end of a `a..b` range.
    pub range_end: Option<Node>,
}

/// Invocation arguments.
#[derive(Clone, Debug)]
pub enum CallArgs {
    /// Positional arguments.
    Positional(Vec<Node>),
    /// Named arguments.
    Named(Vec<(Arc<str>, Node)>),
}

/// A unary test (decision table input entry, or the right side of `in`).
#[derive(Clone, Debug)]
pub enum UnaryTest {
    /// `-`: matches anything.
    Any,
    /// An expression: a range/comparison (containment), a list (membership), a boolean
    /// using `?`, or a value compared with `=`. The flag says whether it refers to `?`
    /// (decided once, when parsing).
    Expr(Node, bool),
    /// `not(tests)`
    Not(Vec<UnaryTest>),
}

/// A FEEL type, as written after `instance of` or in function parameters.
#[derive(Clone, Debug, PartialEq)]
pub enum Type {
    /// `Any`
    Any,
    /// `Null`
    Null,
    /// A named type: `number`, `string`, `date and time`, `list`, `context`, …
    Named(Arc<str>),
    /// `list<T>`
    List(Box<Type>),
    /// `context<a: T, …>`
    Context(Vec<(Arc<str>, Type)>),
    /// `range<T>`
    Range(Box<Type>),
    /// `function<T, …> -> R`
    Function(Vec<Type>, Box<Type>),
}

impl Node {
    /// Calls `f` on each direct child expression (function bodies included) until it
    /// returns `true`; returns whether it did.
    pub fn any_child(&self, mut f: impl FnMut(&Node) -> bool) -> bool {
        match &self.expr {
            Expr::Literal(_) | Expr::Name(_) | Expr::Builtin(..) => false,
            Expr::Neg(a) | Expr::Path(a, _) | Expr::UnaryCmp(_, a) | Expr::InstanceOf(a, _) => f(a),
            Expr::Arith(_, a, b)
            | Expr::Cmp(_, a, b)
            | Expr::And(a, b)
            | Expr::Or(a, b)
            | Expr::Filter(a, b) => f(a) || f(b),
            Expr::Between(a, b, c) | Expr::If(a, b, c) => f(a) || f(b) || f(c),
            Expr::In(a, tests) => {
                f(a) || tests
                    .iter()
                    .any(|t| matches!(t, UnaryTest::Expr(e, _) if f(e)))
            }
            Expr::For(its, body, _) => {
                its.iter()
                    .any(|i| f(&i.source) || i.range_end.as_ref().is_some_and(&mut f))
                    || f(body)
            }
            Expr::Quantified {
                iterators,
                condition,
                ..
            } => iterators.iter().any(|i| f(&i.source)) || f(condition),
            Expr::List(items) => items.iter().any(f),
            Expr::Context(entries) => entries.iter().any(|(_, v)| f(v)),
            Expr::Range { start, end, .. } => f(start) || f(end),
            Expr::Call(callee, args) => {
                f(callee)
                    || match args {
                        CallArgs::Positional(a) => a.iter().any(f),
                        CallArgs::Named(a) => a.iter().any(|(_, v)| f(v)),
                    }
            }
            Expr::Function(def) => f(&def.body),
            Expr::FoldedCall(_, _, call) => f(call),
        }
    }

    /// Call `f` with every name the expression mentions, in order, repeats included:
    /// variables, local names and called built-ins alike (function bodies and unary tests
    /// included).
    pub fn for_each_name(&self, f: &mut dyn FnMut(&str)) {
        match &self.expr {
            Expr::Name(name) | Expr::Builtin(name, _) => f(name),
            Expr::FoldedCall(name, _, call) => {
                f(name);
                call.for_each_name(f);
            }
            Expr::In(a, tests) => {
                a.for_each_name(f);
                for t in tests {
                    t.for_each_name(f);
                }
            }
            _ => {
                self.any_child(|c| {
                    c.for_each_name(f);
                    false
                });
            }
        }
    }

    /// Whether the expression refers to `name` anywhere (function bodies included).
    pub fn mentions(&self, target: &str) -> bool {
        match &self.expr {
            Expr::Name(name) => name.as_ref() == target,
            _ => self.any_child(|n| n.mentions(target)),
        }
    }
}

impl UnaryTest {
    /// [`Node::for_each_name`] over the test (negated tests included).
    pub fn for_each_name(&self, f: &mut dyn FnMut(&str)) {
        match self {
            UnaryTest::Any => {}
            UnaryTest::Not(tests) => {
                for t in tests {
                    t.for_each_name(f);
                }
            }
            UnaryTest::Expr(node, _) => node.for_each_name(f),
        }
    }

    /// A unary test for an expression (works out whether it refers to `?`).
    pub fn expr(node: Node) -> UnaryTest {
        let uses_input = node.mentions("?");
        UnaryTest::Expr(node, uses_input)
    }
}
