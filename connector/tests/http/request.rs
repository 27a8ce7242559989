use std::time::Duration;

use serde_json::json;

use crate::common::*;
use connector::loopback::{CannedResponse, LoopbackServer};
use connector::{Blocklist, ClientOptions, Outcome, Runtime, Template};

#[test]
fn connection_refused_is_a_408_with_retries_minus_one() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let out = run(
        json!({"method": "GET", "url": format!("http://127.0.0.1:{port}/x")}),
        json!({}),
        json!({}),
    );
    let Outcome::Failed {
        message,
        retries,
        variables,
        ..
    } = &out
    else {
        panic!("{out:?}")
    };
    assert_eq!(
        message,
        "An error occurred while executing the request, or the connection was aborted"
    );
    assert_eq!(*retries, 2);
    assert_eq!(variables["error"]["code"], json!("408"));
}

#[test]
fn read_timeout_is_a_408_timeout() {
    let mut slow = CannedResponse::new(200, "late");
    slow.delay = Some(Duration::from_millis(2500));
    let server = LoopbackServer::canned(vec![slow]).unwrap();
    let out = run(
        json!({"method": "GET", "url": format!("{}/slow", server.url()), "readTimeoutInSeconds": "1"}),
        json!({}),
        json!({}),
    );
    let Outcome::Failed {
        message, variables, ..
    } = &out
    else {
        panic!("{out:?}")
    };
    assert_eq!(
        message,
        "The request timed out. Please try increasing the read and connection timeouts."
    );
    assert_eq!(variables["error"]["code"], json!("408"));
}

