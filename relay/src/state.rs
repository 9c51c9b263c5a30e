//! What every request handler shares: the configuration, the live settings
//! (which a reload replaces), the caps, the taps, the metrics and the
//! shutdown signal.

use std::{net::SocketAddr, sync::Arc};

use arc_swap::ArcSwap;
use tokio_util::{sync::CancellationToken, task::TaskTracker};

use crate::{
    caps::SessionCaps,
    config::Config,
    live::Live,
    metrics::Metrics,
    services::builtins::Builtins,
    tap::TapHub,
    tls::ServerTls,
    webtransport::{DoorCerts, WebTransportDoor},
};

/// State shared by every request.
pub struct AppState {
    /// The configuration the relay started with. Its targets, origins, names,
    /// limits and certificate are only the first of [`AppState::live`]'s
    /// values: read those from there.
    pub config: Config,
    /// The settings new requests use, replaced whole by a reload.
    pub live: ArcSwap<Live>,
    /// TLS, if served; a reload replaces its certificate.
    pub tls: Option<ServerTls>,
    /// The address the relay listens on.
    pub listen: SocketAddr,
    /// The built-in services' handles (the quotes, the recorders' log).
    pub builtins: Builtins,
    /// Cancelled when the relay shuts down; sessions then close with 1001.
    pub shutdown: CancellationToken,
    /// Tracks session tasks so shutdown can wait for them.
    pub sessions: TaskTracker,
    /// Open wire taps.
    pub taps: TapHub,
    /// Session limits, total and per client IP.
    pub caps: Arc<SessionCaps>,
    /// Counters for `/metrics`.
    pub metrics: Metrics,
    /// The WebTransport door, when it runs (see [`AppState::open_webtransport`]).
    pub webtransport: Option<WebTransportDoor>,
}

impl AppState {
    /// State for a relay with this configuration listening on `listen`;
    /// an error if a public host is not a host name or the certificate
    /// cannot be loaded.
    pub fn new(
        config: Config,
        builtins: Builtins,
        listen: SocketAddr,
        shutdown: CancellationToken,
    ) -> anyhow::Result<Self> {
        let live = Live::new(
            listen,
            config.targets.clone(),
            config.origins.clone(),
            &config.public_hosts,
            config.limits.clone(),
        )?;
        let tls = match &config.tls {
            Some(files) => Some(ServerTls::new(files.load()?)?),
            None => None,
        };
        Ok(Self {
            taps: TapHub::new(!config.no_tap),
            caps: SessionCaps::new(
                config.limits.max_sessions,
                config.limits.max_sessions_per_ip,
            ),
            metrics: Metrics::default(),
            live: ArcSwap::from_pointee(live),
            tls,
            listen,
            builtins,
            config,
            shutdown,
            sessions: TaskTracker::new(),
            webtransport: None,
        })
    }

    /// Opens the WebTransport door on `socket`, with the HTTPS listener's
    /// certificate if there is one, else a self-signed one of its own.
    pub fn open_webtransport(mut self, socket: std::net::UdpSocket) -> anyhow::Result<Self> {
        let certs = match &self.tls {
            Some(tls) => DoorCerts::operator(tls.certs.clone()),
            None => DoorCerts::self_signed()?,
        };
        self.webtransport = Some(WebTransportDoor::new(socket, certs, &self.config.limits)?);
        Ok(self)
    }

    /// The live settings now (hold them for as long as one request or
    /// session needs one consistent view).
    pub fn live(&self) -> Arc<Live> {
        self.live.load_full()
    }
}
