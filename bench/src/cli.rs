//! Command-line arguments of `wsload`.

use std::{path::PathBuf, str::FromStr};

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Load client for WebSocket-to-TCP relays, with its own echo service and
/// report writer.
#[derive(Debug, Parser)]
#[command(version, about)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The jobs of `wsload`.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run a TCP echo service; prints `listening HOST:PORT` once bound.
    Echo(EchoArgs),
    /// Run one scenario against one contender; prints one JSON line.
    Run(RunArgs),
    /// Turn the JSON lines of a bench into Markdown, JSON and SVG.
    Report(ReportArgs),
    /// Measure the playground page's frame times in headless Chromium while
    /// its views hold many entries and messages pour in; prints one JSON object.
    Page(PageArgs),
    /// A plain TCP forwarder to `--target` (a reference: the cost of a hop).
    TcpProxy(ForwardArgs),
    /// A minimal WebSocket-to-TCP bridge on fastwebsockets (a reference: the
    /// WebSocket library measured against ours).
    FwsBridge(ForwardArgs),
    /// The same minimal bridge on tokio-tungstenite, shaped like our relay (a
    /// reference: the library's cost apart from the relay's own).
    TungBridge(ForwardArgs),
    /// Soak a relay: every kind of load at once for a set time, its memory
    /// sampled; writes soak.{md,json,svg} and fails on errors.
    Soak(crate::soak::SoakArgs),
    /// A TCP echo service that resets, stalls or half-closes at random (the
    /// soak's chaos target); prints `listening HOST:PORT` once bound.
    Faults(crate::soak::FaultsArgs),
}

/// `wsload echo`.
#[derive(Debug, Args)]
pub struct EchoArgs {
    /// Address to listen on (port 0 picks a free one).
    #[arg(long, default_value = "127.0.0.1:0", value_name = "HOST:PORT")]
    pub listen: String,

    /// Runtime worker threads.
    #[arg(long, default_value_t = 2)]
    pub threads: usize,
}

/// `wsload tcp-proxy`, `fws-bridge` and `tung-bridge`.
#[derive(Debug, Args)]
pub struct ForwardArgs {
    /// Address to listen on (port 0 picks a free one).
    #[arg(long, default_value = "127.0.0.1:0", value_name = "HOST:PORT")]
    pub listen: String,

    /// Where every connection is forwarded.
    #[arg(long, value_name = "HOST:PORT")]
    pub target: String,

    /// Runtime worker threads (2, one per core here, as the relay's default).
    #[arg(long, default_value_t = 2)]
    pub threads: usize,
}

/// Which scenario `wsload run` performs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Scenario {
    /// One session, `--bytes` in `--message-bytes` messages, every byte verified.
    Throughput,
    /// One session, `--count` ping-pongs of `--ping-bytes`.
    Latency,
    /// `--sessions` concurrent sessions doing small round trips for `--duration-secs`.
    Sessions,
    /// Connect-and-close churn from `--concurrency` workers.
    Handshakes,
    /// `--concurrency` workers each opening a stream (WebTransport: on one
    /// shared session) or a session (WebSocket, TCP), doing
    /// `--round-trips-per-stream` round trips on it and closing it, again,
    /// up to `--count` or `--duration-secs`.
    Streams,
}

impl Scenario {
    /// The scenario's name in reports.
    pub fn name(self) -> &'static str {
        match self {
            Self::Throughput => "throughput",
            Self::Latency => "latency",
            Self::Sessions => "sessions",
            Self::Handshakes => "handshakes",
            Self::Streams => "streams",
        }
    }
}

/// Where `wsload run` connects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A WebSocket server: `ws://HOST:PORT/PATH`.
    Ws {
        /// The full URL, sent in the upgrade request.
        url: String,
        /// `HOST:PORT`, where the TCP connection goes.
        addr: String,
    },
    /// A raw TCP echo service: `tcp://HOST:PORT`.
    Tcp {
        /// `HOST:PORT`.
        addr: String,
    },
    /// A WebTransport door: `https://HOST:PORT/PATH`; every session is a
    /// QUIC connection, every stream in it one connection to the service.
    Wt {
        /// The full URL, sent in the CONNECT request.
        url: String,
    },
}

