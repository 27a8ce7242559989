//! A minimal HTTP/1.1 server on 127.0.0.1 for tests, conformance fixtures and benchmarks: it records every
//! request as received on the wire and answers from a handler (or a list of canned responses).
//! One request per connection; not meant for production traffic. [`tls`] serves HTTPS with
//! generated certificates; [`tinyproxy`] runs a real HTTP proxy.

pub mod tinyproxy;
pub mod tls;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

/// A request as the server received it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordedRequest {
    /// The method.
    pub method: String,
    /// The request target (path and query, as sent).
    pub target: String,
    /// Headers in the order received, names as sent.
    pub headers: Vec<(String, String)>,
    /// Body bytes.
    pub body: Vec<u8>,
}

impl RecordedRequest {
    /// The first value of a header (case-insensitive name).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The request head and body as text (lossy), as a server echoing everything would see it.
    pub fn raw_text(&self) -> String {
        let mut out = format!("{} {}\n", self.method, self.target);
        for (k, v) in &self.headers {
            out.push_str(&format!("{k}: {v}\n"));
        }
        out.push('\n');
        out.push_str(&String::from_utf8_lossy(&self.body));
        out
    }
}

/// A response to send.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CannedResponse {
    /// Status code.
    pub status: u16,
    /// Reason phrase (empty for none).
    pub reason: String,
    /// Headers; names may repeat.
    pub headers: Vec<(String, String)>,
    /// Body bytes.
    pub body: Vec<u8>,
    /// Wait this long before answering (to provoke read timeouts).
    pub delay: Option<Duration>,
}

impl CannedResponse {
    /// A response with a status and a body (and no headers).
    pub fn new(status: u16, body: impl Into<Vec<u8>>) -> Self {
        CannedResponse {
            status,
            reason: String::new(),
            headers: Vec::new(),
            body: body.into(),
            delay: None,
        }
    }

    /// Add a header.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }
}

type Handler = dyn Fn(&RecordedRequest) -> CannedResponse + Send + Sync;

/// The server; stops when dropped.
pub struct LoopbackServer {
    addr: SocketAddr,
    scheme: &'static str,
    requests: Arc<Mutex<Vec<RecordedRequest>>>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for LoopbackServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoopbackServer")
            .field("addr", &self.addr)
            .finish()
    }
}

impl LoopbackServer {
    /// Serve the canned responses in order; the last one repeats.
    pub fn canned(responses: Vec<CannedResponse>) -> std::io::Result<Self> {
        let next = std::sync::atomic::AtomicUsize::new(0);
        Self::start(move |_| {
            let i = next.fetch_add(1, Ordering::SeqCst);
            responses
                .get(i)
                .or_else(|| responses.last())
                .cloned()
                .unwrap_or_else(|| CannedResponse::new(404, ""))
        })
    }

    /// Serve every request with `handler`.
    pub fn start(
        handler: impl Fn(&RecordedRequest) -> CannedResponse + Send + Sync + 'static,
    ) -> std::io::Result<Self> {
        Self::start_with("http", handler, Some)
    }

    /// Serve every connection wrapped by `wrap` (e.g. a TLS acceptor; `None` drops it).
    pub(crate) fn start_with<S: Read + Write + 'static>(
        scheme: &'static str,
        handler: impl Fn(&RecordedRequest) -> CannedResponse + Send + Sync + 'static,
        wrap: impl Fn(TcpStream) -> Option<S> + Send + Sync + 'static,
    ) -> std::io::Result<Self> {
        let listener = TcpListener::bind("127.0.0.1:0")?;
        let addr = listener.local_addr()?;
        let wrap = Arc::new(wrap);
        let requests = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let handler: Arc<Handler> = Arc::new(handler);
        let (reqs, stop2) = (requests.clone(), stop.clone());
        let thread = std::thread::spawn(move || {
            for stream in listener.incoming() {
                if stop2.load(Ordering::SeqCst) {
                    break;
                }
                if let Ok(stream) = stream {
                    let (reqs, handler, wrap) = (reqs.clone(), handler.clone(), wrap.clone());
                    std::thread::spawn(move || {
                        let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
                        if let Some(stream) = wrap(stream) {
                            serve(stream, &reqs, handler.as_ref());
                        }
                    });
                }
            }
        });
        Ok(LoopbackServer {
            addr,
            scheme,
            requests,
            stop,
            thread: Some(thread),
        })
    }

    /// `http://127.0.0.1:<port>` (`https://` for a TLS server).
    pub fn url(&self) -> String {
        format!("{}://{}", self.scheme, self.addr)
    }

    /// The port.
    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// The requests received so far.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.requests.lock().map(|r| r.clone()).unwrap_or_default()
    }
}

impl Drop for LoopbackServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(self.addr);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Read one request from a connection (head, then a `Content-Length` or chunked body, each
/// capped at 64 MiB); `None` at the end of the stream or on garbage. Servers that keep
/// connections open call it once per request on the same reader.
pub fn read_request(reader: &mut impl BufRead) -> Option<RecordedRequest> {
    let mut line = String::new();
    reader.read_line(&mut line).ok()?;
    let mut parts = line.split_whitespace();
    let method = parts.next()?.to_string();
    let target = parts.next()?.to_string();
    let mut headers = Vec::new();
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h).ok()? == 0 {
            break;
        }
        let h = h.trim_end_matches(['\r', '\n']);
        if h.is_empty() {
            break;
        }
        if let Some((k, v)) = h.split_once(':') {
            headers.push((k.trim().to_string(), v.trim().to_string()));
        }
    }
    let header = |name: &str| {
        headers
            .iter()
            .find(|(k, _): &&(String, String)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.clone())
    };
    let mut body = Vec::new();
    if header("transfer-encoding").is_some_and(|v| v.eq_ignore_ascii_case("chunked")) {
        loop {
            let mut size = String::new();
            reader.read_line(&mut size).ok()?;
            let n = usize::from_str_radix(size.trim(), 16)
                .ok()
                .filter(|n| *n <= 64 * 1024 * 1024)?;
            let mut chunk = vec![0; n + 2];
            reader.read_exact(&mut chunk).ok()?;
            if n == 0 {
                break;
            }
            body.extend_from_slice(chunk.get(..n)?);
        }
    } else if let Some(len) = header("content-length").and_then(|v| v.parse::<usize>().ok()) {
        body = vec![0; len.min(64 * 1024 * 1024)];
        reader.read_exact(&mut body).ok()?;
    }
    Some(RecordedRequest {
        method,
        target,
        headers,
        body,
    })
}

fn serve(mut stream: impl Read + Write, requests: &Mutex<Vec<RecordedRequest>>, handler: &Handler) {
    let Some(request) = read_request(&mut BufReader::new(&mut stream)) else {
        return;
    };
    if let Ok(mut r) = requests.lock() {
        r.push(request.clone());
    }
    let response = handler(&request);
    if let Some(d) = response.delay {
        std::thread::sleep(d);
    }
    let mut head = format!("HTTP/1.1 {} {}\r\n", response.status, response.reason);
    for (k, v) in &response.headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str(&format!(
        "Content-Length: {}\r\nConnection: close\r\n\r\n",
        response.body.len()
    ));
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(&response.body);
    let _ = stream.flush();
}
