//! Load: 10,000 executions of one compiled template, 100 in flight (async, one thread), against a
//! keep-alive server on 127.0.0.1 that counts every request by a unique id. None may be lost
//! or duplicated, every outcome must carry its own id back, the resident memory must stay flat,
//! and the template is compiled exactly once.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::Instant;

use connector::{Blocklist, ClientOptions, MapSecretProvider, Outcome, Runtime, Template};
use serde_json::json;
use support::{rss_kib, run_concurrently, KeepAliveServer, Reply};

const WARM_UP: u32 = 1_000;
const EXECUTIONS: u32 = 10_000;
const IN_FLIGHT: usize = 100;

fn runtime() -> Runtime {
    Runtime::builder()
        .secrets(MapSecretProvider::new([("TOKEN", "load-t0ken")]))
        .client_options(ClientOptions {
            blocklist: Blocklist::new(),
            ..ClientOptions::default()
        })
        .build()
        .unwrap()
}

fn template(url: &str) -> Template {
    Template::from_json(&json!({
        "inputs": [
            {"source": "POST", "target": "method"},
            {"source": format!("{url}/load"), "target": "url"},
            {"source": "={id: string(id)}", "target": "queryParameters"},
            {"source": "={id: id, payload: \"x\"}", "target": "body"},
            {"source": "bearer", "target": "authentication.type"},
            {"source": "{{secrets.TOKEN}}", "target": "authentication.token"}
        ],
        "taskHeaders": {"resultExpression": "={got: body.id, status: status}"}
    }))
    .unwrap()
}

/// Counts requests per id (query `id=N`); answers `{"id": N}`.
fn counting_server(slots: u32) -> (KeepAliveServer, Arc<Vec<AtomicU32>>) {
    let counts: Arc<Vec<AtomicU32>> = Arc::new((0..slots).map(|_| AtomicU32::new(0)).collect());
    let c = counts.clone();
    let server = KeepAliveServer::start(move |req| {
        let id = req
            .target
            .split_once("id=")
            .and_then(|(_, rest)| rest.split('&').next())
            .and_then(|v| v.parse::<u32>().ok());
        let authorised = req.header("authorization") == Some("Bearer load-t0ken");
        match id.and_then(|i| c.get(i as usize).map(|slot| (i, slot))) {
            Some((i, slot)) if authorised => {
                slot.fetch_add(1, Ordering::SeqCst);
                Reply::new(200, format!("{{\"id\": {i}}}"))
                    .header("Content-Type", "application/json")
            }
            _ => Reply::new(400, "bad request"),
        }
    })
    .unwrap();
    (server, counts)
}

/// Run ids `range` with `IN_FLIGHT` concurrent executions; return the ids the outcomes carry.
fn run(task: &connector::CompiledTemplate, range: std::ops::Range<u32>) -> Vec<u32> {
    let futures = range.map(|id| {
        let task = task.clone();
        async move {
            let vars = json!({"id": id});
            let outcome = task.execute_async(&vars).await;
            match &outcome {
                Outcome::Complete { variables } if variables["status"] == json!(200) => {
                    let got = variables["got"].as_u64().unwrap();
                    assert_eq!(got, u64::from(id), "{outcome:?}");
                    id
                }
                other => panic!("execution {id}: {other:?}"),
            }
        }
    });
    run_concurrently(IN_FLIGHT, futures)
}

#[test]
fn ten_thousand_executions_100_in_flight_none_lost_or_duplicated_memory_flat() {
    let total = WARM_UP + EXECUTIONS;
    let (server, counts) = counting_server(total);
    let rt = runtime();
    let task = rt.compile(&template(&server.url())).unwrap();

    let rss_start = rss_kib().unwrap();
    let warm = run(&task, 0..WARM_UP);
    assert_eq!(warm.len(), WARM_UP as usize);
    let rss_warm = rss_kib().unwrap();

    let start = Instant::now();
    let mut done = run(&task, WARM_UP..total);
    let took = start.elapsed();
    let rss_end = rss_kib().unwrap();

    assert_eq!(done.len(), EXECUTIONS as usize);
    done.sort_unstable();
    done.dedup();
    assert_eq!(done.len(), EXECUTIONS as usize, "an outcome was duplicated");
    let per_id: Vec<u32> = counts.iter().map(|c| c.load(Ordering::SeqCst)).collect();
    let lost: Vec<usize> = (0..per_id.len()).filter(|&i| per_id[i] == 0).collect();
    let duplicated: Vec<usize> = (0..per_id.len()).filter(|&i| per_id[i] > 1).collect();
    assert!(
        lost.is_empty(),
        "{} requests never reached the server: {:?}",
        lost.len(),
        &lost[..lost.len().min(10)]
    );
    assert!(
        duplicated.is_empty(),
        "{} requests were sent twice: {:?}",
        duplicated.len(),
        &duplicated[..duplicated.len().min(10)]
    );

    eprintln!(
        "load: {EXECUTIONS} executions, {IN_FLIGHT} in flight, in {took:?} ({:.0}/s); RSS start {rss_start} KiB, after warm-up {rss_warm} KiB, after run {rss_end} KiB",
        f64::from(EXECUTIONS) / took.as_secs_f64()
    );
    // Flat: 10,000 more executions may not grow the process by more than 32 MiB (a leak of a
    // few KiB per execution — a response, a request, a token — would exceed it).
    let growth = rss_end.saturating_sub(rss_warm);
    assert!(
        growth < 32 * 1024,
        "RSS grew by {growth} KiB over {EXECUTIONS} executions ({rss_warm} → {rss_end} KiB)"
    );
    // Compiled once, whatever the number of executions and compile calls.
    assert_eq!(rt.compilations(), 1);
}

#[test]
fn a_template_is_compiled_once_and_shared() {
    let rt = runtime();
    let t = template("http://127.0.0.1:9");
    let first = rt.compile(&t).unwrap();
    for _ in 0..100 {
        let again = rt.compile(&t.clone()).unwrap();
        assert!(again.same_compilation(&first));
    }
    assert_eq!(rt.compilations(), 1);
    // A different template is a new compilation, itself cached.
    let mut other = t.clone();
    other
        .task_headers
        .push(("resultVariable".into(), "r".into()));
    let second = rt.compile(&other).unwrap();
    assert!(!second.same_compilation(&first));
    assert!(rt.compile(&other).unwrap().same_compilation(&second));
    assert_eq!(rt.compilations(), 2);
}

#[test]
fn executing_never_recompiles() {
    let (server, counts) = counting_server(50);
    let rt = runtime();
    let task = rt.compile(&template(&server.url())).unwrap();
    let ids = run(&task, 0..50);
    assert_eq!(ids.len(), 50);
    for id in 0..50 {
        // The blocking path through `compile` (as `evaluate_and_execute` does) hits the cache.
        let again = rt.compile(&template(&server.url())).unwrap();
        let out = again.execute(&json!({"id": id}));
        assert!(matches!(out, Outcome::Complete { .. }), "{out:?}");
    }
    assert!(counts.iter().all(|c| c.load(Ordering::SeqCst) == 2));
    assert_eq!(rt.compilations(), 1);
}
