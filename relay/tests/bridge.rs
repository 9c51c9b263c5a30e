//! The bridge on real loopback sockets: bytes, text, half-close, failures,
//! and backpressure.

mod common;

use std::{
    sync::{
        atomic::{AtomicU64, Ordering},
        Arc,
    },
    time::Duration,
};

use common::{close_of, closed_port, pattern, start_echo, wait_until, TestRelay};
use futures_util::{SinkExt, StreamExt};
use sha2::{Digest, Sha256};
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpListener,
};
use tokio_tungstenite::{connect_async, tungstenite::Message};

#[tokio::test]
async fn binary_round_trip_is_byte_exact() {
    let (echo, _echo_stop) = start_echo().await;
    let relay = TestRelay::start(&[("echo", echo)]).await;
    let (ws, _) = connect_async(relay.ws_url("echo")).await.unwrap();
    let (mut tx, mut rx) = ws.split();

    let data = pattern(4 << 20, 0x9E37_79B9_7F4A_7C15); // 4 MiB
    let expected = Sha256::digest(&data);
    let sent = data.clone();
    let writer = tokio::spawn(async move {
        for chunk in sent.chunks(64 << 10) {
            tx.send(Message::binary(chunk.to_vec())).await.unwrap();
        }
    });
    let mut hasher = Sha256::new();
    let mut received = 0usize;
    while received < data.len() {
        match rx.next().await {
            Some(Ok(Message::Binary(bytes))) => {
                received += bytes.len();
                hasher.update(&bytes);
            }
            other => panic!("unexpected {other:?} after {received} bytes"),
        }
    }
    assert_eq!(received, data.len());
    assert_eq!(hasher.finalize(), expected, "echoed bytes differ");
    writer.await.unwrap();
}

#[tokio::test]
async fn text_frame_goes_out_as_its_utf8_bytes() {
    let upstream = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let relay = TestRelay::start(&[("rec", upstream.local_addr().unwrap().to_string())]).await;
    let (mut ws, _) = connect_async(relay.ws_url("rec")).await.unwrap();
    let (mut conn, _) = upstream.accept().await.unwrap();

    let text = "PING 你好 ✓\r\n";
    ws.send(Message::text(text)).await.unwrap();
    let mut got = vec![0u8; text.len()];
    conn.read_exact(&mut got).await.unwrap();
    assert_eq!(got, text.as_bytes());
}

#[tokio::test]
async fn tcp_eof_delivers_pending_bytes_then_close_1000() {
    let upstream = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let relay = TestRelay::start(&[("svc", upstream.local_addr().unwrap().to_string())]).await;
    let (mut ws, _) = connect_async(relay.ws_url("svc")).await.unwrap();
    let (mut conn, _) = upstream.accept().await.unwrap();

    conn.write_all(b"last words\n").await.unwrap();
    conn.shutdown().await.unwrap(); // TCP FIN: half-close from the service

    let mut got = Vec::new();
    loop {
        match ws.next().await {
            Some(Ok(Message::Binary(b))) => got.extend_from_slice(&b),
            other => {
                let (code, reason) = close_of(other);
                assert_eq!(code, 1000);
                assert_eq!(reason, "upstream closed the connection");
                break;
            }
        }
    }
    assert_eq!(got, b"last words\n");
    // The browser side can still finish the handshake cleanly.
    assert!(ws.next().await.is_none());
}

#[tokio::test]
async fn websocket_close_shuts_down_the_tcp_write_half() {
    let upstream = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let relay = TestRelay::start(&[("svc", upstream.local_addr().unwrap().to_string())]).await;
    let (mut ws, _) = connect_async(relay.ws_url("svc")).await.unwrap();
    let (mut conn, _) = upstream.accept().await.unwrap();

    ws.send(Message::binary(&b"QUIT\r\n"[..])).await.unwrap();
    ws.close(None).await.unwrap();

    // The service reads everything that was sent, then EOF (read returns 0).
    let mut got = Vec::new();
    tokio::time::timeout(Duration::from_secs(10), conn.read_to_end(&mut got))
        .await
        .expect("the service saw EOF")
        .unwrap();
    assert_eq!(got, b"QUIT\r\n");
    // And the browser got the close reply.
    assert!(matches!(
        ws.next().await,
        Some(Ok(Message::Close(_))) | None
    ));
}