#[test]
fn redirects_are_returned_unless_followed() {
    let mut server = mockito::Server::new();
    let (_r, _) = mock(&mut server, "GET", "/old", 302, &[("Location", "/new")], "");
    let (_n, nlog) = mock(&mut server, "GET", "/new", 200, &[], r#"{"moved": true}"#);
    let url = format!("{}/old", server.url());
    let out = run(
        json!({"method": "GET", "url": url}),
        json!({"resultVariable": "r"}),
        json!({}),
    );
    assert_eq!(vars(&out)["r"]["status"], json!(302));
    assert_eq!(vars(&out)["r"]["headers"]["Location"], json!("/new"));
    assert!(seen(&nlog).is_empty());
    let out = run(
        json!({"method": "GET", "url": url, "followRedirects": "=true"}),
        json!({"resultVariable": "r"}),
        json!({}),
    );
    assert_eq!(vars(&out)["r"]["body"], json!({"moved": true}));
}

#[test]
fn blocklist_rejects_before_sending() {
    let mut server = mockito::Server::new();
    let (m, _) = mock(&mut server, "GET", "/admin", 200, &[], "");
    let rt = runtime_with(ClientOptions {
        blocklist: Blocklist::new()
            .with("URL", "ADMIN", "/admin")
            .with("PORT", "SSH", "22"),
        ..ClientOptions::default()
    });
    let t = template(
        json!({"method": "GET", "url": format!("{}/admin", server.url())}),
        json!({}),
    );
    let out = rt.compile(&t).unwrap().execute(&json!({}));
    let Outcome::Failed {
        message,
        retries,
        variables,
        ..
    } = &out
    else {
        panic!("{out:?}")
    };
    assert_eq!(
        (message.as_str(), *retries),
        ("The provided URL is not allowed (Block Name: ADMIN)", 0)
    );
    assert_eq!(
        variables["error"]["type"],
        json!("io.camunda.connector.api.error.ConnectorInputException")
    );
    let t = template(
        json!({"method": "GET", "url": "http://127.0.0.1:22/"}),
        json!({}),
    );
    assert!(matches!(
        rt.compile(&t).unwrap().execute(&json!({})),
        Outcome::Failed { retries: 0, .. }
    ));
    m.expect(0).assert();
}

#[test]
fn validation_errors_fail_without_retries() {
    for (inputs, needle) in [
        (
            json!({"url": "http://h/"}),
            "Property: method: Validation failed. Original message: must not be null",
        ),
        (
            json!({"method": "GET", "url": "ftp://h/"}),
            "Must be a http(s) URL",
        ),
        (
            json!({"method": "GET", "url": "http://0000::1"}),
            "Please ensure the URL includes a valid hostname.",
        ),
        (json!({"method": "HEAD", "url": "http://h/"}), "HttpMethod"),
        (
            json!({"method": "GET", "url": "http://h/", "connectionTimeoutInSeconds": "bad value"}),
            "Cannot deserialize",
        ),
        (
            json!({"method": "GET", "url": "http://h/", "authentication.type": "bearer"}),
            "authentication.token",
        ),
    ] {
        let out = run(inputs.clone(), json!({}), json!({}));
        let Outcome::Failed {
            message, retries, ..
        } = &out
        else {
            panic!("{out:?}")
        };
        assert_eq!(*retries, 0, "{inputs}");
        assert!(message.contains(needle), "{inputs}: {message}");
    }
}

#[test]
fn url_normalisation_and_skip_encoding() {
    let server = LoopbackServer::canned(vec![CannedResponse::new(200, "")]).unwrap();
    let url = format!("{}/a%2Fb/hello, world+1?q=a+b&r=x%3Fy", server.url());
    run(json!({"method": "GET", "url": url}), json!({}), json!({}));
    run(
        json!({"method": "GET", "url": format!("{}/path%2Fwith%2Fencoding?x=%2F", server.url()), "skipEncoding": "true",
        "queryParameters": "={y: \"a b\"}"}),
        json!({}),
        json!({}),
    );
    let reqs = server.requests();
    assert_eq!(reqs[0].target, "/a/b/hello,%20world%2B1?q=a%20b&r=x?y");
    assert_eq!(reqs[1].target, "/path%2Fwith%2Fencoding?x=%2F&y=a%20b");
}

#[test]
fn inputs_as_list_with_nested_targets_and_earlier_inputs_in_scope() {
    let server = LoopbackServer::canned(vec![CannedResponse::new(200, "")]).unwrap();
    let t = Template::from_json(&json!({"inputs": [
        {"source": server.url(), "target": "base"},
        {"source": "GET", "target": "method"},
        {"source": "=base + \"/items/\" + item.id", "target": "url"},
        {"source": "=item.kind", "target": "headers.X-Kind"},
        {"source": "fixed", "target": "headers.X-Fixed"}
    ]}))
    .unwrap();
    let out = runtime()
        .compile(&t)
        .unwrap()
        .execute(&json!({"item": {"id": "7", "kind": "book"}}));
    assert!(matches!(out, Outcome::Complete { .. }), "{out:?}");
    let r = &server.requests()[0];
    assert_eq!(r.target, "/items/7");
    assert_eq!(r.header("x-kind"), Some("book"));
    assert_eq!(r.header("x-fixed"), Some("fixed"));
}

#[test]
fn bpmn_service_task_is_loaded_by_id() {
    let server = LoopbackServer::canned(vec![CannedResponse::new(200, r#"{"ok": true}"#)]).unwrap();
    let xml = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="d">
  <bpmn:process id="p" isExecutable="true">
    <bpmn:serviceTask id="other" name="Other"><bpmn:extensionElements><zeebe:taskDefinition type="x" /></bpmn:extensionElements></bpmn:serviceTask>
    <bpmn:serviceTask id="call" name="Call">
      <bpmn:extensionElements>
        <zeebe:taskDefinition type="io.camunda:http-json:1" retries="5" />
        <zeebe:ioMapping>
          <zeebe:input source="GET" target="method" />
          <zeebe:input source="=&#34;{}/p/&#34; + id" target="url" />
        </zeebe:ioMapping>
        <zeebe:taskHeaders>
          <zeebe:header key="resultExpression" value="={{ok: response.body.ok}}" />
        </zeebe:taskHeaders>
      </bpmn:extensionElements>
    </bpmn:serviceTask>
  </bpmn:process>
</bpmn:definitions>"#,
        server.url()
    );
    let t = Template::from_bpmn(&xml, "call").unwrap();
    assert_eq!(t.retries, 5);
    let out = runtime().compile(&t).unwrap().execute(&json!({"id": "9"}));
    assert_eq!(
        out.to_json(),
        json!({"outcome": "complete", "variables": {"ok": true}})
    );
    assert_eq!(server.requests()[0].target, "/p/9");
    assert!(Template::from_bpmn(&xml, "nope").is_err());
}

#[test]
fn compile_errors_name_the_field_and_templates_are_cached() {
    let rt = runtime();
    let t = template(
        json!({"method": "GET", "url": "=\"http://h/\" +"}),
        json!({}),
    );
    let e = rt.compile(&t).unwrap_err();
    assert_eq!(e.field.as_deref(), Some("inputs[1] (url)"));
    let t = template(
        json!({"method": "GET"}),
        json!({"resultExpression": "={a: }"}),
    );
    assert_eq!(
        rt.compile(&t).unwrap_err().field.as_deref(),
        Some("taskHeaders.resultExpression")
    );
    let ok = template(json!({"method": "GET", "url": "http://h/"}), json!({}));
    let a = rt.compile(&ok).unwrap();
    let b = rt.compile(&ok).unwrap();
    assert_eq!(format!("{a:?}"), format!("{b:?}"));
}

#[test]
fn async_execution_and_evaluate_and_execute() {
    let server = LoopbackServer::canned(vec![CannedResponse::new(200, r#"{"n": 1}"#)]).unwrap();
    let t = template(
        json!({"method": "GET", "url": format!("{}/a", server.url())}),
        json!({"resultExpression": "={n: body.n}"}),
    );
    let task = runtime().compile(&t).unwrap();
    let outs = futures_lite::future::block_on(async {
        let (a, b) = futures_lite::future::zip(
            task.execute_async(&json!({})),
            task.execute_async(&json!({})),
        )
        .await;
        vec![a, b]
    });
    for o in &outs {
        assert_eq!(
            o.to_json(),
            json!({"outcome": "complete", "variables": {"n": 1}})
        );
    }
    let out = connector::evaluate_and_execute(&t, &json!({}));
    assert_eq!(
        out.to_json(),
        json!({"outcome": "complete", "variables": {"n": 1}})
    );
    assert_eq!(server.requests().len(), 3);
}

#[test]
fn protocol_errors_are_500_with_retries() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let t = std::thread::spawn(move || {
        use std::io::{Read, Write};
        if let Ok((mut s, _)) = listener.accept() {
            let mut buf = [0u8; 1024];
            let _ = s.read(&mut buf);
            let _ = s.write_all(b"this is not HTTP at all\r\n\r\n");
        }
    });
    let out = run(
        json!({"method": "GET", "url": format!("http://127.0.0.1:{port}/")}),
        json!({}),
        json!({}),
    );
    t.join().unwrap();
    let Outcome::Failed {
        variables, retries, ..
    } = &out
    else {
        panic!("{out:?}")
    };
    assert_eq!(*retries, 2);
    assert_eq!(variables["error"]["code"], json!("500"), "{out:?}");
    // A user Content-Length header is refused the same way, before anything is sent.
    let out = run(
        json!({"method": "POST", "url": "http://127.0.0.1:9/", "body": "x",
        "headers": "={\"Content-Length\": \"1\"}"}),
        json!({}),
        json!({}),
    );
    let Outcome::Failed { message, .. } = &out else {
        panic!("{out:?}")
    };
    assert_eq!(message, "An error with the HTTP protocol occurred");
}

#[test]
fn a_failing_result_expression_is_retried() {
    let server = LoopbackServer::canned(vec![CannedResponse::new(200, "{}")]).unwrap();
    let out = run(
        json!({"method": "GET", "url": server.url()}),
        json!({"resultExpression": "=bpmnError(1)"}),
        json!({}),
    );
    let Outcome::Failed {
        message, retries, ..
    } = &out
    else {
        panic!("{out:?}")
    };
    assert_eq!(*retries, 2);
    assert!(
        message.starts_with("Failed to evaluate expression 'bpmnError(1)'"),
        "{message}"
    );
}

/// Sending through an existing isahc client (one that follows redirects by default): the
/// connector's settings still hold, request by request.
#[test]
fn a_shared_isahc_client_gets_the_connectors_settings_per_request() {
    use connector::IsahcTransport;
    use isahc::config::{Configurable, RedirectPolicy};
    let server = LoopbackServer::start(|req| {
        if req.target.starts_with("/old") {
            CannedResponse::new(302, "").header("Location", "/new")
        } else {
            CannedResponse::new(200, r#"{"moved": true}"#)
                .header("Content-Type", "application/json")
        }
    })
    .unwrap();
    let client = isahc::HttpClient::builder()
        .redirect_policy(RedirectPolicy::Follow)
        .build()
        .unwrap();
    let options = ClientOptions {
        blocklist: Blocklist::new(),
        ..ClientOptions::default()
    };
    let runtime = Runtime::builder()
        .transport(IsahcTransport::with_client(client.clone(), &options))
        .client_options(options)
        .build()
        .unwrap();
    let url = format!("{}/old", server.url());
    let task = runtime
        .compile(&template(
            json!({"method": "GET", "url": url, "headers": "={\"x-trace-id\": \"t1\"}"}),
            json!({"resultVariable": "r"}),
        ))
        .unwrap();
    let out = task.execute(&json!({}));
    // not followed (the client alone would have), the header name sent in Title-Case
    assert_eq!(vars(&out)["r"]["status"], json!(302), "{out:?}");
    let sent = server.requests();
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert!(
        sent[0]
            .headers
            .iter()
            .any(|(k, v)| k == "X-Trace-Id" && v == "t1"),
        "{:?}",
        sent[0].headers
    );
    // followed when the task asks, through the same client
    let task = runtime
        .compile(&template(
            json!({"method": "GET", "url": url, "followRedirects": "=true"}),
            json!({"resultVariable": "r"}),
        ))
        .unwrap();
    assert_eq!(
        vars(&task.execute(&json!({})))["r"]["body"],
        json!({"moved": true})
    );
    assert_eq!(server.requests().len(), 3);
}
