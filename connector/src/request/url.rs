//! URL validation, normalisation (decode then re-encode, as Camunda's encoder does),
//! `skipEncoding`, and query-parameter appending.

use crate::error::ConnectorError;

const HEX: &[u8; 16] = b"0123456789ABCDEF";

/// The parts of an absolute URL.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Parts<'a> {
    pub(crate) scheme: &'a str,
    pub(crate) authority: &'a str,
    pub(crate) path: &'a str,
    pub(crate) query: Option<&'a str>,
    pub(crate) fragment: Option<&'a str>,
    /// The host of the authority (without brackets for IPv6).
    pub(crate) host: &'a str,
    /// The explicit port, if any.
    pub(crate) port: Option<u16>,
}

fn invalid(url: &str, what: &str) -> ConnectorError {
    ConnectorError::input(format!(
        "Invalid URL: The URL '{url}' cannot be parsed as a valid HTTP request. Please ensure the URL includes a valid {what}."
    ))
}

/// Split and check a URL: it needs a scheme and a valid host.
pub(crate) fn parse(url: &str) -> Result<Parts<'_>, ConnectorError> {
    // a scheme has no ':', so its "://" is at the first ':'
    let (scheme, rest) = match url.split_once(':') {
        Some((s, rest))
            if !s.is_empty()
                && s.bytes()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'+' | b'-' | b'.')) =>
        {
            match rest.strip_prefix("//") {
                Some(rest) => (s, rest),
                None => return Err(invalid(url, "scheme")),
            }
        }
        _ => return Err(invalid(url, "scheme")),
    };
    let (before_fragment, fragment) = match rest.split_once('#') {
        Some((a, f)) => (a, Some(f)),
        None => (rest, None),
    };
    let (before_query, query) = match before_fragment.split_once('?') {
        Some((a, q)) => (a, Some(q)),
        None => (before_fragment, None),
    };
    let (authority, path) = match before_query.find('/') {
        Some(i) => before_query.split_at(i),
        None => (before_query, ""),
    };
    let (host, port) = host_and_port(authority).ok_or_else(|| invalid(url, "hostname"))?;
    Ok(Parts {
        scheme,
        authority,
        path,
        query,
        fragment,
        host,
        port,
    })
}

/// The host and explicit port of an authority, or `None` when it is not valid.
pub(crate) fn host_and_port(authority: &str) -> Option<(&str, Option<u16>)> {
    let hostport = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let (host, port) = if let Some(rest) = hostport.strip_prefix('[') {
        let (inside, after) = rest.split_once(']')?;
        if inside.is_empty()
            || !inside
                .chars()
                .all(|c| c.is_ascii_hexdigit() || c == ':' || c == '.')
        {
            return None;
        }
        (inside, after.strip_prefix(':'))
    } else {
        match hostport.rsplit_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (hostport, None),
        }
    };
    let host_ok = !host.is_empty()
        && (host.contains(':')
            || host.bytes().all(|b| HOST_ASCII[usize::from(b)])
            || host.chars().all(|c| {
                c.is_alphanumeric()
                    || matches!(
                        c,
                        '-' | '.'
                            | '_'
                            | '~'
                            | '%'
                            | '!'
                            | '$'
                            | '&'
                            | '\''
                            | '('
                            | ')'
                            | '*'
                            | '+'
                            | ','
                            | ';'
                            | '='
                    )
            }));
    if !host_ok || (host.contains(':') && !hostport.starts_with('[')) {
        return None;
    }
    let port = match port {
        None | Some("") => None,
        Some(p) => Some(p.parse::<u16>().ok()?),
    };
    Some((host, port))
}

/// The port a URL connects to (explicit, or 80 / 443 by scheme).
pub(crate) fn effective_port(parts: &Parts<'_>) -> Option<u16> {
    parts.port.or(if parts.scheme.eq_ignore_ascii_case("http") {
        Some(80)
    } else if parts.scheme.eq_ignore_ascii_case("https") {
        Some(443)
    } else {
        None
    })
}

