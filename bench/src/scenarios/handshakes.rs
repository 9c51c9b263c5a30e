//! Connect-and-close churn: open a session (TCP connect, plus the upgrade for
//! WebSocket), close it cleanly, again, from `--concurrency` workers.

use std::{
    cell::Cell,
    time::{Duration, Instant},
};

use futures_util::future::join_all;

use super::Outcome;
use crate::{
    cli::RunArgs,
    conn::{Closed, ConnOptions},
    dialer::Dialer,
    procfs::CpuMeter,
    record::metric,
    stats::Percentiles,
};

/// Runs until `--count` cycles were started or `--duration-secs` passed.
pub async fn run(args: &RunArgs) -> anyhow::Result<Outcome> {
    let options = ConnOptions {
        read_buffer_bytes: 4 << 10,
    };
    let deadline = Instant::now() + Duration::from_secs_f64(args.duration_secs);
    // The client runs on one thread unless asked otherwise; a Cell is enough
    // because the workers are joined, not spawned.
    let started = Cell::new(0u64);
    let first_error = Cell::new(None::<String>);

    let owned_dialer = Dialer::new(args).await?;
    let dialer = &owned_dialer;
    let meter = CpuMeter::start(args.server_pid, args.echo_pid);
    let start = Instant::now();
    let (started, first_error) = (&started, &first_error);
    let worker = || async move {
        let mut samples_ms = Vec::new();
        let mut errors = 0u64;
        let mut abrupt = 0u64;
        while started.get() < args.count && Instant::now() < deadline {
            started.set(started.get() + 1);
            let begin = Instant::now();
            let cycle = async {
                let conn = dialer.open(options).await?;
                let opened = begin.elapsed();
                let closed = conn.close().await?;
                anyhow::Ok((opened, closed))
            };
            match cycle.await {
                Ok((opened, closed)) => {
                    samples_ms.push(opened.as_secs_f64() * 1e3);
                    abrupt += u64::from(closed == Closed::Abrupt);
                }
                Err(err) => {
                    errors += 1;
                    let seen = first_error.take();
                    first_error.set(seen.or(Some(format!("{err:#}"))));
                }
            }
        }
        (samples_ms, errors, abrupt)
    };
    let results = join_all((0..args.concurrency.max(1)).map(|_| worker())).await;
    let secs = start.elapsed().as_secs_f64();

    let mut outcome = Outcome {
        cpu: meter.stop(),
        note: first_error.take().map(|e| format!("first error: {e}")),
        ..Outcome::default()
    };
    let mut samples_ms = Vec::new();
    for (samples, errors, abrupt) in results {
        samples_ms.extend(samples);
        outcome.errors += errors;
        outcome.abrupt_closes += abrupt;
    }
    outcome.metric(metric::HANDSHAKES_PER_S, samples_ms.len() as f64 / secs);
    if let Some(us) = outcome
        .cpu
        .server_per_op(secs, samples_ms.len() as f64, 1e6)
    {
        outcome.metric(metric::CPU_US_PER_HANDSHAKE, us);
    }
    if let Some(p) = Percentiles::of(&mut samples_ms) {
        outcome.metric(metric::HANDSHAKE_P50_MS, p.p50);
        outcome.metric(metric::HANDSHAKE_P99_MS, p.p99);
    }
    owned_dialer.finish().await;
    Ok(outcome)
}
