//! Camunda's official element templates on the REST connector (`io.camunda:http-json:1`),
//! from the npm package `@camunda/connectors-element-templates` (fetched by `.ci/setup.sh`):
//! every variant (each choice of the dropdowns that change the request) is saved as Modeler
//! would save it, run with `connector run … --task`, routed to a loopback server, and checked:
//! the request carries the method, path, query, headers and body its input mappings produce,
//! and the outcome is a completion; a variant whose inputs lack what the connector requires
//! fails with Camunda's validation message and sends nothing.
//!
//! The table of results is `docs/element-templates.md`; regenerate it with
//! `UPDATE_TEMPLATE_TABLE=1 cargo test -p camunda-rest-connector --test element_templates` (or
//! `just template-table`). The test fails when any variant fails, and when the table is out
//! of date with fewer passing variants than it records.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test helpers outside #[test] fns

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use connector::loopback::{CannedResponse, LoopbackServer, RecordedRequest};
use serde_json::{json, Map, Value as Json};
use testkit::templates::{self, bpmn, expect, ElementTemplate, Variant, TASK_ID};

const TABLE: &str = "docs/element-templates.md";

/// The authentication types of Camunda's REST connector (8.9, and `oauth-refresh-token` from
/// 8.10, which the newest templates offer).
const KNOWN_AUTH_TYPES: [&str; 6] = [
    "apiKey",
    "basic",
    "bearer",
    "noAuth",
    "oauth-client-credentials-flow",
    "oauth-refresh-token",
];

/// How one variant ended.
#[derive(Clone, Debug, PartialEq)]
enum Verdict {
    /// Request and outcome as expected.
    Pass,
    /// Rejected as Camunda rejects it (missing required input).
    RejectedAsCamunda,
    /// Anything else, with the reason.
    Fail(String),
}

fn server() -> LoopbackServer {
    LoopbackServer::start(|req| {
        let body = String::from_utf8_lossy(&req.body);
        if req.method == "POST" && body.contains("grant_type=") {
            return CannedResponse::new(
                200,
                r#"{"access_token":"loopback-token","token_type":"Bearer","expires_in":3600}"#,
            )
            .header("Content-Type", "application/json");
        }
        if req.target.starts_with("/app/installations/") {
            return CannedResponse::new(
                201,
                format!(r#"{{"token":"{}"}}"#, expect::GITHUB_INSTALLATION_TOKEN),
            )
            .header("Content-Type", "application/json");
        }
        CannedResponse::new(200, r#"{"ok":true}"#).header("Content-Type", "application/json")
    })
    .expect("loopback server")
}

fn text(v: &Json) -> String {
    match v {
        Json::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Path and decoded query pairs of a URL (or a request target).
fn path_and_query(url: &str) -> (String, Vec<(String, String)>) {
    let rest = match url.find("://") {
        Some(i) => &url[i + 3..],
        None => url,
    };
    let rest = match rest.find(['/', '?']) {
        Some(i) if !url.starts_with('/') => &rest[i..],
        _ => rest,
    };
    let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
    let pairs = query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (expect::decode(k), expect::decode(v))
        })
        .collect();
    let path = if path.is_empty() {
        "/".to_string()
    } else {
        expect::decode(path)
    };
    (path, pairs)
}

fn strip_nulls(v: &Json) -> Json {
    match v {
        Json::Object(m) => Json::Object(
            m.iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k.clone(), strip_nulls(v)))
                .collect(),
        ),
        Json::Array(a) => Json::Array(a.iter().map(strip_nulls).collect()),
        other => other.clone(),
    }
}

