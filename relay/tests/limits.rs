//! Time limits on real sockets: keepalive pings, silent browsers, idle sessions.

mod common;

use std::time::Duration;

use common::TestRelay;
use futures_util::StreamExt;
use relay::Limits;
use tokio_tungstenite::{connect_async, tungstenite::Message};

async fn relay_with(limits: Limits) -> (TestRelay, tokio_util::sync::CancellationToken) {
    common::echo_relay(limits).await
}

#[tokio::test]
async fn idle_sessions_are_pinged_then_closed_1001() {
    let limits = Limits {
        keepalive: Duration::from_millis(100),
        idle_timeout: Duration::from_millis(600),
        ..Limits::default()
    };
    let (relay, _stop) = relay_with(limits).await;
    let (mut ws, _) = connect_async(relay.ws_url("echo")).await.unwrap();
    let mut pings = 0;
    let close = tokio::time::timeout(Duration::from_secs(10), async {
        loop {
            match ws.next().await {
                Some(Ok(Message::Ping(_))) => pings += 1,
                Some(Ok(Message::Close(Some(frame)))) => return frame,
                other => panic!("unexpected {other:?}"),
            }
        }
    })
    .await
    .expect("an idle session is closed");
    assert!(pings >= 2, "only {pings} pings before the idle close");
    assert_eq!(u16::from(close.code), 1001);
    assert!(close.reason.contains("idle"), "{}", close.reason);
}

#[tokio::test]
async fn a_browser_that_stops_answering_is_dropped() {
    let limits = Limits {
        keepalive: Duration::from_millis(100),
        ..Limits::default()
    };
    let (relay, _stop) = relay_with(limits).await;
    let (mut ws, _) = connect_async(relay.ws_url("echo")).await.unwrap();
    // Read nothing, so no pong goes back: the relay must give up on us.
    tokio::time::sleep(Duration::from_millis(800)).await;
    // Well under the relay's 5 s close grace: a silent browser gets no grace.
    let ended = tokio::time::timeout(Duration::from_secs(3), async {
        loop {
            match ws.next().await {
                Some(Ok(Message::Ping(_))) => continue,
                None | Some(Err(_)) | Some(Ok(Message::Close(_))) => return,
                Some(Ok(other)) => panic!("unexpected {other:?}"),
            }
        }
    })
    .await;
    assert!(
        ended.is_ok(),
        "the relay kept a silent browser's session open"
    );
}

#[tokio::test]
async fn an_answering_browser_is_kept() {
    let limits = Limits {
        keepalive: Duration::from_millis(100),
        ..Limits::default()
    };
    let (relay, _stop) = relay_with(limits).await;
    let (mut ws, _) = connect_async(relay.ws_url("echo")).await.unwrap();
    // Keep reading (tungstenite answers pings) for 10 keepalive periods.
    let still_open = tokio::time::timeout(Duration::from_millis(1000), async {
        loop {
            match ws.next().await {
                Some(Ok(Message::Ping(_))) => continue,
                other => return other,
            }
        }
    })
    .await;
    assert!(still_open.is_err(), "session ended: {still_open:?}");
}

#[tokio::test]
async fn session_caps_refuse_before_the_upgrade_and_free_on_close() {
    use tokio_tungstenite::tungstenite::Error;
    let limits = Limits {
        max_sessions_per_ip: 2,
        ..Limits::default()
    };
    let (relay, _stop) = relay_with(limits).await;
    let (first, _) = connect_async(relay.ws_url("echo")).await.unwrap();
    let (_second, _) = connect_async(relay.ws_url("echo")).await.unwrap();
    match connect_async(relay.ws_url("echo")).await {
        Err(Error::Http(response)) => assert_eq!(response.status(), 429),
        other => panic!("third session from one IP opened: {:?}", other.map(|_| ())),
    }
    drop(first);
    // The permit comes back once the relay sees the session end.
    let end = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        match connect_async(relay.ws_url("echo")).await {
            Ok(_) => break,
            Err(_) if tokio::time::Instant::now() < end => {
                tokio::time::sleep(Duration::from_millis(20)).await
            }
            Err(err) => panic!("permit never released: {err}"),
        }
    }
    let (_, metrics) = common::http_get(relay.addr, "/metrics").await;
    assert!(
        metrics.contains("relay_handshakes_refused_total{reason=\"per_ip_limit\"} 1"),
        "{metrics}"
    );
}

