//! The `lossy` demo service on real loopback sockets: over UDP it drops the
//! replies `protocol::lossy` says are lost and no others; over TCP it sends
//! every line, in order, the lost ones late and the lines behind them
//! waiting. Reached directly (as `nc` would) and through the relay.

mod common;

use std::{
    collections::BTreeSet,
    net::SocketAddr,
    time::{Duration, Instant},
};

use common::TestRelay;
use futures_util::{SinkExt, StreamExt};
use protocol::{lossy, scenarios::LineBuffer};
use relay::{
    services::builtins::{self, BuiltinListen, Builtins},
    Config,
};
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::{TcpStream, UdpSocket},
};
use tokio_tungstenite::{connect_async, tungstenite::Message};
use tokio_util::sync::{CancellationToken, DropGuard};

/// How long any one expected reply may take.
const DEADLINE: Duration = Duration::from_secs(10);

fn listen() -> BuiltinListen {
    BuiltinListen {
        lossy: Some("127.0.0.1:0".into()),
        ..BuiltinListen::none()
    }
}

/// The lossy service alone, on a free port (stopped when the guard drops).
async fn lossy_service() -> (DropGuard, SocketAddr) {
    let shutdown = CancellationToken::new();
    let started = builtins::start(&listen(), &shutdown).await.unwrap();
    let target = started
        .targets
        .iter()
        .find(|t| t.name == "lossy")
        .expect("the lossy target");
    let addr = target
        .address
        .to_string()
        .parse()
        .expect("a socket address");
    (shutdown.drop_guard(), addr)
}

/// A relay with the lossy service's two targets.
async fn lossy_relay() -> TestRelay {
    let (relay, _): (TestRelay, Builtins) =
        TestRelay::start_with_builtins(Config::default(), &listen()).await;
    relay
}

fn numbered(range: std::ops::RangeInclusive<u32>) -> Vec<String> {
    range.map(|n| n.to_string()).collect()
}

fn kept(messages: &[String]) -> BTreeSet<String> {
    messages
        .iter()
        .filter(|m| !lossy::is_lost(m.as_bytes()))
        .cloned()
        .collect()
}

/// A number after `messages` that the rule keeps: once its reply is back,
/// every earlier reply that was coming has come (loopback UDP keeps order).
fn sentinel(messages: &[String]) -> String {
    (10_000u32..)
        .map(|n| n.to_string())
        .find(|m| !lossy::is_lost(m.as_bytes()) && !messages.contains(m))
        .unwrap()
}

#[tokio::test]
async fn udp_drops_exactly_the_lost_datagrams() {
    let (_service, addr) = lossy_service().await;
    let socket = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    socket.connect(addr).await.unwrap();
    let sent = numbered(1..=60);
    let end = sentinel(&sent);
    for message in sent.iter().chain([&end]) {
        socket.send(message.as_bytes()).await.unwrap();
    }
    let mut got = BTreeSet::new();
    let mut buf = [0u8; 64];
    loop {
        let n = tokio::time::timeout(DEADLINE, socket.recv(&mut buf))
            .await
            .expect("a reply")
            .unwrap();
        let reply = String::from_utf8(buf[..n].to_vec()).unwrap();
        if reply == end {
            break;
        }
        got.insert(reply);
    }
    let expected = kept(&sent);
    assert_eq!(got, expected);
    let lost = sent.len() - expected.len();
    assert!((4..=20).contains(&lost), "{lost} of 60 lost");
}

#[tokio::test]
async fn tcp_sends_every_line_in_order_the_lost_ones_late() {
    let (_service, addr) = lossy_service().await;
    let mut stream = TcpStream::connect(addr).await.unwrap();
    let sent = numbered(1..=20);
    let lost = sent.len() - kept(&sent).len();
    assert!(lost > 0, "the run shows at least one loss");
    let started = Instant::now();
    stream
        .write_all(format!("{}\n", sent.join("\n")).as_bytes())
        .await
        .unwrap();
    let mut lines = LineBuffer::new();
    let mut got = Vec::new();
    let mut chunk = [0u8; 1024];
    while got.len() < sent.len() {
        let n = tokio::time::timeout(DEADLINE, stream.read(&mut chunk))
            .await
            .expect("a line")
            .unwrap();
        assert_ne!(n, 0, "closed after {got:?}");
        lines.push(&chunk[..n]);
        while let Some(line) = lines.next_line() {
            got.push(line.unwrap());
        }
    }
    assert_eq!(got, sent, "every line, in order");
    // Each lost line was held for the retransmission timeout, one after
    // another (a lower bound: a slow machine only adds to it).
    let held = Duration::from_millis(lossy::RETRANSMIT_MS * lost as u64);
    assert!(
        started.elapsed() >= held,
        "{:?} < {held:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn through_the_relay_tcp_keeps_everything_and_udp_loses() {
    let relay = lossy_relay().await;
    let sent = numbered(1..=30);

    let (mut ws, _) = connect_async(relay.ws_url("udp-lossy")).await.unwrap();
    let end = sentinel(&sent);
    for message in sent.iter().chain([&end]) {
        ws.send(Message::Binary(message.clone().into_bytes().into()))
            .await
            .unwrap();
    }
    let mut got = BTreeSet::new();
    loop {
        let message = tokio::time::timeout(DEADLINE, ws.next())
            .await
            .expect("a datagram")
            .unwrap()
            .unwrap();
        let reply = String::from_utf8(message.into_data().to_vec()).unwrap();
        if reply == end {
            break;
        }
        got.insert(reply);
    }
    assert_eq!(got, kept(&sent), "over UDP the lost ones never come");

    let (mut ws, _) = connect_async(relay.ws_url("lossy")).await.unwrap();
    for message in &sent {
        ws.send(Message::Text(format!("{message}\n").into()))
            .await
            .unwrap();
    }
    let mut lines = LineBuffer::new();
    let mut got = Vec::new();
    while got.len() < sent.len() {
        let message = tokio::time::timeout(DEADLINE, ws.next())
            .await
            .expect("a line")
            .unwrap()
            .unwrap();
        lines.push(&message.into_data());
        while let Some(line) = lines.next_line() {
            got.push(line.unwrap());
        }
    }
    assert_eq!(got, sent, "over TCP every one comes, in order");
}

#[tokio::test]
async fn a_bad_line_gets_a_reason_and_the_connection_goes_on() {
    let (_service, addr) = lossy_service().await;
    let mut stream = TcpStream::connect(addr).await.unwrap();
    let end = sentinel(&[]);
    let mut input = vec![0xff, 0xfe, b'\n'];
    input.extend_from_slice(format!("{end}\n").as_bytes());
    stream.write_all(&input).await.unwrap();
    let mut text = String::new();
    let mut chunk = [0u8; 256];
    while !text.ends_with(&format!("{end}\r\n")) {
        let n = tokio::time::timeout(DEADLINE, stream.read(&mut chunk))
            .await
            .expect("a reply")
            .unwrap();
        assert_ne!(n, 0, "closed after {text:?}");
        text.push_str(std::str::from_utf8(&chunk[..n]).unwrap());
    }
    assert_eq!(
        text,
        format!("! line is not valid UTF-8 and was dropped\r\n{end}\r\n")
    );
}
