//! How the client trusts the relay's certificate: by its SHA-256, given as
//! hex or read from the relay's `/api/lab` as the page reads it.

use anyhow::{bail, Context};
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpStream,
};

/// The 32 bytes of a SHA-256 written as 64 hex digits.
pub fn hash_from_hex(hex: &str) -> anyhow::Result<[u8; 32]> {
    let info = protocol::WebTransportInfo {
        port: 0,
        cert_sha256: hex.trim().to_owned(),
        self_signed: true,
    };
    info.cert_sha256_bytes()
        .with_context(|| format!("{hex:?} is not 64 hex digits"))
}

/// The certificate hash from `GET http://<addr>/api/lab`.
pub async fn hash_from_lab(addr: &str) -> anyhow::Result<[u8; 32]> {
    let mut tcp = TcpStream::connect(addr)
        .await
        .with_context(|| format!("cannot connect to {addr} for /api/lab"))?;
    let request = format!("GET /api/lab HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    tcp.write_all(request.as_bytes()).await?;
    let mut response = Vec::new();
    tcp.read_to_end(&mut response).await?;
    let text = String::from_utf8_lossy(&response);
    let (head, body) = text
        .split_once("\r\n\r\n")
        .context("/api/lab: no complete HTTP response")?;
    if !head.starts_with("HTTP/1.1 200") {
        bail!(
            "/api/lab answered {:?}",
            head.lines().next().unwrap_or_default()
        );
    }
    let lab: protocol::LabInfo =
        serde_json::from_str(body).context("/api/lab: not the relay's lab JSON")?;
    let door = lab
        .webtransport
        .context("/api/lab: the relay's WebTransport door is off")?;
    door.cert_sha256_bytes()
        .context("/api/lab: cert_sha256 is not 64 hex digits")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_hashes_parse() {
        let hex = "00".repeat(31) + "ff";
        let mut want = [0u8; 32];
        want[31] = 0xff;
        assert_eq!(hash_from_hex(&hex).unwrap(), want);
        assert!(hash_from_hex("abc").is_err());
    }
}
