//! Command-line flags and start-up: bind the listeners, start the scenario
//! services, print where to go, and run until Ctrl-C or SIGTERM.

use std::io::Write as _;
use std::{net::SocketAddr, path::PathBuf};

use anyhow::Context;
use clap::{Parser, Subcommand, ValueEnum};
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

use crate::{
    config::{Config, FileLimits},
    services::{
        builtins::{self, BuiltinListen, ECHO_LISTEN},
        lab::DEFAULT_RECORDER_LISTEN,
        scenarios::{self, ScenarioListen},
    },
    sources::{FlagSettings, Settings, Sources},
    tls::TlsFiles,
};

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

    /// Do not start the recorder and the bad-port listener (the experiments).
    #[arg(long)]
    pub no_lab: bool,

    /// Do not start the scenario services (chat, quotes, game, lamp).
    /// `--no-demos` is the old name, still accepted.
    #[arg(long, alias = "no-demos")]
    pub no_scenarios: bool,

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

/// The tokio runtime for `--threads`.
pub fn runtime(threads: usize) -> std::io::Result<tokio::runtime::Runtime> {
    let mut builder = if threads == 1 {
        tokio::runtime::Builder::new_current_thread()
    } else {
        let mut builder = tokio::runtime::Builder::new_multi_thread();
        if threads > 1 {
            builder.worker_threads(threads);
        }
        builder
    };
    builder.enable_all().build()
}

/// Log output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line.
    Json,
}

/// Sets up `tracing` on stderr; `RUST_LOG` overrides the default `info`.
pub fn init_tracing(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        // Colour codes only for a person at a terminal: formatting them was a
        // visible share of the relay's CPU under connection churn (bench/PROFILE.md).
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()));
    match format {
        LogFormat::Text => builder.init(),
        LogFormat::Json => builder.json().init(),
    }
}

/// Binds everything the flags ask for (or takes `inherited`, the listener
/// systemd passed) and runs until a shutdown signal.
pub async fn launch(args: Args, inherited: Option<std::net::TcpListener>) -> anyhow::Result<()> {
    let mut sources = sources_from(&args);
    // A broken file or certificate is reported before any port is taken.
    check_tls(&sources.read()?)?;
    let shutdown = CancellationToken::new();
    let started = builtins::start(&builtin_listen(&args), &shutdown).await?;
    sources.builtin_targets = started.targets;
    let settings = sources.read()?;
    let listen = args
        .listen
        .clone()
        .or_else(|| settings.listen.clone())
        .unwrap_or_else(|| DEFAULT_LISTEN.to_owned());
    let config = Config {
        targets: settings.targets,
        limits: settings.limits,
        origins: settings.origins,
        public_hosts: settings.public_hosts,
        tls: settings.tls,
        dist_dir: args.dist.clone(),
        no_tap: args.no_tap,
        ws_echo: args.ws_echo,
        trusted_proxies: args.trusted_proxies.clone(),
        proxy_protocol: args.proxy_protocol,
        reload: Some(sources),
    };

    let listener = match inherited {
        Some(listener) => {
            if args.listen.is_some() {
                tracing::warn!("--listen is ignored: listening on the socket systemd passed");
            }
            TcpListener::from_std(listener).context("cannot use the socket systemd passed")?
        }
        None => bind_with_backlog(&listen).await.with_context(|| {
            format!("cannot listen on {listen} (is another relay running? use --listen)")
        })?,
    };
    let addr: SocketAddr = listener.local_addr()?;
    // A bad --public-host is reported before the banner says where to go.
    crate::hosts::KnownHosts::new(addr, &config.public_hosts)?;
    if addr.ip().is_unspecified() && config.public_hosts.is_empty() {
        tracing::warn!(
            "listening on every address, but answering only to loopback names (421 otherwise): \
             add --public-host NAME for each name or address visitors use"
        );
    }
    if config.dist_dir.is_none() && !crate::assets::embedded() {
        tracing::warn!("this relay was built without the page; / explains how to build it");
    }
    // Listen for signals before telling anyone where we are, so a SIGTERM
    // right after the banner is a clean shutdown, not the default kill.
    let signals = Signals::install()?;
    let signal_token = shutdown.clone();
    tokio::spawn(async move {
        signals.wait().await;
        tracing::info!("shutting down");
        signal_token.cancel();
    });
    print_banner(&config, addr, &started.banner);
    crate::run(listener, config, started.builtins, shutdown).await
}

/// Loads the certificate and key, if the settings name them, to check them.
fn check_tls(settings: &Settings) -> anyhow::Result<()> {
    if let Some(files) = &settings.tls {
        files.load()?;
    }
    Ok(())
}

