//! Shutting down: open sessions get close 1001 after the bytes already in
//! flight either way have arrived, and the binary exits 0 on SIGTERM.

mod common;

use std::{
    io::{BufRead, BufReader},
    process::{Command, Stdio},
    time::Duration,
};

use common::{close_of, pattern, start_echo, TestRelay};
use futures_util::{SinkExt, StreamExt};
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpListener,
};
use tokio_tungstenite::{connect_async, tungstenite::Message};

#[tokio::test]
async fn shutdown_closes_sessions_with_1001_and_returns() {
    let (echo, _stop) = start_echo().await;
    let relay = TestRelay::start(&[("echo", echo)]).await;
    let (mut ws, _) = connect_async(relay.ws_url("echo")).await.unwrap();
    relay.shutdown.cancel();
    match tokio::time::timeout(Duration::from_secs(10), ws.next()).await {
        Ok(Some(Ok(Message::Close(Some(frame))))) => {
            assert_eq!(u16::from(frame.code), 1001);
            assert_eq!(frame.reason.as_str(), "relay is shutting down");
        }
        other => panic!("expected close 1001, got {other:?}"),
    }
    // Finish the close handshake; then the relay's run() returns cleanly.
    while let Ok(Some(_)) = tokio::time::timeout(Duration::from_secs(5), ws.next()).await {}
    let mut relay = relay;
    let result = tokio::time::timeout(Duration::from_secs(10), &mut relay.task).await;
    assert!(matches!(result, Ok(Ok(Ok(())))), "{result:?}");
}

#[tokio::test]
async fn at_shutdown_what_the_service_sent_reaches_the_browser_before_1001() {
    // The service sends 32 MiB at once (more than the socket buffers on the
    // way hold) and then stays quiet, connection open; the browser is slow to
    // read them. Shutdown starts meanwhile.
    const TOTAL: usize = 32 << 20;
    let upstream = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let relay = TestRelay::start(&[("talker", upstream.local_addr().unwrap().to_string())]).await;
    let (mut ws, _) = connect_async(relay.ws_url("talker")).await.unwrap();
    let (mut conn, _) = upstream.accept().await.unwrap();
    let data = pattern(TOTAL, 5);
    let sent = data.clone();
    let _service = tokio::spawn(async move {
        conn.write_all(&sent).await.unwrap();
        tokio::time::sleep(Duration::from_secs(30)).await; // quiet, still open
        conn
    });
    tokio::time::sleep(Duration::from_millis(50)).await;
    relay.shutdown.cancel();
    tokio::time::sleep(Duration::from_millis(300)).await; // the browser is busy

    let mut got = Vec::with_capacity(TOTAL);
    let close = loop {
        match tokio::time::timeout(Duration::from_secs(10), ws.next()).await {
            Ok(Some(Ok(Message::Binary(b)))) => got.extend_from_slice(&b),
            Ok(other) => break close_of(other),
            Err(_) => panic!("no close after {} bytes", got.len()),
        }
    };
    assert_eq!(close, (1001, "relay is shutting down".to_owned()));
    assert_eq!(got.len(), TOTAL, "bytes lost at shutdown");
    assert!(got == data, "bytes changed at shutdown");
}

#[tokio::test]
async fn at_shutdown_what_the_browser_sent_reaches_the_service() {
    // The browser sends 32 MiB (more than the socket buffers on the way
    // hold); the service is slow to start reading, so the bytes are still in
    // flight when shutdown starts.
    const TOTAL: usize = 32 << 20;
    let upstream = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let relay = TestRelay::start(&[("sink", upstream.local_addr().unwrap().to_string())]).await;
    let (ws, _) = connect_async(relay.ws_url("sink")).await.unwrap();
    let (mut conn, _) = upstream.accept().await.unwrap();
    let service = tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(400)).await;
        let mut got = Vec::new();
        conn.read_to_end(&mut got).await.unwrap(); // until the relay's FIN
        got
    });
    let data = pattern(TOTAL, 9);
    let (mut tx, mut rx) = ws.split();
    let chunks = data.clone();
    let sender = tokio::spawn(async move {
        let mut sent = 0;
        for chunk in chunks.chunks(64 << 10) {
            if tx.send(Message::binary(chunk.to_vec())).await.is_err() {
                break; // the close arrived first; later messages aren't owed
            }
            sent += chunk.len();
        }
        sent
    });
    tokio::time::sleep(Duration::from_millis(50)).await;
    relay.shutdown.cancel();
    let close = loop {
        match tokio::time::timeout(Duration::from_secs(10), rx.next()).await {
            Ok(Some(Ok(Message::Ping(_)))) => continue,
            Ok(other) => break close_of(other),
            Err(_) => panic!("no close frame"),
        }
    };
    assert_eq!(close.0, 1001);
    // Let the close reply go out (the stream ends after it).
    while let Ok(Some(_)) = tokio::time::timeout(Duration::from_secs(5), rx.next()).await {}
    let sent = sender.await.unwrap();
    let got = tokio::time::timeout(Duration::from_secs(15), service)
        .await
        .expect("the service got its EOF")
        .unwrap();
    assert!(sent > 0);
    assert!(
        got.len() >= sent,
        "the browser sent {sent} bytes before the close, the service got {}",
        got.len()
    );
    assert!(got[..] == data[..got.len()], "bytes changed at shutdown");
}

