//! Nothing lost, nothing altered: a gibibyte through one session, many small
//! sessions at once, and an upstream that resets mid-stream.

mod common;

use common::{start_echo, TestRelay};
use futures_util::{SinkExt, StreamExt};
use sha2::{Digest, Sha256};
use tokio::{io::AsyncWriteExt, net::TcpListener};
use tokio_tungstenite::{connect_async, tungstenite::Message};

/// Deterministic bytes for chunk `i` of a stream.
fn chunk(i: u64, len: usize) -> Vec<u8> {
    let mut x = i.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect()
}

/// Sends `total` bytes in `size` messages through the echo target and checks
/// the SHA-256 of what comes back.
async fn round_trip(relay: &TestRelay, total: u64, size: usize) {
    let (ws, _) = connect_async(relay.ws_url("echo")).await.unwrap();
    let (mut tx, mut rx) = ws.split();
    let chunks = total / size as u64;
    let writer = tokio::spawn(async move {
        let mut hasher = Sha256::new();
        for i in 0..chunks {
            let data = chunk(i, size);
            hasher.update(&data);
            tx.send(Message::binary(data)).await.unwrap();
        }
        hasher.finalize()
    });
    let mut hasher = Sha256::new();
    let mut received = 0u64;
    while received < chunks * size as u64 {
        match rx.next().await {
            Some(Ok(Message::Binary(b))) => {
                received += b.len() as u64;
                hasher.update(&b);
            }
            Some(Ok(Message::Ping(_))) => {}
            other => panic!("stream broke after {received} bytes: {other:?}"),
        }
    }
    assert_eq!(received, chunks * size as u64);
    assert_eq!(hasher.finalize(), writer.await.unwrap(), "bytes differ");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_gibibyte_through_one_session() {
    let (echo, _stop) = start_echo().await;
    let relay = TestRelay::start(&[("echo", echo)]).await;
    round_trip(&relay, 1 << 30, 64 << 10).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn many_small_sessions_in_parallel() {
    let (echo, _stop) = start_echo().await;
    let relay = std::sync::Arc::new(TestRelay::start(&[("echo", echo)]).await);
    let sessions: Vec<_> = (0..100)
        .map(|_| {
            let relay = relay.clone();
            tokio::spawn(async move { round_trip(&relay, 256 << 10, 1000).await })
        })
        .collect();
    for session in sessions {
        session.await.unwrap();
    }
}

#[tokio::test]
async fn an_upstream_reset_mid_stream_is_1011_after_the_bytes_it_sent() {
    let upstream = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let relay = TestRelay::start(&[("svc", upstream.local_addr().unwrap().to_string())]).await;
    let (mut ws, _) = connect_async(relay.ws_url("svc")).await.unwrap();
    let (mut conn, _) = upstream.accept().await.unwrap();
    conn.write_all(b"partial answer").await.unwrap();
    conn.flush().await.unwrap();
    // Make the browser's next bytes unread, then close with them pending: RST.
    ws.send(Message::binary(&b"unread"[..])).await.unwrap();
    let mut peeked = [0u8; 6];
    while conn.peek(&mut peeked).await.unwrap() < peeked.len() {}
    // Linger 0 makes the close a reset; with a zero timeout the drop cannot block.
    #[allow(deprecated)]
    conn.set_linger(Some(std::time::Duration::ZERO)).unwrap();
    drop(conn);

    let mut got = Vec::new();
    loop {
        match ws.next().await {
            Some(Ok(Message::Binary(b))) => got.extend_from_slice(&b),
            Some(Ok(Message::Close(Some(frame)))) => {
                // Linger 0 sends a reset whatever is pending: an error, 1011,
                // naming the target and not its address.
                assert_eq!(u16::from(frame.code), 1011, "{}", frame.reason);
                assert!(frame.reason.contains("target svc"), "{}", frame.reason);
                assert!(!frame.reason.contains("127.0.0.1"), "{}", frame.reason);
                break;
            }
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(got, b"partial answer");
}

#[tokio::test]
async fn nothing_in_a_request_can_steer_the_relay_elsewhere() {
    use tokio_tungstenite::tungstenite::client::IntoClientRequest;
    // A service the relay must never reach, and the one it may.
    let forbidden = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let forbidden_addr = forbidden.local_addr().unwrap();
    let (echo, _stop) = start_echo().await;
    let relay = TestRelay::start(&[("echo", echo)]).await;

    let attempts = [
        format!(
            "{}?host={forbidden_addr}&port={}",
            relay.ws_url("echo"),
            forbidden_addr.port()
        ),
        format!("{}?target={forbidden_addr}", relay.ws_url("echo")),
        format!("ws://{}/ws/echo/../{forbidden_addr}", relay.addr),
        format!("ws://{}/ws/{forbidden_addr}", relay.addr),
        format!("ws://{}/ws/%2e%2e%2f{}", relay.addr, forbidden_addr.port()),
        format!("ws://{}/ws/echo%3A{}", relay.addr, forbidden_addr.port()),
    ];
    for url in attempts {
        let mut request = url.as_str().into_client_request().unwrap();
        request
            .headers_mut()
            .insert("Host", forbidden_addr.to_string().parse().unwrap());
        request.headers_mut().insert(
            "X-Forwarded-Host",
            forbidden_addr.to_string().parse().unwrap(),
        );
        request.headers_mut().insert(
            "Sec-WebSocket-Protocol",
            format!("{forbidden_addr}").parse().unwrap(),
        );
        if let Ok((mut ws, _)) = connect_async(request).await {
            // Allowed only to the configured echo service: it echoes.
            ws.send(Message::text("probe")).await.unwrap();
            assert!(
                matches!(ws.next().await, Some(Ok(Message::Binary(b))) if &b[..] == b"probe"),
                "{url}"
            );
        }
    }
    // The forbidden service never saw a connection.
    let accepted =
        tokio::time::timeout(std::time::Duration::from_millis(300), forbidden.accept()).await;
    assert!(
        accepted.is_err(),
        "the relay connected to an address from a request"
    );
}
