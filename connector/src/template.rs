//! Connector templates: the job type, the input mappings, the task headers and the retries of
//! one service task, loaded from JSON or from a BPMN 2.0 file exported by Camunda Modeler.

use serde_json::Value as Json;

use crate::error::TemplateError;

/// The job type of the REST connector.
pub const HTTP_JSON_TYPE: &str = "io.camunda:http-json:1";

const ZEEBE_NS: &str = "http://camunda.org/schema/zeebe/1.0";

/// The keys of a JSON template.
const TOP_LEVEL_KEYS: [&str; 4] = ["type", "inputs", "taskHeaders", "retries"];

/// The task headers a JSON template may set: the four the REST connector reads, and the two
/// Camunda's element templates add to identify themselves.
pub(crate) const KNOWN_TASK_HEADERS: [&str; 6] = [
    "resultVariable",
    "resultExpression",
    "errorExpression",
    "retryBackoff",
    "elementTemplateVersion",
    "elementTemplateId",
];

/// The input variables the REST connector reads (the top level of an input target).
pub(crate) const CONNECTOR_INPUTS: [&str; 14] = [
    "method",
    "url",
    "headers",
    "queryParameters",
    "body",
    "authentication",
    "connectionTimeoutInSeconds",
    "readTimeoutInSeconds",
    "followRedirects",
    "ignoreNullValues",
    "skipEncoding",
    "storeResponse",
    "documentReturnFormat",
    "clientTls",
];

/// The candidate `name` is most likely a misspelling of: the same but for case, within a few
/// edits (a third of the longer name's length, at least two), or an abbreviation (a prefix of at
/// least four characters).
pub(crate) fn did_you_mean<'a>(name: &str, candidates: &[&'a str]) -> Option<&'a str> {
    let lower = name.to_lowercase();
    if lower.chars().count() >= 4 {
        if let Some(c) = candidates
            .iter()
            .find(|c| c.to_lowercase().starts_with(&lower))
        {
            return Some(c);
        }
    }
    let budget = |c: &str| (name.chars().count().max(c.chars().count()) / 3).max(2);
    candidates
        .iter()
        .map(|c| (edit_distance(&lower, &c.to_lowercase()), *c))
        .filter(|(d, c)| *d <= budget(c))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// Levenshtein distance over chars.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = if ca == *cb {
                diagonal
            } else {
                1 + diagonal.min(above).min(row[j])
            };
            diagonal = above;
        }
    }
    row[b.len()]
}

/// `unknown key 'x'` plus a suggestion, or the keys allowed.
fn unknown(what: &str, name: &str, known: &[&str]) -> String {
    match did_you_mean(name, known) {
        Some(c) => format!("unknown {what} '{name}'; did you mean '{c}'?"),
        None => format!(
            "unknown {what} '{name}'; expected one of {}",
            known.join(", ")
        ),
    }
}

/// One input mapping: `source` (FEEL when it starts with `=`, else a literal string) written
/// to `target` (a dotted path such as `authentication.type`).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Input {
    /// The source: `=<FEEL>` or a literal string.
    pub source: String,
    /// The target variable, dotted for nested contexts.
    pub target: String,
}

/// A service task bound to a connector.
///
/// ```
/// let t = connector::Template::from_json_str(r#"{"type": "io.camunda:http-json:1",
///     "inputs": {"method": "GET", "url": "http://127.0.0.1:1/x"}}"#).unwrap();
/// assert_eq!(t.inputs.len(), 2);
/// assert_eq!(t.retries, 3);
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Template {
    /// The job type (`io.camunda:http-json:1`).
    pub job_type: String,
    /// Input mappings, evaluated in order.
    pub inputs: Vec<Input>,
    /// Task headers (`resultVariable`, `resultExpression`, `errorExpression`, `retryBackoff`, …).
    pub task_headers: Vec<(String, String)>,
    /// The job's retries (the task definition's `retries`, default 3).
    pub retries: u32,
    /// The task definition's `retries` when it is a FEEL expression (`=maxRetries`): evaluated
    /// over the process variables when the job is executed, as Zeebe does when it creates the
    /// job; [`Template::retries`] is used when it gives no whole number.
    pub retries_expression: Option<String>,
}