impl FromStr for Target {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        if let Some(addr) = text.strip_prefix("tcp://") {
            return Ok(Self::Tcp {
                addr: addr.trim_end_matches('/').to_owned(),
            });
        }
        if let Some(rest) = text.strip_prefix("https://") {
            if rest.split('/').next().unwrap_or_default().is_empty() {
                return Err(format!("{text:?} has no HOST:PORT"));
            }
            return Ok(Self::Wt {
                url: text.to_owned(),
            });
        }
        if let Some(rest) = text.strip_prefix("ws://") {
            let addr = rest.split('/').next().unwrap_or_default();
            if addr.is_empty() {
                return Err(format!("{text:?} has no HOST:PORT"));
            }
            return Ok(Self::Ws {
                url: text.to_owned(),
                addr: addr.to_owned(),
            });
        }
        Err(format!(
            "{text:?} is none of ws://HOST:PORT/PATH, https://HOST:PORT/PATH (WebTransport), tcp://HOST:PORT"
        ))
    }
}

/// `wsload run`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// `ws://HOST:PORT/PATH` (a WebSocket contender), `https://HOST:PORT/PATH`
    /// (a WebTransport door) or `tcp://HOST:PORT` (the limit).
    #[arg(long, value_name = "URL")]
    pub target: Target,

    /// WebTransport: the relay's HTTP address; the certificate's SHA-256 is
    /// read from its `/api/lab`, as the page does.
    #[arg(long, value_name = "HOST:PORT", conflicts_with = "wt_cert_sha256")]
    pub wt_lab: Option<String>,

    /// WebTransport: the certificate's SHA-256 (64 hex digits), instead of `--wt-lab`.
    #[arg(long, value_name = "HEX")]
    pub wt_cert_sha256: Option<String>,

    /// The scenario to run.
    #[arg(long, value_enum)]
    pub scenario: Scenario,

    /// The scenario's name in the report, e.g. `sessions-10000` (default: its kind).
    #[arg(long)]
    pub name: Option<String>,

    /// The contender's name in the report.
    #[arg(long, default_value = "unnamed")]
    pub contender: String,

    /// Which round of the bench this run belongs to.
    #[arg(long, default_value_t = 1)]
    pub round: u32,

    /// throughput: bytes to send and verify.
    #[arg(long, default_value_t = 256 << 20)]
    pub bytes: u64,

    /// throughput: size of each message (or write, over TCP).
    #[arg(long, default_value_t = 64 << 10)]
    pub message_bytes: usize,

    /// latency: ping-pongs; handshakes: connect-and-close cycles (at most).
    #[arg(long, default_value_t = 20_000)]
    pub count: u64,

    /// latency and sessions: size of each ping.
    #[arg(long, default_value_t = 64)]
    pub ping_bytes: usize,

    /// sessions: how many sessions to hold at once.
    #[arg(long, default_value_t = 1_000)]
    pub sessions: usize,

    /// sessions: length of the round-trip window; handshakes: longest run.
    #[arg(long, default_value_t = 3.0)]
    pub duration_secs: f64,

    /// sessions: connects in flight while opening; handshakes and streams:
    /// parallel workers.
    #[arg(long, default_value_t = 64)]
    pub concurrency: usize,

    /// streams: round trips of `--ping-bytes` on each stream before it is closed.
    #[arg(long, default_value_t = 8)]
    pub round_trips_per_stream: u64,

    /// Hard limit on the whole run, in seconds; a run past it is reported as failed.
    #[arg(long, default_value_t = 60.0)]
    pub timeout_secs: f64,

    /// The server under test: its CPU and RSS (children included) are reported.
    #[arg(long)]
    pub server_pid: Option<u32>,

    /// The echo service: its CPU is reported.
    #[arg(long)]
    pub echo_pid: Option<u32>,

    /// A note carried into the report (e.g. why a scenario was capped).
    #[arg(long)]
    pub note: Option<String>,

    /// Client runtime worker threads (1: current-thread runtime).
    #[arg(long, default_value_t = 1)]
    pub threads: usize,
}

