//! The relay's HTTP routes: target list, health, and the page.

mod common;

use common::TestRelay;
use protocol::TargetList;

#[tokio::test]
async fn targets_list_names_and_never_addresses() {
    let relay = TestRelay::start(&[
        ("redis", "10.1.2.3:6379".into()),
        ("echo", "127.0.0.1:7".into()),
    ])
    .await;
    let (status, body) = common::http_get(relay.addr, protocol::TARGETS_PATH).await;
    assert_eq!(status, 200);
    let list: TargetList = serde_json::from_str(&body).expect("TargetList JSON");
    let names: Vec<_> = list.targets.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, ["redis", "echo"]);
    assert!(
        !body.contains("10.1.2.3") && !body.contains("6379"),
        "{body}"
    );
}

#[tokio::test]
async fn healthz_answers() {
    let relay = TestRelay::start(&[]).await;
    assert_eq!(
        common::http_get(relay.addr, "/healthz").await,
        (200, "ok\n".into())
    );
}

#[tokio::test]
async fn page_is_served_from_a_dist_dir() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("index.html"), "<h1>playground</h1>").unwrap();
    std::fs::write(dir.path().join("app-123_bg.wasm"), b"\0asm").unwrap();
    let config = relay::Config {
        dist_dir: Some(dir.path().to_owned()),
        ..Default::default()
    };
    let relay = TestRelay::start_with(config).await;
    assert_eq!(
        common::http_get(relay.addr, "/").await,
        (200, "<h1>playground</h1>".into())
    );
    assert_eq!(
        common::http_get(relay.addr, "/app-123_bg.wasm").await.0,
        200
    );
    assert_eq!(common::http_get(relay.addr, "/missing.js").await.0, 404);
    assert_eq!(common::http_get(relay.addr, "/../Cargo.toml").await.0, 404);
}

/// A GET with extra header lines; returns (status, response head, body).
async fn get_with(addr: std::net::SocketAddr, path: &str, headers: &str) -> (u16, String, Vec<u8>) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let request =
        format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\n{headers}Connection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut response = Vec::new();
    stream.read_to_end(&mut response).await.unwrap();
    let split = response
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a response head");
    let head = String::from_utf8_lossy(&response[..split]).to_lowercase();
    let status = head.split(' ').nth(1).unwrap().parse().unwrap();
    (status, head, response[split + 4..].to_vec())
}

fn header<'a>(head: &'a str, name: &str) -> Option<&'a str> {
    head.lines()
        .find_map(|l| l.strip_prefix(name)?.strip_prefix(':'))
        .map(str::trim)
}

#[tokio::test]
async fn the_embedded_page_is_served_compressed_with_etags() {
    let relay = TestRelay::start(&[]).await;
    if !relay::assets::embedded() {
        // Built before the page: `/` says how to build it.
        assert_eq!(common::http_get(relay.addr, "/").await.0, 503);
        return;
    }
    let (status, head, page) = get_with(relay.addr, "/", "").await;
    assert_eq!(status, 200, "{head}");
    assert_eq!(header(&head, "cache-control"), Some("no-cache"), "{head}");
    // Trunk minifies index.html: attribute values may be unquoted.
    let wasm = String::from_utf8_lossy(&page)
        .split(['"', '\'', '=', ' ', '>'])
        .find(|s| s.ends_with("_bg.wasm"))
        .map(|s| s.trim_start_matches('/').to_owned())
        .expect("index.html names the wasm module");
    let path = format!("/{wasm}");
    let (status, head, plain) = get_with(relay.addr, &path, "").await;
    assert_eq!(status, 200, "{head}");
    assert_eq!(header(&head, "content-type"), Some("application/wasm"));
    assert!(header(&head, "content-encoding").is_none(), "{head}");
    assert!(plain.starts_with(b"\0asm"));
    assert!(header(&head, "cache-control")
        .unwrap()
        .contains("immutable"));

    let (status, head, br) = get_with(relay.addr, &path, "Accept-Encoding: gzip, br\r\n").await;
    assert_eq!(status, 200);
    assert_eq!(header(&head, "content-encoding"), Some("br"), "{head}");
    assert_eq!(header(&head, "vary"), Some("accept-encoding"), "{head}");
    assert!(
        br.len() * 2 < plain.len(),
        "{} of {} bytes",
        br.len(),
        plain.len()
    );
    let mut unpacked = Vec::new();
    std::io::Read::read_to_end(&mut brotli::Decompressor::new(&br[..], 4096), &mut unpacked)
        .unwrap();
    assert!(unpacked == plain, "Brotli body differs from the file");

    let (_, head, gz) = get_with(relay.addr, &path, "Accept-Encoding: gzip\r\n").await;
    assert_eq!(header(&head, "content-encoding"), Some("gzip"), "{head}");
    assert!(gz.len() < plain.len());

    let etag = header(&head, "etag").expect("an ETag").to_owned();
    let (status, _, body) =
        get_with(relay.addr, &path, &format!("If-None-Match: {etag}\r\n")).await;
    assert_eq!(status, 304);
    assert!(body.is_empty());
}

