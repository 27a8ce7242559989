//! The outcome of a job, mirroring Zeebe's job commands (complete, throw a BPMN error, fail),
//! and the output mapping that produces it: `resultVariable`, `resultExpression`, and the
//! `errorExpression` evaluated on every outcome.

mod duration;
mod functions;

use std::time::Duration;

use feel::{Context, Expression, Value};
use serde_json::{Map, Value as Json};

pub use duration::{format_duration, parse_duration};
pub use functions::register_functions;

use crate::error::{ConnectorError, Retry};
use crate::secrets::Redactor;

/// A FEEL warning from one of a task's expressions: the expression returned `null` (or a
/// value with `null` inside) for this reason and the execution went on. Carried next to the
/// [`Outcome`] by [`CompiledTemplate::execute_with_warnings`](crate::CompiledTemplate::execute_with_warnings),
/// never in the variables sent to the cluster.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FeelWarning {
    /// Which expression: `input url`, `input body.name`, `resultExpression`,
    /// `errorExpression`.
    pub field: String,
    /// The warning (kind, message, position in the expression).
    pub warning: feel::Warning,
}

/// `input url: [NO_VARIABLE_FOUND] no variable found for name 'baseUrl' (at offset 0)`.
impl std::fmt::Display for FeelWarning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.field, self.warning)
    }
}

/// One execution: the job's outcome and the FEEL warnings its expressions produced, in the
/// order they were evaluated (inputs, result expression, error expression).
#[derive(Clone, Debug, PartialEq)]
pub struct Execution {
    /// What happens to the job.
    pub outcome: Outcome,
    /// Why expressions gave `null`: a missing variable, a misspelt path, a wrong type.
    pub warnings: Vec<FeelWarning>,
}

/// What happens to the job.
#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    /// Complete the job with these variables.
    Complete {
        /// Output variables.
        variables: Map<String, Json>,
    },
    /// Throw a BPMN error.
    BpmnError {
        /// The error code a boundary event catches.
        code: String,
        /// The error message, if any.
        message: Option<String>,
        /// Variables passed to the catching event.
        variables: Map<String, Json>,
    },
    /// Fail the job.
    Failed {
        /// Why.
        message: String,
        /// Retries left (0 raises an incident).
        retries: u32,
        /// Delay before the next retry.
        retry_backoff: Option<Duration>,
        /// Variables set on the task (`error`, …).
        variables: Map<String, Json>,
    },
}

impl Outcome {
    /// The outcome as one JSON object (the `connector run` output).
    pub fn to_json(&self) -> Json {
        let mut map = Map::new();
        match self {
            Outcome::Complete { variables } => {
                map.insert("outcome".into(), "complete".into());
                map.insert("variables".into(), Json::Object(variables.clone()));
            }
            Outcome::BpmnError {
                code,
                message,
                variables,
            } => {
                map.insert("outcome".into(), "bpmnError".into());
                map.insert("code".into(), code.clone().into());
                map.insert(
                    "message".into(),
                    message.clone().map_or(Json::Null, Json::String),
                );
                map.insert("variables".into(), Json::Object(variables.clone()));
            }
            Outcome::Failed {
                message,
                retries,
                retry_backoff,
                variables,
            } => {
                map.insert("outcome".into(), "failed".into());
                map.insert("message".into(), message.clone().into());
                map.insert("retries".into(), (*retries).into());
                map.insert(
                    "retryBackoff".into(),
                    retry_backoff.map_or(Json::Null, |d| Json::String(format_duration(d))),
                );
                map.insert("variables".into(), Json::Object(variables.clone()));
            }
        }
        Json::Object(map)
    }

    /// The variables carried by the outcome.
    pub fn variables(&self) -> &Map<String, Json> {
        match self {
            Outcome::Complete { variables }
            | Outcome::BpmnError { variables, .. }
            | Outcome::Failed { variables, .. } => variables,
        }
    }

    /// Whether the job completes (neither a BPMN error nor a failure).
    pub fn is_complete(&self) -> bool {
        matches!(self, Outcome::Complete { .. })
    }

