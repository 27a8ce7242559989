//! Constant folding, once when compiling.
//!
//! Operators, lists, contexts, ranges, paths and filters whose operands are all literals
//! become literals; a call of a pure built-in with literal arguments (`date("2024-06-30")`,
//! `duration("P30D")`) keeps its value next to the call, used unless a variable of that name
//! holds a function when evaluating. Only what evaluates without a warning is folded, so an
//! evaluation reports exactly what it would have reported unfolded.

use std::sync::Arc;

use crate::syntax::ast::{CallArgs, Expr, FunctionDef, Iterator, Node, UnaryTest};
use crate::value::{Context, Value};
use crate::EngineInner;

use super::scope::Scope;
use super::{eval, State};

/// `{…, b: {…}}.b.c` as `{…, b: {…}.c}.b` when `b` is the last entry: the same entries
/// evaluated in the same order with the same warnings (nothing after `b` can see it), but the
/// inner context is never built, only its entry `c` kept.
fn select_inside_last_entry(n: Node) -> Node {
    let span = n.span;
    let (base, c) = match n.expr {
        Expr::Path(base, c) => (base, c),
        expr => return Node::new(expr, span),
    };
    let rewrite = matches!(&base.expr, Expr::Path(lit, b) if matches!(
        &lit.expr,
        Expr::Context(entries) if entries.last().is_some_and(|(k, v)| {
            crate::value::context::key_eq(k, b) && matches!(v.expr, Expr::Context(_))
        })
    ));
    let base_span = base.span;
    match (rewrite, base.expr) {
        (true, Expr::Path(lit, b)) => {
            let lit_span = lit.span;
            match lit.expr {
                Expr::Context(mut entries) => {
                    if let Some((_, last)) = entries.last_mut() {
                        let inner = std::mem::replace(
                            last,
                            Node::new(Expr::Literal(Value::Null), last.span),
                        );
                        // the selection of `c` keeps the span of `….c`, where its warning
                        // points
                        *last = Node::new(Expr::Path(Box::new(inner), c), span);
                    }
                    let lit = Node::new(Expr::Context(entries), lit_span);
                    Node::new(Expr::Path(Box::new(lit), b), base_span)
                }
                other => {
                    let lit = Node::new(other, lit_span);
                    let base = Node::new(Expr::Path(Box::new(lit), b), base_span);
                    Node::new(Expr::Path(Box::new(base), c), span)
                }
            }
        }
        (_, expr) => {
            let base = Node::new(expr, base_span);
            Node::new(Expr::Path(Box::new(base), c), span)
        }
    }
}

/// Fold `n` bottom-up.
pub(crate) fn fold(n: Node, engine: &EngineInner) -> Node {
    let span = n.span;
    let expr = fold_children(n.expr, engine);
    let n = select_inside_last_entry(Node::new(expr, span));
    let foldable = match &n.expr {
        Expr::Neg(_)
        | Expr::Arith(..)
        | Expr::Cmp(..)
        | Expr::And(..)
        | Expr::Or(..)
        | Expr::Between(..)
        | Expr::InstanceOf(..)
        | Expr::If(..)
        | Expr::List(_)
        | Expr::Context(_)
        | Expr::Range { .. }
        | Expr::Filter(..)
        | Expr::Path(..) => all_literal(&n),
        Expr::Call(f, _) => match &f.expr {
            Expr::Name(name) | Expr::Builtin(name, _) => {
                engine.registry.is_pure(name) && args_literal(&n)
            }
            _ => false,
        },
        _ => false,
    };
    if !foldable {
        return n;
    }
    let Some(value) = evaluate_alone(&n, engine) else {
        return n;
    };
    let expr = match n.expr {
        Expr::Call(f, args) => match &f.expr {
            Expr::Name(name) | Expr::Builtin(name, _) => {
                let name = name.clone();
                let call = Node::new(Expr::Call(f, args), span);
                Expr::FoldedCall(name, value, Box::new(call))
            }
            _ => Expr::Call(f, args),
        },
        _ => Expr::Literal(value),
    };
    Node::new(expr, span)
}

fn is_literal(n: &Node) -> bool {
    matches!(n.expr, Expr::Literal(_))
}

fn all_literal(n: &Node) -> bool {
    !n.any_child(|c| !is_literal(c))
}

fn args_literal(n: &Node) -> bool {
    match &n.expr {
        Expr::Call(_, CallArgs::Positional(a)) => a.iter().all(is_literal),
        Expr::Call(_, CallArgs::Named(a)) => a.iter().all(|(_, v)| is_literal(v)),
        _ => false,
    }
}

/// The value of a node without variables, if it evaluates without warnings.
fn evaluate_alone(n: &Node, engine: &EngineInner) -> Option<Value> {
    let empty = Context::new();
    let mut st = State::new(engine, &empty);
    let v = eval(n, &Scope::Root(&empty), &mut st);
    (st.warnings.is_empty() && st.fatal.is_none()).then_some(v)
}

