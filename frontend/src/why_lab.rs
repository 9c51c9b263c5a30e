//! The measurements of the experiments that show why a page gets WebSocket
//! and not a socket, taken in the visitor's browser: a WebSocket to the
//! relay under its other loopback name (consent), an HTTP request sent as a
//! message and watched on the wire (masking), and the census of the
//! browser's other doors. Each returns a plain result from
//! [`crate::state::why`].

use js_sys::Reflect;
use protocol::tap::{TapEvent, TapRecord, TapSource};
use wasm_bindgen::JsValue;

use crate::browser::{deadline_in, Mailbox};
use crate::lab::{open_own_tap, open_session, socket_probe, OwnTap, STEP_DEADLINE_MS};
use crate::socket::{page_origin, with_tap, ws_url, ws_url_here, SocketEvent};
use crate::state::why::{
    other_loopback, AddressSpace, ConsentResult, DoorsScan, MaskingResult, RelayWord,
};
use crate::state::Payload;
use crate::tap_event;

/// The relay under the page's other loopback name, if it has one:
/// `ws://localhost:8080/ws/recorder` for a page on `127.0.0.1:8080`.
pub fn cross_origin_url() -> Option<String> {
    let (page_protocol, host) = page_origin().ok()?;
    let other = other_loopback(&host)?;
    Some(ws_url(
        &page_protocol,
        &other,
        protocol::scenarios::targets::RECORDER,
    ))
}

/// Consent: opens a tap of its own, then a WebSocket to the relay under its
/// other name carrying the tap's id; reports what the browser saw and what
/// the relay said on the tap.
pub async fn consent_probe(url: String) -> ConsentResult {
    let mut result = ConsentResult::default();
    let tap = match open_own_tap().await {
        Ok(tap) => tap,
        Err(problem) => {
            result.problem = Some(problem);
            return result;
        }
    };
    result.url = with_tap(&url, &tap.id);
    result.end = socket_probe(result.url.clone()).await;
    result.relay = refusal_on(&tap).await;
    result
}

/// The first refusal the relay reports on `tap`, within the step deadline.
async fn refusal_on(tap: &OwnTap) -> Option<RelayWord> {
    let deadline = deadline_in(STEP_DEADLINE_MS);
    while let Some(event) = tap.events.next_before(deadline).await {
        let SocketEvent::Message(Payload::Binary(bytes)) = event else {
            continue;
        };
        let Some(TapEvent::Refused {
            status,
            reason,
            origin,
            message,
        }) = TapRecord::decode(&bytes)
            .ok()
            .filter(|record| record.source == TapSource::Event)
            // Not `TapRecord::event`: it would bring serde_json's parser into
            // the page (tap_event.rs).
            .and_then(|record| tap_event::from_slice(&record.bytes))
        else {
            continue;
        };
        return Some(RelayWord {
            status,
            reason,
            origin,
            message,
        });
    }
    None
}

/// Masking: sends `sent` as one text message to the recorder through the
/// relay with a tap of its own, and collects what the tap saw on the wire
/// from the browser (masked) and what the relay wrote to the recorder.
pub async fn masking_probe(sent: Vec<u8>) -> MaskingResult {
    let mut result = MaskingResult {
        sent,
        ..MaskingResult::default()
    };
    if let Err(problem) = masking_steps(&mut result).await {
        result.problem = Some(problem);
    }
    result
}

async fn masking_steps(result: &mut MaskingResult) -> Result<(), String> {
    let tap = open_own_tap().await?;
    let url = with_tap(
        &ws_url_here(protocol::scenarios::targets::RECORDER)?,
        &tap.id,
    );
    let (session, events) = open_session(&url).await?;
    let text = String::from_utf8_lossy(&result.sent).into_owned();
    session
        .send(&Payload::Text(text))
        .map_err(|err| err.to_string())?;
    // The recorder's reply says the bytes are in; a whole HTTP request head
    // it answers by closing (as it does for a browser's own fetch), which
    // the relay passes on as 1000.
    wait_for_recorder(&events).await?;
    let mut from_browser = Vec::new();
    let deadline = deadline_in(STEP_DEADLINE_MS);
    // The tap's records keep their order: the frame read from the browser
    // comes before the bytes written to the recorder.
    while result.upstream.len() < result.sent.len() {
        match tap.events.next_before(deadline).await {
            Some(SocketEvent::Message(Payload::Binary(bytes))) => {
                let Ok(record) = TapRecord::decode(&bytes) else {
                    continue;
                };
                match record.source {
                    TapSource::BrowserToRelay => from_browser.extend_from_slice(&record.bytes),
                    TapSource::RelayToUpstream => result.upstream.extend_from_slice(&record.bytes),
                    _ => {}
                }
            }
            Some(_) => {}
            None => break,
        }
    }
    session.close();
    result.read_wire(&from_browser);
    Ok(())
}

async fn wait_for_recorder(events: &Mailbox<SocketEvent>) -> Result<(), String> {
    let deadline = deadline_in(STEP_DEADLINE_MS);
    loop {
        match events.next_before(deadline).await {
            Some(SocketEvent::Message(_)) => return Ok(()),
            Some(SocketEvent::Closed(info)) if info.code == 1000 => return Ok(()),
            Some(SocketEvent::Closed(info)) => {
                return Err(format!("closed: {} {}", info.code, info.reason))
            }
            Some(_) => {}
            None => return Err("no reply".into()),
        }
    }
}

/// The browser's other doors, asked of the browser itself.
pub fn scan_doors() -> DoorsScan {
    let window: JsValue = gloo::utils::window().into();
    let has = |name: &str| {
        Reflect::get(&window, &JsValue::from_str(name))
            .map(|v| !v.is_undefined())
            .unwrap_or(false)
    };
    let hostname = gloo::utils::window()
        .location()
        .hostname()
        .unwrap_or_default();
    let location = gloo::utils::window().location();
    // Only an https page has a mixed-content rule to show: ws:// to its own
    // host, which the browser must refuse before connecting.
    let mixed_content = (location.protocol().as_deref() == Ok("https:")).then(|| {
        let host = location.host().unwrap_or_default();
        match web_sys::WebSocket::new(&format!("ws://{host}/")) {
            Err(err) => Some(crate::socket::js_error_text(&err)),
            Ok(socket) => {
                let _ = socket.close();
                None
            }
        }
    });
    DoorsScan {
        mixed_content,
        tcp_socket: has("TCPSocket"),
        udp_socket: has("UDPSocket"),
        web_transport: has("WebTransport"),
        web_socket_stream: has("WebSocketStream"),
        space: AddressSpace::of_host(&hostname),
    }
}
