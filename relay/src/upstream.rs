//! Connecting to a target's service (TCP, a Unix-domain socket, or a UDP
//! socket aimed at it), with errors a person can read in a WebSocket close
//! reason.

use std::{io, net::SocketAddr, path::Path, time::Duration};

use thiserror::Error;
use tokio::{
    io::AsyncWriteExt,
    net::{TcpStream, UdpSocket, UnixStream},
};

use crate::address::Address;

/// Why the relay could not reach a target. The `Display` text is part of
/// the close reason the browser receives, so it stays short and plain, and
/// never names the address (that goes to the relay's log).
#[derive(Debug, Error)]
pub enum UpstreamError {
    /// Nothing listens at the address.
    #[error("the service refused the connection")]
    Refused,
    /// A Unix-domain target whose socket file is not there.
    #[error("the service's socket does not exist")]
    NoSocket,
    /// No answer within the connect timeout.
    #[error("the service did not answer within {}s", .0.as_secs_f32())]
    TimedOut(Duration),
    /// Any other connect failure (unknown host, unreachable network, …).
    /// (The OS's text: it names no address.)
    #[error("cannot reach the service: {0}")]
    Other(io::Error),
}

/// A connected service.
#[derive(Debug)]
pub enum Upstream {
    /// A TCP connection.
    Tcp(TcpStream),
    /// A Unix-domain stream connection.
    Unix(UnixStream),
    /// A UDP socket of the session's own, and the target's resolved address.
    Udp(UdpSocket, SocketAddr),
}

/// Reaches `address`, giving up after `timeout`. A stream begins with
/// `preamble` (a PROXY header, see `crate::send_proxy`) when there is one.
pub async fn connect_upstream(
    address: &Address,
    timeout: Duration,
    preamble: Option<&[u8]>,
) -> Result<Upstream, UpstreamError> {
    let connect = async {
        let mut upstream = match address {
            Address::Tcp(host_port) => Upstream::Tcp(connect_tcp(host_port).await?),
            Address::Unix(path) => Upstream::Unix(connect_unix(path).await?),
            Address::Udp(host_port) => {
                let (socket, target) = udp_socket(host_port).await?;
                Upstream::Udp(socket, target)
            }
        };
        if let Some(preamble) = preamble {
            let written = match &mut upstream {
                Upstream::Tcp(stream) => stream.write_all(preamble).await,
                Upstream::Unix(stream) => stream.write_all(preamble).await,
                // Refused when the configuration is read (`Target::with_send_proxy`).
                Upstream::Udp(..) => Ok(()),
            };
            written.map_err(UpstreamError::Other)?;
        }
        Ok(upstream)
    };
    match tokio::time::timeout(timeout, connect).await {
        Err(_) => Err(UpstreamError::TimedOut(timeout)),
        Ok(result) => result,
    }
}

async fn connect_tcp(host_port: &str) -> Result<TcpStream, UpstreamError> {
    let stream = TcpStream::connect(host_port)
        .await
        .map_err(|err| match err.kind() {
            io::ErrorKind::ConnectionRefused => UpstreamError::Refused,
            _ => UpstreamError::Other(err),
        })?;
    // Small interactive messages are the point of the playground: don't
    // let Nagle hold them back. Failure here only costs latency.
    if let Err(err) = stream.set_nodelay(true) {
        tracing::debug!(%err, "cannot set TCP_NODELAY upstream");
    }
    Ok(stream)
}

async fn connect_unix(path: &Path) -> Result<UnixStream, UpstreamError> {
    UnixStream::connect(path)
        .await
        .map_err(|err| match err.kind() {
            io::ErrorKind::ConnectionRefused => UpstreamError::Refused,
            io::ErrorKind::NotFound => UpstreamError::NoSocket,
            _ => UpstreamError::Other(err),
        })
}

/// A socket of the session's own, on an ephemeral port of the target's
/// family, and the target's first resolved address.
async fn udp_socket(host_port: &str) -> Result<(UdpSocket, SocketAddr), UpstreamError> {
    let target = tokio::net::lookup_host(host_port)
        .await
        .map_err(UpstreamError::Other)?
        .next()
        .ok_or_else(|| {
            UpstreamError::Other(io::Error::new(
                io::ErrorKind::NotFound,
                "the name has no address",
            ))
        })?;
    let local: SocketAddr = if target.is_ipv4() {
        (std::net::Ipv4Addr::UNSPECIFIED, 0).into()
    } else {
        (std::net::Ipv6Addr::UNSPECIFIED, 0).into()
    };
    let socket = UdpSocket::bind(local).await.map_err(UpstreamError::Other)?;
    Ok((socket, target))
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
        let err = connect_upstream(&Address::Tcp(address), Duration::from_secs(5), None)
            .await
            .unwrap_err();
        assert_eq!(err.to_string(), "the service refused the connection");
    }

    #[tokio::test]
    async fn an_unknown_host_is_reported_without_its_name() {
        let err = connect_upstream(
            &Address::Tcp("no-such-host.invalid:80".into()),
            Duration::from_secs(5),
            None,
        )
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
