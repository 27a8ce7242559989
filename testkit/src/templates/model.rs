//! Camunda element templates (the `zeebe` element-templates JSON schema): properties with
//! bindings, conditions, constraints and defaults, and what Camunda Modeler writes when a
//! template is applied to a service task.

use serde_json::{Map, Value as Json};

/// Where a property's value goes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Binding {
    /// `zeebe:input`: an input mapping to `name`.
    Input(String),
    /// `zeebe:taskHeader`: a task header `key`.
    Header(String),
    /// `zeebe:taskDefinition` `type` (or `zeebe:taskDefinition:type`).
    JobType,
    /// `zeebe:taskDefinition` `retries`.
    Retries,
    /// Anything else (`zeebe:property`, none): no effect on the task's execution.
    Other,
}

/// A property's condition.
#[derive(Clone, Debug, PartialEq)]
pub enum Condition {
    /// The property `property` is active and its value equals one of `values`.
    OneOf(String, Vec<Json>),
    /// The property `property` is active (or not) .
    IsActive(String, bool),
    /// The property is empty (or not).
    IsEmpty(String, bool),
    /// Every condition holds.
    All(Vec<Condition>),
}

/// One property of a template.
#[derive(Clone, Debug, PartialEq)]
pub struct Property {
    /// The id other properties' conditions name (may be missing).
    pub id: Option<String>,
    /// `String`, `Text`, `Hidden`, `Dropdown`, `Boolean`, `Number`, …
    pub kind: String,
    /// The default value.
    pub value: Option<Json>,
    /// The dropdown's choices.
    pub choices: Vec<Json>,
    /// Where the value goes.
    pub binding: Binding,
    /// When the property is shown and applied.
    pub condition: Option<Condition>,
    /// `optional: true`: no mapping when empty.
    pub optional: bool,
    /// `feel`: `optional`, `required`, `static` or none.
    pub feel: Option<String>,
    /// `constraints.notEmpty`.
    pub not_empty: bool,
    /// `constraints.pattern.value`.
    pub pattern: Option<String>,
}

/// A template.
#[derive(Clone, Debug, PartialEq)]
pub struct ElementTemplate {
    /// Its id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// Its version (0 when unversioned).
    pub version: u64,
    /// Its properties, in order.
    pub properties: Vec<Property>,
}

fn condition(v: &Json) -> Option<Condition> {
    let obj = v.as_object()?;
    if let Some(all) = obj.get("allMatch").and_then(Json::as_array) {
        return Some(Condition::All(all.iter().filter_map(condition).collect()));
    }
    let property = obj.get("property")?.as_str()?.to_string();
    if let Some(e) = obj.get("equals") {
        return Some(Condition::OneOf(property, vec![e.clone()]));
    }
    if let Some(list) = obj.get("oneOf").and_then(Json::as_array) {
        return Some(Condition::OneOf(property, list.clone()));
    }
    if let Some(b) = obj.get("isActive").and_then(Json::as_bool) {
        return Some(Condition::IsActive(property, b));
    }
    if let Some(b) = obj.get("isEmpty").and_then(Json::as_bool) {
        return Some(Condition::IsEmpty(property, b));
    }
    None
}

fn property(p: &Map<String, Json>) -> Property {
    let text = |k: &str| p.get(k).and_then(Json::as_str).map(str::to_string);
    let b = p.get("binding").and_then(Json::as_object);
    let bt = b
        .and_then(|b| b.get("type"))
        .and_then(Json::as_str)
        .unwrap_or("");
    let bfield = |k: &str| {
        b.and_then(|b| b.get(k))
            .and_then(Json::as_str)
            .unwrap_or("")
            .to_string()
    };
    let binding = match bt {
        "zeebe:input" => Binding::Input(bfield("name")),
        "zeebe:taskHeader" => Binding::Header(bfield("key")),
        "zeebe:taskDefinition:type" => Binding::JobType,
        "zeebe:taskDefinition" if bfield("property") == "type" => Binding::JobType,
        "zeebe:taskDefinition" if bfield("property") == "retries" => Binding::Retries,
        _ => Binding::Other,
    };
    let constraints = p.get("constraints").and_then(Json::as_object);
    Property {
        id: text("id"),
        kind: text("type").unwrap_or_else(|| "String".into()),
        value: p.get("value").cloned(),
        choices: p
            .get("choices")
            .and_then(Json::as_array)
            .map(|c| c.iter().filter_map(|c| c.get("value").cloned()).collect())
            .unwrap_or_default(),
        binding,
        condition: p.get("condition").and_then(condition),
        optional: p.get("optional").and_then(Json::as_bool).unwrap_or(false),
        feel: text("feel"),
        not_empty: constraints
            .and_then(|c| c.get("notEmpty"))
            .and_then(Json::as_bool)
            .unwrap_or(false),
        pattern: constraints
            .and_then(|c| c.get("pattern"))
            .and_then(|p| p.get("value").or(Some(p)))
            .and_then(Json::as_str)
            .map(str::to_string),
    }
}

impl ElementTemplate {
    /// Read one template object.
    pub fn from_json(t: &Json) -> Option<ElementTemplate> {
        let obj = t.as_object()?;
        Some(ElementTemplate {
            id: obj.get("id")?.as_str()?.to_string(),
            name: obj
                .get("name")
                .and_then(Json::as_str)
                .unwrap_or_default()
                .to_string(),
            version: obj.get("version").and_then(Json::as_u64).unwrap_or(0),
            properties: obj
                .get("properties")?
                .as_array()?
                .iter()
                .filter_map(Json::as_object)
                .map(property)
                .collect(),
        })
    }

    /// The job type the template sets.
    pub fn job_type(&self) -> Option<String> {
        self.properties
            .iter()
            .find(|p| p.binding == Binding::JobType)
            .and_then(|p| p.value.as_ref())
            .and_then(Json::as_str)
            .map(str::to_string)
    }
}

/// Every template in a folder of template files (each a template or an array of them).
pub fn load_dir(dir: &std::path::Path) -> Result<Vec<ElementTemplate>, String> {
    let mut files: Vec<_> = walk(dir)?;
    files.sort();
    let mut out = Vec::new();
    for file in files {
        let text =
            std::fs::read_to_string(&file).map_err(|e| format!("{}: {e}", file.display()))?;
        let json: Json =
            serde_json::from_str(&text).map_err(|e| format!("{}: {e}", file.display()))?;
        let items = match json {
            Json::Array(items) => items,
            other => vec![other],
        };
        out.extend(items.iter().filter_map(ElementTemplate::from_json));
    }
    Ok(out)
}

fn walk(dir: &std::path::Path) -> Result<Vec<std::path::PathBuf>, String> {
    let mut out = Vec::new();
    let entries = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(walk(&path)?);
        } else if path.extension().is_some_and(|e| e == "json") {
            out.push(path);
        }
    }
    Ok(out)
}
