//! The quick tier: a compiled expression made only of literals, variables, paths, comparisons,
//! `and`/`or`, `if` and string concatenation gets a second, smaller tree that is evaluated
//! without evaluation state (no step counter, warnings or error slot to set up and release).
//!
//! It decides only what it can decide without a warning: numbers compared with numbers,
//! equalities (`x = null` included), booleans combined, strings joined, variables and context
//! entries that exist, calls of pure standard built-ins that do not warn. Anything else (a
//! missing variable, an ordering of a string, a null condition, a built-in that warned) makes
//! it give up, and the full evaluator runs the expression from the start; since the quick tier
//! only reads, giving up leaves nothing behind. So both always give the same value and warnings
//! (`tests/quick_tier.rs` checks it over generated expressions and variables).

use std::sync::Arc;

use super::{holds, ops};
use crate::builtins::NativeFn;
use crate::engine::EngineInner;
use crate::error::Span;
use crate::eval::{FnName, State};
use crate::syntax::ast::{ArithOp, CallArgs, CmpOp, Expr, Node};
use crate::value::context::{key_eq, Hint};
use crate::value::{Context, Value};

/// The largest tree the quick tier takes (nodes); larger expressions gain little from it.
const MAX_NODES: usize = 64;

/// The most arguments of a call the quick tier takes (they are passed on the stack).
const MAX_ARGS: usize = 4;

/// The most calls the quick tier takes: each sets up a state of its own (where the full
/// evaluator sets up one for all), so beyond two the full evaluator is faster.
const MAX_CALLS: usize = 2;

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
    /// A call of a pure standard built-in with positional arguments: the implementation its
    /// arity selects, and the built-in's name.
    Call(NativeFn, &'static str, Span, Box<[Quick]>),
}

/// The quick tree of an expression, when it has one and the engine's limits cannot stop its
/// evaluation (the full evaluator counts a step per node and would report the limit).
pub(crate) fn build(root: &Node, engine: &EngineInner) -> Option<Quick> {
    let mut nodes = 0;
    let quick = from_node(root, engine, &mut nodes)?;
    let steps_fit = engine
        .limits
        .max_steps
        .is_none_or(|max| max >= 2 * MAX_NODES as u64);
    (steps_fit && engine.limits.max_string_len > 0).then_some(quick)
}

fn from_node(n: &Node, engine: &EngineInner, nodes: &mut usize) -> Option<Quick> {
    *nodes += 1;
    if *nodes > MAX_NODES {
        return None;
    }
    let sub = |n: &Node, nodes: &mut usize| from_node(n, engine, nodes).map(Box::new);
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
            let mut parts = vec![from_node(left, engine, nodes)?];
            for r in right.into_iter().rev() {
                parts.push(from_node(r, engine, nodes)?);
            }
            Quick::Concat(parts.into_boxed_slice())
        }
        Expr::Call(f, CallArgs::Positional(args)) if args.len() <= MAX_ARGS => match &f.expr {
            Expr::Builtin(name, _) => {
                let (f, name) = engine.registry.direct(name, args.len())?;
                *nodes += MAX_NODES / (MAX_CALLS + 1);
                let args = args
                    .iter()
                    .map(|a| from_node(a, engine, nodes))
                    .collect::<Option<Vec<_>>>()?;
                Quick::Call(f, name, n.span, args.into_boxed_slice())
            }
            _ => return None,
        },
        _ => return None,
    })
}

impl Quick {
    /// The value, or `None` to leave the expression to the full evaluator. Inlined into the
    /// caller, so the value is written once, where the caller wants it, rather than through
    /// a temporary that is then copied (for a tiny expression the copy costs more than the
    /// evaluation).
    #[inline(always)]
    pub(crate) fn value(&self, vars: &Context, engine: &EngineInner) -> Option<Value> {
        // an `if` (an `else if` chain) as a loop, then the branch taken
        let mut node = self;
        while let Quick::If(c, t, e) = node {
            node = if c.test(vars, engine)? { t } else { e };
        }
        match node {
            Quick::Lit(v) => Some(v.clone()),
            Quick::Var(name, hint) => vars.get_hinted(name, hint).cloned(),
            _ => node.computed(vars, engine),
        }
    }

    /// [`Quick::value`] of the other nodes.
    #[inline(never)]
    fn computed(&self, vars: &Context, engine: &EngineInner) -> Option<Value> {
        match self {
            Quick::Cmp(..) | Quick::And(..) | Quick::Or(..) => {
                self.test(vars, engine).map(Value::Bool)
            }
            Quick::Concat(parts) => concat(parts, vars, engine),
            Quick::Call(f, name, span, args) => call(f, name, *span, args, vars, engine),
            _ => self.get(vars, engine).cloned(),
        }
    }

    /// The value where it already exists: a literal, a variable, an entry, or one of them
    /// chosen by `if`.
    #[inline(always)]
    fn get<'a>(&'a self, vars: &'a Context, engine: &EngineInner) -> Option<&'a Value> {
        match self {
            Quick::Lit(v) => Some(v),
            Quick::Var(name, hint) => vars.get_hinted(name, hint),
            _ => self.get_other(vars, engine),
        }
    }

