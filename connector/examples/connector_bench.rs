//! Connector benchmark: a compiled template executed against a keep-alive server on 127.0.0.1,
//! next to plain isahc requests of the same URL in the same run. The connector sends through
//! the plain requests' own `isahc::HttpClient` (`IsahcTransport::with_client`: the same
//! connections and agent thread, the connector's settings put on each request), so that the two
//! sides differ only by what the connector does; `connector_own_client` is the connector with
//! the client it builds for itself.
//!
//! ```text
//! cargo run --release -p camunda-rest-connector --features mimalloc --example connector_bench
//! ```
//! Environment: `BENCH_CONCURRENCY` (default 32), `BENCH_SEQUENTIAL` (timed sequential
//! executions per side, default 5000), `BENCH_BLOCK` (sequential executions per block, sides
//! alternating by block, default 50), `BENCH_CONCURRENT` (executions per concurrent round,
//! default 5000).
//!
//! Prints a JSON summary: the median time per execution (connector vs plain) and the
//! throughput of N concurrent executions (connector vs plain), with their ratios.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

/// The allocator of the connector binary (feature `mimalloc`, on with `cli`); both sides of
/// every comparison run in this process, so they share it.
#[cfg(feature = "mimalloc")]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[path = "../tests/support/mod.rs"]
mod support;

use std::time::{Duration, Instant};

use connector::{
    Blocklist, ClientOptions, CompiledTemplate, IsahcTransport, Outcome, Runtime, Template,
};
use futures_lite::AsyncReadExt;
use serde_json::json;
use support::{run_concurrently, KeepAliveServer, Reply};

const BODY: &str =
    r#"{"id": 42, "name": "Ada Lovelace", "tags": ["math", "engines"], "active": true}"#;

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|n| *n > 0)
        .unwrap_or(default)
}

async fn plain_request(client: &isahc::HttpClient, url: &str) -> usize {
    let mut response = client.get_async(url).await.unwrap();
    assert_eq!(response.status(), 200);
    let mut body = Vec::new();
    response.body_mut().read_to_end(&mut body).await.unwrap();
    body.len()
}

/// One execution with the job's variables (built by the caller, as a worker gets them from the
/// job: not part of the runtime's work); the outcome is dropped inside the timed region.
async fn connector_execution(task: &CompiledTemplate, variables: &serde_json::Value) -> usize {
    let outcome = task.execute_async(variables).await;
    match &outcome {
        Outcome::Complete { variables } => variables.len(),
        other => panic!("unexpected outcome {other:?}"),
    }
}

/// A transport answering from memory: the connector's own cost without the network.
struct Canned;

impl connector::Transport for Canned {
    fn send(&self, _request: connector::WireRequest) -> connector::transport::SendFuture<'_> {
        Box::pin(async {
            Ok(connector::WireResponse {
                status: 200,
                reason: Some("OK".into()),
                headers: vec![
                    ("Content-Type".into(), "application/json".into()),
                    ("Content-Length".into(), BODY.len().to_string()),
                ],
                body: BODY.as_bytes().to_vec(),
            })
        })
    }
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort_unstable();
    samples[samples.len() / 2]
}

fn micros(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}

