//! `--proxy-protocol` on real loopback sockets: a trusted proxy's PROXY
//! header (v1 or v2) names the client for per-address caps; nobody else's
//! is believed; bad, short and slow headers cost only their own connection.

mod common;

use std::{net::SocketAddr, time::Duration};

use common::{start_echo, TestCert, TestRelay};
use futures_util::{SinkExt, StreamExt};
use relay::{Config, Limits};
use tokio::{
    io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt},
    net::TcpStream,
};
use tokio_tungstenite::{
    tungstenite::{protocol::Role, Message},
    WebSocketStream,
};

/// A relay trusting `trusted` with `--proxy-protocol`, one session per
/// client address, and the echo service as `echo`.
async fn proxied_relay(
    trusted: &str,
    limits: Limits,
) -> (TestRelay, tokio_util::sync::CancellationToken) {
    let (echo, stop) = start_echo().await;
    let mut config = Config {
        limits: Limits {
            max_sessions_per_ip: 1,
            ..limits
        },
        trusted_proxies: vec![trusted.parse().unwrap()],
        proxy_protocol: true,
        ..Default::default()
    };
    common::add_target(&mut config, "echo", &echo);
    (TestRelay::start_with(config).await, stop)
}

fn v1(client: &str) -> Vec<u8> {
    format!("PROXY TCP4 {client} 127.0.0.1 40000 443\r\n").into_bytes()
}

fn v2(client: [u8; 4]) -> Vec<u8> {
    let mut header = b"\r\n\r\n\0\r\nQUIT\n\x21\x11\x00\x0c".to_vec();
    header.extend(client);
    header.extend([127, 0, 0, 1, 0x9c, 0x40, 0x01, 0xbb]);
    header
}

const UPGRADE: &str = "GET /ws/echo HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\n\
    Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\
    Sec-WebSocket-Version: 13\r\n\r\n";

/// Sends `first` and the upgrade request for `/ws/echo` in one write, as a
/// proxy does; returns the session, or the HTTP status (0: no response).
async fn open_after<S>(mut stream: S, first: &[u8]) -> Result<WebSocketStream<S>, u16>
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    stream
        .write_all(&[first, UPGRADE.as_bytes()].concat())
        .await
        .unwrap();
    let mut head = Vec::new();
    while !head.ends_with(b"\r\n\r\n") {
        match stream.read_u8().await {
            Ok(byte) => head.push(byte),
            Err(_) => break,
        }
    }
    let text = String::from_utf8_lossy(&head);
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    if status != 101 {
        return Err(status);
    }
    Ok(WebSocketStream::from_raw_socket(stream, Role::Client, None).await)
}

async fn open(relay: SocketAddr, first: &[u8]) -> Result<WebSocketStream<TcpStream>, u16> {
    open_after(TcpStream::connect(relay).await.unwrap(), first).await
}

async fn assert_echoes<S: AsyncRead + AsyncWrite + Unpin>(ws: &mut WebSocketStream<S>, text: &str) {
    ws.send(Message::text(text)).await.unwrap();
    match tokio::time::timeout(Duration::from_secs(10), ws.next()).await {
        Ok(Some(Ok(Message::Binary(b)))) => assert_eq!(&b[..], text.as_bytes()),
        other => panic!("no echo of {text:?}: {other:?}"),
    }
}

/// Reads until the relay closes the connection; returns what it sent.
async fn read_until_closed(stream: &mut TcpStream) -> Vec<u8> {
    let mut got = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut got)).await;
    assert!(read.is_ok(), "connection still open after 10 s");
    got
}

#[tokio::test]
async fn v1_and_v2_headers_from_a_trusted_proxy_name_the_client() {
    let (relay, _stop) = proxied_relay("127.0.0.1", Limits::default()).await;
    let mut a = open(relay.addr, &v1("203.0.113.1"))
        .await
        .expect("first session of 203.0.113.1");
    assert_echoes(&mut a, "via v1").await;
    // The same client through a v2 header: its one session is taken.
    assert_eq!(
        open(relay.addr, &v2([203, 0, 113, 1])).await.err(),
        Some(429)
    );
    // Another client behind the same proxy has its own cap, v1 or v2.
    let mut b = open(relay.addr, &v2([203, 0, 113, 2]))
        .await
        .expect("203.0.113.2 has its own cap");
    assert_echoes(&mut b, "via v2").await;
    assert_eq!(open(relay.addr, &v1("203.0.113.2")).await.err(), Some(429));
    // LOCAL / UNKNOWN (health checks) count as the proxy itself.
    let mut local = open(relay.addr, b"PROXY UNKNOWN\r\n")
        .await
        .expect("the proxy's own session");
    assert_echoes(&mut local, "health").await;
}

