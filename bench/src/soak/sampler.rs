//! Samples the relay's memory about once a second while the load runs, and
//! notices when the relay is gone.

use std::time::Duration;

use serde::{Deserialize, Serialize};
use tokio::{sync::oneshot, time::Instant};

use super::tally::Tally;
use crate::procfs;

/// A progress line on stderr this often.
const PROGRESS_EVERY: Duration = Duration::from_secs(30);

/// One reading.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Sample {
    /// Seconds since the load started.
    pub secs: f64,
    /// The relay's resident set, KiB.
    pub rss_kib: u64,
    /// Its proportional set (shared pages split between their users), KiB.
    pub pss_kib: Option<u64>,
    /// Sessions and taps the load held open.
    pub open_sessions: i64,
}

/// What the sampler saw.
#[derive(Debug, Default)]
pub struct Samples {
    /// The readings, in order.
    pub samples: Vec<Sample>,
    /// The relay's process disappeared while the load ran.
    pub relay_died: bool,
}

/// Reads `pid`'s memory every `every` until `stop` fires or the process is
/// gone; without a pid, only waits.
pub async fn run(
    pid: Option<u32>,
    every: Duration,
    tally: &Tally,
    mut stop: oneshot::Receiver<()>,
) -> Samples {
    let mut out = Samples::default();
    let Some(pid) = pid else {
        let _stopped = stop.await;
        return out;
    };
    let start = Instant::now();
    let mut ticks = tokio::time::interval(every);
    let mut next_progress = start + PROGRESS_EVERY;
    loop {
        tokio::select! {
            _ = &mut stop => return out,
            _ = ticks.tick() => {}
        }
        // No VmRSS: the process is gone (or a zombie, exited but not reaped).
        let Some(rss_kib) = procfs::rss_kib(pid) else {
            eprintln!("soak: the relay (pid {pid}) is gone");
            out.relay_died = true;
            return out;
        };
        let sample = Sample {
            secs: start.elapsed().as_secs_f64(),
            rss_kib,
            pss_kib: procfs::pss_kib(pid),
            open_sessions: tally.open_now(),
        };
        out.samples.push(sample);
        if Instant::now() >= next_progress {
            next_progress += PROGRESS_EVERY;
            let counts = tally.snapshot();
            eprintln!(
                "soak: {:>4.0} s  relay RSS {:>7.1} MiB  open {:>4}  errors {}  SHA-256 ok {} bad {}",
                sample.secs,
                rss_kib as f64 / 1024.0,
                sample.open_sessions,
                counts.errors.values().sum::<u64>(),
                counts.hashes.matched,
                counts.hashes.mismatched,
            );
        }
    }
}
