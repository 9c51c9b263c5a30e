//! The wire tap: records the raw bytes of sessions a page opened with
//! `?tap=<id>` and streams them to that page's tap WebSocket (see
//! `protocol::tap`). The browser API hands scripts whole messages; this is
//! how the page can show real frames, masks and the upgrade handshake.
//!
//! Recording never slows a session: records go into a bounded queue with
//! `try_send`, and what does not fit is counted and dropped.

use std::{
    collections::HashMap,
    sync::{
        atomic::{AtomicU32, AtomicU64, AtomicU8, Ordering},
        Arc, Mutex,
    },
    time::{SystemTime, UNIX_EPOCH},
};

use bytes::Bytes;
use protocol::tap::{TapEvent, TapRecord, TapSource};
use tokio::sync::mpsc;

/// Records a tap may have queued before new ones are dropped.
pub const TAP_QUEUE_RECORDS: usize = 4096;
/// Taps open at once, relay-wide.
pub const MAX_TAPS: usize = 1024;
/// Bytes of a request kept while waiting to learn whether it will be tapped.
const PREBUFFER_BYTES: usize = 16 << 10;

/// Microseconds since the Unix epoch.
pub fn now_us() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_micros() as u64)
        .unwrap_or(0)
}

/// Where one tapped session's records go.
#[derive(Clone, Debug)]
pub struct TapSink {
    tx: mpsc::Sender<Bytes>,
    session: u32,
    dropped: Arc<AtomicU64>,
}

impl TapSink {
    /// Records `bytes` seen at `source`, now. Never blocks.
    pub fn record(&self, source: TapSource, bytes: &[u8]) {
        if bytes.is_empty() {
            return;
        }
        let record = TapRecord {
            session: self.session,
            source,
            time_us: now_us(),
            bytes: bytes.to_vec(),
        };
        self.push(record);
    }

    /// Records a session event.
    pub fn event(&self, event: &TapEvent) {
        match serde_json::to_vec(event) {
            Ok(json) => self.record(TapSource::Event, &json),
            Err(err) => tracing::warn!(%err, "cannot encode tap event"),
        }
    }

