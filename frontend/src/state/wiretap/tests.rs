//! The tap's records of whole echo sessions, split every which way, put
//! back together.

use super::*;
use crate::json;

const REQUEST: &str = "GET /ws/echo?tap=x HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
const RESPONSE: &str = "HTTP/1.1 101 Switching Protocols\r\nupgrade: websocket\r\nconnection: upgrade\r\nsec-websocket-accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n";
// "Hello", masked with 37 fa 21 3d (RFC 6455 §5.7).
const MASKED_HELLO: [u8; 11] = [
    0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58,
];

fn rec(session: u32, source: TapSource, time_us: u64, bytes: &[u8]) -> TapAction {
    TapAction::Record(TapRecord {
        session,
        source,
        time_us,
        bytes: bytes.to_vec(),
    })
}

fn event(session: u32, time_us: u64, event: &TapEvent) -> TapAction {
    rec(
        session,
        TapSource::Event,
        time_us,
        json::to_string(event).unwrap().as_bytes(),
    )
}

/// A whole echo session, with the frames split across records.
fn echo_session(tap: &mut WireTap, session: u32) {
    tap.apply(rec(
        session,
        TapSource::BrowserToRelay,
        1,
        REQUEST.as_bytes(),
    ));
    tap.apply(rec(
        session,
        TapSource::RelayToBrowser,
        2,
        RESPONSE.as_bytes(),
    ));
    tap.apply(event(
        session,
        3,
        &TapEvent::Opened {
            target: "echo".into(),
        },
    ));
    tap.apply(rec(
        session,
        TapSource::BrowserToRelay,
        4,
        &MASKED_HELLO[..4],
    ));
    tap.apply(rec(
        session,
        TapSource::BrowserToRelay,
        5,
        &MASKED_HELLO[4..],
    ));
    tap.apply(rec(session, TapSource::RelayToUpstream, 6, b"Hello"));
    tap.apply(rec(session, TapSource::UpstreamToRelay, 7, b"Hello"));
    let mut down = vec![0x82, 0x05];
    down.extend_from_slice(b"Hello");
    down.extend_from_slice(&[0x89, 0x00]); // a ping in the same chunk
    tap.apply(rec(session, TapSource::RelayToBrowser, 8, &down));
    let mut close = vec![0x88, 0x0a];
    close.extend_from_slice(&[0x03, 0xE8]);
    close.extend_from_slice(b"goodbye!");
    tap.apply(rec(session, TapSource::RelayToBrowser, 9, &close));
}

