//! The HTTP side: routes, the host check in front of all of them, and serving
//! until shutdown. The WebSocket handlers live in `session` (bridged
//! sessions) and `tap_socket`; what they share is `state::AppState`.

use std::{sync::Arc, time::Duration};

use axum::{
    extract::{ConnectInfo, Path, Query, State},
    http::{header, StatusCode},
    response::{IntoResponse, Response},
    routing::get,
    Json, Router,
};
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

use crate::{
    assets,
    hosts::HostCheck,
    listener::{Handshake, Peer, RelayListener},
    refusal::Refusal,
    session::{open_session, open_websockify_session},
    state::AppState,
    tap_socket::open_tap,
};
use protocol::scenarios::quotes::{QuotesQuery, QUOTES_PATH};
use protocol::{api::is_valid_marker, tap::TAP_PATH, CaptureList, LAB_PATH, TARGETS_PATH};

/// How long open sessions get to finish after shutdown starts.
pub const SHUTDOWN_DEADLINE: Duration = Duration::from_secs(10);

/// The relay's routes.
pub fn router(state: Arc<AppState>) -> Router {
    let router = if state.config.ws_echo {
        Router::new().route("/ws-echo", get(crate::ws_echo::open_echo))
    } else {
        Router::new()
    };
    // `--dist` serves a directory as it is, for working on the page.
    let router = if state.config.dist_dir.is_none() && assets::embedded() {
        router.merge(assets::embedded_routes())
    } else {
        router
    };
    router
        .route(TARGETS_PATH, get(list_targets))
        .route("/ws/{name}", get(open_session))
        .route("/websockify", get(open_websockify_session))
        .route(TAP_PATH, get(open_tap))
        .route(LAB_PATH, get(lab_info))
        .route("/api/recorder/{marker}", get(recorder_captures))
        .route("/metrics", get(metrics))
        .route(QUOTES_PATH, get(quotes))
        .fallback(get(assets::serve_asset))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            check_host,
        ))
        .route(HEALTH_PATH, get(|| async { "ok\n" }))
        .layer(axum::middleware::from_fn(request_started))
        .with_state(state)
}

/// The path load balancers probe; it answers whatever name they use, and
/// says nothing but `ok`.
pub const HEALTH_PATH: &str = "/healthz";

/// Before anything else: a request must name one of the relay's hosts
/// (`421` otherwise, see `crate::hosts`). The name it used is handed to the
/// handlers, which compare the page's `Origin` with it.
async fn check_host(
    State(state): State<Arc<AppState>>,
    ConnectInfo(peer): ConnectInfo<Peer>,
    mut request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    match state.live().hosts.check(request.uri(), request.headers()) {
        HostCheck::Known(host) => {
            request.extensions_mut().insert(host);
            next.run(request).await
        }
        HostCheck::Missing => Refusal::MissingHost.answer(&peer, &state.metrics),
        HostCheck::Unknown(host) => Refusal::UnknownHost(host).answer(&peer, &state.metrics),
    }
}

/// Serves until `shutdown` is cancelled, then waits for sessions to close.
pub async fn serve(
    listener: TcpListener,
    state: Arc<AppState>,
    shutdown: CancellationToken,
) -> anyhow::Result<()> {
    let listener = RelayListener::new(
        listener,
        !state.config.no_tap,
        state.config.limits.request_timeout,
        Handshake {
            tls: state.tls.as_ref().map(|tls| tls.acceptor.clone()),
            proxy_protocol_from: if state.config.proxy_protocol {
                state.config.trusted_proxies.clone()
            } else {
                Vec::new()
            },
        },
    )?;
    let app = router(state.clone()).into_make_service_with_connect_info::<Peer>();
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
    (
        // A reload changes the list: never let a cache keep the old one.
        [(header::CACHE_CONTROL, "no-store")],
        Json(state.live().targets.to_api()),
    )
}

/// Tells the connection a complete request arrived, which stops its
/// request deadline (see `conn`).
async fn request_started(
    ConnectInfo(peer): ConnectInfo<Peer>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    peer.conn.request_started();
    next.run(request).await
}

/// Quotes after `?since=SEQ`, for pages that poll instead of holding a WebSocket.
async fn quotes(State(state): State<Arc<AppState>>, Query(query): Query<QuotesQuery>) -> Response {
    let Some(quotes) = &state.builtins.quotes else {
        return (
            StatusCode::NOT_FOUND,
            "this relay runs without the scenarios (--no-scenarios)\n",
        )
            .into_response();
    };
    (
        [(header::CACHE_CONTROL, "no-store")],
        Json(quotes.batch_since(query.since)),
    )
        .into_response()
}

async fn metrics(State(state): State<Arc<AppState>>) -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, crate::metrics::CONTENT_TYPE)],
        // The caps count both doors' sessions; `relay_sessions_open` is the
        // WebSocket ones (WebTransport has its own gauge).
        state.metrics.render(
            state
                .caps
                .open()
                .saturating_sub(state.metrics.webtransport_open()),
        ),
    )
}

async fn lab_info(State(state): State<Arc<AppState>>) -> impl IntoResponse {
    // Taps depend on --no-tap alone, not on whether the lab's listeners run.
    Json(protocol::LabInfo {
        tap: state.taps.enabled(),
        webtransport: state.webtransport.as_ref().map(|door| door.info()),
        ..state.builtins.lab.clone()
    })
}

/// What the recorder received in connections that carried `marker` (and
/// TLS ones from the asker's address, see `services::recorder`).
async fn recorder_captures(
    State(state): State<Arc<AppState>>,
    ConnectInfo(peer): ConnectInfo<Peer>,
    headers: axum::http::HeaderMap,
    Path(marker): Path<String>,
) -> Response {
    if !is_valid_marker(&marker) {
        return (
            StatusCode::BAD_REQUEST,
            "a marker is 8-64 characters of A-Z a-z 0-9 - _\n",
        )
            .into_response();
    }
    let Some(log) = &state.builtins.recorder_log else {
        return (
            StatusCode::NOT_FOUND,
            "this relay runs without the lab (--no-lab)\n",
        )
            .into_response();
    };
    let requester =
        crate::client_ip::client_ip(peer.addr.ip(), &headers, &state.config.trusted_proxies);
    Json(CaptureList {
        captures: log.matching(&marker, Some(requester)),
    })
    .into_response()
}
