//! The variants of a template worth running: one for each combination of the dropdowns that
//! change the request (those other properties' conditions look at, and the method and
//! authentication type), everything else at its default, required fields filled in.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value as Json;

use super::model::{Binding, Condition, ElementTemplate, Property};

/// A template with its dropdowns set: what Camunda Modeler would save.
#[derive(Clone, Debug, PartialEq)]
pub struct Variant {
    /// The dropdown choices that make it (`id=value`), in property order.
    pub choices: Vec<(String, String)>,
    /// The input mappings, in order: (source, target).
    pub inputs: Vec<(String, String)>,
    /// The task headers.
    pub headers: Vec<(String, String)>,
    /// The job type.
    pub job_type: String,
    /// The retries (as written, may be FEEL).
    pub retries: Option<String>,
    /// The secrets the generated values use, with their generated values.
    pub secrets: BTreeMap<String, String>,
}

impl Variant {
    /// `id=value, …` or `defaults`.
    pub fn label(&self) -> String {
        if self.choices.is_empty() {
            "defaults".into()
        } else {
            self.choices
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join(", ")
        }
    }
}

fn text(v: &Json) -> String {
    match v {
        Json::String(s) => s.clone(),
        Json::Null => String::new(),
        other => other.to_string(),
    }
}

/// Which properties are active for these values (conditions may chain).
fn active(t: &ElementTemplate, values: &[Option<Json>]) -> Vec<bool> {
    let mut on = vec![true; t.properties.len()];
    for _ in 0..8 {
        let next: Vec<bool> = t
            .properties
            .iter()
            .map(|p| {
                p.condition
                    .as_ref()
                    .is_none_or(|c| holds(t, c, values, &on))
            })
            .collect();
        if next == on {
            break;
        }
        on = next;
    }
    on
}

/// The active property with `id`, or the active one bound to input `id` (conditions may name
/// an input by its binding name, e.g. `authentication.type`).
fn find(t: &ElementTemplate, id: &str, on: &[bool]) -> Option<usize> {
    let by = |f: &dyn Fn(&Property) -> bool| {
        t.properties
            .iter()
            .enumerate()
            .filter(|(i, p)| on[*i] && f(p))
            .map(|(i, _)| i)
            .last()
    };
    by(&|p| p.id.as_deref() == Some(id))
        .or_else(|| by(&|p| p.binding == Binding::Input(id.to_string())))
}

fn holds(t: &ElementTemplate, c: &Condition, values: &[Option<Json>], on: &[bool]) -> bool {
    match c {
        Condition::All(all) => all.iter().all(|c| holds(t, c, values, on)),
        Condition::OneOf(id, wanted) => find(t, id, on).is_some_and(|i| {
            let v = values[i].clone().unwrap_or(Json::Null);
            wanted.iter().any(|w| w == &v || text(w) == text(&v))
        }),
        Condition::IsActive(id, want) => find(t, id, on).is_some() == *want,
        Condition::IsEmpty(id, want) => {
            let empty = find(t, id, on)
                .and_then(|i| values[i].clone())
                .is_none_or(|v| text(&v).is_empty());
            empty == *want
        }
    }
}

fn referenced(c: &Condition, out: &mut BTreeSet<String>) {
    match c {
        Condition::All(all) => all.iter().for_each(|c| referenced(c, out)),
        Condition::OneOf(id, _) | Condition::IsActive(id, _) | Condition::IsEmpty(id, _) => {
            out.insert(id.clone());
        }
    }
}

/// Whether a dropdown changes the request.
fn significant(p: &Property, refs: &BTreeSet<String>) -> bool {
    p.kind == "Dropdown"
        && p.choices.len() > 1
        && (p.id.as_ref().is_some_and(|id| refs.contains(id))
            || matches!(&p.binding, Binding::Input(n) if n == "method" || n.starts_with("authentication.") || refs.contains(n)))
}

