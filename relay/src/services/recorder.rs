//! `recorder`: a raw TCP service that keeps every byte it receives, so the
//! page can show what a browser actually sent when it was aimed straight at a
//! TCP port (`fetch()`, `new WebSocket()`), and what arrived through the relay.
//!
//! It answers each chunk with one line saying how much it got. A connection
//! that sent an HTTP request head is closed at once without an answer: the
//! browser's `fetch()` or WebSocket then fails the way it does against any
//! service that does not speak HTTP.

use std::{
    collections::VecDeque,
    sync::{Arc, Mutex},
};

use protocol::Capture;
use tokio::{
    io::{self, AsyncReadExt, AsyncWriteExt},
    net::TcpStream,
};
use tokio_util::sync::CancellationToken;

use crate::tap::now_us;

/// What the page shows next to the recorder target.
pub const DESCRIPTION: &str = "demo: records every byte it receives and says how many";
/// Connections remembered.
pub const MAX_CAPTURES: usize = 64;
/// Bytes remembered per connection.
pub const MAX_CAPTURE_BYTES: usize = 16 << 10;

/// The recorder's memory: the last [`MAX_CAPTURES`] connections.
#[derive(Default)]
pub struct RecorderLog {
    captures: Mutex<VecDeque<Arc<Mutex<Capture>>>>,
}

impl RecorderLog {
    fn start(&self, port: u16) -> Arc<Mutex<Capture>> {
        let capture = Arc::new(Mutex::new(Capture {
            port,
            time_us: now_us(),
            bytes: Vec::new(),
        }));
        let mut captures = self.captures.lock().unwrap_or_else(|e| e.into_inner());
        if captures.len() == MAX_CAPTURES {
            captures.pop_front();
        }
        captures.push_back(capture.clone());
        capture
    }

    /// Captures whose bytes contain `marker`, oldest first.
    pub fn matching(&self, marker: &str) -> Vec<Capture> {
        let captures = self.captures.lock().unwrap_or_else(|e| e.into_inner());
        captures
            .iter()
            .map(|c| c.lock().unwrap_or_else(|e| e.into_inner()).clone())
            .filter(|c| {
                c.bytes
                    .windows(marker.len())
                    .any(|w| w == marker.as_bytes())
            })
            .collect()
    }
}

/// Records one connection on `port` into `log`.
pub async fn handle(
    stream: TcpStream,
    shutdown: CancellationToken,
    log: Arc<RecorderLog>,
    port: u16,
) -> io::Result<()> {
    let capture = log.start(port);
    let (mut read, mut write) = stream.into_split();
    let mut buf = vec![0u8; 4096];
    loop {
        let n = tokio::select! {
            n = read.read(&mut buf) => n?,
            () = shutdown.cancelled() => return Ok(()),
        };
        if n == 0 {
            return Ok(());
        }
        let is_http_request = {
            let mut capture = capture.lock().unwrap_or_else(|e| e.into_inner());
            let room = MAX_CAPTURE_BYTES.saturating_sub(capture.bytes.len());
            capture.bytes.extend_from_slice(&buf[..n.min(room)]);
            looks_like_http_request(&capture.bytes)
        };
        if is_http_request {
            // No HTTP answer: this is a raw TCP service.
            return Ok(());
        }
        write
            .write_all(format!("recorder got {n} bytes\r\n").as_bytes())
            .await?;
    }
}

/// A complete HTTP/1.x request head: method, a space, and the blank line.
fn looks_like_http_request(bytes: &[u8]) -> bool {
    const METHODS: &[&[u8]] = &[
        b"GET ",
        b"POST ",
        b"PUT ",
        b"HEAD ",
        b"OPTIONS ",
        b"DELETE ",
        b"PATCH ",
    ];
    METHODS.iter().any(|m| bytes.starts_with(m)) && bytes.windows(4).any(|w| w == b"\r\n\r\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_request_heads_only_when_complete() {
        assert!(looks_like_http_request(
            b"GET /probe HTTP/1.1\r\nHost: x\r\n\r\n"
        ));
        assert!(!looks_like_http_request(
            b"GET /probe HTTP/1.1\r\nHost: x\r\n"
        ));
        assert!(!looks_like_http_request(b"PING\r\n\r\n"));
    }

    #[test]
    fn log_is_bounded_and_filtered_by_marker() {
        let log = RecorderLog::default();
        for i in 0..MAX_CAPTURES + 5 {
            log.start(1).lock().unwrap().bytes = format!("conn-{i:04}-marker").into_bytes();
        }
        assert_eq!(log.captures.lock().unwrap().len(), MAX_CAPTURES);
        assert!(
            log.matching("conn-0000").is_empty(),
            "oldest should be gone"
        );
        assert_eq!(log.matching("conn-0068").len(), 1);
    }
}
