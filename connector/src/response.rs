//! Mapping an HTTP response to the connector result `{status, headers, body, reason,
//! document}` (Camunda 8.9 rules, `storeResponse`, and the newer `documentReturnFormat`), and
//! to the error raised for statuses ≥ 400.

use serde_json::{Map, Value as Json};

use crate::document::{DocumentMetadata, DocumentStore};
use crate::error::{ConnectorError, Retry, CONNECTOR_EXCEPTION};
use crate::transport::WireResponse;

/// How the body of a successful response is returned.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum ResponseFormat {
    /// The legacy rules: JSON objects and arrays parsed, anything else as text.
    #[default]
    Legacy,
    /// Store the raw body as a document (`storeResponse: true` or `DOCUMENT`); body is null.
    Document,
    /// The body decoded as text in the given encoding (`TEXT`).
    Text(Encoding),
    /// The body parsed as any JSON value; invalid or empty JSON is an error (`JSON`).
    Json,
}

/// A text encoding of the `TEXT` format.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Encoding {
    /// UTF-8 (invalid sequences replaced).
    #[default]
    Utf8,
    /// ISO-8859-1.
    Latin1,
    /// US-ASCII (bytes above 127 replaced).
    Ascii,
}

impl ResponseFormat {
    /// From the `documentReturnFormat` input (`{choice, encoding}` or a bare choice) and the
    /// legacy `storeResponse` flag, which applies when no choice is given.
    pub(crate) fn parse(
        format: Option<&Json>,
        store_response: bool,
    ) -> Result<Self, ConnectorError> {
        let (choice, encoding) = match format {
            Some(Json::Object(m)) => (
                m.get("choice").and_then(Json::as_str).unwrap_or(""),
                m.get("encoding").and_then(Json::as_str).unwrap_or(""),
            ),
            Some(Json::String(s)) => (s.as_str(), ""),
            _ => ("", ""),
        };
        Ok(match choice.trim() {
            "" if store_response => ResponseFormat::Document,
            "" => ResponseFormat::Legacy,
            "DOCUMENT" => ResponseFormat::Document,
            "JSON" => ResponseFormat::Json,
            "TEXT" => ResponseFormat::Text(match encoding.trim().to_ascii_uppercase().as_str() {
                "" | "UTF-8" | "UTF8" => Encoding::Utf8,
                "ISO-8859-1" | "LATIN1" | "ISO8859-1" => Encoding::Latin1,
                "US-ASCII" | "ASCII" => Encoding::Ascii,
                _ => {
                    return Err(ConnectorError::input(format!(
                        "Unsupported documentReturnFormat.encoding '{encoding}'"
                    )))
                }
            }),
            _ => {
                return Err(ConnectorError::input(
                    "documentReturnFormat.choice must be one of DOCUMENT, TEXT, JSON",
                ))
            }
        })
    }
}

/// The largest TEXT or JSON body returned inline.
const INLINE_LIMIT: usize = 1_500_000;

fn exception(message: String) -> ConnectorError {
    ConnectorError {
        code: None,
        message,
        kind: CONNECTOR_EXCEPTION,
        variables: None,
        retry: Retry::Decrement,
    }
}

fn decode(bytes: &[u8], encoding: Encoding) -> String {
    match encoding {
        Encoding::Utf8 => String::from_utf8_lossy(bytes).into_owned(),
        Encoding::Latin1 => bytes.iter().map(|b| char::from(*b)).collect(),
        Encoding::Ascii => bytes
            .iter()
            .map(|b| {
                if b.is_ascii() {
                    char::from(*b)
                } else {
                    '\u{FFFD}'
                }
            })
            .collect(),
    }
}

/// The first value of a response header (case-insensitive).
fn header<'a>(resp: &'a WireResponse, name: &str) -> Option<&'a str> {
    resp.headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// The connector result of a successful exchange in the given format; `DOCUMENT` stores the
