//! `{…, b: {…}}.b.c` selects `c` inside the last entry without building the inner context; it
//! must give what the same selection gives when `b` is not the last entry (and so is built):
//! value, warnings in order, and the span of a missing entry's warning.

use feel::{Context, Engine, Value};

/// Value, and warning kinds and messages in order.
fn run(text: &str, vars: &Context) -> (String, Vec<String>) {
    match Engine::new().compile(text).and_then(|e| e.evaluate(vars)) {
        Ok(out) => (
            out.value.to_string(),
            out.warnings
                .iter()
                .map(|w| format!("{:?}: {}", w.kind, w.message))
                .collect(),
        ),
        Err(e) => (format!("error: {e}"), Vec::new()),
    }
}

fn vars() -> Context {
    let mut vars = Context::new();
    let mut x = Context::new();
    x.insert("y", Value::from(42));
    vars.insert("x", Value::context(x));
    vars
}

#[test]
fn selection_inside_the_last_entry_matches_the_built_context() {
    let cases = [
        ("{a: 1, b: {c: x.y}}", "b.c", "42"),
        ("{a: 2, b: {c: a * 3}}", "b.c", "6"),
        ("{b: {c: 1, d: c + 1}}", "b.d", "2"),
        ("{b: {c: {d: 7}}}", "b.c.d", "7"),
        ("{b: {c: {d: 7}}}", "b.c", "{d: 7}"),
        ("{a: 1, b: {d: 1}}", "b.c", "null"),
        ("{a: 1, b: {d: x.y}}", "b.c", "null"),
        ("{a: 1, b: {d: x.y, e: x.z}}", "b.d", "42"),
        ("{a: 1 + \"x\", b: {c: 2 + \"y\", d: 1}}", "b.e", "null"),
        ("{a: 1 + \"x\", b: {c: 2 + \"y\", d: x.y}}", "b.d", "42"),
        ("{b: {c: [1, 2, 3]}}", "b.c[2]", "2"),
        ("{a: {c: 1}, b: {c: 2}}", "a.c", "1"),
    ];
    for (context, path, expected) in cases {
        let last = run(&format!("{context}.{path}"), &vars());
        // the same context with an entry after `b`: built as a whole, then selected
        let open = context.strip_suffix('}').unwrap_or(context);
        let built = run(&format!("{open}, zz: 0}}.{path}"), &vars());
        assert_eq!(last.0, expected, "{context}.{path}");
        assert_eq!(last, built, "{context}.{path}");
    }
}

#[test]
fn a_missing_entry_warns_at_the_whole_selection() {
    // (an entry that is not a literal, or the whole context would be one)
    let text = "{a: 1, b: {d: x}}.b.c";
    let out = Engine::new()
        .compile(text)
        .and_then(|e| e.evaluate(&vars()))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(out.value, Value::Null);
    assert_eq!(out.warnings.len(), 1);
    let span = out.warnings[0].span.unwrap_or_default();
    assert_eq!((span.start, span.end), (0, text.len()));
    assert!(out.warnings[0].message.contains("'c'"));
}

#[test]
fn an_item_by_literal_index_is_the_item_the_general_filter_gives() {
    // `l[2]` is found by reference; `l[k]` (a variable index) runs the general filter
    let mut vars = vars();
    let list = |items: Vec<Value>| Value::list(items);
    let mut item = Context::new();
    item.insert("main", Value::from("Rain"));
    let mut data = Context::new();
    data.insert(
        "items",
        list(vec![
            Value::context(item),
            Value::from(2),
            Value::Null,
            list(vec![Value::from(4)]),
        ]),
    );
    data.insert("one", Value::from("x"));
    vars.insert("d", Value::context(data));
    for index in [
        "1", "2", "3", "4", "5", "0", "-1", "-4", "-5", "1.7", "-1.2",
    ] {
        for path in [
            "d.items[I]",
            "d.items[I].main",
            "d.one[I]",
            "d.missing[I]",
            "d[I].one",
        ] {
            let literal = path.replace('I', index);
            let mut with_k = vars.clone();
            with_k.insert(
                "k",
                Engine::new()
                    .evaluate(index, &Context::new())
                    .map(|e| e.value)
                    .unwrap_or_default(),
            );
            let general = run(&path.replace('I', "k"), &with_k);
            assert_eq!(run(&literal, &with_k), general, "{literal}");
        }
    }
    assert_eq!(run("d.items[1].main", &vars).0, "\"Rain\"");
}
