//! The browser's `WebSocket`, wrapped: binary messages arrive as bytes, every
//! event reaches one callback, and dropping the wrapper detaches the handlers
//! and closes the socket (so an effect's cleanup is all it takes).

use js_sys::{ArrayBuffer, Uint8Array};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{BinaryType, CloseEvent, Event, MessageEvent, WebSocket};
use yew::Callback;

use crate::state::{CloseInfo, Payload, SendError};

/// Something that happened to the socket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SocketEvent {
    /// The handshake succeeded.
    Open,
    /// A whole message arrived (the API never shows frames).
    Message(Payload),
    /// The browser fired `error`; a `Closed` follows.
    Error,
    /// The socket closed.
    Closed(CloseInfo),
}

/// An open (or opening) WebSocket and the handlers attached to it.
pub struct Socket {
    ws: WebSocket,
    _onopen: Closure<dyn FnMut(Event)>,
    _onmessage: Closure<dyn FnMut(MessageEvent)>,
    _onerror: Closure<dyn FnMut(Event)>,
    _onclose: Closure<dyn FnMut(CloseEvent)>,
}

impl Socket {
    /// Open a WebSocket to `url` and report its events to `on_event`.
    ///
    /// Fails only when the browser refuses to create the socket at all (a
    /// malformed URL, or a port on the Fetch standard's bad-ports list);
    /// network failures arrive later as [`SocketEvent::Closed`].
    pub fn open(url: &str, on_event: Callback<SocketEvent>) -> Result<Self, String> {
        let ws = WebSocket::new(url).map_err(|err| js_error_text(&err))?;
        ws.set_binary_type(BinaryType::Arraybuffer);

        let cb = on_event.clone();
        let onopen = Closure::<dyn FnMut(Event)>::new(move |_: Event| cb.emit(SocketEvent::Open));
        let cb = on_event.clone();
        let onmessage = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
            if let Some(payload) = payload_of(&event.data()) {
                cb.emit(SocketEvent::Message(payload));
            }
        });
        let cb = on_event.clone();
        let onerror = Closure::<dyn FnMut(Event)>::new(move |_: Event| cb.emit(SocketEvent::Error));
        let onclose = Closure::<dyn FnMut(CloseEvent)>::new(move |event: CloseEvent| {
            on_event.emit(SocketEvent::Closed(CloseInfo {
                code: event.code(),
                reason: event.reason(),
                clean: event.was_clean(),
            }));
        });
        ws.set_onopen(Some(onopen.as_ref().unchecked_ref()));
        ws.set_onmessage(Some(onmessage.as_ref().unchecked_ref()));
        ws.set_onerror(Some(onerror.as_ref().unchecked_ref()));
        ws.set_onclose(Some(onclose.as_ref().unchecked_ref()));
        Ok(Self {
            ws,
            _onopen: onopen,
            _onmessage: onmessage,
            _onerror: onerror,
            _onclose: onclose,
        })
    }

    /// True when `send` will put the message on the wire.
    pub fn is_open(&self) -> bool {
        self.ws.ready_state() == WebSocket::OPEN
    }

    /// Send one message: a text frame or a binary frame.
    pub fn send(&self, payload: &Payload) -> Result<(), SendError> {
        if !self.is_open() {
            return Err(SendError::NotOpen);
        }
        let sent = match payload {
            Payload::Text(text) => self.ws.send_with_str(text),
            Payload::Binary(bytes) => self.ws.send_with_u8_array(bytes),
        };
        sent.map_err(|err| SendError::Browser(js_error_text(&err)))
    }

    /// Start the closing handshake (code 1000). The `Closed` event follows.
    pub fn close(&self) {
        if let Err(err) = self.ws.close_with_code(protocol::CloseCode::NORMAL.0) {
            // Only an invalid code can make close() throw; 1000 is valid.
            web_sys::console::warn_1(&err);
        }
    }
}

impl Drop for Socket {
    fn drop(&mut self) {
        // Detach first: the closures die with `self`, and a browser calling a
        // dropped closure throws.
        self.ws.set_onopen(None);
        self.ws.set_onmessage(None);
        self.ws.set_onerror(None);
        self.ws.set_onclose(None);
        let state = self.ws.ready_state();
        if state == WebSocket::CONNECTING || state == WebSocket::OPEN {
            self.close();
        }
    }
}