/// body in `store`.
pub(crate) fn result_with_format(
    resp: WireResponse,
    format: &ResponseFormat,
    store: &dyn DocumentStore,
) -> Result<Json, ConnectorError> {
    if let ResponseFormat::Legacy = format {
        // the usual case: the response's parts moved into the result, not copied
        return Ok(result_json_owned(resp));
    }
    let resp = &resp;
    let mut result = result_json(resp);
    let (body, document) = match format {
        ResponseFormat::Legacy => return Ok(result),
        ResponseFormat::Document => {
            let meta = DocumentMetadata::new(header(resp, "content-type"), None);
            let reference = store.create(&resp.body, meta).map_err(|e| {
                ConnectorError::technical(
                    "500",
                    format!("Error while executing an HTTP request: Failed to create document: {e}"),
                )
            })?;
            (Json::Null, reference.to_json())
        }
        ResponseFormat::Text(_) | ResponseFormat::Json if resp.body.len() > INLINE_LIMIT => {
            return Err(exception(format!(
                "The response body ({} bytes) exceeds the inline variable size limit of 1.5 MiB. Re-run with 'Document reference' as the response format",
                resp.body.len()
            )))
        }
        ResponseFormat::Text(encoding) => (Json::String(decode(&resp.body, *encoding)), Json::Null),
        ResponseFormat::Json => {
            let text = String::from_utf8_lossy(&resp.body);
            if text.trim().is_empty() {
                return Err(exception(
                    "JSON response format selected but payload was empty or could not be parsed"
                        .into(),
                ));
            }
            let json = serde_json::from_str::<Json>(text.trim()).map_err(|e| {
                exception(format!(
                    "JSON response format selected but payload is not valid JSON: {e}"
                ))
            })?;
            (json, Json::Null)
        }
    };
    if let Json::Object(m) = &mut result {
        m.insert("body".into(), body);
        m.insert("document".into(), document);
    }
    Ok(result)
}

/// Headers as a map: a name seen once maps to a string, a repeated one to a list.
pub fn headers_json(headers: &[(String, String)]) -> Map<String, Json> {
    let mut map = Map::with_capacity(headers.len());
    for (name, value) in headers {
        add_header(&mut map, name.clone(), value.clone());
    }
    map
}

/// One header into [`headers_json`]'s map (one hash: a repeated name turns its entry into a
/// list).
fn add_header(map: &mut Map<String, Json>, name: String, value: String) {
    let value = Json::String(value);
    match map.entry(name) {
        serde_json::map::Entry::Vacant(slot) => {
            slot.insert(value);
        }
        serde_json::map::Entry::Occupied(mut slot) => match slot.get_mut() {
            Json::Array(list) => list.push(value),
            existing => {
                let first = existing.take();
                *existing = Json::Array(vec![first, value]);
            }
        },
    }
}

/// A success body: blank is null; a JSON object or array is parsed; anything else is the text.
pub fn body_json(bytes: &[u8]) -> Json {
    // the usual case, a JSON document, parsed from the bytes (serde_json checks the UTF-8
    // of its strings); anything else, or JSON with invalid UTF-8, goes the long way
    if let [b'{' | b'[', ..] = bytes.trim_ascii_start() {
        if let Ok(json) = serde_json::from_slice::<Json>(bytes) {
            return json;
        }
    }
    let text = String::from_utf8_lossy(bytes);
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Json::Null;
    }
    if trimmed.starts_with('{') || trimmed.starts_with('[') {
        if let Ok(json) = serde_json::from_str::<Json>(trimmed) {
            return json;
        }
    }
    Json::String(text.into_owned())
}

/// An error body: blank is null; a JSON object is parsed; anything else is the text.
fn error_body_json(bytes: &[u8]) -> Json {
    match body_json(bytes) {
        Json::Array(_) => Json::String(String::from_utf8_lossy(bytes).into_owned()),
        other => other,
    }
}

/// The connector result of a successful exchange.
pub fn result_json(resp: &WireResponse) -> Json {
    result_json_owned(resp.clone())
}

/// [`result_json`] of a response that is no longer needed: its header names and values and
/// its reason phrase become the result's strings without a copy.
fn result_json_owned(resp: WireResponse) -> Json {
    let mut headers = Map::with_capacity(resp.headers.len());
    for (name, value) in resp.headers {
        add_header(&mut headers, name, value);
    }
    let mut map = Map::with_capacity(5);
    map.insert("status".into(), Json::from(resp.status));
    map.insert("headers".into(), Json::Object(headers));
    map.insert("body".into(), body_json(&resp.body));
    map.insert(
        "reason".into(),
        resp.reason.map_or(Json::Null, Json::String),
    );
    map.insert("document".into(), Json::Null);
    Json::Object(map)
}

