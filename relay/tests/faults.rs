//! Upstream faults on real loopback sockets: a service that never answers the
//! connect, and one that accepts the connection but stops reading. Each gets
//! a close 1011 naming the upstream, while other sessions carry on.

mod common;

use std::time::Duration;

use common::{close_of, start_echo, TestRelay};
use futures_util::{SinkExt, StreamExt};
use relay::{Config, Limits};
use tokio_tungstenite::{connect_async, tungstenite::Message};

fn config(limits: Limits, targets: &[(&str, &str)]) -> Config {
    let mut config = Config {
        limits,
        ..Default::default()
    };
    for (name, address) in targets {
        common::add_target(&mut config, name, address);
    }
    config
}

/// One echo round trip on a fresh session: the relay still serves.
async fn echo_still_works(relay: &TestRelay) {
    let (mut ws, _) = connect_async(relay.ws_url("echo")).await.unwrap();
    ws.send(Message::text("still here")).await.unwrap();
    match tokio::time::timeout(Duration::from_secs(10), ws.next()).await {
        Ok(Some(Ok(Message::Binary(b)))) => assert_eq!(&b[..], b"still here"),
        other => panic!("echo session failed: {other:?}"),
    }
}

#[tokio::test]
async fn an_upstream_that_never_answers_the_connect_times_out_1011() {
    let hung = common::HungService::start().await;
    let address = hung.address.clone();

    let (echo, _stop) = start_echo().await;
    let limits = Limits {
        connect_timeout: Duration::from_millis(400),
        ..Limits::default()
    };
    let relay = TestRelay::start_with(config(limits, &[("hung", &address), ("echo", &echo)])).await;
    let (mut ws, _) = connect_async(relay.ws_url("hung")).await.unwrap();
    let started = tokio::time::Instant::now();
    let (code, reason) = close_of(
        tokio::time::timeout(Duration::from_secs(10), ws.next())
            .await
            .expect("a close within the connect timeout"),
    );
    assert_eq!(code, 1011);
    assert_eq!(
        reason,
        "target hung: the service did not answer within 0.4s"
    );
    assert!(!reason.contains(&address), "{reason}");
    assert!(
        started.elapsed() >= Duration::from_millis(300),
        "closed before the timeout could have run out: {:?}",
        started.elapsed()
    );
    echo_still_works(&relay).await;
    let (_, metrics) = common::http_get(relay.addr, "/metrics").await;
    assert!(metrics.contains("end=\"connect_failed\"} 1"), "{metrics}");
    assert!(
        metrics.contains("relay_sessions_closed_total{code=\"1011\"} 1"),
        "{metrics}"
    );
    drop(hung);
}

#[tokio::test]
async fn an_upstream_that_stops_reading_is_closed_1011_not_blamed_on_the_browser() {
    // The service accepts, then never reads a byte.
    let upstream = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = upstream.local_addr().unwrap().to_string();
    let (echo, _stop) = start_echo().await;
    let limits = Limits {
        upstream_stall: Duration::from_millis(500),
        ..Limits::default()
    };
    let relay =
        TestRelay::start_with(config(limits, &[("stuck", &address), ("echo", &echo)])).await;
    let (ws, _) = connect_async(relay.ws_url("stuck")).await.unwrap();
    let (_held, _) = upstream.accept().await.unwrap();
    let (mut tx, mut rx) = ws.split();

    // The browser sends until the relay stops taking its frames.
    let sender = tokio::spawn(async move {
        let chunk = common::pattern(64 << 10, 3);
        let mut sent = 0u64;
        while tx.send(Message::binary(chunk.clone())).await.is_ok() {
            sent += chunk.len() as u64;
            if sent > 512 << 20 {
                break; // the relay never pushed back
            }
        }
        sent
    });
    // The browser keeps reading (and so answers pings) the whole time.
    let (code, reason) = loop {
        match tokio::time::timeout(Duration::from_secs(20), rx.next()).await {
            Ok(Some(Ok(Message::Ping(_)))) => continue,
            Ok(other) => break close_of(other),
            Err(_) => panic!("the stuck session was never closed"),
        }
    };
    assert_eq!(code, 1011, "{reason}");
    assert!(
        reason.starts_with("writing to target stuck failed: it took no data for 0.5 s"),
        "{reason}"
    );
    assert!(!reason.contains(&address), "{reason}");
    let sent = sender.await.unwrap();
    assert!(
        sent < 512 << 20,
        "the relay took {sent} bytes for a service that reads none"
    );
    echo_still_works(&relay).await;
}

