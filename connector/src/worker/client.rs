//! The cluster's job endpoints (REST API v2) over isahc: activation, completion, BPMN error
//! and failure, authenticated with nothing, Basic credentials or an OAuth token that is cached
//! until shortly before it expires.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use base64::Engine as _;
use isahc::config::Configurable;
use isahc::AsyncReadResponseExt;
use serde_json::{Map, Value as Json};

use super::command::Command;
use super::config::{ClusterAuth, ClusterConfig, OAuthSettings, WorkerOptions};
use super::job::ActivatedJob;

/// What went wrong talking to the cluster.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ClusterError {
    /// No answer: connection refused, timeout, TLS.
    #[error("the cluster cannot be reached: {0}")]
    Transport(String),
    /// An error status, with the problem detail's title and detail when the body has them.
    #[error("the cluster answered {status}{}{}", .title.as_ref().map(|t| format!(" {t}")).unwrap_or_default(), .detail.as_ref().map(|d| format!(": {d}")).unwrap_or_default())]
    Status {
        /// The HTTP status.
        status: u16,
        /// The problem detail's `title`.
        title: Option<String>,
        /// The problem detail's `detail`.
        detail: Option<String>,
    },
    /// The token endpoint gave no token.
    #[error("no OAuth token: {0}")]
    Token(String),
    /// A success status with a body that is not what the API defines.
    #[error("unexpected answer from the cluster: {0}")]
    Invalid(String),
}