#[tokio::test]
async fn a_full_relay_answers_503() {
    use tokio_tungstenite::tungstenite::Error;
    let limits = Limits {
        max_sessions: 1,
        ..Limits::default()
    };
    let (relay, _stop) = relay_with(limits).await;
    let (_only, _) = connect_async(relay.ws_url("echo")).await.unwrap();
    match connect_async(relay.ws_url("echo")).await {
        Err(Error::Http(response)) => assert_eq!(response.status(), 503),
        other => panic!("session over the total cap opened: {:?}", other.map(|_| ())),
    }
}

#[tokio::test]
async fn a_client_that_never_finishes_its_request_is_dropped() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let limits = Limits {
        request_timeout: Duration::from_millis(300),
        ..Limits::default()
    };
    let (relay, _stop) = relay_with(limits).await;
    // Slow loris: half a request head, then silence.
    let mut slow = tokio::net::TcpStream::connect(relay.addr).await.unwrap();
    slow.write_all(b"GET /ws/echo HTTP/1.1\r\nHost: localhost\r\n")
        .await
        .unwrap();
    let mut buf = [0u8; 256];
    let read = tokio::time::timeout(Duration::from_secs(5), slow.read(&mut buf)).await;
    assert!(
        matches!(read, Ok(Ok(0)) | Ok(Err(_))),
        "the relay kept a half-sent request open: {read:?}"
    );

    // An established session is not bound by the request deadline.
    let (mut ws, _) = connect_async(relay.ws_url("echo")).await.unwrap();
    tokio::time::sleep(Duration::from_millis(700)).await;
    futures_util::SinkExt::send(&mut ws, Message::text("still open"))
        .await
        .unwrap();
    loop {
        match ws.next().await {
            Some(Ok(Message::Binary(b))) => {
                assert_eq!(&b[..], b"still open");
                break;
            }
            Some(Ok(Message::Ping(_))) => continue,
            other => panic!("session cut by the request deadline: {other:?}"),
        }
    }
}

#[tokio::test]
async fn forwarded_for_counts_per_visitor_only_behind_a_trusted_proxy() {
    use tokio_tungstenite::tungstenite::{client::IntoClientRequest, Error};
    let open_as = |relay: &TestRelay, visitor: &str| {
        let mut request = relay.ws_url("echo").into_client_request().unwrap();
        request
            .headers_mut()
            .insert("X-Forwarded-For", visitor.parse().unwrap());
        connect_async(request)
    };
    let limits = Limits {
        max_sessions_per_ip: 1,
        ..Limits::default()
    };

    // Behind a trusted proxy (the test client is it), each visitor has its own cap.
    let (echo, _stop) = common::start_echo().await;
    let mut config = relay::Config {
        limits: limits.clone(),
        trusted_proxies: vec!["127.0.0.1".parse().unwrap()],
        ..Default::default()
    };
    common::add_target(&mut config, "echo", &echo);
    let relay = TestRelay::start_with(config).await;
    let _a = open_as(&relay, "203.0.113.1").await.unwrap();
    let _b = open_as(&relay, "203.0.113.2")
        .await
        .expect("another visitor has its own cap");
    match open_as(&relay, "203.0.113.1").await {
        Err(Error::Http(response)) => assert_eq!(response.status(), 429),
        other => panic!(
            "second session of one visitor opened: {:?}",
            other.map(|_| ())
        ),
    }

    // Without trust the header is ignored: everyone is 127.0.0.1.
    let (relay, _stop2) = relay_with(limits).await;
    let _c = open_as(&relay, "203.0.113.1").await.unwrap();
    match open_as(&relay, "203.0.113.2").await {
        Err(Error::Http(response)) => assert_eq!(response.status(), 429),
        other => panic!(
            "a forged X-Forwarded-For bypassed the cap: {:?}",
            other.map(|_| ())
        ),
    }
}