/// Every variant of `t`.
pub fn variants(t: &ElementTemplate) -> Vec<Variant> {
    let mut refs = BTreeSet::new();
    for p in &t.properties {
        if let Some(c) = &p.condition {
            referenced(c, &mut refs);
        }
    }
    let mut out = Vec::new();
    let defaults: Vec<Option<Json>> = t.properties.iter().map(|p| p.value.clone()).collect();
    enumerate(t, &refs, defaults, &mut Vec::new(), &mut out);
    out
}

fn enumerate(
    t: &ElementTemplate,
    refs: &BTreeSet<String>,
    values: Vec<Option<Json>>,
    fixed: &mut Vec<usize>,
    out: &mut Vec<Variant>,
) {
    if out.len() >= 500 {
        return;
    }
    let on = active(t, &values);
    let next = t
        .properties
        .iter()
        .enumerate()
        .find(|(i, p)| on[*i] && !fixed.contains(i) && significant(p, refs));
    match next {
        Some((i, p)) => {
            for choice in &p.choices {
                let mut values = values.clone();
                values[i] = Some(choice.clone());
                fixed.push(i);
                enumerate(t, refs, values, fixed, out);
                fixed.pop();
            }
        }
        None => out.push(apply(t, &values, &on, fixed)),
    }
}

/// A PEM RSA private key, generated once per process.
fn rsa_pem() -> String {
    static PEM: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    PEM.get_or_init(|| {
        openssl::rsa::Rsa::generate(2048)
            .and_then(openssl::pkey::PKey::from_rsa)
            .and_then(|k| k.private_key_to_pem_pkcs8())
            .map(|pem| String::from_utf8_lossy(&pem).into_owned())
            .unwrap_or_default()
    })
    .clone()
}

/// Whether an input holds a credential a user would type in (or keep as a secret).
fn credential(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    if lower.starts_with("clienttls.") {
        return false; // client certificates are optional and come as a set
    }
    let last = lower.rsplit('.').next().unwrap_or(&lower);
    [
        "token",
        "password",
        "secret",
        "apikey",
        "api_key",
        "pat",
        "privatekey",
        "refreshtoken",
    ]
    .iter()
    .any(|k| last.ends_with(k))
        || (lower.starts_with("authentication.")
            && ["value", "username", "clientid", "name"].contains(&last))
}

/// Every `{{secrets.NAME}}` (and `secrets.NAME`) in `text`.
fn secret_names(text: &str, out: &mut BTreeMap<String, String>) {
    let mut rest = text;
    while let Some(i) = rest.find("secrets.") {
        let tail = &rest[i + "secrets.".len()..];
        let name: String = tail
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
            .collect();
        if !name.is_empty() {
            out.entry(name.clone())
                .or_insert_with(|| format!("gen-secret-{}", name.to_ascii_lowercase()));
        }
        rest = &tail[name.len()..];
    }
}

/// A generated value for a required property that has none, matching its pattern if it
/// has one; secrets for credentials.
fn generate(p: &Property, name: &str, secrets: &mut BTreeMap<String, String>) -> String {
    let lower = name.to_ascii_lowercase();
    let mut candidates: Vec<String> = Vec::new();
    if lower.ends_with("privatekey") {
        // a real key: templates sign with it (GitHub App tokens)
        let secret = "GENERATED_RSA_KEY".to_string();
        secrets.insert(secret.clone(), rsa_pem());
        return format!("{{{{secrets.{secret}}}}}");
    }
    if credential(name) {
        let secret = name
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() {
                    c.to_ascii_uppercase()
                } else {
                    '_'
                }
            })
            .collect::<String>();
        secrets.insert(
            secret.clone(),
            format!("gen-secret-{}", secret.to_ascii_lowercase()),
        );
        candidates.push(format!("{{{{secrets.{secret}}}}}"));
    }
    let word: String = name
        .rsplit('.')
        .next()
        .unwrap_or(name)
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect();
    if lower.contains("url")
        || lower.contains("uri")
        || lower.contains("endpoint")
        || lower.contains("host")
    {
        candidates.push(format!("https://api.example.com/{word}"));
    }
    if p.kind == "Number" {
        candidates.push("1".into());
    }
    if p.feel.as_deref() == Some("required") {
        candidates.push(format!("=\"gen-{word}\""));
    }
    candidates.extend([
        format!("gen-{word}"),
        "1".into(),
        "=1".into(),
        "https://api.example.com/resource".into(),
        "PT1M".into(),
        "2024-01-01".into(),
        "user@example.com".into(),
    ]);
    match &p.pattern {
        Some(pattern) => {
            let re = regex::Regex::new(pattern).ok();
            candidates
                .iter()
                .find(|c| re.as_ref().is_none_or(|re| re.is_match(c)))
                .cloned()
                .unwrap_or_else(|| candidates[0].clone())
        }
        None => candidates[0].clone(),
    }
}

