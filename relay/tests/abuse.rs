//! A hostile client against the real binary. Each test makes the relay hold
//! as much as one client can make it hold, measures the relay's resident
//! memory from `/proc`, and asserts the bound the README promises; then
//! checks that another session still gets every byte back.
//!
//! Memory is a property, not a timing: the bounds hold however slow the
//! machine is. Each bound carries `SLACK_KIB` for the allocator keeping
//! freed memory.

mod common;

use std::{process::Stdio, time::Duration};

use common::{binary::RelayProcess, pattern};
use futures_util::{SinkExt, StreamExt};
use relay::tap::{MAX_TAPS_PER_ADDRESS, TAP_QUEUE_BYTES};
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::{TcpListener, TcpStream},
    sync::watch,
};
use tokio_tungstenite::{connect_async, tungstenite::Message};

/// What the allocator may keep of memory the relay freed, and the runtime's
/// own growth under load.
const SLACK_KIB: u64 = 16 << 10;
/// The README's bound on one session beyond its messages: read and write
/// buffers, one read chunk, bookkeeping.
const SESSION_OVERHEAD_KIB: u64 = 256;

/// A relay binary with one target, `svc`, at `address`.
fn relay_for(address: &str, extra: &[&str]) -> RelayProcess {
    RelayProcess::with_one_target("svc", address, extra, Stdio::null())
}

/// The relay's own echo service, in this process.
async fn echo_service() -> String {
    let (addr, stop) = common::start_echo().await;
    // Runs until the test's runtime ends.
    std::mem::forget(stop);
    addr
}

/// A WebSocket frame as a browser sends it: masked.
fn masked_frame(opcode: u8, fin: bool, payload: &[u8]) -> Vec<u8> {
    let mask = [0x37, 0xfa, 0x21, 0x3d];
    let mut frame = vec![if fin { 0x80 } else { 0 } | opcode];
    match payload.len() {
        n if n < 126 => frame.push(0x80 | n as u8),
        n if n <= 0xffff => {
            frame.push(0x80 | 126);
            frame.extend_from_slice(&(n as u16).to_be_bytes());
        }
        n => {
            frame.push(0x80 | 127);
            frame.extend_from_slice(&(n as u64).to_be_bytes());
        }
    }
    frame.extend_from_slice(&mask);
    frame.extend(payload.iter().enumerate().map(|(i, b)| b ^ mask[i % 4]));
    frame
}

