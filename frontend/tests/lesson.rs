//! Component tests of the lesson's protocol views in headless Chromium:
//! the frame inspector and the handshake viewer, fed with tap records as the
//! relay sends them.
//!
//! `CHROMEDRIVER=/usr/bin/chromedriver cargo test -p frontend --target wasm32-unknown-unknown --test lesson`
#![cfg(target_arch = "wasm32")]

use frontend::components::comparison::Comparison;
use frontend::components::frame_inspector::{FrameInspector, FrameInspectorProps};
use frontend::components::handshake::{HandshakeProps, HandshakeView};
use frontend::state::wiretap::{TapAction, WireTap};
use protocol::tap::{TapRecord, TapSource};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement};
use yew::Renderer;

wasm_bindgen_test_configure!(run_in_browser);

mod common;

use common::{find, mount_point, text};

const REQUEST: &str = "GET /ws/echo?tap=t HTTP/1.1\r\nHost: 127.0.0.1:1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
const RESPONSE: &str = "HTTP/1.1 101 Switching Protocols\r\nupgrade: websocket\r\nconnection: upgrade\r\nsec-websocket-accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n";
/// "Hello", masked with 37 fa 21 3d (RFC 6455 §5.7).
const MASKED_HELLO: [u8; 11] = [
    0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58,
];

fn record(tap: &mut WireTap, source: TapSource, bytes: &[u8]) {
    tap.apply(TapAction::Record(TapRecord {
        session: 3,
        source,
        time_us: 1,
        bytes: bytes.to_vec(),
    }));
}

/// A tapped echo session: handshake, a masked "Hello" up, "Hello" down.
fn tapped(response: &str) -> WireTap {
    let mut tap = WireTap::default();
    record(&mut tap, TapSource::BrowserToRelay, REQUEST.as_bytes());
    record(&mut tap, TapSource::RelayToBrowser, response.as_bytes());
    record(&mut tap, TapSource::BrowserToRelay, &MASKED_HELLO);
    record(&mut tap, TapSource::RelayToBrowser, b"\x82\x05Hello");
    tap
}

#[wasm_bindgen_test]
async fn the_inspector_shows_a_masked_and_an_unmasked_frame() {
    let root = mount_point();
    let tap = tapped(RESPONSE);
    let props = FrameInspectorProps {
        frames: tap.frames.clone(),
    };
    Renderer::<FrameInspector>::with_root_and_props(root.clone(), props).render();
    yew::scheduler::flush().await;

    let up = find(&root, "#frames .frame[data-dir=up]");
    assert_eq!(up.get_attribute("data-masked").as_deref(), Some("true"));
    assert_eq!(up.get_attribute("data-opcode").as_deref(), Some("text"));
    assert_eq!(text(&up, ".c-mask"), "1 · 37 fa 21 3d");
    assert_eq!(text(&up, ".c-header"), "81 85 37 fa 21 3d");
    assert_eq!(text(&up, ".c-len"), "5 (7-bit)");
    assert_eq!(text(&up, ".c-payload"), "Hello");

    let down = find(&root, "#frames .frame[data-dir=down]");
    assert_eq!(down.get_attribute("data-masked").as_deref(), Some("false"));
    assert_eq!(down.get_attribute("data-opcode").as_deref(), Some("binary"));
    assert_eq!(text(&down, ".c-mask"), "0");
    assert_eq!(text(&down, ".c-header"), "82 05");

    // Picking the masked frame shows its bytes as sent and unmasked.
    up.unchecked_into::<HtmlElement>().click();
    yew::scheduler::flush().await;
    let detail = find(&root, "#frame-detail");
    assert_eq!(detail.get_attribute("data-masked").as_deref(), Some("true"));
    assert_eq!(text(&detail, ".wire-payload-hex"), "7f 9f 4d 51 58");
    assert_eq!(text(&detail, ".payload-hex"), "48 65 6c 6c 6f");
    assert_eq!(text(&detail, ".payload-text"), "Hello");
    assert_eq!(text(&root, "#frame-count"), "2 frames");
}