impl Template {
    /// The value of a task header, if present.
    pub fn header(&self, key: &str) -> Option<&str> {
        self.task_headers
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// Parse a template from JSON text.
    pub fn from_json_str(text: &str) -> Result<Template, TemplateError> {
        let json: Json = serde_json::from_str(text)
            .map_err(|e| TemplateError::new(format!("the template is not valid JSON: {e}")))?;
        Template::from_json(&json)
    }

    /// Parse a template from a JSON value:
    /// `{type, inputs: [{source, target}] | {target: source}, taskHeaders: {..}, retries}`.
    ///
    /// Other keys, and task headers other than `resultVariable`, `resultExpression`,
    /// `errorExpression`, `retryBackoff` (and the `elementTemplateVersion` /
    /// `elementTemplateId` of Camunda's element templates), are errors naming the closest
    /// known one: a typo would otherwise be ignored without a word.
    ///
    /// ```
    /// let err = connector::Template::from_json_str(
    ///     r#"{"inputs": {}, "taskHeaders": {"resultExpresion": "={}"}}"#,
    /// ).unwrap_err();
    /// assert_eq!(
    ///     err.to_string(),
    ///     "taskHeaders.resultExpresion: unknown task header 'resultExpresion'; did you mean 'resultExpression'?"
    /// );
    /// ```
    pub fn from_json(json: &Json) -> Result<Template, TemplateError> {
        let obj = json
            .as_object()
            .ok_or_else(|| TemplateError::new("the template must be a JSON object"))?;
        if let Some(key) = obj.keys().find(|k| !TOP_LEVEL_KEYS.contains(&k.as_str())) {
            return Err(TemplateError::field(
                key.clone(),
                unknown("key", key, &TOP_LEVEL_KEYS),
            ));
        }
        let job_type = match obj.get("type") {
            None | Some(Json::Null) => HTTP_JSON_TYPE.to_string(),
            Some(Json::String(s)) => s.clone(),
            Some(_) => return Err(TemplateError::field("type", "must be a string")),
        };
        let inputs = match obj.get("inputs") {
            None | Some(Json::Null) => Vec::new(),
            Some(Json::Array(items)) => items
                .iter()
                .enumerate()
                .map(|(i, item)| parse_input(i, item))
                .collect::<Result<_, _>>()?,
            Some(Json::Object(map)) => map
                .iter()
                .map(|(target, source)| {
                    Ok(Input {
                        target: target.clone(),
                        source: scalar_text(source).ok_or_else(|| {
                            TemplateError::field(
                                format!("inputs.{target}"),
                                "the source must be a string",
                            )
                        })?,
                    })
                })
                .collect::<Result<_, _>>()?,
            Some(_) => {
                return Err(TemplateError::field(
                    "inputs",
                    "must be a list of {source, target} or an object {target: source}",
                ))
            }
        };
        let task_headers = match obj.get("taskHeaders") {
            None | Some(Json::Null) => Vec::new(),
            Some(Json::Object(map)) => map
                .iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| {
                    if !KNOWN_TASK_HEADERS.contains(&k.as_str()) {
                        return Err(TemplateError::field(
                            format!("taskHeaders.{k}"),
                            unknown("task header", k, &KNOWN_TASK_HEADERS[..4]),
                        ));
                    }
                    scalar_text(v).map(|v| (k.clone(), v)).ok_or_else(|| {
                        TemplateError::field(format!("taskHeaders.{k}"), "must be a string")
                    })
                })
                .collect::<Result<_, _>>()?,
            Some(_) => return Err(TemplateError::field("taskHeaders", "must be an object")),
        };
        let (retries, retries_expression) = match obj.get("retries") {
            None | Some(Json::Null) => (3, None),
            Some(v) => parse_retries(&scalar_text(v).unwrap_or_default())?,
        };
        Ok(Template {
            job_type,
            inputs,
            task_headers,
            retries,
            retries_expression,
        })
    }

