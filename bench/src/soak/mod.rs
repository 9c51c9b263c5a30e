//! `wsload soak`: every kind of load at once against one relay for a set
//! time (handshake churn, bulk sessions checked by SHA-256, idle sessions,
//! slow readers, ping floods, unread wire taps, sessions to a service that
//! injects faults), the relay's memory sampled throughout; then a report.
//!
//! One file per load ([`churn`], [`bulk`], [`idle`], [`flood`], [`taps`],
//! [`faults`]); the fault-injecting service is [`fault_service`], the
//! counting [`tally`], the memory readings [`sampler`].

pub mod args;
pub mod bulk;
pub mod churn;
pub mod fault_service;
pub mod faults;
pub mod flood;
pub mod idle;
pub mod pace;
pub mod raw;
pub mod report;
pub mod sampler;
pub mod svg;
pub mod tally;
pub mod taps;

use std::{sync::Arc, time::Duration};

use anyhow::Context;
use tokio::{sync::oneshot, task::JoinHandle, time::Instant};

use crate::{
    cli::Target,
    ws::{self, WsRx, WsTx},
};
pub use args::{FaultsArgs, SoakArgs};
use bulk::Shape;
use raw::{RawWs, Upgrade};
pub use report::SoakReport;
use tally::{Load, Tally};

/// Sessions under way at the end get this long to finish before they count
/// as hung: the longest a fault session may take, and some.
const DRAIN_LIMIT: Duration = Duration::from_secs(180);
/// Opening a WebSocket may take this long.
const OPEN_LIMIT: Duration = Duration::from_secs(15);
/// Pause after a refused or failed raw upgrade before the next try.
const RETRY_PAUSE: Duration = Duration::from_millis(500);

/// What every load task shares.
#[derive(Clone)]
pub struct Ctx {
    /// The counts.
    pub tally: Arc<Tally>,
    /// No new session starts after this.
    pub deadline: Instant,
    /// The relay, `HOST:PORT`.
    pub relay: String,
    /// The echo target's WebSocket.
    pub echo: Target,
    /// The fault-injecting target's WebSocket.
    pub faults: Target,
    echo_target: String,
}

impl Ctx {
    fn new(args: &SoakArgs, deadline: Instant) -> Self {
        let target = |name: &str| Target::Ws {
            url: format!("ws://{}/ws/{name}", args.relay),
            addr: args.relay.clone(),
        };
        Self {
            tally: Arc::default(),
            deadline,
            relay: args.relay.clone(),
            echo: target(&args.echo_target),
            faults: target(&args.faults_target),
            echo_target: args.echo_target.clone(),
        }
    }

    /// Whether new work may start.
    pub fn running(&self) -> bool {
        Instant::now() < self.deadline
    }

    /// The echo target's request path, for the raw client.
    pub fn echo_path(&self) -> String {
        format!("/ws/{}", self.echo_target)
    }

    /// Opens a raw WebSocket on `path` for `load`. A refusal with one of the
    /// `expected` statuses counts as an expected drop, any other failure as
    /// an error; either way it pauses and returns `None`.
    pub async fn open_raw(&self, load: Load, path: &str, expected: &[u16]) -> Option<RawWs> {
        match raw::upgrade(&self.relay, path).await {
            Ok(Upgrade::Open(ws)) => return Some(ws),
            Ok(Upgrade::Refused(status)) if expected.contains(&status) => {
                self.tally.expected_drop(load, &format!("refused {status}"))
            }
            Ok(Upgrade::Refused(status)) => self.tally.error(load, "refused", status),
            Err(err) => self.tally.error(load, "connect", err),
        }
        tokio::time::sleep(RETRY_PAUSE).await;
        None
    }

    /// Opens a WebSocket to `target` (a `ws://` one), split in halves.
    pub async fn open_ws(
        &self,
        target: &Target,
        read_buffer_bytes: usize,
    ) -> anyhow::Result<(WsTx, WsRx)> {
        use futures_util::StreamExt;
        let Target::Ws { url, addr } = target else {
            anyhow::bail!("the soak's targets are WebSocket URLs");
        };
        let ws = tokio::time::timeout(OPEN_LIMIT, ws::connect(url, addr, read_buffer_bytes))
            .await
            .context("opening took over 15 s")??;
        Ok(ws.split())
    }
}

/// Runs the whole load for `args.secs`, waits for the sessions under way,
/// and reports.
pub async fn run(args: &SoakArgs) -> SoakReport {
    let started = Instant::now();
    let ctx = Ctx::new(args, started + Duration::from_secs_f64(args.secs));
    let (stop_sampling, stop) = oneshot::channel();
    let sampler = {
        let tally = ctx.tally.clone();
        let (pid, every) = (
            args.relay_pid,
            Duration::from_millis(args.sample_ms.max(10)),
        );
        tokio::spawn(async move { sampler::run(pid, every, &tally, stop).await })
    };

    let mut tasks: Vec<(Load, JoinHandle<()>)> = Vec::new();
    let mut spawn = |load: Load, n: usize, task: &dyn Fn(Ctx) -> JoinHandle<()>| {
        tasks.extend((0..n).map(|_| (load, task(ctx.clone()))));
    };
    let per_worker = args.churn_per_s / args.churn_workers.max(1) as f64;
    let churn_ids = std::sync::atomic::AtomicUsize::new(0);
    spawn(Load::Churn, args.churn_workers, &|ctx| {
        let id = churn_ids.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        tokio::spawn(churn::worker(ctx, id, per_worker))
    });
    let bulk = Shape {
        load: Load::Bulk,
        bytes: args.bulk_kib << 10,
        max_message: 64 << 10,
        send_per_s: (args.bulk_kib_per_s << 10) as f64,
        read_per_s: 0.0,
    };
    spawn(Load::Bulk, args.bulk_sessions, &|ctx| {
        tokio::spawn(bulk::worker(ctx, bulk))
    });
    let slow = Shape {
        load: Load::Slow,
        bytes: args.slow_kib << 10,
        max_message: 16 << 10,
        send_per_s: 0.0,
        read_per_s: (args.slow_read_kib_per_s << 10) as f64,
    };
    spawn(Load::Slow, args.slow_readers, &|ctx| {
        tokio::spawn(bulk::worker(ctx, slow))
    });
    spawn(Load::Idle, args.idle_sessions, &|ctx| {
        tokio::spawn(idle::holder(ctx))
    });
    spawn(Load::PingFlood, args.ping_floods, &|ctx| {
        tokio::spawn(flood::flooder(ctx, args.pings_per_s))
    });
    let hold = Duration::from_secs_f64(args.tap_hold_secs);
    spawn(Load::Tap, args.taps, &|ctx| {
        tokio::spawn(taps::tap_slot(ctx, args.tapped_sessions, hold))
    });
    spawn(Load::Faults, args.fault_sessions, &|ctx| {
        tokio::spawn(faults::worker(ctx))
    });

    tokio::time::sleep_until(ctx.deadline).await;
    let drained_by = Instant::now() + DRAIN_LIMIT;
    for (load, mut task) in tasks {
        match tokio::time::timeout_at(drained_by, &mut task).await {
            Ok(Ok(())) => {}
            Ok(Err(err)) => ctx.tally.error(load, "task failed", err),
            Err(_) => {
                task.abort();
                ctx.tally
                    .error(load, "hung", "still running 180 s after the end");
            }
        }
    }
    let total_secs = started.elapsed().as_secs_f64();
    let _sampler_gone = stop_sampling.send(());
    let samples = sampler.await.unwrap_or_default();
    SoakReport::new(args, total_secs, samples, ctx.tally.snapshot())
}
