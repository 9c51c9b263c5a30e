//! One session: bulk throughput and ping-pong latency.

use std::time::Instant;

use anyhow::{bail, ensure};

use super::Outcome;
use crate::{
    cli::RunArgs,
    conn::{Conn, ConnOptions},
    dialer::Dialer,
    payload::Pattern,
    procfs::CpuMeter,
    record::metric,
    stats::Percentiles,
};

const MIB: f64 = 1024.0 * 1024.0;

/// Round trips before the measured ones: connection set-up, caches, allocator.
const LATENCY_WARMUP: u64 = 200;

/// Sends `--bytes` in `--message-bytes` messages while reading the echo back
/// at the same time, checking every byte against the pattern.
pub async fn throughput(args: &RunArgs) -> anyhow::Result<Outcome> {
    let options = ConnOptions {
        read_buffer_bytes: (2 * args.message_bytes).max(128 << 10),
    };
    let dialer = Dialer::new(args).await?;
    let Conn { mut tx, mut rx } = dialer.open(options).await?;
    let pattern = Pattern::new(args.message_bytes);
    let total = args.bytes;

    let meter = CpuMeter::start(args.server_pid, args.echo_pid);
    let start = Instant::now();
    let writer = async {
        let mut sent = 0u64;
        while sent < total {
            let len = (total - sent).min(args.message_bytes as u64) as usize;
            tx.send(pattern.chunk(sent, len)).await?;
            sent += len as u64;
        }
        anyhow::Ok(())
    };
    let reader = async {
        let mut got = 0u64;
        while got < total {
            let Some(chunk) = rx.recv().await? else {
                bail!("closed after {got} of {total} echoed bytes");
            };
            ensure!(
                got + chunk.len() as u64 <= total && pattern.matches(got, &chunk),
                "echoed bytes differ from those sent, at offset {got}"
            );
            got += chunk.len() as u64;
        }
        anyhow::Ok(())
    };
    tokio::try_join!(writer, reader)?;
    let secs = start.elapsed().as_secs_f64();

    let mut outcome = Outcome {
        cpu: meter.stop(),
        ..Outcome::default()
    };
    outcome.metric(metric::MIB_PER_S, total as f64 / MIB / secs);
    // Bytes echoed: `total` went each way through the server.
    let gib = total as f64 / (MIB * 1024.0);
    if let Some(s) = outcome.cpu.server_per_op(secs, gib, 1.0) {
        outcome.metric(metric::CPU_S_PER_GIB, s);
    }
    outcome.closed((Conn { tx, rx }).close().await);
    dialer.finish().await;
    Ok(outcome)
}

/// `--count` sequential ping-pongs of `--ping-bytes` on one session.
pub async fn latency(args: &RunArgs) -> anyhow::Result<Outcome> {
    let options = ConnOptions {
        read_buffer_bytes: 4 << 10,
    };
    let dialer = Dialer::new(args).await?;
    let mut conn = dialer.open(options).await?;
    let pattern = Pattern::new(args.ping_bytes);
    let size = args.ping_bytes as u64;
    let mut offset = 0u64;
    let mut samples_us = Vec::with_capacity(args.count as usize);
    let mut meter = None;
    for i in 0..LATENCY_WARMUP + args.count {
        if i == LATENCY_WARMUP {
            meter = Some(CpuMeter::start(args.server_pid, args.echo_pid));
        }
        let start = Instant::now();
        let echoed = conn
            .round_trip(pattern.chunk(offset, args.ping_bytes))
            .await?;
        let rtt = start.elapsed();
        ensure!(
            pattern.matches(offset, &echoed),
            "echoed bytes differ from those sent, at offset {offset}"
        );
        offset += size;
        if i >= LATENCY_WARMUP {
            samples_us.push(rtt.as_secs_f64() * 1e6);
        }
    }
    let mut outcome = Outcome {
        cpu: meter.map(|m| m.stop()).unwrap_or_default(),
        ..Outcome::default()
    };
    if let Some(p) = Percentiles::of(&mut samples_us) {
        outcome.metric(metric::P50_US, p.p50);
        outcome.metric(metric::P99_US, p.p99);
        outcome.metric(metric::P999_US, p.p999);
    }
    outcome.closed(conn.close().await);
    dialer.finish().await;
    Ok(outcome)
}
