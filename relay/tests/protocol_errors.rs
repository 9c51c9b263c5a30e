//! Bad WebSocket input from a client gets the RFC 6455 close code, and the
//! relay goes on serving. Frames are written raw, byte by byte.

mod common;

use common::TestRelay;
use protocol::{
    frame::{apply_mask, parse_close_payload, Opcode},
    wire::{WireItem, WireParser},
};
use relay::Limits;
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpStream,
};

/// Opens `/ws/echo` by hand and returns the socket after the 101.
async fn raw_session(relay: &TestRelay) -> TcpStream {
    let mut tcp = TcpStream::connect(relay.addr).await.unwrap();
    let request = format!(
        "GET /ws/echo HTTP/1.1\r\nHost: {}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
         Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
        relay.addr
    );
    tcp.write_all(request.as_bytes()).await.unwrap();
    let mut head = Vec::new();
    while !head.ends_with(b"\r\n\r\n") {
        head.push(tcp.read_u8().await.unwrap());
    }
    assert!(
        head.starts_with(b"HTTP/1.1 101"),
        "{}",
        String::from_utf8_lossy(&head)
    );
    tcp
}

/// A client frame: FIN set, masked with a fixed key.
fn masked_frame(first_byte: u8, payload: &[u8]) -> Vec<u8> {
    assert!(payload.len() < 126);
    let key = [0x11, 0x22, 0x33, 0x44];
    let mut out = vec![first_byte, 0x80 | payload.len() as u8];
    out.extend_from_slice(&key);
    let mut body = payload.to_vec();
    apply_mask(&mut body, key);
    out.extend_from_slice(&body);
    out
}

/// Reads frames until a close; returns its code and reason.
async fn close_code(tcp: &mut TcpStream) -> (u16, String) {
    let mut parser = WireParser::frames_only();
    let mut buf = [0u8; 4096];
    loop {
        let n = tokio::time::timeout(std::time::Duration::from_secs(10), tcp.read(&mut buf))
            .await
            .expect("a close frame in time")
            .unwrap();
        assert!(n > 0, "connection closed without a close frame");
        for item in parser.push(&buf[..n]) {
            if let WireItem::Frame(frame) = item {
                if frame.header.opcode == Opcode::Close {
                    return parse_close_payload(&frame.payload)
                        .unwrap()
                        .expect("a close code");
                }
            }
        }
    }
}

async fn relay_with_echo(
    max_message_bytes: usize,
) -> (TestRelay, tokio_util::sync::CancellationToken) {
    common::echo_relay(Limits {
        max_message_bytes,
        ..Limits::default()
    })
    .await
}

#[tokio::test]
async fn invalid_utf8_in_a_text_frame_is_1007() {
    let (relay, _stop) = relay_with_echo(1 << 20).await;
    let mut tcp = raw_session(&relay).await;
    tcp.write_all(&masked_frame(0x81, &[0xC3, 0x28]))
        .await
        .unwrap();
    assert_eq!(close_code(&mut tcp).await.0, 1007);
}

#[tokio::test]
async fn reserved_opcode_is_1002() {
    let (relay, _stop) = relay_with_echo(1 << 20).await;
    let mut tcp = raw_session(&relay).await;
    tcp.write_all(&masked_frame(0x83, b"x")).await.unwrap();
    assert_eq!(close_code(&mut tcp).await.0, 1002);
}

#[tokio::test]
async fn unmasked_client_frame_is_1002() {
    let (relay, _stop) = relay_with_echo(1 << 20).await;
    let mut tcp = raw_session(&relay).await;
    tcp.write_all(&[0x82, 0x01, b'x']).await.unwrap();
    assert_eq!(close_code(&mut tcp).await.0, 1002);
}

#[tokio::test]
async fn oversized_message_is_1009_and_others_are_unaffected() {
    let (relay, _stop) = relay_with_echo(64).await;
    let mut bystander = raw_session(&relay).await;
    let mut tcp = raw_session(&relay).await;
    tcp.write_all(&masked_frame(0x82, &[7u8; 100]))
        .await
        .unwrap();
    assert_eq!(close_code(&mut tcp).await.0, 1009);

    // The other session still echoes.
    bystander
        .write_all(&masked_frame(0x82, b"ok"))
        .await
        .unwrap();
    let mut reply = [0u8; 4];
    bystander.read_exact(&mut reply).await.unwrap();
    assert_eq!(reply, [0x82, 0x02, b'o', b'k']);
}
