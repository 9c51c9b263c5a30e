//! Where a target's service is: a TCP `host:port`, a UDP `udp://host:port`
//! or a Unix-domain socket `unix:/path`. Only the relay's configuration
//! writes these; a page only ever names a target.

use std::{fmt, path::PathBuf};

/// A target's service address, as configured.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Address {
    /// `host:port` (or `tcp://host:port`): one TCP connection per session.
    Tcp(String),
    /// `udp://host:port`: one UDP socket per session, a datagram per message.
    Udp(String),
    /// `unix:/path/to.sock`: one stream connection per session.
    Unix(PathBuf),
}

/// The kinds of transport, for messages and the page (`/api/targets`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transport {
    /// A byte stream over TCP.
    Tcp,
    /// Datagrams over UDP.
    Udp,
    /// A byte stream over a Unix-domain socket.
    Unix,
}

impl Address {
    /// Parses a configured address; `None` when it is none of the three forms
    /// (a `host:port` needs a host and a port from 1 to 65535).
    pub fn parse(text: &str) -> Option<Self> {
        if let Some(path) = text.strip_prefix("unix:") {
            let path = path.strip_prefix("//").unwrap_or(path);
            return path
                .starts_with('/')
                .then(|| Self::Unix(PathBuf::from(path)));
        }
        if let Some(host_port) = text.strip_prefix("udp://") {
            return is_host_port(host_port).then(|| Self::Udp(host_port.to_owned()));
        }
        let host_port = text.strip_prefix("tcp://").unwrap_or(text);
        is_host_port(host_port).then(|| Self::Tcp(host_port.to_owned()))
    }

    /// How the relay reaches it.
    pub fn transport(&self) -> Transport {
        match self {
            Self::Tcp(_) => Transport::Tcp,
            Self::Udp(_) => Transport::Udp,
            Self::Unix(_) => Transport::Unix,
        }
    }
}

impl Transport {
    /// `tcp`, `udp` or `unix`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Tcp => "tcp",
            Self::Udp => "udp",
            Self::Unix => "unix",
        }
    }
}

/// `host:port` with a host (no `/`: not some other scheme) and a port
/// from 1 to 65535.
fn is_host_port(text: &str) -> bool {
    text.rsplit_once(':').is_some_and(|(host, port)| {
        !host.is_empty() && !host.contains('/') && port.parse::<u16>().is_ok_and(|p| p != 0)
    })
}

impl fmt::Display for Address {
    /// The form it was configured in: `host:port`, `udp://host:port` or
    /// `unix:/path` (for the log and `relay check-config`, never the page).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Tcp(host_port) => f.write_str(host_port),
            Self::Udp(host_port) => write!(f, "udp://{host_port}"),
            Self::Unix(path) => write!(f, "unix:{}", path.display()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_three_forms_and_prints_them_back() {
        for (text, transport, shown) in [
            ("127.0.0.1:6379", Transport::Tcp, "127.0.0.1:6379"),
            ("tcp://[::1]:25", Transport::Tcp, "[::1]:25"),
            ("udp://127.0.0.1:53", Transport::Udp, "udp://127.0.0.1:53"),
            (
                "unix:/run/redis.sock",
                Transport::Unix,
                "unix:/run/redis.sock",
            ),
            (
                "unix:///run/redis.sock",
                Transport::Unix,
                "unix:/run/redis.sock",
            ),
        ] {
            let address = Address::parse(text).unwrap_or_else(|| panic!("{text} refused"));
            assert_eq!(address.transport(), transport, "{text}");
            assert_eq!(address.to_string(), shown);
        }
    }

    #[test]
    fn refuses_what_is_not_an_address() {
        for text in [
            "host",
            "host:",
            ":80",
            "host:0",
            "host:99999",
            "host:http",
            "udp://host",
            "udp://:53",
            "unix:",
            "unix:relative.sock",
            "sctp://h:1",
        ] {
            assert_eq!(Address::parse(text), None, "{text} accepted");
        }
    }
}
