//! The experiments' measurements, taken in the visitor's browser: look for a
//! socket API, `fetch()` and `new WebSocket()` straight at the recorder's raw
//! TCP port, and the same recorder through the relay with a wire tap. Each
//! returns a plain result from [`crate::state::experiments`].

use js_sys::Reflect;
use protocol::tap::{TapHello, TapRecord, TapSource, TAP_PATH};
use protocol::Capture;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{RequestCache, RequestInit, Response};

use crate::api::fetch_captures;
use crate::browser::{deadline_in, sleep_ms, Mailbox};
use crate::json;
use crate::socket::{
    js_error_text, with_tap, ws_url_for_path_here, ws_url_here, Socket, SocketEvent,
};
use crate::state::experiments::{ApiScan, Captured, FetchEnd, RelayResult, SocketEnd};
use crate::state::Payload;

/// How long a socket aimed at a raw port gets to fail.
pub const SOCKET_DEADLINE_MS: f64 = 10_000.0;
/// How long the recorder is asked for a capture that should come.
pub const CAPTURE_DEADLINE_MS: f64 = 3_000.0;
/// How long the page waits before concluding nothing reached a port.
pub const SILENCE_MS: f64 = 1_000.0;
/// How long the relay experiment gets for each step.
pub const STEP_DEADLINE_MS: f64 = 5_000.0;
/// Between two questions to the recorder.
const POLL_MS: i32 = 100;

/// A fresh marker for one run.
pub fn new_marker() -> String {
    crate::state::experiments::marker(js_sys::Math::random)
}

/// Asks the recorder until `done` holds for its captures or `deadline`
/// passes: a capture can land a moment after the browser reports failure.
pub async fn poll_captures(
    marker: &str,
    deadline: f64,
    done: impl Fn(&[Capture]) -> bool,
) -> Captured {
    loop {
        match fetch_captures(marker).await {
            Err(err) => return Captured::Unavailable(err),
            Ok(captures) if done(&captures) || js_sys::Date::now() >= deadline => {
                return Captured::Found(captures)
            }
            Ok(_) => sleep_ms(POLL_MS).await,
        }
    }
}

/// True when a capture holds a whole HTTP head, or a whole TLS ClientHello
/// (what an https page sends first).
pub fn has_whole_head(captures: &[Capture]) -> bool {
    captures.iter().any(|c| {
        c.bytes.windows(4).any(|w| w == b"\r\n\r\n")
            || protocol::tls_hello::ClientHello::parse(&c.bytes).is_some()
    })
}

fn typeof_of(value: &JsValue) -> String {
    value.js_typeof().as_string().unwrap_or_default()
}

fn bool_prop(target: &JsValue, name: &str) -> bool {
    Reflect::get(target, &JsValue::from_str(name))
        .ok()
        .and_then(|v| v.as_bool())
        .unwrap_or(false)
}

/// What this page has for raw sockets, asked of the browser itself.
pub fn scan_socket_api() -> ApiScan {
    let window: JsValue = gloo::utils::window().into();
    let navigator: JsValue = gloo::utils::window().navigator().into();
    let get = |target: &JsValue, name: &str| {
        Reflect::get(target, &JsValue::from_str(name)).unwrap_or(JsValue::UNDEFINED)
    };
    ApiScan {
        typeof_tcp_socket: typeof_of(&get(&window, "TCPSocket")),
        tcp_socket_in_window: Reflect::has(&window, &JsValue::from_str("TCPSocket"))
            .unwrap_or(false),
        typeof_navigator_tcp: typeof_of(&get(&navigator, "tcp")),
        secure_context: bool_prop(&window, "isSecureContext"),
        cross_origin_isolated: bool_prop(&window, "crossOriginIsolated"),
    }
}

/// The name and message of a thrown or rejected value: `TypeError: Failed to fetch`.
pub fn error_name_and_message(err: &JsValue) -> String {
    match err.dyn_ref::<js_sys::Error>() {
        Some(err) => format!(
            "{}: {}",
            String::from(err.name()),
            String::from(err.message())
        ),
        None => js_error_text(err),
    }
}

/// `fetch(url)`, and how it ended. A plain CORS GET, as any page would
/// make: no preflight, and the browser adds `Origin` itself.
pub async fn fetch_probe(url: String) -> FetchEnd {
    let init = RequestInit::new();
    init.set_cache(RequestCache::NoStore);
    let promise = gloo::utils::window().fetch_with_str_and_init(&url, &init);
    match JsFuture::from(promise).await {
        Ok(value) => match value.dyn_into::<Response>() {
            Ok(response) => FetchEnd::Response {
                // ASCII names ("Opaque"): `to_lowercase` would link Unicode's
                // case tables, 8 KB of the page gzipped.
                kind: format!("{:?}", response.type_()).to_ascii_lowercase(),
                status: response.status(),
            },
            Err(other) => FetchEnd::Rejected(js_error_text(&other)),
        },
        Err(err) => FetchEnd::Rejected(error_name_and_message(&err)),
    }
}

