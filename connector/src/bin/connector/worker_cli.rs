//! `connector worker`: the options (each also read from the environment variable Camunda's
//! own clients use) and the process around [`connector::worker::Worker`]: signals, the metrics
//! endpoint, the counters printed on shutdown.

use std::process::ExitCode;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;
use std::time::Duration;

use clap::{Args, ValueEnum};
use connector::worker::{
    ClusterAuth, ClusterClient, ClusterConfig, OAuthSettings, Worker, WorkerOptions,
    DEFAULT_FETCH_VARIABLES, DEFAULT_JOB_TYPE,
};

/// `CAMUNDA_AUTH_STRATEGY`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
#[value(rename_all = "UPPER")]
pub enum AuthStrategy {
    /// No authentication.
    None,
    /// HTTP Basic.
    Basic,
    /// OAuth 2.0 client credentials.
    Oauth,
}

/// The options of `connector worker`.
#[derive(Args, Debug)]
pub struct WorkerArgs {
    /// The cluster's REST address (`/v2` is appended when missing).
    #[arg(
        long,
        env = "CAMUNDA_REST_ADDRESS",
        default_value = "http://localhost:8080/v2"
    )]
    address: String,
    /// How to authenticate at the cluster (default: OAUTH when a client id and secret are
    /// set, BASIC when a user name is set, else NONE).
    #[arg(long, env = "CAMUNDA_AUTH_STRATEGY", ignore_case = true)]
    auth_strategy: Option<AuthStrategy>,
    /// OAuth client id.
    #[arg(long, env = "CAMUNDA_CLIENT_ID")]
    client_id: Option<String>,
    /// OAuth client secret.
    #[arg(long, env = "CAMUNDA_CLIENT_SECRET", hide_env_values = true)]
    client_secret: Option<String>,
    /// OAuth token endpoint.
    #[arg(
        long,
        env = "CAMUNDA_OAUTH_URL",
        default_value = "https://login.cloud.camunda.io/oauth/token"
    )]
    oauth_url: String,
    /// OAuth audience.
    #[arg(
        long,
        env = "CAMUNDA_TOKEN_AUDIENCE",
        default_value = "zeebe.camunda.io"
    )]
    token_audience: String,
    /// OAuth scope.
    #[arg(long, env = "CAMUNDA_OAUTH_SCOPE")]
    oauth_scope: Option<String>,
    /// Basic authentication user name.
    #[arg(long, env = "CAMUNDA_BASIC_AUTH_USERNAME")]
    basic_auth_username: Option<String>,
    /// Basic authentication password.
    #[arg(long, env = "CAMUNDA_BASIC_AUTH_PASSWORD", hide_env_values = true)]
    basic_auth_password: Option<String>,
    /// Tenants whose jobs to activate (repeatable, or comma-separated).
    #[arg(
        long = "tenant-id",
        env = "CAMUNDA_DEFAULT_TENANT_ID",
        value_delimiter = ','
    )]
    tenant_ids: Vec<String>,
    /// Job types to activate (repeatable).
    #[arg(long = "type", env = "CONNECTOR_HTTP_REST_TYPE", value_delimiter = ',', default_value = DEFAULT_JOB_TYPE)]
    job_types: Vec<String>,
    /// The worker's name (default `connector-<host>-<pid>`).
    #[arg(long, env = "CAMUNDA_WORKER_NAME")]
    worker_name: Option<String>,
    /// Job timeout in milliseconds: how long a job stays with this worker.
    #[arg(long, env = "CAMUNDA_WORKER_TIMEOUT", default_value_t = 300_000)]
    timeout: u64,
    /// At most this many jobs in flight.
    #[arg(long, env = "CAMUNDA_WORKER_MAX_CONCURRENT_JOBS", default_value_t = 32,
          value_parser = clap::value_parser!(u32).range(1..=10_000))]
    max_jobs_active: u32,
    /// Long-polling timeout of an activation, in milliseconds.
    #[arg(long, env = "CAMUNDA_WORKER_REQUEST_TIMEOUT", default_value_t = 10_000)]
    request_timeout: u64,
    /// Variables to fetch with each job (repeatable; default: the REST connector's inputs).
    #[arg(long = "fetch-variable", value_delimiter = ',')]
    fetch_variables: Vec<String>,
    /// Fetch every variable visible to the task instead of the connector's inputs.
    #[arg(long, conflicts_with = "fetch_variables")]
    fetch_all_variables: bool,
    /// On SIGTERM/SIGINT, how long jobs in flight may take (milliseconds) before they are
    /// handed back to the cluster.
    #[arg(long, default_value_t = 30_000)]
    grace_period: u64,
    /// Serve the counters in Prometheus' text format on this address (e.g. 127.0.0.1:9464).
    #[arg(long)]
    metrics_addr: Option<String>,
    #[command(flatten)]
    runtime: super::RuntimeArgs,
    /// No log line per job (the counters are still printed on shutdown).
    #[arg(long)]
    quiet: bool,
}

