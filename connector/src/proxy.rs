//! Proxy settings: the `CONNECTOR_HTTP(S)_PROXY_*` environment variables and their runtime
//! counterparts (the JVM `http(s).proxyHost` … properties), non-proxy host patterns, and the
//! choice of a proxy for one target URL.
//!
//! The target URL's scheme picks the HTTP or HTTPS settings. When the environment configures a
//! proxy for that scheme it wins over the runtime options; otherwise the runtime options apply.
//! Non-proxy patterns from both sources are honoured.

/// One proxy server. `Debug` hides the password.
#[derive(Clone, PartialEq, Eq)]
pub struct ProxyServer {
    /// `http` (default) or `https` (TLS to the proxy itself).
    pub scheme: String,
    /// Host name or IP address, without scheme.
    pub host: String,
    /// Port (1–65535).
    pub port: u16,
    /// User and password for proxy authentication (Basic), if any.
    pub credentials: Option<(String, String)>,
}

impl std::fmt::Debug for ProxyServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProxyServer")
            .field("scheme", &self.scheme)
            .field("host", &self.host)
            .field("port", &self.port)
            .field(
                "credentials",
                &self.credentials.as_ref().map(|(user, _)| (user, "***")),
            )
            .finish()
    }
}

impl ProxyServer {
    /// A plain-HTTP proxy without credentials.
    pub fn new(host: impl Into<String>, port: u16) -> Self {
        ProxyServer {
            scheme: "http".into(),
            host: host.into(),
            port,
            credentials: None,
        }
    }

    /// Add credentials (used only when the user is non-blank and the password non-empty).
    pub fn with_credentials(
        mut self,
        user: impl Into<String>,
        password: impl Into<String>,
    ) -> Self {
        let (user, password) = (user.into(), password.into());
        self.credentials =
            (!user.trim().is_empty() && !password.is_empty()).then_some((user, password));
        self
    }

    /// Reach the proxy over `scheme` (`http` or `https`).
    pub fn with_scheme(mut self, scheme: impl Into<String>) -> Self {
        self.scheme = scheme.into();
        self
    }

    /// `scheme://host:port` (IPv6 hosts bracketed).
    pub fn uri(&self) -> String {
        let host = if self.host.contains(':') && !self.host.starts_with('[') {
            format!("[{}]", self.host)
        } else {
            self.host.clone()
        };
        format!("{}://{host}:{}", self.scheme, self.port)
    }
}

/// Proxy settings from one source (environment or runtime options).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProxyOptions {
    /// The proxy for `http://` targets.
    pub http: Option<ProxyServer>,
    /// The proxy for `https://` targets.
    pub https: Option<ProxyServer>,
    /// Hosts reached directly: `|`-separated patterns, `*` matching any run of characters.
    pub non_proxy_hosts: Option<String>,
    /// A configuration error (e.g. an invalid port), reported when a request needs the proxy.
    pub invalid: Option<String>,
}

impl ProxyOptions {
    /// No proxy.
    pub fn none() -> Self {
        ProxyOptions::default()
    }

    /// Whether any proxy is configured.
    pub fn is_configured(&self) -> bool {
        self.http.is_some() || self.https.is_some() || self.invalid.is_some()
    }