/// The error for a status ≥ 400: code = status, message = reason phrase, and
/// `variables.response = {headers, body}`.
pub fn http_error(resp: &WireResponse) -> ConnectorError {
    let mut response = Map::new();
    response.insert("headers".into(), Json::Object(headers_json(&resp.headers)));
    response.insert("body".into(), error_body_json(&resp.body));
    let mut vars = Map::new();
    vars.insert("response".into(), Json::Object(response));
    ConnectorError::technical(
        resp.status.to_string(),
        resp.reason.clone().unwrap_or_else(|| "[no reason]".into()),
    )
    .with_variables(vars)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::InMemoryDocumentStore;
    use serde_json::json;

    #[test]
    fn formats_parse_and_convert() {
        let f = |j: Json| ResponseFormat::parse(Some(&j), false);
        assert_eq!(
            ResponseFormat::parse(None, true).unwrap(),
            ResponseFormat::Document
        );
        assert_eq!(f(json!({"choice": ""})).unwrap(), ResponseFormat::Legacy);
        assert_eq!(
            f(json!({"choice": "TEXT", "encoding": "iso-8859-1"})).unwrap(),
            ResponseFormat::Text(Encoding::Latin1)
        );
        assert!(f(json!({"choice": "TEXT", "encoding": "EBCDIC"})).is_err());
        assert_eq!(
            f(json!("XML")).unwrap_err().message,
            "documentReturnFormat.choice must be one of DOCUMENT, TEXT, JSON"
        );
        let resp = |body: &[u8]| WireResponse {
            status: 200,
            reason: Some("OK".into()),
            headers: vec![("Content-Type".into(), "text/plain".into())],
            body: body.to_vec(),
        };
        let store = InMemoryDocumentStore::new();
        let r = result_with_format(resp(b"123"), &ResponseFormat::Json, &store).unwrap();
        assert_eq!(r["body"], json!(123));
        assert!(result_with_format(resp(b""), &ResponseFormat::Json, &store).is_err());
        assert!(result_with_format(resp(b"{x"), &ResponseFormat::Json, &store).is_err());
        let r = result_with_format(
            resp(b"caf\xe9"),
            &ResponseFormat::Text(Encoding::Latin1),
            &store,
        )
        .unwrap();
        assert_eq!(r["body"], json!("café"));
        let r = result_with_format(resp(b"raw"), &ResponseFormat::Document, &store).unwrap();
        assert_eq!(r["body"], Json::Null);
        assert_eq!(
            r["document"]["metadata"],
            json!({"contentType": "text/plain", "size": 3})
        );
        let e = result_with_format(
            resp(b"raw"),
            &ResponseFormat::Document,
            &crate::document::NoDocumentStore,
        )
        .unwrap_err();
        assert_eq!(e.code.as_deref(), Some("500"));
        assert!(e
            .message
            .starts_with("Error while executing an HTTP request: Failed to create document:"));
    }

    #[test]
    fn bodies_follow_the_legacy_rules() {
        assert_eq!(body_json(b"  \n"), Json::Null);
        assert_eq!(body_json(br#"{"a": null}"#), json!({"a": null}));
        assert_eq!(body_json(b"[1,2]"), json!([1, 2]));
        assert_eq!(body_json(b"\"Hello\""), json!("\"Hello\""));
        assert_eq!(body_json(b"123"), json!("123"));
        // JSON around invalid UTF-8 is read with the replacement character
        assert_eq!(
            body_json(b" {\"a\": \"x\xff\"}\n"),
            json!({"a": "x\u{fffd}"})
        );
        assert_eq!(body_json(b"\x0c[1]"), json!([1]));
        assert_eq!(body_json(b"{bad"), json!("{bad"));
        assert_eq!(error_body_json(b"[1,2]"), json!("[1,2]"));
    }

    #[test]
    fn repeated_headers_become_lists() {
        let h = vec![
            ("Set-Cookie".to_string(), "a=1".to_string()),
            ("X".to_string(), String::new()),
            ("Set-Cookie".to_string(), "b=2".to_string()),
            ("Set-Cookie".to_string(), "c=3".to_string()),
        ];
        assert_eq!(
            Json::Object(headers_json(&h)),
            json!({"Set-Cookie": ["a=1", "b=2", "c=3"], "X": ""})
        );
    }
}
