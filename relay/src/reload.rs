//! Reloading without a restart. SIGHUP, or a change to the config file (or
//! to the certificate or key files), reads every source again; if all of it
//! is valid, the live settings and the certificate are replaced at once.
//! Anything wrong (syntax, a bad name, an unreadable certificate) changes
//! nothing: the error is logged with the file and line, and counted.
//!
//! Sessions already open are not touched: each holds the target and limits
//! it was opened with (see `crate::live`), and TLS sessions keep their keys.

use std::{
    path::{Path, PathBuf},
    sync::Arc,
    time::Duration,
};

use anyhow::{bail, Context};
use notify::{RecursiveMode, Watcher};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use crate::{live::Live, sources::Sources, state::AppState};

/// How long the files must stay unchanged before a change is read: an
/// editor or `cp` writes a file in several steps.
pub const DEBOUNCE: Duration = Duration::from_millis(300);

/// Reads `sources` again and, if everything in them is valid, puts it in
/// force. On error nothing changes.
pub fn reload(state: &AppState, sources: &Sources) -> anyhow::Result<()> {
    let settings = sources.read()?;
    let cert = match (&settings.tls, &state.tls) {
        (Some(files), Some(_)) => Some(files.load()?),
        (None, None) => None,
        _ => bail!("TLS cannot be turned on or off by a reload: restart the relay"),
    };
    let live = Live::new(
        state.listen,
        settings.targets,
        settings.origins,
        &settings.public_hosts,
        settings.limits,
    )?;
    let moved = settings.listen.as_deref().and_then(|l| l.parse().ok());
    if moved.is_some_and(|addr: std::net::SocketAddr| addr != state.listen) {
        tracing::warn!(now = %state.listen, "a new listen address needs a restart; still listening where it was");
    }
    // Everything is valid: put it in force.
    if let (Some(tls), Some(cert)) = (&state.tls, cert) {
        tls.certs.replace(cert);
    }
    state
        .caps
        .set_limits(live.limits.max_sessions, live.limits.max_sessions_per_ip);
    let names: Vec<&str> = live.targets.iter().map(|t| t.name.as_str()).collect();
    tracing::info!(targets = %names.join(", "), "configuration reloaded");
    state.live.store(Arc::new(live));
    Ok(())
}

/// Reloads on SIGHUP and whenever one of the files changes, until `shutdown`.
pub fn spawn(
    state: Arc<AppState>,
    sources: Sources,
    shutdown: CancellationToken,
) -> anyhow::Result<()> {
    let (tx, mut rx) = mpsc::channel::<&'static str>(1);
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let mut hup = signal(SignalKind::hangup()).context("cannot listen for SIGHUP")?;
        let tx = tx.clone();
        tokio::spawn(async move {
            while hup.recv().await.is_some() {
                // A reload already waiting covers this one too.
                let _ = tx.try_send("SIGHUP");
            }
        });
    }
    // Dropped (and stopped) when the loop below ends.
    let watcher = watch_files(&sources, tx);
    tokio::spawn(async move {
        let _watcher = watcher;
        loop {
            let why = tokio::select! {
                why = rx.recv() => match why {
                    Some(why) => why,
                    None => return,
                },
                () = shutdown.cancelled() => return,
            };
            if why != "SIGHUP" {
                // Wait until the files are quiet.
                while let Ok(Some(_)) = tokio::time::timeout(DEBOUNCE, rx.recv()).await {}
            }
            let (state2, sources2) = (state.clone(), sources.clone());
            let result = tokio::task::spawn_blocking(move || reload(&state2, &sources2)).await;
            match result {
                Ok(Ok(())) => state.metrics.config_reloaded(true),
                Ok(Err(err)) => {
                    state.metrics.config_reloaded(false);
                    tracing::error!(
                        trigger = why,
                        "reload failed, the configuration in force is unchanged: {err:#}"
                    );
                }
                Err(err) => {
                    state.metrics.config_reloaded(false);
                    tracing::error!(trigger = why, %err, "reload failed");
                }
            }
        }
    });
    Ok(())
}

/// The files whose change triggers a reload: the config file, and the
/// certificate and key the flags name.
fn watched_files(sources: &Sources) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = sources.config_file.iter().cloned().collect();
    files.extend(sources.websockify_token_file.iter().cloned());
    if let Some(tls) = &sources.flags.tls {
        files.extend([tls.cert.clone(), tls.key.clone()]);
    }
    files
}

/// Watches the directories of the files (editors and `mv` replace a file,
/// which a watch on the file itself would miss) and sends a notice for any
/// event on one of the files. `None` (and a warning) if watching fails:
/// SIGHUP still works.
fn watch_files(
    sources: &Sources,
    tx: mpsc::Sender<&'static str>,
) -> Option<notify::RecommendedWatcher> {
    let files = watched_files(sources);
    if files.is_empty() {
        return None;
    }
    let absolute = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.to_owned());
    let files: Vec<PathBuf> = files.iter().map(|f| absolute(f)).collect();
    let names = files.clone();
    let handler = move |event: notify::Result<notify::Event>| {
        let Ok(event) = event else { return };
        if event.kind.is_access() {
            return;
        }
        if event.paths.iter().any(|p| names.contains(p)) {
            let _ = tx.try_send("file change");
        }
    };
    let mut watcher = match notify::recommended_watcher(handler) {
        Ok(watcher) => watcher,
        Err(err) => {
            tracing::warn!(%err, "cannot watch the config file; reload with SIGHUP");
            return None;
        }
    };
    let mut dirs: Vec<&Path> = files.iter().filter_map(|f| f.parent()).collect();
    dirs.sort();
    dirs.dedup();
    for dir in dirs {
        if let Err(err) = watcher.watch(dir, RecursiveMode::NonRecursive) {
            tracing::warn!(dir = %dir.display(), %err, "cannot watch this directory; reload with SIGHUP");
        }
    }
    Some(watcher)
}
