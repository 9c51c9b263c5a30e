//! The message log: the newest [`LOG_WINDOW`] entries in a ring shared by
//! every copy of the state, and a count of all of them.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;

use super::{CloseInfo, Payload, SendError};

/// How many log entries are kept (and shown). Older ones are dropped and only
/// counted, so a long session stays fast however many messages it sees.
pub const LOG_WINDOW: usize = 500;

/// How many bytes of one message the log keeps for display. The full length
/// is still recorded.
pub const MAX_KEPT_BYTES: usize = 4096;

/// Something the log records that is not a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SysEvent {
    /// `new WebSocket(url)` was called.
    Connecting {
        /// The WebSocket URL.
        url: String,
    },
    /// The handshake succeeded.
    Opened,
    /// The visitor asked to close.
    Closing,
    /// The socket closed.
    Closed(CloseInfo),
    /// The browser fired an `error` event (it carries no details).
    Error,
    /// The browser refused to create the socket at all.
    OpenFailed {
        /// The exception's message.
        reason: String,
    },
    /// A message could not be sent.
    SendFailed(SendError),
}

/// What a log entry records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EntryBody {
    /// A message this page sent.
    Out(Message),
    /// A message the relay sent.
    In(Message),
    /// A connection event.
    Sys(SysEvent),
}

/// A message as kept in the log: at most [`MAX_KEPT_BYTES`] of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// Text or binary frame.
    pub text: bool,
    /// The message's full length in bytes.
    pub len: usize,
    /// Its first bytes (all of them when `len <= MAX_KEPT_BYTES`).
    pub head: Vec<u8>,
}

impl Message {
    pub(super) fn from_payload(payload: &Payload) -> Self {
        let bytes = payload.bytes();
        Self {
            text: payload.is_text(),
            len: bytes.len(),
            head: bytes[..bytes.len().min(MAX_KEPT_BYTES)].to_vec(),
        }
    }

    /// True when only the first [`MAX_KEPT_BYTES`] were kept.
    pub fn truncated(&self) -> bool {
        self.head.len() < self.len
    }

    /// The message as it was sent or received, to send again; `None` when
    /// only its first bytes were kept.
    pub fn payload(&self) -> Option<Payload> {
        if self.truncated() {
            return None;
        }
        Some(if self.text {
            // A text frame is UTF-8 (the browser checks); kept whole, so is this.
            Payload::Text(String::from_utf8_lossy(&self.head).into_owned())
        } else {
            Payload::Binary(self.head.clone())
        })
    }
}

/// One line of the log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Unique and increasing within a page; also the entry's 1-based number.
    pub id: u64,
    /// When it happened, milliseconds since the Unix epoch.
    pub at_ms: u64,
    /// What happened.
    pub body: EntryBody,
}

impl Entry {
    /// The value of the entry's `data-dir` attribute: `out`, `in` or `sys`.
    pub fn dir(&self) -> &'static str {
        match self.body {
            EntryBody::Out(_) => "out",
            EntryBody::In(_) => "in",
            EntryBody::Sys(_) => "sys",
        }
    }
}

/// The newest [`LOG_WINDOW`] entries and a count of all of them.
///
/// Clones share one ring of entries and differ only in where their history
/// ends, so the reducer's copy of the state per action costs O(1), not a
/// copy of the window.
#[derive(Debug, Clone, Default)]
pub struct Log {
    ring: Rc<RefCell<VecDeque<Rc<Entry>>>>,
    total: u64,
    next_id: u64,
}

impl PartialEq for Log {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.ring, &other.ring)
            && self.total == other.total
            && self.next_id == other.next_id
    }
}

impl Eq for Log {}

impl Log {
    /// Add an entry, dropping the oldest kept one past [`LOG_WINDOW`].
    pub(super) fn push(&mut self, at_ms: u64, body: EntryBody) {
        let newest = self.ring.borrow().back().map(|e| e.id);
        if newest.is_some_and(|id| id != self.next_id) {
            // A newer copy of the state already grew the shared ring: this
            // one takes its own copy of what it had.
            let mine: VecDeque<_> = self
                .ring
                .borrow()
                .iter()
                .filter(|e| e.id <= self.next_id)
                .cloned()
                .collect();
            self.ring = Rc::new(RefCell::new(mine));
        }
        self.next_id += 1;
        self.total += 1;
        let mut ring = self.ring.borrow_mut();
        if ring.len() == LOG_WINDOW {
            ring.pop_front();
        }
        ring.push_back(Rc::new(Entry {
            id: self.next_id,
            at_ms,
            body,
        }));
    }

    pub(super) fn clear(&mut self) {
        self.ring = Rc::default();
        self.total = 0;
    }

    /// The kept entries, oldest first.
    pub fn entries(&self) -> std::vec::IntoIter<Rc<Entry>> {
        let kept = self.total.min(LOG_WINDOW as u64);
        let first = self.next_id - kept;
        let entries: Vec<Rc<Entry>> = self
            .ring
            .borrow()
            .iter()
            .filter(|e| e.id > first && e.id <= self.next_id)
            .cloned()
            .collect();
        entries.into_iter()
    }

    /// Entries logged since the last clear, kept or not.
    pub fn total(&self) -> u64 {
        self.total
    }

    /// Entries logged since the last clear that are no longer kept.
    pub fn hidden(&self) -> u64 {
        self.total - self.total.min(LOG_WINDOW as u64)
    }
}