fn check_request(inputs: &Map<String, Json>, req: &RecordedRequest) -> Result<(), String> {
    let method = inputs
        .get("method")
        .map(text)
        .unwrap_or_default()
        .to_ascii_uppercase();
    if req.method != method {
        return Err(format!("method {} instead of {method}", req.method));
    }
    let url = inputs.get("url").map(text).unwrap_or_default();
    let (want_path, want_query) = path_and_query(url.trim());
    let (path, query) = path_and_query(&req.target);
    if path.trim_end_matches('/') != want_path.trim_end_matches('/') {
        return Err(format!("path {path} instead of {want_path}"));
    }
    let mut want_query = want_query;
    if let Some(Json::Object(params)) = inputs.get("queryParameters") {
        for (k, v) in params {
            if !v.is_null() {
                want_query.push((k.clone(), text(v)));
            }
        }
    }
    for pair in &want_query {
        if !query.contains(pair) {
            return Err(format!("query {query:?} lacks {pair:?}"));
        }
    }
    if let Some(Json::Object(headers)) = inputs.get("headers") {
        for (k, v) in headers {
            if v.is_null() {
                continue;
            }
            let got = req.header(k);
            if got != Some(text(v).as_str()) {
                return Err(format!("header {k}: {got:?} instead of {:?}", text(v)));
            }
        }
    }
    let ignore_nulls = inputs
        .get("ignoreNullValues")
        .is_some_and(|v| v == &json!(true) || v == "true");
    match inputs.get("body") {
        Some(b @ (Json::Object(_) | Json::Array(_)))
            if req.method != "GET" && req.method != "DELETE" =>
        {
            let content_type = req.header("content-type").unwrap_or("");
            if content_type.contains("json") {
                let got: Json = serde_json::from_slice(&req.body)
                    .map_err(|e| format!("body is not JSON: {e}"))?;
                let want = if ignore_nulls {
                    strip_nulls(b)
                } else {
                    b.clone()
                };
                if strip_nulls(&got) != strip_nulls(&want) {
                    return Err(format!("body {got} instead of {want}"));
                }
            }
        }
        _ => {}
    }
    Ok(())
}

fn run_variant(template: &ElementTemplate, variant: &Variant, dir: &Path, index: usize) -> Verdict {
    let server = server();
    let file = dir.join(format!("v{index}.bpmn"));
    std::fs::write(&file, bpmn(template, variant)).expect("write bpmn");
    let secrets = dir.join(format!("v{index}.secrets.json"));
    std::fs::write(
        &secrets,
        serde_json::to_string(&variant.secrets).expect("json"),
    )
    .expect("write");
    let out = Command::new(env!("CARGO_BIN_EXE_connector"))
        .arg("run")
        .arg(&file)
        .args(["--task", TASK_ID, "--route-to", &server.url()])
        .arg("--secrets")
        .arg(&secrets)
        .output()
        .expect("run connector");
    let outcome: Json = match serde_json::from_slice(&out.stdout) {
        Ok(v) => v,
        // a template that does not compile (a FEEL syntax error): no outcome, exit 3
        Err(_) if out.status.code() == Some(3) => serde_json::json!({
            "outcome": "compileError",
            "message": String::from_utf8_lossy(&out.stderr).trim(),
        }),
        Err(_) => {
            return Verdict::Fail(format!(
                "no outcome (exit {:?}): {}",
                out.status.code(),
                String::from_utf8_lossy(&out.stderr).trim()
            ))
        }
    };
    let requests = server.requests();
    let kind = outcome["outcome"].as_str().unwrap_or("");
    let message = outcome["message"].as_str().unwrap_or("").to_string();
    let inputs = match expect::inputs(variant) {
        Ok(i) => i,
        Err(e) => {
            // Zeebe cannot map the inputs, or Camunda's runtime cannot bind them (an intrinsic
            // function without its value): ours must fail too (or not compile), and send
            // nothing but what authentication needs first (a token request)
            let sent = requests
                .iter()
                .filter(|r| {
                    !r.target.starts_with("/app/installations/")
                        && !String::from_utf8_lossy(&r.body).contains("grant_type=")
                })
                .count();
            return if matches!(kind, "failed" | "compileError") && sent == 0 {
                Verdict::RejectedAsCamunda
            } else {
                Verdict::Fail(format!(
                    "inputs do not evaluate ({e}) but the outcome is {kind}"
                ))
            };
        }
    };
    // an authentication type Camunda's connector does not know fails its deserialisation
    let auth_type = inputs
        .get("authentication")
        .and_then(|a| a.get("type"))
        .map(text)
        .unwrap_or_default();
    if !auth_type.is_empty() && !KNOWN_AUTH_TYPES.contains(&auth_type.as_str()) {
        return if kind == "failed"
            && requests.is_empty()
            && message.starts_with(&format!("Could not resolve type id '{auth_type}'"))
        {
            Verdict::RejectedAsCamunda
        } else {
            Verdict::Fail(format!(
                "Camunda rejects authentication type {auth_type}; ours: {kind} {message}"
            ))
        };
    }
    // the fields each authentication type requires (Camunda validates them before sending)
    let auth = inputs.get("authentication");
    let required: &[&str] = match auth_type.as_str() {
        "bearer" => &["token"],
        "basic" => &["username"],
        "apiKey" => &["name", "value"],
        "oauth-client-credentials-flow" => &["oauthTokenEndpoint", "clientId", "clientSecret"],
        "oauth-refresh-token" => &["oauthTokenEndpoint", "clientId", "refreshToken"],
        _ => &[],
    };
    if let Some(missing) = required.iter().find(|f| {
        auth.and_then(|a| a.get(**f))
            .is_none_or(|v| v.is_null() || text(v).trim().is_empty())
    }) {
        let field = format!("authentication.{missing}");
        return if kind == "failed"
            && requests.is_empty()
            && message.contains("Found constraints violated while validating input")
            && message.contains(&field)
        {
            Verdict::RejectedAsCamunda
        } else {
            Verdict::Fail(format!(
                "without {field} Camunda rejects the inputs; ours: {kind} {message}"
            ))
        };
    }
    let url = inputs.get("url").map(text).unwrap_or_default();
    let method = inputs.get("method").map(text).unwrap_or_default();
    if url.trim().is_empty() || method.trim().is_empty() || url == "null" || method == "null" {
        let field = if url.trim().is_empty() || url == "null" {
            "url"
        } else {
            "method"
        };
        return if kind == "failed"
            && requests.is_empty()
            && message.contains("Found constraints violated while validating input")
            && message.contains(field)
        {
            Verdict::RejectedAsCamunda
        } else {
            Verdict::Fail(format!(
                "without {field} Camunda rejects the inputs; ours: {kind} {message}"
            ))
        };
    }
    let Some(main) = requests.last() else {
        return Verdict::Fail(format!(
            "no request reached the server; outcome {kind}: {message}"
        ));
    };
    if let Err(e) = check_request(&inputs, main) {
        return Verdict::Fail(e);
    }
    if kind != "complete" {
        return Verdict::Fail(format!("outcome {kind}: {message}"));
    }
    Verdict::Pass
}

