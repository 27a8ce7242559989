//! The tree-walking evaluator.

mod arith;
mod camunda_arith;
pub(crate) mod fold;
mod function;
pub mod ops;
pub(crate) mod quick;
mod scope;
mod state;
pub mod types;

use std::borrow::Cow;

use arrayvec::ArrayVec;
use smallvec::SmallVec;
use std::cmp::Ordering;
use std::sync::Arc;

pub(crate) use state::FnName;
pub use state::State;

use crate::dialect::Dialect;
use crate::error::{Error, ErrorKind, WarningKind};
use crate::syntax::ast::{ArithOp, CallArgs, CmpOp, Expr, Iterator, Node, UnaryTest};
use crate::value::{temporal, Args, Context, Decimal, Function, Range, Value};
use crate::{EngineInner, Evaluation};

use crate::value::context::{key_eq, Hint};
use function::UserFunction;
use scope::Scope;

pub(crate) fn evaluate(
    engine: &EngineInner,
    root: &Node,
    vars: &Context,
) -> Result<Evaluation, Error> {
    let mut st = State::new(engine, vars);
    let scope = Scope::Root(vars);
    let value = eval(root, &scope, &mut st);
    // the usual outcome, built without moving the state
    if st.fatal.is_none() && st.warnings.is_empty() {
        return Ok(Evaluation {
            value,
            warnings: Vec::new(),
        });
    }
    finish(st, value)
}

fn finish(mut st: State<'_>, value: Value) -> Result<Evaluation, Error> {
    match st.fatal.take() {
        Some(e) => Err(e),
        None => Ok(Evaluation {
            value,
            warnings: st.warnings,
        }),
    }
}

pub(crate) fn evaluate_unary_tests(
    engine: &EngineInner,
    tests: &[UnaryTest],
    input: &Value,
    vars: &Context,
) -> Result<Evaluation, Error> {
    let mut st = State::new(engine, vars);
    let root = Scope::Root(vars);
    let with_cell = Scope::One {
        parent: &root,
        name: "cellInput",
        value: input,
    };
    let value = test_all(input, tests, &with_cell, &mut st);
    finish(st, value)
}

/// `or` over the tests (`not(...)` negates), three-valued.
fn test_all(input: &Value, tests: &[UnaryTest], scope: &Scope<'_>, st: &mut State<'_>) -> Value {
    let mut saw_null = false;
    for t in tests {
        // a literal string or number test (`x in ("A", "B")`) compared in place
        if let UnaryTest::Expr(node, false) = t {
            if let Expr::Literal(v) = &node.expr {
                let hit = match (input, v) {
                    (Value::String(a), Value::String(b)) => Some(key_eq(a, b)),
                    (Value::Number(a), Value::Number(b)) => {
                        Some(ops::cmp_numbers(a, b) == Ordering::Equal)
                    }
                    _ => None,
                };
                if let Some(hit) = hit {
                    st.steps += 1;
                    if hit {
                        return Value::Bool(true);
                    }
                    continue;
                }
            }
        }
        match test_one(input, t, scope, st) {
            Value::Bool(true) => return Value::Bool(true),
            Value::Bool(false) => {}
            _ => saw_null = true,
        }
    }
    if saw_null {
        Value::Null
    } else {
        Value::Bool(false)
    }
}

fn test_one(input: &Value, test: &UnaryTest, scope: &Scope<'_>, st: &mut State<'_>) -> Value {
    match test {
        UnaryTest::Any => Value::Bool(true),
        UnaryTest::Not(inner) => match test_all(input, inner, scope, st) {
            Value::Bool(b) => Value::Bool(!b),
            _ => Value::Null,
        },
        UnaryTest::Expr(node, uses_input) => {
            if let Expr::UnaryCmp(op, e) = &node.expr {
                let target = operand(e, scope, st);
                return compare_op(*op, input, &target, st);
            }
            if *uses_input {
                let s = Scope::One {
                    parent: scope,
                    name: "?",
                    value: input,
                };
                let v = operand(node, &s, st);
                test_value_in(st.engine.dialect, input, &v, true)
            } else {
                let v = operand(node, scope, st);
                test_value_in(st.engine.dialect, input, &v, false)
            }
        }
    }
}

/// Whether `input` passes a test whose expression gave `v`: a boolean (when the test uses
/// `?`), a range, a list of values or ranges, or a value compared with `=`.
fn test_value(input: &Value, v: &Value, uses_input: bool) -> Value {
    match v {
        Value::Null if !input.is_null() => Value::Null,
        Value::Bool(_) if uses_input => v.clone(),
        Value::Range(r) => ops::in_range(input, r).map_or(Value::Null, Value::Bool),
        Value::List(items) => {
            if let Value::List(_) = input {
                if ops::equal(input, v) == Some(true) {
                    return Value::Bool(true);
                }
            }
            let mut saw_null = false;
            for item in items.iter() {
                // membership: a value of another type is simply not a member
                let r = match item {
                    Value::Range(r) => ops::in_range(input, r),
                    other => ops::equal(input, other).or(Some(false)),
                };
                match r {
                    Some(true) => return Value::Bool(true),
                    Some(false) => {}
                    None => saw_null = true,
                }
            }
            if saw_null {
                Value::Null
            } else {
                Value::Bool(false)
            }
        }
        _ => match ops::equal(input, v) {
            Some(b) => Value::Bool(b),
            None => Value::Null,
        },
    }
}

