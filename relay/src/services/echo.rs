//! `echo` and `udp-echo`: RFC 862 over TCP (every byte comes back) and over
//! UDP (every datagram comes back, to whoever sent it), on the same port.

use tokio::{
    io,
    net::{TcpStream, UdpSocket},
};
use tokio_util::sync::CancellationToken;

/// What the page shows next to the echo target.
pub const DESCRIPTION: &str = "demo: sends back every byte it receives";

/// What the page shows next to the UDP echo target.
pub const UDP_DESCRIPTION: &str = "demo: sends back every datagram it receives";

/// Echoes datagrams on `socket` until `shutdown`: each one goes back to its
/// sender as it came.
pub async fn serve_udp(socket: UdpSocket, shutdown: CancellationToken) {
    super::serve_udp("udp echo", socket, shutdown, |_| true).await;
}

/// Echoes one connection until the client closes its side, then closes ours.
pub async fn handle(stream: TcpStream, shutdown: CancellationToken) -> io::Result<()> {
    let (mut read, mut write) = stream.into_split();
    tokio::select! {
        copied = io::copy(&mut read, &mut write) => { copied?; }
        () = shutdown.cancelled() => {}
    }
    Ok(())
}
