//! `wsload run` over WebTransport against a real relay (in this process, on
//! free ports): the client trusts the door's self-signed certificate by the
//! hash `/api/lab` gives, and every scenario the bench runs on `relay-wt`
//! finishes with every echoed byte checked and no errors. A broken
//! WebTransport client fails here, not in the middle of a bench.

use std::time::Duration;

use bench::{
    cli::{Cli, Command},
    record::{metric, RunRecord},
};
use clap::Parser;
use relay::{Config, Target};
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

/// A relay with the WebTransport door in front of `wsload`'s echo service.
struct Relay {
    http: String,
    wt_port: u16,
    shutdown: CancellationToken,
}

impl Drop for Relay {
    fn drop(&mut self) {
        self.shutdown.cancel();
    }
}

async fn start_relay() -> Relay {
    let echo = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let echo_addr = echo.local_addr().unwrap().to_string();
    tokio::spawn(bench::serve::serve_on(echo, bench::echo::echo));
    let mut config = Config::default();
    config
        .targets
        .add(Target::new("echo", &echo_addr, "").unwrap())
        .unwrap();
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let http = listener.local_addr().unwrap().to_string();
    let udp = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    let wt_port = udp.local_addr().unwrap().port();
    let shutdown = CancellationToken::new();
    tokio::spawn(relay::run_doors(
        listener,
        Some(udp),
        config,
        Default::default(),
        shutdown.clone(),
    ));
    Relay {
        http,
        wt_port,
        shutdown,
    }
}

/// Runs `wsload run` with `args` against the relay's door and returns its record.
async fn run(relay: &Relay, args: &[&str]) -> RunRecord {
    let target = format!("https://127.0.0.1:{}/wt/echo", relay.wt_port);
    let mut argv = vec![
        "wsload",
        "run",
        "--target",
        &target,
        "--wt-lab",
        &relay.http,
        "--timeout-secs",
        "30",
    ];
    argv.extend(args);
    let Command::Run(args) = Cli::parse_from(argv).command else {
        unreachable!("parsed as run")
    };
    tokio::time::timeout(Duration::from_secs(40), bench::scenarios::run(&args, 4096))
        .await
        .expect("wsload's own timeout holds")
}

/// The run finished, without errors or notes (a note carries a first error
/// or an abrupt close).
fn assert_clean(record: &RunRecord) {
    assert_eq!(record.failure, None, "{record:?}");
    assert_eq!(record.errors, 0, "{record:?}");
    assert_eq!(record.note, None, "{record:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_scenario_runs_over_webtransport() {
    let relay = start_relay().await;

    let record = run(&relay, &["--scenario", "throughput", "--bytes", "4194304"]).await;
    assert_clean(&record);
    assert!(record.metrics[metric::MIB_PER_S] > 0.0, "{record:?}");

    let record = run(&relay, &["--scenario", "latency", "--count", "100"]).await;
    assert_clean(&record);
    assert!(record.metrics.contains_key(metric::P99_US), "{record:?}");

    #[rustfmt::skip]
    let record = run(&relay, &[
        "--scenario", "sessions", "--sessions", "20", "--duration-secs", "0.5",
        "--ping-bytes", "32",
    ]).await;
    assert_clean(&record);
    assert_eq!(record.metrics[metric::SESSIONS_HELD], 20.0, "{record:?}");
    assert!(
        record.metrics[metric::ROUND_TRIPS_PER_S] > 0.0,
        "{record:?}"
    );

    #[rustfmt::skip]
    let record = run(&relay, &[
        "--scenario", "handshakes", "--count", "20", "--duration-secs", "5",
        "--concurrency", "4",
    ]).await;
    assert_clean(&record);
    assert!(record.metrics[metric::HANDSHAKES_PER_S] > 0.0, "{record:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn more_streams_than_the_relay_allows_queue_on_one_session() {
    let relay = start_relay().await;
    // 40 workers on one session whose relay holds 16 streams at once: the
    // rest wait for stream credit, and all 200 streams complete.
    #[rustfmt::skip]
    let record = run(&relay, &[
        "--scenario", "streams", "--concurrency", "40", "--count", "200",
        "--duration-secs", "20", "--round-trips-per-stream", "3",
    ]).await;
    assert_clean(&record);
    assert_eq!(record.metrics[metric::STREAMS_DONE], 200.0, "{record:?}");
    let (streams, round_trips) = (
        record.metrics[metric::STREAMS_PER_S],
        record.metrics[metric::ROUND_TRIPS_PER_S],
    );
    assert!(
        (round_trips / streams - 3.0).abs() < 1e-6,
        "3 round trips per stream: {record:?}"
    );
}
