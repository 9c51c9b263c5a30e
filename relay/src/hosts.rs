//! The names the relay is reached by, and the check that every request uses
//! one of them.
//!
//! DNS rebinding: a page on `evil.example` can point its own name at
//! 127.0.0.1 and then talk to the relay as if it were its own server. Its
//! requests carry `Host: evil.example` and `Origin: http://evil.example`, a
//! pair that matches, so "Origin equals Host" is no defence. The relay
//! therefore knows its own names (loopback and the listen address by default,
//! plus `--public-host` for deployments) and answers any other `Host` with
//! `421 Misdirected Request` before anything else.

use std::net::SocketAddr;

use anyhow::bail;
use axum::http::{header, HeaderMap, Uri};

/// Names every relay answers to, whatever it listens on.
pub const LOOPBACK_NAMES: &[&str] = &["localhost", "127.0.0.1", "::1"];

/// A host name with an optional port, as in a `Host` header or an origin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Authority {
    /// Lowercase, without the brackets of an IPv6 literal.
    pub host: String,
    /// The explicit port, if any.
    pub port: Option<u16>,
}

impl Authority {
    /// Parses `host`, `host:port`, `[v6]` or `[v6]:port`; `None` if malformed.
    pub fn parse(text: &str) -> Option<Self> {
        let text = text.trim();
        let (host, port) = if let Some(rest) = text.strip_prefix('[') {
            let (host, after) = rest.split_once(']')?;
            let port = match after {
                "" => None,
                _ => Some(after.strip_prefix(':')?),
            };
            (host, port)
        } else {
            match text.rsplit_once(':') {
                // A bare IPv6 literal has colons but no port.
                Some((host, _)) if host.contains(':') => (text, None),
                Some((host, port)) => (host, Some(port)),
                None => (text, None),
            }
        };
        let port = match port {
            Some(port) => Some(port.parse().ok()?),
            None => None,
        };
        let valid = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | ':');
        if host.is_empty() || !host.chars().all(valid) {
            return None;
        }
        Some(Self {
            host: host.trim_end_matches('.').to_ascii_lowercase(),
            port,
        })
    }

    /// The authority of an `Origin` (`scheme://host[:port]`); `None` for
    /// `null` or anything malformed.
    pub fn of_origin(origin: &str) -> Option<Self> {
        let (scheme, rest) = origin.trim_end_matches('/').split_once("://")?;
        if !scheme.eq_ignore_ascii_case("http") && !scheme.eq_ignore_ascii_case("https") {
            return None;
        }
        Self::parse(rest)
    }
}

/// The names this relay answers to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KnownHosts {
    names: Vec<Authority>,
    /// `names[public..]` came from `--public-host`.
    public: usize,
}

/// Why a request's host was not accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HostCheck {
    /// One of the relay's names.
    Known(Authority),
    /// No `Host` header (nor an absolute request URI).
    Missing,
    /// A name the relay does not answer to (kept for the log).
    Unknown(String),
}

impl KnownHosts {
    /// The loopback names, `listen`'s address (unless it is the unspecified
    /// address) and each of `public` (`NAME` or `NAME:PORT`).
    pub fn new(listen: SocketAddr, public: &[String]) -> anyhow::Result<Self> {
        let mut names: Vec<Authority> = LOOPBACK_NAMES
            .iter()
            .map(|name| Authority {
                host: (*name).to_owned(),
                port: None,
            })
            .collect();
        if !listen.ip().is_unspecified() {
            names.push(Authority {
                host: listen.ip().to_string(),
                port: None,
            });
        }
        let first_public = names.len();
        for name in public {
            let Some(authority) = Authority::parse(name) else {
                bail!("--public-host {name:?} is not a host name (NAME or NAME:PORT)");
            };
            names.push(authority);
        }
        Ok(Self {
            names,
            public: first_public,
        })
    }

    /// True if `authority` is one of the relay's names (a name given without
    /// a port matches on every port).
    pub fn knows(&self, authority: &Authority) -> bool {
        self.names
            .iter()
            .any(|n| n.host == authority.host && n.port.is_none_or(|p| Some(p) == authority.port))
    }

