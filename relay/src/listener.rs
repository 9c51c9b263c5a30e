//! The relay's listener. Before HTTP, a trusted proxy's PROXY header is
//! read (with `--proxy-protocol`) and TLS is set up, each in its own task off
//! the accept loop; every connection then becomes a [`RelayStream`].

use std::{
    io,
    net::{IpAddr, SocketAddr},
    sync::Arc,
    time::Duration,
};

use axum::{extract::connect_info::Connected, serve::IncomingStream};
use tokio::{
    net::{TcpListener, TcpStream},
    sync::mpsc,
};
use tokio_rustls::TlsAcceptor;

pub use crate::connection::{ConnShared, Peer, RelayStream, Transport};
use crate::proxy_protocol::{read_header, Rewind};

/// The relay's listener. PROXY headers and TLS handshakes are read in their
/// own tasks (under the request deadline), so one slow client never holds up
/// the others.
pub struct RelayListener {
    local: SocketAddr,
    source: Source,
    taps: bool,
    request_timeout: Duration,
}

/// Where [`RelayListener`] gets its connections.
enum Source {
    /// Plain HTTP with no PROXY headers: straight from the socket, with no
    /// hand-over between tasks.
    Direct(TcpListener, Backoff),
    /// From the accept loop, after the PROXY header and TLS handshake.
    Queued(mpsc::Receiver<(Transport, SocketAddr)>),
}

/// Connections accepted but not yet taken by the server.
const ACCEPT_QUEUE: usize = 1024;

/// What happens to a connection between `accept` and HTTP.
#[derive(Clone, Default)]
pub struct Handshake {
    /// Make every connection TLS.
    pub tls: Option<TlsAcceptor>,
    /// Read a PROXY header first on connections from these peers (and only
    /// from them); empty without `--proxy-protocol`.
    pub proxy_protocol_from: Vec<IpAddr>,
}

impl RelayListener {
    /// Wraps a bound listener; `handshake` says what precedes HTTP.
    pub fn new(
        inner: TcpListener,
        taps: bool,
        request_timeout: Duration,
        handshake: Handshake,
    ) -> io::Result<Self> {
        let local = inner.local_addr()?;
        let source = if handshake.tls.is_none() && handshake.proxy_protocol_from.is_empty() {
            Source::Direct(inner, Backoff::default())
        } else {
            let (tx, accepted) = mpsc::channel(ACCEPT_QUEUE);
            tokio::spawn(accept_loop(inner, tx, handshake, request_timeout));
            Source::Queued(accepted)
        };
        Ok(Self {
            local,
            source,
            taps,
            request_timeout,
        })
    }
}

/// The pause before retrying a failed `accept`, doubling up to 1 s.
struct Backoff(Duration);

impl Default for Backoff {
    fn default() -> Self {
        Self(Duration::from_millis(5))
    }
}

/// The next TCP connection, with Nagle off. A failed accept (e.g. out of file
/// descriptors) is logged and retried after a growing pause.
async fn accept_tcp(listener: &TcpListener, backoff: &mut Backoff) -> (TcpStream, SocketAddr) {
    loop {
        match listener.accept().await {
            Ok((stream, addr)) => {
                *backoff = Backoff::default();
                if let Err(err) = stream.set_nodelay(true) {
                    tracing::debug!(%err, "cannot set TCP_NODELAY");
                }
                return (stream, addr);
            }
            Err(err) => {
                tracing::warn!(%err, "accept failed; retrying");
                tokio::time::sleep(backoff.0).await;
                backoff.0 = (backoff.0 * 2).min(Duration::from_secs(1));
            }
        }
    }
}

/// Accepts TCP connections until the listener is dropped.
async fn accept_loop(
    listener: TcpListener,
    tx: mpsc::Sender<(Transport, SocketAddr)>,
    handshake: Handshake,
    handshake_timeout: Duration,
) {
    let handshake = Arc::new(handshake);
    let mut backoff = Backoff::default();
    loop {
        let (stream, addr) = tokio::select! {
            accepted = accept_tcp(&listener, &mut backoff) => accepted,
            () = tx.closed() => return,
        };
        // `to_canonical`: an IPv6 listener sees IPv4 proxies as `::ffff:a.b.c.d`.
        let proxied = handshake
            .proxy_protocol_from
            .contains(&addr.ip().to_canonical());
        if handshake.tls.is_none() && !proxied {
            if tx
                .send((Transport::Plain(Rewind::plain(stream)), addr))
                .await
                .is_err()
            {
                return;
            }
            continue;
        }
        let (handshake, tx) = (handshake.clone(), tx.clone());
        tokio::spawn(async move {
            let ready = tokio::time::timeout(
                handshake_timeout,
                prepare(stream, addr, proxied, handshake.tls.as_ref()),
            );
            match ready.await {
                Ok(Some(ready)) => {
                    let _server_gone = tx.send(ready).await;
                }
                Ok(None) => {}
                Err(_) if proxied => {
                    tracing::info!(peer = ?addr, "PROXY header or TLS handshake timed out")
                }
                Err(_) => tracing::info!(peer = ?addr, "TLS handshake timed out"),
            }
        });
    }
}

/// Reads the PROXY header (if `proxied`) and does the TLS handshake (if
/// `tls`); returns the transport and the client's address, or logs why not.
async fn prepare(
    stream: TcpStream,
    peer: SocketAddr,
    proxied: bool,
    tls: Option<&TlsAcceptor>,
) -> Option<(Transport, SocketAddr)> {
    let (stream, client) = if proxied {
        match read_header(stream).await {
            Ok((header, stream)) => {
                let client = header.source.unwrap_or(peer);
                tracing::debug!(proxy = ?peer, ?client, "PROXY header");
                (stream, client)
            }
            Err(err) => {
                tracing::warn!(proxy = ?peer, %err, "PROXY header refused; connection closed");
                return None;
            }
        }
    } else {
        (Rewind::plain(stream), peer)
    };
    let Some(acceptor) = tls else {
        return Some((Transport::Plain(stream), client));
    };
    match acceptor.accept(stream).await {
        Ok(tls) => Some((Transport::Tls(Box::new(tls)), client)),
        Err(err) => {
            tracing::info!(peer = ?client, %err, "TLS handshake failed");
            None
        }
    }
}

impl axum::serve::Listener for RelayListener {
    type Io = RelayStream;
    type Addr = Peer;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        let (transport, addr) = match &mut self.source {
            Source::Direct(listener, backoff) => {
                let (stream, addr) = accept_tcp(listener, backoff).await;
                (Transport::Plain(Rewind::plain(stream)), addr)
            }
            Source::Queued(accepted) => match accepted.recv().await {
                Some(accepted) => accepted,
                // The accept loop only ends when we are dropped; never resolve.
                None => return std::future::pending().await,
            },
        };
        let shared = Arc::new(ConnShared::new(self.taps, self.request_timeout));
        let io = RelayStream::new(transport, shared.clone());
        (io, Peer { addr, conn: shared })
    }

    fn local_addr(&self) -> io::Result<Self::Addr> {
        Ok(Peer {
            addr: self.local,
            conn: Arc::new(ConnShared::new(false, self.request_timeout)),
        })
    }
}

impl Connected<IncomingStream<'_, RelayListener>> for Peer {
    fn connect_info(stream: IncomingStream<'_, RelayListener>) -> Self {
        stream.remote_addr().clone()
    }
}
