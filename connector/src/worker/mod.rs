//! The REST connector as a job worker of a Camunda 8 cluster (Orchestration Cluster REST API
//! v2): activate `io.camunda:http-json:1` jobs, execute each with the [`Runtime`] and answer the
//! cluster with a completion, a BPMN error or a failure.
//!
//! The cluster has already applied the task's input mappings when it creates a job: a job's
//! variables are the connector's inputs, and its `customHeaders` are the task headers
//! (compiled once per distinct set). Many worker processes can serve one cluster; they share
//! nothing, the cluster's activation and job timeouts coordinate them.
//!
//! ```no_run
//! use std::sync::atomic::AtomicBool;
//! use connector::worker::{ClusterAuth, ClusterClient, ClusterConfig, Worker, WorkerOptions};
//! let runtime = connector::Runtime::builder().build().unwrap();
//! let cluster = ClusterClient::new(
//!     ClusterConfig::new("http://localhost:8080", ClusterAuth::None).unwrap()).unwrap();
//! let worker = Worker::new(runtime, cluster, WorkerOptions::default());
//! let stop = AtomicBool::new(false); // set it (e.g. from a signal handler) to shut down
//! let metrics = worker.run(&stop);
//! eprintln!("{}", metrics.summary());
//! ```

mod backoff;
mod client;
mod command;
mod config;
mod job;
mod log;
mod metrics;

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::Poll;
use std::time::{Duration, Instant};

use serde_json::{json, Map};

pub use client::{ClusterClient, ClusterError};
pub use command::{Command, CommandKind};
pub use config::{
    default_worker_name, normalise_address, ClusterAuth, ClusterConfig, OAuthSettings,
    WorkerOptions, DEFAULT_FETCH_VARIABLES, DEFAULT_JOB_TYPE,
};
pub use job::ActivatedJob;
pub use metrics::Metrics;

use crate::outcome::Outcome;
use crate::runtime::Runtime;
use backoff::Backoff;

/// A job worker: a runtime, a cluster client and its options.
pub struct Worker {
    runtime: Runtime,
    cluster: ClusterClient,
    options: WorkerOptions,
    metrics: Arc<Metrics>,
}

impl std::fmt::Debug for Worker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Worker")
            .field("cluster", &self.cluster)
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

type JobFuture<'a> = Pin<Box<dyn Future<Output = ()> + Send + 'a>>;

/// A job in flight: what is needed to hand it back, and its execution.
struct InFlight<'a> {
    key: String,
    retries: u32,
    future: JobFuture<'a>,
}

enum Event {
    Activated(Result<Vec<ActivatedJob>, ClusterError>),
    JobDone,
    Tick,
}

/// How a job's answer ended.
enum Delivery {
    Delivered,
    NotFound,
    Rejected(ClusterError),
    Undelivered(ClusterError),
}

impl Worker {
    /// A worker executing jobs with `runtime` and answering through `cluster`.
    pub fn new(runtime: Runtime, cluster: ClusterClient, options: WorkerOptions) -> Self {
        Worker {
            runtime,
            cluster,
            options,
            metrics: Arc::new(Metrics::new()),
        }
    }

    /// The worker's counters (shared: serve them while the worker runs).
    pub fn metrics(&self) -> Arc<Metrics> {
        self.metrics.clone()
    }

    /// The cluster client.
    pub fn cluster(&self) -> &ClusterClient {
        &self.cluster
    }

    /// Run until `stop` is set, then stop activating, let the jobs in flight finish within the
    /// grace period, hand back those that did not (a failure keeping their retries) and
    /// return the counters. Blocks the calling thread.
    pub fn run(&self, stop: &AtomicBool) -> Arc<Metrics> {
        futures_lite::future::block_on(self.run_async(stop));
        self.metrics.clone()
    }

