//! Who the client is when the relay runs behind a reverse proxy. The TCP
//! peer is then the proxy, so per-address limits and logs would lump every
//! visitor together. `X-Forwarded-For` is believed only from proxies the
//! operator named (`--trusted-proxy`); from anyone else it is ignored,
//! because any client can send one.

use std::net::IpAddr;

use axum::http::HeaderMap;

/// The client address for limits and logs: the peer itself, or, when the
/// peer is a trusted proxy, the nearest untrusted address in
/// `X-Forwarded-For` (proxies append, so the list is read from the right).
pub fn client_ip(peer: IpAddr, headers: &HeaderMap, trusted: &[IpAddr]) -> IpAddr {
    // A relay listening on `[::]` sees IPv4 peers as `::ffff:a.b.c.d`.
    let peer = peer.to_canonical();
    if !trusted.contains(&peer) {
        return peer;
    }
    let hops: Vec<IpAddr> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|hop| hop.trim().parse().ok())
        .collect();
    hops.into_iter()
        .rev()
        .find(|ip| !trusted.contains(ip))
        .unwrap_or(peer)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn xff(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert("x-forwarded-for", value.parse().unwrap());
        headers
    }

    #[test]
    fn only_trusted_proxies_are_believed() {
        let proxy: IpAddr = "127.0.0.1".parse().unwrap();
        let visitor: IpAddr = "203.0.113.7".parse().unwrap();
        assert_eq!(
            client_ip(proxy, &xff("203.0.113.7"), &[]),
            proxy,
            "untrusted peer: header ignored"
        );
        assert_eq!(client_ip(proxy, &xff("203.0.113.7"), &[proxy]), visitor);
        // A client's own forged entry sits left of what the proxy appended.
        assert_eq!(
            client_ip(proxy, &xff("198.51.100.1, 203.0.113.7"), &[proxy]),
            visitor
        );
        // Chains of trusted proxies are skipped.
        let inner: IpAddr = "127.0.0.2".parse().unwrap();
        assert_eq!(
            client_ip(proxy, &xff("203.0.113.7, 127.0.0.2"), &[proxy, inner]),
            visitor
        );
        assert_eq!(client_ip(proxy, &xff("not-an-ip"), &[proxy]), proxy);
        assert_eq!(client_ip(proxy, &HeaderMap::new(), &[proxy]), proxy);
        // The same proxy seen through an IPv6 listener.
        let mapped: IpAddr = "::ffff:127.0.0.1".parse().unwrap();
        assert_eq!(client_ip(mapped, &xff("203.0.113.7"), &[proxy]), visitor);
    }
}