/// What Modeler writes for these values: active properties in order; a later property with
/// the same input target or header replaces an earlier one's value in place.
fn apply(t: &ElementTemplate, values: &[Option<Json>], on: &[bool], fixed: &[usize]) -> Variant {
    let mut variant = Variant {
        choices: fixed
            .iter()
            .map(|i| {
                let p = &t.properties[*i];
                let id = p.id.clone().unwrap_or_else(|| match &p.binding {
                    Binding::Input(n) => n.clone(),
                    _ => format!("#{i}"),
                });
                (id, values[*i].as_ref().map(text).unwrap_or_default())
            })
            .collect(),
        inputs: Vec::new(),
        headers: Vec::new(),
        job_type: String::new(),
        retries: None,
        secrets: BTreeMap::new(),
    };
    for (i, p) in t.properties.iter().enumerate() {
        if !on[i] {
            continue;
        }
        let name = match &p.binding {
            Binding::Input(n) | Binding::Header(n) => n.clone(),
            _ => p.id.clone().unwrap_or_default(),
        };
        let mut value = match &values[i] {
            None => None,
            Some(Json::Bool(b)) => Some(format!("={b}")),
            Some(Json::Number(n))
                if p.feel.as_deref() != Some("optional") || p.kind == "Number" =>
            {
                Some(n.to_string())
            }
            Some(v) => Some(text(v)).filter(|s| !s.is_empty()),
        };
        if p.kind == "Number" {
            value = value.map(|v| {
                if v.starts_with('=') {
                    v
                } else {
                    format!("={v}")
                }
            });
        }
        if value.is_none() && p.kind == "Dropdown" {
            value = p.choices.first().map(text);
        }
        let auth_field =
            p.id.as_deref()
                .is_some_and(|id| id.starts_with("authentication."));
        if value.is_none()
            && (p.not_empty
                || (matches!(p.binding, Binding::Input(_)) && (credential(&name) || auth_field)))
        {
            value = Some(generate(p, &name, &mut variant.secrets));
        }
        if p.feel.as_deref() == Some("required") {
            value = value.map(|v| {
                if v.starts_with('=') {
                    v
                } else {
                    format!("={v}")
                }
            });
        }
        let Some(value) = value else {
            continue; // empty: Modeler writes no mapping
        };
        secret_names(&value, &mut variant.secrets);
        match &p.binding {
            Binding::Input(target) => match variant.inputs.iter_mut().find(|(_, t)| t == target) {
                Some(slot) => slot.0 = value,
                None => variant.inputs.push((value, target.clone())),
            },
            Binding::Header(key) => match variant.headers.iter_mut().find(|(k, _)| k == key) {
                Some(slot) => slot.1 = value,
                None => variant.headers.push((key.clone(), value)),
            },
            Binding::JobType => variant.job_type = value,
            Binding::Retries => variant.retries = Some(value),
            Binding::Other => {}
        }
    }
    variant
}
