//! Shutting down: open sessions get close 1001, and the binary exits 0 on SIGTERM.

mod common;

use std::{
    io::{BufRead, BufReader},
    process::{Command, Stdio},
    time::Duration,
};

use common::{start_echo, TestRelay};
use futures_util::StreamExt;
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

#[test]
fn the_binary_exits_0_on_sigterm_and_prints_where_to_go() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_relay"))
        .args([
            "--listen",
            "127.0.0.1:0",
            "--echo-listen",
            "127.0.0.1:0",
            "--no-lab",
            "--no-demos",
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

    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let deadline = std::time::Instant::now() + Duration::from_secs(15);
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            assert!(status.success(), "relay exited with {status}");
            break;
        }
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            panic!("relay did not exit after SIGTERM");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}
