//! `wss://`: the relay terminating TLS with rustls, on real sockets.

mod common;

use std::time::Duration;

use common::{start_echo, TestCert, TestRelay};
use futures_util::{SinkExt, StreamExt};
use relay::{Config, Limits};
use tokio::{io::AsyncReadExt, net::TcpStream};
use tokio_rustls::{rustls::pki_types::ServerName, TlsConnector};
use tokio_tungstenite::{client_async, tungstenite::Message};

struct TlsRelay {
    relay: TestRelay,
    connector: TlsConnector,
    _dir: tempfile::TempDir,
    _echo: tokio_util::sync::CancellationToken,
}

async fn tls_relay() -> TlsRelay {
    let dir = tempfile::tempdir().unwrap();
    let cert = TestCert::new(dir.path());

    let (echo, stop) = start_echo().await;
    let mut config = Config {
        tls: Some(relay::tls::TlsFiles::new(&cert.cert_pem, &cert.key_pem)),
        limits: Limits {
            request_timeout: Duration::from_millis(500),
            ..Limits::default()
        },
        ..Default::default()
    };
    common::add_target(&mut config, "echo", &echo);
    let relay = TestRelay::start_with(config).await;
    TlsRelay {
        relay,
        connector: cert.connector,
        _dir: dir,
        _echo: stop,
    }
}

#[tokio::test]
async fn wss_session_round_trips() {
    let t = tls_relay().await;
    let tcp = TcpStream::connect(t.relay.addr).await.unwrap();
    let tls = t
        .connector
        .connect(ServerName::try_from("localhost").unwrap(), tcp)
        .await
        .expect("TLS handshake with the relay");
    let (mut ws, response) = client_async("wss://localhost/ws/echo", tls).await.unwrap();
    assert_eq!(response.status(), 101);
    ws.send(Message::text("over TLS")).await.unwrap();
    match ws.next().await {
        Some(Ok(Message::Binary(b))) => assert_eq!(&b[..], b"over TLS"),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn plain_and_silent_clients_fail_without_disturbing_tls_ones() {
    let t = tls_relay().await;
    // Plain HTTP to a TLS port: no HTTP answer.
    let mut plain = TcpStream::connect(t.relay.addr).await.unwrap();
    tokio::io::AsyncWriteExt::write_all(&mut plain, b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .unwrap();
    let mut buf = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(5), plain.read_to_end(&mut buf)).await;
    assert!(
        !buf.starts_with(b"HTTP/1.1 200"),
        "plain HTTP answered on the TLS port"
    );

    // A client that never starts its handshake is dropped after the deadline.
    let mut silent = TcpStream::connect(t.relay.addr).await.unwrap();
    let read = tokio::time::timeout(Duration::from_secs(5), silent.read(&mut [0u8; 16])).await;
    assert!(
        matches!(read, Ok(Ok(0)) | Ok(Err(_))),
        "silent client kept: {read:?}"
    );

    // Meanwhile TLS sessions work.
    let tcp = TcpStream::connect(t.relay.addr).await.unwrap();
    let tls = t
        .connector
        .connect(ServerName::try_from("localhost").unwrap(), tcp)
        .await
        .unwrap();
    let (mut ws, _) = client_async("wss://localhost/ws/echo", tls).await.unwrap();
    ws.send(Message::binary(&b"ok"[..])).await.unwrap();
    assert!(matches!(ws.next().await, Some(Ok(Message::Binary(b))) if &b[..] == b"ok"));
}
