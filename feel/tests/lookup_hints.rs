//! A compiled expression remembers where each name was last found in a context and tries
//! that position first. Contexts of other layouts (other orders, other sizes, the name
//! missing) must still give exactly what a freshly compiled expression gives.

use std::sync::Arc;

use feel::{Context, Engine, Expression, Value};
use proptest::prelude::*;

const TEXTS: &[&str] = &[
    "x",
    "x + y",
    "if x > 3 then y else x",
    "rec.x",
    "rec.inner.y",
    "items.x",
    "items[x > 3].y",
    "count(items[item.y = 2])",
];

/// A context of the names `order` picks (in that order), `x` and `y` numbered by position.
fn layout(order: &[usize]) -> Context {
    let mut c = Context::new();
    for (pos, &k) in order.iter().enumerate() {
        let name = match k {
            0 => "x".to_string(),
            1 => "y".to_string(),
            k => format!("other{k}"),
        };
        c.insert(name.as_str(), Value::from(pos as i64));
    }
    c
}

fn vars(order: &[usize], items: &[Vec<usize>]) -> Context {
    let mut rec = layout(order);
    rec.insert("inner", Value::Context(Arc::new(layout(order))));
    let list: Vec<Value> = items
        .iter()
        .map(|o| Value::Context(Arc::new(layout(o))))
        .collect();
    let mut v = layout(order);
    v.insert("rec", Value::Context(Arc::new(rec)));
    v.insert("items", Value::list(list));
    v
}

fn show(e: &Expression, vars: &Context) -> String {
    match e.evaluate(vars) {
        Ok(out) => format!("{} {:?}", out.value, out.warnings.len()),
        Err(err) => format!("error {err}"),
    }
}

/// A layout: some of 20 names (`x` = 0, `y` = 1) in some order; up to 20 entries, so both the
/// small (searched) and the large (hashed) context representations occur.
fn order() -> impl Strategy<Value = Vec<usize>> {
    Just((0..20).collect::<Vec<usize>>())
        .prop_shuffle()
        .prop_flat_map(|all| (0..=20usize).prop_map(move |n| all[..n].to_vec()))
}

proptest! {
    #[test]
    fn remembered_positions_never_change_a_result(
        runs in prop::collection::vec((order(), prop::collection::vec(order(), 0..4)), 1..6)
    ) {
        let engine = Engine::new();
        let compiled: Vec<Expression> =
            TEXTS.iter().map(|t| engine.compile(t).expect("compiles")).collect();
        for (order, items) in &runs {
            let v = vars(order, items);
            for (text, e) in TEXTS.iter().zip(&compiled) {
                let fresh = engine.compile(text).expect("compiles");
                prop_assert_eq!(show(e, &v), show(&fresh, &v), "{}", text);
            }
        }
    }
}

#[test]
fn threads_with_different_layouts_share_one_expression() {
    let engine = Engine::new();
    let e = engine.compile("rec.x + x").expect("compiles");
    let layouts: Vec<Vec<usize>> = vec![
        vec![0, 1],
        vec![1, 0],
        (0..16).rev().collect(),
        (2..15).chain([0]).collect(),
    ];
    std::thread::scope(|s| {
        for order in &layouts {
            let e = &e;
            s.spawn(move || {
                let v = vars(order, &[]);
                let pos = order.iter().position(|&k| k == 0).expect("x present") as i64;
                for _ in 0..2000 {
                    let out = e.evaluate(&v).expect("evaluates");
                    assert_eq!(out.value.to_string(), (2 * pos).to_string());
                }
            });
        }
    });
}
