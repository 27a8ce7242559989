//! Request body serialisation by content type: JSON (with `ignoreNullValues`),
//! `application/x-www-form-urlencoded`, `multipart/form-data` fields and documents, and raw
//! text. Document references become binary parts (multipart) or base64 strings (JSON).

use serde_json::Value as Json;

use crate::document::{self, DocumentError, DocumentStore};
use crate::error::ConnectorError;

/// A serialised body, and the Content-Type to send when the body decides it (multipart).
pub(crate) struct Serialised {
    pub(crate) bytes: Vec<u8>,
    pub(crate) content_type: Option<String>,
}

fn document_error(e: DocumentError) -> ConnectorError {
    ConnectorError::input(format!(
        "Failed to read a document of the request body: {e}"
    ))
}

/// Serialise `body` for the given request Content-Type (already looked up case-insensitively).
pub(crate) fn serialise(
    body: &Json,
    content_type: Option<&str>,
    ignore_nulls: bool,
    store: &dyn DocumentStore,
) -> Result<Serialised, ConnectorError> {
    let lower = content_type
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    let charset = charset(&lower);
    Ok(match body {
        Json::String(s) => plain(encode_text(s, charset.as_deref())),
        Json::Object(map) if lower.contains("application/x-www-form-urlencoded") => {
            plain(form_encode(map).into_bytes())
        }
        Json::Object(map) if lower.contains("multipart/form-data") => {
            let boundary =
                boundary_of(content_type.unwrap_or_default()).unwrap_or_else(new_boundary);
            Serialised {
                bytes: multipart(map, &boundary, store)?,
                content_type: Some(format!("multipart/form-data; boundary={boundary}")),
            }
        }
        other => {
            let json = if ignore_nulls {
                drop_nulls(other)
            } else {
                other.clone()
            };
            let json = document::replace_with_base64(&json, store).map_err(document_error)?;
            plain(encode_text(&json.to_string(), charset.as_deref()))
        }
    })
}

fn plain(bytes: Vec<u8>) -> Serialised {
    Serialised {
        bytes,
        content_type: None,
    }
}

fn charset(content_type: &str) -> Option<String> {
    content_type.split(';').find_map(|p| {
        p.trim()
            .strip_prefix("charset=")
            .map(|c| c.trim_matches('"').to_string())
    })
}

fn encode_text(text: &str, charset: Option<&str>) -> Vec<u8> {
    match charset {
        Some("iso-8859-1" | "latin1" | "us-ascii") => text
            .chars()
            .map(|c| u8::try_from(u32::from(c)).unwrap_or(b'?'))
            .collect(),
        _ => text.as_bytes().to_vec(),
    }
}

/// The value of a form field or multipart part: strings as they are, others as JSON text.
pub(crate) fn field_text(v: &Json) -> String {
    match v {
        Json::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn drop_nulls(json: &Json) -> Json {
    match json {
        Json::Object(map) => Json::Object(
            map.iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k.clone(), drop_nulls(v)))
                .collect(),
        ),
        Json::Array(items) => Json::Array(items.iter().map(drop_nulls).collect()),
        other => other.clone(),
    }
}

fn form_component(text: &str, out: &mut String) {
    for b in text.bytes() {
        match b {
            b' ' => out.push('+'),
            b if b.is_ascii_alphanumeric() || b"*-._".contains(&b) => out.push(char::from(b)),
            b => out.push_str(&format!("%{b:02X}")),
        }
    }
}

/// `k1=v1&k2=v2`, UTF-8 form encoding; a null value gives the bare key.
pub(crate) fn form_encode(map: &serde_json::Map<String, Json>) -> String {
    let mut out = String::new();
    for (i, (k, v)) in map.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        form_component(k, &mut out);
        if !v.is_null() {
            out.push('=');
            form_component(&field_text(v), &mut out);
        }
    }
    out
}

