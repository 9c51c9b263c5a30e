//! Many sessions at once: open `--sessions`, have each do small round trips
//! for `--duration-secs`, read the server's memory while all are open, close.

use std::{
    cell::Cell,
    time::{Duration, Instant},
};

use anyhow::ensure;
use bytes::{BufMut, Bytes, BytesMut};
use futures_util::{future::join_all, stream, StreamExt};

use super::Outcome;
use crate::{
    cli::RunArgs,
    conn::{Conn, ConnOptions},
    dialer::Dialer,
    procfs::{self, CpuMeter},
    record::metric,
    stats::Percentiles,
};

/// A round trip may take this long past the window's end before it counts as lost.
const ROUND_TRIP_GRACE: Duration = Duration::from_secs(5);
/// Descriptors the client keeps for itself besides the sessions.
const SPARE_FILES: u64 = 64;

/// Opens, exercises, measures and closes the sessions.
pub async fn run(args: &RunArgs, open_files: u64) -> anyhow::Result<Outcome> {
    ensure!(
        (args.sessions as u64) + SPARE_FILES <= open_files,
        "{} sessions need more than the {open_files} open files this process may have",
        args.sessions
    );
    let options = ConnOptions {
        read_buffer_bytes: 4 << 10,
    };
    let mut outcome = Outcome::default();
    let first_error = Cell::new(None::<String>);
    let note_error = |err: anyhow::Error| {
        let seen = first_error.take();
        first_error.set(seen.or(Some(format!("{err:#}"))));
    };
    let dialer = Dialer::new(args).await?;
    let rss_before = args.server_pid.and_then(procfs::rss_kib);

    let opening = Instant::now();
    let opened: Vec<_> = stream::iter(0..args.sessions)
        .map(|_| dialer.open(options))
        .buffer_unordered(args.concurrency.max(1))
        .collect()
        .await;
    let open_secs = opening.elapsed().as_secs_f64();
    let mut conns = Vec::with_capacity(opened.len());
    for result in opened {
        match result {
            Ok(conn) => conns.push(conn),
            Err(err) => {
                outcome.errors += 1;
                note_error(err);
            }
        }
    }

    let meter = CpuMeter::start(args.server_pid, args.echo_pid);
    let window = Duration::from_secs_f64(args.duration_secs);
    let start = Instant::now();
    let deadline = tokio::time::Instant::now() + window;
    let sessions = conns
        .into_iter()
        .enumerate()
        .map(|(id, conn)| exercise(conn, id as u64, args.ping_bytes, deadline));
    let results = join_all(sessions).await;
    let secs = start.elapsed().as_secs_f64();
    outcome.cpu = meter.stop();
    // Every surviving session is still open: this is the memory they hold.
    let rss_held = args.server_pid.and_then(procfs::rss_kib);
    let pss_held = args.server_pid.and_then(procfs::pss_kib);

    let mut round_trips = 0u64;
    let mut held = Vec::with_capacity(results.len());
    let mut rtts_us = Vec::new();
    for (done, rtts, result) in results {
        round_trips += done;
        rtts_us.extend(rtts);
        match result {
            Ok(conn) => held.push(conn),
            Err(err) => {
                outcome.errors += 1;
                note_error(err);
            }
        }
    }
    let held_count = held.len();
    outcome.metric(metric::SESSIONS_WANTED, args.sessions as f64);
    outcome.metric(metric::SESSIONS_HELD, held_count as f64);
    outcome.metric(metric::OPEN_SECS, open_secs);
    outcome.metric(metric::ROUND_TRIPS_PER_S, round_trips as f64 / secs);
    if let (Some(before), Some(after), true) = (rss_before, rss_held, held_count > 0) {
        let per_session = after.saturating_sub(before) as f64 / held_count as f64;
        outcome.metric(metric::RSS_PER_SESSION_KIB, per_session);
    }
    if let (Some(pss), true) = (pss_held, held_count > 0) {
        outcome.metric(metric::PSS_PER_SESSION_KIB, pss as f64 / held_count as f64);
    }
    if let Some(p) = Percentiles::of(&mut rtts_us) {
        outcome.metric(metric::LOADED_P50_US, p.p50);
        outcome.metric(metric::LOADED_P99_US, p.p99);
    }
    if let Some(us) = outcome.cpu.server_per_op(secs, round_trips as f64, 1e6) {
        outcome.metric(metric::CPU_US_PER_ROUND_TRIP, us);
    }

    let closes: Vec<_> = stream::iter(held)
        .map(Conn::close)
        .buffer_unordered(args.concurrency.max(1))
        .collect()
        .await;
    if let Some(err) = first_error.take() {
        outcome.note = Some(format!("first error: {err}"));
    }
    for result in closes {
        outcome.closed(result);
    }
    dialer.finish().await;
    Ok(outcome)
}

/// Round trips on one session until `deadline`, each message naming the
/// session and its sequence number so a crossed or stale echo is caught.
/// Returns the completed round trips, the time each took (µs), and the
/// session unless it failed.
async fn exercise(
    mut conn: Conn,
    id: u64,
    ping_bytes: usize,
    deadline: tokio::time::Instant,
) -> (u64, Vec<f64>, anyhow::Result<Conn>) {
    let size = ping_bytes.max(16);
    let mut done = 0u64;
    let mut rtts_us = Vec::new();
    while tokio::time::Instant::now() < deadline {
        let message = ping(id, done, size);
        let sent = Instant::now();
        let echoed = tokio::time::timeout_at(
            deadline + ROUND_TRIP_GRACE,
            conn.round_trip(message.clone()),
        )
        .await;
        match echoed {
            Ok(Ok(echoed)) if echoed == message => {
                rtts_us.push(sent.elapsed().as_secs_f64() * 1e6);
                done += 1;
            }
            Ok(Ok(_)) => {
                let err = anyhow::anyhow!("session {id}: echo differs from round trip {done}");
                return (done, rtts_us, Err(err));
            }
            Ok(Err(err)) => {
                let err = err.context(format!("session {id}"));
                return (done, rtts_us, Err(err));
            }
            Err(_) => {
                let err = anyhow::anyhow!("session {id}: round trip {done} timed out");
                return (done, rtts_us, Err(err));
            }
        }
    }
    (done, rtts_us, Ok(conn))
}

/// `size` bytes: the session id, the sequence number, then filler.
pub(super) fn ping(id: u64, seq: u64, size: usize) -> Bytes {
    let mut message = BytesMut::with_capacity(size);
    message.put_u64(id);
    message.put_u64(seq);
    message.resize(size, b'.');
    message.freeze()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pings_differ_by_session_and_sequence() {
        let a = ping(1, 2, 32);
        assert_eq!(a.len(), 32);
        assert_ne!(a, ping(1, 3, 32));
        assert_ne!(a, ping(2, 2, 32));
        assert_eq!(a, ping(1, 2, 32));
    }
}
