//! The HTTP transport: a small trait speaking our own request and response types, and its
//! isahc implementation with proxies (chosen per request), runtime and per-task TLS trust, and
//! client certificates.

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use std::path::PathBuf;

use futures_lite::AsyncReadExt;
use isahc::auth::{Authentication, Credentials};
use isahc::config::{CaCertificate, ClientCertificate, Configurable, PrivateKey, RedirectPolicy};

pub use crate::proxy::{ProxyOptions, ProxyServer};
pub use crate::tls::ClientTls;

/// An HTTP request ready for the wire.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WireRequest {
    /// `GET`, `POST`, …
    pub method: String,
    /// The final URL (normalised, query parameters appended).
    pub url: String,
    /// Headers in the order they are sent; names may repeat.
    pub headers: Vec<(String, String)>,
    /// Body bytes (empty for GET and DELETE).
    pub body: Vec<u8>,
    /// Whether this method carries a body (POST, PUT, PATCH), even an empty one.
    pub has_body: bool,
    /// TCP connect timeout; `None` is infinite.
    pub connect_timeout: Option<Duration>,
    /// Inactivity timeout while waiting for and reading the response; `None` is infinite.
    pub read_timeout: Option<Duration>,
    /// Follow 3xx redirects.
    pub follow_redirects: bool,
    /// The proxy to go through, or `None` to connect directly.
    pub proxy: Option<ProxyServer>,
    /// Per-request TLS trust and client certificate.
    pub tls: ClientTls,
}

/// An HTTP response as received.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WireResponse {
    /// Status code.
    pub status: u16,
    /// Reason phrase (the standard phrase for the status; `None` for unknown codes).
    pub reason: Option<String>,
    /// Headers in the order received; names may repeat.
    pub headers: Vec<(String, String)>,
    /// Body bytes.
    pub body: Vec<u8>,
}

/// Why a request could not be completed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TransportErrorKind {
    /// No response within the read (or connect) timeout.
    Timeout,
    /// Connection refused, DNS failure, reset, other I/O.
    Io,
    /// The server broke the HTTP protocol.
    Protocol,
    /// The request itself is invalid (bad URL, header).
    InvalidRequest,
    /// The TLS handshake failed (e.g. the server certificate is not trusted).
    Tls,
    /// The client certificate or key could not be used.
    ClientCertificate,
    /// The proxy refused the CONNECT tunnel with this status (`407` or `401` for a missing or
    /// wrong login).
    ProxyTunnel(u16),
    /// The response body is larger than [`ClientOptions::max_response_bytes`].
    TooLarge,
}

/// A transport failure.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct TransportError {
    /// What kind of failure.
    pub kind: TransportErrorKind,
    /// Details from the client library.
    pub message: String,
}

/// A boxed future returned by [`Transport::send`].
pub type SendFuture<'a> =
    Pin<Box<dyn Future<Output = Result<WireResponse, TransportError>> + Send + 'a>>;

/// Sends requests. Statuses ≥ 400 are ordinary responses, not errors.
pub trait Transport: Send + Sync {
    /// Send one request.
    fn send(&self, request: WireRequest) -> SendFuture<'_>;
}

/// Runtime-wide TLS settings.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TlsOptions {
    /// A PEM CA bundle file trusted instead of the system's default store (a task's
    /// `clientTls.trustedCertificate` replaces it for that task).
    pub ca_bundle: Option<PathBuf>,
}

impl TlsOptions {
    /// The system's default trust store.
    pub fn system_default() -> Self {
        TlsOptions::default()
    }

    /// Trust the CA certificates in a PEM bundle file.
    pub fn ca_bundle(path: impl Into<PathBuf>) -> Self {
        TlsOptions {
            ca_bundle: Some(path.into()),
        }
    }
}

/// Options of the HTTP client.
#[derive(Clone, Debug)]
pub struct ClientOptions {
    /// The `User-Agent` sent when the request sets none.
    pub user_agent: String,
    /// URL blocklist (`CAMUNDA_CONNECTOR_HTTP_BLOCK_*`).
    pub blocklist: crate::request::Blocklist,
    /// Proxy settings of the runtime (the JVM `http(s).proxyHost` … properties' counterpart).
    pub proxy: ProxyOptions,
    /// Proxy settings from `CONNECTOR_HTTP(S)_PROXY_*`; for a target's scheme they win over
    /// [`ClientOptions::proxy`].
    pub proxy_env: ProxyOptions,
    /// TLS settings.
    pub tls: TlsOptions,
    /// The largest response body read, in bytes (after content decoding); a larger one fails
    /// the request without reading further. Default [`DEFAULT_MAX_RESPONSE_BYTES`].
    pub max_response_bytes: u64,
}

