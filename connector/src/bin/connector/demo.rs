//! `connector demo`: a sample REST connector task run against a small HTTP server on
//! 127.0.0.1, so the command needs nothing outside the machine.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};

use connector::{MapSecretProvider, Runtime, Template};
use serde_json::{json, Value as Json};

/// The bearer token the demo server expects, given to the task as the secret `API_TOKEN`.
const DEMO_TOKEN: &str = "demo-token-0123";

/// The demo's user API: `GET /users/<id>` with the demo token answers a JSON user; anything
/// else is `401`. The method and target of each request are recorded.
struct DemoServer {
    url: String,
    received: Arc<Mutex<Vec<String>>>,
}

impl DemoServer {
    fn start() -> std::io::Result<DemoServer> {
        let listener = TcpListener::bind("127.0.0.1:0")?;
        let url = format!("http://{}", listener.local_addr()?);
        let received = Arc::new(Mutex::new(Vec::new()));
        let log = received.clone();
        // The thread ends with the process.
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                answer(stream, &log);
            }
        });
        Ok(DemoServer { url, received })
    }

    fn received(&self) -> Vec<String> {
        self.received.lock().map(|r| r.clone()).unwrap_or_default()
    }
}

/// Read one request head (the demo's requests have no body), record its method and target
/// in `log` (before answering, so the client never sees a reply whose request is not yet
/// recorded), answer it and close the connection.
fn answer(mut stream: TcpStream, log: &Mutex<Vec<String>>) -> Option<()> {
    let mut reader = BufReader::new(stream.try_clone().ok()?);
    let mut request_line = String::new();
    reader.read_line(&mut request_line).ok()?;
    let mut authorized = false;
    let mut line = String::new();
    while reader.read_line(&mut line).ok()? > 0 && !line.trim().is_empty() {
        if let Some((name, value)) = line.split_once(':') {
            authorized |= name.eq_ignore_ascii_case("authorization")
                && value.trim() == format!("Bearer {DEMO_TOKEN}");
        }
        line.clear();
    }
    // `GET /users/42?q=Berlin HTTP/1.1` is kept as `GET /users/42?q=Berlin`
    let request_line = request_line.trim_end();
    let request_line = request_line
        .rsplit_once(' ')
        .map_or(request_line, |(head, _)| head)
        .to_string();
    let id = request_line
        .split(' ')
        .nth(1)
        .and_then(|target| target.strip_prefix("/users/"))
        .and_then(|rest| rest.split('?').next())
        .filter(|id| !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()));
    let (status, body) = match id {
        Some(id) if authorized => (
            "200 OK",
            format!(r#"{{"id": {id}, "name": "Ada Lovelace", "city": "London"}}"#),
        ),
        _ => ("401 Unauthorized", String::new()),
    };
    let reply = format!(
        "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\
         Connection: close\r\n\r\n{body}",
        body.len()
    );
    if let Ok(mut log) = log.lock() {
        log.push(request_line);
    }
    stream.write_all(reply.as_bytes()).ok()
}

/// Run the demo: the task's outcome as JSON; the requests the server received go to stderr.
pub fn run() -> Result<Json, String> {
    let server = DemoServer::start().map_err(|e| format!("cannot start the demo server: {e}"))?;
    let template = json!({
        "type": "io.camunda:http-json:1",
        "inputs": [
            {"source": "bearer", "target": "authentication.type"},
            {"source": "{{secrets.API_TOKEN}}", "target": "authentication.token"},
            {"source": "GET", "target": "method"},
            {"source": format!("=\"{}/users/\" + string(userId)", server.url), "target": "url"},
            {"source": "={q: city, units: \"metric\"}", "target": "queryParameters"}
        ],
        "taskHeaders": {
            "resultExpression": "={name: response.body.name, status: response.status}",
            "errorExpression": "=if error.code = \"404\" then bpmnError(\"NOT_FOUND\", error.message) else null",
            "retryBackoff": "PT30S"
        },
        "retries": 3
    });
    let template = Template::from_json(&template).map_err(|e| e.to_string())?;
    let runtime = Runtime::builder()
        .secrets(MapSecretProvider::new([("API_TOKEN", DEMO_TOKEN)]))
        .build()
        .map_err(|e| format!("cannot start the HTTP client: {e}"))?;
    let task = runtime.compile(&template).map_err(|e| e.to_string())?;
    let outcome = task.execute(&json!({"userId": 42, "city": "Berlin"}));
    for line in server.received() {
        eprintln!("demo server on {} received: {line}", server.url);
    }
    Ok(outcome.to_json())
}
