//! Raw-socket servers on 127.0.0.1 for the fault, secret-leak and load tests and the benchmark:
//! a thread-per-connection server whose handler owns the socket (to misbehave at will), and a
//! fast keep-alive HTTP/1.1 server whose handler answers parsed requests.

#![allow(dead_code)]

use std::io::{self, BufReader, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

/// A server that hands every accepted connection to a handler on its own thread; stops when
/// dropped (connections still being handled finish on their own).
pub struct RawServer {
    addr: SocketAddr,
    accepted: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl RawServer {
    /// Start serving; `handler` owns the connection.
    pub fn start(handler: impl Fn(TcpStream) + Send + Sync + 'static) -> io::Result<RawServer> {
        let listener = TcpListener::bind("127.0.0.1:0")?;
        let addr = listener.local_addr()?;
        let stop = Arc::new(AtomicBool::new(false));
        let stop2 = stop.clone();
        let accepted = Arc::new(AtomicUsize::new(0));
        let accepted2 = accepted.clone();
        let handler = Arc::new(handler);
        let thread = std::thread::spawn(move || {
            for stream in listener.incoming() {
                if stop2.load(Ordering::SeqCst) {
                    break;
                }
                if let Ok(stream) = stream {
                    accepted2.fetch_add(1, Ordering::SeqCst);
                    let _ = stream.set_nodelay(true);
                    let handler = handler.clone();
                    std::thread::spawn(move || handler(stream));
                }
            }
        });
        Ok(RawServer {
            addr,
            accepted,
            stop,
            thread: Some(thread),
        })
    }

    /// `http://127.0.0.1:<port>`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// How many connections were accepted so far.
    pub fn connections(&self) -> usize {
        self.accepted.load(Ordering::SeqCst)
    }
}

impl Drop for RawServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(self.addr);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// A request read from the wire, and the reader, of the crate's loopback server.
pub use connector::loopback::{read_request, RecordedRequest as Request};

/// Write a complete response with a Content-Length.
pub fn write_response(
    stream: &mut impl Write,
    status: u16,
    headers: &[(&str, &str)],
    body: &[u8],
) -> io::Result<()> {
    let mut out = format!("HTTP/1.1 {status} {}\r\n", reason(status));
    for (k, v) in headers {
        out.push_str(&format!("{k}: {v}\r\n"));
    }
    out.push_str(&format!("Content-Length: {}\r\n\r\n", body.len()));
    let mut bytes = out.into_bytes();
    bytes.extend_from_slice(body);
    stream.write_all(&bytes)?;
    stream.flush()
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        401 => "Unauthorized",
        404 => "Not Found",
        500 => "Internal Server Error",
        _ => "Status",
    }
}

/// A response from a [`KeepAliveServer`] handler.
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Reply {
    /// A response with a status and body.
    pub fn new(status: u16, body: impl Into<Vec<u8>>) -> Reply {
        Reply {
            status,
            headers: Vec::new(),
            body: body.into(),
        }
    }

    /// Add a header.
    pub fn header(mut self, name: &str, value: &str) -> Reply {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }
}

/// A keep-alive HTTP/1.1 server, one thread per connection, answering every request with
/// `handler`. Fast enough not to be the bottleneck of the load test or the benchmark.
pub struct KeepAliveServer {
    raw: RawServer,
}

impl KeepAliveServer {
    /// Start serving.
    pub fn start(
        handler: impl Fn(&Request) -> Reply + Send + Sync + 'static,
    ) -> io::Result<KeepAliveServer> {
        let handler = Arc::new(handler);
        let raw = RawServer::start(move |stream| {
            let _ = stream.set_read_timeout(Some(Duration::from_secs(60)));
            let Ok(mut writer) = stream.try_clone() else {
                return;
            };
            let mut reader = BufReader::with_capacity(16 * 1024, stream);
            while let Some(req) = read_request(&mut reader) {
                let reply = handler(&req);
                let headers: Vec<(&str, &str)> = reply
                    .headers
                    .iter()
                    .map(|(k, v)| (k.as_str(), v.as_str()))
                    .collect();
                if write_response(&mut writer, reply.status, &headers, &reply.body).is_err() {
                    return;
                }
            }
        })?;
        Ok(KeepAliveServer { raw })
    }

    /// `http://127.0.0.1:<port>`.
    pub fn url(&self) -> String {
        self.raw.url()
    }

    /// How many connections were accepted so far.
    pub fn connections(&self) -> usize {
        self.raw.connections()
    }
}

/// Run futures with at most `limit` in flight on the current thread; returns their outputs in
/// completion order. A minimal stand-in for `FuturesUnordered` + `buffer_unordered`.
pub fn run_concurrently<T, F>(limit: usize, futures: impl IntoIterator<Item = F>) -> Vec<T>
where
    F: std::future::Future<Output = T>,
{
    use std::pin::Pin;
    use std::task::Poll;
    let mut pending = futures.into_iter();
    let mut in_flight: Vec<Pin<Box<F>>> = Vec::with_capacity(limit);
    let mut out = Vec::new();
    futures_lite::future::block_on(futures_lite::future::poll_fn(|cx| loop {
        while in_flight.len() < limit.max(1) {
            match pending.next() {
                Some(f) => in_flight.push(Box::pin(f)),
                None => break,
            }
        }
        if in_flight.is_empty() {
            return Poll::Ready(());
        }
        let mut progressed = false;
        let mut i = 0;
        while i < in_flight.len() {
            if let Poll::Ready(v) = in_flight[i].as_mut().poll(cx) {
                out.push(v);
                drop(in_flight.swap_remove(i));
                progressed = true;
            } else {
                i += 1;
            }
        }
        if !progressed {
            return Poll::Pending;
        }
    }));
    out
}

/// A listener whose accept queue is full: connecting to it hangs until the client's connect
/// timeout (the kernel drops the SYNs). Keep the returned value alive while testing.
pub struct FullBacklog {
    pub addr: SocketAddr,
    _listener: TcpListener,
    _clients: Vec<TcpStream>,
}

impl FullBacklog {
    /// Fill the backlog of a fresh listener (never accepting) until a connect times out.
    pub fn new() -> io::Result<FullBacklog> {
        let listener = TcpListener::bind("127.0.0.1:0")?;
        let addr = listener.local_addr()?;
        let mut clients = Vec::new();
        for _ in 0..10_000 {
            match TcpStream::connect_timeout(&addr, Duration::from_millis(200)) {
                Ok(s) => clients.push(s),
                Err(e) if e.kind() == io::ErrorKind::TimedOut => {
                    return Ok(FullBacklog {
                        addr,
                        _listener: listener,
                        _clients: clients,
                    })
                }
                Err(e) => return Err(e),
            }
        }
        Err(io::Error::other("the accept queue never filled up"))
    }
}

/// The resident set size of this process in KiB (Linux `/proc/self/status`).
pub fn rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}
