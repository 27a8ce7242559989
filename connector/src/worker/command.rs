//! An [`Outcome`] as the job command the cluster's REST API (v2) defines: completion, BPMN
//! error or failure, with its exact request body.

use serde_json::{json, Map, Value as Json};

use crate::outcome::Outcome;

/// Camunda's connector runtime truncates error messages to this many characters.
pub(crate) const MAX_ERROR_MESSAGE_CHARS: usize = 6000;

/// Which job command answers a job.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CommandKind {
    /// `POST /v2/jobs/{jobKey}/completion`
    Complete,
    /// `POST /v2/jobs/{jobKey}/error`
    ThrowError,
    /// `POST /v2/jobs/{jobKey}/failure`
    Fail,
}

impl CommandKind {
    /// The last path segment of the command's endpoint.
    pub fn path(self) -> &'static str {
        match self {
            CommandKind::Complete => "completion",
            CommandKind::ThrowError => "error",
            CommandKind::Fail => "failure",
        }
    }

    /// The outcome's name in logs and metrics.
    pub fn outcome(self) -> &'static str {
        match self {
            CommandKind::Complete => "complete",
            CommandKind::ThrowError => "bpmnError",
            CommandKind::Fail => "failed",
        }
    }
}

/// A job command: its kind and request body.
#[derive(Clone, Debug, PartialEq)]
pub struct Command {
    /// The endpoint.
    pub kind: CommandKind,
    /// The JSON request body.
    pub body: Json,
}

fn truncate(message: &str) -> String {
    match message.char_indices().nth(MAX_ERROR_MESSAGE_CHARS) {
        Some((end, _)) => message[..end].to_string(),
        None => message.to_string(),
    }
}

impl Command {
    /// The command that reports `outcome` to the cluster.
    ///
    /// ```
    /// use connector::worker::{Command, CommandKind};
    /// let failed = connector::Outcome::Failed {
    ///     message: "boom".into(),
    ///     retries: 2,
    ///     retry_backoff: Some(std::time::Duration::from_secs(5)),
    ///     variables: Default::default(),
    /// };
    /// let command = Command::from_outcome(&failed);
    /// assert_eq!(command.kind, CommandKind::Fail);
    /// assert_eq!(command.body, serde_json::json!(
    ///     {"retries": 2, "errorMessage": "boom", "retryBackOff": 5000, "variables": {}}));
    /// ```
    pub fn from_outcome(outcome: &Outcome) -> Command {
        match outcome {
            Outcome::Complete { variables } => Command {
                kind: CommandKind::Complete,
                body: json!({ "variables": variables }),
            },
            Outcome::BpmnError {
                code,
                message,
                variables,
            } => {
                let mut body = Map::new();
                body.insert("errorCode".into(), Json::String(code.clone()));
                if let Some(message) = message {
                    body.insert("errorMessage".into(), Json::String(truncate(message)));
                }
                body.insert("variables".into(), Json::Object(variables.clone()));
                Command {
                    kind: CommandKind::ThrowError,
                    body: Json::Object(body),
                }
            }
            Outcome::Failed {
                message,
                retries,
                retry_backoff,
                variables,
            } => {
                let mut body = Map::new();
                body.insert("retries".into(), json!(retries));
                body.insert("errorMessage".into(), Json::String(truncate(message)));
                if let Some(backoff) = retry_backoff {
                    let ms = u64::try_from(backoff.as_millis()).unwrap_or(u64::MAX);
                    body.insert("retryBackOff".into(), json!(ms));
                }
                body.insert("variables".into(), Json::Object(variables.clone()));
                Command {
                    kind: CommandKind::Fail,
                    body: Json::Object(body),
                }
            }
        }
    }

    /// Hand a job back untouched (shutdown): a failure that keeps its retries and asks for no
    /// backoff, so another worker can take it at once.
    pub fn give_back(retries: u32) -> Command {
        Command {
            kind: CommandKind::Fail,
            body: json!({
                "retries": retries,
                "errorMessage": "the worker shut down before the job finished",
                "retryBackOff": 0,
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_messages_are_truncated_to_6000_characters() {
        let long = "é".repeat(7000);
        let outcome = Outcome::BpmnError {
            code: "E".into(),
            message: Some(long),
            variables: Map::new(),
        };
        let body = Command::from_outcome(&outcome).body;
        let message = body["errorMessage"].as_str().unwrap_or_default();
        assert_eq!(message.chars().count(), 6000);
    }

    #[test]
    fn a_bpmn_error_without_message_sends_none() {
        let outcome = Outcome::BpmnError {
            code: "NOT_FOUND".into(),
            message: None,
            variables: Map::new(),
        };
        assert_eq!(
            Command::from_outcome(&outcome).body,
            json!({"errorCode": "NOT_FOUND", "variables": {}})
        );
    }
}
