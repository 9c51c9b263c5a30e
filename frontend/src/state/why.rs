//! The results of the experiments that show *why* a page gets WebSocket and
//! not a socket: consent (the relay refuses a page of another origin, and
//! says so on the page's own tap), masking (what a proxy on the path saw,
//! and what the service got), and the census of the browser's other doors.
//! Pure; the measuring is in `crate::why_lab`.

use protocol::frame::Opcode;
use protocol::wire::{WireItem, WireParser};

use super::experiments::{Outcome, SocketEnd};

/// The other loopback name of the relay the page came from, port kept:
/// `localhost:8080` for `127.0.0.1:8080` and back. A page on any other
/// host has no second name to try (`None`).
pub fn other_loopback(host: &str) -> Option<String> {
    if host.starts_with('[') {
        return None;
    }
    let (name, port) = match host.split_once(':') {
        Some((name, port)) => (name, Some(port)),
        None => (host, None),
    };
    let other = match name.to_ascii_lowercase().as_str() {
        "127.0.0.1" => "localhost",
        "localhost" => "127.0.0.1",
        _ => return None,
    };
    Some(match port {
        Some(port) => format!("{other}:{port}"),
        None => other.to_owned(),
    })
}

/// What the relay said on the page's tap about a request it refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RelayWord {
    /// The HTTP status it answered.
    pub status: u16,
    /// Its metric label, e.g. `origin`.
    pub reason: String,
    /// The `Origin` it saw.
    pub origin: Option<String>,
    /// What it answered, in words.
    pub message: String,
}

/// The consent experiment: a WebSocket to the relay under its other name.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ConsentResult {
    /// The URL opened (tap id included).
    pub url: String,
    /// What the browser reported.
    pub end: SocketEnd,
    /// What the relay said on the page's tap.
    pub relay: Option<RelayWord>,
    /// Why it could not be completed.
    pub problem: Option<String>,
}

impl ConsentResult {
    /// Failed (as the lesson predicts) when the socket never opened and the
    /// relay says it refused with 403; succeeded if the socket opened.
    pub fn outcome(&self) -> Outcome {
        match (&self.problem, &self.relay) {
            (Some(_), _) => Outcome::Error,
            _ if self.end.opened => Outcome::Succeeded,
            (None, Some(word)) if word.status == 403 && self.end.close.is_some() => Outcome::Failed,
            _ => Outcome::Error,
        }
    }
}

/// The request the masking experiment starts with.
pub const POISON_REQUEST: &str = "GET /poisoned HTTP/1.1\nHost: example.com\n\n";

/// What the visitor typed, as an HTTP head: every line ending made CRLF.
pub fn http_bytes(typed: &str) -> Vec<u8> {
    typed
        .replace("\r\n", "\n")
        .replace('\n', "\r\n")
        .into_bytes()
}

/// The masking experiment: an HTTP request sent as a WebSocket message.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MaskingResult {
    /// The bytes the page sent (one text message).
    pub sent: Vec<u8>,
    /// The mask key of the message's first frame.
    pub mask_key: Option<[u8; 4]>,
    /// The message's payload as it was on the wire: masked.
    pub wire: Vec<u8>,
    /// The bytes the relay wrote to the service, unmasked.
    pub upstream: Vec<u8>,
    /// Why it could not be completed.
    pub problem: Option<String>,
}

impl MaskingResult {
    /// True when the request's first line appears nowhere in the wire bytes.
    pub fn wire_hides_request(&self) -> bool {
        let line = self.sent.split(|&b| b == b'\r').next().unwrap_or_default();
        line.is_empty() || !self.wire.windows(line.len()).any(|w| w == line)
    }

    /// Succeeded when the wire bytes were masked (unreadable as the request)
    /// and the service received exactly what was typed.
    pub fn outcome(&self) -> Outcome {
        let masked = self.mask_key.is_some() && self.wire.len() == self.sent.len();
        match &self.problem {
            Some(_) => Outcome::Error,
            None if masked && self.wire_hides_request() && self.upstream == self.sent => {
                Outcome::Succeeded
            }
            None => Outcome::Error,
        }
    }

    /// Takes the first data message from the browser → relay bytes of a
    /// tapped session (the upgrade request, then frames): its first mask
    /// key and its payload as it was on the wire.
    pub fn read_wire(&mut self, browser_to_relay: &[u8]) {
        let mut parser = WireParser::new();
        for item in parser.push(browser_to_relay) {
            let WireItem::Frame(frame) = item else {
                continue;
            };
            let data = matches!(
                frame.header.opcode,
                Opcode::Text | Opcode::Binary | Opcode::Continuation
            );
            if !data {
                continue;
            }
            self.mask_key = self.mask_key.or(frame.header.mask);
            self.wire.extend_from_slice(&frame.wire_payload);
            if frame.header.fin {
                return;
            }
        }
    }
}

/// Where the page was loaded from, as Local Network Access sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AddressSpace {
    /// `localhost`, `127.0.0.0/8`, `[::1]`.
    Loopback,
    /// RFC 1918, link-local, `.local` and unique-local IPv6.
    Private,
    /// Anything else.
    Public,
}

impl AddressSpace {
    /// The address space of a page's host name (no port).
    pub fn of_host(hostname: &str) -> Self {
        let name = hostname
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_ascii_lowercase();
        if name == "localhost" || name.ends_with(".localhost") {
            return Self::Loopback;
        }
        if name.ends_with(".local") {
            return Self::Private;
        }
        match name.parse::<std::net::IpAddr>() {
            Ok(ip) if ip.is_loopback() => Self::Loopback,
            Ok(std::net::IpAddr::V4(ip)) if ip.is_private() || ip.is_link_local() => Self::Private,
            Ok(std::net::IpAddr::V6(ip)) if (ip.segments()[0] & 0xfe00) == 0xfc00 => Self::Private,
            Ok(std::net::IpAddr::V6(ip)) if (ip.segments()[0] & 0xffc0) == 0xfe80 => Self::Private,
            _ => Self::Public,
        }
    }

