//! Secrets: the provider trait, environment / JSON-file / in-memory providers, placeholder
//! substitution in every string of the inputs, and redaction of secret values.
//!
//! Placeholders are `{{secrets.NAME}}` and the deprecated bare `secrets.NAME`; they are
//! replaced after FEEL evaluation, as Camunda does on the serialised job variables.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, LazyLock};

use regex::{Captures, Regex};
use serde_json::Value as Json;

use crate::error::ConnectorError;

/// A source of secret values.
pub trait SecretProvider: Send + Sync {
    /// The value of the secret `name`, or `None` if this provider does not know it.
    fn get(&self, name: &str) -> Option<String>;
}

/// Secrets from environment variables: `{{secrets.NAME}}` reads `<prefix>NAME`.
#[derive(Clone, Debug)]
pub struct EnvSecretProvider {
    prefix: String,
}

impl EnvSecretProvider {
    /// The default prefix, as in Camunda 8.9.
    pub const DEFAULT_PREFIX: &'static str = "SECRET_";

    /// A provider with the given prefix.
    pub fn with_prefix(prefix: impl Into<String>) -> Self {
        EnvSecretProvider {
            prefix: prefix.into(),
        }
    }

    /// A provider whose prefix comes from `CAMUNDA_CONNECTOR_SECRETPROVIDER_ENVIRONMENT_PREFIX`,
    /// or `SECRET_` when that is unset.
    pub fn from_env() -> Self {
        let prefix = std::env::var("CAMUNDA_CONNECTOR_SECRETPROVIDER_ENVIRONMENT_PREFIX")
            .unwrap_or_else(|_| Self::DEFAULT_PREFIX.to_string());
        Self::with_prefix(prefix)
    }
}

impl Default for EnvSecretProvider {
    fn default() -> Self {
        Self::with_prefix(Self::DEFAULT_PREFIX)
    }
}

impl SecretProvider for EnvSecretProvider {
    fn get(&self, name: &str) -> Option<String> {
        std::env::var(format!("{}{name}", self.prefix)).ok()
    }
}

/// Secrets held in memory (also what [`JsonFileSecretProvider`] loads into).
#[derive(Clone, Debug, Default)]
pub struct MapSecretProvider {
    values: HashMap<String, String>,
}

impl MapSecretProvider {
    /// A provider over the given name/value pairs.
    pub fn new<K: Into<String>, V: Into<String>>(pairs: impl IntoIterator<Item = (K, V)>) -> Self {
        MapSecretProvider {
            values: pairs
                .into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect(),
        }
    }
}

impl SecretProvider for MapSecretProvider {
    fn get(&self, name: &str) -> Option<String> {
        self.values.get(name).cloned()
    }
}

/// Secrets from a JSON file holding one object `{"NAME": "value", …}` (non-string values are
/// kept as their JSON text).
#[derive(Clone, Debug, Default)]
pub struct JsonFileSecretProvider {
    inner: MapSecretProvider,
}

impl JsonFileSecretProvider {
    /// Load the file.
    pub fn from_path(path: impl AsRef<std::path::Path>) -> Result<Self, String> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read secrets file {}: {e}", path.display()))?;
        Self::from_json_str(&text)
            .map_err(|e| format!("invalid secrets file {}: {e}", path.display()))
    }

    /// Parse the JSON text of a secrets file.
    pub fn from_json_str(text: &str) -> Result<Self, String> {
        let json: Json = serde_json::from_str(text).map_err(|e| e.to_string())?;
        let map = json
            .as_object()
            .ok_or_else(|| "expected a JSON object of secret names to values".to_string())?;
        let pairs = map.iter().map(|(k, v)| {
            let value = match v {
                Json::String(s) => s.clone(),
                other => other.to_string(),
            };
            (k.clone(), value)
        });
        Ok(JsonFileSecretProvider {
            inner: MapSecretProvider::new(pairs),
        })
    }
}

impl SecretProvider for JsonFileSecretProvider {
    fn get(&self, name: &str) -> Option<String> {
        self.inner.get(name)
    }
}

/// Several providers; the first that knows a name wins.
#[derive(Clone, Default)]
pub struct ChainSecretProvider {
    providers: Vec<Arc<dyn SecretProvider>>,
}

impl ChainSecretProvider {
    /// An empty chain.
    pub fn new() -> Self {
        Self::default()
    }

    /// Add a provider at the end of the chain.
    pub fn with(mut self, provider: impl SecretProvider + 'static) -> Self {
        self.providers.push(Arc::new(provider));
        self
    }
}

impl std::fmt::Debug for ChainSecretProvider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ChainSecretProvider({} providers)", self.providers.len())
    }
}

impl SecretProvider for ChainSecretProvider {
    fn get(&self, name: &str) -> Option<String> {
        self.providers.iter().find_map(|p| p.get(name))
    }
}

static CURRENT: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"\{\{\s*secrets\.(\S+?\s*)\}\}").ok());
static DEPRECATED: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"secrets\.(([A-Za-z0-9]+[/._-])*[A-Za-z0-9]+)").ok());

/// The secrets resolved for one job, kept to redact their values from every output.
#[derive(Clone, Debug, Default)]
pub struct Redactor {
    values: Vec<String>,
}

