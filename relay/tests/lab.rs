//! The lab listeners: what a browser aimed straight at a raw TCP port sends,
//! and the recorder reached through the relay.

mod common;

use common::TestRelay;
use futures_util::{SinkExt, StreamExt};
use protocol::{CaptureList, LabInfo};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio_tungstenite::{connect_async, tungstenite::Message};

async fn lab_info(relay: &TestRelay) -> LabInfo {
    let (status, body) = common::http_get(relay.addr, protocol::LAB_PATH).await;
    assert_eq!(status, 200);
    serde_json::from_str(&body).unwrap()
}

#[tokio::test]
async fn recorder_keeps_an_http_request_and_answers_nothing() {
    let relay = TestRelay::start_lab(Default::default()).await;
    let lab = lab_info(&relay).await;
    let port = lab.recorder_port.expect("recorder port");
    assert!(lab.tap);

    let request = "GET /probe-0123456789 HTTP/1.1\r\nHost: 127.0.0.1\r\nOrigin: http://x\r\n\r\n";
    let mut raw = tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .unwrap();
    raw.write_all(request.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    raw.read_to_end(&mut answer).await.unwrap();
    assert!(
        answer.is_empty(),
        "a raw TCP service gave an HTTP answer: {answer:?}"
    );

    let (status, body) = common::http_get(relay.addr, "/api/recorder/probe-0123456789").await;
    assert_eq!(status, 200);
    let list: CaptureList = serde_json::from_str(&body).unwrap();
    assert_eq!(list.captures.len(), 1);
    assert_eq!(list.captures[0].bytes, request.as_bytes());
    assert_eq!(list.captures[0].port, port);

    // Other markers see nothing; short markers are refused.
    let (_, body) = common::http_get(relay.addr, "/api/recorder/probe-9999999999").await;
    assert_eq!(
        serde_json::from_str::<CaptureList>(&body)
            .unwrap()
            .captures
            .len(),
        0
    );
    assert_eq!(common::http_get(relay.addr, "/api/recorder/x").await.0, 400);
}

#[tokio::test]
async fn recorder_through_the_relay_says_what_arrived() {
    let relay = TestRelay::start_lab(Default::default()).await;
    let (mut ws, _) = connect_async(relay.ws_url("recorder")).await.unwrap();
    ws.send(Message::text("hello")).await.unwrap();
    match ws.next().await {
        Some(Ok(Message::Binary(b))) => assert_eq!(&b[..], b"recorder got 5 bytes\r\n"),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn a_bad_port_listener_is_offered() {
    let relay = TestRelay::start_lab(Default::default()).await;
    let lab = lab_info(&relay).await;
    // Another test may hold the first candidates; any one on the list will do.
    let port = lab.bad_port.expect("some bad port bound");
    assert!(protocol::api::BAD_PORT_CANDIDATES.contains(&port));
}

#[tokio::test]
async fn without_the_lab_the_page_still_gets_its_taps() {
    // `--no-lab` (the README's nginx setup) turns off the recorders, not the
    // wire tap: the page's handshake and frame views depend on `tap` alone.
    let relay = TestRelay::start(&[]).await;
    let lab = lab_info(&relay).await;
    assert_eq!(lab.recorder_port, None);
    assert!(lab.tap, "{lab:?}");
    let no_tap = relay::Config {
        no_tap: true,
        ..Default::default()
    };
    let relay = TestRelay::start_with(no_tap).await;
    assert!(!lab_info(&relay).await.tap);
}
