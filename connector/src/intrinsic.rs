//! Intrinsic functions: an input value `{"camunda.function.type": NAME, "params": [...]}` is
//! replaced by the function's result before the request is built, as Camunda's connector
//! runtime does while binding the inputs. Nested calls are evaluated innermost first.
//!
//! - `base64(value)`: a document's content, or a string's UTF-8 bytes, as base64;
//! - `getText(document[, charset])`: a document's content as text (UTF-8);
//! - `getJson(document)`: a document's content parsed as JSON;
//! - `createGithubAppInstallationToken(privateKey, appId, installationId)`: a GitHub App
//!   installation token: a JWT signed with the app's private key (RS256) exchanged at
//!   `https://api.github.com/app/installations/{installationId}/access_tokens`.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use serde_json::{json, Value as Json};

use crate::document::{self, DocumentStore};
use crate::error::ConnectorError;
use crate::secrets::Redactor;
use crate::transport::{ClientOptions, Transport, WireRequest};

/// The key that marks an intrinsic function call.
pub(crate) const FUNCTION_KEY: &str = "camunda.function.type";

/// Where the functions find what they need.
pub(crate) struct Env<'a> {
    pub(crate) documents: &'a dyn DocumentStore,
    pub(crate) transport: &'a dyn Transport,
    pub(crate) options: &'a ClientOptions,
}

/// The JSON pointer of an innermost call inside `v` (one whose params hold no call).
fn innermost(v: &Json, path: &mut Vec<String>) -> bool {
    match v {
        Json::Object(m) => {
            for (k, child) in m {
                path.push(k.clone());
                if innermost(child, path) {
                    return true;
                }
                path.pop();
            }
            m.contains_key(FUNCTION_KEY)
        }
        Json::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                path.push(i.to_string());
                if innermost(child, path) {
                    return true;
                }
                path.pop();
            }
            false
        }
        _ => false,
    }
}

fn at<'j>(root: &'j mut Json, path: &[String]) -> Option<&'j mut Json> {
    path.iter().try_fold(root, |v, key| match v {
        Json::Object(m) => m.get_mut(key),
        Json::Array(items) => key.parse::<usize>().ok().and_then(|i| items.get_mut(i)),
        _ => None,
    })
}

/// Replace every intrinsic function call in the inputs the connector reads by its result
/// (calls in other variables are never evaluated: Camunda evaluates them while binding the
/// connector's own fields).
pub(crate) async fn apply(
    inputs: &mut Json,
    env: &Env<'_>,
    redactor: &mut Redactor,
) -> Result<(), ConnectorError> {
    let Json::Object(fields) = inputs else {
        return Ok(());
    };
    for (name, value) in fields.iter_mut() {
        if crate::worker::DEFAULT_FETCH_VARIABLES.contains(&name.as_str()) {
            apply_in(value, env, redactor).await?;
        }
    }
    Ok(())
}

async fn apply_in(
    inputs: &mut Json,
    env: &Env<'_>,
    redactor: &mut Redactor,
) -> Result<(), ConnectorError> {
    // bounded: each round replaces one call
    for _ in 0..1000 {
        let mut path = Vec::new();
        if !innermost(inputs, &mut path) {
            return Ok(());
        }
        let Some(slot) = at(inputs, &path) else {
            return Ok(());
        };
        let call = std::mem::take(slot);
        let result = evaluate(&call, env, redactor).await?;
        if let Some(slot) = at(inputs, &path) {
            *slot = result;
        }
    }
    Err(ConnectorError::input("Too many intrinsic function calls"))
}

fn param<'c>(params: &'c [Json], i: usize, function: &str) -> Result<&'c Json, ConnectorError> {
    params.get(i).filter(|p| !p.is_null()).ok_or_else(|| {
        ConnectorError::input(format!(
            "Intrinsic function '{function}' expects a parameter at position {}",
            i + 1
        ))
    })
}

fn text_param(params: &[Json], i: usize, function: &str) -> Result<String, ConnectorError> {
    Ok(match param(params, i, function)? {
        Json::String(s) => s.clone(),
        other => other.to_string(),
    })
}

fn document_content(v: &Json, env: &Env<'_>, function: &str) -> Result<Vec<u8>, ConnectorError> {
    if !document::is_reference(v) {
        return Err(ConnectorError::input(format!(
            "Intrinsic function '{function}' expects a document reference"
        )));
    }
    document::load(v, env.documents)
        .map(|d| d.content)
        .map_err(|e| ConnectorError::input(format!("Intrinsic function '{function}': {e}")))
}

async fn evaluate(
    call: &Json,
    env: &Env<'_>,
    redactor: &mut Redactor,
) -> Result<Json, ConnectorError> {
    let name = call.get(FUNCTION_KEY).and_then(Json::as_str).unwrap_or("");
    let params: &[Json] = call
        .get("params")
        .and_then(Json::as_array)
        .map_or(&[], Vec::as_slice);
    let b64 = |bytes: &[u8]| base64::engine::general_purpose::STANDARD.encode(bytes);
    match name {
        "base64" => {
            let value = param(params, 0, name)?;
            Ok(Json::String(match value {
                v if document::is_reference(v) => b64(&document_content(v, env, name)?),
                Json::String(s) => b64(s.as_bytes()),
                other => b64(other.to_string().as_bytes()),
            }))
        }
        "getText" => {
            let content = document_content(param(params, 0, name)?, env, name)?;
            Ok(Json::String(String::from_utf8_lossy(&content).into_owned()))
        }
        "getJson" => {
            let content = document_content(param(params, 0, name)?, env, name)?;
            serde_json::from_slice(&content)
                .map_err(|e| ConnectorError::input(format!("Intrinsic function 'getJson': {e}")))
        }
        "createGithubAppInstallationToken" => {
            let key = text_param(params, 0, name)?;
            let app_id = text_param(params, 1, name)?;
            let installation = text_param(params, 2, name)?;
            let token = github_installation_token(&key, &app_id, &installation, env).await?;
            redactor.add(&token);
            Ok(Json::String(token))
        }
        other => Err(ConnectorError::input(format!(
            "Intrinsic function '{other}' not found"
        ))),
    }
}