    fn push(&self, record: TapRecord) {
        if self.tx.try_send(record.encode().into()).is_err() {
            self.dropped.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// The session number the page sees.
    pub fn session(&self) -> u32 {
        self.session
    }
}

/// An open tap's queue and its drop counter.
type TapEntry = (mpsc::Sender<Bytes>, Arc<AtomicU64>);

/// The open taps, by secret id.
pub struct TapHub {
    enabled: bool,
    taps: Mutex<HashMap<String, TapEntry>>,
    next_session: AtomicU32,
}

/// A tap the page holds open: its id and the records for it.
pub struct OpenTap {
    /// The secret id the page passes as `?tap=`.
    pub id: String,
    /// Encoded [`TapRecord`]s to send to the page.
    pub records: mpsc::Receiver<Bytes>,
    /// Records dropped because the page read too slowly.
    pub dropped: Arc<AtomicU64>,
}

impl TapHub {
    /// A hub; a disabled one refuses every tap.
    pub fn new(enabled: bool) -> Self {
        Self {
            enabled,
            taps: Mutex::new(HashMap::new()),
            next_session: AtomicU32::new(1),
        }
    }

    /// True unless the relay runs with taps off.
    pub fn enabled(&self) -> bool {
        self.enabled
    }

    /// Opens a tap, or `None` when taps are off or too many are open.
    pub fn open(&self) -> Option<OpenTap> {
        if !self.enabled {
            return None;
        }
        let mut taps = self.taps.lock().unwrap_or_else(|e| e.into_inner());
        if taps.len() >= MAX_TAPS {
            return None;
        }
        let id = random_id()?;
        let (tx, records) = mpsc::channel(TAP_QUEUE_RECORDS);
        let dropped = Arc::new(AtomicU64::new(0));
        taps.insert(id.clone(), (tx, dropped.clone()));
        Some(OpenTap {
            id,
            records,
            dropped,
        })
    }

    /// Forgets a tap whose page went away.
    pub fn close(&self, id: &str) {
        self.taps
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(id);
    }

    /// A sink for a new session on tap `id`, if that tap is open.
    pub fn sink(&self, id: &str) -> Option<TapSink> {
        let taps = self.taps.lock().unwrap_or_else(|e| e.into_inner());
        let (tx, dropped) = taps.get(id)?;
        Some(TapSink {
            tx: tx.clone(),
            session: self.next_session.fetch_add(1, Ordering::Relaxed),
            dropped: dropped.clone(),
        })
    }
}

fn random_id() -> Option<String> {
    let mut raw = [0u8; 16];
    if let Err(err) = getrandom::fill(&mut raw) {
        tracing::error!(%err, "no randomness for a tap id");
        return None;
    }
    Some(raw.iter().map(|b| format!("{b:02x}")).collect())
}

const PREBUFFER: u8 = 0;
const ATTACHED: u8 = 1;
const OFF: u8 = 2;

/// Records one HTTP connection's bytes once a tapped session claims it.
/// Until then it keeps the current request (so the upgrade request itself
/// can be shown); after a session decides, it is attached or off for good.
pub struct ConnRecorder {
    state: AtomicU8,
    inner: Mutex<RecorderInner>,
}

#[derive(Default)]
struct RecorderInner {
    prebuffer: Vec<u8>,
    sink: Option<TapSink>,
}

impl ConnRecorder {
    /// A recorder; a disabled one never keeps anything.
    pub fn new(enabled: bool) -> Self {
        Self {
            state: AtomicU8::new(if enabled { PREBUFFER } else { OFF }),
            inner: Mutex::new(RecorderInner::default()),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, RecorderInner> {
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

    fn drain(tap: &mut OpenTap) -> Vec<TapRecord> {
        let mut out = Vec::new();
        while let Ok(bytes) = tap.records.try_recv() {
            out.push(TapRecord::decode(&bytes).unwrap());
        }
        out
    }

    #[test]
    fn attached_recorder_replays_the_request_then_streams() {
        let hub = TapHub::new(true);
        let mut tap = hub.open().unwrap();
        let recorder = ConnRecorder::new(true);
        recorder.on_read(b"GET /ws/echo HTTP/1.1\r\n\r\n");
        recorder.attach(hub.sink(&tap.id).unwrap());
        recorder.on_write(b"HTTP/1.1 101 Switching Protocols\r\n\r\n");
        recorder.on_read(&[0x81, 0x80, 1, 2, 3, 4]);
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
        let recorder = ConnRecorder::new(true);
        recorder.on_read(&[b'x'; 100]);
        recorder.on_write(b"HTTP/1.1 200 OK\r\n\r\n");
        assert!(
            recorder.lock().prebuffer.is_empty(),
            "answered request kept"
        );
        recorder.on_read(&vec![b'y'; 3 * PREBUFFER_BYTES]);
        assert_eq!(
            recorder.lock().prebuffer.len(),
            PREBUFFER_BYTES,
            "prebuffer unbounded"
        );
        recorder.disable();
        recorder.on_read(b"more");
        assert!(recorder.lock().prebuffer.is_empty());
    }

    #[test]
    fn a_slow_tap_drops_and_counts_instead_of_blocking() {
        let hub = TapHub::new(true);
        let tap = hub.open().unwrap();
        let sink = hub.sink(&tap.id).unwrap();
        for _ in 0..TAP_QUEUE_RECORDS + 10 {
            sink.record(TapSource::UpstreamToRelay, b"x");
        }
        assert_eq!(tap.dropped.load(Ordering::Relaxed), 10);
    }

    #[test]
    fn unknown_or_disabled_taps_give_no_sink() {
        let hub = TapHub::new(true);
        assert!(hub.sink("0123").is_none());
        let tap = hub.open().unwrap();
        assert_eq!(tap.id.len(), 32);
        hub.close(&tap.id);
        assert!(hub.sink(&tap.id).is_none());
        assert!(TapHub::new(false).open().is_none());
    }
}
