//! The HTTP side: routes, the WebSocket upgrade, and one task per session.

use std::{net::SocketAddr, sync::Arc, time::Duration};

use axum::{
    extract::{
        ws::{rejection::WebSocketUpgradeRejection, WebSocket},
        ConnectInfo, Path, State, WebSocketUpgrade,
    },
    http::StatusCode,
    response::{IntoResponse, Response},
    routing::get,
    Json, Router,
};
use tokio::net::TcpListener;
use tokio_util::{sync::CancellationToken, task::TaskTracker};
use tracing::Instrument;

use crate::{
    assets,
    bridge::{bridge, send_close, BridgeEnd, BridgeOptions},
    config::Config,
    targets::Target,
    upstream::connect_upstream,
};
use protocol::{CloseCode, TARGETS_PATH};

/// How long open sessions get to finish after shutdown starts.
pub const SHUTDOWN_DEADLINE: Duration = Duration::from_secs(10);

/// State shared by every request.
pub struct AppState {
    /// The relay's configuration.
    pub config: Config,
    /// Cancelled when the relay shuts down; sessions then close with 1001.
    pub shutdown: CancellationToken,
    /// Tracks session tasks so shutdown can wait for them.
    pub sessions: TaskTracker,
}

impl AppState {
    /// State for a relay with this configuration.
    pub fn new(config: Config, shutdown: CancellationToken) -> Self {
        Self {
            config,
            shutdown,
            sessions: TaskTracker::new(),
        }
    }
}

/// The relay's routes.
pub fn router(state: Arc<AppState>) -> Router {
    Router::new()
        .route(TARGETS_PATH, get(list_targets))
        .route("/ws/{name}", get(open_session))
        .route("/healthz", get(|| async { "ok\n" }))
        .fallback(get(assets::serve_asset))
        .with_state(state)
}

/// Serves until `shutdown` is cancelled, then waits for sessions to close.
pub async fn serve(
    listener: TcpListener,
    state: Arc<AppState>,
    shutdown: CancellationToken,
) -> anyhow::Result<()> {
    let app = router(state.clone()).into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown.clone().cancelled_owned())
        .await?;
    state.sessions.close();
    if tokio::time::timeout(SHUTDOWN_DEADLINE, state.sessions.wait())
        .await
        .is_err()
    {
        tracing::warn!(
            open = state.sessions.len(),
            "sessions still open at shutdown deadline"
        );
    }
    Ok(())
}

async fn list_targets(State(state): State<Arc<AppState>>) -> impl IntoResponse {
    Json(state.config.targets.to_api())
}

async fn open_session(
    State(state): State<Arc<AppState>>,
    Path(name): Path<String>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    upgrade: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> Response {
    // The name is only ever looked up, never parsed as an address.
    let Some(target) = state.config.targets.get(&name).cloned() else {
        tracing::info!(?peer, target = %name, "unknown target");
        return (
            StatusCode::NOT_FOUND,
            format!("no target named {name:?}; GET {TARGETS_PATH} lists the targets\n"),
        )
            .into_response();
    };
    let upgrade = match upgrade {
        Ok(upgrade) => upgrade,
        Err(rejection) => return rejection.into_response(),
    };
    let limits = &state.config.limits;
    upgrade
        .max_message_size(limits.max_message_bytes)
        .max_frame_size(limits.max_message_bytes)
        .on_failed_upgrade(move |err| tracing::info!(?peer, %err, "websocket upgrade failed"))
        .on_upgrade(move |socket| {
            let span = tracing::info_span!("session", ?peer, target = %target.name);
            let sessions = state.sessions.clone();
            sessions.track_future(run_session(socket, target, state).instrument(span))
        })
}

/// One session: connect upstream, then bridge until either side ends.
async fn run_session(mut socket: WebSocket, target: Target, state: Arc<AppState>) {
    let limits = &state.config.limits;
    let tcp = tokio::select! {
        result = connect_upstream(&target.address, limits.connect_timeout) => result,
        () = state.shutdown.cancelled() => {
            send_close(&mut socket, CloseCode::GOING_AWAY, "relay is shutting down").await;
            return;
        }
    };
    let tcp = match tcp {
        Ok(tcp) => tcp,
        Err(err) => {
            tracing::info!(%err, "upstream connect failed");
            send_close(&mut socket, CloseCode::UPSTREAM_ERROR, &err.to_string()).await;
            return;
        }
    };
    tracing::info!("session open");
    let (tcp_read, tcp_write) = tcp.into_split();
    let options = BridgeOptions {
        read_chunk_bytes: limits.read_chunk_bytes,
        close_grace: limits.close_grace,
        upstream_label: format!("upstream {}", target.address),
    };
    let report = bridge(socket, tcp_read, tcp_write, &options, &state.shutdown).await;
    match &report.end {
        BridgeEnd::UpstreamFailed(err) | BridgeEnd::BrowserFailed(err) => {
            tracing::info!(end = ?report.end, bytes_up = report.bytes_up, bytes_down = report.bytes_down, %err, "session failed");
        }
        _ => {
            tracing::info!(end = ?report.end, bytes_up = report.bytes_up, bytes_down = report.bytes_down, "session closed");
        }
    }
}