/// Sends SIGTERM and waits (at most 15 s) for a clean exit.
fn terminate(child: &mut std::process::Child) {
    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let deadline = std::time::Instant::now() + Duration::from_secs(15);
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            assert!(status.success(), "relay exited with {status}");
            return;
        }
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            panic!("relay did not exit after SIGTERM");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn the_binary_exits_0_on_sigterm_and_prints_where_to_go() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_relay"))
        .args([
            "--listen",
            "127.0.0.1:0",
            "--echo-listen",
            "127.0.0.1:0",
            "--no-lab",
            "--no-scenarios",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut lines = BufReader::new(stdout).lines();
    let first = lines.next().expect("a banner line").unwrap();
    assert!(
        first.starts_with("playground:    http://127.0.0.1:"),
        "{first}"
    );
    let echo = lines.next().expect("an echo line").unwrap();
    assert!(echo.starts_with("echo service:  nc 127.0.0.1 "), "{echo}");
    terminate(&mut child);
}

#[test]
fn json_logs_carry_peer_client_target_and_origin_on_the_session_line() {
    let log = tempfile::NamedTempFile::new().unwrap();
    // One thread: --threads 1 runs the relay on a current-thread runtime.
    let mut child = Command::new(env!("CARGO_BIN_EXE_relay"))
        .args(["--listen", "127.0.0.1:0", "--echo-listen", "127.0.0.1:0"])
        .args([
            "--no-lab",
            "--no-scenarios",
            "--log-format",
            "json",
            "--threads",
            "1",
        ])
        .stdout(Stdio::piped())
        .stderr(log.reopen().unwrap())
        .spawn()
        .unwrap();
    // Only the first banner line is read, then the pipe is closed: the relay
    // must carry on without its reader.
    let stdout = child.stdout.take().unwrap();
    let banner = BufReader::new(stdout).lines().next().unwrap().unwrap();
    let page = banner
        .trim_start_matches("playground:")
        .trim()
        .trim_end_matches('/')
        .to_owned();

    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        use tokio_tungstenite::tungstenite::client::IntoClientRequest;
        let mut request = format!("{}/ws/echo", page.replacen("http", "ws", 1))
            .into_client_request()
            .unwrap();
        request
            .headers_mut()
            .insert("origin", page.parse().unwrap());
        let (mut ws, _) = connect_async(request).await.unwrap();
        ws.send(Message::text("hello")).await.unwrap();
        assert!(matches!(ws.next().await, Some(Ok(Message::Binary(_)))));
        ws.close(None).await.unwrap();
        while let Some(Ok(_)) = ws.next().await {}
    });
    // The session's last line is written as it ends; give it a moment.
    std::thread::sleep(Duration::from_millis(200));
    terminate(&mut child);

    let text = std::fs::read_to_string(log.path()).unwrap();
    let closed: Vec<serde_json::Value> = text
        .lines()
        .map(|line| serde_json::from_str(line).expect("every log line is JSON"))
        .filter(|line: &serde_json::Value| line["fields"]["message"] == "session closed")
        .collect();
    assert_eq!(closed.len(), 1, "{text}");
    let line = &closed[0];
    assert_eq!(line["target"], "relay::session", "{line}");
    assert_eq!(line["fields"]["target"], "echo", "{line}");
    assert_eq!(line["fields"]["origin"], page.as_str(), "{line}");
    assert_eq!(line["fields"]["client"], "127.0.0.1", "{line}");
    assert!(
        line["fields"]["peer"]
            .as_str()
            .unwrap()
            .starts_with("127.0.0.1:"),
        "{line}"
    );
    // `close()` without a code, as a page's `ws.close()` does: 1005.
    assert_eq!(line["fields"]["code"], 1005, "{line}");
}
