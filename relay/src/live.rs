//! The live configuration: what a reload replaces as one piece. A request
//! reads it once, so it sees either the old settings or the new ones, never
//! a mix; a session keeps what it read for its whole life (its target, its
//! limits), so a reload never disturbs a session already open.

use std::net::SocketAddr;

use crate::{config::Limits, hosts::KnownHosts, origin::OriginPolicy, targets::Targets};

/// The settings new requests and sessions use.
#[derive(Debug, Clone)]
pub struct Live {
    /// The targets a page may name.
    pub targets: Targets,
    /// Which origins' pages may open sessions and taps.
    pub origins: OriginPolicy,
    /// The names the relay answers to.
    pub hosts: KnownHosts,
    /// Limits and timeouts for new sessions.
    pub limits: Limits,
}

impl Live {
    /// The live settings of a relay listening on `listen` and also reached
    /// by `public_hosts`; an error if one of those is not a host name.
    pub fn new(
        listen: SocketAddr,
        targets: Targets,
        origins: OriginPolicy,
        public_hosts: &[String],
        limits: Limits,
    ) -> anyhow::Result<Self> {
        Ok(Self {
            hosts: KnownHosts::new(listen, public_hosts)?,
            targets,
            origins,
            limits,
        })
    }
}
