//! `/tap`: the WebSocket on which the relay streams, to the page that opened
//! it, the raw bytes of that page's tapped sessions (see `crate::tap`).

use std::{sync::Arc, time::Duration};

use axum::{
    extract::{
        ws::{rejection::WebSocketUpgradeRejection, Message, WebSocket},
        ConnectInfo, State, WebSocketUpgrade,
    },
    http::HeaderMap,
    response::Response,
    Extension,
};
use tokio::time::Instant;
use tracing::Instrument;

use crate::{
    bridge::send_close, client_ip::client_ip, hosts::Authority, listener::Peer, refusal::Refusal,
    session::apply_ws_limits, state::AppState, tap::OpenTap,
};
use protocol::{
    tap::{TapEvent, TapHello},
    CloseCode,
};

/// `/tap`: a WebSocket on which the relay streams the raw bytes of the
/// sessions this page opens with `?tap=<id>`.
pub async fn open_tap(
    State(state): State<Arc<AppState>>,
    ConnectInfo(peer): ConnectInfo<Peer>,
    Extension(host): Extension<Authority>,
    headers: HeaderMap,
    upgrade: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> Response {
    peer.conn.tap.disable(); // never tap the tap itself
    open(&state, &peer, &host, &headers, upgrade)
        .unwrap_or_else(|refusal| refusal.answer(&peer, &state.metrics))
}

fn open(
    state: &Arc<AppState>,
    peer: &Peer,
    host: &Authority,
    headers: &HeaderMap,
    upgrade: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> Result<Response, Refusal> {
    let live = state.live();
    live.origins.admit(headers, host)?;
    let upgrade = upgrade.map_err(Refusal::from_upgrade)?;
    let client = client_ip(peer.addr.ip(), headers, &state.config.trusted_proxies);
    let tap = state.taps.open(client)?;
    peer.conn.upgraded();
    let peer = peer.addr;
    let state = state.clone();
    // The tap sends one record at a time: its write buffer holds at most the
    // largest (a read chunk and its header); it reads nothing but a close.
    let largest_record = live.limits.read_chunk_bytes + 64;
    let upgrade = apply_ws_limits(upgrade, largest_record, 4 << 10);
    Ok(upgrade.on_upgrade(move |socket| {
        let span = tracing::info_span!("tap", ?peer);
        let sessions = state.sessions.clone();
        sessions.track_future(run_tap(socket, tap, state).instrument(span))
    }))
}

/// How long a tap keeps forwarding after its last record once the relay
/// shuts down.
const TAP_DRAIN_QUIET: Duration = Duration::from_millis(250);

async fn run_tap(mut socket: WebSocket, mut tap: OpenTap, state: Arc<AppState>) {
    let hello = serde_json::to_string(&TapHello {
        tap: tap.id.clone(),
    })
    .expect("a string field serialises");
    let mut reported_drops = 0;
    if socket.send(Message::Text(hello.into())).await.is_ok() {
        loop {
            tokio::select! {
                record = tap.recv() => {
                    let Some(record) = record else { break };
                    if socket.send(Message::Binary(record)).await.is_err() {
                        break;
                    }
                    let dropped = tap.dropped();
                    if dropped > reported_drops && tap.is_empty() {
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
                    drain_at_shutdown(&mut socket, &mut tap, state.config.limits.close_grace).await;
                    send_close(&mut socket, CloseCode::GOING_AWAY, crate::bridge::SHUTDOWN_REASON).await;
                    break;
                }
            }
        }
    }
    state.taps.close(&tap.id);
}

/// At shutdown the tap's sessions are ending and recording how: pass that
/// on until they fall quiet for [`TAP_DRAIN_QUIET`], for at most `limit`.
async fn drain_at_shutdown(socket: &mut WebSocket, tap: &mut OpenTap, limit: Duration) {
    let until = Instant::now() + limit;
    loop {
        let quiet = until.min(Instant::now() + TAP_DRAIN_QUIET);
        match tokio::time::timeout_at(quiet, tap.recv()).await {
            Ok(Some(record)) => {
                if socket.send(Message::Binary(record)).await.is_err() {
                    return;
                }
            }
            Ok(None) | Err(_) => return,
        }
    }
}