    /// [`Worker::run`] as a future (it polls `stop` every 100 ms).
    pub async fn run_async(&self, stop: &AtomicBool) {
        let max = self.options.max_jobs_active.max(1);
        // like Camunda's Java worker: ask for more once at most 30 % of the slots are busy
        let refill_at = ((max as f64) * 0.3).round() as usize;
        let mut jobs: Vec<InFlight<'_>> = Vec::with_capacity(max);
        let mut activation: Option<Pin<Box<dyn Future<Output = _> + Send + '_>>> = None;
        let mut backoff = Backoff::new();
        let mut not_before = Instant::now();
        let mut next_type = 0usize;
        let mut stopping_since: Option<Instant> = None;
        loop {
            if stopping_since.is_none() && stop.load(Ordering::Relaxed) {
                stopping_since = Some(Instant::now());
                if self.options.log {
                    log::line("info", "shutdown", &[("inFlight", jobs.len().into())]);
                }
            }
            if let Some(since) = stopping_since {
                // A long poll in flight is waited for, not cancelled: a cancelled request can
                // still be given jobs by the cluster, which would then sit out their timeout.
                // Whatever it brings is handed back at once.
                if since.elapsed() >= self.options.grace_period && !jobs.is_empty() {
                    // dropping the executions cancels them
                    let left = std::mem::take(&mut jobs).into_iter();
                    self.give_back(left.map(|j| (j.key, j.retries)).collect())
                        .await;
                }
                let poll_bound = self.options.request_timeout + Duration::from_secs(5);
                if since.elapsed() >= self.options.grace_period.max(poll_bound) {
                    activation = None;
                }
                if jobs.is_empty() && activation.is_none() {
                    break;
                }
            } else if activation.is_none()
                && Instant::now() >= not_before
                && jobs.len() <= refill_at.min(max - 1)
            {
                let types = &self.options.job_types;
                let job_type = types
                    .get(next_type % types.len().max(1))
                    .map_or(DEFAULT_JOB_TYPE, String::as_str);
                next_type = next_type.wrapping_add(1);
                activation = Some(Box::pin(self.cluster.activate(
                    &self.options,
                    job_type,
                    max - jobs.len(),
                )));
            }
            let wait = not_before
                .saturating_duration_since(Instant::now())
                .clamp(Duration::from_millis(1), Duration::from_millis(100));
            let mut tick = async_io::Timer::after(wait);
            let event = std::future::poll_fn(|cx| {
                let before = jobs.len();
                jobs.retain_mut(|j| j.future.as_mut().poll(cx).is_pending());
                if let Some(a) = activation.as_mut() {
                    if let Poll::Ready(result) = a.as_mut().poll(cx) {
                        activation = None;
                        return Poll::Ready(Event::Activated(result));
                    }
                }
                if jobs.len() < before {
                    return Poll::Ready(Event::JobDone);
                }
                match Pin::new(&mut tick).poll(cx) {
                    Poll::Ready(_) => Poll::Ready(Event::Tick),
                    Poll::Pending => Poll::Pending,
                }
            })
            .await;
            self.metrics.in_flight.set(jobs.len() as i64);
            match event {
                Event::Activated(Ok(list)) if stopping_since.is_some() => {
                    self.metrics.activated.inc_by(list.len() as u64);
                    self.give_back(list.into_iter().map(|j| (j.key, j.retries)).collect())
                        .await;
                }
                Event::Activated(Ok(list)) => {
                    backoff.reset();
                    if list.is_empty() {
                        not_before = Instant::now() + self.options.poll_interval;
                    }
                    self.metrics.activated.inc_by(list.len() as u64);
                    for job in list {
                        let (key, retries) = (job.key.clone(), job.retries);
                        jobs.push(InFlight {
                            key,
                            retries,
                            future: Box::pin(self.handle(job)),
                        });
                    }
                    self.metrics.in_flight.set(jobs.len() as i64);
                }
                Event::Activated(Err(e)) => {
                    self.metrics.activation_errors.inc();
                    let delay = backoff.next_delay();
                    not_before = Instant::now() + delay;
                    if self.options.log {
                        log::line(
                            "warn",
                            "activation-failed",
                            &[
                                ("error", e.to_string().into()),
                                ("retryInMs", (delay.as_millis() as u64).into()),
                            ],
                        );
                    }
                }
                Event::JobDone | Event::Tick => {}
            }
        }
        self.metrics.in_flight.set(0);
    }

