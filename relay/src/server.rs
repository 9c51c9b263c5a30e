//! The HTTP side: routes, the WebSocket upgrade, and one task per session.

use std::{
    collections::HashMap,
    sync::{atomic::Ordering, Arc},
    time::{Duration, Instant},
};

use axum::{
    extract::{
        ws::{rejection::WebSocketUpgradeRejection, Message, WebSocket},
        ConnectInfo, Path, Query, State, WebSocketUpgrade,
    },
    http::{HeaderMap, StatusCode},
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
    origin::OriginCheck,
    tap::{Peer, TapHub, TapSink, TappedListener},
    targets::Target,
    upstream::connect_upstream,
};
use protocol::{
    api::is_valid_marker,
    tap::{TapEvent, TapHello, TAP_PATH, TAP_QUERY},
    CaptureList, CloseCode, LAB_PATH, TARGETS_PATH,
};

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
    /// Open wire taps.
    pub taps: TapHub,
}

impl AppState {
    /// State for a relay with this configuration.
    pub fn new(config: Config, shutdown: CancellationToken) -> Self {
        Self {
            taps: TapHub::new(!config.no_tap),
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
        .route(TAP_PATH, get(open_tap))
        .route(LAB_PATH, get(lab_info))
        .route("/api/recorder/{marker}", get(recorder_captures))
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
    let listener = TappedListener::new(listener, !state.config.no_tap);
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
    Json(state.config.targets.to_api())
}

/// Refuses (403) a handshake from a page of another origin.
fn refuse_origin(state: &AppState, headers: &HeaderMap, peer: &Peer) -> Option<Response> {
    let check = state.config.origins.check(headers);
    if let OriginCheck::Refused(origin) = &check {
        tracing::info!(?peer, %origin, "origin refused");
        let body = format!("origin {origin} may not use this relay; start it with --allow-origin {origin} to allow it\n");
        return Some((StatusCode::FORBIDDEN, body).into_response());
    }
    tracing::debug!(?peer, ?check, "origin allowed");
    None
}

async fn lab_info(State(state): State<Arc<AppState>>) -> impl IntoResponse {
    Json(state.config.lab.clone())
}

/// What the recorder received in connections that carried `marker`.
async fn recorder_captures(
    State(state): State<Arc<AppState>>,
    Path(marker): Path<String>,
) -> Response {
    if !is_valid_marker(&marker) {
        return (
            StatusCode::BAD_REQUEST,
            "a marker is 8-64 characters of A-Z a-z 0-9 - _\n",
        )
            .into_response();
    }
    let Some(log) = &state.config.recorder_log else {
        return (
            StatusCode::NOT_FOUND,
            "this relay runs without the lab (--no-lab)\n",
        )
            .into_response();
    };
    Json(CaptureList {
        captures: log.matching(&marker),
    })
    .into_response()
}

async fn open_session(
    State(state): State<Arc<AppState>>,
    Path(name): Path<String>,
    ConnectInfo(peer): ConnectInfo<Peer>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
    upgrade: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> Response {
    if let Some(refused) = refuse_origin(&state, &headers, &peer) {
        return refused;
    }
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
    // A session opened with `?tap=<id>` is recorded onto that tap, from the
    // upgrade request on; any other connection stops keeping its bytes.
    let tap = query.get(TAP_QUERY).and_then(|id| state.taps.sink(id));
    match &tap {
        Some(sink) => peer.recorder.attach(sink.clone()),
        None => peer.recorder.disable(),
    }
    let peer = peer.addr;
    let limits = &state.config.limits;
    upgrade
        .max_message_size(limits.max_message_bytes)
        .max_frame_size(limits.max_message_bytes)
        .on_failed_upgrade(move |err| tracing::info!(?peer, %err, "websocket upgrade failed"))
        .on_upgrade(move |socket| {
            let span = tracing::info_span!("session", ?peer, target = %target.name);
            let sessions = state.sessions.clone();
            sessions.track_future(run_session(socket, target, tap, state).instrument(span))
        })
}

/// One session: connect upstream, then bridge until either side ends.
async fn run_session(
    mut socket: WebSocket,
    target: Target,
    tap: Option<TapSink>,
    state: Arc<AppState>,
) {
    let limits = &state.config.limits;
    let tap_event = |event: TapEvent| {
        if let Some(tap) = &tap {
            tap.event(&event);
        }
    };
    tap_event(TapEvent::Opened {
        target: target.name.clone(),
    });
    let started = Instant::now();
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
            tap_event(TapEvent::Closed {
                reason: err.to_string(),
            });
            return;
        }
    };
    tap_event(TapEvent::UpstreamConnected {
        connect_us: started.elapsed().as_micros() as u64,
    });
    tracing::info!("session open");
    let (tcp_read, tcp_write) = tcp.into_split();
    let options = BridgeOptions {
        read_chunk_bytes: limits.read_chunk_bytes,
        close_grace: limits.close_grace,
        upstream_label: format!("upstream {}", target.address),
        tap: tap.clone(),
        keepalive: limits.keepalive,
        idle_timeout: limits.idle_timeout,
    };
    let report = bridge(socket, tcp_read, tcp_write, &options, &state.shutdown).await;
    tap_event(TapEvent::Closed {
        reason: report.end.to_string(),
    });
    match &report.end {
        BridgeEnd::UpstreamFailed(err) | BridgeEnd::BrowserFailed(err) => {
            tracing::info!(end = ?report.end, bytes_up = report.bytes_up, bytes_down = report.bytes_down, %err, "session failed");
        }
        _ => {
            tracing::info!(end = ?report.end, bytes_up = report.bytes_up, bytes_down = report.bytes_down, "session closed");
        }
    }
}

/// `/tap`: a WebSocket on which the relay streams the raw bytes of the
/// sessions this page opens with `?tap=<id>`.
async fn open_tap(
    State(state): State<Arc<AppState>>,
    ConnectInfo(peer): ConnectInfo<Peer>,
    headers: HeaderMap,
    upgrade: WebSocketUpgrade,
) -> Response {
    peer.recorder.disable(); // never tap the tap itself
    if let Some(refused) = refuse_origin(&state, &headers, &peer) {
        return refused;
    }
    let Some(tap) = state.taps.open() else {
        let why = if state.taps.enabled() {
            "too many taps are open; try again later\n"
        } else {
            "this relay runs with wire taps turned off (--no-tap)\n"
        };
        return (StatusCode::SERVICE_UNAVAILABLE, why).into_response();
    };
    upgrade.on_upgrade(move |socket| {
        let span = tracing::info_span!("tap", peer = ?peer.addr);
        let sessions = state.sessions.clone();
        sessions.track_future(run_tap(socket, tap, state).instrument(span))
    })
}

async fn run_tap(mut socket: WebSocket, mut tap: crate::tap::OpenTap, state: Arc<AppState>) {
    let hello = serde_json::to_string(&TapHello {
        tap: tap.id.clone(),
    })
    .expect("a string field serialises");
    let mut reported_drops = 0;
    if socket.send(Message::Text(hello.into())).await.is_ok() {
        loop {
            tokio::select! {
                record = tap.records.recv() => {
                    let Some(record) = record else { break };
                    if socket.send(Message::Binary(record)).await.is_err() {
                        break;
                    }
                    let dropped = tap.dropped.load(Ordering::Relaxed);
                    if dropped > reported_drops && tap.records.is_empty() {
                        reported_drops = dropped;
                        let note = serde_json::to_string(&TapEvent::Dropped { records: dropped }).expect("serialisable");
                        if socket.send(Message::Text(note.into())).await.is_err() {
                            break;
                        }
                    }
                }
                incoming = socket.recv() => match incoming {
                    Some(Ok(Message::Close(_))) | None | Some(Err(_)) => break,
                    Some(Ok(_)) => {}
                },
                () = state.shutdown.cancelled() => {
                    send_close(&mut socket, CloseCode::GOING_AWAY, "relay is shutting down").await;
                    break;
                }
            }
        }
    }
    state.taps.close(&tap.id);
}