#[tokio::test]
async fn a_slow_upstream_is_waited_for_while_the_browser_is_not_read() {
    // The service reads, but slowly: 64 KiB every 10 ms. Once the socket
    // buffers are full, each 1 MiB message takes longer to hand over than the
    // browser may stay silent (100 ms), and the relay must not take the
    // unread browser for a vanished one.
    const TOTAL: usize = 12 << 20;
    let upstream = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = upstream.local_addr().unwrap().to_string();
    let limits = Limits {
        keepalive: Duration::from_millis(50),
        ..Limits::default()
    };
    let relay = TestRelay::start_with(config(limits, &[("slow", &address)])).await;
    let (ws, _) = connect_async(relay.ws_url("slow")).await.unwrap();
    let (mut conn, _) = upstream.accept().await.unwrap();
    let service = tokio::spawn(async move {
        use tokio::io::AsyncReadExt;
        let mut got = Vec::with_capacity(TOTAL);
        let mut buf = vec![0; 64 << 10];
        while got.len() < TOTAL {
            let n = conn.read(&mut buf).await.unwrap();
            assert!(n > 0, "the relay closed after {} bytes", got.len());
            got.extend_from_slice(&buf[..n]);
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        got
    });

    let data = common::pattern(TOTAL, 11);
    let (mut tx, mut rx) = ws.split();
    let chunks = data.clone();
    tokio::spawn(async move {
        for chunk in chunks.chunks(1 << 20) {
            tx.send(Message::binary(chunk.to_vec())).await.unwrap();
        }
        tx // kept open
    });
    // Read (answering pings) until the service has everything.
    let reader = tokio::spawn(async move {
        loop {
            match rx.next().await {
                Some(Ok(Message::Ping(_))) => continue,
                other => return other,
            }
        }
    });
    let got = tokio::time::timeout(Duration::from_secs(60), service)
        .await
        .expect("the service got everything in time")
        .unwrap();
    assert!(got == data, "the service got different bytes");
    assert!(
        !reader.is_finished(),
        "the session ended: {:?}",
        reader.await
    );
}

#[tokio::test]
async fn a_browser_that_vanishes_without_a_close_frees_the_service_connection() {
    // The browser's TCP connection is reset (no close frame), the way a tab
    // dies with a crashed renderer or a dropped network.
    let upstream = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = upstream.local_addr().unwrap().to_string();
    let (echo, _stop) = start_echo().await;
    let relay = TestRelay::start_with(config(
        Limits::default(),
        &[("svc", &address), ("echo", &echo)],
    ))
    .await;
    let (mut ws, _) = connect_async(relay.ws_url("svc")).await.unwrap();
    let (mut conn, _) = upstream.accept().await.unwrap();
    ws.send(Message::binary(&b"last words"[..])).await.unwrap();
    if let tokio_tungstenite::MaybeTlsStream::Plain(tcp) = ws.get_ref() {
        #[allow(deprecated)]
        tcp.set_linger(Some(Duration::ZERO)).unwrap();
    }
    drop(ws);

    // The service gets what was sent, then the end of its connection, well
    // before any keepalive or idle limit (30 s, 600 s) could have noticed.
    let mut got = Vec::new();
    use tokio::io::AsyncReadExt;
    let ended = tokio::time::timeout(Duration::from_secs(5), conn.read_to_end(&mut got)).await;
    assert!(ended.is_ok(), "the relay kept the service connection open");
    assert_eq!(&got[..], b"last words");

    // The session is counted as ended (its accounting may trail the socket).
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    loop {
        let (_, metrics) = common::http_get(relay.addr, "/metrics").await;
        // No close frame ended it: counted as 1006, as the browser would say.
        if metrics.contains("relay_sessions_open 0")
            && metrics.contains("relay_sessions_closed_total{code=\"1006\"} 1")
        {
            break;
        }
        assert!(tokio::time::Instant::now() < deadline, "{metrics}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    echo_still_works(&relay).await;
}
