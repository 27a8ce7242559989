//! A loopback Camunda 8 cluster: the job endpoints of the Orchestration Cluster REST API (v2)
//! on 127.0.0.1, for testing job workers where Zeebe itself cannot run.
//!
//! It keeps a queue of jobs with deadlines, offers a job again when its deadline passes,
//! answers a command for a finished job with 404, long-polls activations, can demand OAuth
//! tokens (with a token endpoint of its own) or Basic credentials, can answer activations with
//! 503/429 for a while, and **validates every request and response** against Camunda's
//! published API description ([`schema`]): a violation is answered with 400 and recorded in
//! [`LoopbackCluster::violations`].

pub mod schema;
mod state;

use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use base64::Engine as _;
use serde_json::{json, Map, Value as Json};

use crate::http::{HttpServer, Peer, Request, Response};
pub use schema::{validate, Shape};
use state::{now_ms, Jobs};
pub use state::{Job, JobSpec, JobState};

/// Credentials the cluster demands.
#[derive(Clone, Debug, Default)]
pub enum ClusterAuthMode {
    /// None.
    #[default]
    None,
    /// HTTP Basic with this user and password.
    Basic(String, String),
    /// Bearer tokens from the cluster's own token endpoint (`{url}/oauth/token`), issued to
    /// this client id and secret, valid for `expires_in` seconds.
    OAuth {
        /// The client id.
        client_id: String,
        /// The client secret.
        client_secret: String,
        /// Token lifetime in seconds.
        expires_in: u64,
    },
}

/// A command (completion, failure, error) as the cluster received it.
#[derive(Clone, Debug)]
pub struct RecordedCommand {
    /// `completion`, `failure` or `error`.
    pub kind: String,
    /// The job key.
    pub key: String,
    /// The request body.
    pub body: Json,
    /// The status the cluster answered.
    pub status: u16,
    /// When it arrived.
    pub at: Instant,
}

/// An activation request as the cluster received it.
#[derive(Clone, Debug)]
pub struct RecordedActivation {
    /// The request body.
    pub body: Json,
    /// The status the cluster answered.
    pub status: u16,
    /// How many jobs it returned.
    pub jobs: usize,
    /// When it arrived.
    pub at: Instant,
}

/// Counts over all jobs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    /// Jobs created.
    pub created: usize,
    /// Waiting for a worker.
    pub activatable: usize,
    /// With a worker.
    pub activated: usize,
    /// Completed.
    pub completed: usize,
    /// A BPMN error was thrown.
    pub error_thrown: usize,
    /// Incidents (failed with no retries left).
    pub incidents: usize,
}

impl Stats {
    /// Jobs that reached an end (completed, error thrown, incident).
    pub fn finished(&self) -> usize {
        self.completed + self.error_thrown + self.incidents
    }
}

#[derive(Debug, Default)]
struct Faults {
    /// Activations answer this status until the instant.
    activation: Option<(u16, Instant)>,
    /// The next commands answer this status, this many times.
    commands: Option<(u16, u32)>,
}

#[derive(Debug, Default)]
struct Tokens {
    issued: Vec<(String, i64)>,
    requests: Vec<Map<String, Json>>,
}

#[derive(Debug)]
struct Shared {
    jobs: Mutex<Jobs>,
    changed: Condvar,
    auth: ClusterAuthMode,
    default_request_timeout: Duration,
    faults: Mutex<Faults>,
    tokens: Mutex<Tokens>,
    commands: Mutex<Vec<RecordedCommand>>,
    activations: Mutex<Vec<RecordedActivation>>,
    violations: Mutex<Vec<String>>,
    unauthorized: Mutex<u32>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The cluster; stops when dropped.
pub struct LoopbackCluster {
    server: HttpServer,
    shared: Arc<Shared>,
}

impl std::fmt::Debug for LoopbackCluster {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoopbackCluster")
            .field("url", &self.server.url())
            .finish_non_exhaustive()
    }
}

impl LoopbackCluster {
    /// Start a cluster without authentication.
    pub fn start() -> std::io::Result<Self> {
        LoopbackCluster::with_auth(ClusterAuthMode::None)
    }

    /// Start a cluster that demands `auth`.
    pub fn with_auth(auth: ClusterAuthMode) -> std::io::Result<Self> {
        LoopbackCluster::on_port(0, auth)
    }

