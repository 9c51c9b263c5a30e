//! Origin policy. A browser sends `Origin` with every WebSocket handshake; a
//! page from another site must not be able to use this relay with the
//! visitor's network position (cross-site WebSocket hijacking). Clients that
//! are not browsers send no `Origin` and are not limited by it.

use axum::http::{header, HeaderMap};

/// Origins allowed besides the relay's own: the `trunk serve` dev server.
pub const DEV_ORIGINS: &[&str] = &["http://127.0.0.1:8081", "http://localhost:8081"];

/// Which origins may open sessions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OriginPolicy {
    /// Exact origins allowed in addition to same-origin requests.
    pub allowed: Vec<String>,
    /// Allow every origin (`--allow-origin '*'`).
    pub any: bool,
}

impl Default for OriginPolicy {
    fn default() -> Self {
        Self {
            allowed: DEV_ORIGINS.iter().map(|o| (*o).to_owned()).collect(),
            any: false,
        }
    }
}

/// The decision, with the origin for the log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OriginCheck {
    /// No `Origin` header: not a browser.
    NoOrigin,
    /// Same host and port as the request's `Host`.
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

    /// Checks a request's headers.
    pub fn check(&self, headers: &HeaderMap) -> OriginCheck {
        let Some(origin) = headers.get(header::ORIGIN) else {
            return OriginCheck::NoOrigin;
        };
        let origin = origin.to_str().unwrap_or("").trim_end_matches('/');
        let host = headers
            .get(header::HOST)
            .and_then(|h| h.to_str().ok())
            .unwrap_or("");
        let origin_host = origin.split_once("://").map(|(_, rest)| rest).unwrap_or("");
        if !host.is_empty() && origin_host.eq_ignore_ascii_case(host) {
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

    fn headers(origin: Option<&str>, host: &str) -> HeaderMap {
        let mut map = HeaderMap::new();
        map.insert(header::HOST, host.parse().unwrap());
        if let Some(origin) = origin {
            map.insert(header::ORIGIN, origin.parse().unwrap());
        }
        map
    }

    #[test]
    fn decisions() {
        let policy = OriginPolicy::default();
        assert_eq!(
            policy.check(&headers(None, "127.0.0.1:8080")),
            OriginCheck::NoOrigin
        );
        assert_eq!(
            policy.check(&headers(Some("http://127.0.0.1:8080"), "127.0.0.1:8080")),
            OriginCheck::SameOrigin
        );
        assert_eq!(
            policy.check(&headers(Some("http://127.0.0.1:8081"), "127.0.0.1:8080")),
            OriginCheck::Allowed
        );
        assert_eq!(
            policy.check(&headers(Some("https://evil.example"), "127.0.0.1:8080")),
            OriginCheck::Refused("https://evil.example".into())
        );
        // A look-alike host is not the same origin.
        assert!(!policy
            .check(&headers(
                Some("http://127.0.0.1:8080.evil.example"),
                "127.0.0.1:8080"
            ))
            .is_allowed());
        assert!(!policy
            .check(&headers(Some("null"), "127.0.0.1:8080"))
            .is_allowed());
    }

    #[test]
    fn star_allows_everything() {
        let mut policy = OriginPolicy::default();
        policy.allow("*");
        assert!(policy
            .check(&headers(Some("https://evil.example"), "h:1"))
            .is_allowed());
    }
}