fn decode(text: &str, plus_as_space: bool) -> std::borrow::Cow<'_, [u8]> {
    let bytes = text.as_bytes();
    // the usual case: nothing to decode
    if !bytes
        .iter()
        .any(|&b| b == b'%' || (plus_as_space && b == b'+'))
    {
        return std::borrow::Cow::Borrowed(bytes);
    }
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes.get(i).copied().unwrap_or_default();
        if b == b'%' {
            let hex = bytes
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok());
            if let Some(v) = hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(if plus_as_space && b == b'+' { b' ' } else { b });
        i += 1;
    }
    std::borrow::Cow::Owned(out)
}

/// The bytes written as they are: ASCII letters and digits, `-._~`, and `safe`.
const fn unreserved(safe: &[u8]) -> [bool; 256] {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        table[b] = c.is_ascii_alphanumeric() || matches!(c, b'-' | b'.' | b'_' | b'~');
        b += 1;
    }
    let mut i = 0;
    while i < safe.len() {
        table[safe[i] as usize] = true;
        i += 1;
    }
    table
}

fn encode(bytes: &[u8], keep: &[bool; 256], out: &mut String) {
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if keep[usize::from(b)] {
            continue;
        }
        // runs of kept bytes are ASCII, copied at once
        out.push_str(std::str::from_utf8(&bytes[start..i]).unwrap_or_default());
        out.push('%');
        out.push(char::from(HEX[usize::from(b >> 4)]));
        out.push(char::from(HEX[usize::from(b & 15)]));
        start = i + 1;
    }
    out.push_str(std::str::from_utf8(&bytes[start..]).unwrap_or_default());
}

/// ASCII host characters (letters, digits, `-._~%!$&'()*+,;=`); other characters go
/// through the Unicode check.
const HOST_ASCII: [bool; 256] = unreserved(b"%!$&'()*+,;=");
const PATH_SAFE: [bool; 256] = unreserved(b"!$&'()*,;=:@/");
const QUERY_SAFE: [bool; 256] = unreserved(b"!$'()*,;:@/?");
const FRAGMENT_SAFE: [bool; 256] = unreserved(b"!$&'()*,;=:@/?%+#");

/// Encode one query-parameter name or value (space as `%20`).
pub(crate) fn encode_query_component(text: &str, out: &mut String) {
    encode(text.as_bytes(), &QUERY_SAFE, out);
}

/// Normalise a URL: decode percent-escapes in path and query and re-encode them, so
/// `hello%2C%20world` becomes `hello,%20world`, spaces become `%20`, a `+` in the path
/// becomes `%2B` and a `+` in the query a `%20`.
pub(crate) fn normalise(parts: &Parts<'_>) -> String {
    let mut out = String::with_capacity(
        parts.scheme.len() + 3 + parts.authority.len() + parts.path.len() + 16,
    );
    out.push_str(parts.scheme);
    out.push_str("://");
    out.push_str(parts.authority);
    encode(&decode(parts.path, false), &PATH_SAFE, &mut out);
    if let Some(query) = parts.query {
        out.push('?');
        for (i, param) in query.split('&').enumerate() {
            if i > 0 {
                out.push('&');
            }
            match param.split_once('=') {
                Some((k, v)) => {
                    encode(&decode(k, true), &QUERY_SAFE, &mut out);
                    out.push('=');
                    encode(&decode(v, true), &QUERY_SAFE, &mut out);
                }
                None => encode(&decode(param, true), &QUERY_SAFE, &mut out),
            }
        }
    }
    if let Some(fragment) = parts.fragment {
        out.push('#');
        encode(fragment.as_bytes(), &FRAGMENT_SAFE, &mut out);
    }
    out
}

/// Check a URL used verbatim (`skipEncoding`): it must be a valid URI already.
pub(crate) fn check_verbatim(url: &str) -> Result<(), ConnectorError> {
    match url
        .char_indices()
        .find(|(_, c)| c.is_whitespace() || c.is_control() || !c.is_ascii())
    {
        Some((i, _)) => Err(ConnectorError::input(format!(
            "Illegal character in URL at index {i}: {url}"
        ))),
        None => Ok(()),
    }
}