/// `wsload report`.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// The JSON lines written by `wsload run`, one per run.
    #[arg(long, value_name = "FILE")]
    pub raw: PathBuf,

    /// Directory for `latest.md`, `latest.json` and `latest.svg`.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,

    /// The command that reproduces this bench.
    #[arg(long, default_value = "cargo xtask bench")]
    pub command: String,

    /// Rounds the bench ran.
    #[arg(long, default_value_t = 1)]
    pub rounds: u32,

    /// Wall-clock time of the measuring part, in seconds.
    #[arg(long)]
    pub runtime_secs: Option<f64>,

    /// A file of the page as NAME=BYTES:GZIP_BYTES (repeatable).
    #[arg(long = "page-file", value_name = "NAME=BYTES:GZIP")]
    pub page_files: Vec<String>,

    /// The page's frame times: the JSON `wsload page` printed.
    #[arg(long, value_name = "FILE")]
    pub page_frames: Option<PathBuf>,

    /// The commit measured.
    #[arg(long)]
    pub commit: Option<String>,

    /// A line for the report's notes (repeatable).
    #[arg(long = "note")]
    pub notes: Vec<String>,
}

/// `wsload page`.
#[derive(Debug, Args)]
pub struct PageArgs {
    /// The relay binary that serves the page.
    #[arg(long, value_name = "PATH")]
    pub relay: PathBuf,

    /// Serve the page from this directory (default: the copy in the relay).
    #[arg(long, value_name = "DIR")]
    pub dist: Option<PathBuf>,

    /// ChromeDriver.
    #[arg(long, default_value = "chromedriver", value_name = "PATH")]
    pub chromedriver: PathBuf,

    /// Chromium.
    #[arg(long, default_value = "/usr/bin/chromium", value_name = "PATH")]
    pub chromium: PathBuf,

    /// Entries the message log and the frame inspector are filled to first.
    #[arg(long, default_value_t = 100_000)]
    pub entries: u64,

    /// Lines per second while filling.
    #[arg(long, default_value_t = 20_000)]
    pub fill_rate: u64,

    /// Give up filling after this many seconds.
    #[arg(long, default_value_t = 600.0)]
    pub fill_timeout_secs: f64,

    /// Lines per second arriving during the measured window.
    #[arg(long, default_value_t = 10_000)]
    pub rate: u64,

    /// Length of the measured window under load, seconds.
    #[arg(long, default_value_t = 10.0)]
    pub secs: f64,

    /// Length of the window without traffic (the baseline), seconds.
    #[arg(long, default_value_t = 3.0)]
    pub idle_secs: f64,

    /// Browser window width, CSS pixels.
    #[arg(long, default_value_t = 1280)]
    pub width: u32,

    /// Browser window height, CSS pixels.
    #[arg(long, default_value_t = 1600)]
    pub height: u32,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_parse() {
        assert_eq!(
            "ws://127.0.0.1:9000/ws/echo".parse(),
            Ok(Target::Ws {
                url: "ws://127.0.0.1:9000/ws/echo".into(),
                addr: "127.0.0.1:9000".into()
            })
        );
        assert_eq!(
            "tcp://127.0.0.1:7".parse(),
            Ok(Target::Tcp {
                addr: "127.0.0.1:7".into()
            })
        );
        assert_eq!(
            "https://127.0.0.1:4433/wt/echo".parse(),
            Ok(Target::Wt {
                url: "https://127.0.0.1:4433/wt/echo".into()
            })
        );
        assert!("https:///wt/echo".parse::<Target>().is_err());
        assert!("http://x".parse::<Target>().is_err());
        assert!("ws:///path".parse::<Target>().is_err());
    }
}
