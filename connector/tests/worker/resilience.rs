//! Faults of the cluster: backpressure (503, 429), lost answers, expiring and revoked OAuth
//! tokens, Basic credentials.

use std::time::{Duration, Instant};

use connector::worker::{ClusterAuth, OAuthSettings};
use testkit::cluster::{ClusterAuthMode, LoopbackCluster};

use crate::support::{get_job, options, target, InProcess};

fn backs_off_and_recovers(status: u16) {
    let cluster = LoopbackCluster::start().expect("cluster");
    let server = target(|_| Duration::ZERO);
    let busy = Duration::from_secs(4);
    cluster.fail_activations(status, busy);
    let started = Instant::now();
    cluster.create_jobs(20, |i| get_job(&format!("{}/j/{i}", server.url())));
    let worker = InProcess::start(&cluster, ClusterAuth::None, options("busy"));
    assert!(cluster.wait_until(Duration::from_secs(20), |s| s.completed == 20));
    let recovered = started.elapsed();
    let metrics = worker.stop();
    let refused = cluster
        .activations()
        .iter()
        .filter(|a| a.status == status)
        .count();
    // 50 ms growing ×1.6 up to 5 s: about ten attempts in four seconds, not a tight loop
    assert!((5..=13).contains(&refused), "{refused} refused activations");
    assert_eq!(metrics.activation_errors.get(), refused as u64);
    // the longest single wait is capped at 5 s (with jitter): work resumes soon after
    assert!(recovered < busy + Duration::from_secs(6), "{recovered:?}");
    assert_eq!(cluster.violations(), Vec::<String>::new());
}

#[test]
fn resource_exhausted_activations_back_off_and_recover() {
    backs_off_and_recovers(503);
}

#[test]
fn too_many_requests_back_off_and_recover() {
    backs_off_and_recovers(429);
}

#[test]
fn an_answer_refused_twice_with_503_is_delivered_once() {
    let cluster = LoopbackCluster::start().expect("cluster");
    let server = target(|_| Duration::ZERO);
    let key = cluster.create_job(get_job(&format!("{}/a", server.url())));
    cluster.fail_commands(503, 2);
    let worker = InProcess::start(&cluster, ClusterAuth::None, options("retry"));
    assert!(cluster.wait_until(Duration::from_secs(10), |s| s.completed == 1));
    let metrics = worker.stop();
    let commands = cluster.commands();
    let statuses: Vec<(String, u16)> = commands
        .iter()
        .map(|c| (c.kind.clone(), c.status))
        .collect();
    assert_eq!(
        statuses,
        vec![
            ("completion".to_string(), 503),
            ("completion".to_string(), 503),
            ("completion".to_string(), 204)
        ]
    );
    assert_eq!(cluster.job(&key).map(|j| j.accepted), Some(1));
    assert_eq!(metrics.completed.get(), 1);
    assert_eq!(server.requests().len(), 1, "the request is not sent again");
}

#[test]
fn oauth_tokens_are_renewed_before_expiry_and_after_revocation() {
    let cluster = LoopbackCluster::with_auth(ClusterAuthMode::OAuth {
        client_id: "worker-1".into(),
        client_secret: "cl13nt-s3cr3t".into(),
        expires_in: 2,
    })
    .expect("cluster");
    let server = target(|_| Duration::ZERO);
    let auth = ClusterAuth::OAuth(OAuthSettings {
        url: cluster.token_url(),
        client_id: "worker-1".into(),
        client_secret: "cl13nt-s3cr3t".into(),
        audience: Some("zeebe.camunda.io".into()),
        scope: Some("camunda".into()),
    });
    let worker = InProcess::start(&cluster, auth, options("oauth"));
    // jobs trickle in for 5 s: the 2 s tokens expire along the way
    for round in 0..10 {
        cluster.create_jobs(5, |i| get_job(&format!("{}/r{round}/{i}", server.url())));
        std::thread::sleep(Duration::from_millis(500));
    }
    assert!(cluster.wait_until(Duration::from_secs(10), |s| s.completed == 50));
    assert_eq!(cluster.unauthorized(), 0, "renewed ahead of expiry");
    let renewals = cluster.token_requests().len();
    assert!(renewals >= 3, "{renewals} tokens for 5 s of 2 s tokens");
    let form = &cluster.token_requests()[0];
    assert_eq!(form["grant_type"], "client_credentials");
    assert_eq!(form["client_id"], "worker-1");
    assert_eq!(form["client_secret"], "cl13nt-s3cr3t");
    assert_eq!(form["audience"], "zeebe.camunda.io");
    assert_eq!(form["scope"], "camunda");
    // a revoked token: one 401, one renewal, the request again
    cluster.revoke_tokens();
    cluster.create_jobs(5, |i| get_job(&format!("{}/late/{i}", server.url())));
    assert!(cluster.wait_until(Duration::from_secs(10), |s| s.completed == 55));
    worker.stop();
    // each request in flight with the revoked token is refused once and sent again; the
    // token is renewed once, or a few times when refusals arrive together
    let refused = cluster.unauthorized();
    assert!((1..=6).contains(&refused), "{refused}");
    let fetched = cluster.token_requests().len() - renewals;
    assert!(
        fetched >= 1 && fetched <= refused as usize,
        "{fetched} renewals for {refused} refusals"
    );
    assert_eq!(cluster.violations(), Vec::<String>::new());
}

