//! The wire tap on real sockets: a page's own session, byte for byte.

mod common;

use common::{start_echo, TestRelay};
use futures_util::{SinkExt, StreamExt};
use protocol::{
    frame::Opcode,
    handshake::{accept_key, header_value},
    tap::{TapEvent, TapHello, TapRecord, TapSource},
    wire::{WireItem, WireParser},
};
use tokio_tungstenite::{connect_async, tungstenite::Message};

/// Opens a tap and reads its hello.
async fn open_tap(
    relay: &TestRelay,
) -> (
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>,
    TapHello,
) {
    let (mut tap, _) = connect_async(format!("ws://{}/tap", relay.addr))
        .await
        .unwrap();
    let Some(Ok(Message::Text(hello))) = tap.next().await else {
        panic!("no hello")
    };
    (tap, serde_json::from_str(&hello).unwrap())
}

/// Reads tap records until the session's Closed event.
async fn records_until_closed<S>(tap: &mut S) -> Vec<TapRecord>
where
    S: futures_util::Stream<Item = Result<Message, tokio_tungstenite::tungstenite::Error>> + Unpin,
{
    let mut records = Vec::new();
    loop {
        let msg = tokio::time::timeout(std::time::Duration::from_secs(10), tap.next())
            .await
            .expect("tap records keep coming")
            .expect("tap open")
            .expect("tap ok");
        if let Message::Binary(data) = msg {
            let record = TapRecord::decode(&data).unwrap();
            let closed = matches!(record.event(), Some(TapEvent::Closed { .. }));
            records.push(record);
            if closed {
                return records;
            }
        }
    }
}

fn stream_of(records: &[TapRecord], source: TapSource) -> Vec<u8> {
    records
        .iter()
        .filter(|r| r.source == source)
        .flat_map(|r| r.bytes.clone())
        .collect()
}

#[tokio::test]
async fn tap_shows_handshake_masked_frames_and_tcp_bytes() {
    let (echo, _stop) = start_echo().await;
    let relay = TestRelay::start(&[("echo", echo)]).await;
    let (mut tap, hello) = open_tap(&relay).await;

    let url = format!("{}?tap={}", relay.ws_url("echo"), hello.tap);
    let (mut ws, _) = connect_async(url).await.unwrap();
    ws.send(Message::text("Hello")).await.unwrap();
    assert!(matches!(ws.next().await, Some(Ok(Message::Binary(b))) if &b[..] == b"Hello"));
    ws.close(None).await.unwrap();
    let records = records_until_closed(&mut tap).await;

    assert!(records
        .iter()
        .any(|r| matches!(r.event(), Some(TapEvent::Opened { ref target }) if target == "echo")));
    assert_eq!(
        records[0].source,
        TapSource::BrowserToRelay,
        "the upgrade request comes first"
    );
    // Browser → relay: the upgrade request, then masked frames.
    let mut up = WireParser::new();
    let items = up.push(&stream_of(&records, TapSource::BrowserToRelay));
    let WireItem::Head(request) = &items[0] else {
        panic!("{items:?}")
    };
    assert!(request.starts_with("GET /ws/echo?tap="), "{request}");
    let key = header_value(request, "Sec-WebSocket-Key").expect("a key");
    let WireItem::Frame(text) = &items[1] else {
        panic!("{items:?}")
    };
    assert_eq!(
        (text.header.opcode, text.payload.as_slice()),
        (Opcode::Text, &b"Hello"[..])
    );
    assert!(text.header.mask.is_some(), "client frames are masked");
    assert_ne!(
        text.wire_payload, b"Hello",
        "masked bytes differ from the payload"
    );
    assert!(items
        .iter()
        .any(|i| matches!(i, WireItem::Frame(f) if f.header.opcode == Opcode::Close)));

    // Relay → browser: the 101 with the right accept value, then unmasked frames.
    let mut down = WireParser::new();
    let items = down.push(&stream_of(&records, TapSource::RelayToBrowser));
    let WireItem::Head(response) = &items[0] else {
        panic!("{items:?}")
    };
    assert!(response.starts_with("HTTP/1.1 101"), "{response}");
    assert_eq!(
        header_value(response, "Sec-WebSocket-Accept"),
        Some(accept_key(key).as_str())
    );
    let WireItem::Frame(echoed) = &items[1] else {
        panic!("{items:?}")
    };
    assert_eq!(
        (echoed.header.opcode, echoed.payload.as_slice()),
        (Opcode::Binary, &b"Hello"[..])
    );
    assert!(echoed.header.mask.is_none(), "server frames are not masked");

    // The TCP side: the bytes the service received and sent, no framing.
    assert_eq!(stream_of(&records, TapSource::RelayToUpstream), b"Hello");
    assert_eq!(stream_of(&records, TapSource::UpstreamToRelay), b"Hello");
}

#[tokio::test]
async fn sessions_without_a_valid_tap_still_work() {
    let (echo, _stop) = start_echo().await;
    let relay = TestRelay::start(&[("echo", echo)]).await;
    let (mut ws, _) = connect_async(format!("{}?tap=not-a-tap", relay.ws_url("echo")))
        .await
        .unwrap();
    ws.send(Message::binary(&b"x"[..])).await.unwrap();
    assert!(matches!(ws.next().await, Some(Ok(Message::Binary(b))) if &b[..] == b"x"));
}

