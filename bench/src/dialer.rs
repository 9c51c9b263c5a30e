//! Where a run's sessions come from: a new connection per open for
//! WebSocket and TCP, a new QUIC session (with one stream) per open for
//! WebTransport, and, for the streams scenario, [`Channels`]: many streams
//! on one WebTransport session, or a session each elsewhere.

use anyhow::Context;
use wtransport::{Connection, VarInt};

use crate::{
    cli::{RunArgs, Target},
    conn::{Conn, ConnOptions},
    wt::{self, WtClient},
};

/// Opens sessions to the run's target.
pub struct Dialer {
    target: Target,
    /// The WebTransport client, for a WebTransport target.
    wt: Option<WtClient>,
}

impl Dialer {
    /// A dialer for `args.target`; for WebTransport it starts the client
    /// endpoint and learns the certificate's hash first (`--wt-lab` or
    /// `--wt-cert-sha256`).
    pub async fn new(args: &RunArgs) -> anyhow::Result<Self> {
        let wt = match &args.target {
            Target::Wt { url } => {
                let hash = match (&args.wt_cert_sha256, &args.wt_lab) {
                    (Some(hex), _) => wt::hash_from_hex(hex)?,
                    (None, Some(lab)) => wt::hash_from_lab(lab).await?,
                    (None, None) => {
                        anyhow::bail!("a WebTransport target needs --wt-lab or --wt-cert-sha256")
                    }
                };
                Some(WtClient::new(url, hash)?)
            }
            Target::Ws { .. } | Target::Tcp { .. } => None,
        };
        Ok(Self {
            target: args.target.clone(),
            wt,
        })
    }

    /// A new session (for WebTransport: a new session with one stream).
    pub async fn open(&self, options: ConnOptions) -> anyhow::Result<Conn> {
        match &self.wt {
            Some(client) => Ok(Conn::from_wt(
                client
                    .session_with_stream(options.read_buffer_bytes)
                    .await?,
            )),
            None => Conn::open(&self.target, options).await,
        }
    }

    /// Closes what is still open (WebTransport: and waits until the relay
    /// heard it); call at the end of a run.
    pub async fn finish(self) {
        if let Some(client) = &self.wt {
            client.finish().await;
        }
    }

    /// What the streams scenario opens: streams of one new WebTransport
    /// session, or sessions of their own for WebSocket and TCP.
    pub async fn channels(&self) -> anyhow::Result<Channels<'_>> {
        Ok(match &self.wt {
            Some(client) => Channels::Streams(client.session().await?),
            None => Channels::Sessions(self),
        })
    }
}

/// A source of channels: a stream, or a session standing in for one.
pub enum Channels<'a> {
    /// Each open is a new session.
    Sessions(&'a Dialer),
    /// Each open is a new stream on this one session.
    Streams(Connection),
}

impl Channels<'_> {
    /// A new channel; on a shared session it waits while the session holds
    /// as many streams as the relay allows (QUIC's stream credit).
    pub async fn open(&self, options: ConnOptions) -> anyhow::Result<Conn> {
        match self {
            Self::Sessions(dialer) => dialer.open(options).await,
            Self::Streams(session) => Ok(Conn::from_wt(
                wt::open_stream(session, options.read_buffer_bytes)
                    .await
                    .context("on the shared session")?,
            )),
        }
    }

    /// Closes the shared session, if there is one.
    pub fn close(self) {
        if let Self::Streams(session) = self {
            session.close(VarInt::from_u32(0), b"");
        }
    }
}