    /// The origins' authorities of the relay's own pages, for a request that
    /// reached another door (WebTransport) by the name `door`: the page is
    /// served on `http_port` of that same name, or, for a `--public-host`
    /// name, on the port that name was given with (none: the scheme's
    /// default, as behind a reverse proxy).
    pub fn page_authorities(&self, door: &Authority, http_port: u16) -> Vec<Authority> {
        let mut pages = vec![Authority {
            host: door.host.clone(),
            port: Some(http_port),
        }];
        for name in &self.names[self.public..] {
            if name.host == door.host && !pages.contains(name) {
                pages.push(name.clone());
            }
        }
        pages
    }

    /// Checks the name a request was sent to: its absolute URI's authority
    /// if it has one, else its `Host` header.
    pub fn check(&self, uri: &Uri, headers: &HeaderMap) -> HostCheck {
        let raw = match uri.authority() {
            Some(authority) => authority.as_str().to_owned(),
            None => match headers.get(header::HOST).map(|h| h.to_str()) {
                Some(Ok(host)) => host.to_owned(),
                Some(Err(_)) => return HostCheck::Unknown("(not UTF-8)".into()),
                None => return HostCheck::Missing,
            },
        };
        self.check_authority(&raw)
    }

    /// Checks a name as a request gave it (`host[:port]`), e.g. the
    /// `:authority` of an HTTP/3 CONNECT.
    pub fn check_authority(&self, raw: &str) -> HostCheck {
        if raw.is_empty() {
            return HostCheck::Missing;
        }
        match Authority::parse(raw) {
            Some(authority) if self.knows(&authority) => HostCheck::Known(authority),
            _ => HostCheck::Unknown(raw.to_owned()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn known(listen: &str, public: &[&str]) -> KnownHosts {
        let public: Vec<String> = public.iter().map(|s| (*s).to_owned()).collect();
        KnownHosts::new(listen.parse().unwrap(), &public).unwrap()
    }

    fn host(value: &str) -> HostCheck {
        let mut headers = HeaderMap::new();
        headers.insert(header::HOST, value.parse().unwrap());
        known("10.1.2.3:8080", &["relay.example", "other.example:8443"])
            .check(&Uri::from_static("/ws/echo"), &headers)
    }

    #[test]
    fn authorities_parse() {
        let a = |host: &str, port| {
            Some(Authority {
                host: host.into(),
                port,
            })
        };
        assert_eq!(
            Authority::parse("LocalHost:8080"),
            a("localhost", Some(8080))
        );
        assert_eq!(Authority::parse("[::1]:80"), a("::1", Some(80)));
        assert_eq!(Authority::parse("[::1]"), a("::1", None));
        assert_eq!(Authority::parse("relay.example."), a("relay.example", None));
        assert_eq!(Authority::parse("h:99999"), None);
        assert_eq!(Authority::parse("a b"), None);
        assert_eq!(Authority::parse(""), None);
        assert_eq!(
            Authority::of_origin("https://relay.example"),
            a("relay.example", None)
        );
        assert_eq!(Authority::of_origin("null"), None);
        assert_eq!(Authority::of_origin("file://x"), None);
    }

    #[test]
    fn only_the_relays_names_are_accepted() {
        for ok in [
            "127.0.0.1:8080",
            "localhost",
            "[::1]:9",
            "10.1.2.3:8080",
            "RELAY.example",
            "relay.example:443",
            "other.example:8443",
        ] {
            assert!(matches!(host(ok), HostCheck::Known(_)), "{ok}");
        }
        for rebound in [
            "evil.example:8080",
            "127.0.0.1.evil.example",
            "other.example:8080",
            "localhost.evil.example",
        ] {
            assert_eq!(host(rebound), HostCheck::Unknown(rebound.into()));
        }
        let none = known("127.0.0.1:1", &[]).check(&Uri::from_static("/"), &HeaderMap::new());
        assert_eq!(none, HostCheck::Missing);
    }

    #[test]
    fn an_unspecified_listen_address_is_not_a_name() {
        assert!(!known("0.0.0.0:8080", &[]).knows(&Authority::parse("0.0.0.0").unwrap()));
        assert!(KnownHosts::new("0.0.0.0:1".parse().unwrap(), &["bad name".into()]).is_err());
    }
}
