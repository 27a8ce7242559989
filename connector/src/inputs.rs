//! Input mappings, evaluated as Zeebe does: in order, FEEL sources over the process variables
//! and the inputs already evaluated, dotted targets building nested contexts.

use std::sync::Arc;

use feel::{Context, Engine, Expression, Value};

use crate::error::{ConnectorError, TemplateError};
use crate::outcome::FeelWarning;
use crate::template::Input;

/// The source of one compiled input mapping.
#[derive(Clone, Debug)]
pub(crate) enum Source {
    /// A literal string.
    Literal(feel::SmolStr),
    /// A compiled FEEL expression.
    Feel(Expression),
}

/// A compiled input mapping.
#[derive(Clone, Debug)]
pub(crate) struct CompiledInput {
    /// The dotted target's parts, shared with the contexts they key (no copy per execution).
    pub(crate) target: Vec<Arc<str>>,
    pub(crate) source: Source,
}

/// Compile the template's inputs; errors name the input.
pub(crate) fn compile(
    engine: &Engine,
    inputs: &[Input],
) -> Result<Vec<CompiledInput>, TemplateError> {
    inputs
        .iter()
        .enumerate()
        .map(|(i, input)| {
            let field = format!("inputs[{i}] ({})", input.target);
            let target: Vec<Arc<str>> = input.target.split('.').map(Arc::from).collect();
            if target.iter().any(|part| part.trim().is_empty()) {
                return Err(TemplateError::field(
                    field,
                    "the target is not a valid variable name",
                ));
            }
            let source = match input.source.strip_prefix('=') {
                Some(expr) => Source::Feel(
                    engine
                        .compile(expr)
                        .map_err(|e| TemplateError::field(field, e))?,
                ),
                None => Source::Literal(feel::SmolStr::new(&input.source)),
            };
            Ok(CompiledInput { target, source })
        })
        .collect()
}

/// Every name the inputs' FEEL expressions mention, sorted and without repeats (a superset
/// of the process variables they read).
pub(crate) fn variable_names(inputs: &[CompiledInput]) -> Vec<Arc<str>> {
    let mut names: Vec<String> = inputs
        .iter()
        .flat_map(|input| match &input.source {
            Source::Feel(expr) => expr.names(),
            Source::Literal(_) => Vec::new(),
        })
        .collect();
    names.sort();
    names.dedup();
    names.into_iter().map(Arc::from).collect()
}

/// Evaluate the inputs in order. Only the returned local context reaches the request; FEEL
/// warnings are added to `warnings`, named by the input's target.
pub(crate) fn evaluate(
    inputs: &[CompiledInput],
    variables: &Context,
    warnings: &mut Vec<FeelWarning>,
) -> Result<Context, ConnectorError> {
    let mut locals = Context::with_capacity(inputs.len());
    // The scope FEEL sees: the process variables, shadowed by the inputs evaluated so far.
    let mut scope: Option<Context> = None;
    for input in inputs {
        let value = match &input.source {
            Source::Literal(text) => Value::String(text.clone()),
            Source::Feel(expr) => {
                let scope = scope.get_or_insert_with(|| {
                    let mut s = Context::with_capacity(variables.len() + inputs.len());
                    for (k, v) in variables.iter() {
                        s.insert(k.clone(), v.clone());
                    }
                    for (k, v) in locals.iter() {
                        s.insert(k.clone(), v.clone());
                    }
                    s
                });
                let eval = expr.evaluate(scope).map_err(|e| {
                    ConnectorError::input(format!(
                        "Failed to evaluate the input mapping for '{}': {e}",
                        input.target.join(".")
                    ))
                })?;
                if !eval.warnings.is_empty() {
                    let field = format!("input {}", input.target.join("."));
                    warnings.extend(eval.warnings.into_iter().map(|warning| FeelWarning {
                        field: field.clone(),
                        warning,
                    }));
                }
                eval.value
            }
        };
        set_path(&mut locals, &input.target, value);
        if let (Some(scope), Some(top)) = (scope.as_mut(), input.target.first()) {
            if let Some(v) = locals.get(top) {
                scope.insert(top.clone(), v.clone());
            }
        }
    }
    Ok(locals)
}