fn boundary_of(content_type: &str) -> Option<String> {
    content_type.split(';').find_map(|p| {
        let p = p.trim();
        p.get(..9)
            .filter(|k| k.eq_ignore_ascii_case("boundary="))
            .and_then(|_| p.get(9..))
            .map(|b| b.trim_matches('"').to_string())
            .filter(|b| !b.is_empty())
    })
}

fn new_boundary() -> String {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos()),
    );
    format!("----connector-boundary-{:016x}", h.finish())
}

fn quoted(text: &str) -> String {
    text.replace('"', "%22").replace(['\r', '\n'], " ")
}

fn multipart(
    map: &serde_json::Map<String, Json>,
    boundary: &str,
    store: &dyn DocumentStore,
) -> Result<Vec<u8>, ConnectorError> {
    let mut out = Vec::new();
    let mut part = |name: &str, value: &Json| -> Result<(), ConnectorError> {
        if value.is_null() {
            return Ok(());
        }
        if document::is_reference(value) {
            let doc = document::load(value, store).map_err(document_error)?;
            let file_name = doc.file_name.unwrap_or_else(|| name.to_string());
            let content_type = doc
                .content_type
                .filter(|ct| ct.contains('/') && !ct.contains(['\r', '\n']))
                .unwrap_or_else(|| "application/octet-stream".into());
            out.extend_from_slice(
                format!(
                    "--{boundary}\r\nContent-Disposition: form-data; name=\"{}\"; filename=\"{}\"\r\nContent-Type: {content_type}\r\n\r\n",
                    quoted(name),
                    quoted(&file_name)
                )
                .as_bytes(),
            );
            out.extend_from_slice(&doc.content);
            out.extend_from_slice(b"\r\n");
            return Ok(());
        }
        out.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{}\"\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\n{}\r\n",
                quoted(name),
                field_text(value)
            )
            .as_bytes(),
        );
        Ok(())
    };
    for (name, value) in map {
        match value {
            Json::Array(items) => {
                for item in items {
                    part(name, item)?;
                }
            }
            other => part(name, other)?,
        }
    }
    out.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::NoDocumentStore;
    use serde_json::json;

    fn serialise(body: &Json, ct: Option<&str>, nulls: bool) -> Serialised {
        super::serialise(body, ct, nulls, &NoDocumentStore).unwrap()
    }

    fn text(s: &Serialised) -> &str {
        std::str::from_utf8(&s.bytes).unwrap()
    }

    #[test]
    fn json_keeps_or_drops_nulls() {
        let body = json!({"key1": "value1", "nullKey": null, "n": {"x": null}, "l": [null]});
        assert_eq!(
            text(&serialise(&body, None, false)),
            r#"{"key1":"value1","nullKey":null,"n":{"x":null},"l":[null]}"#
        );
        assert_eq!(
            text(&serialise(&body, None, true)),
            r#"{"key1":"value1","n":{},"l":[null]}"#
        );
    }

    #[test]
    fn form_and_text_bodies() {
        let body = json!({"a b": "x&y", "n": 12, "empty": null});
        let s = serialise(
            &body,
            Some("Application/X-WWW-Form-Urlencoded; charset=UTF-8"),
            false,
        );
        assert_eq!(text(&s), "a+b=x%26y&n=12&empty");
        assert_eq!(
            text(&serialise(&json!("{\"a\": 1}"), Some("text/plain"), false)),
            "{\"a\": 1}"
        );
        assert_eq!(
            text(&serialise(&json!(true), Some("text/plain"), false)),
            "true"
        );
    }

    #[test]
    fn multipart_uses_given_boundary_and_repeats_lists() {
        let body = json!({"f": "v", "l": ["1", 2], "skip": null});
        let s = serialise(&body, Some("multipart/form-data; boundary=XyZ"), false);
        assert_eq!(
            s.content_type.as_deref(),
            Some("multipart/form-data; boundary=XyZ")
        );
        assert_eq!(text(&s).matches("name=\"l\"").count(), 2);
        assert!(!text(&s).contains("skip"));
        assert!(text(&s).ends_with("--XyZ--\r\n"));
    }
}