#[tokio::test]
async fn no_tap_flag_refuses_taps() {
    let config = relay::Config {
        no_tap: true,
        ..Default::default()
    };
    let relay = TestRelay::start_with(config).await;
    let (status, body) = common::http_get(relay.addr, "/tap").await;
    // A plain GET is not an upgrade either way; an upgrade gets 503 with the reason.
    assert!(
        status == 503 || status == 400 || status == 426,
        "{status} {body}"
    );
    match connect_async(format!("ws://{}/tap", relay.addr)).await {
        Err(tokio_tungstenite::tungstenite::Error::Http(response)) => {
            assert_eq!(response.status(), 503)
        }
        other => panic!("tap opened on a --no-tap relay: {:?}", other.map(|_| ())),
    }
}

#[tokio::test]
async fn a_session_shut_down_while_connecting_tells_its_tap() {
    let hung = common::HungService::start().await;
    let relay = TestRelay::start(&[("hung", hung.address.clone())]).await;
    let (mut tap, hello) = open_tap(&relay).await;
    let url = format!("{}?tap={}", relay.ws_url("hung"), hello.tap);
    let (mut ws, _) = connect_async(url).await.unwrap();
    // The session is connecting (for up to 5 s) when the relay shuts down.
    loop {
        let Some(Ok(Message::Binary(data))) = tap.next().await else {
            panic!("tap ended")
        };
        if let Some(TapEvent::Opened { .. }) = TapRecord::decode(&data).unwrap().event() {
            break;
        }
    }
    relay.shutdown.cancel();
    let (code, _) = common::close_of(ws.next().await);
    assert_eq!(code, 1001);
    let records = records_until_closed(&mut tap).await;
    let closed = records.last().and_then(|r| r.event());
    assert!(
        matches!(&closed, Some(TapEvent::Closed { reason }) if reason.contains("shut down")),
        "{closed:?}"
    );
}

/// Reads the next binary record on `tap`, if one comes within `wait`.
async fn next_record<S>(tap: &mut S, wait: std::time::Duration) -> Option<TapRecord>
where
    S: futures_util::Stream<Item = Result<Message, tokio_tungstenite::tungstenite::Error>> + Unpin,
{
    loop {
        match tokio::time::timeout(wait, tap.next()).await {
            Ok(Some(Ok(Message::Binary(data)))) => return Some(TapRecord::decode(&data).unwrap()),
            Ok(Some(Ok(_))) => {}
            _ => return None,
        }
    }
}

/// The number after `line` in the relay's metrics.
async fn metric(relay: &TestRelay, line: &str) -> u64 {
    let (_, text) = common::http_get(relay.addr, "/metrics").await;
    text.lines()
        .find_map(|l| l.strip_prefix(line))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0)
}

#[tokio::test]
async fn a_refused_handshake_tells_only_the_tap_it_names() {
    use tokio_tungstenite::tungstenite::{client::IntoClientRequest, Error};
    let (echo, _stop) = start_echo().await;
    let relay = TestRelay::start(&[("echo", echo)]).await;
    let (mut mine, hello) = open_tap(&relay).await;
    let (mut other, _) = open_tap(&relay).await;
    let cross_origin = |tap: &str| {
        let url = format!("{}?tap={tap}", relay.ws_url("echo"));
        let mut request = url.into_client_request().unwrap();
        let origin = "http://localhost:1".parse().unwrap();
        request.headers_mut().insert("Origin", origin);
        request
    };
    let refused = r#"relay_handshakes_refused_total{reason="origin"} "#;
    let before = metric(&relay, refused).await;

    // Still a 403, counted as before; and the tap it names hears why.
    match connect_async(cross_origin(&hello.tap)).await {
        Err(Error::Http(response)) => assert_eq!(response.status(), 403),
        other => panic!("cross-origin session opened: {:?}", other.map(|_| ())),
    }
    assert_eq!(metric(&relay, refused).await, before + 1);
    let wait = std::time::Duration::from_secs(5);
    let record = next_record(&mut mine, wait)
        .await
        .expect("a refusal record");
    let Some(TapEvent::Refused {
        status,
        reason,
        origin,
        message,
    }) = record.event()
    else {
        panic!("not a refusal: {record:?}")
    };
    assert_eq!((status, reason.as_str()), (403, "origin"));
    assert_eq!(origin.as_deref(), Some("http://localhost:1"));
    assert!(
        message.contains("origin http://localhost:1 may not use this relay"),
        "{message}"
    );

    // A bogus or someone else's id: the same 403, and no tap hears a thing.
    let long = "f".repeat(5000);
    for tap in ["0123", "", long.as_str()] {
        match connect_async(cross_origin(tap)).await {
            Err(Error::Http(response)) => assert_eq!(response.status(), 403),
            other => panic!("opened: {:?}", other.map(|_| ())),
        }
    }
    assert_eq!(metric(&relay, refused).await, before + 4);
    let short = std::time::Duration::from_millis(300);
    assert!(next_record(&mut mine, short).await.is_none());
    assert!(
        next_record(&mut other, short).await.is_none(),
        "the other page's tap heard nothing"
    );
}
