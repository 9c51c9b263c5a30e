//! Connecting to a target's TCP service, with errors a person can read in a
//! WebSocket close reason.

use std::{io, time::Duration};

use thiserror::Error;
use tokio::net::TcpStream;

/// Why the relay could not reach a target. The `Display` text is part of
/// the close reason the browser receives, so it stays short and plain, and
/// never names the address (that goes to the relay's log).
#[derive(Debug, Error)]
pub enum UpstreamError {
    /// Nothing listens at the address.
    #[error("the service refused the connection")]
    Refused,
    /// No answer within the connect timeout.
    #[error("the service did not answer within {}s", .0.as_secs_f32())]
    TimedOut(Duration),
    /// Any other connect failure (unknown host, unreachable network, …).
    /// (The OS's text: it names no address.)
    #[error("cannot reach the service: {0}")]
    Other(io::Error),
}

/// Opens a TCP connection to `address` (`host:port`), giving up after `timeout`.
pub async fn connect_upstream(
    address: &str,
    timeout: Duration,
) -> Result<TcpStream, UpstreamError> {
    match tokio::time::timeout(timeout, TcpStream::connect(address)).await {
        Err(_) => Err(UpstreamError::TimedOut(timeout)),
        Ok(Err(err)) if err.kind() == io::ErrorKind::ConnectionRefused => {
            Err(UpstreamError::Refused)
        }
        Ok(Err(err)) => Err(UpstreamError::Other(err)),
        Ok(Ok(stream)) => {
            // Small interactive messages are the point of the playground: don't
            // let Nagle hold them back. Failure here only costs latency.
            if let Err(err) = stream.set_nodelay(true) {
                tracing::debug!(%err, "cannot set TCP_NODELAY upstream");
            }
            Ok(stream)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn refused_is_reported_without_the_address() {
        // Bind then drop to get a port that nobody listens on.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let address = format!("127.0.0.1:{port}");
        let err = connect_upstream(&address, Duration::from_secs(5))
            .await
            .unwrap_err();
        assert_eq!(err.to_string(), "the service refused the connection");
    }

    #[tokio::test]
    async fn an_unknown_host_is_reported_without_its_name() {
        let err = connect_upstream("no-such-host.invalid:80", Duration::from_secs(5))
            .await
            .unwrap_err();
        let text = err.to_string();
        assert!(text.starts_with("cannot reach the service"), "{text}");
        assert!(!text.contains("no-such-host"), "{text}");
    }

    #[test]
    fn timeout_reason_fits_a_close_frame() {
        let text = UpstreamError::TimedOut(Duration::from_millis(5000)).to_string();
        assert_eq!(text, "the service did not answer within 5s");
        assert!(text.len() + "target ".len() + 64 + 2 <= protocol::close::MAX_CLOSE_REASON_BYTES);
    }
}