/// Where the reloadable settings come from: the flags' part of them, and
/// the files a reload reads again.
fn sources_from(args: &Args) -> Sources {
    Sources {
        config_file: args.config.clone(),
        websockify_token_file: args.websockify_token_file.clone(),
        flags: FlagSettings {
            targets: args.targets.clone(),
            public_hosts: args.public_hosts.clone(),
            allow_origins: args.allow_origins.clone(),
            limits: FileLimits {
                max_message_bytes: args.max_message_bytes,
                connect_timeout_ms: args.connect_timeout_ms,
                max_sessions: args.max_sessions,
                max_sessions_per_ip: args.max_sessions_per_ip,
                ..FileLimits::default()
            },
            tls: match (&args.tls_cert, &args.tls_key) {
                (Some(cert), Some(key)) => Some(TlsFiles::new(cert, key)),
                _ => None,
            },
        },
        builtin_targets: Vec::new(),
    }
}

/// Where the flags ask the built-in services to listen.
fn builtin_listen(args: &Args) -> BuiltinListen {
    BuiltinListen {
        echo: (!args.no_echo).then(|| args.echo_listen.clone()),
        recorder: (!args.no_lab).then(|| args.recorder_listen.clone()),
        scenarios: (!args.no_scenarios).then(|| ScenarioListen {
            chat: args.chat_listen.clone(),
            quotes: args.quotes_listen.clone(),
            game: args.game_listen.clone(),
            lamp: args.lamp_listen.clone(),
            ..ScenarioListen::default()
        }),
    }
}

/// Tells the person who started the relay where to go.
fn print_banner(config: &Config, addr: SocketAddr, services: &[String]) {
    let scheme = if config.tls.is_some() {
        "https"
    } else {
        "http"
    };
    let names: Vec<&str> = config.targets.iter().map(|t| t.name.as_str()).collect();
    let mut text = format!("playground:    {scheme}://{addr}/\n");
    for line in services {
        text.push_str(line);
        text.push('\n');
    }
    text.push_str(&format!("targets:       {}\n", names.join(", ")));
    // A reader that went away (`relay | head -1`) must not stop the relay,
    // as `println!` would by panicking.
    let mut stdout = std::io::stdout().lock();
    if let Err(err) = stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        tracing::warn!(%err, "cannot print the banner");
    }
}

/// Ctrl-C and (on Unix) SIGTERM, registered up front.
struct Signals {
    #[cfg(unix)]
    term: tokio::signal::unix::Signal,
}

impl Signals {
    fn install() -> anyhow::Result<Self> {
        // SIGHUP reloads (see `crate::reload`, which listens for it once the
        // relay runs). Registering it now keeps one arriving right after the
        // banner from killing the process: tokio keeps its handler installed.
        #[cfg(unix)]
        drop(
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup())
                .context("cannot listen for SIGHUP")?,
        );
        Ok(Self {
            #[cfg(unix)]
            term: tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
                .context("cannot listen for SIGTERM")?,
        })
    }

    async fn wait(mut self) {
        let ctrl_c = async {
            if let Err(err) = tokio::signal::ctrl_c().await {
                tracing::warn!(%err, "cannot listen for ctrl-c");
                std::future::pending::<()>().await;
            }
        };
        #[cfg(unix)]
        let term = async {
            self.term.recv().await;
        };
        #[cfg(not(unix))]
        let term = std::future::pending::<()>();
        tokio::select! {
            () = ctrl_c => {}
            () = term => {}
        }
    }
}

/// Binds with a long accept queue: bursts of connects (a page reloading many
/// tabs, a load test) must not overflow the kernel's default backlog and cost
/// each overflowed client a one-second SYN retransmit.
async fn bind_with_backlog(address: &str) -> std::io::Result<TcpListener> {
    const BACKLOG: u32 = 4096;
    let mut last_err = None;
    for addr in tokio::net::lookup_host(address).await? {
        let socket = if addr.is_ipv4() {
            tokio::net::TcpSocket::new_v4()?
        } else {
            tokio::net::TcpSocket::new_v6()?
        };
        socket.set_reuseaddr(true)?;
        match socket.bind(addr).and_then(|()| socket.listen(BACKLOG)) {
            Ok(listener) => return Ok(listener),
            Err(err) => last_err = Some(err),
        }
    }
    Err(last_err
        .unwrap_or_else(|| std::io::Error::new(std::io::ErrorKind::AddrNotAvailable, "no address")))
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
}
