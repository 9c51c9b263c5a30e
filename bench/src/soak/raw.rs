//! A raw WebSocket client: the upgrade written by hand and frames built and
//! parsed with `protocol`, for the loads a well-behaved client library would
//! not produce (pings sent without ever reading, a tap never read).

use anyhow::{bail, Context};
use protocol::{
    frame::{apply_mask, decode_frame, Frame, Opcode},
    handshake::{accept_key, header_value},
    wire::MAX_HEAD_BYTES,
};
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpStream,
};

/// Any 16 bytes, base64: the relay only echoes its hash back.
const CLIENT_KEY: &str = "c29hay1jbGllbnQta2V5IQ==";
/// Largest payload of a control frame (RFC 6455 §5.5).
pub const MAX_CONTROL_PAYLOAD: usize = 125;

/// An upgraded connection and what was read past the response head.
pub struct RawWs {
    /// The connection.
    pub stream: TcpStream,
    buffered: Vec<u8>,
}

/// How an upgrade went.
pub enum Upgrade {
    /// 101: the WebSocket is open.
    Open(RawWs),
    /// Any other status, e.g. 429 or 503 from a cap.
    Refused(u16),
}

/// Connects to `addr` and asks for a WebSocket on `path`.
pub async fn upgrade(addr: &str, path: &str) -> anyhow::Result<Upgrade> {
    let mut stream = TcpStream::connect(addr)
        .await
        .with_context(|| format!("cannot connect to {addr}"))?;
    stream.set_nodelay(true)?;
    let request = format!(
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
         Sec-WebSocket-Key: {CLIENT_KEY}\r\nSec-WebSocket-Version: 13\r\n\r\n"
    );
    stream.write_all(request.as_bytes()).await?;
    let mut buffered = Vec::new();
    let head_end = loop {
        if let Some(at) = buffered.windows(4).position(|w| w == b"\r\n\r\n") {
            break at + 4;
        }
        if buffered.len() > MAX_HEAD_BYTES {
            bail!("response head longer than {MAX_HEAD_BYTES} bytes");
        }
        if stream.read_buf(&mut buffered).await? == 0 {
            bail!("connection closed during the upgrade");
        }
    };
    let head = String::from_utf8_lossy(&buffered[..head_end]).into_owned();
    let status: u16 = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .with_context(|| format!("no status in {head:?}"))?;
    if status != 101 {
        return Ok(Upgrade::Refused(status));
    }
    let accept = header_value(&head, "sec-websocket-accept");
    if accept != Some(accept_key(CLIENT_KEY).as_str()) {
        bail!("wrong Sec-WebSocket-Accept {accept:?}");
    }
    buffered.drain(..head_end);
    Ok(Upgrade::Open(RawWs { stream, buffered }))
}

impl RawWs {
    /// Reads one whole frame from the server.
    pub async fn read_frame(&mut self) -> anyhow::Result<Frame> {
        loop {
            if let Some((frame, used)) = decode_frame(&self.buffered)? {
                self.buffered.drain(..used);
                return Ok(frame);
            }
            if self.stream.read_buf(&mut self.buffered).await? == 0 {
                bail!("connection closed before a whole frame");
            }
        }
    }
}

/// A masked ping frame (client to server) carrying `payload`, at most
/// [`MAX_CONTROL_PAYLOAD`] bytes.
pub fn masked_ping(payload: &[u8], mask: [u8; 4]) -> Vec<u8> {
    assert!(
        payload.len() <= MAX_CONTROL_PAYLOAD,
        "control frames carry at most 125 bytes"
    );
    let mut frame = Vec::with_capacity(6 + payload.len());
    frame.push(0x80 | Opcode::Ping.bits());
    frame.push(0x80 | payload.len() as u8);
    frame.extend_from_slice(&mask);
    let start = frame.len();
    frame.extend_from_slice(payload);
    apply_mask(&mut frame[start..], mask);
    frame
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_ping_decodes_as_sent() {
        let bytes = masked_ping(b"soak", [1, 2, 3, 4]);
        let (frame, used) = decode_frame(&bytes).unwrap().unwrap();
        assert_eq!(used, bytes.len());
        assert_eq!(frame.header.opcode, Opcode::Ping);
        assert_eq!(frame.header.mask, Some([1, 2, 3, 4]));
        assert!(frame.header.fin);
        assert_eq!(frame.payload, b"soak");
    }
}
