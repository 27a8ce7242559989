//! Proxies against real tinyproxy processes on 127.0.0.1 (one open, one with Basic auth),
//! one test per row of the documentation's proxy behaviour table:
//!
//! | proxy set | non-proxy hosts set | valid login | domain1 (open) | domain2 (auth) | domain3 (non-proxy) |
//! |---|---|---|---|---|---|
//! | no  | –   | –   | direct | direct     | direct |
//! | yes | no  | yes | proxy  | proxy      | proxy  |
//! | yes | yes | no  | proxy  | auth error | direct |
//! | yes | yes | yes | proxy  | proxy      | direct |
//!
//! domain1 goes through the open proxy, domain2 through the one that requires a login, and
//! domain3 is `localhost` (listed in the non-proxy hosts when the row sets them). A request
//! went through the proxy when the origin saw tinyproxy's `Via` header and the proxy logged it.

use std::collections::HashMap;

use connector::loopback::tinyproxy::{Tinyproxy, TinyproxyError};
use connector::loopback::tls::TestCertificates;
use connector::loopback::{CannedResponse, LoopbackServer};
use connector::{Blocklist, ClientOptions, Outcome, ProxyOptions, ProxyServer, Runtime};
use serde_json::{json, Value as Json};

use crate::common::{runtime_with, template};

/// Start tinyproxy; without it the test is skipped, except on CI (`CI=true`), where it fails.
pub fn tinyproxy(credentials: Option<(&str, &str)>) -> Option<Tinyproxy> {
    match Tinyproxy::start(credentials) {
        Ok(p) => Some(p),
        Err(TinyproxyError::NotInstalled) if std::env::var("CI").as_deref() != Ok("true") => {
            eprintln!("SKIPPED: tinyproxy is not installed (apt-get install -y tinyproxy, or run .ci/setup.sh)");
            None
        }
        Err(e) => panic!("{e}"),
    }
}

const USER: &str = "proxyuser";
const PASSWORD: &str = "proxypass";