    /// [`Quick::get`] of the other nodes.
    #[inline(never)]
    fn get_other<'a>(&'a self, vars: &'a Context, engine: &EngineInner) -> Option<&'a Value> {
        match self {
            Quick::Path(base, name, hint) => match base.get(vars, engine)? {
                Value::Context(ctx) => ctx.get_hinted(name, hint),
                _ => None,
            },
            Quick::If(c, t, e) => {
                let branch = if c.test(vars, engine)? { t } else { e };
                branch.get(vars, engine)
            }
            _ => None,
        }
    }

    /// A boolean.
    fn test(&self, vars: &Context, engine: &EngineInner) -> Option<bool> {
        match self {
            Quick::Cmp(op, a, b) => match (a.get(vars, engine)?, b.get(vars, engine)?) {
                (Value::Number(x), Value::Number(y)) => Some(holds(*op, ops::cmp_numbers(x, y))),
                (Value::String(x), Value::String(y)) => match op {
                    CmpOp::Eq => Some(key_eq(x, y)),
                    CmpOp::Ne => Some(!key_eq(x, y)),
                    _ => None,
                },
                // `x = null`, `x != null`: null equals only null
                (x @ Value::Null, y) | (x, y @ Value::Null) if is_equality(*op) => {
                    Some((x.is_null() && y.is_null()) == (*op == CmpOp::Eq))
                }
                // other equalities that are decided (booleans, temporal values, lists…)
                (x, y) if is_equality(*op) => {
                    ops::equal_in(engine.dialect, x, y).map(|same| same == (*op == CmpOp::Eq))
                }
                _ => None,
            },
            // both sides are evaluated (as the full evaluator does), then combined
            Quick::And(a, b) => {
                let (x, y) = (a.test(vars, engine)?, b.test(vars, engine)?);
                Some(x && y)
            }
            Quick::Or(a, b) => {
                let (x, y) = (a.test(vars, engine)?, b.test(vars, engine)?);
                Some(x || y)
            }
            Quick::If(c, t, e) => {
                if c.test(vars, engine)? {
                    t.test(vars, engine)
                } else {
                    e.test(vars, engine)
                }
            }
            Quick::Call(..) => match self.value(vars, engine)? {
                Value::Bool(b) => Some(b),
                _ => None,
            },
            _ => match self.get(vars, engine)? {
                Value::Bool(b) => Some(*b),
                _ => None,
            },
        }
    }
}

fn is_equality(op: CmpOp) -> bool {
    matches!(op, CmpOp::Eq | CmpOp::Ne)
}

/// Strings joined; `None` when an operand is not a string or the result would be longer than
/// the limit (the full evaluator then reports it).
fn concat(parts: &[Quick], vars: &Context, engine: &EngineInner) -> Option<Value> {
    let mut texts: smallvec::SmallVec<[&str; 8]> = smallvec::SmallVec::new();
    let mut len = 0usize;
    for p in parts {
        match p.get(vars, engine) {
            Some(Value::String(s)) => {
                len += s.len();
                texts.push(s);
            }
            Some(_) => return None,
            // a call among the operands
            None if matches!(p, Quick::Call(..)) => return concat_values(parts, vars, engine),
            None => return None,
        }
    }
    if len > engine.limits.max_string_len {
        return None;
    }
    Some(Value::string_concat(texts.iter().copied()))
}

/// [`concat`] with operands that are computed.
#[inline(never)]
fn concat_values(parts: &[Quick], vars: &Context, engine: &EngineInner) -> Option<Value> {
    let mut values: smallvec::SmallVec<[Value; 4]> = smallvec::SmallVec::new();
    let mut len = 0usize;
    for p in parts {
        let v = match p.get(vars, engine) {
            Some(v) => v.clone(),
            None => p.value(vars, engine)?,
        };
        match &v {
            Value::String(s) => len += s.len(),
            _ => return None,
        }
        values.push(v);
    }
    if len > engine.limits.max_string_len {
        return None;
    }
    Some(Value::string_concat(
        values.iter().filter_map(Value::as_str),
    ))
}

/// A built-in called with its arguments on the stack and a state of its own: its value
/// unless it warned or failed (the full evaluator then reports that).
#[inline(never)]
fn call(
    f: &NativeFn,
    name: &'static str,
    span: Span,
    args: &[Quick],
    vars: &Context,
    engine: &EngineInner,
) -> Option<Value> {
    // a variable of the built-in's name could hold a function to call instead
    if vars.may_hold_functions() {
        return None;
    }
    let mut values: arrayvec::ArrayVec<Value, MAX_ARGS> = arrayvec::ArrayVec::new();
    for a in args {
        let v = match a.get(vars, engine) {
            Some(v) => v.clone(),
            None => a.value(vars, engine)?,
        };
        values.try_push(v).ok()?;
    }
    let mut st = State::new(engine, vars);
    st.span = span;
    st.enter_function(FnName::Static(name));
    let value = f(&mut st, &values);
    (st.fatal.is_none() && st.warnings.is_empty()).then_some(value)
}
