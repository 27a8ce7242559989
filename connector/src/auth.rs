//! Authentication: `noAuth`, `basic`, `bearer`, `apiKey` (header or query) and the OAuth 2.0
//! client-credentials flow with a token cache that honours `expires_in`.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use base64::Engine as _;
use serde_json::{Map, Value as Json};

use crate::error::ConnectorError;
use crate::request::{self, string_field, Violations};
use crate::response;
use crate::secrets::Redactor;
use crate::tls::{ClientTls, BAD_MATERIAL};
use crate::transport::{ClientOptions, Transport, TransportError, WireRequest};

/// Where an API key goes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum KeyLocation {
    Headers,
    Query,
}

/// How the OAuth client authenticates at the token endpoint.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) enum ClientAuth {
    BasicAuthHeader,
    CredentialsBody,
}

/// The OAuth client-credentials settings (also the token cache key).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) struct OAuth {
    pub(crate) endpoint: String,
    pub(crate) client_id: String,
    pub(crate) client_secret: String,
    pub(crate) audience: Option<String>,
    pub(crate) scopes: Option<String>,
    pub(crate) client_auth: ClientAuth,
    /// `oauth-refresh-token`: the refresh token exchanged for an access token (the
    /// client-credentials grant when `None`).
    pub(crate) refresh_token: Option<String>,
}

/// The authentication of a request.
#[derive(Clone, Debug)]
pub(crate) enum Authentication {
    NoAuth,
    Basic {
        username: String,
        password: String,
    },
    Bearer {
        token: String,
    },
    ApiKey {
        location: KeyLocation,
        name: String,
        value: String,
    },
    OAuth(OAuth),
}

/// What authentication adds to a request.
#[derive(Clone, Debug, Default)]
pub(crate) struct AuthParts {
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) query: Vec<(String, String)>,
}

fn required(
    obj: &Map<String, Json>,
    key: &str,
    v: &mut Violations,
) -> Result<String, ConnectorError> {
    let value = string_field(obj, "authentication.", key)?.unwrap_or_default();
    if value.is_empty() {
        v.add(&format!("authentication.{key}"), "must not be empty");
    }
    Ok(value)
}

/// Bind `authentication` (absent means `noAuth`); constraint violations go to `v`.
/// The OAuth token endpoint: required, an http(s) URL.
fn token_endpoint(obj: &Map<String, Json>, v: &mut Violations) -> Result<String, ConnectorError> {
    let endpoint = required(obj, "oauthTokenEndpoint", v)?;
    if !(endpoint.is_empty() || endpoint.starts_with("http://") || endpoint.starts_with("https://"))
    {
        v.add("authentication.oauthTokenEndpoint", "Must be a http(s) URL");
    }
    Ok(endpoint)
}

/// An optional text field; blank counts as absent.
fn optional(obj: &Map<String, Json>, key: &str) -> Result<Option<String>, ConnectorError> {
    string_field(obj, "authentication.", key).map(|s| s.filter(|s| !s.trim().is_empty()))
}