impl Redactor {
    /// Remember a secret value (empty values are ignored).
    pub fn add(&mut self, value: &str) {
        if !value.is_empty() && !self.values.iter().any(|v| v == value) {
            self.values.push(value.to_string());
            self.values.sort_by_key(|v| std::cmp::Reverse(v.len()));
        }
    }

    /// Whether no secret was resolved.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// Replace every secret value in `text` with `***`.
    pub fn redact(&self, text: &str) -> String {
        let mut out = text.to_string();
        for v in &self.values {
            if out.contains(v.as_str()) {
                out = out.replace(v.as_str(), "***");
            }
        }
        out
    }

    /// Redact every string (and object key) in a JSON value.
    pub fn redact_json(&self, json: &Json) -> Json {
        if self.is_empty() {
            return json.clone();
        }
        match json {
            Json::String(s) => Json::String(self.redact(s)),
            Json::Array(items) => Json::Array(items.iter().map(|v| self.redact_json(v)).collect()),
            Json::Object(map) => Json::Object(
                map.iter()
                    .map(|(k, v)| (self.redact(k), self.redact_json(v)))
                    .collect(),
            ),
            other => other.clone(),
        }
    }
}

/// Replace the placeholders in one string. Values found are added to `redactor`.
pub fn substitute_str(
    text: &str,
    provider: &dyn SecretProvider,
    redactor: &mut Redactor,
) -> Result<String, ConnectorError> {
    if !text.contains("secrets.") {
        return Ok(text.to_string());
    }
    let mut missing: Option<String> = None;
    let mut resolved: BTreeMap<String, String> = BTreeMap::new();
    let mut replace = |re: &Option<Regex>, input: &str| -> String {
        let Some(re) = re else {
            return input.to_string();
        };
        re.replace_all(input, |caps: &Captures<'_>| {
            let name = caps.get(1).map_or("", |m| m.as_str()).trim().to_string();
            match provider.get(&name) {
                Some(value) => {
                    resolved.insert(name, value.clone());
                    value
                }
                None => {
                    missing.get_or_insert(name);
                    String::new()
                }
            }
        })
        .into_owned()
    };
    let step = replace(&CURRENT, text);
    let out = replace(&DEPRECATED, &step);
    if let Some(name) = missing {
        return Err(ConnectorError::input(format!(
            "Secret with name '{name}' is not available"
        )));
    }
    for value in resolved.values() {
        redactor.add(value);
    }
    Ok(out)
}

/// Replace the placeholders in every string (and object key) of a JSON value.
pub fn substitute_json(
    json: &Json,
    provider: &dyn SecretProvider,
    redactor: &mut Redactor,
) -> Result<Json, ConnectorError> {
    Ok(match json {
        Json::String(s) => Json::String(substitute_str(s, provider, redactor)?),
        Json::Array(items) => Json::Array(
            items
                .iter()
                .map(|v| substitute_json(v, provider, redactor))
                .collect::<Result<_, _>>()?,
        ),
        Json::Object(map) => {
            let mut out = serde_json::Map::new();
            for (k, v) in map {
                out.insert(
                    substitute_str(k, provider, redactor)?,
                    substitute_json(v, provider, redactor)?,
                );
            }
            Json::Object(out)
        }
        other => other.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secrets() -> MapSecretProvider {
        MapSecretProvider::new([
            ("TOKEN", "t0k\"en"),
            ("A", "x"),
            ("a.b", "dotted"),
            ("TEST-0", "dash"),
        ])
    }

    #[test]
    fn both_syntaxes_are_replaced_inside_longer_strings() {
        let mut r = Redactor::default();
        let out = substitute_str(
            "Bearer {{secrets.TOKEN}} and {{ secrets.A }} and secrets.a.b / secrets.TEST-0",
            &secrets(),
            &mut r,
        )
        .unwrap();
        assert_eq!(out, "Bearer t0k\"en and x and dotted / dash");
        assert_eq!(r.redact(&out), "Bearer *** and *** and *** / ***");
    }

    #[test]
    fn deprecated_syntax_needs_a_letter_or_digit_first() {
        let mut r = Redactor::default();
        let out = substitute_str("secrets._X and secrets..X", &secrets(), &mut r).unwrap();
        assert_eq!(out, "secrets._X and secrets..X");
    }

    #[test]
    fn missing_secret_names_the_secret() {
        let mut r = Redactor::default();
        let err = substitute_str("{{secrets.NOPE}}", &secrets(), &mut r).unwrap_err();
        assert_eq!(err.message, "Secret with name 'NOPE' is not available");
        assert_eq!(err.retry, crate::error::Retry::Never);
    }

    #[test]
    fn json_file_provider_reads_an_object() {
        let p = JsonFileSecretProvider::from_json_str(r#"{"K": "v", "N": 5}"#).unwrap();
        assert_eq!(p.get("K").as_deref(), Some("v"));
        assert_eq!(p.get("N").as_deref(), Some("5"));
        assert!(JsonFileSecretProvider::from_json_str("[1]").is_err());
    }

    #[test]
    fn env_provider_uses_the_prefix() {
        std::env::set_var("SECRETTEST_ENV_PROVIDER_X", "from-env");
        let p = EnvSecretProvider::with_prefix("SECRETTEST_ENV_PROVIDER_");
        assert_eq!(p.get("X").as_deref(), Some("from-env"));
        assert_eq!(EnvSecretProvider::default().get("ENV_PROVIDER_X"), None);
    }
}
