//! DNS rebinding and the handshake's own checks: a request that names a host
//! the relay does not answer to gets 421 on every route before anything
//! else; same-origin means the page's origin is one of the relay's names;
//! an unsupported WebSocket version gets 426.

mod common;

use common::{start_echo, TestRelay};
use relay::{origin::DEV_ORIGINS, Config};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Sends one raw request and returns its status and head.
async fn request(relay: &TestRelay, head: &str) -> (u16, String) {
    let mut stream = tokio::net::TcpStream::connect(relay.addr).await.unwrap();
    stream.write_all(head.as_bytes()).await.unwrap();
    let mut response = vec![0u8; 4096];
    let mut len = 0;
    while !response[..len].windows(4).any(|w| w == b"\r\n\r\n") {
        let n = stream.read(&mut response[len..]).await.unwrap();
        assert!(n > 0, "closed before a response");
        len += n;
    }
    let text = String::from_utf8_lossy(&response[..len]).into_owned();
    let status = text.split(' ').nth(1).unwrap().parse().unwrap();
    (status, text)
}

/// A GET of `path` with these extra header lines.
fn get(path: &str, host: &str, extra: &str) -> String {
    format!("GET {path} HTTP/1.1\r\nHost: {host}\r\n{extra}Connection: close\r\n\r\n")
}

const UPGRADE: &str = "Upgrade: websocket\r\nConnection: Upgrade\r\n\
     Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n";

async fn echo_relay(public_hosts: &[&str]) -> TestRelay {
    let (echo, stop) = start_echo().await;
    std::mem::forget(stop);
    let mut config = Config {
        public_hosts: public_hosts.iter().map(|h| (*h).to_owned()).collect(),
        ..Default::default()
    };
    common::add_target(&mut config, "echo", &echo);
    TestRelay::start_with(config).await
}

#[tokio::test]
async fn a_rebound_name_gets_421_on_every_route() {
    let relay = echo_relay(&[]).await;
    let port = relay.addr.port();
    let rebound = format!("evil.example:{port}");
    let origin = format!("Origin: http://{rebound}\r\n");
    for path in [
        "/",
        "/index.html",
        "/api/targets",
        "/api/lab",
        "/metrics",
        "/api/quotes",
    ] {
        let (status, head) = request(&relay, &get(path, &rebound, "")).await;
        assert_eq!(status, 421, "{path}: {head}");
    }
    // The attack itself: a page on the rebound name, whose Origin matches
    // the Host it sends, asks for a session and a tap.
    for path in ["/ws/echo", "/tap", "/websockify?token=echo"] {
        let extra = format!("{origin}{UPGRADE}");
        let (status, head) = request(&relay, &get(path, &rebound, &extra)).await;
        assert_eq!(status, 421, "{path}: {head}");
    }
    // The same requests under the relay's own name go through.
    let own = relay.addr.to_string();
    let (status, _) = request(&relay, &get("/api/targets", &own, "")).await;
    assert_eq!(status, 200);
    let extra = format!("Origin: http://{own}\r\n{UPGRADE}");
    let (status, head) = request(&relay, &get("/ws/echo", &own, &extra)).await;
    assert_eq!(status, 101, "{head}");
    // Health checks answer whatever name a load balancer uses.
    let (status, _) = request(&relay, &get("/healthz", &rebound, "")).await;
    assert_eq!(status, 200);
    let (_, metrics) = common::http_get(relay.addr, "/metrics").await;
    assert!(
        metrics.contains("relay_handshakes_refused_total{reason=\"unknown_host\"} 9"),
        "{metrics}"
    );
}

#[tokio::test]
async fn loopback_names_are_known_and_lookalikes_are_not() {
    let relay = echo_relay(&[]).await;
    let port = relay.addr.port();
    for host in [
        format!("localhost:{port}"),
        format!("[::1]:{port}"),
        "127.0.0.1".into(),
    ] {
        let (status, head) = request(&relay, &get("/api/targets", &host, "")).await;
        assert_eq!(status, 200, "{host}: {head}");
    }
    for host in [
        format!("127.0.0.1.evil.example:{port}"),
        format!("localhost.evil.example:{port}"),
    ] {
        let (status, _) = request(&relay, &get("/api/targets", &host, "")).await;
        assert_eq!(status, 421, "{host}");
    }
    let (status, _) = request(&relay, "GET /api/targets HTTP/1.0\r\n\r\n").await;
    assert_eq!(status, 400, "no Host at all");
}

#[tokio::test]
async fn a_public_host_is_served_and_is_the_pages_own_origin() {
    let relay = echo_relay(&["relay.example"]).await;
    let session = |origin: &str| {
        get(
            "/ws/echo",
            "relay.example",
            &format!("Origin: {origin}\r\n{UPGRADE}"),
        )
    };
    let (status, head) = request(&relay, &session("https://relay.example")).await;
    assert_eq!(status, 101, "{head}");
    // Any other page, the dev server's included, is another origin.
    for other in [
        "https://other.example",
        "https://relay.example:8443",
        DEV_ORIGINS[0],
    ] {
        let (status, head) = request(&relay, &session(other)).await;
        assert_eq!(status, 403, "{other}: {head}");
    }
}

#[tokio::test]
async fn an_unsupported_websocket_version_gets_426_naming_13() {
    let relay = echo_relay(&[]).await;
    let host = relay.addr.to_string();
    let old = UPGRADE.replace("Version: 13", "Version: 8");
    for path in ["/ws/echo", "/tap"] {
        let (status, head) = request(&relay, &get(path, &host, &old)).await;
        assert_eq!(status, 426, "{path}: {head}");
        assert!(
            head.to_ascii_lowercase()
                .contains("sec-websocket-version: 13"),
            "{head}"
        );
    }
}