    /// Fail the jobs still in flight with their retries unchanged, so that another worker
    /// takes them at once (shutdown past the grace period).
    async fn give_back(&self, jobs: Vec<(String, u32)>) {
        for (key, retries) in jobs {
            let result = self.cluster.send(&key, &Command::give_back(retries)).await;
            if self.options.log {
                log::line(
                    "warn",
                    "job-handed-back",
                    &[("jobKey", key.into()), ("delivered", result.is_ok().into())],
                );
            }
        }
    }

    /// Execute one job and deliver its answer.
    async fn handle(&self, mut job: ActivatedJob) {
        let started = Instant::now();
        if job.expired() {
            self.metrics.expired.inc();
            if self.options.log {
                log::line(
                    "warn",
                    "job-expired",
                    &[
                        ("jobKey", job.key.clone().into()),
                        ("elementId", job.element_id.clone().into()),
                    ],
                );
            }
            return;
        }
        let (outcome, warnings) = match self.runtime.compile_headers(&job.custom_headers) {
            Ok(task) => {
                let run = task
                    .execute_inputs_with_warnings_async(
                        std::mem::take(&mut job.variables),
                        job.retries,
                    )
                    .await;
                (run.outcome, run.warnings)
            }
            // an unusable header is an input error: no retry helps
            Err(e) => (
                Outcome::Failed {
                    message: e.to_string(),
                    retries: 0,
                    retry_backoff: None,
                    variables: Map::new(),
                },
                Vec::new(),
            ),
        };
        let command = Command::from_outcome(&outcome);
        let delivery = self.deliver(&job, &command).await;
        let (level, answer) = match &delivery {
            Delivery::Delivered => {
                match command.kind {
                    CommandKind::Complete => self.metrics.completed.inc(),
                    CommandKind::ThrowError => self.metrics.errored.inc(),
                    CommandKind::Fail => self.metrics.failed.inc(),
                };
                ("info", json!("delivered"))
            }
            Delivery::NotFound => {
                self.metrics.not_found.inc();
                ("warn", json!("not found (job reassigned or cancelled)"))
            }
            Delivery::Rejected(e) => ("error", json!(format!("rejected: {e}"))),
            Delivery::Undelivered(e) => {
                self.metrics.undelivered.inc();
                ("error", json!(format!("undelivered: {e}")))
            }
        };
        if self.options.log {
            let mut fields = vec![
                ("jobKey", job.key.clone().into()),
                ("elementId", job.element_id.clone().into()),
                (
                    "processInstanceKey",
                    job.process_instance_key.clone().into(),
                ),
                ("outcome", command.kind.outcome().into()),
                ("answer", answer),
                ("durationMs", (started.elapsed().as_millis() as u64).into()),
            ];
            if !warnings.is_empty() {
                // where and what kind only: a warning's message may quote a value
                let kinds = warnings
                    .iter()
                    .map(|w| json!(format!("{}: {}", w.field, w.warning.kind.name())))
                    .collect();
                fields.push(("feelWarnings", serde_json::Value::Array(kinds)));
            }
            log::line(level, "job", &fields);
        }
    }

    /// Send the answer, trying again with backoff while the cluster is unreachable or busy
    /// (at least three attempts, then until the job's deadline: after it the cluster has
    /// offered the job to another worker). A 404 means exactly that and is not retried.
    async fn deliver(&self, job: &ActivatedJob, command: &Command) -> Delivery {
        let mut backoff =
            Backoff::with(Duration::from_millis(100), Duration::from_secs(5), 2.0, 0.2);
        let mut attempts = 0u32;
        loop {
            attempts += 1;
            match self.cluster.send(&job.key, command).await {
                Ok(()) => return Delivery::Delivered,
                Err(e) if e.status() == Some(404) => return Delivery::NotFound,
                Err(e) if e.retryable() => {
                    let delay = backoff.next_delay();
                    if attempts >= 3 && job.remaining() <= delay {
                        return Delivery::Undelivered(e);
                    }
                    if self.options.log {
                        log::line(
                            "warn",
                            "answer-retry",
                            &[
                                ("jobKey", job.key.clone().into()),
                                ("error", e.to_string().into()),
                                ("retryInMs", (delay.as_millis() as u64).into()),
                            ],
                        );
                    }
                    async_io::Timer::after(delay).await;
                }
                Err(e) => return Delivery::Rejected(e),
            }
        }
    }
}
