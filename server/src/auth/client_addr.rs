//! The client address a request is counted under: the TCP peer, or, when the peer is a
//! proxy the operator trusts (`--trusted-proxy`), the address that proxy put in
//! `X-Forwarded-For`. Without that flag the header is ignored: anyone can write it.

use std::net::{IpAddr, SocketAddr};

use http::HeaderMap;

/// The TCP peer of a request, put into its extensions by the accept loop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PeerAddr(pub SocketAddr);

/// The address to count a request under. With the peer among `trusted`, the rightmost
/// `X-Forwarded-For` entry that is not itself a trusted proxy (each proxy appends the
/// address it was reached from, so entries left of it may be made up by the client).
pub fn client_ip(peer: IpAddr, headers: &HeaderMap, trusted: &[IpAddr]) -> IpAddr {
    if !trusted.contains(&peer) {
        return peer;
    }
    let forwarded: Vec<IpAddr> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|entry| entry.trim().parse::<IpAddr>().ok())
        .collect();
    forwarded
        .into_iter()
        .rev()
        .find(|ip| !trusted.contains(ip))
        .unwrap_or(peer)
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    /// The header counts only from a trusted proxy, and then its rightmost foreign entry.
    #[test]
    fn forwarded_for_only_from_a_trusted_proxy() {
        let mut headers = HeaderMap::new();
        headers.insert(
            "x-forwarded-for",
            HeaderValue::from_static("1.1.1.1, 203.0.113.7, 10.0.0.2"),
        );
        let proxy = ip("10.0.0.1");
        assert_eq!(client_ip(proxy, &headers, &[]), proxy);
        assert_eq!(
            client_ip(proxy, &headers, &[proxy, ip("10.0.0.2")]),
            ip("203.0.113.7")
        );
        assert_eq!(client_ip(proxy, &HeaderMap::new(), &[proxy]), proxy);
    }
}