#[wasm_bindgen_test]
async fn the_inspector_renders_only_a_window_of_many_frames() {
    let root = mount_point();
    let mut tap = tapped(RESPONSE);
    let many: Vec<u8> = std::iter::repeat_n([0x82u8, 0x01, 0x2a], 20_000)
        .flatten()
        .collect();
    record(&mut tap, TapSource::RelayToBrowser, &many);
    let props = FrameInspectorProps {
        frames: tap.frames.clone(),
    };
    Renderer::<FrameInspector>::with_root_and_props(root.clone(), props).render();
    yew::scheduler::flush().await;
    let rows = root
        .query_selector_all("#frames .frame")
        .expect("valid selector")
        .length();
    assert!(rows > 0 && rows < 50, "{rows} rows in the DOM");
    assert_eq!(text(&root, "#frame-count"), "20002 frames");
}

#[wasm_bindgen_test]
async fn the_handshake_viewer_recomputes_the_accept_value() {
    let root = mount_point();
    let tap = tapped(RESPONSE);
    let props = HandshakeProps {
        session: tap.latest().cloned(),
    };
    Renderer::<HandshakeView>::with_root_and_props(root.clone(), props).render();
    yew::scheduler::flush().await;
    assert_eq!(
        text(&root, "#accept-computed"),
        "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="
    );
    assert_eq!(
        text(&root, "#accept-received"),
        "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="
    );
    let verdict = find(&root, "#accept-match");
    assert_eq!(verdict.get_attribute("data-match").as_deref(), Some("true"));
    assert!(text(&root, "#hs-request").starts_with("GET /ws/echo"));
}

#[wasm_bindgen_test]
async fn the_handshake_viewer_hides_the_token() {
    let root = mount_point();
    let mut tap = WireTap::default();
    let request = REQUEST.replacen("?tap=t", "?auth=s3cret&tap=t", 1);
    record(&mut tap, TapSource::BrowserToRelay, request.as_bytes());
    record(&mut tap, TapSource::RelayToBrowser, RESPONSE.as_bytes());
    let props = HandshakeProps {
        session: tap.latest().cloned(),
    };
    Renderer::<HandshakeView>::with_root_and_props(root.clone(), props).render();
    yew::scheduler::flush().await;
    let shown = text(&root, "#hs-request");
    assert!(
        shown.starts_with("GET /ws/echo?auth=•••&tap=t HTTP/1.1"),
        "{shown}"
    );
    assert!(!shown.contains("s3cret"), "{shown}");
    assert_eq!(
        find(&root, "#accept-match")
            .get_attribute("data-match")
            .as_deref(),
        Some("true")
    );
}

#[wasm_bindgen_test]
async fn a_forged_accept_value_does_not_match() {
    let root = mount_point();
    let tap = tapped(&RESPONSE.replace("s3pP", "AAAA"));
    let props = HandshakeProps {
        session: tap.latest().cloned(),
    };
    Renderer::<HandshakeView>::with_root_and_props(root.clone(), props).render();
    yew::scheduler::flush().await;
    let verdict = find(&root, "#accept-match");
    assert_eq!(
        verdict.get_attribute("data-match").as_deref(),
        Some("false")
    );
    assert!(text(&root, "#accept-received").starts_with("AAAA"));
}

#[wasm_bindgen_test]
async fn every_comparison_row_links_to_something_on_the_page() {
    let root = mount_point();
    Renderer::<Comparison>::with_root(root.clone()).render();
    yew::scheduler::flush().await;
    let links = root
        .query_selector_all("#comparison tbody a")
        .expect("valid");
    assert_eq!(links.length(), 5);
    for i in 0..links.length() {
        let link: Element = links.item(i).expect("a link").unchecked_into();
        let href = link.get_attribute("href").unwrap_or_default();
        assert!(href.starts_with('#') && href.len() > 1, "{href:?}");
    }
}