/// One row of the table.
struct Row {
    id: String,
    versions: Vec<u64>,
    variants: usize,
    passing: usize,
    failures: Vec<String>,
}

fn table(rows: &[Row]) -> String {
    let mut out = format!(
        "# Official element templates on the REST connector\n\n\
         Every template of `@camunda/connectors-element-templates` {} whose job type is\n\
         `io.camunda:http-json:1`, each variant (every choice of the dropdowns that change the\n\
         request: operation, method, authentication) saved as Camunda Modeler saves it and run with\n\
         `connector run … --task` against a loopback server. \"Passing\" counts variants whose request\n\
         and outcome match the template's input mappings, and variants rejected with Camunda's\n\
         validation message because the template leaves out what the connector requires.\n\
         Regenerate: `UPDATE_TEMPLATE_TABLE=1 cargo test -p camunda-rest-connector --test element_templates`.\n\n\
         | template | versions | variants | passing |\n| --- | --- | ---: | ---: |\n",
        templates::PACKAGE_VERSION
    );
    let (mut total, mut passing) = (0, 0);
    for r in rows {
        total += r.variants;
        passing += r.passing;
        let versions = r
            .versions
            .iter()
            .map(u64::to_string)
            .collect::<Vec<_>>()
            .join(", ");
        out.push_str(&format!(
            "| `{}` | {versions} | {} | {} |\n",
            r.id, r.variants, r.passing
        ));
    }
    out.push_str(&format!("| **all** | | **{total}** | **{passing}** |\n"));
    let failing: Vec<&String> = rows.iter().flat_map(|r| r.failures.iter()).collect();
    if !failing.is_empty() {
        out.push_str("\n## Variants that do not pass yet\n\n");
        for f in failing {
            out.push_str(&format!("- {f}\n"));
        }
    }
    out
}

