//! `lossy` and `udp-lossy`: an echo that plays a lossy network, on one port
//! over TCP and UDP (the rule is [`protocol::lossy`]). Over UDP a lost reply
//! is dropped. Over TCP (lines) it is held for a retransmission timeout, and
//! the lines after it wait behind it, as TCP's in-order delivery makes them.

use std::time::Duration;

use protocol::{lossy, scenarios::LineError};
use tokio::{
    io,
    net::{TcpStream, UdpSocket},
};
use tokio_util::sync::CancellationToken;

use super::line::LineConn;

/// Default address of the lossy service (TCP and UDP).
pub const LOSSY_LISTEN: &str = "127.0.0.1:7013";

/// What the page shows next to the TCP target.
pub const DESCRIPTION: &str =
    "demo: echoes each line; one in five comes 200 ms late and holds up the lines behind it";

/// What the page shows next to the UDP target.
pub const UDP_DESCRIPTION: &str = "demo: echoes each datagram, except one in five, which is lost";

/// Echoes datagrams on `socket` until `shutdown`, dropping the lost ones.
pub async fn serve_udp(socket: UdpSocket, shutdown: CancellationToken) {
    super::serve_udp("udp lossy", socket, shutdown, |payload| {
        !lossy::is_lost(payload)
    })
    .await;
}

/// Echoes one connection line by line until the client closes its side. A
/// lost line is sent after [`lossy::RETRANSMIT_MS`], and nothing more is read
/// meanwhile, so the lines behind it wait (and TCP's flow control pushes
/// back on a client that keeps writing).
pub async fn handle(stream: TcpStream, shutdown: CancellationToken) -> io::Result<()> {
    let mut conn = LineConn::new(stream);
    loop {
        let line = tokio::select! {
            line = conn.next_line() => line?,
            () = shutdown.cancelled() => return Ok(()),
        };
        let line = match line {
            None => return Ok(()),
            Some(Ok(line)) => line,
            Some(Err(err @ (LineError::TooLong | LineError::InvalidUtf8))) => {
                conn.send(format!("! {err}")).await?;
                continue;
            }
        };
        if lossy::is_lost(line.as_bytes()) {
            tokio::select! {
                () = tokio::time::sleep(Duration::from_millis(lossy::RETRANSMIT_MS)) => {}
                () = shutdown.cancelled() => return Ok(()),
            }
        }
        conn.send(line).await?;
    }
}