#[test]
fn basic_credentials_and_wrong_credentials() {
    let cluster = LoopbackCluster::with_auth(ClusterAuthMode::Basic("demo".into(), "pw".into()))
        .expect("cluster");
    let server = target(|_| Duration::ZERO);
    cluster.create_jobs(3, |i| get_job(&format!("{}/b/{i}", server.url())));
    let wrong = InProcess::start(
        &cluster,
        ClusterAuth::Basic {
            username: "demo".into(),
            password: "nope".into(),
        },
        options("wrong"),
    );
    std::thread::sleep(Duration::from_millis(600));
    let metrics = wrong.stop();
    assert!(metrics.activation_errors.get() >= 1);
    assert_eq!(cluster.stats().completed, 0);
    let right = InProcess::start(
        &cluster,
        ClusterAuth::Basic {
            username: "demo".into(),
            password: "pw".into(),
        },
        options("right"),
    );
    assert!(cluster.wait_until(Duration::from_secs(10), |s| s.completed == 3));
    right.stop();
}

#[test]
fn a_cluster_that_is_down_at_first_is_polled_with_backoff_until_it_is_up() {
    // a port with nothing listening: connections are refused
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port");
    let config = connector::worker::ClusterConfig::new(
        &format!("http://127.0.0.1:{port}"),
        ClusterAuth::None,
    )
    .expect("config");
    let client = connector::worker::ClusterClient::new(config).expect("client");
    let runtime = connector::Runtime::builder().build().expect("runtime");
    let worker = connector::worker::Worker::new(runtime, client, options("refused"));
    let metrics = worker.metrics();
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let flag = stop.clone();
    let thread = std::thread::spawn(move || worker.run(&flag));
    std::thread::sleep(Duration::from_secs(2));
    let refused = metrics.activation_errors.get();
    // 50 ms growing ×1.6: about eight attempts in two seconds
    assert!((4..=12).contains(&refused), "{refused}");
    let cluster = LoopbackCluster::on_port(port, ClusterAuthMode::None).expect("cluster");
    let server = target(|_| Duration::ZERO);
    cluster.create_jobs(5, |i| get_job(&format!("{}/up/{i}", server.url())));
    assert!(cluster.wait_until(Duration::from_secs(10), |s| s.completed == 5));
    stop.store(true, std::sync::atomic::Ordering::SeqCst);
    let _ = thread.join();
    assert_eq!(metrics.completed.get(), 5);
}

#[test]
fn several_job_types_in_turn_and_tenants() {
    let cluster = LoopbackCluster::start().expect("cluster");
    let server = target(|_| Duration::ZERO);
    let job = |job_type: &str, tenant: &str, i: usize| {
        let mut spec = get_job(&format!("{}/{job_type}/{tenant}/{i}", server.url()));
        spec.job_type = job_type.to_string();
        spec.tenant_id = tenant.to_string();
        spec
    };
    cluster.create_jobs(3, |i| job("io.camunda:http-json:1", "acme", i));
    cluster.create_jobs(3, |i| job("custom:rest", "acme", i));
    let elsewhere = cluster.create_job(job("custom:rest", "globex", 0));
    let mut opts = options("types");
    opts.job_types = vec!["io.camunda:http-json:1".into(), "custom:rest".into()];
    opts.tenant_ids = vec!["acme".into()];
    let worker = InProcess::start(&cluster, ClusterAuth::None, opts);
    assert!(cluster.wait_until(Duration::from_secs(10), |s| s.completed == 6));
    worker.stop();
    assert!(cluster
        .job(&elsewhere)
        .is_some_and(|j| j.activations.is_empty()));
    let asked: std::collections::BTreeSet<String> = cluster
        .activations()
        .iter()
        .map(|a| format!("{} {}", a.body["type"], a.body["tenantIds"]))
        .collect();
    assert_eq!(
        asked.into_iter().collect::<Vec<_>>(),
        vec![
            "\"custom:rest\" [\"acme\"]".to_string(),
            "\"io.camunda:http-json:1\" [\"acme\"]".to_string()
        ]
    );
    assert_eq!(cluster.violations(), Vec::<String>::new());
}