/// Whether `input` passes a test whose expression gave `v`, in a dialect.
#[inline]
fn test_value_in(dialect: Dialect, input: &Value, v: &Value, uses_input: bool) -> Value {
    match dialect {
        Dialect::Dmn => test_value(input, v, uses_input),
        Dialect::Camunda => camunda_test_value(input, v, uses_input),
    }
}

/// [`test_value`] as Camunda's engine decides it: a test using `?` passes on `true`, fails
/// on `false` and is null otherwise; any other test passes when its value is `true` (whatever
/// the input), a list holding the input, a range holding it or a value equal to it, and
/// fails otherwise, null only when the input and the value cannot be compared (so
/// `true and null` fails where the DMN dialect gives null).
#[inline(never)]
fn camunda_test_value(input: &Value, v: &Value, uses_input: bool) -> Value {
    let equal = |a: &Value, b: &Value| ops::equal_in(Dialect::Camunda, a, b);
    match v {
        Value::Bool(_) if uses_input => v.clone(),
        _ if uses_input => Value::Null,
        Value::Bool(true) => Value::Bool(true),
        Value::Range(r) => ops::in_range(input, r).map_or(Value::Null, Value::Bool),
        Value::List(items) => Value::Bool(
            items.iter().any(|item| equal(item, input) == Some(true))
                || equal(input, v) == Some(true),
        ),
        _ => match equal(input, v) {
            Some(b) => Value::Bool(b),
            None if matches!(v, Value::Bool(false)) => Value::Bool(false),
            None => Value::Null,
        },
    }
}

fn to_bool(v: &Value) -> Option<bool> {
    match v {
        Value::Bool(b) => Some(*b),
        _ => None,
    }
}

/// `a op b`, three-valued; numbers (most comparisons) decided inline.
#[inline]
fn compare_op(op: CmpOp, a: &Value, b: &Value, st: &mut State<'_>) -> Value {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => Value::Bool(holds(op, ops::cmp_numbers(x, y))),
        (Value::String(x), Value::String(y)) if matches!(op, CmpOp::Eq | CmpOp::Ne) => {
            Value::Bool(key_eq(x, y) == (op == CmpOp::Eq))
        }
        // `x = null`, `x != null`: null equals only null
        (Value::Null, _) | (_, Value::Null) if matches!(op, CmpOp::Eq | CmpOp::Ne) => {
            Value::Bool((a.is_null() && b.is_null()) == (op == CmpOp::Eq))
        }
        _ => compare_values(op, a, b, st),
    }
}

/// Whether an ordering satisfies a comparison operator.
#[inline]
pub(crate) fn holds(op: CmpOp, o: Ordering) -> bool {
    match op {
        CmpOp::Eq => o == Ordering::Equal,
        CmpOp::Ne => o != Ordering::Equal,
        CmpOp::Lt => o == Ordering::Less,
        CmpOp::Le => o != Ordering::Greater,
        CmpOp::Gt => o == Ordering::Greater,
        CmpOp::Ge => o != Ordering::Less,
    }
}

#[inline(never)]
fn compare_values(op: CmpOp, a: &Value, b: &Value, st: &mut State<'_>) -> Value {
    match op {
        CmpOp::Eq | CmpOp::Ne => match ops::equal_in(st.engine.dialect, a, b) {
            Some(r) => Value::Bool(if op == CmpOp::Eq { r } else { !r }),
            None => {
                st.warn(
                    WarningKind::NotComparable,
                    format!("Can't compare '{a}' with '{b}'"),
                );
                Value::Null
            }
        },
        _ => {
            if a.is_null() || b.is_null() {
                return Value::Null;
            }
            match ops::compare_in(st.engine.dialect, a, b) {
                Some(o) => Value::Bool(holds(op, o)),
                None => {
                    st.warn(
                        WarningKind::NotComparable,
                        format!("Can't compare '{a}' with '{b}'"),
                    );
                    Value::Null
                }
            }
        }
    }
}

fn and3(a: Option<bool>, b: Option<bool>) -> Value {
    match (a, b) {
        (Some(false), _) | (_, Some(false)) => Value::Bool(false),
        (Some(true), Some(true)) => Value::Bool(true),
        _ => Value::Null,
    }
}