fn main() {
    let concurrency = env_usize("BENCH_CONCURRENCY", 32);
    let sequential = env_usize("BENCH_SEQUENTIAL", 5000);
    let concurrent = env_usize("BENCH_CONCURRENT", 5_000);

    let server = KeepAliveServer::start(|_| {
        Reply::new(200, BODY).header("Content-Type", "application/json")
    })
    .unwrap();
    let url = format!("{}/users/42", server.url());

    let options = ClientOptions {
        blocklist: Blocklist::new(),
        ..ClientOptions::default()
    };
    // the plain requests' client; the connector sends through the same one (its connection,
    // its agent thread), so that the two sides differ only by what the connector does
    let plain = isahc::HttpClient::new().unwrap();
    let runtime = Runtime::builder()
        .transport(IsahcTransport::with_client(plain.clone(), &options))
        .client_options(options.clone())
        .build()
        .unwrap();
    // and with a client of its own (`Runtime::builder()` without a transport)
    let own_runtime = Runtime::builder()
        .client_options(options.clone())
        .build()
        .unwrap();
    let template = Template::from_json(&json!({
        "inputs": [
            {"source": "GET", "target": "method"},
            {"source": format!("{}/users/", server.url()), "target": "base"},
            {"source": "=base + string(userId)", "target": "url"}
        ],
        "taskHeaders": {"resultVariable": "user"}
    }))
    .unwrap();
    let task = runtime.compile(&template).unwrap();
    let own_task = own_runtime.compile(&template).unwrap();
    let variables = json!({"userId": 42});

    // Warm up both clients (connections, allocator, caches).
    for _ in 0..500 {
        futures_lite::future::block_on(connector_execution(&task, &variables));
        futures_lite::future::block_on(plain_request(&plain, &url));
    }

    // Sequential: blocks of executions on each side, alternating (the order swapped every
    // pair of blocks), so that both sides see the same machine load.
    let block = env_usize("BENCH_BLOCK", 50);
    let mut conn_samples = Vec::with_capacity(sequential);
    let mut plain_samples = Vec::with_capacity(sequential);
    let mut differences = Vec::with_capacity(sequential / block + 1);
    let time_connector = |samples: &mut Vec<Duration>| {
        for _ in 0..block {
            let t = Instant::now();
            futures_lite::future::block_on(connector_execution(&task, &variables));
            samples.push(t.elapsed());
        }
    };
    let time_plain = |samples: &mut Vec<Duration>| {
        for _ in 0..block {
            let t = Instant::now();
            futures_lite::future::block_on(plain_request(&plain, &url));
            samples.push(t.elapsed());
        }
    };
    for i in 0..sequential.div_ceil(block) {
        let (c0, p0) = (conn_samples.len(), plain_samples.len());
        if i % 2 == 0 {
            time_connector(&mut conn_samples);
            time_plain(&mut plain_samples);
        } else {
            time_plain(&mut plain_samples);
            time_connector(&mut conn_samples);
        }
        let c = median(conn_samples[c0..].to_vec());
        let p = median(plain_samples[p0..].to_vec());
        differences.push(micros(c) - micros(p));
    }
    let conn_median = median(conn_samples);
    let plain_median = median(plain_samples);
    differences.sort_unstable_by(f64::total_cmp);
    let paired_overhead = differences[differences.len() / 2];
    // the connector with a client of its own (its own agent thread and connection)
    for _ in 0..500 {
        futures_lite::future::block_on(connector_execution(&own_task, &variables));
    }
    let own_median = median(
        (0..sequential)
            .map(|_| {
                let t = Instant::now();
                futures_lite::future::block_on(connector_execution(&own_task, &variables));
                t.elapsed()
            })
            .collect(),
    );
    let offline = Runtime::builder()
        .transport(Canned)
        .client_options(ClientOptions {
            blocklist: Blocklist::new(),
            ..ClientOptions::default()
        })
        .build()
        .unwrap();
    let offline_task = offline.compile(&template).unwrap();
    let offline_median = median(
        (0..sequential)
            .map(|_| {
                let t = Instant::now();
                futures_lite::future::block_on(connector_execution(&offline_task, &variables));
                t.elapsed()
            })
            .collect(),
    );

    // Concurrent: N in flight on one thread, rounds alternating connector and plain; the best
    // of seven rounds per side.
    let mut conn_rps: f64 = 0.0;
    let mut plain_rps: f64 = 0.0;
    for _ in 0..7 {
        let t = Instant::now();
        let done = run_concurrently(
            concurrency,
            (0..concurrent).map(|_| connector_execution(&task, &variables)),
        );
        assert_eq!(done.len(), concurrent);
        conn_rps = conn_rps.max(concurrent as f64 / t.elapsed().as_secs_f64());
        let t = Instant::now();
        let done = run_concurrently(
            concurrency,
            (0..concurrent).map(|_| plain_request(&plain, &url)),
        );
        assert_eq!(done.len(), concurrent);
        plain_rps = plain_rps.max(concurrent as f64 / t.elapsed().as_secs_f64());
    }

    let summary = json!({
        "sequential_executions": sequential,
        "median_us": {
            "connector": (micros(conn_median) * 10.0).round() / 10.0,
            "plain_isahc": (micros(plain_median) * 10.0).round() / 10.0,
            "ratio": (micros(conn_median) / micros(plain_median) * 1000.0).round() / 1000.0,
            "paired_median_difference": (paired_overhead * 10.0).round() / 10.0,
            "connector_own_client": (micros(own_median) * 10.0).round() / 10.0,
            "connector_without_network": (micros(offline_median) * 10.0).round() / 10.0,
        },
        "concurrency": concurrency,
        "concurrent_executions": concurrent,
        "concurrent_req_per_s": {
            "connector": conn_rps.round(),
            "plain_isahc": plain_rps.round(),
            "ratio": (conn_rps / plain_rps * 1000.0).round() / 1000.0,
        },
        "compilations": runtime.compilations(),
        "server_connections": server.connections(),
    });
    println!("{}", serde_json::to_string_pretty(&summary).unwrap());
}