impl ClusterError {
    /// The HTTP status, for an error status.
    pub fn status(&self) -> Option<u16> {
        match self {
            ClusterError::Status { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// Whether trying again later can succeed: no answer, 429, 5xx, or a token failure.
    pub fn retryable(&self) -> bool {
        match self {
            ClusterError::Transport(_) | ClusterError::Token(_) => true,
            ClusterError::Status { status, .. } => *status == 429 || *status >= 500,
            ClusterError::Invalid(_) => false,
        }
    }
}

struct Token {
    value: String,
    refresh_at: Instant,
}

/// A client of the cluster's job endpoints. Share it between jobs.
pub struct ClusterClient {
    http: isahc::HttpClient,
    config: ClusterConfig,
    token: Mutex<Option<Token>>,
    token_fetches: AtomicU64,
}

impl std::fmt::Debug for ClusterClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClusterClient")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

/// The time a token is renewed ahead of its expiry: 5 % of its lifetime, at least 30 s, but
/// never more than a fifth of a short lifetime (a 3 s token is renewed after 2.4 s).
fn renewal_margin(lifetime: Duration) -> Duration {
    lifetime
        .mul_f64(0.05)
        .max(Duration::from_secs(30))
        .min(lifetime / 5)
}

/// Read a problem detail (RFC 9457) body's title and detail.
fn problem(body: &[u8]) -> (Option<String>, Option<String>) {
    let Ok(Json::Object(map)) = serde_json::from_slice::<Json>(body) else {
        return (None, None);
    };
    let field = |k: &str| map.get(k).and_then(Json::as_str).map(str::to_string);
    (field("title"), field("detail"))
}

impl ClusterClient {
    /// A client for `config`, trusting the system's CA certificates.
    pub fn new(config: ClusterConfig) -> Result<Self, ClusterError> {
        let http = isahc::HttpClient::builder()
            .connect_timeout(Duration::from_secs(10))
            .build()
            .map_err(|e| ClusterError::Transport(e.to_string()))?;
        Ok(ClusterClient {
            http,
            config,
            token: Mutex::new(None),
            token_fetches: AtomicU64::new(0),
        })
    }

    /// The base URL (ending in `/v2`).
    pub fn address(&self) -> &str {
        &self.config.address
    }

    /// How many OAuth tokens this client fetched.
    pub fn token_fetches(&self) -> u64 {
        self.token_fetches.load(Ordering::Relaxed)
    }

    /// Activate up to `max_jobs` jobs of `job_type`, waiting up to the options' request timeout
    /// for one (long polling).
    pub async fn activate(
        &self,
        options: &WorkerOptions,
        job_type: &str,
        max_jobs: usize,
    ) -> Result<Vec<ActivatedJob>, ClusterError> {
        let mut body = Map::new();
        body.insert("type".into(), Json::String(job_type.to_string()));
        body.insert("worker".into(), Json::String(options.name.clone()));
        body.insert("timeout".into(), millis(options.job_timeout).into());
        body.insert(
            "maxJobsToActivate".into(),
            i32::try_from(max_jobs).unwrap_or(i32::MAX).into(),
        );
        if let Some(names) = &options.fetch_variables {
            body.insert("fetchVariable".into(), names.clone().into());
        }
        body.insert(
            "requestTimeout".into(),
            millis(options.request_timeout).into(),
        );
        if !options.tenant_ids.is_empty() {
            body.insert("tenantIds".into(), options.tenant_ids.clone().into());
        }
        // the cluster holds the request up to requestTimeout: wait a little longer for it
        let timeout = options.request_timeout + Duration::from_secs(5);
        let answer = self
            .post("jobs/activation", &Json::Object(body), timeout)
            .await?;
        let json: Json = serde_json::from_slice(&answer)
            .map_err(|e| ClusterError::Invalid(format!("activation response: {e}")))?;
        let jobs = json
            .get("jobs")
            .and_then(Json::as_array)
            .ok_or_else(|| ClusterError::Invalid("activation response without jobs".into()))?;
        jobs.iter()
            .map(|j| ActivatedJob::from_json(j).map_err(ClusterError::Invalid))
            .collect()
    }

    /// Send a job command (completion, error, failure) for the job `key`.
    pub async fn send(&self, key: &str, command: &Command) -> Result<(), ClusterError> {
        let path = format!("jobs/{key}/{}", command.kind.path());
        self.post(&path, &command.body, Duration::from_secs(20))
            .await
            .map(|_| ())
    }

    /// POST JSON to `{address}/{path}`; a 401 with OAuth renews the token and tries once more.
    async fn post(
        &self,
        path: &str,
        body: &Json,
        timeout: Duration,
    ) -> Result<Vec<u8>, ClusterError> {
        let bytes = serde_json::to_vec(body).map_err(|e| ClusterError::Invalid(e.to_string()))?;
        let url = format!("{}/{path}", self.config.address);
        let mut renew = false;
        let mut retried = false;
        loop {
            let authorization = self.authorization(renew).await?;
            let mut request = isahc::Request::post(&url)
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .timeout(timeout);
            if let Some(value) = &authorization {
                request = request.header("Authorization", value.as_str());
            }
            let request = request
                .body(bytes.clone())
                .map_err(|e| ClusterError::Invalid(e.to_string()))?;
            let mut response = self
                .http
                .send_async(request)
                .await
                .map_err(|e| ClusterError::Transport(e.to_string()))?;
            let status = response.status().as_u16();
            let answer = response
                .bytes()
                .await
                .map_err(|e| ClusterError::Transport(e.to_string()))?;
            if status == 401 && !retried && matches!(self.config.auth, ClusterAuth::OAuth(_)) {
                // renew the token, unless a concurrent request already did
                retried = true;
                renew = authorization == self.cached_authorization();
                continue;
            }
            if (200..300).contains(&status) {
                return Ok(answer);
            }
            let (title, detail) = problem(&answer);
            return Err(ClusterError::Status {
                status,
                title,
                detail,
            });
        }
    }

    /// The header value of the cached token, valid or not.
    fn cached_authorization(&self) -> Option<String> {
        let guard = self.token.lock().ok()?;
        guard.as_ref().map(|t| format!("Bearer {}", t.value))
    }

    /// The `Authorization` header value, fetching a token first when needed.
    async fn authorization(&self, renew: bool) -> Result<Option<String>, ClusterError> {
        match &self.config.auth {
            ClusterAuth::None => Ok(None),
            ClusterAuth::Basic { username, password } => {
                let pair = base64::engine::general_purpose::STANDARD
                    .encode(format!("{username}:{password}"));
                Ok(Some(format!("Basic {pair}")))
            }
            ClusterAuth::OAuth(settings) => {
                if !renew {
                    if let Ok(guard) = self.token.lock() {
                        if let Some(t) = guard.as_ref().filter(|t| t.refresh_at > Instant::now()) {
                            return Ok(Some(format!("Bearer {}", t.value)));
                        }
                    }
                }
                let token = self.fetch_token(settings).await?;
                let header = format!("Bearer {}", token.value);
                if let Ok(mut guard) = self.token.lock() {
                    *guard = Some(token);
                }
                Ok(Some(header))
            }
        }
    }

    async fn fetch_token(&self, s: &OAuthSettings) -> Result<Token, ClusterError> {
        self.token_fetches.fetch_add(1, Ordering::Relaxed);
        let mut form = Map::new();
        form.insert("grant_type".into(), "client_credentials".into());
        form.insert("client_id".into(), s.client_id.clone().into());
        form.insert("client_secret".into(), s.client_secret.clone().into());
        if let Some(a) = &s.audience {
            form.insert("audience".into(), a.clone().into());
        }
        if let Some(scope) = &s.scope {
            form.insert("scope".into(), scope.clone().into());
        }
        let request = isahc::Request::post(&s.url)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .header("Accept", "application/json")
            .timeout(Duration::from_secs(20))
            .body(crate::request::body::form_encode(&form).into_bytes())
            .map_err(|e| ClusterError::Token(e.to_string()))?;
        let started = Instant::now();
        let mut response = self
            .http
            .send_async(request)
            .await
            .map_err(|e| ClusterError::Token(format!("token endpoint: {e}")))?;
        let status = response.status().as_u16();
        let body = response
            .bytes()
            .await
            .map_err(|e| ClusterError::Token(format!("token endpoint: {e}")))?;
        if status != 200 {
            // the body may echo the credentials: only the status is reported
            return Err(ClusterError::Token(format!(
                "the token endpoint answered {status}"
            )));
        }
        let json: Json = serde_json::from_slice(&body)
            .map_err(|_| ClusterError::Token("the token response is not JSON".into()))?;
        let value = json
            .get("access_token")
            .and_then(Json::as_str)
            .filter(|t| !t.is_empty())
            .ok_or_else(|| ClusterError::Token("the token response has no access_token".into()))?
            .to_string();
        let lifetime = match json.get("expires_in") {
            Some(Json::Number(n)) => n.as_f64(),
            Some(Json::String(s)) => s.parse().ok(),
            _ => None,
        }
        .and_then(|secs| Duration::try_from_secs_f64(secs).ok())
        .unwrap_or(Duration::from_secs(60));
        Ok(Token {
            value,
            refresh_at: started + lifetime - renewal_margin(lifetime),
        })
    }
}

fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_renewed_ahead_of_expiry() {
        assert_eq!(
            renewal_margin(Duration::from_secs(3600)),
            Duration::from_secs(180)
        );
        assert_eq!(
            renewal_margin(Duration::from_secs(300)),
            Duration::from_secs(30)
        );
        assert_eq!(
            renewal_margin(Duration::from_secs(3)),
            Duration::from_millis(600)
        );
    }

    #[test]
    fn problem_details_are_read_and_retry_rules_hold() {
        let body = br#"{"type":"about:blank","title":"RESOURCE_EXHAUSTED","status":503,"detail":"busy","instance":"/v2/jobs/activation"}"#;
        assert_eq!(
            problem(body),
            (Some("RESOURCE_EXHAUSTED".into()), Some("busy".into()))
        );
        assert_eq!(problem(b"<html>"), (None, None));
        let e = |status| ClusterError::Status {
            status,
            title: None,
            detail: None,
        };
        assert!(e(503).retryable() && e(429).retryable() && e(500).retryable());
        assert!(!e(404).retryable() && !e(400).retryable() && !e(409).retryable());
        assert!(ClusterError::Transport("refused".into()).retryable());
    }
}