#[tokio::test]
async fn an_untrusted_peers_header_is_not_believed() {
    // Only 192.0.2.1 is trusted; this test connects from 127.0.0.1.
    let (relay, _stop) = proxied_relay("192.0.2.1", Limits::default()).await;
    // Nobody else needs a header...
    let mut plain = open(relay.addr, b"").await.expect("a plain session");
    assert_echoes(&mut plain, "no header").await;
    // ...and a header from them is not read: it is a bad HTTP request, so a
    // client cannot claim another address to dodge its cap.
    assert_eq!(open(relay.addr, &v1("203.0.113.9")).await.err(), Some(400));
    assert_eq!(
        open(relay.addr, &v2([203, 0, 113, 9])).await.err(),
        Some(400)
    );
    assert_echoes(&mut plain, "still served").await;
}

#[tokio::test]
async fn bad_headers_close_only_their_own_connection() {
    let (relay, _stop) = proxied_relay("127.0.0.1", Limits::default()).await;
    let mut good = open(relay.addr, &v1("203.0.113.1")).await.unwrap();

    let bad: [&[u8]; 4] = [
        b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n", // no header at all
        b"PROXY TCP4 203.0.113.7 nonsense 1 2\r\n",
        b"PROXY TCP4 999.0.113.7 127.0.0.1 1 2\r\n",
        b"\r\n\r\n\0\r\nQUIT\n\x31\x11\x00\x0c123456789012", // version 3
    ];
    for bytes in bad {
        let mut conn = TcpStream::connect(relay.addr).await.unwrap();
        conn.write_all(bytes).await.unwrap();
        let answer = read_until_closed(&mut conn).await;
        assert!(
            answer.is_empty(),
            "{:?} got an answer: {:?}",
            String::from_utf8_lossy(bytes),
            String::from_utf8_lossy(&answer)
        );
    }
    // Cut short: the proxy closes its side mid-header.
    let mut conn = TcpStream::connect(relay.addr).await.unwrap();
    conn.write_all(b"PROXY TCP4 203.0.113.7 127.0")
        .await
        .unwrap();
    conn.shutdown().await.unwrap();
    assert!(read_until_closed(&mut conn).await.is_empty());

    assert_echoes(&mut good, "unaffected").await;
    let mut next = open(relay.addr, &v1("203.0.113.2"))
        .await
        .expect("new sessions still open");
    assert_echoes(&mut next, "next").await;
}

#[tokio::test]
async fn a_slow_header_neither_blocks_others_nor_stays() {
    // A long deadline: the good session below can only open at once if
    // the half-sent header is waited for off the accept loop.
    let (relay, _stop) = proxied_relay("127.0.0.1", Limits::default()).await;
    let mut slow = TcpStream::connect(relay.addr).await.unwrap();
    slow.write_all(b"PROXY TCP4 203.0").await.unwrap();
    let mut good =
        tokio::time::timeout(Duration::from_secs(5), open(relay.addr, &v1("203.0.113.1")))
            .await
            .expect("the accept loop waited for a slow header")
            .unwrap();
    assert_echoes(&mut good, "not blocked").await;

    // A short deadline: the half-sent header is dropped.
    let limits = Limits {
        request_timeout: Duration::from_millis(300),
        ..Limits::default()
    };
    let (relay, _stop) = proxied_relay("127.0.0.1", limits).await;
    let mut slow = TcpStream::connect(relay.addr).await.unwrap();
    slow.write_all(b"PROXY TCP4 203.0").await.unwrap();
    assert!(read_until_closed(&mut slow).await.is_empty());
}

#[tokio::test]
async fn the_header_comes_before_tls() {
    let dir = tempfile::tempdir().unwrap();
    let cert = TestCert::new(dir.path());
    let (echo, _stop) = start_echo().await;
    let mut config = Config {
        tls: Some(relay::tls::TlsFiles::new(&cert.cert_pem, &cert.key_pem)),
        limits: Limits {
            max_sessions_per_ip: 1,
            ..Limits::default()
        },
        trusted_proxies: vec!["127.0.0.1".parse().unwrap()],
        proxy_protocol: true,
        ..Default::default()
    };
    common::add_target(&mut config, "echo", &echo);
    let relay = TestRelay::start_with(config).await;

    use tokio_rustls::rustls::pki_types::ServerName;
    let connector = cert.connector.clone();
    let wss = |client: [u8; 4]| {
        let connector = connector.clone();
        async move {
            let mut tcp = TcpStream::connect(relay.addr).await.unwrap();
            tcp.write_all(&v2(client)).await.unwrap();
            let tls = connector
                .connect(ServerName::try_from("localhost").unwrap(), tcp)
                .await
                .expect("TLS after the PROXY header");
            open_after(tls, b"").await
        }
    };
    let mut a = wss([203, 0, 113, 1]).await.expect("first session");
    assert_echoes(&mut a, "tls").await;
    assert_eq!(wss([203, 0, 113, 1]).await.err(), Some(429));
    assert!(wss([203, 0, 113, 2]).await.is_ok());
}
