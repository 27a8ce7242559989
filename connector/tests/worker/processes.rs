//! Real `connector worker` processes: many draining one cluster, one killed mid-job, one
//! stopped with SIGTERM, and their configuration errors.

use std::io::{Read, Write};
use std::time::{Duration, Instant};

use testkit::cluster::LoopbackCluster;

use crate::support::{get_job, target, Process};

#[test]
fn four_processes_drain_ten_thousand_jobs_each_answered_once() {
    const JOBS: usize = 10_000;
    let cluster = LoopbackCluster::start().expect("cluster");
    let server = target(|_| Duration::ZERO);
    cluster.create_jobs(JOBS, |i| get_job(&format!("{}/drain/{i}", server.url())));
    let started = Instant::now();
    let workers: Vec<Process> = (0..4)
        .map(|i| Process::start(&cluster, &format!("drain-{i}"), &["--quiet"], &[]))
        .collect();
    assert!(
        cluster.wait_until(Duration::from_secs(240), |s| s.completed == JOBS),
        "{:?}",
        cluster.stats()
    );
    let elapsed = started.elapsed();
    for w in &workers {
        w.signal("TERM");
    }
    for mut w in workers {
        let status = w.wait(Duration::from_secs(15));
        assert!(
            status.is_some_and(|s| s.success()),
            "{}: {status:?}",
            w.name
        );
        assert!(
            w.stderr_text().contains("stopped; activated="),
            "{}",
            w.stderr_text()
        );
    }
    let jobs = cluster.jobs();
    assert_eq!(jobs.len(), JOBS);
    assert!(
        jobs.iter().all(|j| j.accepted == 1),
        "every job answered exactly once"
    );
    let mut per_worker = std::collections::HashMap::new();
    for j in &jobs {
        *per_worker.entry(j.activations[0].clone()).or_insert(0) += 1;
    }
    assert_eq!(per_worker.len(), 4, "every worker got jobs: {per_worker:?}");
    assert_eq!(server.requests().len(), JOBS, "one request per job");
    for a in cluster.activations() {
        assert!(a.body["maxJobsToActivate"]
            .as_u64()
            .is_some_and(|m| (1..=32).contains(&m)));
    }
    assert_eq!(cluster.violations(), Vec::<String>::new());
    eprintln!("drained {JOBS} jobs with 4 processes in {elapsed:?}");
}

#[test]
fn a_killed_workers_jobs_time_out_and_another_worker_completes_them() {
    let cluster = LoopbackCluster::start().expect("cluster");
    let server = target(|_| Duration::from_millis(1500));
    let keys = cluster.create_jobs(8, |i| get_job(&format!("{}/k/{i}", server.url())));
    let mut doomed = Process::start(
        &cluster,
        "doomed",
        &["--timeout", "2000", "--max-jobs-active", "8"],
        &[],
    );
    assert!(cluster.wait_until(Duration::from_secs(10), |s| s.activated == 8));
    doomed.signal("KILL");
    let status = doomed.wait(Duration::from_secs(5));
    assert!(status.is_some_and(|s| !s.success()));
    let _heir = Process::start(&cluster, "heir", &["--timeout", "10000"], &[]);
    assert!(
        cluster.wait_until(Duration::from_secs(20), |s| s.completed == 8),
        "{:?}",
        cluster.stats()
    );
    for key in keys {
        let job = cluster.job(&key).expect("job");
        assert_eq!(
            job.activations,
            vec!["doomed".to_string(), "heir".to_string()]
        );
        assert_eq!(job.accepted, 1);
    }
    assert!(cluster.commands().iter().all(|c| c.status == 204));
}