#[tokio::test]
async fn a_relay_without_the_page_says_how_to_build_it() {
    let dir = tempfile::tempdir().unwrap(); // empty: no index.html
    let config = relay::Config {
        dist_dir: Some(dir.path().to_owned()),
        ..Default::default()
    };
    let relay = TestRelay::start_with(config).await;
    let (status, body) = common::http_get(relay.addr, "/").await;
    assert_eq!(status, 503);
    assert!(
        body.contains("cargo xtask run") && body.contains("trunk build"),
        "{body}"
    );
}

#[tokio::test]
async fn other_origins_get_403_before_the_upgrade() {
    use tokio_tungstenite::tungstenite::{client::IntoClientRequest, Error};
    let (echo, _stop) = common::start_echo().await;
    let relay = TestRelay::start(&[("echo", echo)]).await;
    let with_origin = |origin: &str| {
        let mut request = relay.ws_url("echo").into_client_request().unwrap();
        request
            .headers_mut()
            .insert("Origin", origin.parse().unwrap());
        request
    };
    match tokio_tungstenite::connect_async(with_origin("https://evil.example")).await {
        Err(Error::Http(response)) => assert_eq!(response.status(), 403),
        other => panic!("cross-origin session opened: {:?}", other.map(|_| ())),
    }
    let same = format!("http://{}", relay.addr);
    assert!(tokio_tungstenite::connect_async(with_origin(&same))
        .await
        .is_ok());
    // The `trunk serve` origin is another program's page unless allowed
    // (`cargo xtask run` allows it).
    match tokio_tungstenite::connect_async(with_origin("http://127.0.0.1:8081")).await {
        Err(Error::Http(response)) => assert_eq!(response.status(), 403),
        other => panic!("the dev origin was trusted: {:?}", other.map(|_| ())),
    }
    // The tap is guarded the same way.
    let mut tap = format!("ws://{}/tap", relay.addr)
        .into_client_request()
        .unwrap();
    tap.headers_mut()
        .insert("Origin", "https://evil.example".parse().unwrap());
    assert!(
        matches!(tokio_tungstenite::connect_async(tap).await, Err(Error::Http(r)) if r.status() == 403)
    );
}

#[tokio::test]
async fn metrics_count_sessions_bytes_and_refusals() {
    use futures_util::{SinkExt, StreamExt};
    use tokio_tungstenite::tungstenite::Message;
    let (echo, _stop) = common::start_echo().await;
    let relay = TestRelay::start(&[("echo", echo)]).await;
    let (mut ws, _) = tokio_tungstenite::connect_async(relay.ws_url("echo"))
        .await
        .unwrap();
    ws.send(Message::binary(vec![0u8; 1000])).await.unwrap();
    let mut got = 0;
    while got < 1000 {
        if let Some(Ok(Message::Binary(b))) = ws.next().await {
            got += b.len();
        }
    }
    ws.close(None).await.unwrap();
    while ws.next().await.is_some() {}
    assert!(tokio_tungstenite::connect_async(relay.ws_url("nope"))
        .await
        .is_err());

    let expected = [
        "relay_sessions_opened_total 1",
        "relay_sessions_ended_total{end=\"browser_closed\"} 1",
        "relay_bytes_total{target=\"echo\",direction=\"up\"} 1000",
        "relay_bytes_total{target=\"echo\",direction=\"down\"} 1000",
        "relay_handshakes_refused_total{reason=\"unknown_target\"} 1",
        "relay_upstream_connect_seconds_count 1",
        "relay_sessions_open 0",
    ];
    // The session's end is counted when its task finishes: poll briefly.
    let mut text = String::new();
    for _ in 0..250 {
        text = common::http_get(relay.addr, "/metrics").await.1;
        if expected.iter().all(|line| text.lines().any(|l| l == *line)) {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    panic!("metrics never showed {expected:?}:\n{text}");
}

#[tokio::test]
async fn quotes_can_be_polled_over_http() {
    use protocol::scenarios::quotes::QuoteBatch;
    use relay::services::{builtins::BuiltinListen, scenarios::ScenarioListen};
    let listen = BuiltinListen {
        scenarios: Some(ScenarioListen {
            quote_interval: std::time::Duration::from_millis(20),
            ..ScenarioListen::ephemeral()
        }),
        ..BuiltinListen::none()
    };
    let (relay, _) = TestRelay::start_with_builtins(relay::Config::default(), &listen).await;

    let mut batch: Option<QuoteBatch> = None;
    for _ in 0..250 {
        let (status, body) = common::http_get(relay.addr, "/api/quotes?since=0").await;
        assert_eq!(status, 200, "{body}");
        let parsed: QuoteBatch = serde_json::from_str(&body).unwrap();
        let enough = parsed.quotes.len() >= 3;
        batch = Some(parsed);
        if enough {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let batch = batch.expect("a batch");
    assert!(batch.quotes.len() >= 3, "{batch:?}");
    assert!(
        batch.quotes.windows(2).all(|w| w[0].seq < w[1].seq),
        "seq must increase"
    );
    assert_eq!(batch.latest_seq, batch.quotes.last().unwrap().seq);
    // Later polls return only what is new.
    let since = batch.latest_seq;
    let (_, body) = common::http_get(relay.addr, &format!("/api/quotes?since={since}")).await;
    let newer: QuoteBatch = serde_json::from_str(&body).unwrap();
    assert!(newer.quotes.iter().all(|q| q.seq > since));
    assert_eq!(
        common::http_get(relay.addr, "/api/quotes?since=x").await.0,
        400
    );
}