/// Upgrades a raw TCP connection to `path`; the caller then speaks frames.
async fn raw_session(relay: &RelayProcess, path: &str) -> TcpStream {
    let mut stream = TcpStream::connect(relay.addr).await.unwrap();
    let request = format!(
        "GET {path} HTTP/1.1\r\nHost: {}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
         Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
        relay.addr
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut head = Vec::new();
    while !head.ends_with(b"\r\n\r\n") {
        let mut byte = [0u8];
        assert_eq!(stream.read(&mut byte).await.unwrap(), 1, "{head:?}");
        head.push(byte[0]);
    }
    assert!(
        head.starts_with(b"HTTP/1.1 101"),
        "{}",
        String::from_utf8_lossy(&head)
    );
    stream
}

/// Writes `frame` over and over, up to `total` bytes, until the relay stops
/// taking them (no progress for 2 s) or drops the connection.
async fn write_until_refused(stream: &mut TcpStream, frame: &[u8], total: usize) -> usize {
    let batch: Vec<u8> = frame.repeat((256 << 10) / frame.len().max(1) + 1);
    let mut written = 0;
    while written < total {
        match tokio::time::timeout(Duration::from_secs(2), stream.write_all(&batch)).await {
            Ok(Ok(())) => written += batch.len(),
            Ok(Err(_)) | Err(_) => break,
        }
    }
    written
}

/// One session through the relay still gets every byte back.
async fn assert_another_session_is_whole(relay: &RelayProcess) {
    let (mut ws, _) = connect_async(format!("ws://{}/ws/svc", relay.addr))
        .await
        .unwrap();
    let sent = pattern(1 << 20, 7);
    for chunk in sent.chunks(64 << 10) {
        ws.send(Message::binary(chunk.to_vec())).await.unwrap();
    }
    let mut got = Vec::new();
    while got.len() < sent.len() {
        match tokio::time::timeout(Duration::from_secs(30), ws.next()).await {
            Ok(Some(Ok(Message::Binary(b)))) => got.extend_from_slice(&b),
            other => panic!("the other session broke: {other:?}"),
        }
    }
    assert!(got == sent, "the other session's bytes differ");
}

/// How much the relay grew since `base`, in KiB, printed for the record.
fn grown_kib(relay: &RelayProcess, base: u64, what: &str) -> u64 {
    let now = relay.rss_kib();
    let grown = now.saturating_sub(base);
    eprintln!("{what}: relay RSS {base} KiB -> {now} KiB (+{grown} KiB)");
    grown
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_ping_flood_that_reads_nothing_is_bounded() {
    let relay = relay_for(&echo_service().await, &[]);
    let base = relay.rss_kib();
    let mut flood = raw_session(&relay, "/ws/svc").await;
    // 128 MiB of pings, none of whose pongs are read.
    let ping = masked_frame(0x9, true, &[b'p'; 125]);
    let written = write_until_refused(&mut flood, &ping, 128 << 20).await;
    let grown = grown_kib(&relay, base, &format!("{} MiB of pings", written >> 20));
    // A session's write buffer holds one message (a read chunk) plus slack.
    assert!(
        grown <= SESSION_OVERHEAD_KIB + SLACK_KIB,
        "the relay grew by {grown} KiB queueing pongs"
    );
    assert_another_session_is_whole(&relay).await;
    drop(flood);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unread_taps_hold_at_most_their_byte_budget_and_are_capped_per_address() {
    let relay = relay_for(&echo_service().await, &[]);
    let tap_url = format!("ws://{}/tap", relay.addr);
    let mut taps = Vec::new();
    for _ in 0..MAX_TAPS_PER_ADDRESS {
        let (mut tap, _) = connect_async(&tap_url).await.unwrap();
        let Some(Ok(Message::Text(hello))) = tap.next().await else {
            panic!("no tap hello")
        };
        let hello: protocol::tap::TapHello = serde_json::from_str(&hello).unwrap();
        taps.push((tap, hello.tap));
    }
    match connect_async(&tap_url).await {
        Err(tokio_tungstenite::tungstenite::Error::Http(response)) => {
            assert_eq!(response.status(), 429)
        }
        other => panic!("a tap beyond the per-address cap was not refused: {other:?}"),
    }
    let base = relay.rss_kib();
    // Each tapped session moves 8 MiB each way; every byte is recorded four
    // times (frame in, to the service, from the service, frame out), and no
    // tap is read.
    let per_session = 8 << 20;
    let sessions = taps.iter().map(|(_, id)| {
        let url = format!("ws://{}/ws/svc?tap={id}", relay.addr);
        async move {
            let (ws, _) = connect_async(url).await.unwrap();
            let (mut tx, mut rx) = ws.split();
            let send = async {
                for chunk in pattern(per_session, 3).chunks(64 << 10) {
                    tx.send(Message::binary(chunk.to_vec())).await.unwrap();
                }
            };
            let receive = async {
                let mut got = 0;
                while got < per_session {
                    match rx.next().await {
                        Some(Ok(Message::Binary(b))) => got += b.len(),
                        other => panic!("tapped session broke: {other:?}"),
                    }
                }
            };
            tokio::join!(send, receive);
        }
    });
    futures_util::future::join_all(sessions).await;
    let grown = grown_kib(&relay, base, "8 unread taps of 8 MiB sessions");
    let budget_kib = (MAX_TAPS_PER_ADDRESS * TAP_QUEUE_BYTES) as u64 >> 10;
    let bound = budget_kib + MAX_TAPS_PER_ADDRESS as u64 * SESSION_OVERHEAD_KIB + SLACK_KIB;
    assert!(
        grown <= bound,
        "unread taps grew the relay by {grown} KiB (bound {bound} KiB)"
    );

    // The page learns how much its tap dropped.
    let (tap, _) = &mut taps[0];
    let dropped = tokio::time::timeout(Duration::from_secs(30), async {
        loop {
            match tap.next().await {
                Some(Ok(Message::Text(text))) => {
                    if let Ok(protocol::tap::TapEvent::Dropped { records }) =
                        serde_json::from_str(&text)
                    {
                        return records;
                    }
                }
                Some(Ok(_)) => {}
                other => panic!("tap ended: {other:?}"),
            }
        }
    })
    .await
    .expect("a Dropped note once the queue is read");
    assert!(dropped > 0);
    assert_another_session_is_whole(&relay).await;
}

/// A TCP service that writes `chunk` to every connection as fast as it is
/// taken; `progress` counts the bytes written to all of them.
async fn pushing_service() -> (String, watch::Receiver<u64>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    let (progress, watcher) = watch::channel(0u64);
    tokio::spawn(async move {
        while let Ok((mut conn, _)) = listener.accept().await {
            let progress = progress.clone();
            tokio::spawn(async move {
                let chunk = vec![b'q'; 16 << 10];
                while conn.write_all(&chunk).await.is_ok() {
                    progress.send_modify(|n| *n += chunk.len() as u64);
                }
            });
        }
    });
    (addr, watcher)
}

/// Waits until `progress` stopped moving for a second (every connection's
/// buffers are full), for at most 60 s.
async fn wait_until_stalled(progress: &watch::Receiver<u64>) {
    let end = tokio::time::Instant::now() + Duration::from_secs(60);
    let mut last = *progress.borrow();
    while tokio::time::Instant::now() < end {
        tokio::time::sleep(Duration::from_secs(1)).await;
        let now = *progress.borrow();
        if now == last {
            return;
        }
        last = now;
    }
    panic!("the service never stopped writing: the relay buffers without bound");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sessions_that_read_nothing_while_the_service_pushes_are_bounded() {
    let (service, progress) = pushing_service().await;
    let relay = relay_for(&service, &[]);
    let base = relay.rss_kib();
    let sessions = 50;
    let mut held = Vec::new();
    for _ in 0..sessions {
        held.push(raw_session(&relay, "/ws/svc").await);
    }
    wait_until_stalled(&progress).await;
    let grown = grown_kib(&relay, base, "50 sessions that read nothing");
    let bound = sessions * SESSION_OVERHEAD_KIB + SLACK_KIB;
    assert!(grown <= bound, "grew by {grown} KiB (bound {bound} KiB)");
    drop(held);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unfinished_messages_up_to_the_limit_are_bounded_and_one_past_it_is_1009() {
    let limit = 256 << 10;
    let relay = relay_for(&echo_service().await, &["--max-message-bytes", "262144"]);
    let base = relay.rss_kib();
    let sessions: u64 = 20;
    let fragment = vec![b'f'; 16 << 10];
    let mut held = Vec::new();
    for _ in 0..sessions {
        let mut ws = raw_session(&relay, "/ws/svc").await;
        // A message of 15 fragments (240 KiB), never finished.
        ws.write_all(&masked_frame(0x2, false, &fragment))
            .await
            .unwrap();
        for _ in 1..15 {
            ws.write_all(&masked_frame(0x0, false, &fragment))
                .await
                .unwrap();
        }
        // A ping may come between fragments; its pong says the relay has
        // read every fragment before it.
        ws.write_all(&masked_frame(0x9, true, b"sync"))
            .await
            .unwrap();
        let mut pong = [0u8; 6];
        ws.read_exact(&mut pong).await.unwrap();
        assert_eq!(pong, [0x8a, 4, b's', b'y', b'n', b'c']);
        held.push(ws);
    }
    let grown = grown_kib(&relay, base, "20 unfinished 240 KiB messages");

    // One more whose 17 fragments go past the limit is closed with 1009.
    let mut over = raw_session(&relay, "/ws/svc").await;
    over.write_all(&masked_frame(0x2, false, &fragment))
        .await
        .unwrap();
    for _ in 1..17 {
        over.write_all(&masked_frame(0x0, false, &fragment))
            .await
            .unwrap();
    }
    let mut close = [0u8; 4];
    over.read_exact(&mut close).await.unwrap();
    assert_eq!(close[0], 0x88, "a close frame");
    assert_eq!(u16::from_be_bytes([close[2], close[3]]), 1009);
    let per_session = 2 * (limit as u64 >> 10) + SESSION_OVERHEAD_KIB;
    let bound = sessions * per_session + SLACK_KIB;
    assert!(grown <= bound, "grew by {grown} KiB (bound {bound} KiB)");
    assert_another_session_is_whole(&relay).await;
    drop(held);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_service_that_reads_nothing_stops_the_relay_reading_its_clients() {
    // Accepts and holds every connection, never reading.
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let service = listener.local_addr().unwrap().to_string();
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((conn, _)) = listener.accept().await {
            held.push(conn);
        }
    });
    let relay = relay_for(&service, &["--max-message-bytes", "65536"]);
    let base = relay.rss_kib();
    let sessions: u64 = 10;
    let message = masked_frame(0x2, true, &[b'm'; 60 << 10]);
    let mut writers = Vec::new();
    for _ in 0..sessions {
        let mut ws = raw_session(&relay, "/ws/svc").await;
        let message = message.clone();
        writers.push(tokio::spawn(async move {
            let written = write_until_refused(&mut ws, &message, 64 << 20).await;
            (ws, written)
        }));
    }
    let mut held = Vec::new();
    for writer in writers {
        let (ws, written) = writer.await.unwrap();
        assert!(written < 64 << 20, "the relay took 64 MiB nobody reads");
        held.push(ws);
    }
    let grown = grown_kib(
        &relay,
        base,
        "10 clients writing to a service that reads nothing",
    );
    let per_session = 2 * 64 + SESSION_OVERHEAD_KIB;
    let bound = sessions * per_session + SLACK_KIB;
    assert!(grown <= bound, "grew by {grown} KiB (bound {bound} KiB)");
    drop(held);
}