fn b64url(bytes: &[u8]) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// A JWT for a GitHub App: `iss` the app id, valid from a minute ago for nine minutes, RS256.
pub(crate) fn github_app_jwt(
    private_key_pem: &str,
    app_id: &str,
    now: u64,
) -> Result<String, ConnectorError> {
    let bad_key = || {
        ConnectorError::input(
            "createGithubAppInstallationToken: the private key is not a PEM RSA key",
        )
    };
    let key = openssl::pkey::PKey::private_key_from_pem(private_key_pem.trim().as_bytes())
        .map_err(|_| bad_key())?;
    let iss = app_id
        .trim()
        .parse::<u64>()
        .map(Json::from)
        .unwrap_or_else(|_| Json::String(app_id.trim().to_string()));
    let header = b64url(br#"{"alg":"RS256","typ":"JWT"}"#);
    let claims = b64url(
        json!({"iat": now.saturating_sub(60), "exp": now + 540, "iss": iss})
            .to_string()
            .as_bytes(),
    );
    let signing_input = format!("{header}.{claims}");
    let mut signer = openssl::sign::Signer::new(openssl::hash::MessageDigest::sha256(), &key)
        .map_err(|_| bad_key())?;
    signer
        .update(signing_input.as_bytes())
        .map_err(|_| bad_key())?;
    let signature = signer.sign_to_vec().map_err(|_| bad_key())?;
    Ok(format!("{signing_input}.{}", b64url(&signature)))
}

async fn github_installation_token(
    key: &str,
    app_id: &str,
    installation: &str,
    env: &Env<'_>,
) -> Result<String, ConnectorError> {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let jwt = github_app_jwt(key, app_id, now)?;
    let installation: String = installation
        .trim()
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect();
    let url = format!("https://api.github.com/app/installations/{installation}/access_tokens");
    let timeout = Some(Duration::from_secs(crate::request::DEFAULT_TIMEOUT_SECS));
    let request = WireRequest {
        method: "POST".into(),
        url: url.clone(),
        headers: vec![
            ("Authorization".into(), format!("Bearer {jwt}")),
            ("Accept".into(), "application/vnd.github+json".into()),
            ("X-GitHub-Api-Version".into(), "2022-11-28".into()),
            ("User-Agent".into(), env.options.user_agent.clone()),
        ],
        body: Vec::new(),
        has_body: true,
        connect_timeout: timeout,
        read_timeout: timeout,
        follow_redirects: false,
        proxy: crate::request::route(&url, env.options)?,
        tls: Default::default(),
    };
    let response = env
        .transport
        .send(request)
        .await
        .map_err(|e| crate::auth::transport_error(&e))?;
    if response.status >= 400 {
        return Err(ConnectorError::technical(
            response.status.to_string(),
            format!(
                "createGithubAppInstallationToken: GitHub answered {}",
                response.status
            ),
        ));
    }
    let body: Json = serde_json::from_slice(&response.body).unwrap_or(Json::Null);
    body.get("token")
        .and_then(Json::as_str)
        .map(str::to_string)
        .ok_or_else(|| {
            ConnectorError::technical(
                "GITHUB_TOKEN_ERROR",
                "createGithubAppInstallationToken: the answer has no token",
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn innermost_calls_come_first() {
        let v = json!({"a": [1, {"camunda.function.type": "base64",
            "params": [{"camunda.function.type": "getText", "params": []}]}]});
        let mut path = Vec::new();
        assert!(innermost(&v, &mut path));
        assert_eq!(path, vec!["a", "1", "params", "0"]);
    }

    #[test]
    fn jwts_are_rs256_signed_with_the_app_key() {
        let rsa = openssl::rsa::Rsa::generate(2048).unwrap();
        let key = openssl::pkey::PKey::from_rsa(rsa).unwrap();
        let pem = String::from_utf8(key.private_key_to_pem_pkcs8().unwrap()).unwrap();
        let jwt = github_app_jwt(&pem, "12345", 1_700_000_000).unwrap();
        let parts: Vec<&str> = jwt.split('.').collect();
        assert_eq!(parts.len(), 3);
        let claims: Json = serde_json::from_slice(
            &base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(parts[1])
                .unwrap(),
        )
        .unwrap();
        assert_eq!(
            claims,
            json!({"iat": 1_699_999_940_u64, "exp": 1_700_000_540_u64, "iss": 12345})
        );
        let signature = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(parts[2])
            .unwrap();
        let mut verifier =
            openssl::sign::Verifier::new(openssl::hash::MessageDigest::sha256(), &key).unwrap();
        verifier
            .update(format!("{}.{}", parts[0], parts[1]).as_bytes())
            .unwrap();
        assert!(verifier.verify(&signature).unwrap());
        assert!(github_app_jwt("not a key", "1", 0).is_err());
    }
}
