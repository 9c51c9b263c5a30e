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
    http::HeaderMap,
    response::Response,
    Extension,
};
use tracing::Instrument;

use crate::{
    admission::{admit, Admitted, SessionAsk},
    auth::read_offer,
    bridge::{
        bridge,
        datagram::Datagrams,
        send_close,
        service::{StreamRead, StreamWrite},
        BridgeEnd, BridgeOptions, SHUTDOWN_REASON,
    },
    caps::SessionPermit,
    client_ip::client_ip,
    config::Limits,
    hosts::Authority,
    listener::Peer,
    refusal::Refusal,
    state::AppState,
    tap::TapSink,
    targets::Target,
    upstream::{connect_upstream, Upstream},
};
use protocol::{
    tap::{TapEvent, TAP_QUERY},
    CloseCode,
};

/// Read buffer of each session's WebSocket. tungstenite zero-fills it before
/// every read, so all of it is resident in every session. Large messages no
/// longer pay for its size in reads: the connection reads ahead while data
/// streams in (`connection::RelayStream`).
pub const SESSION_READ_BUFFER_BYTES: usize = 2 << 10;

/// Room in a WebSocket's write buffer beyond its largest message: a close
/// frame, a pong. A client that takes nothing cannot make it grow further
/// (see [`apply_ws_limits`]).
pub const WRITE_BUFFER_SLACK_BYTES: usize = 4 << 10;

/// The memory limits every WebSocket the relay upgrades gets: frames are
/// written as soon as they are queued, and the write buffer never holds
/// more than one message of `largest_out` bytes plus a little (tungstenite's
/// own buffer is unbounded by default: a client that sends pings and reads
/// nothing would make it queue every pong). Incoming messages and frames are
/// capped at `max_in`.
pub fn apply_ws_limits(
    upgrade: WebSocketUpgrade,
    largest_out: usize,
    max_in: usize,
) -> WebSocketUpgrade {
    upgrade
        // tungstenite's default 128 KiB read buffer per session would be most
        // of a session's memory; 4 KiB measured 10x less RSS per session with
        // no loss of throughput, 2 KiB another 2 KiB less (bench/PROFILE.md).
        .read_buffer_size(SESSION_READ_BUFFER_BYTES)
        .write_buffer_size(0)
        .max_write_buffer_size(largest_out + WRITE_BUFFER_SLACK_BYTES)
        .max_message_size(max_in)
        .max_frame_size(max_in)
}