    /// Start a cluster on 127.0.0.1:`port` (0: any free port), e.g. where a worker has been
    /// refused connections so far.
    pub fn on_port(port: u16, auth: ClusterAuthMode) -> std::io::Result<Self> {
        let shared = Arc::new(Shared {
            jobs: Mutex::new(Jobs::default()),
            changed: Condvar::new(),
            auth,
            default_request_timeout: Duration::from_secs(10),
            faults: Mutex::new(Faults::default()),
            tokens: Mutex::new(Tokens::default()),
            commands: Mutex::new(Vec::new()),
            activations: Mutex::new(Vec::new()),
            violations: Mutex::new(Vec::new()),
            unauthorized: Mutex::new(0),
        });
        let handler = shared.clone();
        let server = HttpServer::start_on(port, move |req, peer| handler.route(req, peer))?;
        Ok(LoopbackCluster { server, shared })
    }

    /// `http://127.0.0.1:<port>`: the address workers are given (they append `/v2`).
    pub fn url(&self) -> String {
        self.server.url()
    }

    /// The token endpoint of [`ClusterAuthMode::OAuth`].
    pub fn token_url(&self) -> String {
        format!("{}/oauth/token", self.server.url())
    }

    /// Create a job; returns its key.
    pub fn create_job(&self, spec: JobSpec) -> String {
        let key = lock(&self.shared.jobs).create(spec);
        self.shared.changed.notify_all();
        key
    }

    /// Create `n` jobs, the i-th from `spec(i)`; returns their keys.
    pub fn create_jobs(&self, n: usize, spec: impl Fn(usize) -> JobSpec) -> Vec<String> {
        let keys = {
            let mut jobs = lock(&self.shared.jobs);
            (0..n).map(|i| jobs.create(spec(i))).collect()
        };
        self.shared.changed.notify_all();
        keys
    }

    /// A job by key.
    pub fn job(&self, key: &str) -> Option<Job> {
        lock(&self.shared.jobs).by_key.get(key).cloned()
    }

    /// Every job.
    pub fn jobs(&self) -> Vec<Job> {
        lock(&self.shared.jobs).by_key.values().cloned().collect()
    }

    /// Counts over all jobs.
    pub fn stats(&self) -> Stats {
        let mut jobs = lock(&self.shared.jobs);
        jobs.expire();
        let mut s = Stats {
            created: jobs.by_key.len(),
            ..Stats::default()
        };
        for job in jobs.by_key.values() {
            match job.state {
                JobState::Activatable { .. } => s.activatable += 1,
                JobState::Activated { .. } => s.activated += 1,
                JobState::Completed { .. } => s.completed += 1,
                JobState::ErrorThrown { .. } => s.error_thrown += 1,
                JobState::Incident { .. } => s.incidents += 1,
            }
        }
        s
    }

