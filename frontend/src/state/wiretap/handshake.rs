//! The upgrade heads as the wire views show them: the accept key checked
//! again in the page, and the token hidden from the text.

use protocol::handshake::{accept_key, header_value};

/// The handshake's one computed value, recomputed here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AcceptCheck {
    /// `Sec-WebSocket-Key` from the request.
    pub key: String,
    /// base64(SHA-1(key + GUID)), computed in the page.
    pub computed: String,
    /// `Sec-WebSocket-Accept` from the response, if it came.
    pub received: Option<String>,
}

impl AcceptCheck {
    /// The check for a request head and (maybe) a response head.
    pub fn of(request: &str, response: Option<&str>) -> Option<Self> {
        let key = header_value(request, "Sec-WebSocket-Key")?;
        Some(Self {
            key: key.to_owned(),
            computed: accept_key(key),
            received: response
                .and_then(|r| header_value(r, "Sec-WebSocket-Accept"))
                .map(str::to_owned),
        })
    }

    /// True when the relay's answer is the value the page computed.
    pub fn matches(&self) -> bool {
        self.received.as_deref() == Some(self.computed.as_str())
    }
}

/// An HTTP upgrade head (or just its first line) as the page shows it: the
/// token hidden the way the status line and the log hide it, `auth=•••` in
/// the request target and `auth.•••` among the `Sec-WebSocket-Protocol`
/// values (the relay answers with the one it was offered). Display only:
/// [`super::SessionWire::request`] keeps the bytes as received, and no view shows
/// the heads' bytes or lengths, only this text.
pub fn hide_token_in_head(head: &str) -> String {
    head.split_inclusive('\n')
        .enumerate()
        .map(|(i, line)| {
            if i == 0 {
                hide_token_in_request_line(line)
            } else {
                hide_token_in_subprotocols(line)
            }
        })
        .collect()
}

/// `GET /ws/vault?auth=s3cret HTTP/1.1` → `GET /ws/vault?auth=••• HTTP/1.1`;
/// any other line unchanged.
fn hide_token_in_request_line(line: &str) -> String {
    let mut parts = line.splitn(3, ' ');
    match (parts.next(), parts.next(), parts.next()) {
        (Some(method), Some(target), Some(rest)) => {
            format!("{method} {} {rest}", crate::state::hide_token(target))
        }
        _ => line.to_owned(),
    }
}

/// `Sec-WebSocket-Protocol: auth.s3cret, binary` → `…: auth.•••, binary`;
/// any other line unchanged.
fn hide_token_in_subprotocols(line: &str) -> String {
    let prefix = protocol::api::AUTH_SUBPROTOCOL_PREFIX;
    let Some((name, value)) = line.split_once(':') else {
        return line.to_owned();
    };
    if !name.trim().eq_ignore_ascii_case("sec-websocket-protocol") || !value.contains(prefix) {
        return line.to_owned();
    }
    let body = value.trim_end_matches(['\r', '\n']);
    let eol = &value[body.len()..];
    let offered: Vec<String> = body
        .split(',')
        .map(|item| match item.trim_start().strip_prefix(prefix) {
            Some(_) => {
                let space = &item[..item.len() - item.trim_start().len()];
                format!("{space}{prefix}•••")
            }
            None => item.to_owned(),
        })
        .collect();
    format!("{name}:{}{eol}", offered.join(","))
}
