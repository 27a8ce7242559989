//! The connector's error type: what failed, and how the job reacts to it.

use serde_json::{Map, Value as Json};

/// The Java exception type Camunda reports for HTTP and I/O failures.
pub const CONNECTOR_EXCEPTION: &str = "io.camunda.connector.api.error.ConnectorException";
/// The Java exception type Camunda reports for input and validation failures.
pub const CONNECTOR_INPUT_EXCEPTION: &str =
    "io.camunda.connector.api.error.ConnectorInputException";

/// How a failure affects the job's retries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Retry {
    /// An input, validation or configuration problem: retrying cannot help (retries 0).
    Never,
    /// A technical problem (HTTP status, I/O, FEEL result mapping): retries − 1.
    Decrement,
}

/// A failure while executing a connector job.
///
/// `code` is the HTTP status as a string (or `"408"`, `"500"`, …) for HTTP and I/O errors;
/// `variables` carries `response` (`headers`, `body`) for HTTP errors.
#[derive(Clone, Debug, PartialEq)]
pub struct ConnectorError {
    /// The error code, if any (`"404"`, `"408"`, `OAUTH_TOKEN_ERROR`, …).
    pub code: Option<String>,
    /// A human-readable message.
    pub message: String,
    /// The Java exception type reported to the error expression as `error.type`.
    pub kind: &'static str,
    /// Extra variables (`{response: {headers, body}}` for HTTP errors).
    pub variables: Option<Box<Map<String, Json>>>,
    /// Whether the job is retried.
    pub retry: Retry,
}

impl ConnectorError {
    /// An input or validation error: the job fails without retries.
    pub fn input(message: impl Into<String>) -> Self {
        ConnectorError {
            code: None,
            message: message.into(),
            kind: CONNECTOR_INPUT_EXCEPTION,
            variables: None,
            retry: Retry::Never,
        }
    }

    /// A technical error with a code: the job fails with retries − 1.
    pub fn technical(code: impl Into<String>, message: impl Into<String>) -> Self {
        ConnectorError {
            code: Some(code.into()),
            message: message.into(),
            kind: CONNECTOR_EXCEPTION,
            variables: None,
            retry: Retry::Decrement,
        }
    }

    /// A technical error without a code (e.g. a failing result expression).
    pub fn runtime(message: impl Into<String>) -> Self {
        ConnectorError {
            code: None,
            message: message.into(),
            kind: "java.lang.RuntimeException",
            variables: None,
            retry: Retry::Decrement,
        }
    }

    /// Attach variables.
    pub fn with_variables(mut self, variables: Map<String, Json>) -> Self {
        self.variables = Some(Box::new(variables));
        self
    }

    /// The `error` object seen by the error expression: `{type, message, code?, variables?}`.
    pub fn to_json(&self) -> Json {
        let mut map = Map::new();
        map.insert("type".into(), Json::String(self.kind.to_string()));
        map.insert("message".into(), Json::String(self.message.clone()));
        if let Some(code) = &self.code {
            map.insert("code".into(), Json::String(code.clone()));
        }
        if let Some(vars) = &self.variables {
            map.insert("variables".into(), Json::Object((**vars).clone()));
        }
        Json::Object(map)
    }
}

impl std::fmt::Display for ConnectorError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.code {
            Some(code) => write!(f, "[{code}] {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for ConnectorError {}

/// A template could not be loaded or compiled; the message names the field.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct TemplateError {
    /// The field at fault (`inputs[2].source (url)`, `taskHeaders.resultExpression`, …), if known.
    pub field: Option<String>,
    /// What is wrong.
    pub message: String,
}

impl TemplateError {
    /// An error about the template as a whole.
    pub fn new(message: impl Into<String>) -> Self {
        TemplateError {
            field: None,
            message: message.into(),
        }
    }

    /// An error about one field; the message is prefixed with the field name.
    pub fn field(field: impl Into<String>, message: impl std::fmt::Display) -> Self {
        let field = field.into();
        TemplateError {
            message: format!("{field}: {message}"),
            field: Some(field),
        }
    }
}
