//! `echo`: sends back every byte it receives (RFC 862 over TCP).

use tokio::{io, net::TcpStream};
use tokio_util::sync::CancellationToken;

/// What the page shows next to the echo target.
pub const DESCRIPTION: &str = "demo: sends back every byte it receives";

/// Echoes one connection until the client closes its side, then closes ours.
pub async fn handle(stream: TcpStream, shutdown: CancellationToken) -> io::Result<()> {
    let (mut read, mut write) = stream.into_split();
    tokio::select! {
        copied = io::copy(&mut read, &mut write) => { copied?; }
        () = shutdown.cancelled() => {}
    }
    Ok(())
}
