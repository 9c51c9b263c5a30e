//! The command line: every flag of `relay`, and `relay check-config`.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

use crate::services::{builtins::ECHO_LISTEN, lab::DEFAULT_RECORDER_LISTEN, scenarios};

/// Where the relay listens unless told otherwise.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8080";

/// Bridges browser WebSockets to named TCP services and serves the
/// Socket vs WebSocket playground.
#[derive(Debug, Parser)]
#[command(version, about, args_conflicts_with_subcommands = true)]
pub struct Args {
    /// Something else than serving.
    #[command(subcommand)]
    pub command: Option<Command>,

    /// Address to serve the page, the API and the WebSockets on (default
    /// 127.0.0.1:8080, or `listen` in the config file).
    #[arg(long, value_name = "HOST:PORT")]
    pub listen: Option<String>,

    /// A name the relay is reached by, e.g. `relay.example` or
    /// `relay.example:8443` (repeatable). Loopback names and the listen
    /// address are always known; a request naming any other host gets 421,
    /// which is what stops DNS rebinding.
    #[arg(long = "public-host", value_name = "NAME")]
    pub public_hosts: Vec<String>,

    /// A TCP service the page may connect to, as NAME=HOST:PORT (repeatable).
    /// The browser only ever sees NAME.
    #[arg(long = "target", value_name = "NAME=HOST:PORT")]
    pub targets: Vec<String>,

    /// A TOML file with [targets], [limits] and [tls] (see the README).
    /// Read again on SIGHUP and whenever it changes.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Targets from a websockify token file (`name: host:port` per line);
    /// websockify clients can then use `/websockify?token=name` unchanged.
    #[arg(long, value_name = "FILE")]
    pub websockify_token_file: Option<PathBuf>,

    /// Address of the built-in echo service (target `echo`).
    #[arg(long, default_value = ECHO_LISTEN, value_name = "HOST:PORT")]
    pub echo_listen: String,

    /// Address of the recorder, the raw TCP service the page's experiments aim at.
    #[arg(long, default_value = DEFAULT_RECORDER_LISTEN, value_name = "HOST:PORT")]
    pub recorder_listen: String,

    /// Address (TCP and UDP) of the lossy service, an echo that plays a
    /// lossy network (targets `lossy` and `udp-lossy`).
    #[arg(long, default_value = crate::services::lossy::LOSSY_LISTEN, value_name = "HOST:PORT")]
    pub lossy_listen: String,

    /// Do not start the recorder, the bad-port listener and the lossy
    /// service (the experiments).
    #[arg(long)]
    pub no_lab: bool,

    /// Do not start the scenario services (chat, quotes, game, lamp).
    /// `--no-demos` is the old name, still accepted.
    #[arg(long, alias = "no-demos")]
    pub no_scenarios: bool,