fn required(value: &Option<String>, variable: &str) -> Result<String, String> {
    value
        .clone()
        .filter(|v| !v.is_empty())
        .ok_or_else(|| format!("{variable} must be set for this authentication strategy"))
}

impl WorkerArgs {
    fn cluster_auth(&self) -> Result<ClusterAuth, String> {
        let strategy = self.auth_strategy.unwrap_or(
            if self.client_id.is_some() && self.client_secret.is_some() {
                AuthStrategy::Oauth
            } else if self.basic_auth_username.is_some() {
                AuthStrategy::Basic
            } else {
                AuthStrategy::None
            },
        );
        Ok(match strategy {
            AuthStrategy::None => ClusterAuth::None,
            AuthStrategy::Basic => ClusterAuth::Basic {
                username: required(&self.basic_auth_username, "CAMUNDA_BASIC_AUTH_USERNAME")?,
                password: required(&self.basic_auth_password, "CAMUNDA_BASIC_AUTH_PASSWORD")?,
            },
            AuthStrategy::Oauth => ClusterAuth::OAuth(OAuthSettings {
                url: self.oauth_url.clone(),
                client_id: required(&self.client_id, "CAMUNDA_CLIENT_ID")?,
                client_secret: required(&self.client_secret, "CAMUNDA_CLIENT_SECRET")?,
                audience: Some(self.token_audience.clone()).filter(|a| !a.is_empty()),
                scope: self.oauth_scope.clone().filter(|s| !s.is_empty()),
            }),
        })
    }

    fn options(&self) -> WorkerOptions {
        let fetch_variables = if self.fetch_all_variables {
            None
        } else if self.fetch_variables.is_empty() {
            Some(
                DEFAULT_FETCH_VARIABLES
                    .iter()
                    .map(|s| s.to_string())
                    .collect(),
            )
        } else {
            Some(self.fetch_variables.clone())
        };
        let defaults = WorkerOptions::default();
        WorkerOptions {
            job_types: self.job_types.clone(),
            name: self.worker_name.clone().unwrap_or(defaults.name),
            job_timeout: Duration::from_millis(self.timeout),
            max_jobs_active: self.max_jobs_active as usize,
            request_timeout: Duration::from_millis(self.request_timeout),
            fetch_variables,
            tenant_ids: self.tenant_ids.clone(),
            grace_period: Duration::from_millis(self.grace_period),
            poll_interval: defaults.poll_interval,
            log: !self.quiet,
        }
    }
}

/// Run the worker until SIGTERM or SIGINT.
pub fn run(args: &WorkerArgs) -> ExitCode {
    match start(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("connector worker: {message}");
            ExitCode::from(2)
        }
    }
}

fn start(args: &WorkerArgs) -> Result<(), String> {
    let auth = args.cluster_auth()?;
    let config = ClusterConfig::new(&args.address, auth)?;
    let cluster = ClusterClient::new(config).map_err(|e| e.to_string())?;
    let runtime = args.runtime.build(None, feel::Dialect::Camunda)?;
    let worker = Worker::new(runtime, cluster, args.options());
    let stop = Arc::new(AtomicBool::new(false));
    for signal in [signal_hook::consts::SIGTERM, signal_hook::consts::SIGINT] {
        signal_hook::flag::register(signal, stop.clone())
            .map_err(|e| format!("cannot install the signal handler: {e}"))?;
    }
    if let Some(addr) = &args.metrics_addr {
        let bound = worker
            .metrics()
            .serve(addr)
            .map_err(|e| format!("--metrics-addr {addr}: {e}"))?;
        eprintln!("connector worker: metrics on http://{bound}/metrics");
    }
    eprintln!(
        "connector worker: {} activating {} from {}",
        args.options().name,
        args.job_types.join(", "),
        worker.cluster().address()
    );
    let metrics = worker.run(&stop);
    eprintln!("connector worker: stopped; {}", metrics.summary());
    Ok(())
}
