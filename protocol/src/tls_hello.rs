//! Reading a TLS ClientHello (RFC 8446 §4.1.2), for the page's lesson on an
//! `https://` page: aimed at the raw recorder, the browser's first bytes are
//! not an HTTP request but the start of a TLS handshake, and its readable
//! parts (the server name, the protocols offered) are worth showing.

/// What a ClientHello says in the clear.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ClientHello {
    /// The server name the browser asks for (SNI), if it sent one (none for
    /// an IP address).
    pub server_name: Option<String>,
    /// The application protocols offered (ALPN), e.g. `h2`, `http/1.1`.
    pub alpn: Vec<String>,
    /// True when it offers TLS 1.3 (`supported_versions`).
    pub offers_tls13: bool,
    /// How many cipher suites it offers.
    pub cipher_suites: usize,
}

const HANDSHAKE: u8 = 22;
const CLIENT_HELLO: u8 = 1;
const EXT_SERVER_NAME: u16 = 0;
const EXT_ALPN: u16 = 16;
const EXT_SUPPORTED_VERSIONS: u16 = 43;

/// A reader over bytes that fails (`None`) rather than run past their end.
struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let (head, rest) = (self.0.get(..n)?, self.0.get(n..)?);
        self.0 = rest;
        Some(head)
    }

    fn u8(&mut self) -> Option<u8> {
        Some(self.take(1)?[0])
    }

    fn u16(&mut self) -> Option<u16> {
        let b = self.take(2)?;
        Some(u16::from_be_bytes([b[0], b[1]]))
    }

    fn u24(&mut self) -> Option<usize> {
        let b = self.take(3)?;
        Some(usize::from(b[0]) << 16 | usize::from(b[1]) << 8 | usize::from(b[2]))
    }

    /// A block prefixed by its length in `width` bytes (1 or 2).
    fn block(&mut self, width: usize) -> Option<Reader<'a>> {
        let len = match width {
            1 => usize::from(self.u8()?),
            _ => usize::from(self.u16()?),
        };
        Some(Reader(self.take(len)?))
    }
}

impl ClientHello {
    /// Reads the ClientHello at the start of `bytes` (the first TLS
    /// record). `None` when the bytes are not one, or not all of it.
    pub fn parse(bytes: &[u8]) -> Option<Self> {
        let mut record = Reader(bytes);
        if record.u8()? != HANDSHAKE {
            return None;
        }
        let _record_version = record.u16()?;
        let mut body = record.block(2)?;
        if body.u8()? != CLIENT_HELLO {
            return None;
        }
        let len = body.u24()?;
        let mut hello = Reader(body.take(len)?);
        let _legacy_version = hello.u16()?;
        let _random = hello.take(32)?;
        let _session_id = hello.block(1)?;
        let suites = hello.block(2)?;
        let _compression = hello.block(1)?;
        let mut out = Self {
            cipher_suites: suites.0.len() / 2,
            ..Self::default()
        };
        let Some(mut extensions) = hello.block(2) else {
            return Some(out);
        };
        while !extensions.0.is_empty() {
            let kind = extensions.u16()?;
            let mut data = extensions.block(2)?;
            match kind {
                EXT_SERVER_NAME => {
                    let mut names = data.block(2)?;
                    while !names.0.is_empty() {
                        let name_type = names.u8()?;
                        let name = names.block(2)?;
                        if name_type == 0 {
                            out.server_name = Some(String::from_utf8_lossy(name.0).into_owned());
                        }
                    }
                }
                EXT_ALPN => {
                    let mut protocols = data.block(2)?;
                    while !protocols.0.is_empty() {
                        let protocol = protocols.block(1)?;
                        out.alpn
                            .push(String::from_utf8_lossy(protocol.0).into_owned());
                    }
                }
                EXT_SUPPORTED_VERSIONS => {
                    let mut versions = data.block(1)?;
                    while !versions.0.is_empty() {
                        out.offers_tls13 |= versions.u16()? == 0x0304;
                    }
                }
                _ => {}
            }
        }
        Some(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A ClientHello with SNI `relay.test`, ALPN `h2` and `http/1.1`, and
    /// TLS 1.3 and 1.2 in `supported_versions`, built field by field.
    fn hello() -> Vec<u8> {
        let mut ext = Vec::new();
        let name = b"relay.test";
        let mut sni = vec![0u8];
        sni.extend_from_slice(&(name.len() as u16).to_be_bytes());
        sni.extend_from_slice(name);
        push_ext(&mut ext, EXT_SERVER_NAME, &with_len2(&sni));
        let mut alpn = Vec::new();
        for p in [&b"h2"[..], b"http/1.1"] {
            alpn.push(p.len() as u8);
            alpn.extend_from_slice(p);
        }
        push_ext(&mut ext, EXT_ALPN, &with_len2(&alpn));
        push_ext(&mut ext, EXT_SUPPORTED_VERSIONS, &[4, 3, 4, 3, 3]);
        push_ext(&mut ext, 0x1234, b"ignored");
        let mut hello = vec![3, 3];
        hello.extend_from_slice(&[7; 32]);
        hello.extend_from_slice(&[0]); // no session id
        hello.extend_from_slice(&with_len2(&[0x13, 0x01, 0x13, 0x02, 0xc0, 0x2b]));
        hello.extend_from_slice(&[1, 0]); // null compression
        hello.extend_from_slice(&with_len2(&ext));
        let mut handshake = vec![CLIENT_HELLO, 0];
        handshake.extend_from_slice(&(hello.len() as u16).to_be_bytes());
        handshake.extend_from_slice(&hello);
        let mut record = vec![HANDSHAKE, 3, 1];
        record.extend_from_slice(&with_len2(&handshake));
        record
    }

    fn with_len2(data: &[u8]) -> Vec<u8> {
        let mut out = (data.len() as u16).to_be_bytes().to_vec();
        out.extend_from_slice(data);
        out
    }

    fn push_ext(out: &mut Vec<u8>, kind: u16, data: &[u8]) {
        out.extend_from_slice(&kind.to_be_bytes());
        out.extend_from_slice(&with_len2(data));
    }

    #[test]
    fn reads_the_name_the_protocols_and_the_version() {
        assert_eq!(
            ClientHello::parse(&hello()),
            Some(ClientHello {
                server_name: Some("relay.test".into()),
                alpn: vec!["h2".into(), "http/1.1".into()],
                offers_tls13: true,
                cipher_suites: 3,
            })
        );
    }

    #[test]
    fn refuses_what_is_not_a_whole_client_hello() {
        let bytes = hello();
        for len in 0..bytes.len() {
            assert_eq!(ClientHello::parse(&bytes[..len]), None, "{len}");
        }
        assert_eq!(ClientHello::parse(b"GET / HTTP/1.1\r\n\r\n"), None);
    }
}
