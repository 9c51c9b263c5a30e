//! The wire tap: records the raw bytes of sessions a page opened with
//! `?tap=<id>` and streams them to that page's tap WebSocket (see
//! `protocol::tap`). The browser API hands scripts whole messages; this is
//! how the page can show real frames, masks and the upgrade handshake.
//!
//! Recording never slows a session: records go into a queue bounded in
//! records and in bytes with `try_send`, and what does not fit is counted and
//! dropped (the page shows how many). Taps are capped relay-wide and per
//! client address, so one client holds at most
//! `MAX_TAPS_PER_ADDRESS × TAP_QUEUE_BYTES` of queued records. What each
//! connection records for its tap is in `conn_tap`.

use std::{
    collections::HashMap,
    net::IpAddr,
    sync::{
        atomic::{AtomicU32, AtomicU64, AtomicUsize, Ordering},
        Arc, Mutex,
    },
    time::{SystemTime, UNIX_EPOCH},
};

use bytes::Bytes;
use protocol::tap::{TapEvent, TapRecord, TapSource};
use tokio::sync::mpsc;

use crate::refusal::Refusal;

/// Records a tap may have queued before new ones are dropped.
pub const TAP_QUEUE_RECORDS: usize = 4096;
/// Bytes of encoded records a tap may have queued before new ones are
/// dropped: what a page that stops reading its tap can make the relay hold.
pub const TAP_QUEUE_BYTES: usize = 1 << 20;
/// Taps open at once, relay-wide.
pub const MAX_TAPS: usize = 1024;
/// Taps open at once from one client address (a page uses one per tab).
pub const MAX_TAPS_PER_ADDRESS: usize = 8;

/// Microseconds since the Unix epoch.
pub fn now_us() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_micros() as u64)
        .unwrap_or(0)
}

/// What a tap's queue holds and has dropped, shared by its sinks and reader.
#[derive(Debug, Default)]
pub struct TapBudget {
    /// Records dropped because the queue was full.
    pub dropped: AtomicU64,
    /// Bytes of records queued and not yet taken by the reader.
    queued_bytes: AtomicUsize,
}

impl TapBudget {
    /// Claims room for `len` bytes; false (and nothing claimed) if the queue
    /// would go over [`TAP_QUEUE_BYTES`].
    fn claim(&self, len: usize) -> bool {
        let before = self.queued_bytes.fetch_add(len, Ordering::AcqRel);
        if before + len > TAP_QUEUE_BYTES {
            self.release(len);
            return false;
        }
        true
    }

    fn release(&self, len: usize) {
        self.queued_bytes.fetch_sub(len, Ordering::AcqRel);
    }

    /// Bytes queued now.
    pub fn queued_bytes(&self) -> usize {
        self.queued_bytes.load(Ordering::Acquire)
    }
}

/// Where one tapped session's records go.
#[derive(Clone, Debug)]
pub struct TapSink {
    tx: mpsc::Sender<Bytes>,
    session: u32,
    budget: Arc<TapBudget>,
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
        let encoded = record.encode();
        let len = encoded.len();
        if !self.budget.claim(len) {
            self.budget.dropped.fetch_add(1, Ordering::Relaxed);
            return;
        }
        if self.tx.try_send(encoded.into()).is_err() {
            self.budget.release(len);
            self.budget.dropped.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// The session number the page sees.
    pub fn session(&self) -> u32 {
        self.session
    }
}

/// An open tap: its queue, its budget and the client address that opened it.
struct TapEntry {
    tx: mpsc::Sender<Bytes>,
    budget: Arc<TapBudget>,
    client: IpAddr,
}

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
    records: mpsc::Receiver<Bytes>,
    /// The queue's byte count and the records dropped because the page read
    /// too slowly.
    pub budget: Arc<TapBudget>,
}

impl OpenTap {
    /// The next encoded [`TapRecord`] for the page; `None` once the hub is gone.
    pub async fn recv(&mut self) -> Option<Bytes> {
        let record = self.records.recv().await?;
        self.budget.release(record.len());
        Some(record)
    }

    /// The next record if one is waiting (for tests and draining).
    pub fn try_recv(&mut self) -> Option<Bytes> {
        let record = self.records.try_recv().ok()?;
        self.budget.release(record.len());
        Some(record)
    }

    /// True if no record is waiting.
    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    /// Records dropped so far.
    pub fn dropped(&self) -> u64 {
        self.budget.dropped.load(Ordering::Relaxed)
    }
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

