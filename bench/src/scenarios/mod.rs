//! The five scenarios, each bounded by a count and by `--timeout-secs`.

mod handshakes;
mod sessions;
mod stream;
mod streams;

use std::{collections::BTreeMap, time::Duration, time::Instant};

use crate::{
    cli::{RunArgs, Scenario},
    conn::Closed,
    procfs::CpuUse,
    record::{metric, RunRecord},
};

/// What a scenario measured.
#[derive(Debug, Default)]
pub struct Outcome {
    /// Named measurements.
    pub metrics: BTreeMap<String, f64>,
    /// Failed operations.
    pub errors: u64,
    /// CPU use during the measured window.
    pub cpu: CpuUse,
    /// A remark, e.g. the first error seen.
    pub note: Option<String>,
    /// Closes the server answered with a hang-up instead of a close frame.
    pub abrupt_closes: u64,
}

impl Outcome {
    fn metric(&mut self, name: &str, value: f64) {
        self.metrics.insert(name.to_owned(), value);
    }

    /// Counts how a close went: abrupt ones are noted, failures are errors.
    fn closed(&mut self, result: anyhow::Result<Closed>) {
        match result {
            Ok(Closed::Clean) => {}
            Ok(Closed::Abrupt) => self.abrupt_closes += 1,
            Err(err) => {
                self.errors += 1;
                self.note
                    .get_or_insert_with(|| format!("close failed: {err:#}"));
            }
        }
    }
}

/// Runs the scenario `args` asks for, under its hard timeout, and reports it.
/// A failed or timed-out run is a record with `failure` set, not an error.
pub async fn run(args: &RunArgs, open_files: u64) -> RunRecord {
    let started = Instant::now();
    let limit = Duration::from_secs_f64(args.timeout_secs);
    let work = async {
        match args.scenario {
            Scenario::Throughput => stream::throughput(args).await,
            Scenario::Latency => stream::latency(args).await,
            Scenario::Sessions => sessions::run(args, open_files).await,
            Scenario::Handshakes => handshakes::run(args).await,
            Scenario::Streams => streams::run(args).await,
        }
    };
    let (outcome, failure) = match tokio::time::timeout(limit, work).await {
        Ok(Ok(outcome)) => (outcome, None),
        Ok(Err(err)) => (Outcome::default(), Some(format!("{err:#}"))),
        Err(_) => (
            Outcome::default(),
            Some(format!("timed out after {} s", args.timeout_secs)),
        ),
    };
    let mut metrics = outcome.metrics;
    metrics.insert(metric::ERRORS.to_owned(), outcome.errors as f64);
    let abrupt = (outcome.abrupt_closes > 0).then(|| {
        format!(
            "{} close(s) answered by a hang-up instead of a close frame (not counted as errors)",
            outcome.abrupt_closes
        )
    });
    metrics.insert(
        metric::ABRUPT_CLOSES.to_owned(),
        outcome.abrupt_closes as f64,
    );
    let note = [args.note.clone(), outcome.note, abrupt]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>();
    RunRecord {
        scenario: args
            .name
            .clone()
            .unwrap_or_else(|| args.scenario.name().to_owned()),
        contender: args.contender.clone(),
        round: args.round,
        metrics,
        errors: outcome.errors + u64::from(failure.is_some()),
        client_cpu_pct: outcome.cpu.client_pct,
        client_threads: args.threads.max(1),
        server_cpu_pct: outcome.cpu.server_pct,
        echo_cpu_pct: outcome.cpu.echo_pct,
        secs: started.elapsed().as_secs_f64(),
        note: (!note.is_empty()).then(|| note.join("; ")),
        failure,
    }
}
