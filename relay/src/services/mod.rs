//! Demo TCP services the relay hosts on real loopback ports, so the
//! playground works with nothing else installed. Each is reachable with `nc`
//! as well as through the relay.

pub mod builtins;
pub mod chat;
pub mod echo;
pub mod game;
pub mod lab;
pub mod lamp;
pub mod line;
pub mod lossy;
pub mod quotes;
pub mod recorder;
pub mod scenarios;
pub mod shared;

use std::{net::SocketAddr, time::Duration};

use tokio::net::{TcpListener, TcpStream, UdpSocket};
use tokio_util::{sync::CancellationToken, task::TaskTracker};
use tracing::Instrument;

/// The target of a built-in service listening at `addr`.
pub fn builtin_target(
    name: &str,
    addr: SocketAddr,
    description: &str,
) -> anyhow::Result<crate::Target> {
    let mut target = crate::Target::new(name, &addr.to_string(), description)?;
    target.builtin = true;
    Ok(target)
}

/// The start-up banner's line for a service, e.g. `chat:          nc 127.0.0.1 7009`.
pub fn banner_line(label: &str, addr: SocketAddr) -> String {
    format!(
        "{:<15}nc {} {}",
        format!("{label}:"),
        addr.ip(),
        addr.port()
    )
}

/// Accepts connections on `listener` and runs `handle` for each, one task per
/// connection, until `shutdown` is cancelled. Accept errors (e.g. out of file
/// descriptors) are logged and retried with backoff; they never stop the service.
pub async fn serve<F, Fut>(
    name: &'static str,
    listener: TcpListener,
    shutdown: CancellationToken,
    handle: F,
) where
    F: Fn(TcpStream, CancellationToken) -> Fut,
    Fut: std::future::Future<Output = std::io::Result<()>> + Send + 'static,
{
    let tasks = TaskTracker::new();
    let mut backoff = Duration::from_millis(10);
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            () = shutdown.cancelled() => break,
        };
        let (stream, peer) = match accepted {
            Ok(accepted) => {
                backoff = Duration::from_millis(10);
                accepted
            }
            Err(err) => {
                tracing::warn!(service = name, %err, "accept failed; retrying");
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(Duration::from_secs(1));
                continue;
            }
        };
        let span = tracing::info_span!("service", service = name, ?peer);
        let conn = handle(stream, shutdown.child_token());
        tasks.spawn(
            async move {
                if let Err(err) = conn.await {
                    tracing::debug!(%err, "connection ended with an error");
                }
            }
            .instrument(span),
        );
    }
    tasks.close();
    tasks.wait().await;
}

/// Answers datagrams on `socket` until `shutdown`: each one for which
/// `reply` is true goes back to its sender as it came; the others are
/// dropped. A failed send (the sender's port gone) is dropped, as UDP would.
pub async fn serve_udp(
    name: &'static str,
    socket: UdpSocket,
    shutdown: CancellationToken,
    reply: impl Fn(&[u8]) -> bool,
) {
    let mut buf = vec![0u8; 65_536];
    loop {
        let (n, from) = tokio::select! {
            received = socket.recv_from(&mut buf) => match received {
                Ok(received) => received,
                Err(err) => {
                    // Linux reports an earlier send's ICMP error here; the
                    // socket stays usable.
                    tracing::debug!(service = name, %err, "receive failed");
                    continue;
                }
            },
            () = shutdown.cancelled() => return,
        };
        if !reply(&buf[..n]) {
            continue;
        }
        if let Err(err) = socket.send_to(&buf[..n], from).await {
            tracing::debug!(service = name, %err, %from, "send failed");
        }
    }
}
