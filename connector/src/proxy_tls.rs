//! Proxies reached over TLS (`CONNECTOR_HTTP(S)_PROXY_SCHEME=https`).
//!
//! isahc cannot give libcurl a trust store for the proxy's own certificate, so a request
//! through an https proxy goes through a local bridge instead: libcurl talks plain HTTP to a
//! listener on 127.0.0.1, and the bridge opens a verified TLS connection to the proxy for each
//! connection and copies the bytes both ways. The proxy's certificate is verified against the
//! runtime CA bundle (or the system trust store) plus the task's trusted certificates, and its
//! host name is checked. The bridge lives for one request.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream, ToSocketAddrs};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use openssl::ssl::{SslConnector, SslMethod, SslStream};
use openssl::x509::X509;

use crate::proxy::ProxyServer;

/// A running bridge to one https proxy.
#[derive(Debug)]
pub(crate) struct ProxyBridge {
    addr: SocketAddr,
    stop: Arc<AtomicBool>,
    failure: Arc<Mutex<Option<String>>>,
    thread: Option<JoinHandle<()>>,
}

impl ProxyBridge {
    /// Start a bridge to `proxy`, trusting `ca_bundle` (else the system store) and `extra_pem`.
    pub(crate) fn start(
        proxy: &ProxyServer,
        ca_bundle: Option<&Path>,
        extra_pem: Option<&str>,
    ) -> Result<ProxyBridge, String> {
        let ssl = |e: openssl::error::ErrorStack| format!("cannot set up TLS to the proxy: {e}");
        let mut builder = SslConnector::builder(SslMethod::tls_client()).map_err(ssl)?;
        match ca_bundle {
            Some(path) => builder.set_ca_file(path).map_err(ssl)?,
            None => builder.set_default_verify_paths().map_err(ssl)?,
        }
        if let Some(pem) = extra_pem {
            for cert in X509::stack_from_pem(pem.as_bytes()).map_err(ssl)? {
                builder.cert_store_mut().add_cert(cert).map_err(ssl)?;
            }
        }
        let connector = Arc::new(builder.build());
        let listener = TcpListener::bind("127.0.0.1:0")
            .map_err(|e| format!("cannot start the proxy bridge: {e}"))?;
        let addr = listener
            .local_addr()
            .map_err(|e| format!("cannot start the proxy bridge: {e}"))?;
        let stop = Arc::new(AtomicBool::new(false));
        let failure = Arc::new(Mutex::new(None));
        let (stop2, failure2) = (stop.clone(), failure.clone());
        let (host, port) = (proxy.host.clone(), proxy.port);
        let thread = std::thread::spawn(move || {
            for client in listener.incoming() {
                if stop2.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(client) = client else { continue };
                let (connector, failure, host) =
                    (connector.clone(), failure2.clone(), host.clone());
                let stop = stop2.clone();
                std::thread::spawn(move || match open(&connector, &host, port) {
                    Ok(tls) => pump(tls, client, &stop),
                    Err(e) => {
                        if let Ok(mut f) = failure.lock() {
                            f.get_or_insert(e);
                        }
                    }
                });
            }
        });
        Ok(ProxyBridge {
            addr,
            stop,
            failure,
            thread: Some(thread),
        })
    }

    /// The plain-HTTP proxy URI libcurl should use.
    pub(crate) fn uri(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Why a connection to the proxy failed, if one did.
    pub(crate) fn failure(&self) -> Option<String> {
        self.failure.lock().ok().and_then(|f| f.clone())
    }
}

impl Drop for ProxyBridge {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(self.addr);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn open(connector: &SslConnector, host: &str, port: u16) -> Result<SslStream<TcpStream>, String> {
    let addrs: Vec<SocketAddr> = (host, port)
        .to_socket_addrs()
        .map_err(|e| format!("cannot resolve the proxy {host}: {e}"))?
        .collect();
    let mut last = format!("cannot resolve the proxy {host}");
    for addr in addrs {
        match TcpStream::connect_timeout(&addr, Duration::from_secs(20)) {
            Ok(tcp) => {
                let _ = tcp.set_nodelay(true);
                return connector.connect(host, tcp).map_err(|e| {
                    let verify = match &e {
                        openssl::ssl::HandshakeError::Failure(mid) => {
                            let v = mid.ssl().verify_result();
                            if v.as_raw() == 0 {
                                format!(" ({})", mid.error())
                            } else {
                                format!(" ({})", v.error_string())
                            }
                        }
                        other => format!(" ({other})"),
                    };
                    format!("the proxy's certificate could not be validated{verify}")
                });
            }
            Err(e) => last = format!("cannot connect to the proxy {host}:{port}: {e}"),
        }
    }
    Err(last)
}

/// Copy both ways between a TLS stream and a TCP stream until either side closes, `stop` is
/// set, or a minute passes without traffic. The TLS stream cannot be split, so one thread polls
/// both with short read timeouts.
pub(crate) fn pump(mut tls: SslStream<TcpStream>, mut plain: TcpStream, stop: &AtomicBool) {
    let tick = Some(Duration::from_millis(2));
    let _ = tls.get_ref().set_read_timeout(tick);
    let _ = plain.set_read_timeout(tick);
    let _ = plain.set_nodelay(true);
    let mut buf = vec![0u8; 16 * 1024];
    let idle = |e: &std::io::Error| {
        matches!(
            e.kind(),
            std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
        )
    };
    let mut last_traffic = Instant::now();
    while last_traffic.elapsed() < Duration::from_secs(60) && !stop.load(Ordering::SeqCst) {
        match tls.ssl_read(&mut buf) {
            Ok(0) => return,
            Ok(n) => {
                last_traffic = Instant::now();
                if plain.write_all(buf.get(..n).unwrap_or_default()).is_err() {
                    return;
                }
            }
            Err(e) => match e.io_error() {
                Some(io) if idle(io) => {}
                _ if e.code() == openssl::ssl::ErrorCode::WANT_READ => {}
                _ => return,
            },
        }
        match plain.read(&mut buf) {
            Ok(0) => return,
            Ok(n) => {
                last_traffic = Instant::now();
                if tls.write_all(buf.get(..n).unwrap_or_default()).is_err() {
                    return;
                }
            }
            Err(e) if idle(&e) => {}
            Err(_) => return,
        }
    }
}
