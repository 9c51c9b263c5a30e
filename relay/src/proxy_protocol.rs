//! HAProxy's PROXY protocol (v1 text and v2 binary) on accepted connections,
//! for a relay behind a TCP load balancer (HAProxy, nginx's `stream` module,
//! an AWS NLB): the proxy opens each connection with a header naming the
//! client it accepted, and that client becomes the address used for
//! per-address limits and logs.
//!
//! A header is read only from a trusted proxy (`--trusted-proxy`) and only
//! with `--proxy-protocol`; from a trusted proxy it is then required, as the
//! specification demands (a receiver must never guess). Anyone else's bytes
//! go to HTTP untouched, so a header sent by a client is just a bad request.
//!
//! The fields are parsed by the `ppp` crate; this module frames the header
//! (how many bytes it spans, when it is too long) and keeps the bytes read
//! past it for the TLS or HTTP layer above.

use std::{
    io,
    net::SocketAddr,
    pin::Pin,
    task::{Context, Poll},
};

use bytes::{Buf, Bytes};
use ppp::{v1, v2};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, ReadBuf};

/// The longest header accepted. A v1 header is at most 107 bytes; a v2 header
/// may carry TLVs (AWS adds its endpoint id, HAProxy TLS details), which stay
/// far below this in practice.
pub const MAX_HEADER_BYTES: usize = 4096;

/// The v2 header's first 12 bytes.
const V2_SIGNATURE: &[u8; 12] = b"\r\n\r\n\0\r\nQUIT\n";
/// The v2 header's fixed part: signature, version/command, family, length.
const V2_FIXED_BYTES: usize = 16;
/// A v1 header starts with this.
const V1_PREFIX: &[u8] = b"PROXY ";
/// The longest v1 header, CRLF included (the specification's limit).
const V1_MAX_BYTES: usize = 107;

/// Why a connection's PROXY header was refused.
#[derive(Debug, thiserror::Error)]
pub enum ProxyHeaderError {
    /// The proxy closed the connection mid-header.
    #[error("connection closed before a complete PROXY header ({0} bytes)")]
    Closed(usize),
    /// Reading failed.
    #[error("reading the PROXY header: {0}")]
    Io(#[from] io::Error),
    /// The bytes are not a PROXY header at all.
    #[error("no PROXY header (connection starts with {0:?})")]
    Missing(String),
    /// A header, but a malformed one.
    #[error("malformed PROXY v{version} header: {reason}")]
    Malformed {
        /// 1 (text) or 2 (binary).
        version: u8,
        /// What `ppp` or the framing objected to.
        reason: String,
    },
}

/// What a complete header says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProxyHeader {
    /// The client the proxy accepted; `None` when the header names none (v1
    /// `UNKNOWN`, v2 `LOCAL` or a non-IP family): the proxy's own connection,
    /// e.g. a health check, which keeps the peer's address.
    pub source: Option<SocketAddr>,
    /// The header's length in bytes.
    pub len: usize,
}

/// Parses a header at the start of `buf`: `Ok(None)` while more bytes are
/// needed to decide.
pub fn parse(buf: &[u8]) -> Result<Option<ProxyHeader>, ProxyHeaderError> {
    let v2_seen = buf.len().min(V2_SIGNATURE.len());
    if buf[..v2_seen] == V2_SIGNATURE[..v2_seen] && !buf.is_empty() {
        return parse_v2(buf);
    }
    let v1_seen = buf.len().min(V1_PREFIX.len());
    if buf[..v1_seen] == V1_PREFIX[..v1_seen] {
        return parse_v1(buf);
    }
    let start = &buf[..buf.len().min(16)];
    Err(ProxyHeaderError::Missing(
        String::from_utf8_lossy(start).into_owned(),
    ))
}

