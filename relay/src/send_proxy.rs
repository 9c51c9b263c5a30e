//! `send_proxy`: beginning a target connection with a PROXY protocol header
//! (HAProxy's v1 text or v2 binary form) that names the visitor, so the
//! service behind the relay sees who it serves, not the relay. The reading
//! side, for a relay behind a proxy, is `crate::proxy_protocol`.

use std::net::{IpAddr, SocketAddr};

use ppp::{v1, v2};

/// Which PROXY protocol header a target's connections begin with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProxyVersion {
    /// The text form: `PROXY TCP4 203.0.113.7 127.0.0.1 51234 8080\r\n`.
    V1,
    /// The binary form.
    V2,
}

impl ProxyVersion {
    /// `"v1"` or `"v2"`, as in the config file.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "v1" => Some(Self::V1),
            "v2" => Some(Self::V2),
            _ => None,
        }
    }

    /// `"v1"` or `"v2"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::V1 => "v1",
            Self::V2 => "v2",
        }
    }

    /// The header for a connection from `visitor` to the relay's `local`
    /// address. Mixed families are written as IPv6 (an IPv4 address as
    /// `::ffff:a.b.c.d`), so the visitor is always named, except for an IPv4
    /// visitor on a dual-stack listener (`same_family`).
    pub fn header(self, visitor: SocketAddr, local: SocketAddr) -> Vec<u8> {
        let (source, destination) = same_family(visitor, local);
        match self {
            Self::V1 => v1::Addresses::from((source, destination))
                .to_string()
                .into_bytes(),
            Self::V2 => v2::Builder::with_addresses(
                v2::Version::Two | v2::Command::Proxy,
                v2::Protocol::Stream,
                (source, destination),
            )
            .build()
            // Two socket addresses always fit a v2 header.
            .expect("a PROXY v2 header for two addresses"),
        }
    }
}

/// Both addresses in one family: IPv4 when both are, or when the visitor is
/// and the relay listens on every address (`[::]`, which takes IPv4 too) or
/// on an IPv4-mapped one; IPv6 otherwise.
fn same_family(a: SocketAddr, b: SocketAddr) -> (SocketAddr, SocketAddr) {
    if a.is_ipv4() == b.is_ipv4() {
        return (a, b);
    }
    if let (true, IpAddr::V6(local)) = (a.is_ipv4(), b.ip()) {
        let v4 = if local.is_unspecified() {
            Some(std::net::Ipv4Addr::UNSPECIFIED)
        } else {
            local.to_ipv4_mapped()
        };
        if let Some(v4) = v4 {
            return (a, SocketAddr::new(IpAddr::V4(v4), b.port()));
        }
    }
    let v6 = |addr: SocketAddr| match addr.ip() {
        IpAddr::V4(ip) => SocketAddr::new(IpAddr::V6(ip.to_ipv6_mapped()), addr.port()),
        IpAddr::V6(_) => addr,
    };
    (v6(a), v6(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn addr(text: &str) -> SocketAddr {
        text.parse().unwrap()
    }

    #[test]
    fn v1_names_the_visitor_as_the_source() {
        let header = ProxyVersion::V1.header(addr("203.0.113.7:51234"), addr("127.0.0.1:8080"));
        assert_eq!(header, b"PROXY TCP4 203.0.113.7 127.0.0.1 51234 8080\r\n");
        let mixed = ProxyVersion::V1.header(addr("203.0.113.7:1"), addr("[::1]:8080"));
        assert_eq!(mixed, b"PROXY TCP6 ::ffff:203.0.113.7 ::1 1 8080\r\n");
        // An IPv4 visitor on a dual-stack listener stays IPv4.
        let dual = ProxyVersion::V1.header(addr("203.0.113.7:1"), addr("[::]:8080"));
        assert_eq!(dual, b"PROXY TCP4 203.0.113.7 0.0.0.0 1 8080\r\n");
        let mapped = ProxyVersion::V1.header(addr("203.0.113.7:1"), addr("[::ffff:10.0.0.1]:8080"));
        assert_eq!(mapped, b"PROXY TCP4 203.0.113.7 10.0.0.1 1 8080\r\n");
    }

    #[test]
    fn v2_parses_back_to_the_same_addresses() {
        let header = ProxyVersion::V2.header(addr("198.51.100.2:4000"), addr("127.0.0.1:8080"));
        let parsed = v2::Header::try_from(header.as_slice()).unwrap();
        assert_eq!(parsed.command, v2::Command::Proxy);
        assert_eq!(
            parsed.addresses,
            v2::Addresses::from((addr("198.51.100.2:4000"), addr("127.0.0.1:8080")))
        );
    }

    #[test]
    fn only_v1_and_v2_are_versions() {
        assert_eq!(ProxyVersion::parse("v2"), Some(ProxyVersion::V2));
        assert_eq!(ProxyVersion::parse("2"), None);
    }
}