/// Write `value` at a dotted path, creating (or merging into) nested contexts.
fn set_path(ctx: &mut Context, path: &[Arc<str>], value: Value) {
    match path {
        [] => {}
        [last] => ctx.insert(last.clone(), value),
        [first, rest @ ..] => {
            let mut inner = match ctx.get(first) {
                Some(Value::Context(c)) => (**c).clone(),
                _ => Context::new(),
            };
            set_path(&mut inner, rest, value);
            ctx.insert(first.clone(), Value::context(inner));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dotted_targets_merge_into_nested_contexts() {
        let inputs = vec![
            Input {
                source: "bearer".into(),
                target: "authentication.type".into(),
            },
            Input {
                source: "tok".into(),
                target: "authentication.token".into(),
            },
            Input {
                source: "GET".into(),
                target: "method".into(),
            },
        ];
        let compiled = compile(&Engine::new(), &inputs).unwrap();
        let mut vars = Context::new();
        vars.insert("body", Value::from("leak"));
        let out = evaluate(&compiled, &vars, &mut Vec::new()).unwrap();
        assert_eq!(
            out.to_json_string(),
            r#"{"authentication":{"type":"bearer","token":"tok"},"method":"GET"}"#
        );
    }

    #[test]
    fn empty_target_segment_is_a_compile_error() {
        let inputs = vec![Input {
            source: "x".into(),
            target: "a..b".into(),
        }];
        let err = compile(&Engine::new(), &inputs).unwrap_err();
        assert_eq!(err.field.as_deref(), Some("inputs[0] (a..b)"));
    }

    #[test]
    fn only_the_mentioned_variables_are_needed() {
        let exprs = [
            "=base + string(userId)",
            "=for i in items return i.price * rate",
            "=count(items[price > limit])",
            "=some x in items satisfies x.qty > 1 and grade in (not(\"C\", bad))",
            "={f: function(n) n * factor, r: f(2)}.r",
            "=upper case(name)",
        ];
        let inputs: Vec<Input> = exprs
            .iter()
            .enumerate()
            .map(|(i, e)| Input {
                source: (*e).into(),
                target: format!("out{i}"),
            })
            .collect();
        let compiled = compile(&Engine::new(), &inputs).unwrap();
        let names = variable_names(&compiled);
        for needed in [
            "base", "userId", "items", "rate", "limit", "grade", "bad", "factor", "name",
        ] {
            assert!(
                names.iter().any(|n| &**n == needed),
                "{needed} missing from {names:?}"
            );
        }
        assert!(!names.iter().any(|n| &**n == "unused"));
        let all = serde_json::json!({
            "base": "http://h/", "userId": 7, "rate": 2, "limit": 3, "grade": "B", "bad": "D",
            "factor": 10, "name": "ada", "unused": {"big": [1, 2, 3]},
            "items": [{"price": 2, "qty": 1}, {"price": 5, "qty": 2}],
        });
        let full = Context::from_json(&all).unwrap();
        let mut subset = Context::new();
        for n in &names {
            if let Some(v) = full.get(n) {
                subset.insert(n.clone(), v.clone());
            }
        }
        assert_eq!(
            evaluate(&compiled, &subset, &mut Vec::new())
                .unwrap()
                .to_json_string(),
            evaluate(&compiled, &full, &mut Vec::new())
                .unwrap()
                .to_json_string()
        );
    }

    trait JsonText {
        fn to_json_string(&self) -> String;
    }
    impl JsonText for Context {
        fn to_json_string(&self) -> String {
            Value::context(self.clone()).to_json().to_string()
        }
    }
}