    /// Opens a tap for a page at `client`, unless taps are off or too many
    /// are open (relay-wide or from that address).
    pub fn open(&self, client: IpAddr) -> Result<OpenTap, Refusal> {
        if !self.enabled {
            return Err(Refusal::TapsOff);
        }
        let mut taps = self.taps.lock().unwrap_or_else(|e| e.into_inner());
        if taps.len() >= MAX_TAPS {
            return Err(Refusal::TooManyTaps);
        }
        if taps.values().filter(|t| t.client == client).count() >= MAX_TAPS_PER_ADDRESS {
            return Err(Refusal::TooManyTapsFromAddress(MAX_TAPS_PER_ADDRESS));
        }
        let id = random_id().ok_or(Refusal::TooManyTaps)?;
        let (tx, records) = mpsc::channel(TAP_QUEUE_RECORDS);
        let budget = Arc::new(TapBudget::default());
        let entry = TapEntry {
            tx,
            budget: budget.clone(),
            client,
        };
        taps.insert(id.clone(), entry);
        Ok(OpenTap {
            id,
            records,
            budget,
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
        let entry = taps.get(id)?;
        Some(TapSink {
            tx: entry.tx.clone(),
            session: self.next_session.fetch_add(1, Ordering::Relaxed),
            budget: entry.budget.clone(),
        })
    }
}

impl TapHub {
    /// Records `event` on tap `id`, as a session of its own, if that tap is
    /// open and was opened from `client`: how the relay tells a page why it
    /// refused one of the page's requests. A request from elsewhere that
    /// names the tap (a leaked id) is ignored, so nobody but the page's own
    /// browser can make the relay say anything on it; and the event goes
    /// through the tap's bounded queue like every record. True if recorded.
    pub fn report(&self, id: &str, client: IpAddr, event: &TapEvent) -> bool {
        let sink = {
            let taps = self.taps.lock().unwrap_or_else(|e| e.into_inner());
            match taps.get(id) {
                Some(entry) if entry.client == client => TapSink {
                    tx: entry.tx.clone(),
                    session: self.next_session.fetch_add(1, Ordering::Relaxed),
                    budget: entry.budget.clone(),
                },
                _ => return false,
            }
        };
        sink.event(event);
        true
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

#[cfg(test)]
mod tests {
    use super::*;

    const CLIENT: IpAddr = IpAddr::V4(std::net::Ipv4Addr::LOCALHOST);

    fn drain(tap: &mut OpenTap) -> Vec<TapRecord> {
        let mut out = Vec::new();
        while let Some(bytes) = tap.try_recv() {
            out.push(TapRecord::decode(&bytes).unwrap());
        }
        out
    }

    #[test]
    fn a_slow_tap_drops_and_counts_instead_of_blocking() {
        let hub = TapHub::new(true);
        let tap = hub.open(CLIENT).unwrap();
        let sink = hub.sink(&tap.id).unwrap();
        for _ in 0..TAP_QUEUE_RECORDS + 10 {
            sink.record(TapSource::UpstreamToRelay, b"x");
        }
        assert_eq!(tap.dropped(), 10);
    }

    #[test]
    fn a_tap_holds_at_most_its_byte_budget() {
        let hub = TapHub::new(true);
        let mut tap = hub.open(CLIENT).unwrap();
        let sink = hub.sink(&tap.id).unwrap();
        let chunk = vec![7u8; 64 << 10];
        for _ in 0..100 {
            sink.record(TapSource::UpstreamToRelay, &chunk);
        }
        assert!(tap.budget.queued_bytes() <= TAP_QUEUE_BYTES);
        let kept = drain(&mut tap).len() as u64;
        assert_eq!(kept + tap.dropped(), 100);
        assert!(kept >= 10, "a budget of 1 MiB holds 15 records of 64 KiB");
        assert_eq!(
            tap.budget.queued_bytes(),
            0,
            "read records free their bytes"
        );
        sink.record(TapSource::UpstreamToRelay, &chunk);
        assert_eq!(drain(&mut tap).len(), 1, "room again once read");
    }

    #[test]
    fn taps_are_capped_per_client_address() {
        let hub = TapHub::new(true);
        let taps: Vec<_> = (0..MAX_TAPS_PER_ADDRESS)
            .map(|_| hub.open(CLIENT).unwrap())
            .collect();
        assert!(matches!(
            hub.open(CLIENT),
            Err(Refusal::TooManyTapsFromAddress(_))
        ));
        assert!(
            hub.open("10.0.0.2".parse().unwrap()).is_ok(),
            "other clients unaffected"
        );
        hub.close(&taps[0].id);
        assert!(hub.open(CLIENT).is_ok(), "a closed tap frees its place");
    }

    #[test]
    fn reports_reach_only_the_named_tap_from_its_own_address() {
        let hub = TapHub::new(true);
        let mut mine = hub.open(CLIENT).unwrap();
        let mut other = hub.open(CLIENT).unwrap();
        let event = TapEvent::Dropped { records: 1 };
        assert!(!hub.report(&mine.id, "10.0.0.2".parse().unwrap(), &event));
        assert!(!hub.report("not-a-tap", CLIENT, &event));
        assert!(drain(&mut mine).is_empty());
        assert!(hub.report(&mine.id, CLIENT, &event));
        let records = drain(&mut mine);
        assert_eq!(records.len(), 1);
        assert_eq!(records[0].event(), Some(event));
        assert!(drain(&mut other).is_empty(), "no other tap hears it");
    }

    #[test]
    fn unknown_or_disabled_taps_give_no_sink() {
        let hub = TapHub::new(true);
        assert!(hub.sink("0123").is_none());
        let tap = hub.open(CLIENT).unwrap();
        assert_eq!(tap.id.len(), 32);
        hub.close(&tap.id);
        assert!(hub.sink(&tap.id).is_none());
        assert!(matches!(
            TapHub::new(false).open(CLIENT),
            Err(Refusal::TapsOff)
        ));
    }
}