/// The default response body limit: 50 MiB.
pub const DEFAULT_MAX_RESPONSE_BYTES: u64 = 50 * 1024 * 1024;

impl Default for ClientOptions {
    /// Options from the environment: the blocklist from `CAMUNDA_CONNECTOR_HTTP_BLOCK_*`, the
    /// proxies from `CONNECTOR_HTTP(S)_PROXY_*`; no runtime proxy, the system's trust store.
    fn default() -> Self {
        ClientOptions {
            user_agent: format!("camunda-connector-rs/{}", env!("CARGO_PKG_VERSION")),
            blocklist: crate::request::Blocklist::from_env(),
            proxy: ProxyOptions::none(),
            proxy_env: ProxyOptions::from_env(),
            tls: TlsOptions::system_default(),
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
        }
    }
}

/// The isahc (libcurl) transport.
#[derive(Clone, Debug)]
pub struct IsahcTransport {
    client: isahc::HttpClient,
    ca_bundle: Option<PathBuf>,
    max_response_bytes: u64,
    /// Whether the client's defaults are the connector's ([`IsahcTransport::new`]); a client
    /// from outside gets every setting on each request.
    own_defaults: bool,
}

impl IsahcTransport {
    /// A client for the given options (the runtime CA bundle; proxies are chosen per request).
    pub fn new(options: &ClientOptions) -> Result<Self, TransportError> {
        // the usual request settings are the client's defaults: a request sets only what
        // differs (each per-request setting costs isahc an allocation and curl a setopt)
        let mut builder = isahc::HttpClient::builder()
            .title_case_headers(true)
            .proxy(None)
            .connect_timeout(DEFAULT_TIMEOUT)
            .low_speed_timeout(1, DEFAULT_TIMEOUT)
            .redirect_policy(RedirectPolicy::None);
        if let Some(path) = &options.tls.ca_bundle {
            builder = builder.ssl_ca_certificate(CaCertificate::file(path));
        }
        let client = builder.build().map_err(|e| map_error(&e, false))?;
        Ok(IsahcTransport {
            client,
            ca_bundle: options.tls.ca_bundle.clone(),
            max_response_bytes: options.max_response_bytes,
            own_defaults: true,
        })
    }

    /// Send through an existing isahc client (sharing its connections and agent thread with
    /// the rest of the process): every setting the connector relies on (timeouts, redirects,
    /// no proxy unless one is chosen, Title-Case header names, the runtime CA bundle) is set
    /// on each request, whatever the client's defaults are.
    pub fn with_client(client: isahc::HttpClient, options: &ClientOptions) -> Self {
        IsahcTransport {
            client,
            ca_bundle: options.tls.ca_bundle.clone(),
            max_response_bytes: options.max_response_bytes,
            own_defaults: false,
        }
    }
}

/// A very long timeout standing for "infinite" (curl reads 0 as its own default).
const FOREVER: Duration = Duration::from_secs(365 * 24 * 3600);

/// The connect and read timeout of a request that sets none (the client's defaults).
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(crate::request::DEFAULT_TIMEOUT_SECS);

