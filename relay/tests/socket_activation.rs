//! Socket activation as systemd does it, with `systemd-socket-activate`
//! (Debian's `systemd` package; `cargo xtask setup` installs it): the relay
//! serves on the socket it is handed instead of binding one.

mod common;

use std::{
    io::{BufRead, BufReader},
    process::{Child, Command, Stdio},
};

use futures_util::{SinkExt, StreamExt};
use tokio_tungstenite::{connect_async, tungstenite::Message};

/// Kills the process when the test ends, however it ends.
struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn first_line(child: &mut Child) -> String {
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    line
}

#[tokio::test]
async fn the_relay_serves_on_the_socket_it_is_handed() {
    let (echo, _stop) = common::start_echo().await;
    let port = common::closed_port();
    let spawned = Command::new("systemd-socket-activate")
        .args(["-l", &format!("127.0.0.1:{port}")])
        .arg(env!("CARGO_BIN_EXE_relay"))
        .args(["--no-echo", "--no-lab", "--no-demos"])
        .args(["--target", &format!("echo={echo}")])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn();
    let mut relay = Killed(spawned.expect(
        "systemd-socket-activate (Debian's systemd package) is missing: run cargo xtask setup",
    ));
    // Like systemd, it starts the service on the first connection: make one
    // (it waits in the socket's queue until the relay accepts it).
    let first = loop {
        match std::net::TcpStream::connect(("127.0.0.1", port)) {
            Ok(stream) => break stream,
            Err(_) if relay.0.try_wait().unwrap().is_none() => {
                std::thread::sleep(std::time::Duration::from_millis(20))
            }
            Err(err) => panic!("systemd-socket-activate exited: {err}"),
        }
    };
    // Not the default 127.0.0.1:8080: the handed socket's address.
    assert_eq!(
        first_line(&mut relay.0).trim(),
        format!("playground:    http://127.0.0.1:{port}/")
    );
    drop(first);
    let addr = format!("127.0.0.1:{port}").parse().unwrap();
    assert_eq!(
        common::http_get(addr, "/healthz").await,
        (200, "ok\n".into())
    );
    let (mut ws, _) = connect_async(format!("ws://{addr}/ws/echo")).await.unwrap();
    ws.send(Message::binary(&b"through the handed socket"[..]))
        .await
        .unwrap();
    match ws.next().await {
        Some(Ok(Message::Binary(b))) => assert_eq!(&b[..], b"through the handed socket"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn listen_fds_meant_for_another_process_are_ignored() {
    // LISTEN_PID names another process (pid 1): the relay binds --listen
    // itself, as systemd's protocol says it must.
    let mut child = Killed(
        Command::new(env!("CARGO_BIN_EXE_relay"))
            .args([
                "--listen",
                "127.0.0.1:0",
                "--no-echo",
                "--no-lab",
                "--no-demos",
            ])
            .env("LISTEN_FDS", "1")
            .env("LISTEN_PID", "1")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let banner = first_line(&mut child.0);
    let port: u16 = banner
        .trim()
        .strip_prefix("playground:    http://127.0.0.1:")
        .and_then(|rest| rest.trim_end_matches('/').parse().ok())
        .unwrap_or_else(|| panic!("{banner:?}"));
    assert_ne!(port, 0);
    assert!(std::net::TcpStream::connect(("127.0.0.1", port)).is_ok());
}

#[test]
fn the_systemd_units_pass_systemd_analyze_verify() {
    // The units as shipped, but starting this build's binary (verify checks
    // that ExecStart= is an executable).
    let dir = tempfile::tempdir().unwrap();
    let units = concat!(env!("CARGO_MANIFEST_DIR"), "/../deploy/systemd");
    for unit in ["relay.socket", "relay.service"] {
        let text = std::fs::read_to_string(format!("{units}/{unit}")).unwrap();
        let text = text.replace("/usr/local/bin/relay", env!("CARGO_BIN_EXE_relay"));
        std::fs::write(dir.path().join(unit), text).unwrap();
    }
    let output = Command::new("systemd-analyze")
        .arg("verify")
        .arg(dir.path().join("relay.socket"))
        .arg(dir.path().join("relay.service"))
        .output()
        .expect("systemd-analyze (Debian's systemd package): run cargo xtask setup");
    let stderr = String::from_utf8_lossy(&output.stderr);
    // It exits 0 even for unknown or malformed settings; it says so on stderr.
    assert!(
        output.status.success() && stderr.trim().is_empty(),
        "systemd-analyze verify: {stderr}"
    );
}
