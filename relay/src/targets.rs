//! Named targets: TCP, UDP or Unix-domain services. The browser names a target; only the relay's
//! configuration maps names to addresses, so a page can never steer the
//! relay to an address of its choosing.

use protocol::{api::is_valid_target_name, TargetInfo, TargetList};
use thiserror::Error;

use crate::{
    address::{Address, Transport},
    send_proxy::ProxyVersion,
};

/// One service the relay bridges to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// The name used in `/ws/<name>`.
    pub name: String,
    /// Where the service is (`host:port`, `udp://host:port`, `unix:/path`).
    pub address: Address,
    /// Shown next to the name in the page.
    pub description: String,
    /// True for the demo services the relay hosts itself.
    pub builtin: bool,
    /// A session must present this token (see `crate::auth`).
    pub token: Option<String>,
    /// Begin each connection with a PROXY header naming the visitor.
    pub send_proxy: Option<ProxyVersion>,
}

/// Why a target definition was rejected.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum TargetError {
    /// The name has characters outside `[A-Za-z0-9_-]` or is too long.
    #[error("target name {0:?} must be 1-64 characters of A-Z, a-z, 0-9, '-' or '_'")]
    BadName(String),
    /// The address is none of `host:port`, `udp://host:port`, `unix:/path`.
    #[error(
        "target {name:?}: address {address:?} must be HOST:PORT, udp://HOST:PORT or unix:/PATH"
    )]
    BadAddress {
        /// The target's name.
        name: String,
        /// The address given.
        address: String,
    },
    /// `--target` was not `NAME=ADDRESS`.
    #[error("expected NAME=HOST:PORT (or NAME=udp://HOST:PORT, NAME=unix:/PATH), got {0:?}")]
    BadSpec(String),
    /// `send_proxy` on a UDP target: a PROXY header opens a stream.
    #[error("target {0:?}: send_proxy needs a stream (a TCP or unix: address), not UDP")]
    ProxyOverUdp(String),
    /// The same name was defined twice.
    #[error("target {0:?} is defined twice")]
    Duplicate(String),
}

impl Target {
    /// A target after checking its name and address.
    pub fn new(name: &str, address: &str, description: &str) -> Result<Self, TargetError> {
        if !is_valid_target_name(name) {
            return Err(TargetError::BadName(name.to_owned()));
        }
        let Some(parsed) = Address::parse(address) else {
            return Err(TargetError::BadAddress {
                name: name.to_owned(),
                address: address.to_owned(),
            });
        };
        Ok(Self {
            name: name.to_owned(),
            address: parsed,
            description: description.to_owned(),
            builtin: false,
            token: None,
            send_proxy: None,
        })
    }

    /// Sets `send_proxy`, which only a stream target can have.
    pub fn with_send_proxy(mut self, version: ProxyVersion) -> Result<Self, TargetError> {
        if self.address.transport() == Transport::Udp {
            return Err(TargetError::ProxyOverUdp(self.name));
        }
        self.send_proxy = Some(version);
        Ok(self)
    }

    /// Parses a `--target NAME=HOST:PORT` flag.
    pub fn parse_spec(spec: &str) -> Result<Self, TargetError> {
        let (name, address) = spec
            .split_once('=')
            .ok_or_else(|| TargetError::BadSpec(spec.to_owned()))?;
        Self::new(name.trim(), address.trim(), "")
    }
}

/// The set of targets, in the order they were configured.
#[derive(Debug, Clone, Default)]
pub struct Targets {
    list: Vec<Target>,
}

impl Targets {
    /// Adds a target; a name may be defined once.
    pub fn add(&mut self, target: Target) -> Result<(), TargetError> {
        if self.get(&target.name).is_some() {
            return Err(TargetError::Duplicate(target.name));
        }
        self.list.push(target);
        Ok(())
    }

    /// The target with this exact name.
    pub fn get(&self, name: &str) -> Option<&Target> {
        self.list.iter().find(|t| t.name == name)
    }

    /// Number of targets.
    pub fn len(&self) -> usize {
        self.list.len()
    }

    /// True when no target is configured.
    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// Iterates in configuration order.
    pub fn iter(&self) -> impl Iterator<Item = &Target> {
        self.list.iter()
    }

    /// What `GET /api/targets` returns: names and descriptions, no addresses.
    pub fn to_api(&self) -> TargetList {
        TargetList {
            targets: self
                .list
                .iter()
                .map(|t| TargetInfo {
                    name: t.name.clone(),
                    description: t.description.clone(),
                    builtin: t.builtin,
                    needs_token: t.token.is_some(),
                    datagrams: t.address.transport() == Transport::Udp,
                })
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_flag_specs() {
        let t = Target::parse_spec("redis=127.0.0.1:6379").unwrap();
        assert_eq!(t.name, "redis");
        assert_eq!(t.address, Address::Tcp("127.0.0.1:6379".into()));
        let t = Target::parse_spec("v6=[::1]:25").unwrap();
        assert_eq!(t.address, Address::Tcp("[::1]:25".into()));
        let t = Target::parse_spec("dns=udp://127.0.0.1:53").unwrap();
        assert_eq!(t.address, Address::Udp("127.0.0.1:53".into()));
        let t = Target::parse_spec("cache=unix:/run/redis.sock").unwrap();
        assert_eq!(t.address, Address::Unix("/run/redis.sock".into()));
    }

    #[test]
    fn rejects_bad_specs() {
        assert_eq!(
            Target::parse_spec("redis"),
            Err(TargetError::BadSpec("redis".into()))
        );
        assert!(matches!(
            Target::parse_spec("a/b=h:1"),
            Err(TargetError::BadName(_))
        ));
        for addr in ["host", "host:", ":80", "host:0", "host:99999", "host:http"] {
            assert!(
                matches!(
                    Target::new("x", addr, ""),
                    Err(TargetError::BadAddress { .. })
                ),
                "{addr} accepted"
            );
        }
    }

    #[test]
    fn names_are_unique_and_api_hides_addresses() {
        let mut targets = Targets::default();
        targets
            .add(Target::new("redis", "10.0.0.5:6379", "cache").unwrap())
            .unwrap();
        assert_eq!(
            targets.add(Target::new("redis", "h:1", "").unwrap()),
            Err(TargetError::Duplicate("redis".into()))
        );
        targets
            .add(Target::new("dns", "udp://10.0.0.53:53", "").unwrap())
            .unwrap();
        let api = targets.to_api();
        assert_eq!(
            api.targets.iter().map(|t| t.datagrams).collect::<Vec<_>>(),
            [false, true]
        );
        let json = serde_json::to_string(&api).unwrap();
        assert!(json.contains("redis") && json.contains("cache"));
        assert!(!json.contains("10.0.0."), "address leaked: {json}");
    }

    #[test]
    fn send_proxy_needs_a_stream() {
        let udp = Target::new("dns", "udp://h:53", "").unwrap();
        assert_eq!(
            udp.with_send_proxy(ProxyVersion::V1),
            Err(TargetError::ProxyOverUdp("dns".into()))
        );
        let unix = Target::new("web", "unix:/run/web.sock", "").unwrap();
        assert!(unix.with_send_proxy(ProxyVersion::V2).is_ok());
    }
}
