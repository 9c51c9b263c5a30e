//! The second door: WebTransport over HTTP/3 (QUIC) on a UDP port.
//!
//! A page opens a session to `https://HOST:PORT/wt/<target>`; the request
//! passes the same checks as a WebSocket upgrade (`crate::admission`, the
//! host names, the caps). In a session to a TCP or Unix target each
//! bidirectional stream the page opens is one connection to the target
//! (`stream.rs`); in a session to a UDP target each datagram is one UDP
//! datagram (`datagram.rs`). The certificate is in `cert.rs`, the accept
//! loop in `endpoint.rs`, a session's life in `session.rs`.
//!
//! Memory is bounded by QUIC flow control: a session buffers at most
//! [`SESSION_RECEIVE_WINDOW_BYTES`] from the page (each stream at most
//! [`STREAM_RECEIVE_WINDOW_BYTES`]), at most [`SEND_WINDOW_BYTES`] towards
//! it, and holds at most [`MAX_STREAMS_PER_SESSION`] streams, so as many
//! service connections. The door's one UDP socket gets wide kernel buffers
//! (`socket.rs`), since every session's packets share it.

mod cert;
mod datagram;
mod endpoint;
mod session;
mod socket;
mod stream;

use std::time::Duration;

use wtransport::quinn::{IdleTimeout, TransportConfig, VarInt};

pub use cert::{DoorCerts, RENEW_EVERY, SELF_SIGNED_BACKDATE, SELF_SIGNED_VALIDITY};
pub use endpoint::{serve, WebTransportDoor};

/// Where the WebTransport door listens unless told otherwise (UDP).
pub const DEFAULT_WEBTRANSPORT_LISTEN: &str = "127.0.0.1:4433";

/// Bidirectional streams a page may hold open in one session; QUIC makes
/// it wait for one to end before it can open another.
pub const MAX_STREAMS_PER_SESSION: u32 = 16;

/// Unidirectional streams a page may hold open: HTTP/3 needs three (its
/// control stream and QPACK's two); the relay reads no others.
pub const MAX_UNI_STREAMS_PER_SESSION: u32 = 8;

/// Bytes one stream may have in flight from the page, unread by the relay.
pub const STREAM_RECEIVE_WINDOW_BYTES: u32 = 256 << 10;

/// Bytes all of a session's streams together may have in flight from the page.
pub const SESSION_RECEIVE_WINDOW_BYTES: u32 = 1 << 20;

/// Bytes the relay keeps unacknowledged towards the page, per session.
pub const SEND_WINDOW_BYTES: u64 = 1 << 20;

/// Datagrams from the page waiting to be sent on, per session (more are dropped).
pub const DATAGRAM_RECEIVE_BUFFER_BYTES: usize = 64 << 10;

/// Datagrams towards the page waiting for the network, per session (the
/// oldest are dropped when full).
pub const DATAGRAM_SEND_BUFFER_BYTES: usize = 64 << 10;

/// The longest gap between the relay's QUIC PINGs: browsers time out an
/// idle QUIC connection after about 30 s of their own.
pub const MAX_PING_INTERVAL: Duration = Duration::from_secs(10);

/// QUIC settings of every session: the bounds above, a PING every
/// `keepalive` (at most [`MAX_PING_INTERVAL`]), and a peer that answers
/// nothing for twice `keepalive` is gone.
pub fn transport_config(keepalive: Duration) -> TransportConfig {
    let mut transport = TransportConfig::default();
    transport
        // The session's own CONNECT request is a bidirectional stream too.
        .max_concurrent_bidi_streams(VarInt::from_u32(MAX_STREAMS_PER_SESSION + 1))
        .max_concurrent_uni_streams(VarInt::from_u32(MAX_UNI_STREAMS_PER_SESSION))
        .stream_receive_window(VarInt::from_u32(STREAM_RECEIVE_WINDOW_BYTES))
        .receive_window(VarInt::from_u32(SESSION_RECEIVE_WINDOW_BYTES))
        .send_window(SEND_WINDOW_BYTES)
        .datagram_receive_buffer_size(Some(DATAGRAM_RECEIVE_BUFFER_BYTES))
        .datagram_send_buffer_size(DATAGRAM_SEND_BUFFER_BYTES)
        .keep_alive_interval(Some(keepalive.min(MAX_PING_INTERVAL)))
        .max_idle_timeout(IdleTimeout::try_from(keepalive * 2).ok());
    transport
}
