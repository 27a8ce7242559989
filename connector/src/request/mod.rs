//! The HTTP request: binding the evaluated inputs to a request model, validating it, and
//! building the wire request (URL, query, headers, body, timeouts, redirects).

mod blocklist;
pub(crate) mod body;
pub(crate) mod url;

use std::time::Duration;

use serde_json::{Map, Value as Json};

pub use blocklist::{BlockRule, Blocklist};
pub(crate) use body::form_encode;

use crate::auth::{self, AuthParts, Authentication};
use crate::document::DocumentStore;
use crate::error::ConnectorError;
use crate::response::ResponseFormat;
use crate::tls::ClientTls;
use crate::transport::{ClientOptions, ProxyServer, WireRequest};

/// Default connection and read timeout in seconds.
pub const DEFAULT_TIMEOUT_SECS: u64 = 20;

/// The request model bound from the task's inputs.
#[derive(Clone, Debug)]
pub(crate) struct HttpInput {
    pub(crate) method: String,
    pub(crate) url: String,
    pub(crate) authentication: Authentication,
    pub(crate) headers: Vec<(String, Option<String>)>,
    pub(crate) query: Vec<(String, Option<String>)>,
    pub(crate) body: Option<Json>,
    pub(crate) skip_encoding: bool,
    pub(crate) connect_timeout: Option<Duration>,
    pub(crate) read_timeout: Option<Duration>,
    pub(crate) follow_redirects: bool,
    pub(crate) ignore_null_values: bool,
    pub(crate) client_tls: ClientTls,
    pub(crate) response_format: ResponseFormat,
}

/// Collects constraint violations into Camunda's validation message.
#[derive(Default)]
pub(crate) struct Violations(Vec<(String, String)>);

impl Violations {
    pub(crate) fn add(&mut self, property: &str, message: &str) {
        self.0.push((property.to_string(), message.to_string()));
    }

    pub(crate) fn into_result(self) -> Result<(), ConnectorError> {
        if self.0.is_empty() {
            return Ok(());
        }
        let mut msg = String::from("Found constraints violated while validating input: ");
        for (p, m) in self.0 {
            msg.push_str(&format!(
                "\n - Property: {p}: Validation failed. Original message: {m}"
            ));
        }
        Err(ConnectorError::input(msg))
    }
}

/// A binding error: a field of the wrong type.
/// An entry of an input object. The inputs are small objects, so a scan of their entries is
/// cheaper than hashing the key (serde_json's maps hash with SipHash).
pub(crate) fn field<'a>(obj: &'a Map<String, Json>, key: &str) -> Option<&'a Json> {
    if obj.len() <= 24 {
        obj.iter().find(|(k, _)| k.as_str() == key).map(|(_, v)| v)
    } else {
        obj.get(key)
    }
}

pub(crate) fn invalid_field(path: &str, ty: &str) -> ConnectorError {
    ConnectorError::input(format!(
        "Json object contains an invalid field: {path}. It Must be `{ty}`"
    ))
}

/// A string-valued field, or `None` when absent or null (numbers and booleans are coerced).
pub(crate) fn string_field(
    obj: &Map<String, Json>,
    path: &str,
    key: &str,
) -> Result<Option<String>, ConnectorError> {
    match field(obj, key) {
        None | Some(Json::Null) => Ok(None),
        Some(Json::String(s)) => Ok(Some(s.clone())),
        Some(Json::Number(n)) => Ok(Some(n.to_string())),
        Some(Json::Bool(b)) => Ok(Some(b.to_string())),
        Some(_) => Err(invalid_field(&format!("{path}{key}"), "String")),
    }
}

fn bool_field(obj: &Map<String, Json>, key: &str) -> Result<bool, ConnectorError> {
    match field(obj, key) {
        None | Some(Json::Null) => Ok(false),
        Some(Json::Bool(b)) => Ok(*b),
        Some(Json::String(s)) if s.eq_ignore_ascii_case("true") => Ok(true),
        Some(Json::String(s)) if s.eq_ignore_ascii_case("false") || s.is_empty() => Ok(false),
        Some(_) => Err(invalid_field(key, "Boolean")),
    }
}