fn site() -> LoopbackServer {
    LoopbackServer::start(|_| CannedResponse::new(200, r#"{"ok": true}"#)).unwrap()
}

fn env(pairs: &[(&str, String)]) -> ProxyOptions {
    let map: HashMap<String, String> = pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect();
    ProxyOptions::from_lookup(|k| map.get(k).cloned())
}

/// The `CONNECTOR_HTTP(S)_PROXY_*` variables for a proxy on 127.0.0.1.
fn proxy_env(
    scheme: &str,
    port: u16,
    login: Option<(&str, &str)>,
    non_proxy: Option<&str>,
) -> Vec<(&'static str, String)> {
    let p = if scheme == "https" {
        "CONNECTOR_HTTPS_PROXY_"
    } else {
        "CONNECTOR_HTTP_PROXY_"
    };
    let leak = |s: String| -> &'static str { Box::leak(s.into_boxed_str()) };
    let mut v = vec![
        (leak(format!("{p}HOST")), "127.0.0.1".to_string()),
        (leak(format!("{p}PORT")), port.to_string()),
    ];
    if let Some((u, pw)) = login {
        v.push((leak(format!("{p}USER")), u.to_string()));
        v.push((leak(format!("{p}PASSWORD")), pw.to_string()));
    }
    if let Some(n) = non_proxy {
        v.push(("CONNECTOR_HTTP_NON_PROXY_HOSTS", n.to_string()));
    }
    v
}

fn runtime(proxy_env: ProxyOptions, proxy: ProxyOptions) -> Runtime {
    runtime_with(ClientOptions {
        blocklist: Blocklist::new(),
        proxy,
        proxy_env,
        ..ClientOptions::default()
    })
}

/// GET `url`; `extra` inputs are passed through process variables.
fn get(rt: &Runtime, url: &str, extra: Json) -> Outcome {
    let mut inputs = json!({"method": "GET", "url": url});
    let mut vars = json!({});
    for (k, v) in extra.as_object().into_iter().flatten() {
        inputs[k] = json!(format!("=extra_{k}"));
        vars[format!("extra_{k}")] = v.clone();
    }
    rt.compile(&template(
        inputs,
        json!({"resultExpression": "={status: response.status, body: response.body}"}),
    ))
    .unwrap()
    .execute(&vars)
}

fn assert_ok(outcome: &Outcome) {
    match outcome {
        Outcome::Complete { variables } => assert_eq!(variables["status"], 200, "{outcome:?}"),
        other => panic!("expected success, got {other:?}"),
    }
}

fn via(server: &LoopbackServer) -> Option<String> {
    server
        .requests()
        .last()
        .and_then(|r| r.header("via").map(str::to_string))
}

fn assert_proxied(server: &LoopbackServer, proxy: &Tinyproxy, url: &str) {
    assert!(
        via(server).is_some_and(|v| v.contains("tinyproxy")),
        "no Via from tinyproxy for {url}"
    );
    assert!(
        proxy
            .requests()
            .iter()
            .any(|r| r.starts_with(&format!("GET {url}"))),
        "proxy log: {:?}",
        proxy.requests()
    );
}

fn assert_direct(server: &LoopbackServer, proxies: &[&Tinyproxy], url: &str) {
    assert_eq!(server.requests().len(), 1, "{url} not reached");
    assert_eq!(via(server), None, "{url} went through a proxy");
    for p in proxies {
        assert!(
            p.requests()
                .iter()
                .all(|r| !r.contains(url.trim_start_matches("http://"))),
            "proxy log: {:?}",
            p.requests()
        );
    }
}

/// tinyproxy answers a missing login with 407 and a wrong one with 401.
fn assert_proxy_auth_error(outcome: &Outcome, login: Option<(&str, &str)>) {
    let (code, reason) = match login {
        None => ("407", "Proxy Authentication Required"),
        Some(_) => ("401", "Unauthorized"),
    };
    match outcome {
        Outcome::Failed {
            message,
            variables,
            retries,
            ..
        } => {
            assert_eq!(message, reason);
            assert_eq!(variables["error"]["code"], code);
            assert_eq!(*retries, 2);
        }
        other => panic!("expected a {code} failure, got {other:?}"),
    }
}

fn urls(d1: &LoopbackServer, d2: &LoopbackServer, d3: &LoopbackServer) -> (String, String, String) {
    (
        format!("http://127.0.0.1:{}/domain1", d1.port()),
        format!("http://127.0.0.1:{}/domain2", d2.port()),
        format!("http://localhost:{}/domain3", d3.port()),
    )
}

#[test]
fn row1_no_proxy_configured_every_site_goes_direct() {
    let (Some(open), Some(auth)) = (tinyproxy(None), tinyproxy(Some((USER, PASSWORD)))) else {
        return;
    };
    let (d1, d2, d3) = (site(), site(), site());
    let (u1, u2, u3) = urls(&d1, &d2, &d3);
    let rt = runtime(ProxyOptions::none(), ProxyOptions::none());
    for (server, url) in [(&d1, &u1), (&d2, &u2), (&d3, &u3)] {
        assert_ok(&get(&rt, url, json!({})));
        assert_direct(server, &[&open, &auth], url);
    }
}

#[test]
fn row2_proxy_without_non_proxy_hosts_and_valid_login_proxies_every_site() {
    let (Some(open), Some(auth)) = (tinyproxy(None), tinyproxy(Some((USER, PASSWORD)))) else {
        return;
    };
    let (d1, d2, d3) = (site(), site(), site());
    let (u1, u2, u3) = urls(&d1, &d2, &d3);
    let login = Some((USER, PASSWORD));
    let via_open = runtime(
        env(&proxy_env("http", open.port(), login, None)),
        ProxyOptions::none(),
    );
    let via_auth = runtime(
        env(&proxy_env("http", auth.port(), login, None)),
        ProxyOptions::none(),
    );
    assert_ok(&get(&via_open, &u1, json!({})));
    assert_proxied(&d1, &open, &u1);
    assert_ok(&get(&via_auth, &u2, json!({})));
    assert_proxied(&d2, &auth, &u2);
    // Without non-proxy hosts even localhost goes through the proxy.
    assert_ok(&get(&via_auth, &u3, json!({})));
    assert_proxied(&d3, &auth, &u3);
}

#[test]
fn row3_wrong_or_missing_login_is_an_auth_error_and_non_proxy_host_goes_direct() {
    let (Some(open), Some(auth)) = (tinyproxy(None), tinyproxy(Some((USER, PASSWORD)))) else {
        return;
    };
    for login in [Some((USER, "wrong")), None] {
        let (d1, d2, d3) = (site(), site(), site());
        let (u1, u2, u3) = urls(&d1, &d2, &d3);
        let non_proxy = Some("example.org|localhost");
        let via_open = runtime(
            env(&proxy_env("http", open.port(), login, non_proxy)),
            ProxyOptions::none(),
        );
        let via_auth = runtime(
            env(&proxy_env("http", auth.port(), login, non_proxy)),
            ProxyOptions::none(),
        );
        assert_ok(&get(&via_open, &u1, json!({})));
        assert_proxied(&d1, &open, &u1);
        assert_proxy_auth_error(&get(&via_auth, &u2, json!({})), login);
        assert!(
            d2.requests().is_empty(),
            "the proxy let an unauthenticated request through"
        );
        assert_ok(&get(&via_auth, &u3, json!({})));
        assert_direct(&d3, &[&open, &auth], &u3);
    }
}

#[test]
fn row4_valid_login_proxies_and_non_proxy_host_goes_direct_env_and_runtime_options() {
    let (Some(open), Some(auth)) = (tinyproxy(None), tinyproxy(Some((USER, PASSWORD)))) else {
        return;
    };
    let login = Some((USER, PASSWORD));
    let from_env = |port| {
        runtime(
            env(&proxy_env("http", port, login, Some("local*"))),
            ProxyOptions::none(),
        )
    };
    let from_options = |port| {
        runtime(
            ProxyOptions::none(),
            ProxyOptions {
                http: Some(ProxyServer::new("127.0.0.1", port).with_credentials(USER, PASSWORD)),
                non_proxy_hosts: Some("*host".into()),
                ..ProxyOptions::none()
            },
        )
    };
    for make in [&from_env as &dyn Fn(u16) -> Runtime, &from_options] {
        let (d1, d2, d3) = (site(), site(), site());
        let (u1, u2, u3) = urls(&d1, &d2, &d3);
        assert_ok(&get(&make(open.port()), &u1, json!({})));
        assert_proxied(&d1, &open, &u1);
        assert_ok(&get(&make(auth.port()), &u2, json!({})));
        assert_proxied(&d2, &auth, &u2);
        assert!(
            d2.requests()[0].header("proxy-authorization").is_none(),
            "credentials leaked to the origin"
        );
        assert_ok(&get(&make(auth.port()), &u3, json!({})));
        assert_direct(&d3, &[&open, &auth], &u3);
    }
}

#[test]
fn environment_wins_over_runtime_options() {
    let Some(auth) = tinyproxy(Some((USER, PASSWORD))) else {
        return;
    };
    let d = site();
    let url = format!("http://127.0.0.1:{}/x", d.port());
    let good = ProxyOptions {
        http: Some(ProxyServer::new("127.0.0.1", auth.port()).with_credentials(USER, PASSWORD)),
        ..ProxyOptions::none()
    };
    let rt = runtime(
        env(&proxy_env("http", auth.port(), Some((USER, "wrong")), None)),
        good.clone(),
    );
    assert_proxy_auth_error(&get(&rt, &url, json!({})), Some((USER, "wrong")));
    // The runtime options alone work.
    assert_ok(&get(&runtime(ProxyOptions::none(), good), &url, json!({})));
    assert_proxied(&d, &auth, &url);
}

#[test]
fn invalid_proxy_port_in_environment_is_an_input_error() {
    let rt = runtime(
        env(&[
            ("CONNECTOR_HTTP_PROXY_HOST", "127.0.0.1".into()),
            ("CONNECTOR_HTTP_PROXY_PORT", "99999".into()),
        ]),
        ProxyOptions::none(),
    );
    match get(&rt, "http://127.0.0.1:9/", json!({})) {
        Outcome::Failed {
            message, retries, ..
        } => {
            assert_eq!(message, "Invalid proxy port in environment variable CONNECTOR_HTTP_PROXY_PORT: 99999 is out of range (1-65535)");
            assert_eq!(retries, 0);
        }
        other => panic!("{other:?}"),
    }
}

fn tls_site(certs: &TestCertificates) -> LoopbackServer {
    LoopbackServer::start_tls(certs, false, |_| {
        CannedResponse::new(200, r#"{"ok": true}"#)
    })
    .unwrap()
}

#[test]
fn https_targets_tunnel_with_connect_and_the_scheme_picks_the_settings() {
    let (Some(http_proxy), Some(https_proxy)) =
        (tinyproxy(None), tinyproxy(Some((USER, PASSWORD))))
    else {
        return;
    };
    let certs = TestCertificates::generate().unwrap();
    let trust = json!({"clientTls": {"trustedCertificate": certs.ca_pem}});
    let plain = site();
    let secure = tls_site(&certs);
    let mut vars = proxy_env("http", http_proxy.port(), None, Some("localhost"));
    vars.extend(proxy_env(
        "https",
        https_proxy.port(),
        Some((USER, PASSWORD)),
        None,
    ));
    let rt = runtime(env(&vars), ProxyOptions::none());

    let https_url = format!("https://127.0.0.1:{}/secure", secure.port());
    assert_ok(&get(&rt, &https_url, trust.clone()));
    let tunnel = format!("CONNECT 127.0.0.1:{}", secure.port());
    assert!(
        https_proxy
            .requests()
            .iter()
            .any(|r| r.starts_with(&tunnel)),
        "{:?}",
        https_proxy.requests()
    );
    assert!(
        http_proxy.requests().is_empty(),
        "{:?}",
        http_proxy.requests()
    );
    // Inside the tunnel the origin sees the request itself, no proxy headers.
    assert_eq!(secure.requests()[0].target, "/secure");
    assert!(secure.requests()[0].header("proxy-authorization").is_none());

    let http_url = format!("http://127.0.0.1:{}/plain", plain.port());
    assert_ok(&get(&rt, &http_url, json!({})));
    assert_proxied(&plain, &http_proxy, &http_url);
    assert_eq!(https_proxy.requests().len(), 1);

    // localhost is a non-proxy host for both schemes.
    let direct = format!("https://localhost:{}/direct", secure.port());
    assert_ok(&get(&rt, &direct, trust));
    assert_eq!(
        https_proxy.requests().len(),
        1,
        "{:?}",
        https_proxy.requests()
    );
}

#[test]
fn https_connect_with_a_wrong_login_is_an_auth_error() {
    let Some(auth) = tinyproxy(Some((USER, PASSWORD))) else {
        return;
    };
    let certs = TestCertificates::generate().unwrap();
    let secure = tls_site(&certs);
    for login in [Some((USER, "wrong")), None] {
        let rt = runtime(
            env(&proxy_env("https", auth.port(), login, None)),
            ProxyOptions::none(),
        );
        let url = format!("https://127.0.0.1:{}/secure", secure.port());
        assert_proxy_auth_error(
            &get(
                &rt,
                &url,
                json!({"clientTls": {"trustedCertificate": certs.ca_pem}}),
            ),
            login,
        );
    }
    assert!(secure.requests().is_empty());
}

#[test]
fn the_cli_reads_the_proxy_from_the_process_environment() {
    let Some(auth) = tinyproxy(Some((USER, "s3cret-pa55"))) else {
        return;
    };
    let d = site();
    let url = format!("http://127.0.0.1:{}/cli", d.port());
    let dir = std::env::temp_dir().join(format!("connector-cli-proxy-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let t = dir.join("t.json");
    std::fs::write(&t, json!({"inputs": {"method": "GET", "url": url}, "taskHeaders": {"resultExpression": "={status: response.status}"}}).to_string()).unwrap();
    let run = |password: &str| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_connector"))
            .args(["run", t.to_str().unwrap()])
            .env("CONNECTOR_HTTP_PROXY_HOST", "127.0.0.1")
            .env("CONNECTOR_HTTP_PROXY_PORT", auth.port().to_string())
            .env("CONNECTOR_HTTP_PROXY_USER", USER)
            .env("CONNECTOR_HTTP_PROXY_PASSWORD", password)
            .output()
            .unwrap();
        serde_json::from_slice::<Json>(&out.stdout).unwrap()
    };
    let ok = run("s3cret-pa55");
    assert_eq!(ok["outcome"], "complete", "{ok}");
    assert_proxied(&d, &auth, &url);
    let bad = run("nope");
    assert_eq!(bad["outcome"], "failed");
    assert_eq!(bad["variables"]["error"]["code"], "401");
    let _ = std::fs::remove_dir_all(dir);
}

/// `CONNECTOR_HTTP(S)_PROXY_SCHEME=https`: the proxy itself is reached over TLS (here a TLS
/// terminator in front of tinyproxy), its certificate verified against the runtime CA bundle
/// or the task's trusted certificates; an untrusted proxy certificate is a clear TLS failure.
#[test]
fn https_proxy_scheme_reaches_the_proxy_over_tls() {
    let Some(auth) = tinyproxy(Some((USER, PASSWORD))) else {
        return;
    };
    let certs = TestCertificates::generate().unwrap();
    let front = connector::loopback::tls::TlsForwarder::start(&certs, auth.addr()).unwrap();
    let (plain, secure) = (site(), tls_site(&certs));
    let mut vars = vec![
        ("CONNECTOR_HTTP_PROXY_SCHEME", "https".to_string()),
        ("CONNECTOR_HTTPS_PROXY_SCHEME", "https".to_string()),
    ];
    vars.extend(proxy_env(
        "http",
        front.port(),
        Some((USER, PASSWORD)),
        None,
    ));
    vars.extend(proxy_env(
        "https",
        front.port(),
        Some((USER, PASSWORD)),
        None,
    ));
    let trust_task = json!({"clientTls": {"trustedCertificate": certs.ca_pem}});

    // Trusted per task: an http target (absolute-form request) and an https target (CONNECT
    // inside the proxy's TLS).
    let rt = runtime(env(&vars), ProxyOptions::none());
    let http_url = format!("http://127.0.0.1:{}/over-tls", plain.port());
    assert_ok(&get(&rt, &http_url, trust_task.clone()));
    assert_proxied(&plain, &auth, &http_url);
    let https_url = format!("https://127.0.0.1:{}/tunnel-in-tls", secure.port());
    assert_ok(&get(&rt, &https_url, trust_task));
    assert!(auth
        .requests()
        .iter()
        .any(|r| r.starts_with(&format!("CONNECT 127.0.0.1:{}", secure.port()))));

    // Trusted through the runtime CA bundle.
    let dir = std::env::temp_dir().join(format!("connector-proxy-bundle-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("ca.pem"), &certs.ca_pem).unwrap();
    let rt = runtime_with(ClientOptions {
        blocklist: Blocklist::new(),
        proxy_env: env(&vars),
        tls: connector::TlsOptions::ca_bundle(dir.join("ca.pem")),
        ..ClientOptions::default()
    });
    assert_ok(&get(&rt, &http_url, json!({})));
    let _ = std::fs::remove_dir_all(dir);

    // Not trusted: the proxy is never asked.
    let before = auth.requests().len();
    let rt = runtime(env(&vars), ProxyOptions::none());
    match get(&rt, &http_url, json!({})) {
        Outcome::Failed {
            message, variables, ..
        } => {
            assert_eq!(variables["error"]["code"], "SSL_HANDSHAKE_FAILED");
            assert!(
                message.contains("the proxy's certificate could not be validated"),
                "{message}"
            );
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(auth.requests().len(), before);
}
