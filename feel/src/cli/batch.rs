//! The JSON-lines case runner behind `feel batch` and the TCK conformance test.
//!
//! One case per line, in the format of the DMN TCK corpus (`cases.jsonl`):
//!
//! | field | meaning |
//! | --- | --- |
//! | `id` | echoed back unchanged |
//! | `expression` | the FEEL text (or unary tests when `kind` is `"unaryTests"`) |
//! | `context` | variables, in the typed encoding of [`codec`](super::codec) |
//! | `inputTypes` | optional; declared type of each variable: DMN type conformance is applied |
//! | `functions` | optional; `[{name, parameters: [{name, type}], body}]`, each bound to `function(parameters) body` |
//! | `decisions` | optional; `[{name, expression, resultType}]`, evaluated in turn and bound under `name` |
//! | `resultType` | optional; declared type of the result: type conformance is applied |
//! | `kind`, `input` | `"unaryTests"` tests the typed value `input` against `expression` |
//!
//! Everything in `context`, `functions` and `decisions` is in scope together, and all those
//! names are passed to the compiler so that names with spaces work. The answer is
//! `{"id": …, "result": <typed value>}` or `{"id": …, "error": "…"}`, plus `"warnings"`
//! (strings) when any were reported.

use serde_json::{Map, Value as Json};

use super::codec::{decode, decode_context, encode_in};
use crate::dialect::Dialect;
use crate::engine::{Engine, Evaluation};
use crate::error::Error;
use crate::eval::types::conform;
use crate::eval::State;
use crate::syntax::ast::Type;
use crate::value::{Args, Callable, Context, Function, Value};

/// The outcome of one case.
#[derive(Clone, Debug)]
pub struct Outcome {
    /// The case's `id` (JSON `null` when it had none).
    pub id: Json,
    /// The result value, or why there is none.
    pub result: Result<Value, String>,
    /// Warnings reported while evaluating the case (decisions, functions and the expression).
    pub warnings: Vec<String>,
    /// The dialect the case was evaluated in (durations are encoded in its text).
    pub dialect: Dialect,
}

impl Outcome {
    /// The output line: `{"id", "result" | "error", "warnings"?}`.
    pub fn to_json(&self) -> Json {
        let mut out = Map::new();
        out.insert("id".into(), self.id.clone());
        match &self.result {
            Ok(v) => out.insert("result".into(), encode_in(v, self.dialect)),
            Err(e) => out.insert("error".into(), Json::String(e.clone())),
        };
        if !self.warnings.is_empty() {
            out.insert(
                "warnings".into(),
                Json::Array(self.warnings.iter().cloned().map(Json::String).collect()),
            );
        }
        Json::Object(out)
    }
}

/// Run one input line. A line that is not a JSON object gives an error outcome.
pub fn run_line(engine: &Engine, line: &str) -> Outcome {
    match serde_json::from_str::<Json>(line) {
        Ok(case) => run_case(engine, &case),
        Err(e) => Outcome {
            id: Json::Null,
            result: Err(format!("malformed line: {e}")),
            warnings: Vec::new(),
            dialect: engine.dialect(),
        },
    }
}

/// Run one case given as JSON.
pub fn run_case(engine: &Engine, case: &Json) -> Outcome {
    let mut runner = Runner {
        engine,
        warnings: Vec::new(),
        names: Vec::new(),
    };
    let (id, result) = match case.as_object() {
        Some(map) => (
            map.get("id").cloned().unwrap_or(Json::Null),
            runner.run(map),
        ),
        None => (Json::Null, Err("a case must be a JSON object".to_string())),
    };
    Outcome {
        id,
        result,
        warnings: runner.warnings,
        dialect: engine.dialect(),
    }
}

struct Runner<'a> {
    engine: &'a Engine,
    warnings: Vec<String>,
    /// Every name in scope (context, functions, decisions), for `compile_with_names`.
    names: Vec<String>,
}

