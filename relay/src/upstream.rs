//! Connecting to a target's TCP service, with errors a person can read in a
//! WebSocket close reason.

use std::{io, time::Duration};

use thiserror::Error;
use tokio::net::TcpStream;

/// Why the relay could not reach a target. The `Display` text is what the
/// browser receives as the close reason, so it stays short and plain.
#[derive(Debug, Error)]
pub enum UpstreamError {
    /// Nothing listens at the address.
    #[error("upstream {0} refused the connection")]
    Refused(String),
    /// No answer within the connect timeout.
    #[error("upstream {address} did not answer within {}s", .after.as_secs_f32())]
    TimedOut {
        /// The target's address.
        address: String,
        /// The timeout that expired.
        after: Duration,
    },
    /// Any other connect failure (unknown host, unreachable network, …).
    #[error("cannot reach upstream {address}: {source}")]
    Other {
        /// The target's address.
        address: String,
        /// The OS error.
        source: io::Error,
    },
}

/// Opens a TCP connection to `address` (`host:port`), giving up after `timeout`.
pub async fn connect_upstream(
    address: &str,
    timeout: Duration,
) -> Result<TcpStream, UpstreamError> {
    match tokio::time::timeout(timeout, TcpStream::connect(address)).await {
        Err(_) => Err(UpstreamError::TimedOut {
            address: address.to_owned(),
            after: timeout,
        }),
        Ok(Err(err)) if err.kind() == io::ErrorKind::ConnectionRefused => {
            Err(UpstreamError::Refused(address.to_owned()))
        }
        Ok(Err(source)) => Err(UpstreamError::Other {
            address: address.to_owned(),
            source,
        }),
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
    async fn refused_is_reported_with_the_address() {
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
        assert_eq!(
            err.to_string(),
            format!("upstream {address} refused the connection")
        );
    }

    #[test]
    fn timeout_reason_fits_a_close_frame() {
        let err = UpstreamError::TimedOut {
            address: "203.0.113.9:6379".into(),
            after: Duration::from_millis(5000),
        };
        let text = err.to_string();
        assert_eq!(text, "upstream 203.0.113.9:6379 did not answer within 5s");
        assert!(text.len() <= protocol::close::MAX_CLOSE_REASON_BYTES);
    }
}