/// The passing count per template in the committed table.
fn committed(text: &str) -> BTreeMap<String, usize> {
    text.lines()
        .filter_map(|l| {
            let cells: Vec<&str> = l.split('|').map(str::trim).collect();
            let id = cells.get(1)?.strip_prefix('`')?.strip_suffix('`')?;
            Some((id.to_string(), cells.get(4)?.parse().ok()?))
        })
        .collect()
}

#[test]
fn every_rest_connector_element_template_runs_as_in_camunda() {
    let dir = templates::package_dir();
    if !dir.is_dir() {
        assert!(
            std::env::var("CI").is_err(),
            "{} is missing: .ci/setup.sh fetches the element templates",
            dir.display()
        );
        eprintln!(
            "skipped: {} is missing (run .ci/setup.sh to fetch the element templates)",
            dir.display()
        );
        return;
    }
    let all = templates::load_dir(&dir).expect("templates");
    let mut by_id: BTreeMap<String, Vec<ElementTemplate>> = BTreeMap::new();
    for t in all
        .into_iter()
        .filter(|t| t.job_type().as_deref() == Some("io.camunda:http-json:1"))
    {
        by_id.entry(t.id.clone()).or_default().push(t);
    }
    let work = std::env::temp_dir().join(format!("element-templates-{}", std::process::id()));
    std::fs::create_dir_all(&work).expect("work dir");
    let mut jobs = Vec::new();
    for (id, versions) in &by_id {
        for t in versions {
            for v in templates::variants(t) {
                jobs.push((id.clone(), t.clone(), v));
            }
        }
    }
    let next = std::sync::atomic::AtomicUsize::new(0);
    let results = std::sync::Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..4 {
            s.spawn(|| loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                let Some((id, t, v)) = jobs.get(i) else { break };
                let verdict = run_variant(t, v, &work, i);
                results.lock().expect("results").push((
                    i,
                    id.clone(),
                    t.version,
                    v.label(),
                    verdict,
                ));
            });
        }
    });
    let mut results = results.into_inner().expect("results");
    results.sort_by_key(|r| r.0);
    let _ = std::fs::remove_dir_all(&work);
    let mut rows: Vec<Row> = Vec::new();
    for (id, versions) in &by_id {
        let mut vs: Vec<u64> = versions.iter().map(|t| t.version).collect();
        vs.sort_unstable();
        vs.dedup();
        let mine: Vec<_> = results.iter().filter(|r| &r.1 == id).collect();
        rows.push(Row {
            id: id.clone(),
            versions: vs,
            variants: mine.len(),
            passing: mine
                .iter()
                .filter(|r| !matches!(r.4, Verdict::Fail(_)))
                .count(),
            failures: mine
                .iter()
                .filter_map(|r| match &r.4 {
                    Verdict::Fail(why) => Some(format!(
                        "`{}` v{} {}: {}",
                        r.1,
                        r.2,
                        r.3,
                        why.replace('|', "\\|").replace('\n', " ")
                    )),
                    _ => None,
                })
                .collect(),
        });
    }
    let generated = table(&rows);
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let path = root.join(TABLE);
    if std::env::var("UPDATE_TEMPLATE_TABLE").is_ok() {
        std::fs::write(&path, &generated).expect("write table");
    }
    let before = committed(&std::fs::read_to_string(&path).unwrap_or_default());
    let now = committed(&generated);
    let total: usize = rows.iter().map(|r| r.variants).sum();
    let passing: usize = rows.iter().map(|r| r.passing).sum();
    eprintln!("element templates: {passing} of {total} variants pass");
    let failing: Vec<&String> = rows.iter().flat_map(|r| r.failures.iter()).collect();
    assert!(
        failing.is_empty(),
        "{} variants fail:\n{}",
        failing.len(),
        failing
            .iter()
            .map(|f| f.as_str())
            .collect::<Vec<_>>()
            .join("\n")
    );
    for (id, was) in &before {
        let is = now.get(id).copied().unwrap_or(0);
        assert!(
            is >= *was,
            "{id}: {is} variants pass, the table says {was}\n{generated}"
        );
    }
}