    /// Wait until `done(stats)` holds or `timeout` passes; whether it held.
    pub fn wait_until(&self, timeout: Duration, done: impl Fn(&Stats) -> bool) -> bool {
        let until = Instant::now() + timeout;
        loop {
            if done(&self.stats()) {
                return true;
            }
            if Instant::now() >= until {
                return false;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// The commands received, in order.
    pub fn commands(&self) -> Vec<RecordedCommand> {
        lock(&self.shared.commands).clone()
    }

    /// The activation requests received, in order.
    pub fn activations(&self) -> Vec<RecordedActivation> {
        lock(&self.shared.activations).clone()
    }

    /// Requests and responses that did not match the API description.
    pub fn violations(&self) -> Vec<String> {
        lock(&self.shared.violations).clone()
    }

    /// The token requests' form fields, in order.
    pub fn token_requests(&self) -> Vec<Map<String, Json>> {
        lock(&self.shared.tokens).requests.clone()
    }

    /// How many requests were refused with 401.
    pub fn unauthorized(&self) -> u32 {
        *lock(&self.shared.unauthorized)
    }

    /// Invalidate every token issued so far (the next request with one gets 401).
    pub fn revoke_tokens(&self) {
        lock(&self.shared.tokens).issued.clear();
    }

    /// Answer every activation with `status` (503 `RESOURCE_EXHAUSTED`, 429, …) for `duration`.
    pub fn fail_activations(&self, status: u16, duration: Duration) {
        lock(&self.shared.faults).activation = Some((status, Instant::now() + duration));
    }

    /// Answer the next `times` commands with `status`.
    pub fn fail_commands(&self, status: u16, times: u32) {
        lock(&self.shared.faults).commands = Some((status, times));
    }
}

fn problem(status: u16, title: &str, detail: &str, instance: &str) -> Response {
    let body = json!({"type": "about:blank", "title": title, "status": status,
                      "detail": detail, "instance": instance});
    let mut response = Response::new(status, "application/problem+json", body.to_string());
    if status == 401 {
        response = response.header("WWW-Authenticate", "Bearer");
    }
    response
}

fn json_response(body: &Json) -> Response {
    Response::new(200, "application/json", body.to_string())
}

impl Shared {
    fn violation(&self, what: String) {
        lock(&self.violations).push(what);
    }

    /// Send an error response, checked against the API description first.
    fn problem(&self, status: u16, title: &str, detail: &str, instance: &str) -> Response {
        let response = problem(status, title, detail, instance);
        if let Ok(body) = serde_json::from_slice::<Json>(&response.body) {
            if let Err(e) = validate(Shape::ProblemDetail, &body) {
                self.violation(format!("response to {instance}: {e}"));
            }
        }
        response
    }

    fn route(&self, req: &Request, peer: &Peer) -> Response {
        let path = req.target.split('?').next().unwrap_or("");
        if path == "/oauth/token" {
            return self.token(req);
        }
        if req.method != "POST" {
            return self.problem(405, "METHOD_NOT_ALLOWED", "only POST is served", path);
        }
        if let Err(response) = self.authorize(req, path) {
            return response;
        }
        let body: Json = match serde_json::from_slice(&req.body) {
            Ok(b) => b,
            Err(e) => {
                self.violation(format!("{path}: the body is not JSON: {e}"));
                return self.problem(400, "INVALID_ARGUMENT", "the body is not JSON", path);
            }
        };
        let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
        match segments.as_slice() {
            ["v2", "jobs", "activation"] => self.activate(&body, path, peer),
            ["v2", "jobs", key, kind @ ("completion" | "failure" | "error")] => {
                self.command(key, kind, &body, path)
            }
            _ => self.problem(404, "NOT_FOUND", "no such endpoint", path),
        }
    }

    fn authorize(&self, req: &Request, path: &str) -> Result<(), Response> {
        let header = req.header("authorization").unwrap_or("");
        let ok = match &self.auth {
            ClusterAuthMode::None => true,
            ClusterAuthMode::Basic(user, password) => {
                let want =
                    base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
                header.strip_prefix("Basic ") == Some(want.as_str())
            }
            ClusterAuthMode::OAuth { .. } => {
                let now = now_ms();
                let tokens = lock(&self.tokens);
                header.strip_prefix("Bearer ").is_some_and(|t| {
                    tokens
                        .issued
                        .iter()
                        .any(|(issued, until)| issued == t && *until > now)
                })
            }
        };
        if ok {
            Ok(())
        } else {
            *lock(&self.unauthorized) += 1;
            Err(self.problem(401, "UNAUTHORIZED", "missing or invalid credentials", path))
        }
    }

    fn token(&self, req: &Request) -> Response {
        let form: Map<String, Json> = form_urlencoded::parse(&req.body)
            .map(|(k, v)| (k.into_owned(), Json::String(v.into_owned())))
            .collect();
        let mut tokens = lock(&self.tokens);
        tokens.requests.push(form.clone());
        let ClusterAuthMode::OAuth {
            client_id,
            client_secret,
            expires_in,
        } = &self.auth
        else {
            return Response::new(404, "", "");
        };
        let field = |k: &str| form.get(k).and_then(Json::as_str).unwrap_or("");
        if field("grant_type") != "client_credentials"
            || field("client_id") != client_id
            || field("client_secret") != client_secret
        {
            return Response::new(401, "application/json", r#"{"error":"invalid_client"}"#);
        }
        let token = format!("token-{}-{}", tokens.requests.len(), now_ms());
        let until = now_ms()
            .saturating_add(i64::try_from(expires_in.saturating_mul(1000)).unwrap_or(i64::MAX));
        tokens.issued.push((token.clone(), until));
        json_response(
            &json!({"access_token": token, "expires_in": expires_in, "token_type": "Bearer"}),
        )
    }

    fn activate(&self, body: &Json, path: &str, peer: &Peer) -> Response {
        let at = Instant::now();
        let record = |status: u16, jobs: usize| {
            lock(&self.activations).push(RecordedActivation {
                body: body.clone(),
                status,
                jobs,
                at,
            });
        };
        if let Err(e) = validate(Shape::JobActivationRequest, body) {
            self.violation(format!("{path}: {e}"));
            record(400, 0);
            return self.problem(400, "INVALID_ARGUMENT", &e, path);
        }
        let fault = {
            let mut faults = lock(&self.faults);
            match faults.activation {
                Some((status, until)) if until > at => Some(status),
                Some(_) => {
                    faults.activation = None;
                    None
                }
                None => None,
            }
        };
        if let Some(status) = fault {
            record(status, 0);
            let title = if status == 503 {
                "RESOURCE_EXHAUSTED"
            } else {
                "TOO_MANY_REQUESTS"
            };
            return self.problem(status, title, "the cluster is busy, retry later", path);
        }
        let job_type = body.get("type").and_then(Json::as_str).unwrap_or("");
        let worker = body.get("worker").and_then(Json::as_str).unwrap_or("");
        let max = body
            .get("maxJobsToActivate")
            .and_then(Json::as_u64)
            .unwrap_or(0);
        let timeout = body.get("timeout").and_then(Json::as_u64).unwrap_or(0);
        let tenants: Vec<String> = body
            .get("tenantIds")
            .and_then(Json::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(Json::as_str)
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default();
        let fetch: Option<Vec<String>> =
            body.get("fetchVariable").and_then(Json::as_array).map(|a| {
                a.iter()
                    .filter_map(Json::as_str)
                    .map(str::to_string)
                    .collect()
            });
        let long_poll = match body.get("requestTimeout").and_then(Json::as_i64) {
            None | Some(0) => self.default_request_timeout,
            Some(ms) if ms < 0 => Duration::ZERO,
            Some(ms) => Duration::from_millis(ms.unsigned_abs()),
        };
        let until = at + long_poll;
        let mut jobs = lock(&self.jobs);
        let taken = loop {
            // a client that cancelled its long poll gets no job (the gateway drops the request)
            if peer.closed() {
                drop(jobs);
                record(499, 0);
                return Response::new(499, "", "");
            }
            jobs.expire();
            let taken = jobs.activate(
                job_type,
                &tenants,
                usize::try_from(max).unwrap_or(usize::MAX),
                worker,
                Duration::from_millis(timeout),
            );
            let now = Instant::now();
            if !taken.is_empty() || now >= until || max == 0 {
                break taken;
            }
            // wake on new jobs, and at least every 20 ms for deadlines and back-offs
            let wait = (until - now).min(Duration::from_millis(20));
            jobs = match self.changed.wait_timeout(jobs, wait) {
                Ok((guard, _)) => guard,
                Err(poisoned) => poisoned.into_inner().0,
            };
        };
        drop(jobs);
        let response = json!({
            "jobs": taken.iter().map(|j| Jobs::activated_json(j, fetch.as_deref())).collect::<Vec<_>>()
        });
        if let Err(e) = validate(Shape::JobActivationResult, &response) {
            self.violation(format!("response to {path}: {e}"));
        }
        record(200, taken.len());
        json_response(&response)
    }

    fn command(&self, key: &str, kind: &str, body: &Json, path: &str) -> Response {
        let record = |status: u16| {
            lock(&self.commands).push(RecordedCommand {
                kind: kind.to_string(),
                key: key.to_string(),
                body: body.clone(),
                status,
                at: Instant::now(),
            });
        };
        let shape = match kind {
            "completion" => Shape::JobCompletionRequest,
            "failure" => Shape::JobFailRequest,
            _ => Shape::JobErrorRequest,
        };
        if let Err(e) = validate(shape, body) {
            self.violation(format!("{path}: {e}"));
            record(400);
            return self.problem(400, "INVALID_ARGUMENT", &e, path);
        }
        let fault = {
            let mut faults = lock(&self.faults);
            match faults.commands {
                Some((status, n)) if n > 0 => {
                    faults.commands = Some((status, n - 1));
                    Some(status)
                }
                _ => None,
            }
        };
        if let Some(status) = fault {
            record(status);
            return self.problem(status, "RESOURCE_EXHAUSTED", "the cluster is busy", path);
        }
        let mut jobs = lock(&self.jobs);
        jobs.expire();
        if !jobs.answerable(key) {
            drop(jobs);
            record(404);
            return self.problem(
                404,
                "NOT_FOUND",
                &format!("Command '{kind}' rejected: job {key} was completed by another worker, or the instance was canceled"),
                path,
            );
        }
        match kind {
            "completion" => jobs.complete(key, body),
            "failure" => jobs.fail(key, body),
            _ => jobs.throw_error(key, body),
        }
        drop(jobs);
        self.changed.notify_all();
        record(204);
        Response::new(204, "", "")
    }
}
