//! Origin policy. A browser sends `Origin` with every WebSocket handshake; a
//! page from another site must not be able to use this relay with the
//! visitor's network position (cross-site WebSocket hijacking). Clients that
//! are not browsers send no `Origin` and are not limited by it.

use axum::http::{header, HeaderMap};

use crate::{hosts::Authority, refusal::Refusal};

/// The origins of `trunk serve` (Trunk.toml), which `cargo xtask run` allows
/// with `--allow-origin` while the page is being developed. A deployed relay
/// does not trust them: any local program can serve a page on that port.
pub const DEV_ORIGINS: &[&str] = &["http://127.0.0.1:8081", "http://localhost:8081"];

/// Which origins may open sessions and taps.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OriginPolicy {
    /// Exact origins allowed in addition to the relay's own pages.
    pub allowed: Vec<String>,
    /// Allow every origin (`--allow-origin '*'`).
    pub any: bool,
}

/// The decision, with the origin for the log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OriginCheck {
    /// No `Origin` header: not a browser.
    NoOrigin,
    /// A page of the relay itself: the origin names the host and port the
    /// request was sent to, which the host check already found to be one of
    /// the relay's own names.
    SameOrigin,
    /// On the allowlist.
    Allowed,
    /// Refused.
    Refused(String),
}

impl OriginCheck {
    /// True unless refused.
    pub fn is_allowed(&self) -> bool {
        !matches!(self, Self::Refused(_))
    }
}

impl OriginPolicy {
    /// Adds an origin from `--allow-origin` (`*` allows all).
    pub fn allow(&mut self, origin: &str) {
        if origin == "*" {
            self.any = true;
        } else {
            self.allowed.push(origin.trim_end_matches('/').to_owned());
        }
    }

    /// Lets a request through unless its page is of a refused origin (403).
    pub fn admit(&self, headers: &HeaderMap, host: &Authority) -> Result<OriginCheck, Refusal> {
        match self.check(headers, host) {
            OriginCheck::Refused(origin) => Err(Refusal::Origin(origin)),
            check => Ok(check),
        }
    }

    /// Checks a request's `Origin`; `host` is the request's own name, already
    /// checked to be one of the relay's (see `crate::hosts`).
    pub fn check(&self, headers: &HeaderMap, host: &Authority) -> OriginCheck {
        let origin = headers
            .get(header::ORIGIN)
            .map(|origin| origin.to_str().unwrap_or(""));
        self.check_origin(origin, std::slice::from_ref(host))
    }

    /// Checks an origin as a request gave it (`None`: the request had none),
    /// whichever door it came through; `pages` are the authorities of the
    /// relay's own pages for that request.
    pub fn check_origin(&self, origin: Option<&str>, pages: &[Authority]) -> OriginCheck {
        let Some(origin) = origin else {
            return OriginCheck::NoOrigin;
        };
        let origin = origin.trim_end_matches('/');
        if Authority::of_origin(origin).is_some_and(|page| pages.contains(&page)) {
            OriginCheck::SameOrigin
        } else if self.any || self.allowed.iter().any(|a| a.eq_ignore_ascii_case(origin)) {
            OriginCheck::Allowed
        } else {
            OriginCheck::Refused(origin.to_owned())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(policy: &OriginPolicy, origin: Option<&str>, host: &str) -> OriginCheck {
        let mut map = HeaderMap::new();
        if let Some(origin) = origin {
            map.insert(header::ORIGIN, origin.parse().unwrap());
        }
        policy.check(&map, &Authority::parse(host).unwrap())
    }

    #[test]
    fn decisions() {
        let policy = OriginPolicy::default();
        let host = "127.0.0.1:8080";
        assert_eq!(check(&policy, None, host), OriginCheck::NoOrigin);
        assert_eq!(
            check(&policy, Some("http://127.0.0.1:8080"), host),
            OriginCheck::SameOrigin
        );
        assert_eq!(
            check(&policy, Some("HTTP://LOCALHOST:8080/"), "localhost:8080"),
            OriginCheck::SameOrigin
        );
        // Another port of the same machine is another origin, and the dev
        // server's is not trusted unless allowed.
        for other in [
            "http://127.0.0.1:8081",
            "http://127.0.0.1",
            "https://evil.example",
        ] {
            assert_eq!(
                check(&policy, Some(other), host),
                OriginCheck::Refused(other.into())
            );
        }
        // A look-alike host is not the same origin.
        assert!(!check(&policy, Some("http://127.0.0.1:8080.evil.example"), host).is_allowed());
        assert!(!check(&policy, Some("null"), host).is_allowed());
    }

    #[test]
    fn allowed_origins_and_star() {
        let mut policy = OriginPolicy::default();
        for origin in DEV_ORIGINS {
            policy.allow(origin);
        }
        assert_eq!(
            check(&policy, Some("http://localhost:8081"), "127.0.0.1:8080"),
            OriginCheck::Allowed
        );
        policy.allow("*");
        assert!(check(&policy, Some("https://evil.example"), "h:1").is_allowed());
    }
}