    /// `data-space` value.
    pub fn name(self) -> &'static str {
        match self {
            Self::Loopback => "loopback",
            Self::Private => "private",
            Self::Public => "public",
        }
    }
}

/// The browser's other doors, as this page found them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DoorsScan {
    /// `typeof TCPSocket !== "undefined"` (Direct Sockets).
    pub tcp_socket: bool,
    /// `typeof UDPSocket !== "undefined"`.
    pub udp_socket: bool,
    /// `typeof WebTransport !== "undefined"`.
    pub web_transport: bool,
    /// `typeof WebSocketStream !== "undefined"`.
    pub web_socket_stream: bool,
    /// Where this page was loaded from.
    pub space: AddressSpace,
    /// On an `https:` page only: what `new WebSocket("ws://…")` did, the
    /// error the browser threw (mixed content), or `None` if it opened.
    pub mixed_content: Option<Option<String>>,
}

impl DoorsScan {
    /// Failed when none of the doors is a raw socket.
    pub fn outcome(&self) -> Outcome {
        if self.tcp_socket || self.udp_socket {
            Outcome::Succeeded
        } else {
            Outcome::Failed
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use protocol::frame::apply_mask;

    #[test]
    fn the_other_loopback_name_keeps_the_port() {
        assert_eq!(
            other_loopback("127.0.0.1:8080").as_deref(),
            Some("localhost:8080")
        );
        assert_eq!(
            other_loopback("LOCALHOST:1").as_deref(),
            Some("127.0.0.1:1")
        );
        assert_eq!(other_loopback("localhost").as_deref(), Some("127.0.0.1"));
        assert_eq!(other_loopback("relay.example.com:443"), None);
        assert_eq!(other_loopback("[::1]:8080"), None);
    }

    fn refused(status: u16) -> RelayWord {
        RelayWord {
            status,
            reason: "origin".into(),
            origin: Some("http://127.0.0.1:8080".into()),
            message: "origin http://127.0.0.1:8080 may not use this relay".into(),
        }
    }

    #[test]
    fn consent_fails_only_when_the_relay_said_403_and_the_socket_closed() {
        let closed = SocketEnd {
            close: Some((1006, String::new(), false)),
            error_event: true,
            ..SocketEnd::default()
        };
        let mut result = ConsentResult {
            end: closed.clone(),
            relay: Some(refused(403)),
            ..ConsentResult::default()
        };
        assert_eq!(result.outcome(), Outcome::Failed);
        result.relay = None;
        assert_eq!(
            result.outcome(),
            Outcome::Error,
            "the relay's word is missing"
        );
        result.relay = Some(refused(404));
        assert_eq!(result.outcome(), Outcome::Error);
        result.end.opened = true;
        assert_eq!(result.outcome(), Outcome::Succeeded);
        result.problem = Some("no tap".into());
        assert_eq!(result.outcome(), Outcome::Error);
    }

    fn wire_of(typed: &[u8], key: [u8; 4]) -> Vec<u8> {
        let mut wire = b"GET /ws/recorder HTTP/1.1\r\nHost: h\r\n\r\n".to_vec();
        wire.extend_from_slice(&[0x81, 0x80 | typed.len() as u8]);
        wire.extend_from_slice(&key);
        let mut payload = typed.to_vec();
        apply_mask(&mut payload, key);
        wire.extend_from_slice(&payload);
        wire.extend_from_slice(&[0x88, 0x80, 1, 2, 3, 4]);
        wire
    }

    #[test]
    fn masking_reads_the_masked_payload_and_checks_the_service_got_the_request() {
        let sent = http_bytes(POISON_REQUEST);
        assert_eq!(sent, b"GET /poisoned HTTP/1.1\r\nHost: example.com\r\n\r\n");
        let key = [0x37, 0xfa, 0x21, 0x3d];
        let mut result = MaskingResult {
            sent: sent.clone(),
            upstream: sent.clone(),
            ..MaskingResult::default()
        };
        result.read_wire(&wire_of(&sent, key));
        assert_eq!(result.mask_key, Some(key));
        assert_eq!(result.wire.len(), sent.len());
        assert_ne!(result.wire, sent);
        assert!(result.wire_hides_request());
        assert_eq!(result.outcome(), Outcome::Succeeded);

        let mut changed = result.clone();
        changed.upstream.pop();
        assert_eq!(
            changed.outcome(),
            Outcome::Error,
            "the service got other bytes"
        );
        // An all-zero key leaves the request readable: not what the lesson shows.
        let mut unmasked = MaskingResult {
            sent: sent.clone(),
            upstream: sent.clone(),
            ..MaskingResult::default()
        };
        unmasked.read_wire(&wire_of(&sent, [0; 4]));
        assert!(!unmasked.wire_hides_request());
        assert_eq!(unmasked.outcome(), Outcome::Error);
    }

    #[test]
    fn address_spaces() {
        for (host, space) in [
            ("localhost", AddressSpace::Loopback),
            ("127.0.0.1", AddressSpace::Loopback),
            ("[::1]", AddressSpace::Loopback),
            ("192.168.1.5", AddressSpace::Private),
            ("10.0.0.7", AddressSpace::Private),
            ("printer.local", AddressSpace::Private),
            ("[fd00::1]", AddressSpace::Private),
            ("relay.example.com", AddressSpace::Public),
            ("8.8.8.8", AddressSpace::Public),
        ] {
            assert_eq!(AddressSpace::of_host(host), space, "{host}");
        }
    }
}
