//! Every outcome kind arrives at the cluster with the exact body the API defines.

use std::time::Duration;

use connector::worker::{ClusterAuth, DEFAULT_FETCH_VARIABLES};
use serde_json::json;
use testkit::cluster::{JobSpec, JobState, LoopbackCluster};

use crate::support::{options, target, InProcess};

#[test]
fn complete_bpmn_error_failure_and_job_error_bodies() {
    let cluster = LoopbackCluster::start().expect("cluster");
    let server = target(|_| Duration::ZERO);
    let url = server.url();
    let complete = cluster.create_job(JobSpec::http_json(
        json!({"method": "GET", "url": format!("{url}/users/1"),
               "authentication": {"type": "bearer", "token": "{{secrets.API_TOKEN}}"}}),
        json!({"resultExpression": "={path: response.body.path, status: response.status}"}),
    ));
    let bpmn = cluster.create_job(JobSpec::http_json(
        json!({"method": "GET", "url": format!("{url}/missing")}),
        json!({"errorExpression": "=if error.code = \"404\" then bpmnError(\"NOT_FOUND\", \"no such user\", {tried: error.code}) else null"}),
    ));
    let failed = cluster.create_job(JobSpec::http_json(
        json!({"method": "GET", "url": format!("{url}/broken")}),
        json!({"retryBackoff": "PT5S"}),
    ));
    let job_error = cluster.create_job(JobSpec::http_json(
        json!({"method": "GET", "url": format!("{url}/broken")}),
        json!({"errorExpression": "=jobError(\"custom failure\", {reason: \"broken\"}, job.retries - 2, @\"PT30S\")"}),
    ));
    let ignored = cluster.create_job(JobSpec::http_json(
        json!({"method": "GET", "url": format!("{url}/missing")}),
        json!({"errorExpression": "=ignoreError({handled: true})"}),
    ));
    let worker = InProcess::start(&cluster, ClusterAuth::None, options("outcomes"));
    let keys = [&complete, &bpmn, &failed, &job_error, &ignored];
    let answered = |c: &LoopbackCluster| {
        let commands = c.commands();
        keys.iter().all(|k| commands.iter().any(|c| &c.key == *k))
    };
    let until = std::time::Instant::now() + Duration::from_secs(20);
    while !answered(&cluster) && std::time::Instant::now() < until {
        std::thread::sleep(Duration::from_millis(20));
    }
    // the failed jobs come back only after their back-off (5 s, 30 s): stop before that
    let metrics = worker.stop();

    let commands = cluster.commands();
    let body = |key: &str| {
        let c: Vec<_> = commands.iter().filter(|c| c.key == key).collect();
        assert_eq!(c.len(), 1, "{c:?}");
        (c[0].kind.clone(), c[0].body.clone(), c[0].status)
    };
    let (kind, b, status) = body(&complete);
    assert_eq!((kind.as_str(), status), ("completion", 204));
    assert_eq!(b, json!({"variables": {"path": "/users/1", "status": 200}}));

    let (kind, b, _) = body(&bpmn);
    assert_eq!(kind, "error");
    assert_eq!(
        b,
        json!({"errorCode": "NOT_FOUND", "errorMessage": "no such user", "variables": {"tried": "404"}})
    );

    let (kind, b, _) = body(&failed);
    assert_eq!(kind, "failure");
    assert_eq!(b["retries"], 2, "one retry used: {b}");
    assert_eq!(b["retryBackOff"], 5000, "{b}");
    assert!(
        b["errorMessage"].as_str().is_some_and(|m| !m.is_empty()),
        "{b}"
    );
    assert_eq!(b["variables"]["error"]["code"], "500", "{b}");
    assert_eq!(
        b.as_object().map(|m| m.keys().cloned().collect::<Vec<_>>()),
        Some(vec![
            "retries".into(),
            "errorMessage".into(),
            "retryBackOff".into(),
            "variables".into()
        ])
    );
    // retries left: the job is offered again after the back-off, not before
    assert!(matches!(
        cluster.job(&failed).map(|j| j.state),
        Some(JobState::Activatable { .. })
    ));

    let (kind, b, _) = body(&job_error);
    assert_eq!(kind, "failure");
    assert_eq!(
        b,
        json!({"retries": 1, "errorMessage": "custom failure", "retryBackOff": 30000,
               "variables": {"reason": "broken", "error": "custom failure"}})
    );
    let (kind, b, _) = body(&ignored);
    assert_eq!(
        (kind.as_str(), b),
        ("completion", json!({"variables": {"handled": true}}))
    );

    // the secret reached the target, and nothing sent to the cluster holds it
    let seen = server.requests();
    assert!(seen
        .iter()
        .any(|r| r.header("authorization") == Some("Bearer tok-s3cr3t-value")));
    for c in &commands {
        assert!(
            !c.body.to_string().contains("tok-s3cr3t-value"),
            "{:?}",
            c.body
        );
    }
    assert_eq!(metrics.completed.get(), 2);
    assert_eq!(metrics.errored.get(), 1);
    assert_eq!(metrics.failed.get(), 2);
    assert_eq!(cluster.violations(), Vec::<String>::new());
}