    /// The variables of a completed job, or the outcome itself as the error: a BPMN error or
    /// a failure (which implements [`std::error::Error`], so `?` works in functions returning
    /// `Box<dyn Error>`).
    ///
    /// ```
    /// use connector::Outcome;
    /// let done = Outcome::Complete { variables: serde_json::Map::new() };
    /// assert!(done.is_complete());
    /// assert!(done.into_result().is_ok());
    ///
    /// let failed = Outcome::Failed {
    ///     message: "503 Service Unavailable".into(),
    ///     retries: 2,
    ///     retry_backoff: None,
    ///     variables: serde_json::Map::new(),
    /// };
    /// let err = failed.into_result().unwrap_err();
    /// assert_eq!(err.to_string(), "failed (2 retries left): 503 Service Unavailable");
    /// ```
    pub fn into_result(self) -> Result<Map<String, Json>, Outcome> {
        match self {
            Outcome::Complete { variables } => Ok(variables),
            other => Err(other),
        }
    }

    pub(crate) fn redact(self, r: &Redactor) -> Outcome {
        if r.is_empty() {
            return self;
        }
        let vars = |v: Map<String, Json>| match r.redact_json(&Json::Object(v)) {
            Json::Object(m) => m,
            _ => Map::new(),
        };
        match self {
            Outcome::Complete { variables } => Outcome::Complete {
                variables: vars(variables),
            },
            Outcome::BpmnError {
                code,
                message,
                variables,
            } => Outcome::BpmnError {
                code: r.redact(&code),
                message: message.map(|m| r.redact(&m)),
                variables: vars(variables),
            },
            Outcome::Failed {
                message,
                retries,
                retry_backoff,
                variables,
            } => Outcome::Failed {
                message: r.redact(&message),
                retries,
                retry_backoff,
                variables: vars(variables),
            },
        }
    }
}

/// The compiled output mapping of a template.
#[derive(Clone, Debug)]
pub(crate) struct OutputMapping {
    pub(crate) result_variable: Option<String>,
    pub(crate) result_expression: Option<Expression>,
    pub(crate) error_expression: Option<Expression>,
    /// `Err(header text)` when the header is not a valid duration.
    pub(crate) retry_backoff: Result<Option<Duration>, String>,
}

/// The largest output accepted (Camunda's inline variable guard).
const MAX_OUTPUT_BYTES: usize = 1_500_000;

fn json_kind(v: &Json) -> &'static str {
    match v {
        Json::Array(_) => "array",
        Json::String(_) => "string",
        Json::Number(_) => "number",
        Json::Bool(_) => "boolean",
        Json::Null => "null",
        Json::Object(_) => "object",
    }
}

/// One line: `complete`, `BPMN error CODE: message`, `failed (N retries left): message`.
impl std::fmt::Display for Outcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Outcome::Complete { .. } => f.write_str("complete"),
            Outcome::BpmnError { code, message, .. } => {
                write!(f, "BPMN error {code}")?;
                match message {
                    Some(m) if !m.is_empty() => write!(f, ": {m}"),
                    _ => Ok(()),
                }
            }
            Outcome::Failed {
                message, retries, ..
            } => write!(f, "failed ({retries} retries left): {message}"),
        }
    }
}

/// So that [`Outcome::into_result`]'s error works with `?`.
impl std::error::Error for Outcome {}

/// The length of a value's `Display` text, without allocating it (serde_json's numbers have
/// their text only with its `arbitrary_precision` feature).
fn display_len(v: &impl std::fmt::Display) -> usize {
    struct Count(usize);
    impl std::fmt::Write for Count {
        fn write_str(&mut self, s: &str) -> std::fmt::Result {
            self.0 += s.len();
            Ok(())
        }
    }
    let mut count = Count(0);
    // Counting never fails.
    let _ = std::fmt::Write::write_fmt(&mut count, format_args!("{v}"));
    count.0
}

