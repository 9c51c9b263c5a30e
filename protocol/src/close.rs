//! WebSocket close codes (RFC 6455 §7.4) as the relay uses them.

/// A WebSocket close code, with the meaning the relay gives it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CloseCode(pub u16);

impl CloseCode {
    /// The TCP service closed its side (EOF) or the visitor closed normally.
    pub const NORMAL: Self = Self(1000);
    /// The relay is shutting down.
    pub const GOING_AWAY: Self = Self(1001);
    /// The peer broke the WebSocket protocol.
    pub const PROTOCOL_ERROR: Self = Self(1002);
    /// Never sent on the wire: the browser reports it when the connection
    /// died without a close frame (including a failed handshake).
    pub const ABNORMAL: Self = Self(1006);
    /// A text frame was not valid UTF-8.
    pub const INVALID_PAYLOAD: Self = Self(1007);
    /// The relay's policy refused the session.
    pub const POLICY: Self = Self(1008);
    /// A frame or message exceeded the relay's size limit.
    pub const TOO_BIG: Self = Self(1009);
    /// The relay could not reach the TCP service, or it failed mid-stream.
    pub const UPSTREAM_ERROR: Self = Self(1011);

    /// The symbolic name from RFC 6455 / the IANA registry, for display.
    pub fn name(self) -> &'static str {
        match self.0 {
            1000 => "Normal Closure",
            1001 => "Going Away",
            1002 => "Protocol Error",
            1003 => "Unsupported Data",
            1005 => "No Status Received",
            1006 => "Abnormal Closure",
            1007 => "Invalid Payload Data",
            1008 => "Policy Violation",
            1009 => "Message Too Big",
            1010 => "Mandatory Extension",
            1011 => "Internal Error",
            1012 => "Service Restart",
            1013 => "Try Again Later",
            1015 => "TLS Handshake",
            3000..=3999 => "Registered (library/framework)",
            4000..=4999 => "Private use",
            _ => "Unknown",
        }
    }
}

/// The longest close reason a close frame can carry: a control frame's
/// payload is at most 125 bytes, two of which are the code.
pub const MAX_CLOSE_REASON_BYTES: usize = 123;

/// Cut `reason` to at most [`MAX_CLOSE_REASON_BYTES`] on a UTF-8 boundary.
pub fn truncate_reason(reason: &str) -> &str {
    if reason.len() <= MAX_CLOSE_REASON_BYTES {
        return reason;
    }
    let mut end = MAX_CLOSE_REASON_BYTES;
    while !reason.is_char_boundary(end) {
        end -= 1;
    }
    &reason[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_for_codes_the_relay_sends() {
        assert_eq!(CloseCode::NORMAL.name(), "Normal Closure");
        assert_eq!(CloseCode::UPSTREAM_ERROR.name(), "Internal Error");
        assert_eq!(CloseCode(4001).name(), "Private use");
        assert_eq!(CloseCode(999).name(), "Unknown");
    }

    #[test]
    fn reasons_are_cut_on_char_boundaries() {
        assert_eq!(truncate_reason("short"), "short");
        let long = "连".repeat(50); // 150 bytes
        let cut = truncate_reason(&long);
        assert!(cut.len() <= MAX_CLOSE_REASON_BYTES);
        assert_eq!(cut.len(), 123); // 41 whole 3-byte chars
        assert!(long.starts_with(cut));
    }
}