    /// Load the service task with id `task_id` from a BPMN 2.0 document (`zeebe:taskDefinition`,
    /// `zeebe:ioMapping`, `zeebe:taskHeaders`).
    pub fn from_bpmn(xml: &str, task_id: &str) -> Result<Template, TemplateError> {
        let doc = roxmltree::Document::parse(xml)
            .map_err(|e| TemplateError::new(format!("the BPMN file is not valid XML: {e}")))?;
        let task = doc
            .descendants()
            .find(|n| n.is_element() && n.attribute("id") == Some(task_id))
            .ok_or_else(|| TemplateError::new(format!("no element with id '{task_id}'")))?;
        let mut template = Template {
            job_type: String::new(),
            inputs: Vec::new(),
            task_headers: Vec::new(),
            retries: 3,
            retries_expression: None,
        };
        let mut has_definition = false;
        for node in task.descendants().filter(|n| n.is_element()) {
            if node.tag_name().namespace() != Some(ZEEBE_NS) {
                continue;
            }
            match node.tag_name().name() {
                "taskDefinition" => {
                    has_definition = true;
                    template.job_type = node.attribute("type").unwrap_or_default().to_string();
                    if let Some(r) = node.attribute("retries") {
                        (template.retries, template.retries_expression) = parse_retries(r)?;
                    }
                }
                "input" => template.inputs.push(Input {
                    source: node.attribute("source").unwrap_or_default().to_string(),
                    target: node.attribute("target").unwrap_or_default().to_string(),
                }),
                "header" => {
                    if let (Some(k), Some(v)) = (node.attribute("key"), node.attribute("value")) {
                        template.task_headers.push((k.to_string(), v.to_string()));
                    }
                }
                _ => {}
            }
        }
        if !has_definition {
            return Err(TemplateError::new(format!(
                "element '{task_id}' has no zeebe:taskDefinition"
            )));
        }
        Ok(template)
    }
}

fn parse_input(index: usize, item: &Json) -> Result<Input, TemplateError> {
    let field = |name: &str| {
        item.get(name)
            .and_then(scalar_text)
            .ok_or_else(|| TemplateError::field(format!("inputs[{index}].{name}"), "is missing"))
    };
    Ok(Input {
        source: field("source")?,
        target: field("target")?,
    })
}

/// Text of a JSON scalar (strings as they are, numbers and booleans as JSON text).
fn scalar_text(v: &Json) -> Option<String> {
    match v {
        Json::String(s) => Some(s.clone()),
        Json::Number(n) => Some(n.to_string()),
        Json::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// A whole number of retries, or a FEEL expression (with the default of 3 until evaluated).
fn parse_retries(text: &str) -> Result<(u32, Option<String>), TemplateError> {
    let trimmed = text.trim();
    let unprefixed = trimmed.strip_prefix('=').unwrap_or(trimmed).trim();
    match unprefixed.parse::<u32>() {
        Ok(n) => Ok((n, None)),
        Err(_) if trimmed.starts_with('=') && !unprefixed.is_empty() => {
            Ok((3, Some(unprefixed.to_string())))
        }
        Err(_) => Err(TemplateError::field(
            "retries",
            format!("must be a non-negative integer or a FEEL expression, got '{text}'"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typos_are_errors_with_a_suggestion() {
        let err = |text: &str| Template::from_json_str(text).unwrap_err().to_string();
        assert_eq!(
            err(r#"{"inputs": {}, "taskHeader": {}}"#),
            "taskHeader: unknown key 'taskHeader'; did you mean 'taskHeaders'?"
        );
        assert_eq!(
            err(r#"{"inputs": {}, "Retries": 2}"#),
            "Retries: unknown key 'Retries'; did you mean 'retries'?"
        );
        assert_eq!(
            err(r#"{"inputs": {}, "headers": {}}"#),
            "headers: unknown key 'headers'; expected one of type, inputs, taskHeaders, retries"
        );
        assert_eq!(
            err(r#"{"inputs": {}, "taskHeaders": {"resultVar": "r"}}"#),
            "taskHeaders.resultVar: unknown task header 'resultVar'; did you mean 'resultVariable'?"
        );
        // Camunda's element templates identify themselves in two more headers
        let ok = Template::from_json_str(
            r#"{"taskHeaders": {"elementTemplateVersion": "11", "elementTemplateId": "x"}}"#,
        );
        assert!(ok.is_ok());
        assert_eq!(
            did_you_mean("queryParams", &CONNECTOR_INPUTS),
            Some("queryParameters")
        );
        assert_eq!(did_you_mean("baseUrl", &CONNECTOR_INPUTS), None);
    }
}
