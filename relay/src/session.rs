//! `GET /ws/<name>`: the checks before the upgrade (origin, target, caps,
//! tap), then one task per session that connects upstream and bridges.

use std::{
    collections::HashMap,
    net::{IpAddr, SocketAddr},
    sync::Arc,
    time::Instant,
};

use axum::{
    extract::{
        ws::{rejection::WebSocketUpgradeRejection, WebSocket},
        ConnectInfo, Path, Query, State, WebSocketUpgrade,
    },
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
};
use tracing::Instrument;

use crate::{
    auth::{read_offer, token_matches},
    bridge::{bridge, send_close, BridgeEnd, BridgeOptions},
    caps::{CapError, SessionPermit},
    client_ip::client_ip,
    conn::Peer,
    origin::OriginCheck,
    server::AppState,
    tap::TapSink,
    targets::Target,
    upstream::connect_upstream,
};
use protocol::{
    api::{AUTH_QUERY, AUTH_SUBPROTOCOL_PREFIX},
    tap::{TapEvent, TAP_QUERY},
    CloseCode, TARGETS_PATH,
};

/// Refuses (403) a handshake from a page of another origin.
pub fn refuse_origin(state: &AppState, headers: &HeaderMap, peer: &Peer) -> Option<Response> {
    let check = state.config.origins.check(headers);
    if let OriginCheck::Refused(origin) = &check {
        tracing::info!(?peer, %origin, "origin refused");
        state.metrics.refused("origin");
        let body = format!("origin {origin} may not use this relay; start it with --allow-origin {origin} to allow it\n");
        return Some((StatusCode::FORBIDDEN, body).into_response());
    }
    tracing::debug!(?peer, ?check, "origin allowed");
    None
}

/// Read buffer of each session's WebSocket.
pub const SESSION_READ_BUFFER_BYTES: usize = 4 << 10;