/// One walk over an output value: whether it holds the forbidden key
/// `camunda.function.type`, and at least its length serialised as JSON, counted without
/// serialising (every string as if each byte needed a six-byte escape), added to `size`.
fn scan(v: &Json, size: &mut usize) -> bool {
    let string = |s: &str| s.len().saturating_mul(6).saturating_add(2);
    let add = |size: &mut usize, n: usize| *size = size.saturating_add(n);
    match v {
        Json::Null | Json::Bool(_) => add(size, 5),
        Json::Number(n) => add(size, display_len(n)),
        Json::String(s) => add(size, string(s)),
        Json::Array(items) => {
            add(size, items.len() + 2);
            for item in items {
                if scan(item, size) {
                    return true;
                }
            }
        }
        Json::Object(map) => {
            add(size, 2);
            for (k, item) in map {
                if k == FORBIDDEN_KEY || scan(item, size) {
                    return true;
                }
                add(size, string(k) + 2);
            }
        }
    }
    false
}

const FORBIDDEN_KEY: &str = "camunda.function.type";

/// At least the length of `v` serialised as JSON (see [`scan`]).
#[cfg(test)]
fn json_size_bound(v: &Json) -> usize {
    let mut size = 0;
    scan(v, &mut size);
    size
}

/// The length of `v` serialised as a JSON object, counted without building the text.
fn json_size(v: &Map<String, Json>) -> usize {
    struct Count(usize);
    impl std::io::Write for Count {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0 += buf.len();
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut count = Count(0);
    match serde_json::to_writer(&mut count, v) {
        Ok(()) => count.0,
        Err(_) => usize::MAX,
    }
}

/// Add an expression's warnings, named by its field.
fn collect(out: &mut Vec<FeelWarning>, field: &str, warnings: Vec<feel::Warning>) {
    out.extend(warnings.into_iter().map(|warning| FeelWarning {
        field: field.to_string(),
        warning,
    }));
}

/// `{…entries of value, response: value, extra…}` as a FEEL context.
fn scope(value: &Json, extra: &[(&str, Json)]) -> Context {
    let mut ctx = Context::from_json(value).unwrap_or_default();
    ctx.insert("response", Value::from_json(value));
    for (k, v) in extra {
        ctx.insert(*k, Value::from_json(v));
    }
    ctx
}

impl OutputMapping {
    /// `resultVariable` and `resultExpression` over a successful response.
    fn map_result(
        &self,
        response: Json,
        warnings: &mut Vec<FeelWarning>,
    ) -> Result<(Map<String, Json>, Option<Json>), ConnectorError> {
        // The expression sees the response first; its entries then go over `resultVariable`
        // (Camunda's putAll order), so the response itself can be moved, not copied.
        let entries = match &self.result_expression {
            None => None,
            Some(expr) => {
                let value = expr.evaluate(&scope(&response, &[])).map_err(|e| {
                    ConnectorError::runtime(format!(
                        "Failed to evaluate expression '{}': {e}",
                        expr.source()
                    ))
                })?;
                collect(warnings, "resultExpression", value.warnings);
                match value.value.to_json() {
                    Json::Null => None,
                    Json::Object(map) => Some(map),
                    other => {
                        return Err(ConnectorError::input(format!(
                            "Result expression must return a JSON object, but got {}. Evaluated value: {other}",
                            json_kind(&other)
                        )))
                    }
                }
            }
        };
        let mut out = Map::with_capacity(1 + entries.as_ref().map_or(0, |m| m.len()));
        let unused = match &self.result_variable {
            Some(name) => {
                out.insert(name.clone(), response);
                None
            }
            None => Some(response),
        };
        if let Some(map) = entries {
            out.extend(map);
        }
        // one walk: the forbidden key, and a cheap upper bound of the size; the exact size
        // is only needed when the bound does not settle it
        let mut bound = 2usize;
        for (k, v) in &out {
            if k == FORBIDDEN_KEY || scan(v, &mut bound) {
                return Err(ConnectorError::input(
                    "The connector result contains a forbidden literal",
                ));
            }
            bound = bound.saturating_add(k.len() * 6 + 4);
        }
        let size = if bound <= MAX_OUTPUT_BYTES {
            bound
        } else {
            json_size(&out)
        };
        if size > MAX_OUTPUT_BYTES {
            return Err(ConnectorError::input(format!(
                "Output variables payload ({size} bytes) exceeds the 1.5 MB safe variable size limit"
            )));
        }
        Ok((out, unused))
    }

    fn failed(&self, message: String, retries: u32, variables: Map<String, Json>) -> Outcome {
        match &self.retry_backoff {
            Ok(backoff) => Outcome::Failed { message, retries, retry_backoff: *backoff, variables },
            Err(header) => Outcome::Failed {
                message: format!(
                    "Failed to parse retry backoff header. Expected ISO-8601 duration, e.g. PT5M, got: {header}"
                ),
                retries: 0,
                retry_backoff: None,
                variables,
            },
        }
    }

    fn fail_with(&self, e: &ConnectorError, job_retries: u32) -> Outcome {
        let retries = match e.retry {
            Retry::Never => 0,
            Retry::Decrement => job_retries.saturating_sub(1),
        };
        let mut vars = Map::new();
        vars.insert("error".into(), e.to_json());
        self.failed(e.message.clone(), retries, vars)
    }

    /// Map the execution result to the job's outcome.
    pub(crate) fn finish(
        &self,
        result: Result<Json, ConnectorError>,
        job_retries: u32,
        redactor: &Redactor,
        warnings: &mut Vec<FeelWarning>,
    ) -> Outcome {
        let mapped = result.and_then(|response| self.map_result(response, warnings));
        let mapped = mapped.map_err(|e| redact_error(e, redactor));
        if let Some(expr) = &self.error_expression {
            let value = match &mapped {
                Ok((vars, _)) if !vars.is_empty() => Json::Object(vars.clone()),
                Ok((_, Some(response))) => response.clone(),
                Ok((vars, None)) => Json::Object(vars.clone()),
                Err(e) => {
                    let mut m = Map::new();
                    m.insert("error".into(), e.to_json());
                    Json::Object(m)
                }
            };
            let mut job = Map::new();
            job.insert("retries".into(), job_retries.into());
            let ctx = scope(&value, &[("job", Json::Object(job))]);
            match expr.evaluate(&ctx) {
                Err(e) => {
                    let err = ConnectorError::input(e.to_string());
                    let mut vars = Map::new();
                    vars.insert("error".into(), err.to_json());
                    return self.failed(err.message, 0, vars);
                }
                Ok(eval) => {
                    collect(warnings, "errorExpression", eval.warnings);
                    if let Some(outcome) = self.error_outcome(&eval.value) {
                        return outcome;
                    }
                }
            }
        }
        match mapped {
            Ok((variables, _)) => Outcome::Complete { variables },
            Err(e) => self.fail_with(&e, job_retries),
        }
    }

    /// The outcome an error-expression result asks for, or `None` to carry on.
    fn error_outcome(&self, value: &Value) -> Option<Outcome> {
        let json = value.to_json();
        let map = match &json {
            Json::Null => return None,
            Json::Object(m) if m.is_empty() => return None,
            Json::Object(m) => m,
            other => {
                return Some(self.fail_with(
                    &ConnectorError::input(format!(
                        "Error expression must return a JSON object, but got {}. Evaluated value: {other}",
                        json_kind(other)
                    )),
                    0,
                ))
            }
        };
        let ctx = value.as_context();
        let vars = |key: &str| match map.get(key) {
            Some(Json::Object(v)) => v.clone(),
            _ => Map::new(),
        };
        let text = |key: &str| map.get(key).and_then(Json::as_str).map(str::to_string);
        match map.get("errorType").and_then(Json::as_str) {
            Some("bpmnError") => {
                let code = text("errorCode")?;
                let message = text("errorMessage").map(|m| m.chars().take(6000).collect());
                Some(Outcome::BpmnError { code, message, variables: vars("variables") })
            }
            Some("jobError") => {
                let message = text("errorMessage").unwrap_or_default();
                let retries = ctx
                    .and_then(|c| c.get("retries"))
                    .and_then(Value::as_number)
                    .map_or(0, functions::to_retries);
                let backoff = match ctx.and_then(|c| c.get("retryBackoff")) {
                    Some(Value::DaysTime(d)) => Some(Duration::from_nanos(
                        u64::try_from(d.0.max(0)).unwrap_or(u64::MAX),
                    )),
                    Some(Value::String(s)) => parse_duration(s),
                    _ => Some(Duration::ZERO),
                };
                let mut variables = vars("variables");
                variables.insert("error".into(), Json::String(message.clone()));
                Some(Outcome::Failed { message, retries, retry_backoff: backoff, variables })
            }
            Some("ignoreError") => Some(Outcome::Complete { variables: vars("variables") }),
            _ => Some(self.fail_with(
                &ConnectorError::input(format!(
                    "Cannot parse '{json}' as 'io.camunda.connector.runtime.core.error.ConnectorError'"
                )),
                0,
            )),
        }
    }
}

fn redact_error(mut e: ConnectorError, r: &Redactor) -> ConnectorError {
    e.message = r.redact(&e.message);
    if let Some(vars) = e.variables.take() {
        if let Json::Object(m) = r.redact_json(&Json::Object(*vars)) {
            e.variables = Some(Box::new(m));
        }
    }
    e
}

#[cfg(test)]
mod size_tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    fn mapping() -> OutputMapping {
        OutputMapping {
            result_variable: Some("r".into()),
            result_expression: None,
            error_expression: None,
            retry_backoff: Ok(None),
        }
    }

    fn json_value() -> impl Strategy<Value = Json> {
        let leaf = prop_oneof![
            Just(Json::Null),
            any::<bool>().prop_map(Json::from),
            any::<i64>().prop_map(Json::from),
            "[a-z\"\\\\\u{1}é]{0,12}".prop_map(Json::from),
        ];
        leaf.prop_recursive(3, 24, 4, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(Json::Array),
                prop::collection::vec(("[a-z\"]{0,6}", inner), 0..4)
                    .prop_map(|kv| Json::Object(kv.into_iter().collect())),
            ]
        })
    }

    proptest! {
        /// The cheap bound never undercounts, so it never lets an oversized output through.
        #[test]
        fn bound_is_at_least_the_serialised_length(v in json_value()) {
            let exact = serde_json::to_string(&v).map(|s| s.len()).unwrap_or(0);
            prop_assert!(json_size_bound(&v) >= exact);
        }
    }

    #[test]
    fn output_size_limit_holds_on_both_sides_of_the_bound() {
        let size_error = |body: Json| match mapping().map_result(body, &mut Vec::new()) {
            Ok(_) => None,
            Err(e) => Some(e.message),
        };
        // plainly under the limit: settled by the bound
        assert_eq!(size_error(json!({"a": "x".repeat(1000)})), None);
        // the bound (six bytes a character) is over the limit, the text is not: exact count
        assert_eq!(size_error(json!("x".repeat(1_000_000))), None);
        // over the limit
        let message = size_error(json!("x".repeat(1_600_000))).unwrap_or_default();
        assert!(message.contains("exceeds the 1.5 MB"), "{message}");
        // escapes count: 800,000 quotes are 1.6 MB of JSON (`{"r":"\"\"…"}`)
        let message = size_error(json!("\"".repeat(800_000))).unwrap_or_default();
        assert!(message.contains("(1600008 bytes)"), "{message}");
    }

    #[test]
    fn the_function_type_key_is_refused_at_any_depth() {
        let refused = |body: Json| match mapping().map_result(body, &mut Vec::new()) {
            Err(e) => e.message.contains("forbidden literal"),
            Ok(_) => false,
        };
        assert!(refused(json!({"camunda.function.type": 1})));
        assert!(refused(
            json!({"a": [1, {"b": {"camunda.function.type": null}}]})
        ));
        // after a large entry too (the size bound does not end the search)
        assert!(refused(
            json!([{"big": "x".repeat(1_000_000)}, {"camunda.function.type": "x"}])
        ));
        assert!(!refused(
            json!({"a": [{"camunda.function": "type"}], "b": "camunda.function.type"})
        ));
    }
}
