//! Start-up: bind the listeners, start the built-in services, print where
//! to go, and run until Ctrl-C or SIGTERM. The flags are in `args.rs`.

use std::io::Write as _;
use std::net::SocketAddr;

use anyhow::Context;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

pub use crate::args::{Args, Command, LogFormat, DEFAULT_LISTEN};
use crate::{
    config::{Config, FileLimits},
    services::{
        builtins::{self, BuiltinListen},
        scenarios::ScenarioListen,
    },
    sources::{FlagSettings, Settings, Sources},
    tls::TlsFiles,
    webtransport::DEFAULT_WEBTRANSPORT_LISTEN,
};

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
    let webtransport = match (&args.webtransport_listen, args.no_webtransport) {
        (_, true) => None,
        (Some(address), false) => Some(bind_udp(address).await.with_context(|| {
            format!("cannot listen on UDP {address} for WebTransport (or use --no-webtransport)")
        })?),
        // The default port may be another relay's: then this one runs without the door.
        (None, false) => match bind_udp(DEFAULT_WEBTRANSPORT_LISTEN).await {
            Ok(socket) => Some(socket),
            Err(err) => {
                tracing::warn!(%err, "the webtransport door is off: cannot listen on UDP {DEFAULT_WEBTRANSPORT_LISTEN} (use --webtransport-listen)");
                None
            }
        },
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
    let mut banner = started.banner;
    if let Some(socket) = &webtransport {
        banner.push(format!(
            "webtransport:  https://{}/wt/<target> (UDP)",
            socket.local_addr()?
        ));
    }
    print_banner(&config, addr, &banner);
    crate::run_doors(listener, webtransport, config, started.builtins, shutdown).await
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
        lossy: (!args.no_lab).then(|| args.lossy_listen.clone()),
        scenarios: (!args.no_scenarios).then(|| ScenarioListen {
            chat: args.chat_listen.clone(),
            quotes: args.quotes_listen.clone(),
            game: args.game_listen.clone(),
            lamp: args.lamp_listen.clone(),
            redis: args.scenarios_redis.clone(),
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

/// Binds the WebTransport door's UDP socket.
async fn bind_udp(address: &str) -> std::io::Result<std::net::UdpSocket> {
    let mut last_err = None;
    for addr in tokio::net::lookup_host(address).await? {
        match std::net::UdpSocket::bind(addr) {
            Ok(socket) => return Ok(socket),
            Err(err) => last_err = Some(err),
        }
    }
    Err(last_err
        .unwrap_or_else(|| std::io::Error::new(std::io::ErrorKind::AddrNotAvailable, "no address")))
}
