//! How the worker reaches the cluster and which jobs it takes: the settings Camunda's own
//! clients read from `CAMUNDA_*` environment variables.

use std::time::Duration;

/// The job type of the REST connector.
pub const DEFAULT_JOB_TYPE: &str = crate::template::HTTP_JSON_TYPE;

/// The variables the REST connector reads: what a worker fetches by default (as Camunda's
/// connector runtime declares them), so a job does not carry the whole process state.
pub const DEFAULT_FETCH_VARIABLES: [&str; 16] = [
    "url",
    "method",
    "authentication",
    "headers",
    "queryParameters",
    "skipEncoding",
    "connectionTimeoutInSeconds",
    "readTimeoutInSeconds",
    "body",
    "storeResponse",
    "groupSetCookieHeaders",
    "ignoreNullValues",
    "followRedirects",
    "clientTls",
    "documentReturnFormat",
    "authenticationConfiguration",
];

/// How the worker authenticates at the cluster (`CAMUNDA_AUTH_STRATEGY`).
#[derive(Clone, PartialEq, Eq)]
pub enum ClusterAuth {
    /// `NONE`: a local cluster without authentication.
    None,
    /// `BASIC`: `CAMUNDA_BASIC_AUTH_USERNAME` / `CAMUNDA_BASIC_AUTH_PASSWORD`.
    Basic {
        /// The user name.
        username: String,
        /// The password.
        password: String,
    },
    /// `OAUTH`: client credentials at `CAMUNDA_OAUTH_URL`.
    OAuth(OAuthSettings),
}

/// OAuth 2.0 client-credentials settings.
#[derive(Clone, PartialEq, Eq)]
pub struct OAuthSettings {
    /// The token endpoint (`CAMUNDA_OAUTH_URL`).
    pub url: String,
    /// `CAMUNDA_CLIENT_ID`.
    pub client_id: String,
    /// `CAMUNDA_CLIENT_SECRET`.
    pub client_secret: String,
    /// `CAMUNDA_TOKEN_AUDIENCE`.
    pub audience: Option<String>,
    /// `CAMUNDA_OAUTH_SCOPE`.
    pub scope: Option<String>,
}

impl std::fmt::Debug for ClusterAuth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // never the password or the client secret
        match self {
            ClusterAuth::None => f.write_str("None"),
            ClusterAuth::Basic { username, .. } => {
                f.debug_struct("Basic").field("username", username).finish()
            }
            ClusterAuth::OAuth(o) => f
                .debug_struct("OAuth")
                .field("url", &o.url)
                .field("client_id", &o.client_id)
                .field("audience", &o.audience)
                .field("scope", &o.scope)
                .finish_non_exhaustive(),
        }
    }
}

/// The cluster's REST API: its base URL (ending in `/v2`) and authentication.
#[derive(Clone, Debug)]
pub struct ClusterConfig {
    /// The base URL of the v2 API, e.g. `http://localhost:8080/v2`.
    pub address: String,
    /// How to authenticate.
    pub auth: ClusterAuth,
}

impl ClusterConfig {
    /// A configuration for `address` (`/v2` is appended when missing, as Camunda's SDKs do).
    ///
    /// ```
    /// let c = connector::worker::ClusterConfig::new("http://127.0.0.1:8080",
    ///     connector::worker::ClusterAuth::None).unwrap();
    /// assert_eq!(c.address, "http://127.0.0.1:8080/v2");
    /// ```
    pub fn new(address: &str, auth: ClusterAuth) -> Result<Self, String> {
        Ok(ClusterConfig {
            address: normalise_address(address)?,
            auth,
        })
    }
}

/// `http(s)://host[:port][/path]` with `/v2` at the end, no trailing slash.
pub fn normalise_address(address: &str) -> Result<String, String> {
    let trimmed = address.trim().trim_end_matches('/');
    let lower = trimmed.to_ascii_lowercase();
    if !(lower.starts_with("http://") || lower.starts_with("https://")) || trimmed.len() < 9 {
        return Err(format!(
            "CAMUNDA_REST_ADDRESS: '{address}' is not an http(s) URL"
        ));
    }
    if trimmed.ends_with("/v2") {
        Ok(trimmed.to_string())
    } else {
        Ok(format!("{trimmed}/v2"))
    }
}

/// Which jobs the worker activates and how many it runs at once.
#[derive(Clone, Debug)]
pub struct WorkerOptions {
    /// The job types to activate, in turn (default `io.camunda:http-json:1`).
    pub job_types: Vec<String>,
    /// The worker's name, sent with each activation.
    pub name: String,
    /// How long an activated job stays with this worker before the cluster offers it again.
    pub job_timeout: Duration,
    /// At most this many jobs in flight (activated and not yet answered).
    pub max_jobs_active: usize,
    /// Long polling: how long the cluster may hold an activation with no job.
    pub request_timeout: Duration,
    /// The variables to fetch (`None`: all variables visible to the task).
    pub fetch_variables: Option<Vec<String>>,
    /// The tenants whose jobs to activate (empty: the cluster's default).
    pub tenant_ids: Vec<String>,
    /// On shutdown, how long jobs in flight may take before they are handed back.
    pub grace_period: Duration,
    /// The pause after an activation that returned no job.
    pub poll_interval: Duration,
    /// Write one JSON log line per job and per cluster fault to stderr.
    pub log: bool,
}

impl Default for WorkerOptions {
    fn default() -> Self {
        WorkerOptions {
            job_types: vec![DEFAULT_JOB_TYPE.to_string()],
            name: default_worker_name(),
            job_timeout: Duration::from_secs(300),
            max_jobs_active: 32,
            request_timeout: Duration::from_secs(10),
            fetch_variables: Some(
                DEFAULT_FETCH_VARIABLES
                    .iter()
                    .map(|s| s.to_string())
                    .collect(),
            ),
            tenant_ids: Vec::new(),
            grace_period: Duration::from_secs(30),
            poll_interval: Duration::from_millis(100),
            log: true,
        }
    }
}

/// `connector-<host>-<pid>`.
pub fn default_worker_name() -> String {
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
        .or_else(|| std::env::var("HOSTNAME").ok())
        .unwrap_or_else(|| "host".into());
    format!("connector-{host}-{}", std::process::id())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_get_v2_once() {
        for (given, want) in [
            ("http://h:8080", "http://h:8080/v2"),
            ("http://h:8080/", "http://h:8080/v2"),
            ("https://h/v2", "https://h/v2"),
            ("https://h/v2/", "https://h/v2"),
            ("http://h/cluster-1", "http://h/cluster-1/v2"),
        ] {
            assert_eq!(normalise_address(given).as_deref(), Ok(want));
        }
        assert!(normalise_address("localhost:8080").is_err());
        assert!(normalise_address("").is_err());
    }

    #[test]
    fn debug_hides_credentials() {
        let auth = ClusterAuth::OAuth(OAuthSettings {
            url: "http://t".into(),
            client_id: "id".into(),
            client_secret: "s3cr3t".into(),
            audience: None,
            scope: None,
        });
        assert!(!format!("{auth:?}").contains("s3cr3t"));
        let basic = ClusterAuth::Basic {
            username: "u".into(),
            password: "pw-123".into(),
        };
        assert!(!format!("{basic:?}").contains("pw-123"));
    }
}
