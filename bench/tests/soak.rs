//! The soak's bookkeeping, on a few seconds of its load against a relay in
//! this process: with a faithful echo service every load does its work and
//! the soak passes; with an echo service that flips one byte per connection
//! the SHA-256 check catches it and the soak fails.

use std::time::Duration;

use bench::{
    cli::{Cli, Command},
    soak::{self, fault_service::StallTimes, SoakReport},
};
use clap::Parser;
use relay::{Config, Target};
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::{TcpListener, TcpStream},
};
use tokio_util::sync::CancellationToken;

/// The byte of each connection the corrupting echo flips: past every churn
/// and slow-reader session's bytes, inside every bulk session's.
const CORRUPT_OFFSET: u64 = 100_000;

/// Echoes with one byte flipped at [`CORRUPT_OFFSET`].
async fn corrupting_echo(stream: TcpStream) -> anyhow::Result<()> {
    let (mut read, mut write) = stream.into_split();
    let mut buf = vec![0u8; 16 << 10];
    let mut offset = 0u64;
    loop {
        let n = read.read(&mut buf).await?;
        if n == 0 {
            return Ok(write.shutdown().await?);
        }
        if (offset..offset + n as u64).contains(&CORRUPT_OFFSET) {
            buf[(CORRUPT_OFFSET - offset) as usize] ^= 0x01;
        }
        write.write_all(&buf[..n]).await?;
        offset += n as u64;
    }
}

/// Binds a free port and serves it with `handle`.
async fn serve<F, Fut>(handle: F) -> String
where
    F: Fn(TcpStream) -> Fut + Send + 'static,
    Fut: std::future::Future<Output = anyhow::Result<()>> + Send + 'static,
{
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    tokio::spawn(bench::serve::serve_on(listener, handle));
    addr
}

/// Starts a relay with `echo` behind target `echo` and the fault service
/// behind `faults`, runs three seconds of the soak's load, and reports.
async fn soak_against(echo: String) -> SoakReport {
    let times = StallTimes {
        max: Duration::from_millis(500),
        long: Duration::from_secs(2),
    };
    let faults = serve(move |s| soak::fault_service::handle(s, times)).await;
    let mut config = Config::default();
    config.limits.max_sessions_per_ip = 1000;
    for (name, addr) in [("echo", &echo), ("faults", &faults)] {
        config
            .targets
            .add(Target::new(name, addr, "").unwrap())
            .unwrap();
    }
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let relay = listener.local_addr().unwrap().to_string();
    let shutdown = CancellationToken::new();
    tokio::spawn(relay::run(
        listener,
        config,
        Default::default(),
        shutdown.clone(),
    ));

    let pid = std::process::id().to_string();
    #[rustfmt::skip]
    let argv = [
        "wsload", "soak", "--relay", &relay, "--relay-pid", &pid, "--secs", "3",
        "--sample-ms", "200", "--churn-workers", "2", "--churn-per-s", "40",
        "--bulk-sessions", "2", "--bulk-kib", "1024", "--bulk-kib-per-s", "4096",
        "--idle-sessions", "10", "--slow-readers", "2", "--slow-kib", "64",
        "--slow-read-kib-per-s", "64", "--ping-floods", "1", "--pings-per-s", "1000",
        "--taps", "1", "--tapped-sessions", "1", "--tap-hold-secs", "2",
        "--fault-sessions", "2",
    ];
    let Command::Soak(args) = Cli::parse_from(argv).command else {
        unreachable!("parsed as soak")
    };
    let report = tokio::time::timeout(Duration::from_secs(15), soak::run(&args))
        .await
        .expect("the soak drains within 15 s");
    shutdown.cancel();
    report
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_faithful_relay_passes_with_every_load_counted() {
    let echo = serve(bench::echo::echo).await;
    let report = soak_against(echo).await;
    let c = &report.counts;
    assert!(report.passed(), "{}", report.markdown());
    for load in [
        "churn",
        "bulk",
        "idle",
        "slow-reader",
        "ping-flood",
        "tap",
        "tapped",
        "faults",
    ] {
        assert!(c.completed.get(load) > Some(&0), "no {load}: {c:?}");
    }
    assert_eq!(c.hashes.mismatched, 0);
    // Two bulk sessions of 1 MiB at least, and slow readers' 64 KiB.
    assert!(c.hashes.bytes_verified >= 2 << 20, "{c:?}");
    assert!(c.closes["faults"].values().sum::<u64>() >= c.completed["faults"]);
    assert!(c.amounts["ping-flood: pings sent"] > 0);
    assert!(!report.relay_died);
    assert!(report.samples.len() >= 10, "{:?}", report.samples);
    assert!(report.memory.max_kib >= report.memory.start_kib);

    let dir = std::env::temp_dir().join(format!("soak-test-{}", std::process::id()));
    report.write(&dir).unwrap();
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("soak.json")).unwrap()).unwrap();
    assert_eq!(json["failures"], serde_json::json!([]));
    let svg = std::fs::read_to_string(dir.join("soak.svg")).unwrap();
    assert!(svg.contains("<polyline"), "{svg}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flipped_byte_fails_the_hash_check() {
    let echo = serve(corrupting_echo).await;
    let report = soak_against(echo).await;
    let hashes = &report.counts.hashes;
    assert!(!report.passed());
    assert!(hashes.mismatched >= 2, "{hashes:?}");
    // Slow readers' sessions end before the flipped byte: they still match.
    assert!(hashes.matched > 0, "{hashes:?}");
    assert!(
        report
            .failures
            .iter()
            .any(|f| f.contains("SHA-256 mismatch")),
        "{:?}",
        report.failures
    );
}
