//! `/ws-echo` (only with `--ws-echo`): a WebSocket endpoint that echoes every
//! message itself, text as text and binary as binary. It exists to test the
//! relay's WebSocket layer on its own, e.g. with the Autobahn TestSuite
//! (`cargo xtask conformance`), apart from the byte bridge.

use std::sync::Arc;

use axum::{
    extract::{ws::Message, State, WebSocketUpgrade},
    response::Response,
};

use crate::{session::apply_ws_limits, state::AppState};

/// Largest message the echo endpoint takes: Autobahn's section 9 sends 16 MiB.
pub const ECHO_MAX_MESSAGE_BYTES: usize = 64 << 20;

/// Upgrades and echoes until the client closes.
pub async fn open_echo(State(state): State<Arc<AppState>>, upgrade: WebSocketUpgrade) -> Response {
    apply_ws_limits(upgrade, ECHO_MAX_MESSAGE_BYTES, ECHO_MAX_MESSAGE_BYTES).on_upgrade(
        move |mut socket| {
            let sessions = state.sessions.clone();
            sessions.track_future(async move {
                while let Some(Ok(message)) = socket.recv().await {
                    let reply = match message {
                        Message::Text(_) | Message::Binary(_) => message,
                        // Pongs to pings are automatic; a close ends the loop.
                        Message::Ping(_) | Message::Pong(_) | Message::Close(_) => continue,
                    };
                    if socket.send(reply).await.is_err() {
                        break;
                    }
                }
            })
        },
    )
}
