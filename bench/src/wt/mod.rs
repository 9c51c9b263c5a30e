//! The WebTransport side of the client: `wtransport` (the crate the relay's
//! door is written with, QUIC by quinn, TLS by rustls with ring), trusting the
//! relay's self-signed certificate by its SHA-256 as a page does
//! (`serverCertificateHashes`).
//!
//! One client endpoint (one UDP socket) carries every session of a run, as a
//! browser carries a page's sessions.

mod cert;

use anyhow::Context;
use bytes::Bytes;
use wtransport::{
    endpoint::{endpoint_side, ConnectOptions},
    ClientConfig, Connection, Endpoint, RecvStream, SendStream, VarInt,
};

pub use cert::{hash_from_hex, hash_from_lab};

use crate::conn::Closed;

/// The application code our closes carry (nothing went wrong).
const CLOSE_OK: u32 = 0;
/// How long [`WtClient::finish`] waits for the relay to hear our closes.
const DRAIN_LIMIT: std::time::Duration = std::time::Duration::from_secs(2);

/// Opens WebTransport sessions to one URL.
pub struct WtClient {
    endpoint: Endpoint<endpoint_side::Client>,
    url: String,
}

/// The sending half of one stream; it owns its session when the session
/// was opened for this stream alone.
pub struct WtTx {
    send: SendStream,
    session: Option<Connection>,
}

/// The receiving half of one stream.
pub struct WtRx {
    recv: RecvStream,
    chunk_bytes: usize,
}

impl WtClient {
    /// A client for `url`, pinned to the certificate whose SHA-256 is `hash`.
    pub fn new(url: &str, hash: [u8; 32]) -> anyhow::Result<Self> {
        let config = ClientConfig::builder()
            .with_bind_default()
            .with_server_certificate_hashes([wtransport::tls::Sha256Digest::new(hash)])
            .build();
        let endpoint =
            Endpoint::client(config).context("cannot start the WebTransport client endpoint")?;
        Ok(Self {
            endpoint,
            url: url.to_owned(),
        })
    }

    /// A new session (QUIC and TLS handshakes, then the HTTP/3 CONNECT).
    pub async fn session(&self) -> anyhow::Result<Connection> {
        self.endpoint
            .connect(ConnectOptions::builder(&self.url).build())
            .await
            .with_context(|| format!("WebTransport session to {} failed", self.url))
    }

    /// Closes every session still open and waits (briefly) until the relay
    /// has heard every close, so no session of this run outlives it there.
    pub async fn finish(&self) {
        self.endpoint.close(VarInt::from_u32(CLOSE_OK), b"");
        let _ = tokio::time::timeout(DRAIN_LIMIT, self.endpoint.wait_idle()).await;
    }

    /// A new session with one stream in it; closing the stream closes it.
    pub async fn session_with_stream(&self, chunk_bytes: usize) -> anyhow::Result<(WtTx, WtRx)> {
        let session = self.session().await?;
        let (mut tx, rx) = open_stream(&session, chunk_bytes).await?;
        tx.session = Some(session);
        Ok((tx, rx))
    }
}

/// A bidirectional stream on `session`; waits while the session already
/// holds as many streams as the relay allows. Reads come in chunks of up
/// to `chunk_bytes`.
pub async fn open_stream(session: &Connection, chunk_bytes: usize) -> anyhow::Result<(WtTx, WtRx)> {
    let (send, recv) = session
        .open_bi()
        .await
        .context("cannot open a WebTransport stream")?
        .await
        .context("cannot open a WebTransport stream")?;
    Ok((
        WtTx {
            send,
            session: None,
        },
        WtRx { recv, chunk_bytes },
    ))
}

/// Writes all of `data` (without copying it).
pub async fn send(tx: &mut WtTx, data: Bytes) -> anyhow::Result<()> {
    tx.send
        .quic_stream_mut()
        .write_chunk(data)
        .await
        .context("WebTransport stream write failed")
}

impl WtRx {
    /// The next bytes on the stream; `None` once the relay finished it.
    pub async fn recv(&mut self) -> anyhow::Result<Option<Bytes>> {
        let chunk = self
            .recv
            .quic_stream_mut()
            .read_chunk(self.chunk_bytes, true)
            .await
            .context("WebTransport stream read failed")?;
        Ok(chunk.map(|c| c.bytes))
    }
}

/// Finishes our side, reads until the relay finishes its side (the
/// service's EOF), then closes the session if the stream owns it.
pub async fn close(tx: &mut WtTx, rx: &mut WtRx) -> anyhow::Result<Closed> {
    tx.send
        .finish()
        .await
        .context("WebTransport stream finish failed")?;
    while rx.recv().await?.is_some() {}
    if let Some(session) = tx.session.take() {
        session.close(VarInt::from_u32(CLOSE_OK), b"");
    }
    Ok(Closed::Clean)
}