/// Append encoded query parameters (before any fragment).
pub(crate) fn append_query(url: &str, params: &[(String, Option<String>)]) -> String {
    if params.is_empty() {
        return url.to_string();
    }
    let (base, fragment) = match url.split_once('#') {
        Some((b, f)) => (b, Some(f)),
        None => (url, None),
    };
    let mut out = base.to_string();
    let mut first = !base.contains('?');
    for (name, value) in params {
        out.push(if first { '?' } else { '&' });
        first = false;
        encode_query_component(name, &mut out);
        if let Some(v) = value {
            out.push('=');
            encode_query_component(v, &mut out);
        }
    }
    if let Some(f) = fragment {
        out.push('#');
        out.push_str(f);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// Encoding keeps exactly the safe bytes, escapes every other byte as `%XX`, and
        /// decoding gives the bytes back.
        #[test]
        fn encode_escapes_all_but_the_safe_bytes(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..40)) {
            // fragments keep `%` as it is, so only paths and queries decode back
            for (table, decodes) in [(&PATH_SAFE, true), (&QUERY_SAFE, true), (&FRAGMENT_SAFE, false)] {
                let mut out = String::new();
                encode(&bytes, table, &mut out);
                let mut expected = String::new();
                for &b in &bytes {
                    if table[usize::from(b)] {
                        expected.push(char::from(b));
                    } else {
                        expected.push_str(&format!("%{b:02X}"));
                    }
                }
                proptest::prop_assert_eq!(&out, &expected);
                if decodes {
                    let decoded = decode(&out, false);
                    proptest::prop_assert_eq!(decoded.as_ref(), bytes.as_slice());
                }
            }
        }
    }

    fn norm(url: &str) -> String {
        normalise(&parse(url).unwrap())
    }

    #[test]
    fn normalisation_matches_camunda_examples() {
        assert_eq!(norm("http://h/hello, world!"), "http://h/hello,%20world!");
        assert_eq!(
            norm("http://h/hello%2C%20world%21"),
            "http://h/hello,%20world!"
        );
        assert_eq!(norm("http://h/über uns"), "http://h/%C3%BCber%20uns");
        assert_eq!(norm("http://h/hello,%26world!"), "http://h/hello,&world!");
        assert_eq!(
            norm("http://h/p?query=hello%3Fworld?"),
            "http://h/p?query=hello?world?"
        );
        assert_eq!(
            norm("http://h/p?query=hello world%3F"),
            "http://h/p?query=hello%20world?"
        );
        assert_eq!(norm("http://h/a+b?q=a+b"), "http://h/a%2Bb?q=a%20b");
        assert_eq!(norm("http://h/test%2Ftest"), "http://h/test/test");
        assert_eq!(
            norm("http://user:pass@localhost:8080"),
            "http://user:pass@localhost:8080"
        );
        assert_eq!(norm("http://h/p#a b%20c"), "http://h/p#a%20b%20c");
    }

    #[test]
    fn invalid_urls_are_named() {
        let e = parse("http://0000::1").unwrap_err();
        assert!(e.message.ends_with("a valid hostname."), "{}", e.message);
        let e = parse("//abc").unwrap_err();
        assert!(e.message.ends_with("a valid scheme."), "{}", e.message);
        assert!(parse("http://[::1]:8080/x").is_ok());
    }

    #[test]
    fn query_parameters_are_appended_and_encoded() {
        let params = vec![
            ("andQuery".to_string(), Some("São Paulo".to_string())),
            ("$top".to_string(), Some("3".to_string())),
            ("flag".to_string(), None),
        ];
        assert_eq!(
            append_query("http://h/p?x=1#frag", &params),
            "http://h/p?x=1&andQuery=S%C3%A3o%20Paulo&$top=3&flag#frag"
        );
    }
}
