//! `/tap`: the WebSocket on which the relay streams, to the page that opened
//! it, the raw bytes of that page's tapped sessions (see `crate::tap`).

use std::sync::{atomic::Ordering, Arc};

use axum::{
    extract::{
        ws::{Message, WebSocket},
        ConnectInfo, State, WebSocketUpgrade,
    },
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
};
use tracing::Instrument;

use crate::{
    bridge::send_close, conn::Peer, server::AppState, session::refuse_origin, tap::OpenTap,
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
    headers: HeaderMap,
    upgrade: WebSocketUpgrade,
) -> Response {
    peer.conn.recorder.disable(); // never tap the tap itself
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
    peer.conn.upgraded();
    upgrade.on_upgrade(move |socket| {
        let span = tracing::info_span!("tap", peer = ?peer.addr);
        let sessions = state.sessions.clone();
        sessions.track_future(run_tap(socket, tap, state).instrument(span))
    })
}

async fn run_tap(mut socket: WebSocket, mut tap: OpenTap, state: Arc<AppState>) {
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
                    send_close(&mut socket, CloseCode::GOING_AWAY, crate::bridge::SHUTDOWN_REASON).await;
                    break;
                }
            }
        }
    }
    state.taps.close(&tap.id);
}