pub(crate) fn parse(
    json: Option<&Json>,
    v: &mut Violations,
) -> Result<Authentication, ConnectorError> {
    let obj = match json {
        None | Some(Json::Null) => return Ok(Authentication::NoAuth),
        Some(Json::Object(o)) => o,
        Some(_) => return Err(request::invalid_field("authentication", "Authentication")),
    };
    let kind = string_field(obj, "authentication.", "type")?.unwrap_or_else(|| "noAuth".into());
    Ok(match kind.as_str() {
        "noAuth" => Authentication::NoAuth,
        "basic" => {
            let username = required(obj, "username", v)?;
            let password = string_field(obj, "authentication.", "password")?
                .filter(|p| p != "SPEC_PASSWORD_EMPTY_PATTERN")
                .unwrap_or_default();
            Authentication::Basic { username, password }
        }
        "bearer" => Authentication::Bearer {
            token: required(obj, "token", v)?,
        },
        "apiKey" => {
            let location = match string_field(obj, "authentication.", "apiKeyLocation")?.as_deref() {
                Some("query") => KeyLocation::Query,
                Some("headers") | None => KeyLocation::Headers,
                Some(other) => {
                    return Err(ConnectorError::input(format!(
                        "Invalid apiKeyLocation '{other}': expected 'headers' or 'query'"
                    )))
                }
            };
            Authentication::ApiKey {
                location,
                name: required(obj, "name", v)?,
                value: required(obj, "value", v)?,
            }
        }
        "oauth-client-credentials-flow" => {
            let endpoint = token_endpoint(obj, v)?;
            let client_id = required(obj, "clientId", v)?;
            let client_secret = required(obj, "clientSecret", v)?;
            let client_auth = match required(obj, "clientAuthentication", v)?.as_str() {
                "basicAuthHeader" | "" => ClientAuth::BasicAuthHeader,
                "credentialsBody" => ClientAuth::CredentialsBody,
                other => {
                    return Err(ConnectorError::input(format!(
                        "Unsupported client authentication method: {other}. Please use either 'basicAuthHeader' or 'credentialsBody'."
                    )))
                }
            };
            Authentication::OAuth(OAuth {
                endpoint,
                client_id,
                client_secret,
                audience: optional(obj, "audience")?,
                scopes: optional(obj, "scopes")?,
                client_auth,
                refresh_token: None,
            })
        }
        "oauth-refresh-token" => {
            let endpoint = token_endpoint(obj, v)?;
            let client_id = required(obj, "clientId", v)?;
            let refresh_token = required(obj, "refreshToken", v)?;
            Authentication::OAuth(OAuth {
                endpoint,
                client_id,
                client_secret: optional(obj, "clientSecret")?.unwrap_or_default(),
                audience: None,
                scopes: optional(obj, "scopes")?,
                client_auth: ClientAuth::CredentialsBody,
                refresh_token: Some(refresh_token),
            })
        }
        other => {
            return Err(ConnectorError::input(format!(
                "Could not resolve type id '{other}' as a subtype of `Authentication`: known type ids = [apiKey, basic, bearer, noAuth, oauth-client-credentials-flow, oauth-refresh-token]"
            )))
        }
    })
}

fn basic(user: &str, password: &str) -> String {
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"))
    )
}

/// OAuth tokens by settings, each valid until `expires_in` minus a skew. `Debug` shows the
/// number of entries only (keys hold client secrets).
pub struct TokenCache {
    entries: Mutex<HashMap<OAuth, (String, Instant)>>,
    skew: Duration,
}

impl std::fmt::Debug for TokenCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let entries = self.entries.lock().map(|e| e.len()).unwrap_or_default();
        f.debug_struct("TokenCache")
            .field("entries", &entries)
            .field("skew", &self.skew)
            .finish()
    }
}

impl Default for TokenCache {
    fn default() -> Self {
        TokenCache::new(Duration::from_secs(10))
    }
}

impl TokenCache {
    const MAX_ENTRIES: usize = 1000;

    /// A cache whose entries expire `skew` before the server says.
    pub fn new(skew: Duration) -> Self {
        TokenCache {
            entries: Mutex::new(HashMap::new()),
            skew,
        }
    }

    fn get(&self, key: &OAuth) -> Option<String> {
        let entries = self.entries.lock().ok()?;
        entries
            .get(key)
            .filter(|(_, until)| *until > Instant::now())
            .map(|(t, _)| t.clone())
    }

    fn put(&self, key: OAuth, token: String, expires_in: Option<f64>) {
        let Some(secs) = expires_in else { return };
        let ttl = Duration::try_from_secs_f64(secs.max(0.0)).unwrap_or_default();
        let Some(ttl) = ttl.checked_sub(self.skew).filter(|t| !t.is_zero()) else {
            return;
        };
        if let Ok(mut entries) = self.entries.lock() {
            if entries.len() >= Self::MAX_ENTRIES {
                let now = Instant::now();
                entries.retain(|_, (_, until)| *until > now);
                if entries.len() >= Self::MAX_ENTRIES {
                    entries.clear();
                }
            }
            entries.insert(key, (token, Instant::now() + ttl));
        }
    }
}

/// Credentials built from secrets go on the wire in other forms (base64 `user:password`, an
/// OAuth client's Basic header, the access token obtained with secret client credentials):
/// remember those too. Call before [`resolve`] and again with its result.
pub(crate) fn redact_derived(auth: &Authentication, parts: Option<&AuthParts>, r: &mut Redactor) {
    let b64 = |user: &str, password: &str| {
        base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"))
    };
    match auth {
        Authentication::Basic { username, password }
            if r.touches(username) || r.touches(password) =>
        {
            r.add(&b64(username, password));
        }
        Authentication::OAuth(o) if r.touches(&o.client_id) || r.touches(&o.client_secret) => {
            r.add(&b64(&o.client_id, &o.client_secret));
            let tokens = parts
                .into_iter()
                .flat_map(|p| &p.headers)
                .filter_map(|(k, v)| {
                    k.eq_ignore_ascii_case("authorization")
                        .then(|| v.strip_prefix("Bearer "))
                        .flatten()
                });
            for token in tokens {
                r.add(token);
            }
        }
        _ => {}
    }
}

