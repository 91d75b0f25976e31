//! Who is on the other end of a request: the TCP peer, and — only when that peer is a
//! configured trusted proxy — what the proxy reports in `X-Forwarded-For/-Proto/-Host`.
//! Headers from anyone else are ignored: a browser can send any header it likes.

use std::fmt;
use std::net::IpAddr;
use std::str::FromStr;

use http::HeaderMap;

/// An address block such as `10.0.0.0/8`, or one address (`10.0.0.5`, `::1`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cidr {
    network: IpAddr,
    prefix: u8,
}

impl Cidr {
    pub fn contains(&self, ip: IpAddr) -> bool {
        // An IPv4 client seen through an IPv6 socket arrives as ::ffff:a.b.c.d.
        let ip = match ip {
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map(IpAddr::V4).unwrap_or(ip),
            v4 => v4,
        };
        match (self.network, ip) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                let mask = if self.prefix == 0 {
                    0
                } else {
                    u32::MAX << (32 - u32::from(self.prefix))
                };
                (u32::from(net) & mask) == (u32::from(ip) & mask)
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                let mask = if self.prefix == 0 {
                    0
                } else {
                    u128::MAX << (128 - u32::from(self.prefix))
                };
                (u128::from(net) & mask) == (u128::from(ip) & mask)
            }
            _ => false,
        }
    }
}

/// Why text is not a CIDR block (the text is named: it is an address, never a secret).
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum CidrError {
    #[error("\"{0}\" is not an IP address or CIDR block")]
    NotAnAddress(String),
    #[error("\"{0}\" has a bad prefix length")]
    BadPrefix(String),
}

impl FromStr for Cidr {
    type Err = CidrError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (addr, prefix) = match s.split_once('/') {
            Some((a, p)) => (a, Some(p)),
            None => (s, None),
        };
        let network: IpAddr = addr.trim().parse().map_err(|_| CidrError::NotAnAddress(s.to_string()))?;
        let max = if network.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            None => max,
            Some(p) => p
                .trim()
                .parse::<u8>()
                .ok()
                .filter(|p| *p <= max)
                .ok_or_else(|| CidrError::BadPrefix(s.to_string()))?,
        };
        Ok(Cidr { network, prefix })
    }
}

impl fmt::Display for Cidr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.network, self.prefix)
    }
}

pub fn is_trusted(peer: Option<IpAddr>, proxies: &[Cidr]) -> bool {
    peer.is_some_and(|ip| proxies.iter().any(|c| c.contains(ip)))
}

/// The client's address: the peer, or, behind trusted proxies, the right-most address in
/// `X-Forwarded-For` that is not itself a trusted proxy (anything left of it could be forged).
pub fn client_addr(peer: Option<IpAddr>, headers: &HeaderMap, proxies: &[Cidr]) -> Option<IpAddr> {
    if !is_trusted(peer, proxies) {
        return peer;
    }
    let forwarded: Vec<IpAddr> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|s| s.trim().parse::<IpAddr>().ok())
        .collect();
    forwarded
        .into_iter()
        .rev()
        .find(|ip| !proxies.iter().any(|c| c.contains(*ip)))
        .or(peer)
}

/// True when a trusted proxy says the browser used HTTPS.
pub fn forwarded_https(peer: Option<IpAddr>, headers: &HeaderMap, proxies: &[Cidr]) -> bool {
    is_trusted(peer, proxies)
        && headers
            .get("x-forwarded-proto")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(',').next())
            .is_some_and(|p| p.trim().eq_ignore_ascii_case("https"))
}

/// The host the browser addressed: `X-Forwarded-Host` from a trusted proxy, else `Host`.
pub fn request_host(peer: Option<IpAddr>, headers: &HeaderMap, proxies: &[Cidr]) -> Option<String> {
    let forwarded = is_trusted(peer, proxies)
        .then(|| {
            headers
                .get("x-forwarded-host")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.split(',').next())
                .map(|v| v.trim().to_string())
        })
        .flatten();
    forwarded
        .or_else(|| headers.get(http::header::HOST).and_then(|v| v.to_str().ok()).map(str::to_string))
        .map(|h| h.to_ascii_lowercase())
}