#[test]
fn sigterm_finishes_jobs_in_flight_activates_nothing_new_and_exits_0() {
    let cluster = LoopbackCluster::start().expect("cluster");
    let server = target(|_| Duration::from_millis(1500));
    cluster.create_jobs(10, |i| get_job(&format!("{}/t/{i}", server.url())));
    let mut worker = Process::start(
        &cluster,
        "term",
        &["--max-jobs-active", "10", "--metrics-addr", "127.0.0.1:0"],
        &[],
    );
    assert!(cluster.wait_until(Duration::from_secs(10), |s| s.activated == 10));
    // the counters are served while it runs
    let metrics_url = wait_for_line(&worker, "metrics on http://");
    // the cluster counts a job as activated before the worker has read the reply
    let until = Instant::now() + Duration::from_secs(5);
    let mut text = http_get(&metrics_url);
    while !text.contains("connector_worker_jobs_activated_total 10") && Instant::now() < until {
        std::thread::sleep(Duration::from_millis(20));
        text = http_get(&metrics_url);
    }
    assert!(
        text.contains("connector_worker_jobs_activated_total 10"),
        "{text}"
    );
    // jobs created now must stay with the cluster
    cluster.create_jobs(5, |i| get_job(&format!("{}/later/{i}", server.url())));
    std::thread::sleep(Duration::from_millis(100));
    let signalled = Instant::now();
    worker.signal("TERM");
    let status = worker.wait(Duration::from_secs(10));
    assert!(
        status.is_some_and(|s| s.success()),
        "{status:?}: {}",
        worker.stderr_text()
    );
    let stats = cluster.stats();
    assert_eq!((stats.completed, stats.activatable), (10, 5), "{stats:?}");
    assert!(
        cluster.activations().iter().all(|a| a.at < signalled),
        "no activation after the signal"
    );
    let stderr = worker.stderr_text();
    assert!(
        stderr.contains("activated=10 completed=10 failed=0 errored=0"),
        "{stderr}"
    );
    // one structured line per job, with no variable value in it
    let lines = worker.events("job");
    assert_eq!(lines.len(), 10);
    for l in &lines {
        assert_eq!(l["outcome"], "complete");
        assert_eq!(l["elementId"], "restCall");
        assert!(l["jobKey"].is_string() && l["durationMs"].is_u64(), "{l}");
    }
    assert!(
        !stderr.contains(&server.url()),
        "no variable values in logs"
    );
}

#[test]
fn past_the_grace_period_jobs_are_handed_back_with_their_retries() {
    let cluster = LoopbackCluster::start().expect("cluster");
    let server = target(|_| Duration::from_secs(6));
    let keys = cluster.create_jobs(3, |i| get_job(&format!("{}/g/{i}", server.url())));
    let mut worker = Process::start(&cluster, "grace", &["--grace-period", "300"], &[]);
    assert!(cluster.wait_until(Duration::from_secs(10), |s| s.activated == 3));
    worker.signal("INT");
    let status = worker.wait(Duration::from_secs(5));
    assert!(status.is_some_and(|s| s.success()), "{status:?}");
    // the three jobs in flight, and any job the long poll in flight brought after the signal
    // (waited for, not cancelled, so no job is stranded with a dead request), are handed back
    let commands = cluster.commands();
    assert!((3..=4).contains(&commands.len()), "{commands:?}");
    for c in &commands {
        assert_eq!(c.kind, "failure");
        assert_eq!(c.body["retries"], 3, "retries unchanged: {:?}", c.body);
        assert_eq!(c.body["retryBackOff"], 0);
        assert!(keys.contains(&c.key));
    }
    assert_eq!(cluster.stats().activatable, 3, "offered again at once");
}

#[test]
fn bad_configuration_exits_2_naming_the_variable() {
    let cluster = LoopbackCluster::start().expect("cluster");
    let mut w = Process::start(
        &cluster,
        "bad",
        &[],
        &[
            ("CAMUNDA_AUTH_STRATEGY", "OAUTH"),
            ("CAMUNDA_CLIENT_ID", "x"),
        ],
    );
    let status = w.wait(Duration::from_secs(10));
    assert_eq!(status.and_then(|s| s.code()), Some(2));
    assert!(
        w.stderr_text().contains("CAMUNDA_CLIENT_SECRET"),
        "{}",
        w.stderr_text()
    );
    let mut w = Process::start_with("bad", &[], &[("CAMUNDA_REST_ADDRESS", "localhost:8080")]);
    assert_eq!(
        w.wait(Duration::from_secs(10)).and_then(|s| s.code()),
        Some(2)
    );
    assert!(
        w.stderr_text().contains("CAMUNDA_REST_ADDRESS"),
        "{}",
        w.stderr_text()
    );
    let mut w = Process::start(
        &cluster,
        "secret",
        &[],
        &[
            ("CAMUNDA_AUTH_STRATEGY", "BASIC"),
            ("CAMUNDA_BASIC_AUTH_USERNAME", "u"),
            ("CAMUNDA_BASIC_AUTH_PASSWORD", "pa55w0rd-x"),
        ],
    );
    std::thread::sleep(Duration::from_millis(300));
    w.signal("TERM");
    assert!(w.wait(Duration::from_secs(10)).is_some_and(|s| s.success()));
    assert!(
        !w.stderr_text().contains("pa55w0rd-x"),
        "{}",
        w.stderr_text()
    );
}

