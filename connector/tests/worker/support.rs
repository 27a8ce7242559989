//! Shared parts of the worker tests: a target HTTP server, workers in this process and as
//! real `connector worker` processes.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use connector::loopback::{CannedResponse, LoopbackServer};
use connector::worker::{
    ClusterAuth, ClusterClient, ClusterConfig, Metrics, Worker, WorkerOptions,
};
use connector::{MapSecretProvider, Runtime};
use serde_json::{json, Value as Json};
use testkit::cluster::{JobSpec, LoopbackCluster};

/// A target answering `{"path": <request target>}`, after `delay(n)` for the n-th request.
pub fn target(delay: impl Fn(usize) -> Duration + Send + Sync + 'static) -> LoopbackServer {
    let count = std::sync::atomic::AtomicUsize::new(0);
    LoopbackServer::start(move |req| {
        let n = count.fetch_add(1, Ordering::SeqCst);
        let status = if req.target.starts_with("/missing") {
            404
        } else if req.target.starts_with("/broken") {
            500
        } else {
            200
        };
        let mut r = CannedResponse::new(status, json!({"path": req.target}).to_string())
            .header("Content-Type", "application/json");
        let d = delay(n);
        if !d.is_zero() {
            r.delay = Some(d);
        }
        r
    })
    .expect("target server")
}

/// A REST connector job: GET `{url}` with a result variable.
pub fn get_job(url: &str) -> JobSpec {
    JobSpec::http_json(
        json!({"method": "GET", "url": url}),
        json!({"resultVariable": "result", "elementTemplateVersion": "11"}),
    )
}

/// Worker options for tests: short polls, quiet.
pub fn options(name: &str) -> WorkerOptions {
    WorkerOptions {
        name: name.to_string(),
        job_timeout: Duration::from_secs(30),
        request_timeout: Duration::from_millis(500),
        grace_period: Duration::from_secs(10),
        log: false,
        ..WorkerOptions::default()
    }
}

/// A worker running on a thread of this process until [`InProcess::stop`].
pub struct InProcess {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<Arc<Metrics>>>,
}

impl InProcess {
    pub fn start(cluster: &LoopbackCluster, auth: ClusterAuth, options: WorkerOptions) -> Self {
        let config = ClusterConfig::new(&cluster.url(), auth).expect("config");
        let client = ClusterClient::new(config).expect("client");
        let runtime = Runtime::builder()
            .secrets(MapSecretProvider::new([("API_TOKEN", "tok-s3cr3t-value")]))
            .build()
            .expect("runtime");
        let worker = Worker::new(runtime, client, options);
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let thread = std::thread::spawn(move || worker.run(&flag));
        InProcess {
            stop,
            thread: Some(thread),
        }
    }

    /// Stop and return the counters.
    pub fn stop(mut self) -> Arc<Metrics> {
        self.stop.store(true, Ordering::SeqCst);
        self.thread
            .take()
            .and_then(|t| t.join().ok())
            .unwrap_or_default()
    }
}

impl Drop for InProcess {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// A `connector worker` process, its stderr collected line by line.
pub struct Process {
    pub child: Child,
    pub stderr: Arc<Mutex<Vec<String>>>,
    pub name: String,
}

impl Process {
    pub fn start(
        cluster: &LoopbackCluster,
        name: &str,
        args: &[&str],
        env: &[(&str, &str)],
    ) -> Self {
        let url = cluster.url();
        let mut all = vec![
            "--address",
            &url,
            "--worker-name",
            name,
            "--request-timeout",
            "500",
        ];
        all.extend_from_slice(args);
        Process::start_with(name, &all, env)
    }

    /// `connector worker` with exactly these arguments.
    pub fn start_with(name: &str, args: &[&str], env: &[(&str, &str)]) -> Self {
        let mut command = Command::new(env!("CARGO_BIN_EXE_connector"));
        command
            .arg("worker")
            .args(args)
            .env_remove("CAMUNDA_AUTH_STRATEGY")
            .env_remove("CAMUNDA_CLIENT_ID")
            .env_remove("CAMUNDA_CLIENT_SECRET")
            .env_remove("CAMUNDA_REST_ADDRESS")
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        for (k, v) in env {
            command.env(k, v);
        }
        let mut child = command.spawn().expect("start connector worker");
        let stderr = Arc::new(Mutex::new(Vec::new()));
        if let Some(pipe) = child.stderr.take() {
            let lines = stderr.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(pipe).lines().map_while(Result::ok) {
                    lines.lock().expect("lines").push(line);
                }
            });
        }
        Process {
            child,
            stderr,
            name: name.to_string(),
        }
    }

    pub fn signal(&self, signal: &str) {
        let status = Command::new("kill")
            .args([&format!("-{signal}"), &self.child.id().to_string()])
            .status()
            .expect("kill");
        assert!(status.success());
    }

    /// Wait for the exit status, at most `timeout`.
    pub fn wait(&mut self, timeout: Duration) -> Option<std::process::ExitStatus> {
        let until = Instant::now() + timeout;
        while Instant::now() < until {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Some(status);
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        None
    }

    pub fn stderr_text(&self) -> String {
        self.stderr.lock().expect("lines").join("\n")
    }

    /// The JSON log lines whose `event` is `event`.
    pub fn events(&self, event: &str) -> Vec<Json> {
        self.stderr
            .lock()
            .expect("lines")
            .iter()
            .filter_map(|l| serde_json::from_str::<Json>(l).ok())
            .filter(|j| j["event"] == event)
            .collect()
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
