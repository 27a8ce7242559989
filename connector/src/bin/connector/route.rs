//! `connector run --route-to ORIGIN` (hidden, for tests): every request goes to `ORIGIN`
//! (e.g. a loopback server) instead of its URL's scheme, host and port; path and query are
//! kept, and the original origin travels in an `X-Original-Origin` header. This lets tests run
//! templates whose URLs name vendors' servers without reaching the internet.

use connector::{SendFuture, Transport, WireRequest};

/// A transport that sends every request to one origin.
pub struct Routed<T> {
    pub inner: T,
    pub origin: String,
}

/// `scheme://authority` and the rest (`/path?query`) of a URL.
fn split(url: &str) -> (&str, &str) {
    let after_scheme = url.find("://").map_or(0, |i| i + 3);
    match url[after_scheme..].find(['/', '?']) {
        Some(i) => url.split_at(after_scheme + i),
        None => (url, ""),
    }
}

impl<T: Transport> Transport for Routed<T> {
    fn send(&self, mut request: WireRequest) -> SendFuture<'_> {
        let (origin, rest) = split(&request.url);
        let original = origin.to_string();
        request.url = format!("{}{}", self.origin.trim_end_matches('/'), rest);
        request.headers.push(("X-Original-Origin".into(), original));
        request.proxy = None;
        self.inner.send(request)
    }
}

#[cfg(test)]
mod tests {
    use super::split;

    #[test]
    fn splits_origin_and_rest() {
        assert_eq!(
            split("https://api.github.com/repos/a?x=1"),
            ("https://api.github.com", "/repos/a?x=1")
        );
        assert_eq!(split("http://h:8080?q"), ("http://h:8080", "?q"));
        assert_eq!(split("http://h"), ("http://h", ""));
    }
}
