//! Mapping an HTTP response to the connector result `{status, headers, body, reason,
//! document}` (Camunda 8.9 rules), and to the error raised for statuses ≥ 400.

use serde_json::{Map, Value as Json};

use crate::error::ConnectorError;
use crate::transport::WireResponse;

/// Headers as a map: a name seen once maps to a string, a repeated one to a list.
pub fn headers_json(headers: &[(String, String)]) -> Map<String, Json> {
    let mut map = Map::new();
    for (name, value) in headers {
        let value = Json::String(value.clone());
        match map.get_mut(name) {
            Some(Json::Array(list)) => list.push(value),
            Some(existing) => {
                let first = existing.take();
                *existing = Json::Array(vec![first, value]);
            }
            None => {
                map.insert(name.clone(), value);
            }
        }
    }
    map
}

/// A success body: blank is null; a JSON object or array is parsed; anything else is the text.
pub fn body_json(bytes: &[u8]) -> Json {
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
    let mut map = Map::new();
    map.insert("status".into(), Json::from(resp.status));
    map.insert("headers".into(), Json::Object(headers_json(&resp.headers)));
    map.insert("body".into(), body_json(&resp.body));
    map.insert(
        "reason".into(),
        resp.reason.clone().map_or(Json::Null, Json::String),
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
    use serde_json::json;

    #[test]
    fn bodies_follow_the_legacy_rules() {
        assert_eq!(body_json(b"  \n"), Json::Null);
        assert_eq!(body_json(br#"{"a": null}"#), json!({"a": null}));
        assert_eq!(body_json(b"[1,2]"), json!([1, 2]));
        assert_eq!(body_json(b"\"Hello\""), json!("\"Hello\""));
        assert_eq!(body_json(b"123"), json!("123"));
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
