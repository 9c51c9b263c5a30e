//! The lab: the listeners the page's live experiments aim at directly,
//! without the relay in between: a recorder on an ordinary port and one on a
//! port from the Fetch standard's bad-ports list.

use std::sync::Arc;

use anyhow::Context;
use protocol::{api::BAD_PORT_CANDIDATES, LabInfo};
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

use super::recorder::{self, RecorderLog};
use crate::{config::Config, targets::Target};

/// Default address of the recorder.
pub const DEFAULT_RECORDER_LISTEN: &str = "127.0.0.1:7008";

/// Binds the recorder at `recorder_listen` and on the first free bad port,
/// adds the `recorder` target, and fills in `config.lab`. Returns lines for
/// the start-up banner.
pub async fn start(
    config: &mut Config,
    recorder_listen: &str,
    shutdown: &CancellationToken,
) -> anyhow::Result<Vec<String>> {
    let log = Arc::new(RecorderLog::default());
    let listener = TcpListener::bind(recorder_listen)
        .await
        .with_context(|| format!("cannot listen for the recorder on {recorder_listen} (use --recorder-listen or --no-lab)"))?;
    let addr = listener.local_addr()?;
    spawn_recorder(listener, log.clone(), shutdown);
    let mut recorder = Target::new("recorder", &addr.to_string(), recorder::DESCRIPTION)?;
    recorder.builtin = true;
    config.targets.add(recorder)?;
    let mut banner = vec![format!("recorder:      nc {} {}", addr.ip(), addr.port())];

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
    config.lab = LabInfo {
        recorder_port: Some(addr.port()),
        bad_port,
        tap: !config.no_tap,
    };
    config.recorder_log = Some(log);
    Ok(banner)
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
