//! The soak's bookkeeping: what every load task did, counted by kind, shared
//! by all tasks and read by the sampler and the report.

use std::{
    collections::BTreeMap,
    fmt::Display,
    sync::{
        atomic::{AtomicI64, Ordering},
        Mutex,
    },
};

use protocol::CloseCode;
use serde::{Deserialize, Serialize};

use crate::{conn::Closed, ws::Ended};

/// First errors kept word for word in the report.
const KEPT_ERROR_MESSAGES: usize = 20;

/// The kinds of load, each a name in the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Load {
    /// Connect, one echo round trip, close.
    Churn,
    /// Random bytes streamed through and back, checked by SHA-256.
    Bulk,
    /// Sessions held open without traffic.
    Idle,
    /// Sessions whose client reads slowly.
    Slow,
    /// Raw clients sending pings and never reading.
    PingFlood,
    /// `/tap` WebSockets that are never read.
    Tap,
    /// Echo sessions recorded onto an unread tap.
    Tapped,
    /// Sessions to the fault-injecting service.
    Faults,
}

impl Load {
    /// The name in the report.
    pub fn name(self) -> &'static str {
        match self {
            Self::Churn => "churn",
            Self::Bulk => "bulk",
            Self::Idle => "idle",
            Self::Slow => "slow-reader",
            Self::PingFlood => "ping-flood",
            Self::Tap => "tap",
            Self::Tapped => "tapped",
            Self::Faults => "faults",
        }
    }
}

/// The SHA-256 checks of bulk and slow-reader sessions.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hashes {
    /// Sessions whose echoed bytes hashed the same as the bytes sent.
    pub matched: u64,
    /// Sessions whose echo hashed differently (or had another length).
    pub mismatched: u64,
    /// Bytes sent and hashed, matched sessions only.
    pub bytes_verified: u64,
}

/// Everything counted, as written to the report.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    /// Sessions (or cycles) that did their work, by load.
    pub completed: BTreeMap<String, u64>,
    /// Failures that the relay should not have caused, by `load: what`.
    pub errors: BTreeMap<String, u64>,
    /// Refusals and drops the relay is meant to make, by `load: what`.
    pub expected_drops: BTreeMap<String, u64>,
    /// How sessions ended, by load, then by close code.
    pub closes: BTreeMap<String, BTreeMap<String, u64>>,
    /// SHA-256 checks.
    pub hashes: Hashes,
    /// Other amounts by name (pings sent, tapped round trips, …).
    pub amounts: BTreeMap<String, u64>,
    /// The first errors, word for word.
    pub first_errors: Vec<String>,
}

/// The shared tally.
#[derive(Debug, Default)]
pub struct Tally {
    counts: Mutex<Counts>,
    open: AtomicI64,
}

/// A session counted as open until dropped.
pub struct OpenSession<'a>(&'a Tally);

impl Drop for OpenSession<'_> {
    fn drop(&mut self) {
        self.0.open.fetch_sub(1, Ordering::Relaxed);
    }
}

impl Tally {
    fn with(&self, change: impl FnOnce(&mut Counts)) {
        // A panicking task cannot leave the counters half-updated.
        change(&mut self.counts.lock().unwrap_or_else(|e| e.into_inner()));
    }

    /// Counts a session as open while the guard lives.
    pub fn open(&self) -> OpenSession<'_> {
        self.open.fetch_add(1, Ordering::Relaxed);
        OpenSession(self)
    }

    /// Sessions open now.
    pub fn open_now(&self) -> i64 {
        self.open.load(Ordering::Relaxed)
    }

    /// One session or cycle of `load` did its work.
    pub fn completed(&self, load: Load) {
        self.with(|c| *c.completed.entry(load.name().into()).or_default() += 1);
    }

    /// A failure the relay should not have caused.
    pub fn error(&self, load: Load, what: &str, detail: impl Display) {
        let key = format!("{}: {what}", load.name());
        self.with(|c| {
            if c.first_errors.len() < KEPT_ERROR_MESSAGES {
                c.first_errors.push(format!("{key}: {detail:#}"));
            }
            *c.errors.entry(key).or_default() += 1;
        });
    }

    /// A refusal or drop the relay is meant to make.
    pub fn expected_drop(&self, load: Load, what: &str) {
        let key = format!("{}: {what}", load.name());
        self.with(|c| *c.expected_drops.entry(key).or_default() += 1);
    }

    /// The server ended a session of `load`.
    pub fn ended(&self, load: Load, ended: Ended) {
        self.close_label(load, ended_label(ended));
    }

    /// We closed a session of `load`, with this result.
    pub fn we_closed(&self, load: Load, closed: anyhow::Result<Closed>) {
        match closed {
            Ok(Closed::Clean) => self.close_label(load, "closed by the client".into()),
            Ok(Closed::Abrupt) => {
                self.close_label(load, "client's close answered by a hang-up".into())
            }
            Err(err) => self.error(load, "close failed", err),
        }
    }

    fn close_label(&self, load: Load, label: String) {
        self.with(|c| {
            let by_code = c.closes.entry(load.name().into()).or_default();
            *by_code.entry(label).or_default() += 1;
        });
    }

    /// One SHA-256 comparison of `bytes` sent.
    pub fn hashed(&self, matched: bool, bytes: u64) {
        self.with(|c| {
            if matched {
                c.hashes.matched += 1;
                c.hashes.bytes_verified += bytes;
            } else {
                c.hashes.mismatched += 1;
            }
        });
    }

    /// Adds `n` to the amount `name`.
    pub fn add(&self, name: &str, n: u64) {
        self.with(|c| *c.amounts.entry(name.into()).or_default() += n);
    }

    /// A copy of the counts so far.
    pub fn snapshot(&self) -> Counts {
        self.counts
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }
}

/// `1011 Internal Error`, `1006 no close frame`, …
fn ended_label(ended: Ended) -> String {
    match ended {
        Ended::Code(code) => format!("{code} {}", CloseCode(code).name()),
        Ended::NoCloseFrame => "1006 no close frame".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_by_kind_and_code() {
        let tally = Tally::default();
        tally.ended(Load::Faults, Ended::Code(1011));
        tally.ended(Load::Faults, Ended::Code(1011));
        tally.ended(Load::Faults, Ended::NoCloseFrame);
        tally.error(Load::Bulk, "connect", "refused");
        tally.hashed(true, 10);
        tally.hashed(false, 10);
        {
            let _open = tally.open();
            assert_eq!(tally.open_now(), 1);
        }
        assert_eq!(tally.open_now(), 0);
        let counts = tally.snapshot();
        assert_eq!(counts.closes["faults"]["1011 Internal Error"], 2);
        assert_eq!(counts.closes["faults"]["1006 no close frame"], 1);
        assert_eq!(counts.errors["bulk: connect"], 1);
        assert_eq!(counts.first_errors, ["bulk: connect: refused"]);
        assert_eq!(
            counts.hashes,
            Hashes {
                matched: 1,
                mismatched: 1,
                bytes_verified: 10
            }
        );
    }
}
