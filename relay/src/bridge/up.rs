//! Browser → service: writing every message's bytes to the service (as
//! one datagram each, for UDP).

use std::sync::atomic::Ordering;

use axum::extract::ws::Message;
use futures_util::{Stream, StreamExt};
use protocol::{tap::TapSource, CloseCode};

use super::{activity::Activity, service::ServiceWrite, BridgeOptions};

pub(super) enum UpEnd {
    /// The browser ended the session; the code of its close frame, if it sent one.
    BrowserClosed(Option<u16>),
    /// The WebSocket failed; the close code to tell the browser, if any.
    BrowserFailed(String, Option<CloseCode>),
    UpstreamWrite(std::io::Error),
}

/// How browser → TCP ended, with the WebSocket's read half and the TCP
/// write half handed back: the bridge decides when they close (dropping the
/// TCP half here would send the service a FIN, and its answer could race the
/// close code the browser is owed).
pub(super) type UpResult<S, T> = (UpEnd, S, T);

/// Browser → service. Returns when the WebSocket ends or a write fails;
/// after a failed write, hands the stream back so the close reply can be read.
pub(super) async fn pump_up<S, E, T>(
    mut ws_rx: S,
    mut service_write: T,
    options: &BridgeOptions,
    activity: &Activity,
) -> UpResult<S, T>
where
    S: Stream<Item = Result<Message, E>> + Unpin,
    E: std::error::Error + 'static,
    T: ServiceWrite,
{
    let max_message = service_write.max_message_bytes();
    // The code of the browser's close frame, once it sent one.
    let mut saw_close: Option<Option<u16>> = None;
    loop {
        let next = ws_rx.next().await;
        activity.heard_from_browser();
        let data = match next {
            Some(Ok(Message::Binary(data))) => data,
            Some(Ok(Message::Text(text))) => text.into(),
            Some(Ok(Message::Close(frame))) => {
                // WebSocket close → TCP write shutdown. Keep polling: that sends
                // our close reply and ends the stream.
                // A close frame without a status code reads as 1005 (RFC 6455 §7.1.5).
                saw_close = Some(Some(frame.map_or(1005, |f| f.code)));
                if let Err(err) = service_write.finish().await {
                    tracing::debug!(%err, "upstream write shutdown failed");
                }
                continue;
            }
            Some(Ok(Message::Ping(_) | Message::Pong(_))) => continue,
            Some(Err(_)) if saw_close.is_some() => {
                return (
                    UpEnd::BrowserClosed(saw_close.flatten()),
                    ws_rx,
                    service_write,
                );
            }
            Some(Err(err)) => {
                let end = UpEnd::BrowserFailed(err.to_string(), close_code_for(&err));
                return (end, ws_rx, service_write);
            }
            None => {
                let end = UpEnd::BrowserClosed(saw_close.flatten());
                return (end, ws_rx, service_write);
            }
        };
        if let Some(max) = max_message.filter(|max| data.len() > *max) {
            let why = format!(
                "a message of {} bytes is larger than the largest datagram ({max} bytes)",
                data.len()
            );
            return (
                UpEnd::BrowserFailed(why, Some(CloseCode::TOO_BIG)),
                ws_rx,
                service_write,
            );
        }
        activity.writing_upstream.store(true, Ordering::Relaxed);
        let written = service_write.send(&data, options.upstream_stall).await;
        activity.writing_upstream.store(false, Ordering::Relaxed);
        if let Err(err) = written {
            activity.heard_from_browser();
            return (UpEnd::UpstreamWrite(err), ws_rx, service_write);
        }
        if let Some(tap) = &options.tap {
            tap.record(TapSource::RelayToUpstream, &data);
        }
        // Listening to the browser again from now: what it queued meanwhile
        // (pongs included) is read next. Data moved, too (one clock read).
        activity.data_from_browser();
        activity
            .bytes_up
            .fetch_add(data.len() as u64, Ordering::Relaxed);
    }
}

/// The close code for a WebSocket error from the browser's side (RFC 6455
/// §7.4.1), found by looking for tungstenite's error in the source chain.
fn close_code_for(err: &(dyn std::error::Error + 'static)) -> Option<CloseCode> {
    use tokio_tungstenite::tungstenite::{error::ProtocolError, Error as WsError};
    let mut current = Some(err);
    while let Some(e) = current {
        if let Some(ws) = e.downcast_ref::<WsError>() {
            return match ws {
                WsError::Capacity(_) => Some(CloseCode::TOO_BIG),
                WsError::Utf8(_) => Some(CloseCode::INVALID_PAYLOAD),
                // The connection ended without a close frame: no one to tell.
                WsError::Protocol(ProtocolError::ResetWithoutClosingHandshake) => None,
                WsError::Protocol(_) => Some(CloseCode::PROTOCOL_ERROR),
                _ => None,
            };
        }
        current = e.source();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio_tungstenite::tungstenite::{
        error::{CapacityError, ProtocolError},
        Error as WsError,
    };

    #[test]
    fn close_codes_follow_rfc_6455() {
        let too_big = WsError::Capacity(CapacityError::MessageTooLong {
            size: 2,
            max_size: 1,
        });
        assert_eq!(close_code_for(&too_big), Some(CloseCode::TOO_BIG));
        let bad_frame = WsError::Protocol(ProtocolError::UnmaskedFrameFromClient);
        assert_eq!(close_code_for(&bad_frame), Some(CloseCode::PROTOCOL_ERROR));
        // A connection that just ended gets no close frame: the browser
        // side reports 1006, and so do the metrics.
        let vanished = WsError::Protocol(ProtocolError::ResetWithoutClosingHandshake);
        assert_eq!(close_code_for(&vanished), None);
    }
}