/// Turn a transport failure into the connector's error (code `408` or `500`).
pub(crate) fn transport_error(e: &TransportError) -> ConnectorError {
    use crate::transport::TransportErrorKind as K;
    match e.kind {
        K::Timeout => ConnectorError::technical(
            "408",
            "The request timed out. Please try increasing the read and connection timeouts.",
        ),
        K::Io => ConnectorError::technical(
            "408",
            "An error occurred while executing the request, or the connection was aborted",
        ),
        K::Protocol => ConnectorError::technical("500", "An error with the HTTP protocol occurred"),
        K::InvalidRequest => ConnectorError::input(format!("Invalid HTTP request: {}", e.message)),
        K::TooLarge => ConnectorError::technical(
            "500",
            format!("Error while executing an HTTP request: {}", e.message),
        ),
        K::Tls => ConnectorError::technical(
            "SSL_HANDSHAKE_FAILED",
            format!(
                "TLS handshake failed: {}. The server certificate may not be trusted — set clientTls.trustedCertificate on the task or a CA bundle on the runtime",
                e.message
            ),
        ),
        K::ClientCertificate => ConnectorError::input(format!("{BAD_MATERIAL}: {}", e.message)),
        K::ProxyTunnel(status) => ConnectorError::technical(
            status.to_string(),
            isahc::http::StatusCode::from_u16(status)
                .ok()
                .and_then(|s| s.canonical_reason())
                .unwrap_or("[no reason]"),
        ),
    }
}

fn find_value<'a>(json: &'a Json, key: &str) -> Option<&'a Json> {
    match json {
        Json::Object(map) => map
            .get(key)
            .or_else(|| map.values().find_map(|v| find_value(v, key))),
        Json::Array(items) => items.iter().find_map(|v| find_value(v, key)),
        _ => None,
    }
}

async fn fetch_token(
    oauth: &OAuth,
    transport: &dyn Transport,
    options: &ClientOptions,
    tls: &ClientTls,
) -> Result<(String, Option<f64>), ConnectorError> {
    request::check_url(&oauth.endpoint, options)?;
    let mut form = Map::new();
    if let Some(refresh) = &oauth.refresh_token {
        // the refresh grant: credentials in the body, the secret only when given
        form.insert("grant_type".into(), Json::String("refresh_token".into()));
        form.insert("client_id".into(), Json::String(oauth.client_id.clone()));
        form.insert("refresh_token".into(), Json::String(refresh.clone()));
        if !oauth.client_secret.trim().is_empty() {
            form.insert(
                "client_secret".into(),
                Json::String(oauth.client_secret.clone()),
            );
        }
    } else {
        form.insert(
            "grant_type".into(),
            Json::String("client_credentials".into()),
        );
    }
    if let Some(a) = &oauth.audience {
        form.insert("audience".into(), Json::String(a.clone()));
    }
    if let Some(s) = &oauth.scopes {
        form.insert("scope".into(), Json::String(s.clone()));
    }
    let mut headers = vec![(
        "Content-Type".to_string(),
        "application/x-www-form-urlencoded".to_string(),
    )];
    match oauth.client_auth {
        _ if oauth.refresh_token.is_some() => {}
        ClientAuth::BasicAuthHeader => headers.push((
            "Authorization".into(),
            basic(&oauth.client_id, &oauth.client_secret),
        )),
        ClientAuth::CredentialsBody => {
            form.insert("client_id".into(), Json::String(oauth.client_id.clone()));
            form.insert(
                "client_secret".into(),
                Json::String(oauth.client_secret.clone()),
            );
        }
    }
    headers.push(("User-Agent".into(), options.user_agent.clone()));
    let timeout = Some(Duration::from_secs(request::DEFAULT_TIMEOUT_SECS));
    let req = WireRequest {
        method: "POST".into(),
        url: oauth.endpoint.clone(),
        headers,
        body: request::form_encode(&form).into_bytes(),
        has_body: true,
        connect_timeout: timeout,
        read_timeout: timeout,
        follow_redirects: false,
        proxy: request::route(&oauth.endpoint, options)?,
        tls: tls.clone(),
    };
    let resp = transport.send(req).await.map_err(|e| transport_error(&e))?;
    if resp.status >= 400 {
        return Err(response::http_error(&resp));
    }
    let no_token = || {
        ConnectorError::technical(
            "OAUTH_TOKEN_ERROR",
            "OAuth token response does not contain an access_token field",
        )
    };
    let json: Json = serde_json::from_slice(&resp.body).map_err(|_| no_token())?;
    if !json.is_object() {
        return Err(no_token());
    }
    if let Some(error) = json.get("error").and_then(Json::as_str) {
        let description = json
            .get("error_description")
            .and_then(Json::as_str)
            .unwrap_or("");
        return Err(match error {
            "invalid_grant" if oauth.refresh_token.is_some() => ConnectorError::technical(
                "OAUTH_REFRESH_TOKEN_EXPIRED",
                format!("Refresh token is invalid or expired; re-authorization is required. Details: {description}"),
            ),
            "interaction_required" => ConnectorError::technical(
                "OAUTH_INTERACTION_REQUIRED",
                format!("OAuth token exchange failed: {error}. {description}"),
            ),
            _ => ConnectorError::technical(
                "OAUTH_TOKEN_ERROR",
                format!("OAuth token exchange failed: {error}. {description}"),
            ),
        });
    }
    let token = match find_value(&json, "access_token") {
        Some(Json::String(s)) => s.clone(),
        Some(Json::Null) | None => return Err(no_token()),
        Some(other) => other.to_string(),
    };
    let expires_in = match json.get("expires_in") {
        Some(Json::Number(n)) => n.as_f64(),
        _ => None,
    };
    Ok((token, expires_in))
}