impl Transport for IsahcTransport {
    fn send(&self, request: WireRequest) -> SendFuture<'_> {
        Box::pin(async move {
            let mut builder = isahc::Request::builder()
                .method(request.method.as_str())
                .uri(request.url.as_str());
            let own = self.own_defaults;
            let connect = request.connect_timeout.unwrap_or(FOREVER);
            if connect != DEFAULT_TIMEOUT || !own {
                builder = builder.connect_timeout(connect);
            }
            let read = request.read_timeout.unwrap_or(FOREVER);
            if read != DEFAULT_TIMEOUT || !own {
                builder = builder.low_speed_timeout(1, read);
            }
            if request.follow_redirects {
                builder = builder.redirect_policy(RedirectPolicy::Limit(50));
            } else if !own {
                builder = builder.redirect_policy(RedirectPolicy::None);
            }
            if !own {
                builder = builder.title_case_headers(true);
                if request.proxy.is_none() {
                    builder = builder.proxy(None);
                }
                if let (Some(path), None) = (&self.ca_bundle, &request.tls.trusted_certificate) {
                    builder = builder.ssl_ca_certificate(CaCertificate::file(path));
                }
            }
            for (name, value) in &request.headers {
                builder = builder.header(name.as_str(), value.as_str());
            }
            let https = request
                .url
                .get(..8)
                .is_some_and(|s| s.eq_ignore_ascii_case("https://"));
            // An https proxy is reached through a local TLS bridge held for this request.
            let mut bridge = None;
            match &request.proxy {
                // the client's default: no proxy
                None => {}
                Some(proxy) => {
                    let target = if proxy.scheme.eq_ignore_ascii_case("https") {
                        let b = crate::proxy_tls::ProxyBridge::start(
                            proxy,
                            self.ca_bundle.as_deref(),
                            request.tls.trusted_certificate.as_deref(),
                        )
                        .map_err(|message| TransportError {
                            kind: TransportErrorKind::Tls,
                            message,
                        })?;
                        let uri = b.uri();
                        bridge = Some(b);
                        uri
                    } else {
                        proxy.uri()
                    };
                    let uri = target
                        .parse::<isahc::http::Uri>()
                        .map_err(|e| TransportError {
                            kind: TransportErrorKind::InvalidRequest,
                            message: format!("invalid proxy '{}': {e}", proxy.uri()),
                        })?;
                    builder = builder.proxy(uri);
                    if let Some((user, password)) = &proxy.credentials {
                        builder = builder
                            .proxy_authentication(Authentication::basic())
                            .proxy_credentials(Credentials::new(user.as_str(), password.as_str()));
                    }
                }
            }
            // A task's trusted PEM goes to a file held until the response is read.
            let _trusted = match &request.tls.trusted_certificate {
                Some(pem) => {
                    let file = crate::tls::TempPem::write(pem).map_err(|e| TransportError {
                        kind: TransportErrorKind::Io,
                        message: format!("cannot write the trusted certificate: {e}"),
                    })?;
                    builder = builder.ssl_ca_certificate(CaCertificate::file(file.path()));
                    Some(file)
                }
                None => None,
            };
            if let (Some(cert), Some(key)) = (
                &request.tls.client_certificate,
                &request.tls.client_private_key,
            ) {
                let key = PrivateKey::pem(
                    key.as_bytes().to_vec(),
                    request.tls.private_key_password.clone(),
                );
                builder = builder
                    .ssl_client_certificate(ClientCertificate::pem(cert.as_bytes().to_vec(), key));
            }
            // An empty POST/PUT/PATCH goes out as "no body" plus `Content-Length: 0`, so that
            // curl does not add a form Content-Type of its own.
            let body = if request.body.is_empty() {
                let has_length = request
                    .headers
                    .iter()
                    .any(|(k, _)| k.eq_ignore_ascii_case("content-length"));
                if request.has_body && !has_length {
                    builder = builder.header("Content-Length", "0");
                }
                isahc::AsyncBody::empty()
            } else {
                isahc::AsyncBody::from(request.body)
            };
            let req = builder.body(body).map_err(|e| TransportError {
                kind: TransportErrorKind::InvalidRequest,
                message: e.to_string(),
            })?;
            let mut response = match self.client.send_async(req).await {
                Ok(r) => r,
                Err(e) => {
                    let mut error = map_error(&e, https);
                    if let Some(failure) = bridge.as_ref().and_then(|b| b.failure()) {
                        return Err(TransportError {
                            kind: TransportErrorKind::Tls,
                            message: failure,
                        });
                    }
                    if request.tls.client_certificate.is_some()
                        && e.kind() == isahc::error::ErrorKind::Unknown
                        && e.remote_addr().is_none()
                    {
                        // libcurl rejects an unreadable key (or wrong password) before
                        // connecting, as a "bad argument".
                        error.kind = TransportErrorKind::ClientCertificate;
                        error.message = "the client certificate or private key cannot be loaded (wrong privateKeyPassword?)".into();
                    }
                    if let (true, Some(proxy), TransportErrorKind::Io, None) =
                        (https, &request.proxy, error.kind, &bridge)
                    {
                        // libcurl's "CONNECT tunnel failed, response 407" does not reach us
                        // through isahc: ask the proxy once more to learn its answer.
                        if let Some(status) = probe_connect(proxy, &request.url) {
                            error.kind = TransportErrorKind::ProxyTunnel(status);
                        }
                    }
                    return Err(error);
                }
            };
            let bytes = read_body(&mut response, self.max_response_bytes).await?;
            let status = response.status();
            let headers = response
                .headers()
                .iter()
                .map(|(name, value)| {
                    (
                        title_case(name.as_str()),
                        String::from_utf8_lossy(value.as_bytes()).into_owned(),
                    )
                })
                .collect();
            Ok(WireResponse {
                status: status.as_u16(),
                reason: status.canonical_reason().map(str::to_string),
                headers,
                body: bytes,
            })
        })
    }
}

