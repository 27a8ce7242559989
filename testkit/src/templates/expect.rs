//! What a variant's request must look like: its input mappings evaluated in order (later
//! mappings see earlier targets, dotted targets build nested objects), secrets replaced.
//! Computed with the FEEL engine directly, apart from the connector's request pipeline.

use std::collections::BTreeMap;

use feel::{Context, Engine};
use serde_json::{Map, Value as Json};

use super::variants::Variant;

/// The evaluated inputs of a variant, or why they cannot be evaluated.
pub fn inputs(variant: &Variant) -> Result<Map<String, Json>, String> {
    // Zeebe maps inputs with Camunda's FEEL engine
    let engine = Engine::builder().dialect(feel::Dialect::Camunda).build();
    let mut vars = Map::new();
    for (source, target) in &variant.inputs {
        let value = match source.strip_prefix('=') {
            Some(expr) => {
                let ctx = Context::from_json_map(&vars);
                engine
                    .evaluate(expr, &ctx)
                    .map_err(|e| format!("{target}: {e}"))?
                    .value
                    .to_json()
            }
            None => Json::String(source.clone()),
        };
        set_path(&mut vars, target, value);
    }
    let mut json = Json::Object(vars);
    replace_secrets(&mut json, &variant.secrets);
    // Camunda evaluates intrinsic functions only in the fields the connector binds
    if let Json::Object(fields) = &mut json {
        for (name, value) in fields.iter_mut() {
            if connector::worker::DEFAULT_FETCH_VARIABLES.contains(&name.as_str()) {
                intrinsic(value)?;
            }
        }
    }
    match json {
        Json::Object(m) => Ok(m),
        _ => Ok(Map::new()),
    }
}

fn set_path(map: &mut Map<String, Json>, path: &str, value: Json) {
    match path.split_once('.') {
        None => {
            map.insert(path.to_string(), value);
        }
        Some((head, rest)) => {
            let entry = map
                .entry(head.to_string())
                .or_insert_with(|| Json::Object(Map::new()));
            if !entry.is_object() {
                *entry = Json::Object(Map::new());
            }
            if let Json::Object(inner) = entry {
                set_path(inner, rest, value);
            }
        }
    }
}

fn replace_secrets(v: &mut Json, secrets: &BTreeMap<String, String>) {
    match v {
        Json::String(s) => {
            for (name, value) in secrets {
                for form in [format!("{{{{secrets.{name}}}}}"), format!("secrets.{name}")] {
                    if s.contains(&form) {
                        *s = s.replace(&form, value);
                    }
                }
            }
        }
        Json::Array(items) => items.iter_mut().for_each(|i| replace_secrets(i, secrets)),
        Json::Object(m) => m.values_mut().for_each(|i| replace_secrets(i, secrets)),
        _ => {}
    }
}

/// The token the loopback server of the element-templates test hands out for a GitHub App.
pub const GITHUB_INSTALLATION_TOKEN: &str = "ghs_loopback_installation";

/// Intrinsic function calls replaced by their results, innermost first, as Camunda's runtime
/// does: `base64` of a string; a GitHub App installation token (what the loopback server
/// answers). Other functions are left as they are.
fn intrinsic(v: &mut Json) -> Result<(), String> {
    match v {
        Json::Array(items) => items.iter_mut().try_for_each(intrinsic)?,
        Json::Object(m) => {
            m.values_mut().try_for_each(intrinsic)?;
            let name = m.get("camunda.function.type").and_then(Json::as_str);
            let first = m
                .get("params")
                .and_then(Json::as_array)
                .and_then(|p| p.first());
            let result = match (name, first) {
                (Some("base64"), Some(Json::String(s))) => {
                    use base64::Engine as _;
                    Some(base64::engine::general_purpose::STANDARD.encode(s))
                }
                (Some("base64"), None | Some(Json::Null)) => {
                    return Err("the intrinsic function base64 has no value to encode".into())
                }
                (Some("createGithubAppInstallationToken"), _) => {
                    Some(GITHUB_INSTALLATION_TOKEN.to_string())
                }
                _ => None,
            };
            if let Some(r) = result {
                *v = Json::String(r);
            }
        }
        _ => {}
    }
    Ok(())
}

/// Percent-decoding (for comparing paths and query strings).
pub fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok();
            if let Some(b) = hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(if bytes[i] == b'+' { b' ' } else { bytes[i] });
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}