    /// Read the `CONNECTOR_HTTP_PROXY_*`, `CONNECTOR_HTTPS_PROXY_*` and
    /// `CONNECTOR_HTTP_NON_PROXY_HOSTS` environment variables.
    pub fn from_env() -> Self {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Like [`ProxyOptions::from_env`] over any lookup (for tests and embedders).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Self {
        let mut options = ProxyOptions {
            non_proxy_hosts: lookup("CONNECTOR_HTTP_NON_PROXY_HOSTS")
                .filter(|s| !s.trim().is_empty()),
            ..ProxyOptions::default()
        };
        for (prefix, https) in [
            ("CONNECTOR_HTTP_PROXY_", false),
            ("CONNECTOR_HTTPS_PROXY_", true),
        ] {
            let get = |key: &str| lookup(&format!("{prefix}{key}")).unwrap_or_default();
            let (host, port) = (get("HOST"), get("PORT"));
            if host.trim().is_empty() || port.trim().is_empty() {
                continue;
            }
            let port = match parse_port(&port, &format!("{prefix}PORT")) {
                Ok(p) => p,
                Err(e) => {
                    options.invalid.get_or_insert(e);
                    continue;
                }
            };
            let scheme = match get("SCHEME").trim().to_ascii_lowercase().as_str() {
                "" | "http" => "http".to_string(),
                "https" => "https".to_string(),
                other => {
                    options.invalid.get_or_insert(format!(
                        "Invalid proxy scheme in environment variable {prefix}SCHEME: '{other}' (expected http or https)"
                    ));
                    continue;
                }
            };
            let server = ProxyServer::new(host.trim(), port)
                .with_scheme(scheme)
                .with_credentials(get("USER"), get("PASSWORD"));
            if https {
                options.https = Some(server);
            } else {
                options.http = Some(server);
            }
        }
        options
    }
}

fn parse_port(text: &str, variable: &str) -> Result<u16, String> {
    let n: i64 = text
        .trim()
        .parse()
        .map_err(|_| format!("Invalid proxy port in environment variable {variable}: '{text}'"))?;
    u16::try_from(n).ok().filter(|p| *p > 0).ok_or_else(|| {
        format!(
            "Invalid proxy port in environment variable {variable}: {n} is out of range (1-65535)"
        )
    })
}

/// Whether `host` matches one of the `|`-separated patterns: `*` stands for any run of
/// characters, and the whole host must match (case-sensitively, as the JDK's matcher does).
pub fn is_non_proxy_host(patterns: &str, host: &str) -> bool {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    patterns
        .split('|')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .any(|p| wildcard_match(p.as_bytes(), host.as_bytes()))
}

fn wildcard_match(pattern: &[u8], text: &[u8]) -> bool {
    // Iterative glob with backtracking to the last `*`.
    let (mut p, mut t) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        match pattern.get(p) {
            Some(b'*') => {
                star = Some((p, t));
                p += 1;
            }
            Some(c) if Some(c) == text.get(t) => {
                p += 1;
                t += 1;
            }
            _ => match star {
                Some((sp, st)) => {
                    p = sp + 1;
                    t = st + 1;
                    star = Some((sp, st + 1));
                }
                None => return false,
            },
        }
    }
    pattern
        .get(p..)
        .is_some_and(|rest| rest.iter().all(|c| *c == b'*'))
}