/// A message's data as a payload: an `ArrayBuffer` (binary frame, since the
/// binary type is set to arraybuffer) or a string (text frame).
fn payload_of(data: &JsValue) -> Option<Payload> {
    if let Some(buffer) = data.dyn_ref::<ArrayBuffer>() {
        return Some(Payload::Binary(Uint8Array::new(buffer).to_vec()));
    }
    data.as_string().map(Payload::Text)
}

/// The message of a thrown JavaScript value.
pub fn js_error_text(err: &JsValue) -> String {
    if let Some(err) = err.dyn_ref::<js_sys::Error>() {
        return String::from(err.message());
    }
    err.as_string().unwrap_or_else(|| format!("{err:?}"))
}

/// The WebSocket URL for target `name` on the page's own origin: `wss:` when
/// the page came over `https:`, `ws:` otherwise.
pub fn ws_url(page_protocol: &str, host: &str, name: &str) -> String {
    let scheme = if page_protocol == "https:" {
        "wss:"
    } else {
        "ws:"
    };
    format!("{scheme}//{host}{}", protocol::api::ws_path(name))
}

/// [`ws_url`] for the current page.
pub fn ws_url_here(name: &str) -> Result<String, String> {
    let (page_protocol, host) = page_origin()?;
    Ok(ws_url(&page_protocol, &host, name))
}

/// The WebSocket URL of `path` (with any query) on the page's own origin.
pub fn ws_url_for_path(page_protocol: &str, host: &str, path: &str) -> String {
    let scheme = if page_protocol == "https:" {
        "wss:"
    } else {
        "ws:"
    };
    format!("{scheme}//{host}{path}")
}

/// [`ws_url_for_path`] for the current page.
pub fn ws_url_for_path_here(path: &str) -> Result<String, String> {
    let (page_protocol, host) = page_origin()?;
    Ok(ws_url_for_path(&page_protocol, &host, path))
}

/// `url` with the query parameter `name=value` added (`value`
/// percent-encoded).
fn with_query(url: &str, name: &str, value: &str) -> String {
    let separator = if url.contains('?') { '&' } else { '?' };
    let mut out = format!("{url}{separator}{name}=");
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// `session_url` with `tap=<id>` added.
pub fn with_tap(session_url: &str, tap: &str) -> String {
    with_query(session_url, protocol::tap::TAP_QUERY, tap)
}

/// `session_url` with `auth=<token>` added: how a page presents a target's
/// token (browsers cannot set headers on a WebSocket).
pub fn with_token(session_url: &str, token: &str) -> String {
    with_query(session_url, protocol::api::AUTH_QUERY, token)
}

/// The page's `location.protocol` (`http:`) and `location.host` (`127.0.0.1:8080`).
pub fn page_origin() -> Result<(String, String), String> {
    let location = gloo::utils::window().location();
    let page_protocol = location.protocol().map_err(|err| js_error_text(&err))?;
    let host = location.host().map_err(|err| js_error_text(&err))?;
    Ok((page_protocol, host))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_follows_the_page_origin() {
        assert_eq!(
            ws_url("http:", "127.0.0.1:8080", "echo"),
            "ws://127.0.0.1:8080/ws/echo"
        );
        assert_eq!(
            ws_url("https:", "play.example", "redis"),
            "wss://play.example/ws/redis"
        );
        assert_eq!(
            ws_url_for_path("https:", "play.example", "/tap"),
            "wss://play.example/tap"
        );
        assert_eq!(
            with_tap("ws://h/ws/echo", "ab12"),
            "ws://h/ws/echo?tap=ab12"
        );
    }

    #[test]
    fn a_token_goes_in_the_query_encoded_and_the_tap_after_it() {
        let url = with_token("ws://h/ws/vault", "s3cret");
        assert_eq!(url, "ws://h/ws/vault?auth=s3cret");
        assert_eq!(
            with_tap(&url, "ab12"),
            "ws://h/ws/vault?auth=s3cret&tap=ab12"
        );
        assert_eq!(
            with_token("ws://h/ws/vault", "a b&c=d/é"),
            "ws://h/ws/vault?auth=a%20b%26c%3Dd%2F%C3%A9"
        );
    }
}