/// A callee named after a registered function remembers that function.
fn resolve_callee(mut f: Box<Node>, engine: &EngineInner) -> Box<Node> {
    if let Expr::Name(name) = &f.expr {
        if let Some(func) = engine.registry.get(name) {
            f.expr = Expr::Builtin(name.clone(), func.clone());
        }
        return f;
    }
    fold_box(f, engine)
}

/// Fold a boxed node in place (the allocation is kept).
fn fold_box(mut b: Box<Node>, engine: &EngineInner) -> Box<Node> {
    let placeholder = Node::new(Expr::Literal(Value::Null), b.span);
    let n = std::mem::replace(&mut *b, placeholder);
    *b = fold(n, engine);
    b
}

fn fold_iterators(its: Vec<Iterator>, engine: &EngineInner) -> Vec<Iterator> {
    its.into_iter()
        .map(|it| Iterator {
            name: it.name,
            source: fold(it.source, engine),
            range_end: it.range_end.map(|e| fold(e, engine)),
        })
        .collect()
}

/// Fold the expressions of unary tests; a top-level comparison (`< 10`) keeps its shape
/// (it compares with the input, it is not a range value).
pub(crate) fn fold_tests(tests: Vec<UnaryTest>, engine: &EngineInner) -> Vec<UnaryTest> {
    tests
        .into_iter()
        .map(|t| match t {
            UnaryTest::Expr(node, uses_input) => {
                let node = match node.expr {
                    Expr::UnaryCmp(op, e) => {
                        Node::new(Expr::UnaryCmp(op, fold_box(e, engine)), node.span)
                    }
                    _ => fold(node, engine),
                };
                UnaryTest::Expr(node, uses_input)
            }
            UnaryTest::Not(inner) => UnaryTest::Not(fold_tests(inner, engine)),
            UnaryTest::Any => UnaryTest::Any,
        })
        .collect()
}

fn fold_children(expr: Expr, e: &EngineInner) -> Expr {
    match expr {
        Expr::Literal(_) | Expr::Name(_) | Expr::Builtin(..) | Expr::FoldedCall(..) => expr,
        Expr::Neg(a) => Expr::Neg(fold_box(a, e)),
        Expr::Arith(op, a, b) => Expr::Arith(op, fold_box(a, e), fold_box(b, e)),
        Expr::Cmp(op, a, b) => Expr::Cmp(op, fold_box(a, e), fold_box(b, e)),
        Expr::And(a, b) => Expr::And(fold_box(a, e), fold_box(b, e)),
        Expr::Or(a, b) => Expr::Or(fold_box(a, e), fold_box(b, e)),
        Expr::Filter(a, b) => Expr::Filter(fold_box(a, e), fold_box(b, e)),
        Expr::Between(a, b, c) => Expr::Between(fold_box(a, e), fold_box(b, e), fold_box(c, e)),
        Expr::If(a, b, c) => Expr::If(fold_box(a, e), fold_box(b, e), fold_box(c, e)),
        Expr::In(a, tests) => Expr::In(fold_box(a, e), fold_tests(tests, e)),
        Expr::InstanceOf(a, t) => Expr::InstanceOf(fold_box(a, e), t),
        Expr::For(its, body, partial) => {
            Expr::For(fold_iterators(its, e), fold_box(body, e), partial)
        }
        Expr::Quantified {
            every,
            iterators,
            condition,
        } => Expr::Quantified {
            every,
            iterators: fold_iterators(iterators, e),
            condition: fold_box(condition, e),
        },
        Expr::List(items) => Expr::List(items.into_iter().map(|n| fold(n, e)).collect()),
        Expr::Context(entries) => {
            Expr::Context(entries.into_iter().map(|(k, v)| (k, fold(v, e))).collect())
        }
        Expr::Range {
            start,
            start_included,
            end,
            end_included,
        } => Expr::Range {
            start: fold_box(start, e),
            start_included,
            end: fold_box(end, e),
            end_included,
        },
        Expr::UnaryCmp(op, a) => Expr::UnaryCmp(op, fold_box(a, e)),
        Expr::Path(a, name) => Expr::Path(fold_box(a, e), name),
        Expr::Call(f, args) => Expr::Call(
            resolve_callee(f, e),
            match args {
                CallArgs::Positional(a) => {
                    CallArgs::Positional(a.into_iter().map(|n| fold(n, e)).collect())
                }
                CallArgs::Named(a) => {
                    CallArgs::Named(a.into_iter().map(|(k, n)| (k, fold(n, e))).collect())
                }
            },
        ),
        Expr::Function(def) => match Arc::try_unwrap(def) {
            Ok(FunctionDef { params, body }) => Expr::Function(Arc::new(FunctionDef {
                params,
                body: fold(body, e),
            })),
            Err(shared) => Expr::Function(shared),
        },
    }
}

