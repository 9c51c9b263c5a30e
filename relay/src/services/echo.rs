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
/// sender as it came. A failed send (the sender's port gone) is dropped, as
/// UDP would.
pub async fn serve_udp(socket: UdpSocket, shutdown: CancellationToken) {
    let mut buf = vec![0u8; 65_536];
    loop {
        let (n, from) = tokio::select! {
            received = socket.recv_from(&mut buf) => match received {
                Ok(received) => received,
                Err(err) => {
                    // Linux reports an earlier send's ICMP error here; the
                    // socket stays usable.
                    tracing::debug!(%err, "udp echo: receive failed");
                    continue;
                }
            },
            () = shutdown.cancelled() => return,
        };
        if let Err(err) = socket.send_to(&buf[..n], from).await {
            tracing::debug!(%err, %from, "udp echo: send failed");
        }
    }
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