fn parse_v1(buf: &[u8]) -> Result<Option<ProxyHeader>, ProxyHeaderError> {
    let malformed = |reason: String| ProxyHeaderError::Malformed { version: 1, reason };
    let window = &buf[..buf.len().min(V1_MAX_BYTES)];
    let Some(cr) = window.windows(2).position(|pair| pair == b"\r\n") else {
        if buf.len() >= V1_MAX_BYTES {
            return Err(malformed(format!(
                "no CRLF in the first {V1_MAX_BYTES} bytes"
            )));
        }
        return Ok(None);
    };
    let len = cr + 2;
    let header = v1::Header::try_from(&buf[..len]).map_err(|err| malformed(err.to_string()))?;
    let source = match header.addresses {
        v1::Addresses::Tcp4(a) => Some(SocketAddr::from((a.source_address, a.source_port))),
        v1::Addresses::Tcp6(a) => Some(SocketAddr::from((a.source_address, a.source_port))),
        v1::Addresses::Unknown => None,
    };
    Ok(Some(ProxyHeader { source, len }))
}

fn parse_v2(buf: &[u8]) -> Result<Option<ProxyHeader>, ProxyHeaderError> {
    let malformed = |reason: String| ProxyHeaderError::Malformed { version: 2, reason };
    if buf.len() < V2_FIXED_BYTES {
        return Ok(None);
    }
    let len = V2_FIXED_BYTES + usize::from(u16::from_be_bytes([buf[14], buf[15]]));
    if len > MAX_HEADER_BYTES {
        return Err(malformed(format!(
            "{len} bytes, more than the {MAX_HEADER_BYTES} accepted"
        )));
    }
    if buf.len() < len {
        return Ok(None);
    }
    let header = v2::Header::try_from(&buf[..len]).map_err(|err| malformed(err.to_string()))?;
    let source = match (header.command, header.addresses) {
        (v2::Command::Proxy, v2::Addresses::IPv4(a)) => {
            Some(SocketAddr::from((a.source_address, a.source_port)))
        }
        (v2::Command::Proxy, v2::Addresses::IPv6(a)) => {
            Some(SocketAddr::from((a.source_address, a.source_port)))
        }
        _ => None,
    };
    Ok(Some(ProxyHeader { source, len }))
}

/// Reads a PROXY header from the start of `stream`; returns it and the
/// stream, which still yields every byte that followed the header.
pub async fn read_header<S: AsyncRead + Unpin>(
    mut stream: S,
) -> Result<(ProxyHeader, Rewind<S>), ProxyHeaderError> {
    let mut buf = Vec::with_capacity(256);
    loop {
        if let Some(header) = parse(&buf)? {
            let rest = Bytes::from(buf).slice(header.len..);
            return Ok((header, Rewind::new(rest, stream)));
        }
        if stream.read_buf(&mut buf).await? == 0 {
            return Err(ProxyHeaderError::Closed(buf.len()));
        }
    }
}

/// A stream that first yields bytes already read from it (those that came
/// after a PROXY header in the same read).
pub struct Rewind<S> {
    pending: Bytes,
    inner: S,
}

impl<S> Rewind<S> {
    /// `inner`, with `pending` to be read first.
    pub fn new(pending: Bytes, inner: S) -> Self {
        Self { pending, inner }
    }

    /// `inner` as it is: nothing read ahead.
    pub fn plain(inner: S) -> Self {
        Self::new(Bytes::new(), inner)
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for Rewind<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        if !self.pending.is_empty() {
            let n = self.pending.len().min(buf.remaining());
            buf.put_slice(&self.pending[..n]);
            self.pending.advance(n);
            return Poll::Ready(Ok(()));
        }
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Rewind<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        data: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, data)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v2(command: u8, family: u8, addresses: &[u8]) -> Vec<u8> {
        let mut header = V2_SIGNATURE.to_vec();
        header.extend([0x20 | command, family]);
        header.extend((addresses.len() as u16).to_be_bytes());
        header.extend(addresses);
        header
    }

    const V2_TCP4: [u8; 12] = [203, 0, 113, 7, 10, 0, 0, 1, 0xd4, 0x31, 0x01, 0xbb];

