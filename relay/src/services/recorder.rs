//! `recorder`: a raw TCP service that keeps every byte it receives, so the
//! page can show what a browser actually sent when it was aimed straight at a
//! TCP port (`fetch()`, `new WebSocket()`), and what arrived through the relay.
//!
//! It answers each chunk with one line saying how much it got. A connection
//! that sent an HTTP request head is closed at once without an answer: the
//! browser's `fetch()` or WebSocket then fails the way it does against any
//! service that does not speak HTTP.
//!
//! The page finds its own connections by a marker in the bytes (the URL's
//! path). A page on `https://` aims with `https://` and `wss://`, and then
//! the bytes are a TLS ClientHello, which carries no path: such a connection
//! goes to the first marker asked for by the same address within
//! [`TLS_CLAIM_WINDOW`], and to no other.

use std::{
    collections::VecDeque,
    net::IpAddr,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
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

/// How long after it arrived a connection that began with TLS can be
/// claimed by a marker asked for from its address.
pub const TLS_CLAIM_WINDOW: Duration = Duration::from_secs(10);

/// The recorder's memory: the last [`MAX_CAPTURES`] connections.
#[derive(Default)]
pub struct RecorderLog {
    captures: Mutex<VecDeque<Arc<Recorded>>>,
}

/// One connection: what the page may see, and what only the relay knows.
struct Recorded {
    capture: Mutex<Capture>,
    /// The address it came from (never shown to a page).
    from: IpAddr,
    at: Instant,
    /// The marker a TLS connection was given to.
    claimed_by: Mutex<Option<String>>,
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

impl RecorderLog {
    fn start(&self, port: u16, from: IpAddr) -> Arc<Recorded> {
        let recorded = Arc::new(Recorded {
            capture: Mutex::new(Capture {
                port,
                time_us: now_us(),
                bytes: Vec::new(),
            }),
            from: from.to_canonical(),
            at: Instant::now(),
            claimed_by: Mutex::new(None),
        });
        let mut captures = lock(&self.captures);
        if captures.len() == MAX_CAPTURES {
            captures.pop_front();
        }
        captures.push_back(recorded.clone());
        recorded
    }

    /// Captures whose bytes contain `marker`, and the TLS ones from
    /// `requester` that this marker claims (see the module's notes), oldest
    /// first.
    pub fn matching(&self, marker: &str, requester: Option<IpAddr>) -> Vec<Capture> {
        let captures = lock(&self.captures);
        captures
            .iter()
            .filter_map(|recorded| {
                let capture = lock(&recorded.capture).clone();
                let carries = capture
                    .bytes
                    .windows(marker.len())
                    .any(|w| w == marker.as_bytes());
                (carries || recorded.claim(marker, requester, &capture)).then_some(capture)
            })
            .collect()
    }
}

impl Recorded {
    /// Gives this connection to `marker` if it began with TLS, came from
    /// `requester`, is recent enough and no other marker has it.
    fn claim(&self, marker: &str, requester: Option<IpAddr>, capture: &Capture) -> bool {
        let tls = capture.bytes.first() == Some(&22);
        let from_requester = requester.is_some_and(|ip| ip.to_canonical() == self.from);
        if !tls || !from_requester {
            return false;
        }
        let mut claimed = lock(&self.claimed_by);
        match claimed.as_deref() {
            Some(owner) => owner == marker,
            None if self.at.elapsed() <= TLS_CLAIM_WINDOW => {
                *claimed = Some(marker.to_owned());
                true
            }
            None => false,
        }
    }
}

/// Records one connection on `port` into `log`.
pub async fn handle(
    stream: TcpStream,
    shutdown: CancellationToken,
    log: Arc<RecorderLog>,
    port: u16,
) -> io::Result<()> {
    let from = stream
        .peer_addr()
        .map_or(IpAddr::from([0, 0, 0, 0]), |a| a.ip());
    let recorded = log.start(port, from);
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
            let mut capture = lock(&recorded.capture);
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
        let here = IpAddr::from([127, 0, 0, 1]);
        for i in 0..MAX_CAPTURES + 5 {
            lock(&log.start(1, here).capture).bytes = format!("conn-{i:04}-marker").into_bytes();
        }
        assert_eq!(log.captures.lock().unwrap().len(), MAX_CAPTURES);
        assert!(
            log.matching("conn-0000", Some(here)).is_empty(),
            "oldest should be gone"
        );
        assert_eq!(log.matching("conn-0068", Some(here)).len(), 1);
    }

    #[test]
    fn a_tls_connection_goes_to_one_marker_of_its_own_address() {
        let log = RecorderLog::default();
        let (visitor, other) = (
            IpAddr::from([203, 0, 113, 7]),
            IpAddr::from([198, 51, 100, 2]),
        );
        lock(&log.start(7008, visitor).capture).bytes = vec![22, 3, 1, 0, 5];
        assert!(log.matching("marker-other", Some(other)).is_empty());
        assert!(log.matching("marker-none", None).is_empty());
        assert_eq!(log.matching("marker-mine", Some(visitor)).len(), 1);
        // Asked again, it is still this marker's, and no one else's.
        assert_eq!(log.matching("marker-mine", Some(visitor)).len(), 1);
        assert!(log.matching("marker-late", Some(visitor)).is_empty());
        // Plain bytes without the marker are never claimed.
        lock(&log.start(7008, visitor).capture).bytes = b"GET / HTTP/1.1\r\n".to_vec();
        assert!(log.matching("marker-new", Some(visitor)).is_empty());
    }
}