/// `GET /ws/<name>`: checks a session request and upgrades it.
pub async fn open_session(
    State(state): State<Arc<AppState>>,
    Path(name): Path<String>,
    ConnectInfo(peer): ConnectInfo<Peer>,
    Extension(host): Extension<Authority>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
    upgrade: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> Response {
    let request = SessionRequest {
        name,
        host,
        query,
        headers,
    };
    open_or_refuse(&state, &peer, request, upgrade)
}

/// `GET /websockify?token=<name>`: the same, addressed the way websockify's
/// token plugin does it.
pub async fn open_websockify_session(
    State(state): State<Arc<AppState>>,
    ConnectInfo(peer): ConnectInfo<Peer>,
    Extension(host): Extension<Authority>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
    upgrade: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> Response {
    let request = SessionRequest {
        name: query.get("token").cloned().unwrap_or_default(),
        host,
        query,
        headers,
    };
    open_or_refuse(&state, &peer, request, upgrade)
}

/// What a session request asked for.
struct SessionRequest {
    /// The target's name.
    name: String,
    /// The relay's name the request used.
    host: Authority,
    query: HashMap<String, String>,
    headers: HeaderMap,
}

/// [`open`], or its refusal; a refused request that names a tap (`?tap=`)
/// tells that tap why (see [`crate::tap::TapHub::report`]).
fn open_or_refuse(
    state: &Arc<AppState>,
    peer: &Peer,
    request: SessionRequest,
    upgrade: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> Response {
    let tap = request.query.get(TAP_QUERY).cloned();
    let client = client_ip(
        peer.addr.ip(),
        &request.headers,
        &state.config.trusted_proxies,
    );
    let origin = request.headers.get(axum::http::header::ORIGIN).cloned();
    open(state, peer, request, upgrade).unwrap_or_else(|refusal| {
        if let Some(tap) = tap {
            let origin = origin
                .as_ref()
                .map(|o| String::from_utf8_lossy(o.as_bytes()));
            state
                .taps
                .report(&tap, client, &refusal.tap_event(origin.as_deref()));
        }
        refusal.answer(peer, &state.metrics)
    })
}

fn open(
    state: &Arc<AppState>,
    peer: &Peer,
    request: SessionRequest,
    upgrade: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> Result<Response, Refusal> {
    let SessionRequest {
        name,
        host,
        query,
        headers,
    } = request;
    // One view of the live settings for the whole session: a reload while
    // it runs changes nothing for it (see `crate::live`).
    let live = state.live();
    let offer = read_offer(&query, &headers);
    let origin = headers
        .get(axum::http::header::ORIGIN)
        .map(|origin| origin.to_str().unwrap_or(""));
    let Admitted { target, origin } = admit(
        &live,
        &SessionAsk {
            pages: std::slice::from_ref(&host),
            origin,
            name: &name,
            token: offer.token.as_deref(),
        },
    )?;
    tracing::debug!(?peer, check = ?origin, "origin allowed");
    let upgrade = upgrade.map_err(Refusal::from_upgrade)?;
    let client = client_ip(peer.addr.ip(), &headers, &state.config.trusted_proxies);
    let permit = state.caps.acquire(client).map_err(Refusal::Cap)?;
    state.metrics.session_opened();
    // A session opened with `?tap=<id>` is recorded onto that tap, from the
    // upgrade request on; any other connection stops keeping its bytes.
    let tap = query.get(TAP_QUERY).and_then(|id| state.taps.sink(id));
    match &tap {
        Some(sink) => peer.conn.tap.attach(sink.clone()),
        None => peer.conn.tap.disable(),
    }
    peer.conn.upgraded();
    let limits = live.limits.clone();
    let upgrade = match offer.subprotocol {
        Some(protocol) => upgrade.protocols([protocol]),
        None => upgrade,
    };
    let who = Who {
        peer: peer.addr,
        client,
        // The page's origin, for the session's log lines (`-` for non-browsers).
        origin: headers
            .get(axum::http::header::ORIGIN)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("-")
            .to_owned(),
    };
    let peer = peer.addr;
    let state = state.clone();
    let response = apply_ws_limits(upgrade, limits.read_chunk_bytes, limits.max_message_bytes)
        .on_failed_upgrade(move |err| tracing::info!(?peer, %err, "websocket upgrade failed"))
        .on_upgrade(move |socket| {
            // A debug span: at the default level its cost (formatting its
            // fields, entering it on every poll) bought nothing but context for
            // the one line a session logs, which carries the same fields
            // itself (bench/PROFILE.md).
            let span = tracing::debug_span!("session", %who.peer, %who.client, target = %target.name, %who.origin);
            let sessions = state.sessions.clone();
            let session = run_session(socket, target, limits, who, tap, state, permit);
            sessions.track_future(session.instrument(span))
        });
    Ok(response)
}

/// Who a session is with, for its log lines.
struct Who {
    peer: SocketAddr,
    /// The visitor's address (behind a trusted proxy, not the proxy's).
    client: IpAddr,
    /// The page's origin, `-` for non-browsers.
    origin: String,
}

/// How a session ended, as its one log line, its metrics and its tap's
/// `Closed` event say it.
struct Ending<'a> {
    label: &'static str,
    code: Option<u16>,
    bytes_up: u64,
    bytes_down: u64,
    /// What went wrong, for the log (it may name the service's address).
    error: Option<&'a str>,
    /// What the page's tap reads (never an address).
    reason: String,
}

/// One session: connect upstream, then bridge until either side ends.
async fn run_session(
    mut socket: WebSocket,
    target: Target,
    limits: Limits,
    who: Who,
    tap: Option<TapSink>,
    state: Arc<AppState>,
    _permit: SessionPermit,
) {
    let tap_event = |event: TapEvent| {
        if let Some(tap) = &tap {
            tap.event(&event);
        }
    };
    // Everything that ends a session goes through here.
    let end = |ending: Ending<'_>| {
        tap_event(TapEvent::Closed {
            reason: ending.reason.clone(),
        });
        state.metrics.session_ended(
            &target.name,
            ending.label,
            ending.code,
            ending.bytes_up,
            ending.bytes_down,
        );
        let code = ending.code.unwrap_or(1006);
        let error = ending.error.unwrap_or("-");
        tracing::info!(peer = %who.peer, client = %who.client, target = %target.name, address = %target.address, origin = %who.origin, end = ending.label, code, bytes_up = ending.bytes_up, bytes_down = ending.bytes_down, %error, "session closed");
    };
    tap_event(TapEvent::Opened {
        target: target.name.clone(),
    });
    let started = Instant::now();
    // The visitor's port is known when the connection is theirs (or a PROXY
    // header named it); behind an HTTP proxy only their address is. The
    // client address is canonical (an IPv4 visitor on a `[::]` listener is
    // 1.2.3.4, not ::ffff:1.2.3.4), so the peer's must be too.
    let visitor = SocketAddr::new(
        who.client,
        if who.client == who.peer.ip().to_canonical() {
            who.peer.port()
        } else {
            0
        },
    );
    let preamble = target
        .send_proxy
        .map(|version| version.header(visitor, state.listen));
    let upstream = tokio::select! {
        result = connect_upstream(&target.address, limits.connect_timeout, preamble.as_deref()) => result,
        () = state.shutdown.cancelled() => {
            send_close(&mut socket, CloseCode::GOING_AWAY, SHUTDOWN_REASON).await;
            end(Ending {
                label: "shutdown",
                code: Some(CloseCode::GOING_AWAY.0),
                bytes_up: 0,
                bytes_down: 0,
                error: None,
                reason: BridgeEnd::Shutdown.to_string(),
            });
            return;
        }
    };
    let upstream = match upstream {
        Ok(upstream) => upstream,
        Err(err) => {
            // The page reads the target's name, the log its address too.
            let reason = format!("target {}: {err}", target.name);
            send_close(&mut socket, CloseCode::UPSTREAM_ERROR, &reason).await;
            end(Ending {
                label: "connect_failed",
                code: Some(CloseCode::UPSTREAM_ERROR.0),
                bytes_up: 0,
                bytes_down: 0,
                error: Some(&err.to_string()),
                reason,
            });
            return;
        }
    };
    state.metrics.upstream_connected(started.elapsed());
    tap_event(TapEvent::UpstreamConnected {
        connect_us: started.elapsed().as_micros() as u64,
    });
    tracing::debug!("session open");
    let options = BridgeOptions {
        read_chunk_bytes: limits.read_chunk_bytes,
        close_grace: limits.close_grace,
        upstream_label: format!("target {}", target.name),
        tap: tap.clone(),
        keepalive: limits.keepalive,
        idle_timeout: limits.idle_timeout,
        upstream_stall: limits.upstream_stall,
    };
    let shutdown = &state.shutdown;
    let report = match upstream {
        Upstream::Tcp(stream) => {
            bridge_stream(socket, stream.into_split(), &options, shutdown).await
        }
        Upstream::Unix(stream) => {
            bridge_stream(socket, stream.into_split(), &options, shutdown).await
        }
        Upstream::Udp(udp, to) => {
            let (read, write) = Datagrams::new(udp, to, state.metrics.foreign_datagrams()).split();
            bridge(socket, read, write, &options, shutdown).await
        }
    };
    let error = match &report.end {
        BridgeEnd::UpstreamFailed(err) | BridgeEnd::BrowserFailed(err) => Some(err.as_str()),
        _ => None,
    };
    end(Ending {
        label: report.end.label(),
        code: report.close_code,
        bytes_up: report.bytes_up,
        bytes_down: report.bytes_down,
        error,
        reason: report.end.to_string(),
    });
}

/// [`bridge`] to a byte stream's read and write halves.
async fn bridge_stream<R, W>(
    socket: WebSocket,
    (read, write): (R, W),
    options: &BridgeOptions,
    shutdown: &tokio_util::sync::CancellationToken,
) -> crate::bridge::BridgeReport
where
    R: tokio::io::AsyncRead + Unpin,
    W: tokio::io::AsyncWrite + Unpin,
{
    bridge(
        socket,
        StreamRead::new(read),
        StreamWrite(write),
        options,
        shutdown,
    )
    .await
}