fn timeout_field(obj: &Map<String, Json>, key: &str) -> Result<Option<u64>, ConnectorError> {
    let text = match field(obj, key) {
        None | Some(Json::Null) => return Ok(None),
        Some(Json::Number(n)) => n.to_string(),
        Some(Json::String(s)) if s.trim().is_empty() => return Ok(None),
        Some(Json::String(s)) => s.trim().to_string(),
        Some(_) => return Err(invalid_field(key, "Integer")),
    };
    text.parse::<u64>().map(Some).map_err(|_| {
        ConnectorError::input(format!(
            "Cannot deserialize value of type `java.lang.Integer` from String \"{text}\" (field {key}): not a valid `java.lang.Integer` value"
        ))
    })
}

/// A `Map<String, String>` field: values stringified, null kept as `None`.
fn map_field(
    obj: &Map<String, Json>,
    key: &str,
) -> Result<Vec<(String, Option<String>)>, ConnectorError> {
    let map = match field(obj, key) {
        None | Some(Json::Null) => return Ok(Vec::new()),
        Some(Json::Object(m)) => m.clone(),
        Some(Json::String(s)) if s.trim().is_empty() => return Ok(Vec::new()),
        Some(Json::String(s)) => match serde_json::from_str::<Json>(s) {
            Ok(Json::Object(m)) => m,
            _ => return Err(invalid_field(key, "Map<String, String>")),
        },
        Some(_) => return Err(invalid_field(key, "Map<String, String>")),
    };
    Ok(map
        .into_iter()
        .map(|(k, v)| {
            let value = match v {
                Json::Null => None,
                Json::String(s) => Some(s),
                other => Some(other.to_string()),
            };
            (k, value)
        })
        .collect())
}

fn seconds(secs: u64) -> Option<Duration> {
    (secs > 0).then(|| Duration::from_secs(secs))
}

const METHODS: [&str; 5] = ["POST", "GET", "DELETE", "PATCH", "PUT"];

/// Bind and validate the inputs (after secret substitution).
pub(crate) fn parse(inputs: &Json) -> Result<HttpInput, ConnectorError> {
    let empty = Map::new();
    let obj = inputs.as_object().unwrap_or(&empty);
    let mut violations = Violations::default();
    let method = match string_field(obj, "", "method")? {
        Some(m) if !m.trim().is_empty() => {
            let upper = m.trim().to_ascii_uppercase();
            if !METHODS.contains(&upper.as_str()) {
                return Err(ConnectorError::input(format!(
                    "Cannot deserialize value of type `HttpMethod` from String \"{m}\": not one of the values accepted for Enum class: [POST, GET, DELETE, PATCH, PUT]"
                )));
            }
            upper
        }
        _ => {
            violations.add("method", "must not be null");
            String::new()
        }
    };
    let url = string_field(obj, "", "url")?.unwrap_or_default();
    if url.trim().is_empty() {
        violations.add("url", "must not be blank");
    } else if !(url.starts_with('=')
        || url.starts_with("http://")
        || url.starts_with("https://")
        || url.starts_with("secrets")
        || url.starts_with("{{"))
    {
        violations.add("url", "Must be a http(s) URL");
    }
    // reusable credentials (Camunda 8.10) live in the cluster; sending the request without
    // them would go out unauthenticated
    if field(obj, "authenticationConfiguration")
        .is_some_and(|c| !(c.is_null() || c.as_str().is_some_and(|s| s.trim().is_empty())))
    {
        return Err(ConnectorError::input(
            "authenticationConfiguration (reusable credentials stored in the cluster) is not supported: set `authentication` instead",
        ));
    }
    let authentication = auth::parse(field(obj, "authentication"), &mut violations)?;
    violations.into_result()?;
    let connect = timeout_field(obj, "connectionTimeoutInSeconds")?;
    let read = timeout_field(obj, "readTimeoutInSeconds")?;
    let connect_secs = connect.unwrap_or(DEFAULT_TIMEOUT_SECS);
    let read_secs = read.or(connect).unwrap_or(DEFAULT_TIMEOUT_SECS);
    let skip_encoding = match field(obj, "skipEncoding") {
        Some(Json::String(s)) => s == "true",
        Some(Json::Bool(b)) => *b,
        _ => false,
    };
    Ok(HttpInput {
        method,
        url,
        authentication,
        headers: map_field(obj, "headers")?,
        query: map_field(obj, "queryParameters")?,
        body: field(obj, "body").filter(|b| !b.is_null()).cloned(),
        skip_encoding,
        connect_timeout: seconds(connect_secs),
        read_timeout: seconds(read_secs),
        follow_redirects: bool_field(obj, "followRedirects")?,
        ignore_null_values: bool_field(obj, "ignoreNullValues")?,
        client_tls: ClientTls::parse(field(obj, "clientTls"))?,
        response_format: ResponseFormat::parse(
            field(obj, "documentReturnFormat"),
            bool_field(obj, "storeResponse")?,
        )?,
    })
}

