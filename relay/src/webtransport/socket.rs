//! The door's UDP socket buffers. Every session's packets arrive on one
//! socket, so the kernel's default receive buffer (about 208 KiB here) is
//! what 1,000 sessions share: a burst of handshakes overflows it and the
//! kernel drops packets, which QUIC then waits out and retransmits. The
//! door asks for [`WANT_BUFFER_BYTES`] each way; the kernel caps the
//! request at `net.core.rmem_max` / `wmem_max`, and the door logs what it
//! got when that is less.

use std::net::UdpSocket;

use socket2::SockRef;

/// What the door asks the kernel for, receive and send.
pub const WANT_BUFFER_BYTES: usize = 4 << 20;

/// The buffer sizes the kernel granted (Linux reports twice the request,
/// its bookkeeping included).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Buffers {
    pub receive: usize,
    pub send: usize,
}

/// Asks for [`WANT_BUFFER_BYTES`] each way and returns what was granted.
/// A size the kernel refuses outright is not fatal: the door works with
/// the default, only less well under bursts.
pub fn widen_buffers(socket: &UdpSocket) -> std::io::Result<Buffers> {
    let sock = SockRef::from(socket);
    if let Err(err) = sock.set_recv_buffer_size(WANT_BUFFER_BYTES) {
        tracing::warn!(%err, "cannot widen the webtransport door's receive buffer");
    }
    if let Err(err) = sock.set_send_buffer_size(WANT_BUFFER_BYTES) {
        tracing::warn!(%err, "cannot widen the webtransport door's send buffer");
    }
    let granted = Buffers {
        receive: sock.recv_buffer_size()?,
        send: sock.send_buffer_size()?,
    };
    if granted.receive < WANT_BUFFER_BYTES {
        tracing::info!(
            granted = granted.receive,
            wanted = WANT_BUFFER_BYTES,
            "the webtransport door's receive buffer is capped by net.core.rmem_max"
        );
    }
    Ok(granted)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The kernel's cap for one direction, from `/proc/sys/net/core`.
    fn kernel_cap(name: &str) -> usize {
        std::fs::read_to_string(format!("/proc/sys/net/core/{name}"))
            .expect("/proc/sys/net/core is readable on Linux")
            .trim()
            .parse()
            .expect("a number")
    }

    #[test]
    fn the_door_asks_for_wide_buffers_and_gets_what_the_kernel_allows() {
        let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
        let default = SockRef::from(&socket).recv_buffer_size().unwrap();
        let granted = widen_buffers(&socket).unwrap();
        // Linux grants min(request, cap) and reports it doubled.
        let expected = Buffers {
            receive: WANT_BUFFER_BYTES.min(kernel_cap("rmem_max")) * 2,
            send: WANT_BUFFER_BYTES.min(kernel_cap("wmem_max")) * 2,
        };
        assert_eq!(
            granted, expected,
            "the default receive buffer was {default}"
        );
    }
}
