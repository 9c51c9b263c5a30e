//! The lab: the listeners the page's live experiments aim at directly,
//! without the relay in between: a recorder on an ordinary port and one on a
//! port from the Fetch standard's bad-ports list.

use std::sync::Arc;

use anyhow::Context;
use protocol::{api::BAD_PORT_CANDIDATES, scenarios::targets::RECORDER, LabInfo};
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

use super::{
    banner_line, builtin_target,
    recorder::{self, RecorderLog},
};
use crate::targets::Target;

/// Default address of the recorder.
pub const DEFAULT_RECORDER_LISTEN: &str = "127.0.0.1:7008";

/// What [`start`] started.
pub struct Lab {
    /// The `recorder` target.
    pub target: Target,
    /// Lines for the start-up banner.
    pub banner: Vec<String>,
    /// What the recorders received, for `/api/recorder/<marker>`.
    pub log: Arc<RecorderLog>,
    /// The ports the page's experiments aim at (`tap` is the relay's to say).
    pub info: LabInfo,
}

/// Binds the recorder at `recorder_listen` and on the first free bad port,
/// and runs them until `shutdown`.
pub async fn start(recorder_listen: &str, shutdown: &CancellationToken) -> anyhow::Result<Lab> {
    let log = Arc::new(RecorderLog::default());
    let listener = TcpListener::bind(recorder_listen)
        .await
        .with_context(|| format!("cannot listen for the recorder on {recorder_listen} (use --recorder-listen or --no-lab)"))?;
    let addr = listener.local_addr()?;
    spawn_recorder(listener, log.clone(), shutdown);
    let target = builtin_target(RECORDER, addr, recorder::DESCRIPTION)?;
    let mut banner = vec![banner_line(RECORDER, addr)];

    let mut bad_port = None;
    for port in BAD_PORT_CANDIDATES {
        if let Ok(listener) = TcpListener::bind((addr.ip(), *port)).await {
            spawn_recorder(listener, log.clone(), shutdown);
            bad_port = Some(*port);
            banner.push(format!(
                "bad-port lab:  {}:{port} (browsers refuse this port)",
                addr.ip()
            ));
            break;
        }
    }
    if bad_port.is_none() {
        tracing::warn!("no port on the bad-ports list could be bound; that experiment is off");
    }
    let info = LabInfo {
        recorder_port: Some(addr.port()),
        bad_port,
        tap: false,
        recorder_loopback: addr.ip().is_loopback(),
        webtransport: None,
    };
    Ok(Lab {
        target,
        banner,
        log,
        info,
    })
}

fn spawn_recorder(listener: TcpListener, log: Arc<RecorderLog>, shutdown: &CancellationToken) {
    let port = listener.local_addr().map(|a| a.port()).unwrap_or(0);
    tokio::spawn(super::serve(
        "recorder",
        listener,
        shutdown.clone(),
        move |stream, token| recorder::handle(stream, token, log.clone(), port),
    ));
}
