//! Job worker throughput: drain N jobs from the loopback cluster (testkit) with 1, 2 and 4
//! `connector worker` processes, each job a GET to a loopback HTTP server, and report jobs per
//! second. The cluster and the target run in this process, on the same machine as the workers.
//!
//! ```text
//! cargo run --release -p camunda-rest-connector --example worker_bench -- [--jobs 20000] [--processes 1,2,4]
//! ```

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a benchmark binary

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use connector::loopback::{CannedResponse, LoopbackServer};
use serde_json::json;
use testkit::cluster::{JobSpec, LoopbackCluster};

/// Build the `connector` binary of this profile and return its path.
fn connector_binary() -> PathBuf {
    let release = !cfg!(debug_assertions);
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut build = Command::new(cargo);
    build.args([
        "build",
        "-q",
        "-p",
        "camunda-rest-connector",
        "--features",
        "cli",
        "--bin",
        "connector",
    ]);
    if release {
        build.arg("--release");
    }
    let status = build.status().expect("cargo build");
    assert!(status.success(), "building the connector binary failed");
    let exe = std::env::current_exe().expect("current exe");
    // target/<profile>/examples/worker_bench -> target/<profile>/connector
    let dir = exe
        .parent()
        .and_then(|examples| examples.parent())
        .expect("target dir");
    dir.join("connector")
}

/// CPU seconds (user + system) a process has used so far, from /proc (Linux; 0 elsewhere).
fn cpu_seconds(pid: &str) -> f64 {
    let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
        return 0.0;
    };
    // fields after the command name (which may contain spaces) start at state, field 3
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    // utime and stime are fields 14 and 15: indexes 11 and 12 after the state
    (ticks(11) + ticks(12)) / 100.0
}

fn arg(name: &str) -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1).cloned())
}

fn main() {
    let jobs: usize = arg("--jobs").and_then(|n| n.parse().ok()).unwrap_or(20_000);
    let counts: Vec<usize> = arg("--processes")
        .unwrap_or_else(|| "1,2,4".into())
        .split(',')
        .filter_map(|n| n.trim().parse().ok())
        .collect();
    let binary = connector_binary();
    let target = LoopbackServer::start(|_| {
        CannedResponse::new(200, r#"{"ok":true}"#).header("Content-Type", "application/json")
    })
    .expect("target");
    println!(
        "worker_bench: {jobs} jobs, each a GET to a loopback server; cluster and target in the bench process; {} CPUs",
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    println!("| processes | seconds | jobs/s | vs 1 process | worker CPU s | jobs per worker CPU s | cluster+target CPU s |");
    println!("|---:|---:|---:|---:|---:|---:|---:|");
    let mut base = None;
    for processes in counts {
        let cluster = LoopbackCluster::start().expect("cluster");
        cluster.create_jobs(jobs, |i| {
            JobSpec::http_json(
                json!({"method": "GET", "url": format!("{}/jobs/{i}", target.url())}),
                json!({"resultExpression": "={ok: response.body.ok}"}),
            )
        });
        let own_before = cpu_seconds("self");
        let started = Instant::now();
        let mut children: Vec<_> = (0..processes)
            .map(|i| {
                Command::new(&binary)
                    .args(["worker", "--address", &cluster.url(), "--quiet"])
                    .args(["--worker-name", &format!("bench-{i}")])
                    .args(["--request-timeout", "1000"])
                    .stderr(Stdio::null())
                    .spawn()
                    .expect("start worker")
            })
            .collect();
        let done = cluster.wait_until(Duration::from_secs(600), |s| s.completed == jobs);
        let elapsed = started.elapsed();
        let worker_cpu: f64 = children
            .iter()
            .map(|c| cpu_seconds(&c.id().to_string()))
            .sum();
        let own_cpu = cpu_seconds("self") - own_before;
        for child in &children {
            let _ = Command::new("kill")
                .args(["-TERM", &child.id().to_string()])
                .status();
        }
        for child in &mut children {
            let _ = child.wait();
        }
        assert!(done, "not drained: {:?}", cluster.stats());
        assert!(
            cluster.violations().is_empty(),
            "{:?}",
            cluster.violations()
        );
        let rate = jobs as f64 / elapsed.as_secs_f64();
        let base_rate = *base.get_or_insert(rate);
        println!(
            "| {processes} | {:.2} | {:.0} | {:.2}x | {worker_cpu:.2} | {:.0} | {own_cpu:.2} |",
            elapsed.as_secs_f64(),
            rate,
            rate / base_rate,
            jobs as f64 / worker_cpu.max(0.01),
        );
    }
}