    /// Share the chat room and the lamp with every relay given the same
    /// Redis, e.g. `redis://127.0.0.1:6379` (pub/sub; several relays behind
    /// a load balancer then have one room). `--demos-redis` is the old name.
    #[arg(
        long,
        alias = "demos-redis",
        value_name = "redis://HOST:PORT",
        conflicts_with = "no_scenarios"
    )]
    pub scenarios_redis: Option<String>,

    /// Address of the chat room service (target `chat`).
    #[arg(long, default_value = scenarios::CHAT_LISTEN, value_name = "HOST:PORT")]
    pub chat_listen: String,

    /// Address of the quotes service (target `quotes`).
    #[arg(long, default_value = scenarios::QUOTES_LISTEN, value_name = "HOST:PORT")]
    pub quotes_listen: String,

    /// Address of the game service (target `game`).
    #[arg(long, default_value = scenarios::GAME_LISTEN, value_name = "HOST:PORT")]
    pub game_listen: String,

    /// Address of the lamp service (target `lamp`).
    #[arg(long, default_value = scenarios::LAMP_LISTEN, value_name = "HOST:PORT")]
    pub lamp_listen: String,

    /// UDP address of the WebTransport (HTTP/3) door: sessions to
    /// `https://HOST:PORT/wt/<target>`, streams to TCP targets and datagrams
    /// to UDP targets. Without --tls-cert it uses a self-signed certificate
    /// whose hash the page reads from /api/lab. Default 127.0.0.1:4433; if
    /// that port is taken the relay runs without the door (and says so),
    /// while an address given here must be bound.
    #[arg(long, value_name = "HOST:PORT", conflicts_with = "no_webtransport")]
    pub webtransport_listen: Option<String>,

    /// Do not open the WebTransport door.
    #[arg(long)]
    pub no_webtransport: bool,

    /// Do not start the built-in echo service.
    #[arg(long)]
    pub no_echo: bool,

    /// Serve the page from this directory (e.g. `dist`) instead of the copy
    /// embedded in the binary.
    #[arg(long, value_name = "DIR")]
    pub dist: Option<PathBuf>,

    /// Largest WebSocket message accepted from a browser, in bytes.
    #[arg(long, value_name = "BYTES")]
    pub max_message_bytes: Option<usize>,

    /// How long to wait for a target to accept a TCP connection, in milliseconds.
    #[arg(long, value_name = "MS")]
    pub connect_timeout_ms: Option<u64>,

    /// Also accept WebSocket handshakes from pages of this origin, e.g.
    /// `https://demo.example` (repeatable; `*` allows any). The relay's own
    /// pages are always allowed (`cargo xtask run` also allows `trunk serve`'s).
    #[arg(long = "allow-origin", value_name = "ORIGIN")]
    pub allow_origins: Vec<String>,

    /// A reverse proxy in front of the relay whose X-Forwarded-For header is
    /// believed for per-address limits and logs (repeatable). From any other
    /// peer the header is ignored.
    #[arg(long = "trusted-proxy", value_name = "IP")]
    pub trusted_proxies: Vec<std::net::IpAddr>,

    /// Every connection from a --trusted-proxy starts with a PROXY protocol
    /// header (v1 or v2, as HAProxy, nginx's stream module or an AWS NLB send
    /// it) naming the client; a connection without one is closed. Other
    /// peers' connections are read as they are.
    #[arg(long, requires = "trusted_proxies")]
    pub proxy_protocol: bool,

    /// Serve TLS (https://, wss://) with this PEM certificate chain (needs --tls-key).
    #[arg(long, value_name = "FILE", requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,

    /// The PEM private key for --tls-cert.
    #[arg(long, value_name = "FILE", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,

    /// Serve /ws-echo, which echoes WebSocket messages itself (for conformance
    /// testing of the WebSocket layer, e.g. with the Autobahn TestSuite).
    #[arg(long)]
    pub ws_echo: bool,

    /// Turn off wire taps: the page then cannot show frames and handshakes.
    #[arg(long)]
    pub no_tap: bool,

    /// Sessions open at once, relay-wide; more get HTTP 503.
    #[arg(long, value_name = "N")]
    pub max_sessions: Option<usize>,

    /// Sessions open at once from one client IP; more get HTTP 429.
    #[arg(long, value_name = "N")]
    pub max_sessions_per_ip: Option<usize>,

    /// Log format on stderr.
    #[arg(long, value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,

    /// Worker threads; 0 means one per CPU core, 1 runs everything on one
    /// thread (no cross-thread wake-ups: see bench/PROFILE.md).
    #[arg(long, default_value_t = 0, value_name = "N")]
    pub threads: usize,
}

/// What the relay can do besides serving.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Checks a config file as a start or a reload would read it (targets,
    /// names, addresses, certificate and key), prints what it would serve,
    /// and exits 0 if it is valid, 1 if not. Touches no port.
    CheckConfig {
        /// The TOML file.
        file: PathBuf,
    },
}

/// Log output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line.
    Json,
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::Args;

    #[test]
    fn no_demos_is_the_old_name_of_no_scenarios() {
        for flag in ["--no-scenarios", "--no-demos"] {
            let args = Args::try_parse_from(["relay", flag]).unwrap();
            assert!(args.no_scenarios, "{flag}");
        }
        assert!(!Args::try_parse_from(["relay"]).unwrap().no_scenarios);
    }

    #[test]
    fn the_webtransport_door_has_a_flag_and_an_off_switch() {
        let args = Args::try_parse_from(["relay"]).unwrap();
        assert_eq!(
            (args.webtransport_listen, args.no_webtransport),
            (None, false)
        );
        let args = Args::try_parse_from(["relay", "--webtransport-listen", "0.0.0.0:443"]).unwrap();
        assert_eq!(args.webtransport_listen.as_deref(), Some("0.0.0.0:443"));
        assert!(
            Args::try_parse_from(["relay", "--no-webtransport"])
                .unwrap()
                .no_webtransport
        );
        assert!(Args::try_parse_from([
            "relay",
            "--no-webtransport",
            "--webtransport-listen",
            "127.0.0.1:1"
        ])
        .is_err());
    }

    #[test]
    fn demos_redis_is_the_old_name_of_scenarios_redis() {
        for flag in ["--scenarios-redis", "--demos-redis"] {
            let args = Args::try_parse_from(["relay", flag, "redis://h:1"]).unwrap();
            assert_eq!(
                args.scenarios_redis.as_deref(),
                Some("redis://h:1"),
                "{flag}"
            );
        }
        assert_eq!(
            Args::try_parse_from(["relay"]).unwrap().scenarios_redis,
            None
        );
    }
}