/// Evaluate a node.
pub(crate) fn eval(n: &Node, scope: &Scope<'_>, st: &mut State<'_>) -> Value {
    st.steps += 1;
    // one comparison per node: past the step limit, or aborted (which zeroes the limit)
    if st.steps > st.step_limit {
        return stopped(n, st);
    }
    match &n.expr {
        Expr::Literal(v) => v.clone(),
        Expr::Name(name) => lookup(name, n, scope, st),
        Expr::Builtin(name, f) => match scope.get(name) {
            Some(v) => v.clone(),
            None => Value::Function(f.clone()),
        },
        Expr::Neg(a) => neg(a, n, scope, st),
        Expr::Arith(ArithOp::Add, a, _) if matches!(a.expr, Expr::Arith(ArithOp::Add, ..)) => {
            add_chain(n, scope, st)
        }
        Expr::Arith(op, a, b) => {
            let x = operand(a, scope, st);
            let y = operand(b, scope, st);
            st.span = n.span;
            arith::arith(*op, &x, &y, st)
        }
        Expr::Cmp(op, a, b) => {
            let x = operand(a, scope, st);
            let y = operand(b, scope, st);
            st.span = n.span;
            compare_op(*op, &x, &y, st)
        }
        Expr::And(a, b) => {
            let xb = truth(a, n, scope, st);
            if xb == Some(false) {
                return Value::Bool(false);
            }
            let yb = truth(b, n, scope, st);
            and3(xb, yb)
        }
        Expr::Or(a, b) => {
            let xb = truth(a, n, scope, st);
            if xb == Some(true) {
                return Value::Bool(true);
            }
            let yb = truth(b, n, scope, st);
            match (xb, yb) {
                (Some(true), _) | (_, Some(true)) => Value::Bool(true),
                (Some(false), Some(false)) => Value::Bool(false),
                _ => Value::Null,
            }
        }
        Expr::Between(x, lo, hi) => between(x, lo, hi, n, scope, st),
        Expr::In(x, tests) => {
            let v = operand(x, scope, st);
            st.span = n.span;
            test_all(&v, tests, scope, st)
        }
        Expr::InstanceOf(x, t) => {
            let v = eval(x, scope, st);
            Value::Bool(types::instance_of(&v, t))
        }
        Expr::If(c, t, e) => if_chain(c, t, e, scope, st),
        Expr::For(iters, body, uses_partial) => for_expr(iters, body, *uses_partial, scope, st),
        Expr::Quantified {
            every,
            iterators,
            condition,
        } => quantified(every, iterators, condition, scope, st),
        Expr::List(items) => list(items, scope, st),
        Expr::Context(entries) => context(entries, scope, st),
        Expr::Range {
            start,
            start_included,
            end,
            end_included,
        } => range(start, *start_included, end, *end_included, n, scope, st),
        Expr::UnaryCmp(op, e) => unary_cmp(*op, e, scope, st),
        Expr::Filter(list, cond) => {
            // `a.list[2]`: the item found by reference, one clone
            if let Expr::Literal(Value::Number(_)) = &cond.expr {
                if let Some(v) = resolve_ref(n, scope) {
                    return v.clone();
                }
            }
            let l = eval(list, scope, st);
            st.span = n.span;
            filter(l, cond, scope, st)
        }
        Expr::Path(base, name) => {
            // fast path: a chain of context entries resolved by reference, one clone at the end
            if let Some(v) = resolve_ref(n, scope) {
                return v.clone();
            }
            if let Expr::Context(entries) = &base.expr {
                return entry_of_literal(entries, name, n, scope, st);
            }
            let b = eval(base, scope, st);
            st.span = n.span;
            path(&b, name, &n.hint, st)
        }
        Expr::Call(f, args) => call(f, args, n, scope, st),
        Expr::Function(def) => Value::Function(Function::new(UserFunction {
            def: def.clone(),
            captured: scope.locals(),
        })),
        Expr::FoldedCall(name, value, call) => match folded(name, value, scope) {
            Some(v) => v.clone(),
            None => eval(call, scope, st),
        },
    }
}

/// An operand of `and` / `or` (node `n`) as true, false or null (other values warn); a
/// comparison is decided in place.
// inlined in release builds only: in debug builds every inlined helper adds its locals
// to the caller's frame, and deep recursion (user functions, nesting) needs small frames
#[cfg_attr(not(debug_assertions), inline(always))]
fn truth(c: &Node, n: &Node, scope: &Scope<'_>, st: &mut State<'_>) -> Option<bool> {
    if let Expr::Cmp(op, a, b) = &c.expr {
        return comparison(c, *op, a, b, scope, st);
    }
    let v = eval(c, scope, st);
    boolean_operand(v, n, st)
}

/// The comparison `c` (`a op b`) decided in place, without an evaluator frame: true, false or
/// null; two numbers without building a value.
// inlined in release builds only (see `truth`)
#[cfg_attr(not(debug_assertions), inline(always))]
fn comparison(
    c: &Node,
    op: CmpOp,
    a: &Node,
    b: &Node,
    scope: &Scope<'_>,
    st: &mut State<'_>,
) -> Option<bool> {
    st.steps += 1;
    let x = operand(a, scope, st);
    let y = operand(b, scope, st);
    if let (Value::Number(x), Value::Number(y)) = (&*x, &*y) {
        return Some(holds(op, ops::cmp_numbers(x, y)));
    }
    st.span = c.span;
    match compare_op(op, &x, &y, st) {
        Value::Bool(b) => Some(b),
        _ => None,
    }
}