/// What the authentication adds to the request (fetching an OAuth token when needed).
pub(crate) async fn resolve(
    auth: &Authentication,
    transport: &dyn Transport,
    cache: &TokenCache,
    options: &ClientOptions,
    tls: &ClientTls,
) -> Result<AuthParts, ConnectorError> {
    let mut parts = AuthParts::default();
    match auth {
        Authentication::NoAuth => {}
        Authentication::Basic { username, password } => parts
            .headers
            .push(("Authorization".into(), basic(username, password))),
        Authentication::Bearer { token } => parts
            .headers
            .push(("Authorization".into(), format!("Bearer {token}"))),
        Authentication::ApiKey {
            location,
            name,
            value,
        } => match location {
            KeyLocation::Headers => parts.headers.push((name.clone(), value.clone())),
            KeyLocation::Query => parts.query.push((name.clone(), value.clone())),
        },
        Authentication::OAuth(oauth) => {
            let token = match cache.get(oauth) {
                Some(t) => t,
                None => {
                    let (token, expires_in) = fetch_token(oauth, transport, options, tls).await?;
                    cache.put(oauth.clone(), token.clone(), expires_in);
                    token
                }
            };
            parts
                .headers
                .push(("Authorization".into(), format!("Bearer {token}")));
        }
    }
    Ok(parts)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn missing_fields_are_violations() {
        let mut v = Violations::default();
        parse(Some(&json!({"type": "bearer"})), &mut v).unwrap();
        let msg = v.into_result().unwrap_err().message;
        assert!(msg.contains("Property: authentication.token: Validation failed. Original message: must not be empty"), "{msg}");
    }

    #[test]
    fn unknown_type_and_client_authentication_fail() {
        let mut v = Violations::default();
        assert!(parse(Some(&json!({"type": "digest"})), &mut v).is_err());
        let e = parse(
            Some(
                &json!({"type": "oauth-client-credentials-flow", "oauthTokenEndpoint": "http://h",
            "clientId": "a", "clientSecret": "b", "clientAuthentication": "jwt"}),
            ),
            &mut v,
        )
        .unwrap_err();
        assert!(e
            .message
            .starts_with("Unsupported client authentication method: jwt."));
    }

    #[test]
    fn cache_skips_tokens_without_enough_lifetime() {
        let key = OAuth {
            endpoint: "e".into(),
            client_id: "c".into(),
            client_secret: "s".into(),
            audience: None,
            scopes: None,
            client_auth: ClientAuth::BasicAuthHeader,
            refresh_token: None,
        };
        let cache = TokenCache::default();
        cache.put(key.clone(), "t1".into(), None);
        assert_eq!(cache.get(&key), None);
        cache.put(key.clone(), "t2".into(), Some(5.0));
        assert_eq!(cache.get(&key), None);
        cache.put(key.clone(), "t3".into(), Some(3600.0));
        assert_eq!(cache.get(&key).as_deref(), Some("t3"));
    }
}