/// The proxy for a target, or `Ok(None)` to connect directly.
///
/// `env` wins over `runtime` for the target's scheme; the non-proxy patterns of both apply.
pub fn select<'a>(
    env: &'a ProxyOptions,
    runtime: &'a ProxyOptions,
    scheme: &str,
    host: &str,
) -> Result<Option<&'a ProxyServer>, String> {
    let pick = |o: &'a ProxyOptions| {
        if scheme.eq_ignore_ascii_case("https") {
            o.https.as_ref()
        } else {
            o.http.as_ref()
        }
    };
    let chosen = match pick(env) {
        Some(p) => Some(p),
        None => {
            if let Some(e) = &env.invalid {
                return Err(e.clone());
            }
            pick(runtime)
        }
    };
    let Some(proxy) = chosen else {
        return Ok(None);
    };
    let bypass = [env, runtime]
        .iter()
        .filter_map(|o| o.non_proxy_hosts.as_deref())
        .any(|patterns| is_non_proxy_host(patterns, host));
    Ok((!bypass).then_some(proxy))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn env(pairs: &[(&str, &str)]) -> ProxyOptions {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        ProxyOptions::from_lookup(|k| map.get(k).cloned())
    }

    #[test]
    fn patterns_match_whole_hosts_with_wildcards() {
        assert!(is_non_proxy_host("example.de", "example.de"));
        assert!(!is_non_proxy_host("example.de", "www.example.de"));
        assert!(!is_non_proxy_host("example.de", "exampleXde"));
        assert!(!is_non_proxy_host("example.de", "example-de"));
        assert!(is_non_proxy_host("*.example.de", "api.example.de"));
        assert!(!is_non_proxy_host("*.example.de", "example.de"));
        assert!(is_non_proxy_host("a|localhost", "localhost"));
        assert!(!is_non_proxy_host("localhost", "localhost.x"));
        assert!(is_non_proxy_host("10.0.*", "10.0.3.4"));
        assert!(is_non_proxy_host("*", "anything"));
        assert!(!is_non_proxy_host("LOCALHOST", "localhost"));
        assert!(!is_non_proxy_host("", "localhost"));
        assert!(is_non_proxy_host("::1", "[::1]"));
    }

    #[test]
    fn env_needs_host_and_port_and_both_credentials() {
        let o = env(&[
            ("CONNECTOR_HTTP_PROXY_HOST", "p"),
            ("CONNECTOR_HTTPS_PROXY_PORT", "3"),
        ]);
        assert_eq!(o, ProxyOptions::default());
        let o = env(&[
            ("CONNECTOR_HTTP_PROXY_HOST", "p"),
            ("CONNECTOR_HTTP_PROXY_PORT", "3128"),
            ("CONNECTOR_HTTP_PROXY_USER", "u"),
            ("CONNECTOR_HTTP_PROXY_PASSWORD", ""),
            ("CONNECTOR_HTTPS_PROXY_HOST", "s"),
            ("CONNECTOR_HTTPS_PROXY_PORT", "8443"),
            ("CONNECTOR_HTTPS_PROXY_SCHEME", "HTTPS"),
            ("CONNECTOR_HTTPS_PROXY_USER", "u"),
            ("CONNECTOR_HTTPS_PROXY_PASSWORD", "p w"),
        ]);
        assert_eq!(o.http, Some(ProxyServer::new("p", 3128)));
        let s = o.https.unwrap();
        assert_eq!(s.uri(), "https://s:8443");
        assert_eq!(s.credentials, Some(("u".into(), "p w".into())));
    }

    #[test]
    fn invalid_ports_are_reported() {
        let o = env(&[
            ("CONNECTOR_HTTP_PROXY_HOST", "p"),
            ("CONNECTOR_HTTP_PROXY_PORT", "x"),
        ]);
        assert_eq!(
            select(&o, &ProxyOptions::none(), "http", "h"),
            Err("Invalid proxy port in environment variable CONNECTOR_HTTP_PROXY_PORT: 'x'".into())
        );
        let o = env(&[
            ("CONNECTOR_HTTPS_PROXY_HOST", "p"),
            ("CONNECTOR_HTTPS_PROXY_PORT", "70000"),
        ]);
        assert!(o
            .invalid
            .unwrap()
            .ends_with("70000 is out of range (1-65535)"));
    }

    #[test]
    fn scheme_picks_settings_env_wins_and_patterns_bypass() {
        let e = env(&[
            ("CONNECTOR_HTTP_PROXY_HOST", "envproxy"),
            ("CONNECTOR_HTTP_PROXY_PORT", "1"),
            ("CONNECTOR_HTTP_NON_PROXY_HOSTS", "direct.env"),
        ]);
        let r = ProxyOptions {
            http: Some(ProxyServer::new("rtproxy", 2)),
            https: Some(ProxyServer::new("rtproxy", 3)),
            non_proxy_hosts: Some("*.rt".into()),
            invalid: None,
        };
        let host = |s, h| select(&e, &r, s, h).unwrap().map(|p| p.uri());
        assert_eq!(host("http", "x"), Some("http://envproxy:1".into()));
        assert_eq!(host("https", "x"), Some("http://rtproxy:3".into()));
        assert_eq!(host("http", "direct.env"), None);
        assert_eq!(host("https", "a.rt"), None);
        assert_eq!(
            select(&ProxyOptions::none(), &ProxyOptions::none(), "http", "x"),
            Ok(None)
        );
    }
}