/// Whether a request naming `host` (`Host`, or a trusted proxy's `X-Forwarded-Host`) may be
/// served: `localhost`, an IP address, or one of `public_hosts`. A page on an attacker's
/// domain whose name was made to resolve to this server (DNS rebinding) is same-origin with
/// itself, not with SalesDesk, and arrives with the attacker's name in `Host`: refused.
pub fn host_allowed(host: &str, public_hosts: &[String]) -> bool {
    let host = host.trim().to_ascii_lowercase();
    let name = match host.strip_prefix('[') {
        // [v6]:port
        Some(rest) => return rest.split(']').next().is_some_and(|v6| v6.parse::<std::net::Ipv6Addr>().is_ok()),
        None => host.rsplit_once(':').map_or(host.as_str(), |(name, port)| {
            if port.bytes().all(|b| b.is_ascii_digit()) {
                name
            } else {
                host.as_str()
            }
        }),
    };
    let name = name.trim_end_matches('.');
    name == "localhost" || name.parse::<std::net::Ipv4Addr>().is_ok() || public_hosts.iter().any(|h| h == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn only_known_host_names_are_served() {
        let public = vec!["desk.corp.example".to_string()];
        for ok in [
            "localhost",
            "localhost:3000",
            "127.0.0.1:3000",
            "10.1.2.3",
            "[::1]:3000",
            "Desk.Corp.Example",
            "desk.corp.example:443",
            "desk.corp.example.",
        ] {
            assert!(host_allowed(ok, &public), "{ok}");
        }
        for refused in [
            "attacker.example",
            "attacker.example:3000",
            "desk.corp.example.attacker.example",
            "",
            "[nonsense]",
            "localhost.attacker.example",
        ] {
            assert!(!host_allowed(refused, &public), "{refused}");
        }
        assert!(!host_allowed("desk.corp.example", &[]), "names must be listed");
    }

    #[test]
    fn cidr_blocks() {
        let c: Cidr = "10.1.0.0/16".parse().unwrap();
        assert!(c.contains(ip("10.1.200.3")));
        assert!(!c.contains(ip("10.2.0.1")));
        assert!(c.contains(ip("::ffff:10.1.0.9")), "v4-mapped v6 peers match v4 blocks");
        let one: Cidr = "192.168.1.5".parse().unwrap();
        assert!(one.contains(ip("192.168.1.5")) && !one.contains(ip("192.168.1.6")));
        let v6: Cidr = "fd00::/8".parse().unwrap();
        assert!(v6.contains(ip("fd12::1")) && !v6.contains(ip("fe80::1")));
        assert!("10.0.0.0/33".parse::<Cidr>().is_err());
        assert!("proxy".parse::<Cidr>().is_err());
        assert!("0.0.0.0/0".parse::<Cidr>().unwrap().contains(ip("8.8.8.8")));
    }

    #[test]
    fn forwarded_headers_only_from_trusted_proxies() {
        let proxies = vec!["10.0.0.1".parse().unwrap()];
        let mut h = HeaderMap::new();
        h.insert("x-forwarded-for", "203.0.113.9, 198.51.100.7".parse().unwrap());
        h.insert("x-forwarded-proto", "https".parse().unwrap());
        h.insert("x-forwarded-host", "desk.corp.example".parse().unwrap());
        h.insert("host", "127.0.0.1:3000".parse().unwrap());
        assert_eq!(
            client_addr(Some(ip("10.0.0.1")), &h, &proxies),
            Some(ip("198.51.100.7")),
            "right-most untrusted hop"
        );
        assert_eq!(
            client_addr(Some(ip("192.0.2.1")), &h, &proxies),
            Some(ip("192.0.2.1")),
            "forged header ignored"
        );
        assert!(forwarded_https(Some(ip("10.0.0.1")), &h, &proxies));
        assert!(!forwarded_https(Some(ip("192.0.2.1")), &h, &proxies));
        assert_eq!(
            request_host(Some(ip("10.0.0.1")), &h, &proxies).as_deref(),
            Some("desk.corp.example")
        );
        assert_eq!(request_host(Some(ip("192.0.2.1")), &h, &proxies).as_deref(), Some("127.0.0.1:3000"));
        assert_eq!(client_addr(None, &h, &proxies), None);
    }
}
