//! What both directions of a session share: when each side was last heard
//! from, and the bytes sent to the TCP service.

use std::{
    sync::atomic::{AtomicBool, AtomicU64, Ordering},
    time::{Duration, Instant},
};

/// When each side was last heard from, in milliseconds since the session began.
pub(super) struct Activity {
    start: Instant,
    pub(super) heard_from_browser_ms: AtomicU64,
    pub(super) data_ms: AtomicU64,
    /// Set while browser → TCP waits on the TCP service: the browser's frames
    /// (pongs included) are then unread, which is not the browser's fault.
    pub(super) writing_upstream: AtomicBool,
    /// Bytes written to the TCP service so far.
    pub(super) bytes_up: AtomicU64,
}

impl Activity {
    pub(super) fn new() -> Self {
        Self {
            start: Instant::now(),
            heard_from_browser_ms: AtomicU64::new(0),
            data_ms: AtomicU64::new(0),
            writing_upstream: AtomicBool::new(false),
            bytes_up: AtomicU64::new(0),
        }
    }

    pub(super) fn now_ms(&self) -> u64 {
        self.start.elapsed().as_millis() as u64
    }

    pub(super) fn heard_from_browser(&self) {
        self.heard_from_browser_ms
            .store(self.now_ms(), Ordering::Relaxed);
    }

    pub(super) fn data(&self) {
        self.data_ms.store(self.now_ms(), Ordering::Relaxed);
    }

    /// Data reached the TCP service from the browser: both marks at once.
    pub(super) fn data_from_browser(&self) {
        let now = self.now_ms();
        self.heard_from_browser_ms.store(now, Ordering::Relaxed);
        self.data_ms.store(now, Ordering::Relaxed);
    }

    pub(super) fn since(&self, mark: &AtomicU64) -> Duration {
        Duration::from_millis(self.now_ms().saturating_sub(mark.load(Ordering::Relaxed)))
    }

    /// Nothing from the browser for `limit`, while we were listening.
    pub(super) fn browser_silent(&self, limit: Duration) -> bool {
        !self.writing_upstream.load(Ordering::Relaxed)
            && self.since(&self.heard_from_browser_ms) > limit
    }
}