#[test]
fn records_become_heads_and_frames_per_direction() {
    let mut tap = WireTap::default();
    echo_session(&mut tap, 7);
    let wire = tap.latest().expect("a session");
    assert_eq!(wire.session, 7);
    assert_eq!(wire.target.as_deref(), Some("echo"));
    assert_eq!(wire.request.as_deref(), Some(REQUEST));
    assert_eq!(wire.response.as_deref(), Some(RESPONSE));
    assert_eq!(wire.frames, (1, 3));
    assert_eq!(wire.tcp_bytes, (5, 5));

    let frames = tap.frames.slice(0..10);
    let summary: Vec<_> = frames
        .iter()
        .map(|f| {
            (
                f.number,
                f.dir,
                opcode_name(f.frame.header.opcode),
                f.frame.header.mask.is_some(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            (1, WsDir::Up, "text", true),
            (2, WsDir::Down, "binary", false),
            (3, WsDir::Down, "ping", false),
            (4, WsDir::Down, "close", false),
        ]
    );
    let up = &frames[0].frame;
    assert_eq!(up.header.mask, Some([0x37, 0xfa, 0x21, 0x3d]));
    assert_eq!(up.wire_payload, MASKED_HELLO[6..]);
    assert_eq!(up.payload, b"Hello");
    assert_eq!(frames[3].close(), Some((1000, "goodbye!".into())));
    assert_eq!(frames[0].close(), None);
}

#[test]
fn the_timeline_interleaves_both_sides_in_time_order() {
    let mut tap = WireTap::default();
    echo_session(&mut tap, 1);
    let wire = tap.latest().unwrap();
    let kinds: Vec<String> = wire
        .timeline
        .slice(0..100)
        .iter()
        .map(|e| match &e.moment {
            Moment::Head { dir, .. } => format!("head-{}", dir.name()),
            Moment::Frame { dir, opcode, .. } => {
                format!("{}-{}", opcode_name(*opcode), dir.name())
            }
            Moment::Tcp {
                dir: TcpDir::ToService,
                ..
            } => "tcp-to".into(),
            Moment::Tcp { .. } => "tcp-from".into(),
            Moment::Event(_) => "event".into(),
            Moment::Broken(_) => "broken".into(),
        })
        .collect();
    assert_eq!(
        kinds,
        [
            "head-up",
            "head-down",
            "event",
            "text-up",
            "tcp-to",
            "tcp-from",
            "binary-down",
            "ping-down",
            "close-down"
        ]
    );
    let times: Vec<u64> = wire
        .timeline
        .slice(0..100)
        .iter()
        .map(|e| e.time_us)
        .collect();
    assert!(times.windows(2).all(|w| w[0] <= w[1]));
}

#[test]
fn sessions_are_kept_apart() {
    let mut tap = WireTap::default();
    tap.apply(rec(
        1,
        TapSource::BrowserToRelay,
        1,
        &REQUEST.as_bytes()[..20],
    ));
    tap.apply(rec(2, TapSource::BrowserToRelay, 2, REQUEST.as_bytes()));
    tap.apply(rec(
        1,
        TapSource::BrowserToRelay,
        3,
        &REQUEST.as_bytes()[20..],
    ));
    assert_eq!(tap.sessions.len(), 2);
    assert!(tap
        .sessions
        .iter()
        .all(|s| s.request.as_deref() == Some(REQUEST)));
    assert_eq!(tap.latest().map(|s| s.session), Some(2));
}

#[test]
fn accept_is_recomputed_and_compared() {
    let check = AcceptCheck::of(REQUEST, Some(RESPONSE)).unwrap();
    assert_eq!(check.key, "dGhlIHNhbXBsZSBub25jZQ==");
    assert_eq!(check.computed, "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
    assert!(check.matches());
    let forged = RESPONSE.replace("s3pP", "AAAA");
    assert!(!AcceptCheck::of(REQUEST, Some(&forged)).unwrap().matches());
    assert!(!AcceptCheck::of(REQUEST, None).unwrap().matches());
    assert_eq!(AcceptCheck::of("GET / HTTP/1.1\r\n\r\n", None), None);
}

#[test]
fn garbage_is_reported_once_and_the_tap_link_is_tracked() {
    let mut tap = WireTap::default();
    tap.apply(TapAction::Connecting);
    assert_eq!(tap.tap_id(), None);
    tap.apply(TapAction::Hello("abc".into()));
    assert_eq!(tap.tap_id(), Some("abc"));
    tap.apply(rec(1, TapSource::RelayToBrowser, 1, RESPONSE.as_bytes()));
    tap.apply(rec(1, TapSource::RelayToBrowser, 2, &[0x83, 0x00]));
    tap.apply(rec(1, TapSource::RelayToBrowser, 3, &[0x81, 0x00]));
    let wire = tap.latest().unwrap();
    let broken = wire
        .timeline
        .slice(0..10)
        .iter()
        .filter(|e| matches!(e.moment, Moment::Broken(_)))
        .count();
    assert_eq!(broken, 1);
    assert!(tap.frames.is_empty());
    tap.apply(TapAction::Lost("closed".into()));
    assert_eq!(tap.tap_id(), None);
}

#[test]
fn a_hundred_thousand_frames_through_the_reducer() {
    let mut tap = Rc::new(WireTap::default());
    tap = tap.reduce(rec(1, TapSource::RelayToBrowser, 0, RESPONSE.as_bytes()));
    let one = [0x82u8, 0x01, 0x2a];
    for i in 0..100_000u64 {
        tap = tap.reduce(rec(1, TapSource::RelayToBrowser, i, &one));
    }
    assert_eq!(tap.frames.len(), 100_000);
    assert_eq!(tap.frames.last().map(|f| f.number), Some(100_000));
}

#[test]
fn the_shown_heads_hide_the_token_and_nothing_else() {
    let request = "GET /ws/vault?auth=s3cret&tap=x HTTP/1.1\r\nHost: h\r\nSec-WebSocket-Protocol: auth.s3cret, binary\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n";
    assert_eq!(
        hide_token_in_head(request),
        "GET /ws/vault?auth=•••&tap=x HTTP/1.1\r\nHost: h\r\nSec-WebSocket-Protocol: auth.•••, binary\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n"
    );
    // The token last in the query, the header in lower case, the response
    // answering with the offered subprotocol.
    assert_eq!(
        hide_token_in_head("GET /ws/vault?tap=x&auth=a%20b HTTP/1.1"),
        "GET /ws/vault?tap=x&auth=••• HTTP/1.1"
    );
    assert_eq!(
        hide_token_in_head(
            "HTTP/1.1 101 Switching Protocols\r\nsec-websocket-protocol: auth.s3cret\r\n\r\n"
        ),
        "HTTP/1.1 101 Switching Protocols\r\nsec-websocket-protocol: auth.•••\r\n\r\n"
    );
    // Heads without a token are shown exactly as they were.
    assert_eq!(hide_token_in_head(REQUEST), REQUEST);
    assert_eq!(hide_token_in_head(RESPONSE), RESPONSE);
    assert_eq!(
        hide_token_in_head("GET /ws/echo?authority=x HTTP/1.1\r\nX-Auth: auth.x\r\n"),
        "GET /ws/echo?authority=x HTTP/1.1\r\nX-Auth: auth.x\r\n"
    );
}

#[test]
fn a_tapped_session_with_a_token_keeps_its_bytes_and_shows_no_token() {
    let request = REQUEST.replacen("?tap=x", "?auth=s3cret&tap=x", 1);
    let mut tap = WireTap::default();
    tap.apply(rec(1, TapSource::BrowserToRelay, 1, request.as_bytes()));
    tap.apply(rec(1, TapSource::RelayToBrowser, 2, RESPONSE.as_bytes()));
    let wire = tap.latest().expect("a session");
    assert_eq!(
        wire.request.as_deref(),
        Some(request.as_str()),
        "kept as received"
    );
    let shown = hide_token_in_head(wire.request.as_deref().unwrap_or_default());
    assert!(!shown.contains("s3cret"), "{shown}");
    assert!(shown.starts_with("GET /ws/echo?auth=•••&tap=x HTTP/1.1\r\n"));
    assert!(wire.accept_check().is_some_and(|c| c.matches()));
    let Some(TimelineEntry {
        moment: Moment::Head { line, .. },
        ..
    }) = wire.timeline.get(0).as_deref().cloned()
    else {
        panic!("the request head first");
    };
    assert_eq!(
        hide_token_in_head(&line),
        "GET /ws/echo?auth=•••&tap=x HTTP/1.1"
    );
}