/// `new WebSocket(url)` and what the browser then reported, until it closed
/// or `SOCKET_DEADLINE_MS` passed.
pub async fn socket_probe(url: String) -> SocketEnd {
    let mailbox = Mailbox::new();
    let socket = match Socket::open(&url, mailbox.callback()) {
        Ok(socket) => socket,
        Err(thrown) => {
            return SocketEnd {
                thrown: Some(thrown),
                ..SocketEnd::default()
            }
        }
    };
    let deadline = deadline_in(SOCKET_DEADLINE_MS);
    let mut end = SocketEnd::default();
    while let Some(event) = mailbox.next_before(deadline).await {
        match event {
            SocketEvent::Open => {
                end.opened = true;
                socket.close();
            }
            SocketEvent::Message(_) => {}
            SocketEvent::Error => end.error_event = true,
            SocketEvent::Closed(info) => {
                end.close = Some((info.code, info.reason, info.clean));
                break;
            }
        }
    }
    end
}

/// The bytes the relay experiment sends: text, a marker, and bytes no
/// HTTP request could carry in its first line.
pub fn relay_probe_bytes(marker: &str) -> Vec<u8> {
    let mut bytes = format!("hello recorder {marker} ").into_bytes();
    bytes.extend_from_slice(&[0x00, 0x01, 0xfe, 0xff, b'\r', b'\n']);
    bytes
}

/// The same recorder through the relay: opens a tap of its own, the session
/// `/ws/recorder?tap=…`, sends [`relay_probe_bytes`], and collects the
/// recorder's reply and what the tap saw go to the recorder.
pub async fn relay_probe(marker: &str) -> RelayResult {
    let sent = relay_probe_bytes(marker);
    let mut result = RelayResult {
        sent: sent.clone(),
        ..RelayResult::default()
    };
    if let Err(problem) = relay_probe_steps(&mut result).await {
        result.problem = Some(problem);
    }
    result
}

/// A wire tap of an experiment's own: the socket (closed when dropped),
/// what it says, and its secret id.
pub struct OwnTap {
    /// The tap's socket.
    pub socket: Socket,
    /// Its records and events.
    pub events: Mailbox<SocketEvent>,
    /// The id to pass as `?tap=`.
    pub id: String,
}

/// Opens a wire tap and waits for its hello.
pub async fn open_own_tap() -> Result<OwnTap, String> {
    let events = Mailbox::new();
    let socket = Socket::open(&ws_url_for_path_here(TAP_PATH)?, events.callback())?;
    let deadline = deadline_in(STEP_DEADLINE_MS);
    loop {
        match events.next_before(deadline).await {
            Some(SocketEvent::Message(Payload::Text(text))) => {
                let hello: TapHello = json::from_str(&text)?;
                return Ok(OwnTap {
                    socket,
                    events,
                    id: hello.tap,
                });
            }
            Some(SocketEvent::Closed(info)) => {
                return Err(format!("the tap closed: {} {}", info.code, info.reason))
            }
            Some(_) => {}
            None => return Err("no tap hello".into()),
        }
    }
}

/// Opens `url` and waits until it is open.
pub async fn open_session(url: &str) -> Result<(Socket, Mailbox<SocketEvent>), String> {
    let events = Mailbox::new();
    let session = Socket::open(url, events.callback())?;
    let deadline = deadline_in(STEP_DEADLINE_MS);
    loop {
        match events.next_before(deadline).await {
            Some(SocketEvent::Open) => return Ok((session, events)),
            Some(SocketEvent::Closed(info)) => {
                return Err(format!("closed: {} {}", info.code, info.reason))
            }
            Some(_) => {}
            None => return Err("the session did not open".into()),
        }
    }
}

async fn relay_probe_steps(result: &mut RelayResult) -> Result<(), String> {
    let OwnTap {
        socket: tap,
        events: taps,
        id,
    } = open_own_tap().await?;
    result.url = with_tap(&ws_url_here(protocol::scenarios::targets::RECORDER)?, &id);
    let (session, events) = open_session(&result.url).await?;
    let deadline = deadline_in(STEP_DEADLINE_MS);
    session
        .send(&Payload::Binary(result.sent.clone()))
        .map_err(|err| err.to_string())?;
    while result.reply.is_none() {
        match events.next_before(deadline).await {
            Some(SocketEvent::Message(payload)) => result.reply = Some(payload.bytes().to_vec()),
            Some(SocketEvent::Closed(info)) => {
                return Err(format!("closed: {} {}", info.code, info.reason))
            }
            Some(_) => {}
            None => return Err("no reply".into()),
        }
    }
    // The tap's copy of what the relay wrote to the recorder.
    while result.upstream.len() < result.sent.len() {
        match taps.next_before(deadline).await {
            Some(SocketEvent::Message(Payload::Binary(bytes))) => {
                if let Ok(record) = TapRecord::decode(&bytes) {
                    if record.source == TapSource::RelayToUpstream {
                        result.upstream.extend_from_slice(&record.bytes);
                    }
                }
            }
            Some(_) => {}
            None => break,
        }
    }
    session.close();
    drop(tap);
    Ok(())
}
