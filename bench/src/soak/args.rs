//! Command-line arguments of `wsload soak` and `wsload faults`.

use std::path::PathBuf;

use clap::Args;

/// `wsload soak`: every kind of load at once against one relay.
#[derive(Debug, Clone, Args)]
pub struct SoakArgs {
    /// The relay, `HOST:PORT`.
    #[arg(long, value_name = "HOST:PORT")]
    pub relay: String,

    /// The relay's target that echoes (`wsload echo` behind it).
    #[arg(long, default_value = "echo", value_name = "NAME")]
    pub echo_target: String,

    /// The relay's target that injects faults (`wsload faults` behind it).
    #[arg(long, default_value = "faults", value_name = "NAME")]
    pub faults_target: String,

    /// The relay's process: its memory is sampled, and its death fails the soak.
    #[arg(long)]
    pub relay_pid: Option<u32>,

    /// How long to load the relay, in seconds; sessions under way then finish.
    #[arg(long, default_value_t = 600.0)]
    pub secs: f64,

    /// How often to sample the relay's memory, in milliseconds.
    #[arg(long, default_value_t = 1000)]
    pub sample_ms: u64,

    /// Handshake churn: workers, each connecting, doing one echo round trip
    /// and closing, again and again.
    #[arg(long, default_value_t = 4)]
    pub churn_workers: usize,

    /// Handshake churn: cycles per second, all workers together.
    #[arg(long, default_value_t = 100.0)]
    pub churn_per_s: f64,

    /// Bulk sessions at once, each streaming random bytes checked by SHA-256.
    #[arg(long, default_value_t = 2)]
    pub bulk_sessions: usize,

    /// Bulk: KiB per session (a new session follows each finished one).
    #[arg(long, default_value_t = 32 << 10)]
    pub bulk_kib: u64,

    /// Bulk: sending rate of each session, KiB/s.
    #[arg(long, default_value_t = 8 << 10)]
    pub bulk_kib_per_s: u64,

    /// Idle sessions held open (each for a random 1–4 minutes, then replaced).
    #[arg(long, default_value_t = 200)]
    pub idle_sessions: usize,

    /// Slow readers at once: the client writes freely but reads slowly.
    #[arg(long, default_value_t = 4)]
    pub slow_readers: usize,

    /// Slow readers: KiB per session, checked by SHA-256.
    #[arg(long, default_value_t = 512)]
    pub slow_kib: u64,

    /// Slow readers: reading rate, KiB/s.
    #[arg(long, default_value_t = 64)]
    pub slow_read_kib_per_s: u64,

    /// Ping floods: raw clients sending masked pings and never reading.
    #[arg(long, default_value_t = 2)]
    pub ping_floods: usize,

    /// Ping floods: pings per second, each flooder.
    #[arg(long, default_value_t = 2000.0)]
    pub pings_per_s: f64,

    /// Unread wire taps at once (each held for `--tap-hold-secs`, then replaced).
    #[arg(long, default_value_t = 2)]
    pub taps: usize,

    /// Tapped sessions per tap, each doing echo round trips.
    #[arg(long, default_value_t = 2)]
    pub tapped_sessions: usize,

    /// How long each tap is held (never read) before it is dropped, seconds.
    #[arg(long, default_value_t = 60.0)]
    pub tap_hold_secs: f64,

    /// Sessions at once to the fault-injecting service.
    #[arg(long, default_value_t = 4)]
    pub fault_sessions: usize,

    /// Directory for `soak.md`, `soak.json` and `soak.svg`.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,

    /// The command that reproduces this soak, for the report.
    #[arg(long, default_value = "cargo xtask soak")]
    pub command: String,

    /// The commit measured, for the report.
    #[arg(long)]
    pub commit: Option<String>,

    /// Client runtime worker threads.
    #[arg(long, default_value_t = 2)]
    pub threads: usize,
}

/// `wsload faults`: a TCP echo service that misbehaves on purpose.
#[derive(Debug, Clone, Args)]
pub struct FaultsArgs {
    /// Address to listen on (port 0 picks a free one).
    #[arg(long, default_value = "127.0.0.1:0", value_name = "HOST:PORT")]
    pub listen: String,

    /// Longest ordinary stall, seconds (each stall lasts a random time up to it).
    #[arg(long, default_value_t = 8.0)]
    pub stall_secs: f64,

    /// Length of the rare long stall, seconds (past the relay's 60 s upstream
    /// stall limit once its buffers fill).
    #[arg(long, default_value_t = 75.0)]
    pub long_stall_secs: f64,

    /// Runtime worker threads.
    #[arg(long, default_value_t = 1)]
    pub threads: usize,
}
