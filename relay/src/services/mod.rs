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
pub mod quotes;
pub mod recorder;
pub mod scenarios;
pub mod shared;

use std::{net::SocketAddr, time::Duration};

use tokio::net::{TcpListener, TcpStream};
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