fn wait_for_line(p: &Process, needle: &str) -> String {
    let until = Instant::now() + Duration::from_secs(10);
    while Instant::now() < until {
        if let Some(line) = p
            .stderr
            .lock()
            .expect("lines")
            .iter()
            .find(|l| l.contains(needle))
        {
            return line[line.find("http://").unwrap_or(0)..].trim().to_string();
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    panic!("no line with {needle}: {}", p.stderr_text());
}

fn http_get(url: &str) -> String {
    let rest = url.trim_start_matches("http://");
    let (addr, path) = rest.split_once('/').unwrap_or((rest, ""));
    let mut s = std::net::TcpStream::connect(addr).expect("connect");
    write!(
        s,
        "GET /{path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .expect("write");
    let mut out = String::new();
    s.read_to_string(&mut out).expect("read");
    out
}

#[test]
fn secrets_come_from_the_environment_and_a_file_and_stay_out_of_answers_and_logs() {
    let cluster = LoopbackCluster::start().expect("cluster");
    let server = target(|_| Duration::ZERO);
    let dir = std::env::temp_dir().join(format!("worker-secrets-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let file = dir.join("secrets.json");
    std::fs::write(&file, r#"{"FILE_KEY": "from-file-9f8e"}"#).expect("write");
    let key = cluster.create_job(testkit::cluster::JobSpec::http_json(
        serde_json::json!({"method": "GET", "url": format!("{}/s", server.url()),
            "headers": {"X-Key": "{{secrets.FILE_KEY}}"},
            "authentication": {"type": "bearer", "token": "{{secrets.ENV_TOKEN}}"}}),
        serde_json::json!({"resultExpression": "={echo: response.body.path}"}),
    ));
    let file_arg = file.to_string_lossy().to_string();
    let mut worker = Process::start(
        &cluster,
        "secrets",
        &["--secrets", &file_arg],
        &[("SECRET_ENV_TOKEN", "env-tok-7c6d")],
    );
    assert!(cluster.wait_until(Duration::from_secs(10), |s| s.completed == 1));
    worker.signal("TERM");
    assert!(worker
        .wait(Duration::from_secs(10))
        .is_some_and(|s| s.success()));
    let seen = server.requests();
    assert_eq!(seen[0].header("authorization"), Some("Bearer env-tok-7c6d"));
    assert_eq!(seen[0].header("x-key"), Some("from-file-9f8e"));
    let answer = cluster.commands();
    assert_eq!(answer[0].key, key);
    assert_eq!(
        answer[0].body,
        serde_json::json!({"variables": {"echo": "/s"}})
    );
    let stderr = worker.stderr_text();
    assert!(
        !stderr.contains("env-tok-7c6d") && !stderr.contains("from-file-9f8e"),
        "{stderr}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_jobs_log_line_names_the_feel_warnings_without_their_values() {
    let cluster = LoopbackCluster::start().expect("cluster");
    let server = target(|_| Duration::ZERO);
    cluster.create_jobs(1, |_| {
        testkit::cluster::JobSpec::http_json(
            serde_json::json!({"method": "GET", "url": format!("{}/w/1", server.url())}),
            // `pth` for `path`: null, and a warning that quotes nothing of the body
            serde_json::json!({"resultExpression": "={p: response.body.pth}"}),
        )
    });
    let mut worker = Process::start(&cluster, "warnings", &[], &[]);
    assert!(cluster.wait_until(Duration::from_secs(10), |s| s.completed == 1));
    worker.signal("TERM");
    let status = worker.wait(Duration::from_secs(10));
    assert!(status.is_some_and(|s| s.success()), "{status:?}");
    let lines = worker.events("job");
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert_eq!(
        lines[0]["feelWarnings"],
        serde_json::json!(["resultExpression: NO_CONTEXT_ENTRY_FOUND"]),
        "{}",
        lines[0]
    );
    assert!(!worker.stderr_text().contains("/w/1"), "no values in logs");
}