impl Runner<'_> {
    fn run(&mut self, case: &Map<String, Json>) -> Result<Value, String> {
        let expression = text_field(case, "expression")?;
        let mut scope = self.context(case)?;
        self.names = scope.keys().map(|k| k.to_string()).collect();
        for f in array_field(case, "functions")? {
            self.names
                .push(text_field(obj(f, "a function")?, "name")?.to_string());
        }
        for d in array_field(case, "decisions")? {
            self.names
                .push(text_field(obj(d, "a decision")?, "name")?.to_string());
        }
        for f in array_field(case, "functions")? {
            self.function(obj(f, "a function")?, &mut scope)?;
        }
        for d in array_field(case, "decisions")? {
            let d = obj(d, "a decision")?;
            let name = text_field(d, "name")?;
            let value = self
                .expression(text_field(d, "expression")?, &scope)
                .map_err(|e| format!("decision '{name}': {e}"))?;
            let value = self.conform(value, d.get("resultType"));
            scope.insert(name, value);
        }
        let value = match case.get("kind").and_then(Json::as_str) {
            None | Some("expression") => self.expression(expression, &scope)?,
            Some("unaryTests") => {
                let input = decode(case.get("input").unwrap_or(&Json::Null))
                    .map_err(|e| format!("input: {e}"))?;
                let names = self.name_refs();
                let tests = self
                    .engine
                    .compile_unary_tests_with_names(expression, &names)
                    .map_err(|e| e.to_string())?;
                self.take(tests.evaluate(&input, &scope))?
            }
            Some(other) => return Err(format!("unknown kind '{other}'")),
        };
        Ok(self.conform(value, case.get("resultType")))
    }

    /// Decode `context` and apply `inputTypes`.
    fn context(&mut self, case: &Map<String, Json>) -> Result<Context, String> {
        let mut ctx = match case.get("context") {
            None | Some(Json::Null) => Context::new(),
            Some(Json::Object(map)) => decode_context(map).map_err(|e| format!("context: {e}"))?,
            Some(_) => return Err("`context` must be an object".into()),
        };
        match case.get("inputTypes") {
            None | Some(Json::Null) => {}
            Some(Json::Object(types)) => {
                for (name, ty) in types {
                    if let Some(v) = ctx.get_mut(name) {
                        *v = self.conform(std::mem::take(v), Some(ty));
                    }
                }
            }
            Some(_) => return Err("`inputTypes` must be an object".into()),
        }
        Ok(ctx)
    }

    /// Bind a business knowledge model: `function(p: T, …) body`.
    fn function(&mut self, f: &Map<String, Json>, scope: &mut Context) -> Result<(), String> {
        let name = text_field(f, "name")?;
        let body = text_field(f, "body")?;
        let mut params = Vec::new();
        for p in array_field(f, "parameters")? {
            let p = obj(p, "a parameter")?;
            let ty = p.get("type").and_then(Json::as_str).map(strip_constraints);
            params.push((text_field(p, "name")?, ty));
        }
        let typed: Vec<String> = params
            .iter()
            .map(|(n, t)| match t {
                Some(t) => format!("{n}: {t}"),
                None => n.to_string(),
            })
            .collect();
        let plain: Vec<&str> = params.iter().map(|(n, _)| *n).collect();
        let mut names = self.names.clone();
        names.extend(plain.iter().map(|n| n.to_string()));
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        // Parameter types the parser does not know (item definitions) fall back to untyped.
        let compiled = self
            .engine
            .compile_with_names(&format!("function({}) {body}", typed.join(", ")), &names)
            .or_else(|_| {
                self.engine
                    .compile_with_names(&format!("function({}) {body}", plain.join(", ")), &names)
            })
            .map_err(|e| format!("function '{name}': {e}"))?;
        let value = self
            .take(compiled.evaluate(scope))
            .map_err(|e| format!("function '{name}': {e}"))?;
        let value = match (value, self.parse_type(f.get("resultType"))) {
            (Value::Function(inner), Some(ty)) => {
                Value::Function(Function::new(Conforming { inner, ty }))
            }
            (value, _) => value,
        };
        scope.insert(name, value);
        Ok(())
    }

    fn expression(&mut self, text: &str, scope: &Context) -> Result<Value, String> {
        let names = self.name_refs();
        let expr = self
            .engine
            .compile_with_names(text, &names)
            .map_err(|e| e.to_string())?;
        self.take(expr.evaluate(scope))
    }

    fn name_refs(&self) -> Vec<&str> {
        self.names.iter().map(String::as_str).collect()
    }

    fn take(&mut self, r: Result<Evaluation, Error>) -> Result<Value, String> {
        let eval = r.map_err(|e| e.to_string())?;
        self.warnings
            .extend(eval.warnings.iter().map(ToString::to_string));
        Ok(eval.value)
    }

    /// Apply DMN type conformance for a declared type (absent or `null`: none).
    fn conform(&mut self, value: Value, ty: Option<&Json>) -> Value {
        match self.parse_type(ty) {
            Some(t) => conform(value, &t),
            None => value,
        }
    }

    /// A declared type; `None` when absent, `null`, or not parseable (with a warning).
    fn parse_type(&mut self, ty: Option<&Json>) -> Option<Type> {
        let Some(Json::String(text)) = ty else {
            return None;
        };
        match self.engine.parse_type(&strip_constraints(text)) {
            Ok(t) => Some(t),
            Err(e) => {
                self.warnings
                    .push(format!("type '{text}' not checked: {}", e.message()));
                None
            }
        }
    }
}

/// A business knowledge model with a declared result type: its results are conformed.
struct Conforming {
    inner: Function,
    ty: Type,
}

impl Callable for Conforming {
    fn name(&self) -> Option<&str> {
        self.inner.name()
    }

    fn params(&self) -> Vec<std::sync::Arc<str>> {
        self.inner.params()
    }

    fn call(&self, state: &mut State<'_>, args: Args) -> Value {
        conform(self.inner.call(state, args), &self.ty)
    }
}

/// `string (constrained)` → `string`: the corpus marks item definitions with allowed
/// values this way; the allowed values themselves are not carried.
fn strip_constraints(text: &str) -> String {
    text.replace(" (constrained)", "")
}

