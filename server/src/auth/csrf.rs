//! Cross-site request refusal. A state-changing request (any method but GET/HEAD/OPTIONS)
//! must say where it came from — `Origin`, or `Referer` when a browser omits `Origin` — and
//! that must be this site's host. Browsers send one of them on every form post and fetch, and
//! a page on another site cannot forge them; SameSite=Lax on the session cookie is the second
//! layer. Scheme is not compared: behind a TLS-terminating proxy the browser says https and
//! we see http.

use std::net::IpAddr;

use http::{HeaderMap, Method};
use url::Url;

use super::net::{self, Cidr};

pub fn is_state_changing(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// `host[:port]` of a URL as a browser would put it in `Host` (default ports omitted).
fn authority(url: &Url) -> Option<String> {
    let host = url.host_str()?.to_ascii_lowercase();
    Some(match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host,
    })
}

/// `Host` without a default port, so `desk:443` and `desk` compare equal.
fn normalise_host(host: &str) -> String {
    let host = host.trim().to_ascii_lowercase();
    for default in [":80", ":443"] {
        if let Some(bare) = host.strip_suffix(default) {
            return bare.to_string();
        }
    }
    host
}

/// Ok when the request demonstrably comes from a page of this site.
pub fn check(headers: &HeaderMap, peer: Option<IpAddr>, proxies: &[Cidr]) -> Result<(), &'static str> {
    if headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) == Some("cross-site") {
        return Err("Sec-Fetch-Site says cross-site");
    }
    let host = net::request_host(peer, headers, proxies).ok_or("no Host header")?;
    let source = match headers.get(http::header::ORIGIN) {
        Some(origin) => origin.to_str().map_err(|_| "unreadable Origin")?,
        None => headers
            .get(http::header::REFERER)
            .ok_or("neither Origin nor Referer")?
            .to_str()
            .map_err(|_| "unreadable Referer")?,
    };
    if source == "null" {
        return Err("opaque Origin");
    }
    let url = Url::parse(source).map_err(|_| "unparseable Origin/Referer")?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err("Origin is not http(s)");
    }
    match authority(&url) {
        Some(a) if a == normalise_host(&host) => Ok(()),
        _ => Err("Origin/Referer names another site"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, v.parse().unwrap());
        }
        h
    }

    #[test]
    fn same_site_passes_cross_site_fails() {
        let ok = [
            headers(&[("host", "127.0.0.1:3000"), ("origin", "http://127.0.0.1:3000")]),
            headers(&[("host", "127.0.0.1:3000"), ("referer", "http://127.0.0.1:3000/customers/wmA?x=1")]),
            headers(&[("host", "desk.corp:443"), ("origin", "https://desk.corp")]),
            headers(&[("host", "Desk.Corp"), ("origin", "https://desk.corp")]),
        ];
        for h in ok {
            assert_eq!(check(&h, None, &[]), Ok(()), "{h:?}");
        }
        let bad = [
            headers(&[("host", "127.0.0.1:3000"), ("origin", "http://evil.example")]),
            headers(&[("host", "127.0.0.1:3000"), ("origin", "http://127.0.0.1:3001")]),
            headers(&[("host", "127.0.0.1:3000"), ("origin", "null")]),
            headers(&[("host", "127.0.0.1:3000")]),
            headers(&[("host", "127.0.0.1:3000"), ("referer", "http://evil.example/127.0.0.1:3000")]),
            headers(&[
                ("host", "127.0.0.1:3000"),
                ("origin", "http://127.0.0.1:3000"),
                ("sec-fetch-site", "cross-site"),
            ]),
            headers(&[("origin", "http://127.0.0.1:3000")]),
        ];
        for h in bad {
            assert!(check(&h, None, &[]).is_err(), "{h:?}");
        }
    }

    #[test]
    fn forwarded_host_only_from_trusted_proxy() {
        let h = headers(&[
            ("host", "10.0.0.9:3000"),
            ("x-forwarded-host", "desk.corp"),
            ("origin", "https://desk.corp"),
        ]);
        let proxy: IpAddr = "10.0.0.1".parse().unwrap();
        let proxies = vec!["10.0.0.1".parse().unwrap()];
        assert_eq!(check(&h, Some(proxy), &proxies), Ok(()));
        assert!(check(&h, Some("10.0.0.2".parse().unwrap()), &proxies).is_err());
        assert!(is_state_changing(&Method::POST) && !is_state_changing(&Method::GET));
    }
}