    #[test]
    fn v1_and_v2_name_the_client() {
        let v1 = b"PROXY TCP4 203.0.113.7 10.0.0.1 54321 443\r\nGET / HTTP/1.1\r\n";
        let header = parse(v1).unwrap().unwrap();
        assert_eq!(header.source, Some("203.0.113.7:54321".parse().unwrap()));
        assert_eq!(&v1[header.len..], b"GET / HTTP/1.1\r\n");

        let v1 = b"PROXY TCP6 2001:db8::7 2001:db8::1 54321 443\r\n";
        let header = parse(v1).unwrap().unwrap();
        assert_eq!(header.source, Some("[2001:db8::7]:54321".parse().unwrap()));

        let mut v2 = v2(1, 0x11, &V2_TCP4);
        let len = v2.len();
        v2.extend(b"\x16\x03\x01"); // a TLS ClientHello follows
        let header = parse(&v2).unwrap().unwrap();
        assert_eq!(header.source, Some("203.0.113.7:54321".parse().unwrap()));
        assert_eq!(header.len, len);
    }

    #[test]
    fn local_and_unknown_keep_the_peer() {
        assert_eq!(parse(b"PROXY UNKNOWN\r\n").unwrap().unwrap().source, None);
        // LOCAL (a health check), even with addresses attached.
        assert_eq!(parse(&v2(0, 0x11, &V2_TCP4)).unwrap().unwrap().source, None);
        assert_eq!(parse(&v2(1, 0x00, &[])).unwrap().unwrap().source, None);
    }

    #[test]
    fn every_prefix_of_a_header_asks_for_more() {
        let v1 = b"PROXY TCP4 203.0.113.7 10.0.0.1 54321 443\r\n".to_vec();
        for header in [v1, v2(1, 0x11, &V2_TCP4)] {
            for cut in 0..header.len() {
                assert!(
                    matches!(parse(&header[..cut]), Ok(None)),
                    "{cut} bytes of {header:?}"
                );
            }
        }
    }

    #[test]
    fn garbage_and_oversized_headers_are_refused_clearly() {
        let err = |bytes: &[u8]| parse(bytes).unwrap_err().to_string();
        assert!(err(b"GET / HTTP/1.1\r\n").contains("no PROXY header"));
        assert!(err(b"\x16\x03\x01\x02").contains("no PROXY header"));
        assert!(err(b"PROXY TCP4 nonsense\r\n").contains("malformed PROXY v1"));
        assert!(err(b"PROXY TCP4 203.0.113.7 10.0.0.1 99999 443\r\n").contains("v1"));
        assert!(err(&[b"PROXY ".as_slice(), &[b'1'; 200]].concat()).contains("no CRLF"));
        let mut bad_version = v2(1, 0x11, &V2_TCP4);
        bad_version[12] = 0x31;
        assert!(err(&bad_version).contains("malformed PROXY v2"));
        let mut huge = v2(1, 0x11, &V2_TCP4);
        huge[14..16].copy_from_slice(&u16::MAX.to_be_bytes());
        assert!(err(&huge).contains("more than"), "{}", err(&huge));
        // Too short for the family it names.
        assert!(err(&v2(1, 0x11, &V2_TCP4[..4])).contains("v2"));
    }

    #[tokio::test]
    async fn bytes_after_the_header_are_read_next() {
        let (mut client, server) = tokio::io::duplex(64);
        let reader = tokio::spawn(async move {
            let (header, mut rest) = read_header(server).await.unwrap();
            let mut text = String::new();
            rest.read_to_string(&mut text).await.unwrap();
            (header, text)
        });
        // Written in pieces: the header ends mid-write.
        for piece in [
            &b"PROXY TCP4 203.0"[..],
            b".113.7 10.0.0.1 1 2\r\nhel",
            b"lo",
        ] {
            tokio::io::AsyncWriteExt::write_all(&mut client, piece)
                .await
                .unwrap();
        }
        drop(client);
        let (header, text) = reader.await.unwrap();
        assert_eq!(header.source, Some("203.0.113.7:1".parse().unwrap()));
        assert_eq!(text, "hello");
    }

    #[tokio::test]
    async fn a_header_cut_short_is_an_error() {
        let (mut client, server) = tokio::io::duplex(64);
        tokio::io::AsyncWriteExt::write_all(&mut client, b"PROXY TCP4 2")
            .await
            .unwrap();
        drop(client);
        let err = read_header(server).await.err().expect("cut short");
        assert!(matches!(err, ProxyHeaderError::Closed(12)), "{err}");
    }
}