#[test]
fn activation_asks_for_free_slots_and_the_connector_inputs() {
    let cluster = LoopbackCluster::start().expect("cluster");
    let server = target(|_| Duration::from_millis(400));
    cluster.create_jobs(6, |i| {
        crate::support::get_job(&format!("{}/slow/{i}", server.url()))
    });
    let mut opts = options("slots");
    opts.max_jobs_active = 4;
    opts.job_timeout = Duration::from_secs(12);
    let worker = InProcess::start(&cluster, ClusterAuth::None, opts);
    assert!(cluster.wait_until(Duration::from_secs(20), |s| s.completed == 6));
    worker.stop();
    let activations = cluster.activations();
    let first = &activations[0].body;
    assert_eq!(first["type"], "io.camunda:http-json:1");
    assert_eq!(first["worker"], "slots");
    assert_eq!(first["timeout"], 12000);
    assert_eq!(first["requestTimeout"], 500);
    assert_eq!(first["maxJobsToActivate"], 4);
    assert_eq!(first["fetchVariable"], json!(DEFAULT_FETCH_VARIABLES));
    assert!(first.get("tenantIds").is_none());
    // never more asked for than free: the first batch takes all four slots, the next
    // activation comes when at most 30 % (one) is busy and asks for the rest
    assert_eq!(activations[0].jobs, 4);
    let second = activations
        .iter()
        .skip(1)
        .find(|a| a.jobs > 0)
        .expect("a second batch");
    assert!(
        second.body["maxJobsToActivate"]
            .as_u64()
            .is_some_and(|m| (3..=4).contains(&m)),
        "{:?}",
        second.body
    );
    assert_eq!(cluster.violations(), Vec::<String>::new());
}

#[test]
fn a_late_answer_for_a_reassigned_job_gets_404_and_is_dropped() {
    let cluster = LoopbackCluster::start().expect("cluster");
    // the first request takes longer than the job timeout, later ones are quick
    let server = target(|n| {
        if n == 0 {
            Duration::from_millis(2500)
        } else {
            Duration::ZERO
        }
    });
    let key = cluster.create_job(crate::support::get_job(&format!("{}/x", server.url())));
    let mut slow_opts = options("slow");
    slow_opts.job_timeout = Duration::from_millis(800);
    slow_opts.max_jobs_active = 1;
    let slow = InProcess::start(&cluster, ClusterAuth::None, slow_opts);
    assert!(cluster.wait_until(Duration::from_secs(5), |s| s.activated == 1));
    let fast = InProcess::start(&cluster, ClusterAuth::None, options("fast"));
    assert!(cluster.wait_until(Duration::from_secs(10), |s| s.completed == 1));
    // the slow worker's completion arrives after the fast one's
    let until = std::time::Instant::now() + Duration::from_secs(10);
    while cluster.commands().len() < 2 && std::time::Instant::now() < until {
        std::thread::sleep(Duration::from_millis(50));
    }
    let slow_metrics = slow.stop();
    fast.stop();
    let job = cluster.job(&key).expect("job");
    assert_eq!(
        job.activations,
        vec!["slow".to_string(), "fast".to_string()]
    );
    assert_eq!(job.accepted, 1);
    let statuses: Vec<u16> = cluster.commands().iter().map(|c| c.status).collect();
    assert_eq!(
        statuses,
        vec![204, 404],
        "answered once, the late answer not retried"
    );
    assert_eq!(slow_metrics.not_found.get(), 1);
    assert_eq!(slow_metrics.completed.get(), 0);
}
