//! `relay`: bridges browser WebSockets to named TCP services, serves the
//! playground page, and hosts demo TCP services so that everything works with
//! nothing else installed.
//!
//! The caller binds the listeners and hands them to [`run`], so tests bind
//! port 0 and the binary stays thin.
#![forbid(unsafe_code)]

pub mod address;
pub mod admission;
pub mod args;
pub mod assets;
pub mod auth;
pub mod bridge;
pub mod caps;
pub mod check_config;
pub mod cli;
pub mod client_ip;
pub mod config;
pub mod conn_tap;
pub mod connection;
pub mod hosts;
pub mod listener;
pub mod live;
pub mod metrics;
pub mod origin;
pub mod proxy_protocol;
pub mod refusal;
pub mod reload;
pub mod send_proxy;
pub mod server;
pub mod services;
pub mod session;
pub mod socket_activation;
pub mod sources;
pub mod state;
pub mod tap;
pub mod tap_socket;
pub mod targets;
pub mod tls;
pub mod upstream;
pub mod websockify;
pub mod webtransport;
pub mod ws_echo;

use std::sync::Arc;

use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

pub use config::{Config, Limits};
pub use targets::{Target, Targets};

/// Serves the playground on `listener` until `shutdown` is cancelled, then
/// closes open sessions with 1001 and waits (up to the configured deadline)
/// for them to finish. `builtins` are the handles of the built-in services
/// that run beside it (see `services::builtins`). The relay answers to the loopback names, the
/// listener's address and `config.public_hosts`. With `config.reload`, SIGHUP and changes to the
/// config file reload the settings (see `reload`).
pub async fn run(
    listener: TcpListener,
    config: Config,
    builtins: services::builtins::Builtins,
    shutdown: CancellationToken,
) -> anyhow::Result<()> {
    run_doors(listener, None, config, builtins, shutdown).await
}

/// [`run`], and the WebTransport door on `webtransport` (a bound UDP
/// socket) when there is one; its sessions close when `shutdown` fires too.
pub async fn run_doors(
    listener: TcpListener,
    webtransport: Option<std::net::UdpSocket>,
    config: Config,
    builtins: services::builtins::Builtins,
    shutdown: CancellationToken,
) -> anyhow::Result<()> {
    let listen = listener.local_addr()?;
    let mut state = state::AppState::new(config, builtins, listen, shutdown.clone())?;
    if let Some(socket) = webtransport {
        state = state.open_webtransport(socket)?;
    }
    let state = Arc::new(state);
    if let Some(sources) = state.config.reload.clone() {
        reload::spawn(state.clone(), sources, shutdown.clone())?;
    }
    let door = tokio::spawn(webtransport::serve(state.clone(), shutdown.clone()));
    let served = server::serve(listener, state, shutdown.clone()).await;
    // Served ends at shutdown, or on an error: then the door stops too.
    shutdown.cancel();
    if let Err(err) = door.await {
        tracing::warn!(%err, "the webtransport door ended badly");
    }
    served
}
