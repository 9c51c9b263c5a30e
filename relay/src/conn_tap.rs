//! A connection's own tap: records one HTTP connection's bytes once a
//! tapped session claims it (see `crate::tap` for where they go). Until a
//! session decides, it keeps the current request, so the upgrade request
//! itself can be shown.

use std::sync::{
    atomic::{AtomicU8, Ordering},
    Mutex,
};

use protocol::tap::TapSource;

use crate::tap::TapSink;

/// Bytes of a request kept while waiting to learn whether it will be tapped.
const PREBUFFER_BYTES: usize = 16 << 10;

const PREBUFFER: u8 = 0;
const ATTACHED: u8 = 1;
const OFF: u8 = 2;

/// Records one HTTP connection's bytes once a tapped session claims it.
/// Until then it keeps the current request (so the upgrade request itself
/// can be shown); after a session decides, it is attached or off for good.
pub struct ConnTap {
    state: AtomicU8,
    inner: Mutex<ConnTapInner>,
}

#[derive(Default)]
struct ConnTapInner {
    prebuffer: Vec<u8>,
    sink: Option<TapSink>,
}

impl ConnTap {
    /// A connection tap; a disabled one never keeps anything.
    pub fn new(enabled: bool) -> Self {
        Self {
            state: AtomicU8::new(if enabled { PREBUFFER } else { OFF }),
            inner: Mutex::new(ConnTapInner::default()),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, ConnTapInner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// From now on, every byte of this connection goes to `sink`, starting
    /// with the request that is being handled.
    pub fn attach(&self, sink: TapSink) {
        let mut inner = self.lock();
        let request = std::mem::take(&mut inner.prebuffer);
        sink.record(TapSource::BrowserToRelay, &request);
        inner.sink = Some(sink);
        self.state.store(ATTACHED, Ordering::Release);
    }

    /// This connection will not be tapped: stop keeping its bytes.
    pub fn disable(&self) {
        self.state.store(OFF, Ordering::Release);
        let mut inner = self.lock();
        inner.prebuffer = Vec::new();
        inner.sink = None;
    }

    /// Bytes read from the client.
    pub fn on_read(&self, bytes: &[u8]) {
        match self.state.load(Ordering::Acquire) {
            OFF => {}
            ATTACHED => {
                if let Some(sink) = &self.lock().sink {
                    sink.record(TapSource::BrowserToRelay, bytes);
                }
            }
            _ => {
                let mut inner = self.lock();
                let room = PREBUFFER_BYTES.saturating_sub(inner.prebuffer.len());
                inner
                    .prebuffer
                    .extend_from_slice(&bytes[..bytes.len().min(room)]);
            }
        }
    }

    /// Bytes written to the client.
    pub fn on_write(&self, bytes: &[u8]) {
        match self.state.load(Ordering::Acquire) {
            OFF => {}
            ATTACHED => {
                if let Some(sink) = &self.lock().sink {
                    sink.record(TapSource::RelayToBrowser, bytes);
                }
            }
            // A response to an untapped request: the next request starts afresh.
            _ => self.lock().prebuffer.clear(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tap::TapHub;
    use protocol::tap::TapRecord;

    const CLIENT: std::net::IpAddr = std::net::IpAddr::V4(std::net::Ipv4Addr::LOCALHOST);

    #[test]
    fn an_attached_connection_tap_replays_the_request_then_streams() {
        let hub = TapHub::new(true);
        let mut tap = hub.open(CLIENT).unwrap();
        let conn = ConnTap::new(true);
        conn.on_read(b"GET /ws/echo HTTP/1.1\r\n\r\n");
        conn.attach(hub.sink(&tap.id).unwrap());
        conn.on_write(b"HTTP/1.1 101 Switching Protocols\r\n\r\n");
        conn.on_read(&[0x81, 0x80, 1, 2, 3, 4]);
        let records = drain(&mut tap);
        let sources: Vec<_> = records.iter().map(|r| r.source).collect();
        assert_eq!(
            sources,
            [
                TapSource::BrowserToRelay,
                TapSource::RelayToBrowser,
                TapSource::BrowserToRelay
            ]
        );
        assert!(records[0].bytes.starts_with(b"GET /ws/echo"));
    }

    #[test]
    fn untapped_connections_keep_nothing() {
        let conn = ConnTap::new(true);
        conn.on_read(&[b'x'; 100]);
        conn.on_write(b"HTTP/1.1 200 OK\r\n\r\n");
        assert!(conn.lock().prebuffer.is_empty(), "answered request kept");
        conn.on_read(&vec![b'y'; 3 * PREBUFFER_BYTES]);
        assert_eq!(
            conn.lock().prebuffer.len(),
            PREBUFFER_BYTES,
            "prebuffer unbounded"
        );
        conn.disable();
        conn.on_read(b"more");
        assert!(conn.lock().prebuffer.is_empty());
    }

    fn drain(tap: &mut crate::tap::OpenTap) -> Vec<TapRecord> {
        std::iter::from_fn(|| tap.try_recv())
            .map(|bytes| TapRecord::decode(&bytes).unwrap())
            .collect()
    }
}