/// `GET /ws/<name>`: checks a session request and upgrades it.
pub async fn open_session(
    State(state): State<Arc<AppState>>,
    Path(name): Path<String>,
    ConnectInfo(peer): ConnectInfo<Peer>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
    upgrade: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> Response {
    open(state, name, peer, query, headers, upgrade)
}

/// `GET /websockify?token=<name>`: the same, addressed the way websockify's
/// token plugin does it.
pub async fn open_websockify_session(
    State(state): State<Arc<AppState>>,
    ConnectInfo(peer): ConnectInfo<Peer>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
    upgrade: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> Response {
    let name = query.get("token").cloned().unwrap_or_default();
    open(state, name, peer, query, headers, upgrade)
}

fn open(
    state: Arc<AppState>,
    name: String,
    peer: Peer,
    query: HashMap<String, String>,
    headers: HeaderMap,
    upgrade: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> Response {
    if let Some(refused) = refuse_origin(&state, &headers, &peer) {
        return refused;
    }
    // The name is only ever looked up, never parsed as an address.
    let Some(target) = state.config.targets.get(&name).cloned() else {
        tracing::info!(?peer, target = %name, "unknown target");
        state.metrics.refused("unknown_target");
        return (
            StatusCode::NOT_FOUND,
            format!("no target named {name:?}; GET {TARGETS_PATH} lists the targets\n"),
        )
            .into_response();
    };
    let offer = read_offer(&query, &headers);
    if let Some(expected) = &target.token {
        if !token_matches(expected, offer.token.as_deref()) {
            tracing::info!(?peer, target = %target.name, "missing or wrong token");
            state.metrics.refused("auth");
            let body = format!(
                "target {:?} needs a token: add ?{AUTH_QUERY}=TOKEN to the URL or offer the subprotocol {AUTH_SUBPROTOCOL_PREFIX}TOKEN\n",
                target.name
            );
            return (StatusCode::UNAUTHORIZED, body).into_response();
        }
    }
    let upgrade = match upgrade {
        Ok(upgrade) => upgrade,
        Err(rejection) => {
            state.metrics.refused("not_websocket");
            return rejection.into_response();
        }
    };
    let client = client_ip(peer.addr.ip(), &headers, &state.config.trusted_proxies);
    let permit = match state.caps.acquire(client) {
        Ok(permit) => permit,
        Err(err) => {
            let (status, reason) = match err {
                CapError::Total(_) => (StatusCode::SERVICE_UNAVAILABLE, "session_limit"),
                CapError::PerIp(_) => (StatusCode::TOO_MANY_REQUESTS, "per_ip_limit"),
            };
            tracing::warn!(?peer, %client, %err, "session refused");
            state.metrics.refused(reason);
            return (status, format!("{err}\n")).into_response();
        }
    };
    state.metrics.session_opened();
    // A session opened with `?tap=<id>` is recorded onto that tap, from the
    // upgrade request on; any other connection stops keeping its bytes.
    let tap = query.get(TAP_QUERY).and_then(|id| state.taps.sink(id));
    match &tap {
        Some(sink) => peer.conn.recorder.attach(sink.clone()),
        None => peer.conn.recorder.disable(),
    }
    peer.conn.upgraded();
    let peer = peer.addr;
    let limits = &state.config.limits;
    let upgrade = match offer.subprotocol {
        Some(protocol) => upgrade.protocols([protocol]),
        None => upgrade,
    };
    // The page's origin, for the session's log lines (`-` for non-browsers).
    let origin = headers
        .get(axum::http::header::ORIGIN)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("-")
        .to_owned();
    upgrade
        // tungstenite's default 128 KiB read buffer per session would be most
        // of a session's memory; 4 KiB measured 10x less RSS per session with
        // no loss of throughput (bench/results).
        .read_buffer_size(SESSION_READ_BUFFER_BYTES)
        .max_message_size(limits.max_message_bytes)
        .max_frame_size(limits.max_message_bytes)
        .on_failed_upgrade(move |err| tracing::info!(?peer, %err, "websocket upgrade failed"))
        .on_upgrade(move |socket| {
            // A debug span: at the default level its cost (formatting its
            // fields, entering it on every poll) bought nothing but context for
            // the one line a session logs, which carries the same fields
            // itself (bench/PROFILE.md).
            let span =
                tracing::debug_span!("session", %peer, %client, target = %target.name, %origin);
            let who = Who {
                peer,
                client,
                origin,
            };
            let sessions = state.sessions.clone();
            let session = run_session(socket, target, who, tap, state, permit);
            sessions.track_future(session.instrument(span))
        })
}

/// Who a session is with, for its log lines.
struct Who {
    peer: SocketAddr,
    /// The visitor's address (behind a trusted proxy, not the proxy's).
    client: IpAddr,
    /// The page's origin, `-` for non-browsers.
    origin: String,
}

/// One session: connect upstream, then bridge until either side ends.
async fn run_session(
    mut socket: WebSocket,
    target: Target,
    who: Who,
    tap: Option<TapSink>,
    state: Arc<AppState>,
    _permit: SessionPermit,
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
            send_close(&mut socket, CloseCode::GOING_AWAY, crate::bridge::SHUTDOWN_REASON).await;
            state
                .metrics
                .session_ended(&target.name, "shutdown", Some(CloseCode::GOING_AWAY.0), 0, 0);
            return;
        }
    };
    let tcp = match tcp {
        Ok(tcp) => tcp,
        Err(err) => {
            tracing::info!(peer = %who.peer, client = %who.client, target = %target.name, origin = %who.origin, %err, "upstream connect failed");
            send_close(&mut socket, CloseCode::UPSTREAM_ERROR, &err.to_string()).await;
            tap_event(TapEvent::Closed {
                reason: err.to_string(),
            });
            state.metrics.session_ended(
                &target.name,
                "connect_failed",
                Some(CloseCode::UPSTREAM_ERROR.0),
                0,
                0,
            );
            return;
        }
    };
    state.metrics.upstream_connected(started.elapsed());
    tap_event(TapEvent::UpstreamConnected {
        connect_us: started.elapsed().as_micros() as u64,
    });
    tracing::debug!("session open");
    let (tcp_read, tcp_write) = tcp.into_split();
    let options = BridgeOptions {
        read_chunk_bytes: limits.read_chunk_bytes,
        close_grace: limits.close_grace,
        upstream_label: format!("upstream {}", target.address),
        tap: tap.clone(),
        keepalive: limits.keepalive,
        idle_timeout: limits.idle_timeout,
        upstream_stall: limits.upstream_stall,
    };
    let report = bridge(socket, tcp_read, tcp_write, &options, &state.shutdown).await;
    tap_event(TapEvent::Closed {
        reason: report.end.to_string(),
    });
    state.metrics.session_ended(
        &target.name,
        report.end.label(),
        report.close_code,
        report.bytes_up,
        report.bytes_down,
    );
    match &report.end {
        BridgeEnd::UpstreamFailed(err) | BridgeEnd::BrowserFailed(err) => {
            tracing::info!(peer = %who.peer, client = %who.client, target = %target.name, origin = %who.origin, end = ?report.end, code = report.close_code.unwrap_or(1006), bytes_up = report.bytes_up, bytes_down = report.bytes_down, %err, "session failed");
        }
        _ => {
            tracing::info!(peer = %who.peer, client = %who.client, target = %target.name, origin = %who.origin, end = ?report.end, code = report.close_code.unwrap_or(1006), bytes_up = report.bytes_up, bytes_down = report.bytes_down, "session closed");
        }
    }
}