/// Read the whole body, failing as soon as it exceeds `limit` bytes (a larger
/// `Content-Length` fails before reading anything).
async fn read_body(
    response: &mut isahc::Response<isahc::AsyncBody>,
    limit: u64,
) -> Result<Vec<u8>, TransportError> {
    let too_large = || TransportError {
        kind: TransportErrorKind::TooLarge,
        message: format!(
            "the response body is larger than the limit of {limit} bytes (max_response_bytes)"
        ),
    };
    let declared = response
        .headers()
        .get(isahc::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if declared.is_some_and(|len| len > limit) {
        return Err(too_large());
    }
    let capacity = declared.unwrap_or(0).min(1 << 20);
    let mut bytes = Vec::with_capacity(usize::try_from(capacity).unwrap_or(0));
    response
        .body_mut()
        .take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .await
        .map_err(|e| TransportError {
            kind: if e.kind() == std::io::ErrorKind::TimedOut {
                TransportErrorKind::Timeout
            } else {
                TransportErrorKind::Io
            },
            message: e.to_string(),
        })?;
    if u64::try_from(bytes.len()).map_or(true, |n| n > limit) {
        return Err(too_large());
    }
    Ok(bytes)
}

/// Send `CONNECT host:port` to a plain-HTTP proxy (with its Basic login) and return the
/// status if the proxy refuses the tunnel.
fn probe_connect(proxy: &ProxyServer, url: &str) -> Option<u16> {
    use base64::Engine as _;
    use std::io::{BufRead, BufReader, Write};
    if proxy.scheme != "http" {
        return None;
    }
    let parts = crate::request::url::parse(url).ok()?;
    let (host, port) = (parts.host, parts.port);
    let host = if host.contains(':') {
        format!("[{host}]")
    } else {
        host.to_string()
    };
    let target = format!("{host}:{}", port.unwrap_or(443));
    let addr = std::net::ToSocketAddrs::to_socket_addrs(&(proxy.host.as_str(), proxy.port))
        .ok()?
        .next()?;
    let timeout = Duration::from_secs(5);
    let mut stream = std::net::TcpStream::connect_timeout(&addr, timeout).ok()?;
    stream.set_read_timeout(Some(timeout)).ok()?;
    let mut head = format!("CONNECT {target} HTTP/1.1\r\nHost: {target}\r\n");
    if let Some((user, password)) = &proxy.credentials {
        let token = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
        head.push_str(&format!("Proxy-Authorization: Basic {token}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).ok()?;
    let mut line = String::new();
    BufReader::new(&stream).read_line(&mut line).ok()?;
    let status: u16 = line.split_whitespace().nth(1)?.parse().ok()?;
    (status >= 300).then_some(status)
}

/// The status of a refused CONNECT in libcurl's message ("CONNECT tunnel failed, response 407").
fn connect_status(message: &str) -> Option<u16> {
    let (_, rest) = message.split_once("CONNECT tunnel failed, response ")?;
    rest.get(..3)?.parse().ok()
}

fn map_error(e: &isahc::Error, https: bool) -> TransportError {
    use isahc::error::ErrorKind as K;
    let text = e.to_string();
    let kind = match e.kind() {
        _ if connect_status(&text).is_some() => {
            TransportErrorKind::ProxyTunnel(connect_status(&text).unwrap_or(502))
        }
        // No connection was ever made: a connect timeout, an I/O failure like a refusal.
        K::Timeout if e.remote_addr().is_none() => TransportErrorKind::Io,
        K::Timeout => TransportErrorKind::Timeout,
        // curl's CURLE_GOT_NOTHING: the server closed the connection without answering (Apache's
        // NoHttpResponseException, an I/O error).
        K::ProtocolViolation if curl_code(e) == Some(52) => TransportErrorKind::Io,
        K::ProtocolViolation | K::InvalidContentEncoding => TransportErrorKind::Protocol,
        K::InvalidRequest => TransportErrorKind::InvalidRequest,
        K::BadClientCertificate => TransportErrorKind::ClientCertificate,
        K::BadServerCertificate | K::TlsEngine => TransportErrorKind::Tls,
        // Handshake failures after the certificate check (e.g. the server wants a client
        // certificate) come back as connect or read errors naming SSL/TLS.
        K::ConnectionFailed | K::Io
            if https
                && (text.contains("SSL") || text.contains("TLS") || text.contains("alert")) =>
        {
            TransportErrorKind::Tls
        }
        _ => TransportErrorKind::Io,
    };
    TransportError {
        kind,
        message: e.to_string(),
    }
}

/// The libcurl error code behind an isahc error (its source displays as `[<code>] …`).
fn curl_code(e: &isahc::Error) -> Option<u32> {
    let source = std::error::Error::source(e)?.to_string();
    let rest = source.strip_prefix('[')?;
    rest.get(..rest.find(']')?)?.parse().ok()
}

/// Header names whose usual spelling is not Title-Case, as servers send them (lower-cased
/// key, spelling). Templates look them up by these spellings (`get value(response.headers,
/// "ETag")`).
const SPELLINGS: [(&str, &str); 24] = [
    ("etag", "ETag"),
    ("www-authenticate", "WWW-Authenticate"),
    ("content-md5", "Content-MD5"),
    ("content-id", "Content-ID"),
    ("dnt", "DNT"),
    ("te", "TE"),
    ("odata-version", "OData-Version"),
    ("odata-maxversion", "OData-MaxVersion"),
    ("odata-entityid", "OData-EntityId"),
    ("odata-isolation", "OData-Isolation"),
    ("x-ratelimit-limit", "X-RateLimit-Limit"),
    ("x-ratelimit-remaining", "X-RateLimit-Remaining"),
    ("x-ratelimit-reset", "X-RateLimit-Reset"),
    ("x-ratelimit-used", "X-RateLimit-Used"),
    ("x-ratelimit-resource", "X-RateLimit-Resource"),
    ("x-github-request-id", "X-GitHub-Request-Id"),
    ("x-github-media-type", "X-GitHub-Media-Type"),
    (
        "x-github-api-version-selected",
        "X-GitHub-Api-Version-Selected",
    ),
    ("x-xss-protection", "X-XSS-Protection"),
    ("x-ua-compatible", "X-UA-Compatible"),
    ("x-dns-prefetch-control", "X-DNS-Prefetch-Control"),
    ("x-ms-request-id", "x-ms-request-id"),
    ("x-amz-request-id", "x-amz-request-id"),
    ("x-wp-total", "X-WP-Total"),
];

/// `content-type` → `Content-Type`, `etag` → `ETag`: the spelling servers use (the HTTP
/// library lower-cases names, so the server's own spelling is not available): the usual
/// spelling of well-known names that are not Title-Case, else Title-Case.
pub fn title_case(name: &str) -> String {
    if let Some((_, spelling)) = SPELLINGS
        .iter()
        .find(|(lower, _)| lower.eq_ignore_ascii_case(name))
    {
        return (*spelling).to_string();
    }
    let mut out = String::with_capacity(name.len());
    let mut upper = true;
    for c in name.chars() {
        if upper {
            out.extend(c.to_uppercase());
        } else {
            out.push(c);
        }
        upper = c == '-';
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_names_get_their_usual_spelling() {
        assert_eq!(title_case("content-type"), "Content-Type");
        assert_eq!(title_case("etag"), "ETag");
        assert_eq!(title_case("x-ratelimit-remaining"), "X-RateLimit-Remaining");
        assert_eq!(title_case("odata-version"), "OData-Version");
        assert_eq!(title_case("www-authenticate"), "WWW-Authenticate");
        assert_eq!(title_case("x-custom-thing"), "X-Custom-Thing");
    }
}
