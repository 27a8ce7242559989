//! The quick tier: a compiled expression made only of literals, variables, paths, comparisons,
//! `and`/`or`, `if` and string concatenation gets a second, smaller tree that is evaluated
//! without evaluation state (no step counter, warnings or error slot to set up and release).
//!
//! It decides only what it can decide without a warning: numbers compared with numbers,
//! strings tested for (in)equality, booleans combined, strings joined, variables and context
//! entries that exist. Anything else (a missing variable, a null, another type) makes it give
//! up, and the full evaluator runs the expression from the start; since the quick tier only
//! reads, giving up leaves nothing behind. So both always give the same value and warnings
//! (`tests/quick_tier.rs` checks it over generated expressions and variables).

use std::sync::Arc;

use super::{holds, ops};
use crate::engine::EngineInner;
use crate::syntax::ast::{ArithOp, CmpOp, Expr, Node};
use crate::value::context::{key_eq, Hint};
use crate::value::{Context, Value};

/// The largest tree the quick tier takes (nodes); larger expressions gain little from it.
const MAX_NODES: usize = 64;

/// A node of the quick tier.
pub(crate) enum Quick {
    /// A literal.
    Lit(Value),
    /// A variable, with where it was last found.
    Var(Arc<str>, Hint),
    /// `a.b` over a context.
    Path(Box<Quick>, Arc<str>, Hint),
    /// A comparison.
    Cmp(CmpOp, Box<Quick>, Box<Quick>),
    /// `a and b`.
    And(Box<Quick>, Box<Quick>),
    /// `a or b`.
    Or(Box<Quick>, Box<Quick>),
    /// `if c then a else b`.
    If(Box<Quick>, Box<Quick>, Box<Quick>),
    /// `a + b + …` over strings, the operands in order.
    Concat(Box<[Quick]>),
}

/// The quick tree of an expression, when it has one and the engine's limits cannot stop its
/// evaluation (the full evaluator counts a step per node and would report the limit).
pub(crate) fn build(root: &Node, engine: &EngineInner) -> Option<Quick> {
    let mut nodes = 0;
    let quick = from_node(root, &mut nodes)?;
    let steps_fit = engine
        .limits
        .max_steps
        .is_none_or(|max| max >= 2 * MAX_NODES as u64);
    (steps_fit && engine.limits.max_string_len > 0).then_some(quick)
}

fn from_node(n: &Node, nodes: &mut usize) -> Option<Quick> {
    *nodes += 1;
    if *nodes > MAX_NODES {
        return None;
    }
    let sub = |n: &Node, nodes: &mut usize| from_node(n, nodes).map(Box::new);
    Some(match &n.expr {
        Expr::Literal(v) => Quick::Lit(v.clone()),
        Expr::Name(name) => Quick::Var(name.clone(), Hint::default()),
        Expr::Path(base, name) => Quick::Path(sub(base, nodes)?, name.clone(), Hint::default()),
        Expr::Cmp(op, a, b) => Quick::Cmp(*op, sub(a, nodes)?, sub(b, nodes)?),
        Expr::And(a, b) => Quick::And(sub(a, nodes)?, sub(b, nodes)?),
        Expr::Or(a, b) => Quick::Or(sub(a, nodes)?, sub(b, nodes)?),
        Expr::If(c, t, e) => Quick::If(sub(c, nodes)?, sub(t, nodes)?, sub(e, nodes)?),
        Expr::Arith(ArithOp::Add, _, _) => {
            // the operands of the left-nested chain, leftmost first
            let mut right = Vec::new();
            let mut left = n;
            while let Expr::Arith(ArithOp::Add, l, r) = &left.expr {
                right.push(r);
                left = l;
                if right.len() > 1 {
                    *nodes += 1;
                }
            }
            let mut parts = vec![from_node(left, nodes)?];
            for r in right.into_iter().rev() {
                parts.push(from_node(r, nodes)?);
            }
            Quick::Concat(parts.into_boxed_slice())
        }
        _ => return None,
    })
}

impl Quick {
    /// The value, or `None` to leave the expression to the full evaluator.
    #[inline]
    pub(crate) fn value(&self, vars: &Context, max_len: usize) -> Option<Value> {
        match self {
            Quick::If(..) => {
                // an `else if` chain as a loop
                let mut node = self;
                while let Quick::If(c, t, e) = node {
                    node = if c.test(vars, max_len)? { t } else { e };
                }
                node.value(vars, max_len)
            }
            Quick::Cmp(..) | Quick::And(..) | Quick::Or(..) => {
                self.test(vars, max_len).map(Value::Bool)
            }
            Quick::Concat(parts) => concat(parts, vars, max_len),
            Quick::Lit(_) | Quick::Var(..) | Quick::Path(..) => self.get(vars, max_len).cloned(),
        }
    }

    /// The value where it already exists: a literal, a variable, an entry, or one of them
    /// chosen by `if`.
    #[inline(always)]
    fn get<'a>(&'a self, vars: &'a Context, max_len: usize) -> Option<&'a Value> {
        match self {
            Quick::Lit(v) => Some(v),
            Quick::Var(name, hint) => vars.get_hinted(name, hint),
            _ => self.get_other(vars, max_len),
        }
    }

    /// [`Quick::get`] of the other nodes.
    #[inline(never)]
    fn get_other<'a>(&'a self, vars: &'a Context, max_len: usize) -> Option<&'a Value> {
        match self {
            Quick::Path(base, name, hint) => match base.get(vars, max_len)? {
                Value::Context(ctx) => ctx.get_hinted(name, hint),
                _ => None,
            },
            Quick::If(c, t, e) => {
                let branch = if c.test(vars, max_len)? { t } else { e };
                branch.get(vars, max_len)
            }
            _ => None,
        }
    }

    /// A boolean.
    fn test(&self, vars: &Context, max_len: usize) -> Option<bool> {
        match self {
            Quick::Cmp(op, a, b) => match (a.get(vars, max_len)?, b.get(vars, max_len)?) {
                (Value::Number(x), Value::Number(y)) => Some(holds(*op, ops::cmp_numbers(x, y))),
                (Value::String(x), Value::String(y)) => match op {
                    CmpOp::Eq => Some(key_eq(x, y)),
                    CmpOp::Ne => Some(!key_eq(x, y)),
                    _ => None,
                },
                _ => None,
            },
            // both sides are evaluated (as the full evaluator does), then combined
            Quick::And(a, b) => {
                let (x, y) = (a.test(vars, max_len)?, b.test(vars, max_len)?);
                Some(x && y)
            }
            Quick::Or(a, b) => {
                let (x, y) = (a.test(vars, max_len)?, b.test(vars, max_len)?);
                Some(x || y)
            }
            Quick::If(c, t, e) => {
                if c.test(vars, max_len)? {
                    t.test(vars, max_len)
                } else {
                    e.test(vars, max_len)
                }
            }
            _ => match self.get(vars, max_len)? {
                Value::Bool(b) => Some(*b),
                _ => None,
            },
        }
    }
}

/// Strings joined; `None` when an operand is not a string or the result would be longer than
/// the limit (the full evaluator then reports it).
fn concat(parts: &[Quick], vars: &Context, max_len: usize) -> Option<Value> {
    let mut texts: smallvec::SmallVec<[&str; 8]> = smallvec::SmallVec::new();
    let mut len = 0usize;
    for p in parts {
        match p.get(vars, max_len)? {
            Value::String(s) => {
                len += s.len();
                texts.push(s);
            }
            _ => return None,
        }
    }
    if len > max_len {
        return None;
    }
    Some(Value::string_concat(texts.iter().copied()))
}