#[tokio::test]
async fn unknown_target_is_404_before_any_upgrade() {
    let relay = TestRelay::start(&[("echo", "127.0.0.1:7".into())]).await;
    for path in ["nope", "..%2Fecho", "127.0.0.1:6379", "echo%00", "ECHO"] {
        let err = connect_async(relay.ws_url(path)).await.unwrap_err();
        match err {
            tokio_tungstenite::tungstenite::Error::Http(response) => {
                assert_eq!(response.status(), 404, "for /ws/{path}");
            }
            other => panic!("expected HTTP 404 for /ws/{path}, got {other:?}"),
        }
    }
    let (status, body) = common::http_get(relay.addr, "/ws/nope").await;
    assert_eq!(status, 404);
    assert!(body.contains("no target named \"nope\""), "{body}");
}

#[tokio::test]
async fn refused_upstream_closes_1011_with_a_readable_reason() {
    let address = format!("127.0.0.1:{}", closed_port());
    let relay = TestRelay::start(&[("down", address.clone())]).await;
    let (mut ws, _) = connect_async(relay.ws_url("down")).await.unwrap();
    let (code, reason) = close_of(ws.next().await);
    assert_eq!(code, 1011);
    // The page reads the target's name; the address stays in the relay's log.
    assert_eq!(reason, "target down: the service refused the connection");
    assert!(!reason.contains(&address) && !reason.contains("127.0.0.1"));
}

#[tokio::test]
async fn relay_keeps_serving_after_failed_sessions() {
    let (echo, _echo_stop) = start_echo().await;
    let down = format!("127.0.0.1:{}", closed_port());
    let relay = TestRelay::start(&[("echo", echo), ("down", down)]).await;

    // An echo session stays open while other sessions fail around it.
    let (mut ok, _) = connect_async(relay.ws_url("echo")).await.unwrap();
    for _ in 0..20 {
        let (mut bad, _) = connect_async(relay.ws_url("down")).await.unwrap();
        assert_eq!(close_of(bad.next().await).0, 1011);
        assert!(connect_async(relay.ws_url("missing")).await.is_err());
        // Garbage instead of an HTTP request.
        let mut raw = tokio::net::TcpStream::connect(relay.addr).await.unwrap();
        raw.write_all(b"\x16\x03\x01garbage\r\n\r\n").await.unwrap();
    }
    ok.send(Message::text("still here")).await.unwrap();
    match ok.next().await {
        Some(Ok(Message::Binary(b))) => assert_eq!(&b[..], b"still here"),
        other => panic!("echo session lost: {other:?}"),
    }
}

#[tokio::test]
async fn slow_reader_does_not_make_the_relay_buffer() {
    // The service writes as fast as it can; the browser reads nothing for a while.
    const TOTAL: u64 = 128 << 20;
    let upstream = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let relay = TestRelay::start(&[("firehose", upstream.local_addr().unwrap().to_string())]).await;
    let (mut ws, _) = connect_async(relay.ws_url("firehose")).await.unwrap();
    let (mut conn, _) = upstream.accept().await.unwrap();

    let written = Arc::new(AtomicU64::new(0));
    let counter = written.clone();
    let service = tokio::spawn(async move {
        let chunk = pattern(64 << 10, 7);
        let mut left = TOTAL;
        while left > 0 {
            let n = left.min(chunk.len() as u64) as usize;
            conn.write_all(&chunk[..n]).await.unwrap();
            counter.fetch_add(n as u64, Ordering::Relaxed);
            left -= n as u64;
        }
        conn.shutdown().await.unwrap();
    });

    // Wait until the service is blocked: its count stops growing.
    let mut last = u64::MAX;
    let mut stable_polls = 0;
    let stalled = wait_until(Duration::from_secs(30), || {
        let now = written.load(Ordering::Relaxed);
        stable_polls = if now == last { stable_polls + 1 } else { 0 };
        last = now;
        stable_polls >= 25 // unchanged for ~0.5 s
    })
    .await;
    let in_flight = written.load(Ordering::Relaxed);
    assert!(
        stalled,
        "the service never blocked: {in_flight} bytes accepted"
    );
    // Kernel socket buffers on both legs hold some megabytes; the relay itself
    // must hold no more than a chunk or two.
    assert!(
        in_flight < 48 << 20,
        "{in_flight} bytes went in while nobody read"
    );

    // Now read everything: nothing was lost while the relay pushed back.
    let mut received = 0u64;
    loop {
        match ws.next().await {
            Some(Ok(Message::Binary(b))) => received += b.len() as u64,
            Some(Ok(Message::Close(_))) | None => break,
            other => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(received, TOTAL);
    service.await.unwrap();
}
