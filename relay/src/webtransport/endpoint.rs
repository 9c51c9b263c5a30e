//! The door itself: the QUIC endpoint, its accept loop, and the checks a
//! session request (an HTTP/3 extended CONNECT) passes before it is accepted.

use std::{collections::HashMap, net::UdpSocket, sync::Arc, time::Duration};

use anyhow::Context;
use axum::{extract::Query, http::Uri};
use protocol::{api::AUTH_QUERY, WebTransportInfo, WT_PATH_PREFIX};
use tokio_util::sync::CancellationToken;
use tracing::Instrument;
use wtransport::{
    endpoint::{endpoint_side::Server, IncomingSession, SessionRequest},
    Endpoint, ServerConfig,
};

use super::{
    cert::DoorCerts, session::run_session, socket::widen_buffers, transport_config, RENEW_EVERY,
};
use crate::{
    admission::{admit, Admitted, SessionAsk},
    caps::CapError,
    config::Limits,
    hosts::HostCheck,
    refusal::Refusal,
    state::AppState,
};

/// How long the endpoint gets to send its last packets at shutdown.
const CLOSE_DEADLINE: Duration = Duration::from_secs(2);

/// A running WebTransport endpoint and its certificate.
pub struct WebTransportDoor {
    endpoint: Endpoint<Server>,
    certs: Arc<DoorCerts>,
    port: u16,
}

impl WebTransportDoor {
    /// An endpoint on `socket` (already bound: tests bind port 0) serving
    /// `certs`, with the QUIC settings of [`transport_config`].
    pub fn new(socket: UdpSocket, certs: DoorCerts, limits: &Limits) -> anyhow::Result<Self> {
        let port = socket.local_addr()?.port();
        // quinn drives the socket from the runtime.
        socket.set_nonblocking(true)?;
        widen_buffers(&socket)?;
        let config = ServerConfig::builder()
            .with_bind_socket(socket)
            .with_custom_tls_and_transport(certs.tls_config()?, transport_config(limits.keepalive))
            .build();
        let endpoint =
            Endpoint::server(config).context("cannot start the webtransport endpoint")?;
        Ok(Self {
            endpoint,
            certs: Arc::new(certs),
            port,
        })
    }

    /// What `/api/lab` tells the page about this door.
    pub fn info(&self) -> WebTransportInfo {
        WebTransportInfo {
            port: self.port,
            cert_sha256: self.certs.sha256_hex(),
            self_signed: self.certs.is_self_signed(),
        }
    }
}

/// Accepts sessions until `shutdown`; sessions then close themselves, and
/// the endpoint gets [`CLOSE_DEADLINE`] to tell their pages.
pub async fn serve(state: Arc<AppState>, shutdown: CancellationToken) {
    let Some(door) = &state.webtransport else {
        return;
    };
    door.certs.spawn_renewal(RENEW_EVERY, shutdown.clone());
    loop {
        let incoming = tokio::select! {
            incoming = door.endpoint.accept() => incoming,
            () = shutdown.cancelled() => break,
        };
        let state = state.clone();
        let sessions = state.sessions.clone();
        sessions.spawn(open_or_refuse(incoming, state));
    }
    // The sessions close their connections when `shutdown` fires; this
    // waits until those closes are sent (or the deadline).
    state.sessions.close();
    let _ = tokio::time::timeout(crate::server::SHUTDOWN_DEADLINE, state.sessions.wait()).await;
    if tokio::time::timeout(CLOSE_DEADLINE, door.endpoint.wait_idle())
        .await
        .is_err()
    {
        tracing::debug!("webtransport connections still closing at the deadline");
    }
}

/// The QUIC handshake and the CONNECT, within the request timeout; then
/// the checks, and the session or its refusal.
async fn open_or_refuse(incoming: IncomingSession, state: Arc<AppState>) {
    let peer = incoming.remote_address();
    let limits = state.live().limits.clone();
    let request = match tokio::time::timeout(limits.request_timeout, incoming).await {
        Ok(Ok(request)) => request,
        Ok(Err(err)) => {
            tracing::debug!(%peer, %err, "webtransport handshake failed");
            return;
        }
        Err(_) => {
            tracing::debug!(%peer, "webtransport handshake timed out");
            return;
        }
    };
    let admitted = match check(&state, &request) {
        Ok(admitted) => admitted,
        Err(refusal) => {
            refuse(request, refusal, &state).await;
            return;
        }
    };
    let client = peer.ip().to_canonical();
    let permit = match state.caps.acquire(client) {
        Ok(permit) => permit,
        Err(err) => {
            refuse(request, Refusal::Cap(err), &state).await;
            return;
        }
    };
    let origin = request.origin().unwrap_or("-").to_owned();
    let connection = match request.accept().await {
        Ok(connection) => connection,
        Err(err) => {
            tracing::debug!(%peer, %err, "webtransport session lost before it opened");
            return;
        }
    };
    let target = admitted.target;
    let span = tracing::debug_span!("webtransport", %peer, target = %target.name, %origin);
    run_session(connection, target, limits, origin, state, permit)
        .instrument(span)
        .await;
}

/// The checks of a WebSocket upgrade, on a CONNECT: host name, origin,
/// target, token.
fn check(state: &AppState, request: &SessionRequest) -> Result<Admitted, Refusal> {
    let live = state.live();
    let host = match live.hosts.check_authority(request.authority()) {
        HostCheck::Known(host) => host,
        HostCheck::Missing => return Err(Refusal::MissingHost),
        HostCheck::Unknown(host) => return Err(Refusal::UnknownHost(host)),
    };
    let uri: Uri = request
        .path()
        .parse()
        .map_err(|_| Refusal::UnknownTarget(String::new()))?;
    let name = uri
        .path()
        .strip_prefix(WT_PATH_PREFIX)
        .ok_or_else(|| Refusal::UnknownTarget(uri.path().to_owned()))?;
    let query: HashMap<String, String> = Query::try_from_uri(&uri)
        .map(|Query(query)| query)
        .unwrap_or_default();
    let pages = live.hosts.page_authorities(&host, state.listen.port());
    admit(
        &live,
        &SessionAsk {
            pages: &pages,
            origin: request.origin(),
            name,
            token: query.get(AUTH_QUERY).map(String::as_str),
        },
    )
}

/// Answers a refused CONNECT with the nearest status HTTP/3 WebTransport
/// lets the relay send (`wtransport` offers 403, 404 and 429): logged and
/// counted like a refused upgrade, under the door's own metric.
async fn refuse(request: SessionRequest, refusal: Refusal, state: &AppState) {
    let peer = request.remote_address();
    tracing::info!(%peer, door = "webtransport", reason = refusal.label(), ?refusal, "request refused");
    state.metrics.webtransport_refused(refusal.label());
    match refusal {
        Refusal::UnknownTarget(_) => request.not_found().await,
        Refusal::Cap(CapError::PerIp(_) | CapError::Total(_)) => request.too_many_requests().await,
        _ => request.forbidden().await,
    }
}