/// The proxy for a URL (by its scheme and host), or `None` to connect directly.
pub(crate) fn route(
    url: &str,
    options: &ClientOptions,
) -> Result<Option<ProxyServer>, ConnectorError> {
    route_parts(&url::parse(url)?, options)
}

fn route_parts(
    parts: &url::Parts<'_>,
    options: &ClientOptions,
) -> Result<Option<ProxyServer>, ConnectorError> {
    crate::proxy::select(&options.proxy_env, &options.proxy, parts.scheme, parts.host)
        .map(|p| p.cloned())
        .map_err(ConnectorError::input)
}

/// Check a URL against the blocklist and for a scheme and host; its parts when it passes.
pub(crate) fn check_url<'u>(
    url: &'u str,
    options: &ClientOptions,
) -> Result<url::Parts<'u>, ConnectorError> {
    let parts = url::parse(url)?;
    options.blocklist.check(url, url::effective_port(&parts))?;
    Ok(parts)
}

impl HttpInput {
    /// Whether the method carries a body.
    pub(crate) fn has_body(&self) -> bool {
        matches!(self.method.as_str(), "POST" | "PUT" | "PATCH")
    }

    /// Build the wire request: body, URI, auth, headers (default Content-Type first), query.
    /// `parts` are the parts of `self.url` ([`check_url`]).
    pub(crate) fn build(
        &self,
        parts: &url::Parts<'_>,
        auth: &AuthParts,
        options: &ClientOptions,
        documents: &dyn DocumentStore,
    ) -> Result<WireRequest, ConnectorError> {
        let user_content_type = self
            .headers
            .iter()
            .find(|(k, v)| k.eq_ignore_ascii_case("content-type") && v.is_some())
            .and_then(|(_, v)| v.clone());
        let body = match (&self.body, self.has_body()) {
            (Some(b), true) => Some(body::serialise(
                b,
                user_content_type.as_deref(),
                self.ignore_null_values,
                documents,
            )?),
            _ => None,
        };
        if self.skip_encoding {
            url::check_verbatim(&self.url)?;
        }
        let base = if self.skip_encoding {
            self.url.clone()
        } else {
            url::normalise(parts)
        };
        // scheme and host are the same in the final URL (only path and query are re-encoded)
        let proxy = route_parts(parts, options)?;
        let mut query: Vec<(String, Option<String>)> = auth
            .query
            .iter()
            .map(|(k, v)| (k.clone(), Some(v.clone())))
            .collect();
        query.extend(self.query.iter().cloned());
        let url = url::append_query(&base, &query);

        let mut headers: Vec<(String, String)> = auth.headers.clone();
        if body.is_some() && user_content_type.is_none() {
            headers.push(("Content-Type".into(), "application/json".into()));
        }
        for (name, value) in &self.headers {
            let is_content_type = name.eq_ignore_ascii_case("content-type");
            match value {
                None if is_content_type => {}
                Some(_) if is_content_type => {
                    let v = body
                        .as_ref()
                        .and_then(|b| b.content_type.clone())
                        .or_else(|| value.clone())
                        .unwrap_or_default();
                    headers.push((name.clone(), v));
                }
                v => headers.push((name.clone(), v.clone().unwrap_or_default())),
            }
        }
        if self.headers.iter().any(|(k, _)| {
            k.eq_ignore_ascii_case("content-length") || k.eq_ignore_ascii_case("transfer-encoding")
        }) {
            // Apache's RequestContent interceptor refuses these; Camunda reports a protocol error.
            return Err(ConnectorError::technical(
                "500",
                "An error with the HTTP protocol occurred",
            ));
        }
        for (name, value) in &headers {
            let name_ok = !name.is_empty()
                && name
                    .bytes()
                    .all(|b| b.is_ascii_graphic() && !b"()<>@,;:\\\"/[]?={}".contains(&b));
            if !name_ok || value.contains(['\r', '\n']) {
                return Err(ConnectorError::input(format!(
                    "Invalid HTTP header '{name}'"
                )));
            }
        }
        if !headers
            .iter()
            .any(|(k, _)| k.eq_ignore_ascii_case("user-agent"))
        {
            headers.push(("User-Agent".into(), options.user_agent.clone()));
        }
        Ok(WireRequest {
            method: self.method.clone(),
            proxy,
            tls: self.client_tls.clone(),
            url,
            headers,
            body: body.map(|b| b.bytes).unwrap_or_default(),
            has_body: self.has_body(),
            connect_timeout: self.connect_timeout,
            read_timeout: self.read_timeout,
            follow_redirects: self.follow_redirects,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn validation_collects_violations() {
        let e = parse(&json!({"url": "ftp://x"})).unwrap_err();
        assert_eq!(
            e.message,
            "Found constraints violated while validating input: \n - Property: method: Validation failed. Original message: must not be null\n - Property: url: Validation failed. Original message: Must be a http(s) URL"
        );
    }

    #[test]
    fn fields_are_found_in_small_and_large_input_objects() {
        // small objects are scanned, large ones looked up by hash
        for extra in [0, 40] {
            let mut inputs =
                json!({"method": "post", "url": "http://h/x", "readTimeoutInSeconds": 7});
            for i in 0..extra {
                inputs[format!("extra{i}")] = json!(i);
            }
            let p = parse(&inputs).unwrap();
            assert_eq!((p.method.as_str(), p.url.as_str()), ("POST", "http://h/x"));
            assert_eq!(p.read_timeout, Some(Duration::from_secs(7)));
        }
    }

    #[test]
    fn timeouts_default_and_fall_back() {
        let p =
            parse(&json!({"method": "get", "url": "http://h", "connectionTimeoutInSeconds": "5"}))
                .unwrap();
        assert_eq!(p.method, "GET");
        assert_eq!(p.connect_timeout, Some(Duration::from_secs(5)));
        assert_eq!(p.read_timeout, Some(Duration::from_secs(5)));
        let p =
            parse(&json!({"method": "GET", "url": "http://h", "readTimeoutInSeconds": 0})).unwrap();
        assert_eq!(p.connect_timeout, Some(Duration::from_secs(20)));
        assert_eq!(p.read_timeout, None);
        assert!(
            parse(&json!({"method": "GET", "url": "http://h", "readTimeoutInSeconds": "0.1"}))
                .is_err()
        );
    }

    #[test]
    fn get_drops_the_body_and_content_type_null_is_dropped() {
        let p = parse(
            &json!({"method": "GET", "url": "http://h/x", "body": {"a": 1},
            "headers": {"Content-Type": null, "Other": null, "n": 12}}),
        )
        .unwrap();
        let w = p
            .build(
                &url::parse(&p.url).unwrap(),
                &AuthParts::default(),
                &ClientOptions::default(),
                &crate::document::NoDocumentStore,
            )
            .unwrap();
        assert!(w.body.is_empty());
        assert_eq!(
            &w.headers[..2],
            &[
                ("Other".to_string(), String::new()),
                ("n".to_string(), "12".to_string())
            ]
        );
    }
}