fn obj<'j>(j: &'j Json, what: &str) -> Result<&'j Map<String, Json>, String> {
    j.as_object()
        .ok_or_else(|| format!("{what} must be a JSON object"))
}

fn text_field<'j>(map: &'j Map<String, Json>, field: &str) -> Result<&'j str, String> {
    map.get(field)
        .and_then(Json::as_str)
        .ok_or_else(|| format!("missing text field `{field}`"))
}

fn array_field<'j>(map: &'j Map<String, Json>, field: &str) -> Result<&'j [Json], String> {
    match map.get(field) {
        None | Some(Json::Null) => Ok(&[]),
        Some(Json::Array(items)) => Ok(items),
        Some(_) => Err(format!("`{field}` must be an array")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(text: &str) -> Json {
        run_line(&Engine::new(), text).to_json()
    }

    #[test]
    fn malformed_lines_give_error_lines() {
        let out = line("{not json");
        assert_eq!(out["id"], Json::Null);
        assert!(out["error"].as_str().unwrap().starts_with("malformed line"));
        let out = line("[1, 2]");
        assert_eq!(out["error"], "a case must be a JSON object");
    }

    #[test]
    fn field_errors_keep_the_id() {
        let out = line(r#"{"id": "a/1"}"#);
        assert_eq!(out["id"], "a/1");
        assert_eq!(out["error"], "missing text field `expression`");
        let out = line(r#"{"id": 7, "expression": "x", "context": {"x": {"number": "1e"}}}"#);
        assert_eq!(out["id"], 7);
        assert_eq!(
            out["error"],
            "context: entry 'x': not a decimal number: '1e'"
        );
        let out = line(r#"{"id": 8, "expression": "x", "decisions": {"a": 1}}"#);
        assert_eq!(out["error"], "`decisions` must be an array");
        let out = line(r#"{"id": 9, "expression": "x", "kind": "table"}"#);
        assert_eq!(out["error"], "unknown kind 'table'");
    }

    #[test]
    fn declared_types_are_applied() {
        let out = line(
            r#"{"id": 1, "expression": "x", "context": {"x": {"number": "1"}}, "resultType": "list<number>"}"#,
        );
        assert_eq!(out["result"], serde_json::json!([{"number": "1"}]));
        let out = line(
            r#"{"id": 2, "expression": "x", "context": {"x": [{"number": "1"}]}, "inputTypes": {"x": "number (constrained)"}}"#,
        );
        assert_eq!(out["result"], serde_json::json!({"number": "1"}));
        let out =
            line(r#"{"id": 3, "expression": "x", "context": {"x": "a"}, "resultType": "number"}"#);
        assert_eq!(out["result"], Json::Null);
        let out = line(r#"{"id": 4, "expression": "1", "resultType": "list<"}"#);
        assert_eq!(out["result"], serde_json::json!({"number": "1"}));
        assert!(out["warnings"][0]
            .as_str()
            .unwrap()
            .starts_with("type 'list<' not checked"));
    }

    #[test]
    fn functions_and_decisions_are_in_scope() {
        let out = line(
            r#"{"id": 1, "expression": "Add One(Base Value) * d2", "context": {"Base Value": {"number": "4"}},
                "functions": [{"name": "Add One", "parameters": [{"name": "n", "type": "number"}], "body": "n + 1"}],
                "decisions": [{"name": "d1", "expression": "Add One(1)"}, {"name": "d2", "expression": "d1 * 10", "resultType": "number"}]}"#,
        );
        assert_eq!(
            out,
            serde_json::json!({"id": 1, "result": {"number": "100"}})
        );
        let out = line(
            r#"{"id": 2, "expression": "d", "decisions": [{"name": "d", "expression": "1 +"}]}"#,
        );
        assert!(
            out["error"]
                .as_str()
                .unwrap()
                .starts_with("decision 'd': syntax error"),
            "{out}"
        );
    }

    #[test]
    fn function_result_types_are_applied() {
        let run = |arg: &str| {
            line(&format!(
                r#"{{"id": 0, "expression": "wrap({arg})", "functions": [{{"name": "wrap", "parameters": [{{"name": "a", "type": null}}], "body": "[a]", "resultType": "number"}}]}}"#
            ))["result"]
                .clone()
        };
        assert_eq!(run("10"), serde_json::json!({"number": "10"}));
        assert_eq!(run(r#"\"x\""#), Json::Null);
    }

    #[test]
    fn unary_tests_use_the_input() {
        let run = |input: &str| {
            line(&format!(r#"{{"id": 0, "kind": "unaryTests", "expression": "< limit, 10", "context": {{"limit": {{"number": "5"}}}}, "input": {input}}}"#))["result"].clone()
        };
        assert_eq!(run(r#"{"number": "3"}"#), Json::Bool(true));
        assert_eq!(run(r#"{"number": "10"}"#), Json::Bool(true));
        assert_eq!(run(r#"{"number": "7"}"#), Json::Bool(false));
    }

    #[test]
    fn constraints_are_stripped() {
        assert_eq!(
            strip_constraints("context<a: string (constrained), b: number>"),
            "context<a: string, b: number>"
        );
    }
}
