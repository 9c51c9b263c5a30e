//! Streams per connection: `--concurrency` workers each open a channel, do
//! `--round-trips-per-stream` round trips on it and close it, again, until
//! `--count` channels were started or `--duration-secs` passed. Over
//! WebTransport a channel is a stream of one shared session (past the
//! relay's per-session limit a worker waits for QUIC's stream credit); over
//! WebSocket and TCP it is a session of its own, so the same number of
//! sessions stands beside the one.

use std::{
    cell::Cell,
    time::{Duration, Instant},
};

use futures_util::future::join_all;

use super::{sessions::ping, Outcome};
use crate::{
    cli::RunArgs,
    conn::{Closed, ConnOptions},
    dialer::Dialer,
    procfs::CpuMeter,
    record::metric,
    stats::Percentiles,
};

/// What one worker did.
#[derive(Default)]
struct Done {
    streams: u64,
    round_trips: u64,
    first_echo_ms: Vec<f64>,
    errors: u64,
    abrupt: u64,
}

/// Runs the workers on one set of channels and reports rates and CPU per
/// operation.
pub async fn run(args: &RunArgs) -> anyhow::Result<Outcome> {
    let options = ConnOptions {
        read_buffer_bytes: 4 << 10,
    };
    let dialer = Dialer::new(args).await?;
    let channels = dialer.channels().await?;
    let started = Cell::new(0u64);
    let first_error = Cell::new(None::<String>);

    let meter = CpuMeter::start(args.server_pid, args.echo_pid);
    let start = Instant::now();
    let deadline = start + Duration::from_secs_f64(args.duration_secs);
    let (channels_ref, started, first_error) = (&channels, &started, &first_error);
    let size = args.ping_bytes.max(16);
    let worker = |worker: u64| async move {
        let mut done = Done::default();
        while started.get() < args.count && Instant::now() < deadline {
            let id = started.get();
            started.set(id + 1);
            let begin = Instant::now();
            let cycle = async {
                let mut conn = channels_ref.open(options).await?;
                let mut first = None;
                for seq in 0..args.round_trips_per_stream {
                    let message = ping(id, seq, size);
                    let echoed = conn.round_trip(message.clone()).await?;
                    anyhow::ensure!(
                        echoed == message,
                        "worker {worker}, stream {id}: echo differs from round trip {seq}"
                    );
                    first.get_or_insert_with(|| begin.elapsed());
                }
                let closed = conn.close().await?;
                anyhow::Ok((first, closed))
            };
            match cycle.await {
                Ok((first, closed)) => {
                    done.streams += 1;
                    done.round_trips += args.round_trips_per_stream;
                    if let Some(first) = first {
                        done.first_echo_ms.push(first.as_secs_f64() * 1e3);
                    }
                    done.abrupt += u64::from(closed == Closed::Abrupt);
                }
                Err(err) => {
                    done.errors += 1;
                    let seen = first_error.take();
                    first_error.set(seen.or(Some(format!("{err:#}"))));
                }
            }
        }
        done
    };
    let results = join_all((0..args.concurrency.max(1) as u64).map(worker)).await;
    let secs = start.elapsed().as_secs_f64();
    let cpu = meter.stop();
    channels.close();
    dialer.finish().await;

    let mut outcome = Outcome {
        cpu,
        note: first_error.take().map(|e| format!("first error: {e}")),
        ..Outcome::default()
    };
    let (mut streams, mut round_trips, mut first_echo_ms) = (0u64, 0u64, Vec::new());
    for done in results {
        streams += done.streams;
        round_trips += done.round_trips;
        first_echo_ms.extend(done.first_echo_ms);
        outcome.errors += done.errors;
        outcome.abrupt_closes += done.abrupt;
    }
    outcome.metric(metric::STREAMS_DONE, streams as f64);
    outcome.metric(metric::STREAMS_PER_S, streams as f64 / secs);
    outcome.metric(metric::ROUND_TRIPS_PER_S, round_trips as f64 / secs);
    if let Some(us) = outcome.cpu.server_per_op(secs, streams as f64, 1e6) {
        outcome.metric(metric::CPU_US_PER_STREAM, us);
    }
    if let Some(us) = outcome.cpu.server_per_op(secs, round_trips as f64, 1e6) {
        outcome.metric(metric::CPU_US_PER_ROUND_TRIP, us);
    }
    if let Some(p) = Percentiles::of(&mut first_echo_ms) {
        outcome.metric(metric::FIRST_ECHO_P50_MS, p.p50);
        outcome.metric(metric::FIRST_ECHO_P99_MS, p.p99);
    }
    Ok(outcome)
}
