//! What every request handler shares: the configuration, the relay's own
//! names, the caps, the taps, the metrics and the shutdown signal.

use std::sync::Arc;

use tokio_util::{sync::CancellationToken, task::TaskTracker};

use crate::{
    caps::SessionCaps, config::Config, hosts::KnownHosts, metrics::Metrics,
    services::builtins::Builtins, tap::TapHub,
};

/// State shared by every request.
pub struct AppState {
    /// The relay's configuration.
    pub config: Config,
    /// The built-in services' handles (the quotes, the recorders' log).
    pub builtins: Builtins,
    /// The names the relay answers to (see `crate::hosts`).
    pub hosts: KnownHosts,
    /// Cancelled when the relay shuts down; sessions then close with 1001.
    pub shutdown: CancellationToken,
    /// Tracks session tasks so shutdown can wait for them.
    pub sessions: TaskTracker,
    /// Open wire taps.
    pub taps: TapHub,
    /// Session limits, total and per client IP.
    pub caps: Arc<SessionCaps>,
    /// Counters for `/metrics`.
    pub metrics: Metrics,
}

impl AppState {
    /// State for a relay with this configuration, reached by these names.
    pub fn new(
        config: Config,
        builtins: Builtins,
        hosts: KnownHosts,
        shutdown: CancellationToken,
    ) -> Self {
        Self {
            taps: TapHub::new(!config.no_tap),
            caps: SessionCaps::new(
                config.limits.max_sessions,
                config.limits.max_sessions_per_ip,
            ),
            metrics: Metrics::default(),
            hosts,
            builtins,
            config,
            shutdown,
            sessions: TaskTracker::new(),
        }
    }
}