#[cfg(test)]
mod tests {
    use crate::syntax::ast::Expr;
    use crate::{Context, Engine, Value};

    fn run(engine: &Engine, text: &str) -> (String, usize) {
        let e = engine.evaluate(text, &Context::new()).unwrap();
        (e.value.to_string(), e.warnings.len())
    }

    #[test]
    fn literal_operands_and_pure_calls_fold() {
        let engine = Engine::new();
        let folded = |text: &str| {
            let parsed = crate::syntax::parse_expression(text, &engine.inner, &[]).unwrap();
            super::fold(parsed, &engine.inner).expr
        };
        assert!(matches!(folded("[1, 2 + 3, {a: -1}]"), Expr::Literal(_)));
        assert!(matches!(
            folded("date(\"2024-01-01\")"),
            Expr::FoldedCall(..)
        ));
        assert!(matches!(folded("x + 1"), Expr::Arith(..)));
        // impure, or failing with a warning: left to every evaluation
        assert!(matches!(folded("today()"), Expr::Call(..)));
        assert!(
            matches!(folded("upper case(x)"), Expr::Call(f, _) if matches!(f.expr, Expr::Builtin(..)))
        );
        assert!(matches!(folded("date(\"not a date\")"), Expr::Call(..)));
        assert!(matches!(folded("1 + \"a\""), Expr::Arith(..)));
    }

    #[test]
    fn folded_values_equal_evaluated_ones() {
        let engine = Engine::new();
        assert_eq!(
            run(&engine, "date(\"2024-01-31\") + duration(\"P1M\")"),
            ("@\"2024-02-29\"".into(), 0)
        );
        // the warning is reported by every evaluation, as unfolded
        let compiled = engine.compile("date(\"nope\")").unwrap();
        for _ in 0..2 {
            let e = compiled.evaluate(&Context::new()).unwrap();
            assert_eq!((e.value, e.warnings.len()), (Value::Null, 1));
        }
    }

    #[test]
    fn a_function_variable_shadows_a_folded_call() {
        let engine = Engine::new();
        assert_eq!(
            run(
                &engine,
                "{date: function(s) \"mine\", r: date(\"2024-01-01\")}.r"
            ),
            ("\"mine\"".into(), 0)
        );
        // also for a call resolved when compiling (its argument is not a literal)
        assert_eq!(
            run(
                &engine,
                "{x: \"a\", upper case: function(s) \"mine\", r: upper case(x)}.r"
            ),
            ("\"mine\"".into(), 0)
        );
        assert_eq!(
            run(&engine, "{x: \"a\", upper case: 1, r: upper case(x)}.r"),
            ("\"A\"".into(), 0)
        );
        // a variable that is not a function does not: the built-in is called
        assert_eq!(
            run(&engine, "{date: 1, r: date(\"2024-01-01\")}.r"),
            ("@\"2024-01-01\"".into(), 0)
        );
    }

    #[test]
    fn a_function_among_the_root_variables_shadows_a_built_in() {
        let engine = Engine::new();
        let mine = engine
            .evaluate("function(s) \"mine\"", &Context::new())
            .map(|e| e.value)
            .unwrap_or_default();
        let call = engine.compile("upper case(x)").unwrap();
        let mut vars = Context::new();
        vars.insert("x", Value::from("a"));
        assert_eq!(call.evaluate(&vars).unwrap().value, Value::from("A"));
        // stored by insert
        let mut with_fn = vars.clone();
        with_fn.insert("upper case", mine.clone());
        assert_eq!(call.evaluate(&with_fn).unwrap().value, Value::from("mine"));
        // stored through a mutable reference to an existing entry
        let mut replaced = vars.clone();
        replaced.insert("upper case", Value::from(1));
        assert_eq!(call.evaluate(&replaced).unwrap().value, Value::from("A"));
        if let Some(slot) = replaced.get_mut("upper case") {
            *slot = mine;
        }
        assert_eq!(call.evaluate(&replaced).unwrap().value, Value::from("mine"));
    }

    #[test]
    fn registered_functions_are_never_folded() {
        let mut engine = Engine::new();
        let calls = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let seen = calls.clone();
        engine.register("tick", &["x"], move |_, _| {
            Value::from(seen.fetch_add(1, std::sync::atomic::Ordering::SeqCst) as i64)
        });
        assert!(!engine.inner.registry.is_pure("tick"));
        assert!(engine.inner.registry.is_pure("upper case"));
        let compiled = engine.compile("tick(1)").unwrap();
        let a = compiled.evaluate(&Context::new()).unwrap().value;
        let b = compiled.evaluate(&Context::new()).unwrap().value;
        assert_ne!(a, b);
    }
}
