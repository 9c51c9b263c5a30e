//! A session to a UDP target: each WebTransport datagram from the page is
//! one UDP datagram to the target, each datagram from the target one
//! WebTransport datagram back. A datagram from the target larger than the
//! session can carry (`Connection::max_datagram_size`, about 1,200 bytes
//! on most paths: QUIC datagrams are never fragmented) is dropped and
//! counted in `relay_webtransport_datagrams_dropped_total{reason="too_large"}`.

use std::time::Duration;

use wtransport::{error::SendDatagramError, Connection};

use super::session::Activity;
use crate::{
    bridge::{
        datagram::{DatagramRead, DatagramWrite},
        service::{ServiceRead, ServiceWrite},
    },
    metrics::Metrics,
};

/// Why a datagram session ended.
pub(super) enum DatagramEnd {
    /// The page's connection ended.
    PageGone(String),
    /// The UDP socket failed.
    UpstreamFailed(String),
}

/// Carries datagrams both ways until the page goes or the socket fails.
pub(super) async fn bridge_datagrams(
    connection: &Connection,
    mut read: DatagramRead,
    mut write: DatagramWrite,
    target: &str,
    stall: Duration,
    activity: &Activity,
    metrics: &Metrics,
) -> DatagramEnd {
    let up = async {
        loop {
            let datagram = match connection.receive_datagram().await {
                Ok(datagram) => datagram,
                Err(err) => return DatagramEnd::PageGone(err.to_string()),
            };
            let payload = datagram.payload();
            if let Err(err) = write.send(&payload, stall).await {
                return DatagramEnd::UpstreamFailed(err.to_string());
            }
            metrics.webtransport_datagram(target, "up", payload.len());
            activity.data();
        }
    };
    let down = async {
        loop {
            let data = match read.next_bytes(0).await {
                Ok(Some(data)) => data,
                Ok(None) => continue,
                Err(err) => return DatagramEnd::UpstreamFailed(err.to_string()),
            };
            activity.data();
            let limit = connection.max_datagram_size().unwrap_or(0);
            if data.len() > limit {
                metrics.webtransport_datagram_dropped("too_large");
                tracing::debug!(
                    len = data.len(),
                    limit,
                    "dropped a datagram too large for the session"
                );
                continue;
            }
            match connection.send_datagram(&data) {
                Ok(()) => metrics.webtransport_datagram(target, "down", data.len()),
                Err(SendDatagramError::TooLarge) => {
                    metrics.webtransport_datagram_dropped("too_large");
                }
                Err(SendDatagramError::UnsupportedByPeer) => {
                    metrics.webtransport_datagram_dropped("unsupported_by_page");
                }
                Err(SendDatagramError::NotConnected) => {
                    return DatagramEnd::PageGone("the connection is gone".into());
                }
            }
        }
    };
    tokio::select! {
        end = up => end,
        end = down => end,
    }
}