/// `if … then … else if …`: a comparison condition is decided in place; a literal branch is
/// returned in place and an `if` in the else branch continues the loop (no recursion down an
/// `else if` chain).
// inlined in release builds only (see `truth`)
#[cfg_attr(not(debug_assertions), inline(always))]
fn if_chain<'n>(
    mut c: &'n Node,
    mut t: &'n Node,
    mut e: &'n Node,
    scope: &Scope<'_>,
    st: &mut State<'_>,
) -> Value {
    loop {
        let yes = match &c.expr {
            Expr::Cmp(op, a, b) => comparison(c, *op, a, b, scope, st) == Some(true),
            _ => matches!(eval(c, scope, st), Value::Bool(true)),
        };
        let branch = if yes { t } else { e };
        match &branch.expr {
            Expr::Literal(v) if st.fatal.is_none() => {
                st.steps += 1;
                return v.clone();
            }
            Expr::If(c2, t2, e2) => {
                st.steps += 1;
                if st.steps > st.step_limit {
                    return stopped(branch, st);
                }
                (c, t, e) = (c2, t2, e2);
            }
            _ => return eval(branch, scope, st),
        }
    }
}

/// `a + b + c + …` (left-nested additions): operands evaluated left to right as always;
/// while they are strings they are kept and joined once at the end (one new string instead
/// of one per `+`). Any other operand continues pairwise from the value so far, so numbers,
/// temporal values, nulls and warnings come out exactly as `(a + b) + c`.
#[inline(never)]
fn add_chain(n: &Node, scope: &Scope<'_>, st: &mut State<'_>) -> Value {
    // the additions from the innermost out, and the leftmost operand
    let mut adds: SmallVec<[&Node; 8]> = SmallVec::new();
    let mut left = n;
    while let Expr::Arith(ArithOp::Add, l, _) = &left.expr {
        adds.push(left);
        left = l;
    }
    adds.reverse();
    let mut parts: SmallVec<[Cow<'_, Value>; 8]> = SmallVec::new();
    parts.push(operand(left, scope, st));
    let mut len = 0;
    let mut acc: Option<Value> = None;
    for (i, add) in adds.iter().enumerate() {
        let Expr::Arith(_, _, right) = &add.expr else {
            continue;
        };
        if i + 1 < adds.len() {
            // each inner addition is a step (the outermost was counted by `eval`)
            st.steps += 1;
        }
        let y = operand(right, scope, st);
        st.span = add.span;
        if acc.is_none() {
            if let (Some(Value::String(a)), Value::String(b)) = (parts.last().map(|p| &**p), &*y) {
                len += if parts.len() == 1 { a.len() } else { 0 } + b.len();
                if len > st.engine.limits.max_string_len {
                    return st.abort(ErrorKind::LimitExceeded, "string longer than the limit");
                }
                parts.push(y);
                continue;
            }
            // not a string run (any more): the value so far, then pairwise
            acc = Some(join(&parts));
        }
        let x = acc.take().unwrap_or_default();
        acc = Some(arith::arith(ArithOp::Add, &x, &y, st));
    }
    match acc {
        Some(v) => v,
        None => join(&parts),
    }
}

/// The operands of a run of string additions as one value (a single operand as it is).
fn join(parts: &[Cow<'_, Value>]) -> Value {
    match parts {
        [one] => (**one).clone(),
        _ => Value::string_concat(parts.iter().filter_map(|p| p.as_str())),
    }
}

/// The value of a folded call, unless a variable of that name holds a function (which a
/// call by that name would call instead of the built-in).
fn folded<'s>(name: &str, value: &'s Value, scope: &Scope<'_>) -> Option<&'s Value> {
    match scope.function(name) {
        Some(_) => None,
        None => Some(value),
    }
}

#[inline(never)]
fn neg(a: &Node, n: &Node, scope: &Scope<'_>, st: &mut State<'_>) -> Value {
    let v = eval(a, scope, st);
    match v {
        Value::Null => Value::Null,
        Value::Number(x) => Value::Number(-x),
        Value::DaysTime(d) => Value::DaysTime(crate::value::DtDuration(-d.0)),
        Value::YearsMonths(d) => Value::YearsMonths(crate::value::YmDuration(-d.0)),
        other => {
            st.span = n.span;
            st.warn(WarningKind::InvalidType, format!("Can't negate '{other}'"));
            Value::Null
        }
    }
}

#[inline(never)]
fn between(
    x: &Node,
    lo: &Node,
    hi: &Node,
    n: &Node,
    scope: &Scope<'_>,
    st: &mut State<'_>,
) -> Value {
    let v = operand(x, scope, st);
    let l = operand(lo, scope, st);
    let h = operand(hi, scope, st);
    if let (Value::Number(v), Value::Number(l), Value::Number(h)) = (&*v, &*l, &*h) {
        return Value::Bool(
            ops::cmp_numbers(v, l) != Ordering::Less && ops::cmp_numbers(v, h) != Ordering::Greater,
        );
    }
    st.span = n.span;
    let a = to_bool(&compare_op(CmpOp::Ge, &v, &l, st));
    let b = to_bool(&compare_op(CmpOp::Le, &v, &h, st));
    and3(a, b)
}

#[inline(never)]
fn for_expr(
    iters: &[Iterator],
    body: &Node,
    uses_partial: bool,
    scope: &Scope<'_>,
    st: &mut State<'_>,
) -> Value {
    let mut results = Vec::new();
    // `partial` (the results so far) is only built when the body refers to it
    if for_loop(iters, body, uses_partial, scope, st, &mut results) {
        Value::list(results)
    } else {
        Value::Null
    }
}

#[inline(never)]
fn list(items: &[Node], scope: &Scope<'_>, st: &mut State<'_>) -> Value {
    let mut out = Vec::with_capacity(items.len());
    for i in items {
        out.push(eval(i, scope, st));
    }
    Value::list(out)
}

#[inline(never)]
fn context(entries: &[(Arc<str>, Node)], scope: &Scope<'_>, st: &mut State<'_>) -> Value {
    let mut ctx = Context::with_capacity(entries.len());
    // the parser rejects repeated keys but in the Camunda dialect, where the later one wins
    let repeats = st.engine.dialect.is_camunda();
    for (k, e) in entries {
        let v = {
            let s = Scope::Ctx {
                parent: scope,
                ctx: &ctx,
            };
            eval(e, &s, st)
        };
        if repeats {
            ctx.insert(k.clone(), v);
        } else {
            ctx.push_new(k.clone(), v);
        }
    }
    Value::context(ctx)
}

/// `{…}.name`: the entries evaluated in order as for a context (each sees the ones before
/// it), on the stack; only the selected value is kept, no context is built.
#[inline(never)]
fn entry_of_literal(
    entries: &[(Arc<str>, Node)],
    name: &str,
    n: &Node,
    scope: &Scope<'_>,
    st: &mut State<'_>,
) -> Value {
    let mut values: SmallVec<[(Arc<str>, Value); 8]> = SmallVec::new();
    for (k, e) in entries {
        let v = {
            let s = Scope::Many {
                parent: scope,
                vars: &values,
            };
            eval(e, &s, st)
        };
        values.push((k.clone(), v));
    }
    st.span = n.span;
    // the last entry with the name (a repeated key replaces, in the Camunda dialect)
    match values.iter().rposition(|(k, _)| key_eq(k, name)) {
        Some(i) => values.swap_remove(i).1,
        None => no_context_entry(name, st),
    }
}

#[inline(never)]
fn unary_cmp(op: CmpOp, e: &Node, scope: &Scope<'_>, st: &mut State<'_>) -> Value {
    let v = eval(e, scope, st);
    match op {
        CmpOp::Lt | CmpOp::Le => make_range(Value::Null, false, v, op == CmpOp::Le, st),
        CmpOp::Gt | CmpOp::Ge => make_range(v, op == CmpOp::Ge, Value::Null, false, st),
        _ => v,
    }
}

#[inline(never)]
fn quantified(
    every: &bool,
    iterators: &[Iterator],
    condition: &Node,
    scope: &Scope<'_>,
    st: &mut State<'_>,
) -> Value {
    let mut found = false;
    let mut all = true;
    quantify(iterators, condition, scope, st, &mut |v| match v {
        // the closure returns whether to go on
        Value::Bool(true) => {
            found = true;
            *every
        }
        _ => {
            all = false;
            !*every
        }
    });
    Value::Bool(if *every { all } else { found })
}

#[inline(never)]
#[allow(clippy::too_many_arguments)]
fn range(
    start: &Node,
    start_included: bool,
    end: &Node,
    end_included: bool,
    n: &Node,
    scope: &Scope<'_>,
    st: &mut State<'_>,
) -> Value {
    let s = eval(start, scope, st);
    let e = eval(end, scope, st);
    st.span = n.span;
    if s.is_null() || e.is_null() {
        // `null` is not an unbounded end: only `< x`, `>= x`, … have one
        st.warn(
            WarningKind::InvalidType,
            format!("invalid range: '{s}' .. '{e}'"),
        );
        return Value::Null;
    }
    make_range(s, start_included, e, end_included, st)
}

#[cold]
#[inline(never)]
fn stopped(n: &Node, st: &mut State<'_>) -> Value {
    match (st.fatal.is_some(), st.engine.limits.max_steps) {
        (false, Some(max)) => out_of_steps(n, max, st),
        _ => Value::Null,
    }
}

fn out_of_steps(n: &Node, max: u64, st: &mut State<'_>) -> Value {
    st.span = n.span;
    st.abort(
        ErrorKind::LimitExceeded,
        format!("evaluation exceeded {max} steps"),
    )
}

/// Positional arguments evaluated into an array on the stack (no allocation) up to this
/// many.
const ARGS_ON_STACK: usize = 4;

/// `eval`, with a literal or a variable cloned in place (no call).
// inlined in release builds only (see `truth`)
#[cfg_attr(not(debug_assertions), inline(always))]
fn eval_operand(n: &Node, scope: &Scope<'_>, st: &mut State<'_>) -> Value {
    match &n.expr {
        Expr::Literal(v) => {
            st.steps += 1;
            return v.clone();
        }
        Expr::Name(name) => {
            if let Some(v) = scope.get_hinted(name, &n.hint) {
                st.steps += 1;
                return v.clone();
            }
        }
        _ => {}
    }
    eval(n, scope, st)
}

/// An operand by reference where it already exists (a literal, a variable, an entry of
/// one), evaluated otherwise: operators read their operands without copying them.
// inlined in release builds only (see `truth`)
#[cfg_attr(not(debug_assertions), inline(always))]
fn operand<'s>(n: &'s Node, scope: &'s Scope<'s>, st: &mut State<'_>) -> Cow<'s, Value> {
    // literals and variables (the operands of most comparisons) without a call
    match &n.expr {
        Expr::Literal(v) => {
            st.steps += 1;
            return Cow::Borrowed(v);
        }
        Expr::Name(name) => {
            if let Some(v) = scope.get_hinted(name, &n.hint) {
                st.steps += 1;
                return Cow::Borrowed(v);
            }
        }
        _ => {}
    }
    operand_ref(n, scope, st)
}

#[inline(never)]
fn operand_ref<'s>(n: &'s Node, scope: &'s Scope<'s>, st: &mut State<'_>) -> Cow<'s, Value> {
    let found = match &n.expr {
        Expr::Literal(v) => Some(v),
        Expr::FoldedCall(name, v, _) => folded(name, v, scope),
        Expr::Name(_) | Expr::Path(..) => resolve_ref(n, scope),
        _ => None,
    };
    match found {
        Some(v) => {
            st.steps += 1;
            Cow::Borrowed(v)
        }
        None => Cow::Owned(eval(n, scope, st)),
    }
}

/// Resolve `a.b.c` over contexts without cloning the intermediate values; `None` when any
/// step is not a plain context entry (the general path then runs and reports problems).
fn resolve_ref<'s>(n: &Node, scope: &'s Scope<'s>) -> Option<&'s Value> {
    match &n.expr {
        Expr::Name(name) => scope.get_hinted(name, &n.hint),
        Expr::Path(base, name) => match resolve_ref(base, scope)? {
            Value::Context(ctx) => ctx.get_hinted(name, &n.hint),
            _ => None,
        },
        // `list[2]`: an item of a list by a literal index
        Expr::Filter(base, cond) => match (&cond.expr, resolve_ref(base, scope)?) {
            (Expr::Literal(Value::Number(i)), Value::List(items)) => {
                items.get(position(items.len(), *i)?)
            }
            _ => None,
        },
        _ => None,
    }
}

#[inline]
fn boolean_operand(v: Value, n: &Node, st: &mut State<'_>) -> Option<bool> {
    // by value: a boolean needs no drop
    match v {
        Value::Bool(b) => Some(b),
        Value::Null => None,
        other => not_boolean(&other, n, st),
    }
}

#[cold]
#[inline(never)]
fn not_boolean(v: &Value, n: &Node, st: &mut State<'_>) -> Option<bool> {
    st.span = n.span;
    st.warn(
        WarningKind::InvalidType,
        format!("Expected boolean but found '{v}'"),
    );
    None
}

fn lookup(name: &str, n: &Node, scope: &Scope<'_>, st: &mut State<'_>) -> Value {
    if let Some(v) = scope.get_hinted(name, &n.hint) {
        return v.clone();
    }
    if let Some(f) = st.engine.registry.get(name) {
        return Value::Function(f.clone());
    }
    st.span = n.span;
    if name == "?" {
        st.abort(ErrorKind::Evaluation, "'?' may only be used in unary tests");
        return Value::Null;
    }
    st.warn(
        WarningKind::NoVariableFound,
        format!("No variable found with name '{name}'"),
    );
    Value::Null
}

fn make_range(s: Value, si: bool, e: Value, ei: bool, st: &mut State<'_>) -> Value {
    let ok = match (&s, &e) {
        (Value::Null, Value::Null) => false,
        (Value::Null, _) | (_, Value::Null) => true,
        _ => ops::compare(&s, &e).is_some(),
    };
    if !ok {
        st.warn(
            WarningKind::InvalidType,
            format!("invalid range: '{s}' .. '{e}'"),
        );
        return Value::Null;
    }
    Value::Range(Arc::new(Range {
        start: s,
        start_included: si,
        end: e,
        end_included: ei,
    }))
}

/// Items of an iteration source: a list, an integer range, or a single value.
fn iteration_items(
    it: &Iterator,
    scope: &Scope<'_>,
    st: &mut State<'_>,
) -> Option<Arc<Vec<Value>>> {
    let src = eval(&it.source, scope, st);
    let (from, to) = match &it.range_end {
        Some(end) => (src, eval(end, scope, st)),
        None => match src {
            Value::List(items) => return Some(items),
            Value::Range(r) => {
                let ok = matches!((&r.start, &r.end), (Value::Number(a), Value::Number(b))
                    if a <= b && a.fract().is_zero() && b.fract().is_zero());
                if !ok {
                    st.warn(
                        WarningKind::InvalidType,
                        format!("can't iterate over the range {}", Value::Range(r.clone())),
                    );
                    return None;
                }
                let (mut a, mut b) = (r.start.as_number()?, r.end.as_number()?);
                if !r.start_included {
                    a += Decimal::ONE;
                }
                if !r.end_included {
                    b -= Decimal::ONE;
                }
                (Value::Number(a), Value::Number(b))
            }
            Value::Null => return None,
            other => return Some(Arc::new(vec![other])),
        },
    };
    match (&from, &to) {
        (Value::Number(a), Value::Number(b)) if a.fract().is_zero() && b.fract().is_zero() => {
            let count = (*a - *b).abs() + Decimal::ONE;
            if count > Decimal::from(st.engine.limits.max_items as u64) {
                st.abort(
                    ErrorKind::LimitExceeded,
                    "range produces more items than the limit",
                );
                return None;
            }
            let step = if a <= b {
                Decimal::ONE
            } else {
                Decimal::NEGATIVE_ONE
            };
            let mut out = Vec::new();
            let mut x = *a;
            loop {
                out.push(Value::Number(x));
                if x == *b {
                    break;
                }
                x += step;
            }
            Some(Arc::new(out))
        }
        (Value::Date(_), Value::Date(_)) => {
            let mut out = Vec::new();
            let mut x = from.clone();
            let one = Value::DaysTime(crate::value::DtDuration(86_400_000_000_000));
            let forward = ops::compare(&from, &to) != Some(Ordering::Greater);
            for _ in 0..st.engine.limits.max_items {
                out.push(x.clone());
                if ops::equal(&x, &to) == Some(true) {
                    break;
                }
                x = if forward {
                    temporal::add(&x, &one)
                } else {
                    temporal::sub(&x, &one)
                }
                .unwrap_or_default();
                if x.is_null() {
                    break;
                }
            }
            Some(Arc::new(out))
        }
        _ => {
            st.warn(
                WarningKind::InvalidType,
                format!("can't iterate from '{from}' to '{to}'"),
            );
            None
        }
    }
}

fn for_loop(
    iters: &[Iterator],
    body: &Node,
    with_partial: bool,
    scope: &Scope<'_>,
    st: &mut State<'_>,
    results: &mut Vec<Value>,
) -> bool {
    let Some((first, rest)) = iters.split_first() else {
        let v = if with_partial {
            let partial = Value::list(results.clone());
            let s = Scope::One {
                parent: scope,
                name: "partial",
                value: &partial,
            };
            eval(body, &s, st)
        } else {
            eval(body, scope, st)
        };
        results.push(v);
        return true;
    };
    let Some(items) = iteration_items(first, scope, st) else {
        return false;
    };
    for item in items.iter() {
        if st.fatal.is_some() {
            return false;
        }
        if results.len() >= st.engine.limits.max_items {
            st.abort(
                ErrorKind::LimitExceeded,
                "for produces more items than the limit",
            );
            return false;
        }
        let s = Scope::One {
            parent: scope,
            name: &first.name,
            value: item,
        };
        if !for_loop(rest, body, with_partial, &s, st, results) {
            return false;
        }
    }
    true
}

/// Call `f` for each combination; stop when it returns false.
fn quantify(
    iters: &[Iterator],
    cond: &Node,
    scope: &Scope<'_>,
    st: &mut State<'_>,
    f: &mut dyn FnMut(Value) -> bool,
) -> bool {
    let Some((first, rest)) = iters.split_first() else {
        let v = eval(cond, scope, st);
        return f(v);
    };
    let Some(items) = iteration_items(first, scope, st) else {
        return true;
    };
    for item in items.iter() {
        if st.fatal.is_some() {
            return false;
        }
        let s = Scope::One {
            parent: scope,
            name: &first.name,
            value: item,
        };
        if !quantify(rest, cond, &s, st, f) {
            return false;
        }
    }
    true
}

fn index(items: &[Value], i: Decimal) -> Value {
    position(items.len(), i)
        .and_then(|p| items.get(p))
        .cloned()
        .unwrap_or_default()
}

/// The zero-based position of the 1-based (negative: from the end) index `i` in a list of
/// `len` items, if it is inside.
fn position(len: usize, i: Decimal) -> Option<usize> {
    // a whole number (the usual index) without truncating
    let i = match crate::value::number::integer(&i) {
        Some(i) => i,
        None => rust_decimal::prelude::ToPrimitive::to_i64(&i.trunc())?,
    };
    let len = i64::try_from(len).ok()?;
    let idx = match i {
        0 => return None,
        i if i > 0 => i - 1,
        i => len + i,
    };
    if idx < 0 || idx >= len {
        return None;
    }
    usize::try_from(idx).ok()
}

fn filter(l: Value, cond: &Node, scope: &Scope<'_>, st: &mut State<'_>) -> Value {
    let items: Arc<Vec<Value>> = match l {
        Value::Null => return Value::Null,
        Value::List(items) => items,
        other => Arc::new(vec![other]),
    };
    // a literal or item-independent number is an index
    if let Expr::Literal(Value::Number(i)) = &cond.expr {
        return index(&items, *i);
    }
    let mut out = Vec::new();
    for (pos, item) in items.iter().enumerate() {
        let v = match item {
            Value::Context(ctx) => {
                // the item's own entries shadow `item`
                let s1 = Scope::One {
                    parent: scope,
                    name: "item",
                    value: item,
                };
                let s2 = Scope::Ctx { parent: &s1, ctx };
                eval(cond, &s2, st)
            }
            _ => {
                let s = Scope::One {
                    parent: scope,
                    name: "item",
                    value: item,
                };
                eval(cond, &s, st)
            }
        };
        match v {
            Value::Bool(true) => out.push(item.clone()),
            Value::Number(i) if pos == 0 => return index(&items, i),
            _ => {}
        }
    }
    Value::list(out)
}

fn path(b: &Value, name: &str, hint: &Hint, st: &mut State<'_>) -> Value {
    match b {
        Value::Null => Value::Null,
        Value::Context(ctx) => match ctx.get_hinted(name, hint) {
            Some(v) => v.clone(),
            None => no_context_entry(name, st),
        },
        Value::List(items) => Value::list(items.iter().map(|i| path(i, name, hint, st)).collect()),
        Value::Range(r) => match name {
            "start" => r.start.clone(),
            "end" => r.end.clone(),
            "start included" => Value::Bool(r.start_included),
            "end included" => Value::Bool(r.end_included),
            _ => no_property(b, name, st),
        },
        Value::Date(_)
        | Value::Time(_)
        | Value::DateTime(_)
        | Value::YearsMonths(_)
        | Value::DaysTime(_) => match temporal::property(b, name) {
            Some(v) => v,
            None => no_property(b, name, st),
        },
        _ => no_property(b, name, st),
    }
}

fn no_context_entry(name: &str, st: &mut State<'_>) -> Value {
    st.warn(
        WarningKind::NoContextEntryFound,
        format!("No context entry found with key '{name}'"),
    );
    Value::Null
}

fn no_property(b: &Value, name: &str, st: &mut State<'_>) -> Value {
    st.warn(
        WarningKind::NoPropertyFound,
        format!("No property found with name '{name}' of value '{b}'"),
    );
    Value::Null
}

fn call(f: &Node, args: &CallArgs, n: &Node, scope: &Scope<'_>, st: &mut State<'_>) -> Value {
    // by reference where it is (a variable, the registry): no reference count touched
    let engine = st.engine;
    let func: Option<Cow<'_, Function>> = match &f.expr {
        Expr::Builtin(name, builtin) => match scope.function(name) {
            Some(func) => Some(Cow::Borrowed(func)),
            None => Some(Cow::Borrowed(builtin)),
        },
        Expr::Name(name) => match scope.get(name) {
            Some(Value::Function(func)) => Some(Cow::Borrowed(func)),
            _ => engine.registry.get(name).map(Cow::Borrowed),
        },
        _ => match eval(f, scope, st) {
            Value::Function(func) => Some(Cow::Owned(func)),
            _ => None,
        },
    };
    let args = match args {
        CallArgs::Positional(a) if a.len() <= ARGS_ON_STACK => {
            // on the stack for the usual few arguments; built-ins take them by reference
            // at most ARGS_ON_STACK pushes (the guard above)
            let mut values: ArrayVec<Value, ARGS_ON_STACK> = ArrayVec::new();
            for e in a {
                values.push(eval_operand(e, scope, st));
            }
            if let Some(func) = &func {
                st.span = n.span;
                if let Some(v) = func.0.call_slice(st, &values) {
                    st.span = n.span;
                    return v;
                }
            }
            Args::Positional(values.into_iter().collect())
        }
        CallArgs::Positional(a) => {
            let values: Vec<Value> = a.iter().map(|e| eval_operand(e, scope, st)).collect();
            if let Some(func) = &func {
                st.span = n.span;
                if let Some(v) = func.0.call_slice(st, &values) {
                    st.span = n.span;
                    return v;
                }
            }
            Args::Positional(values)
        }
        CallArgs::Named(a) => Args::Named(
            a.iter()
                .map(|(k, e)| (k.clone(), eval(e, scope, st)))
                .collect(),
        ),
    };
    st.span = n.span;
    match func {
        Some(func) => {
            let v = func.call(st, args);
            st.span = n.span;
            v
        }
        None => {
            let name = match &f.expr {
                Expr::Name(name) | Expr::Builtin(name, _) => name.to_string(),
                _ => "<expression>".to_string(),
            };
            st.warn(
                WarningKind::NoFunctionFound,
                format!(
                    "No function found with name '{name}' and {} parameters",
                    args.len()
                ),
            );
            Value::Null
        }
    }
}
