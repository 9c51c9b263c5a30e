//! The relay's configuration: targets and limits, from CLI flags and an
//! optional TOML file.
//!
//! ```toml
//! [targets]
//! redis = "127.0.0.1:6379"
//! smtp = { address = "127.0.0.1:25", description = "local mail server" }
//!
//! [limits]
//! max_message_bytes = 1048576
//! connect_timeout_ms = 5000
//! ```
//!
//! How flags and files are layered, and read again on a reload, is in
//! `crate::sources`.

use std::{path::PathBuf, time::Duration};

use anyhow::{anyhow, bail, Context};
use serde::Deserialize;

use crate::{
    send_proxy::ProxyVersion,
    targets::{Target, Targets},
};

/// Everything [`crate::run`] needs besides the listener and the built-in
/// services' handles: plain data.
#[derive(Clone, Default)]
pub struct Config {
    /// Named TCP targets (the built-in demo services included).
    pub targets: Targets,
    /// Size limits and timeouts.
    pub limits: Limits,
    /// Serve the page from this directory instead of the copy embedded at
    /// build time (handy while developing the frontend).
    pub dist_dir: Option<PathBuf>,
    /// Serve TLS (`https://`, `wss://`) with the certificate and key in
    /// these files.
    pub tls: Option<crate::tls::TlsFiles>,
    /// Which browser origins may open sessions and taps.
    pub origins: crate::origin::OriginPolicy,
    /// Names the relay is reached by besides loopback and its listen address
    /// (`--public-host`; see `crate::hosts`).
    pub public_hosts: Vec<String>,
    /// Reverse proxies whose `X-Forwarded-For` is believed (see `client_ip`).
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// Trusted proxies open each connection with a PROXY protocol header
    /// naming the client (see `proxy_protocol`).
    pub proxy_protocol: bool,
    /// Serve `/ws-echo`, a WebSocket endpoint echoing messages itself (for
    /// conformance tests of the WebSocket layer).
    pub ws_echo: bool,
    /// Refuse wire taps (`/tap`): pages then see messages but not frames.
    pub no_tap: bool,
    /// Where targets, tokens, origins, hosts, limits and the certificate
    /// were read from: read again on SIGHUP and when the config file
    /// changes (see `crate::reload`). `None`: nothing reloads.
    pub reload: Option<crate::sources::Sources>,
}

/// Size limits and timeouts, each with a safe default.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Largest WebSocket message (and frame) accepted from a browser.
    pub max_message_bytes: usize,
    /// How long to wait for a target to accept a TCP connection.
    pub connect_timeout: Duration,
    /// After the TCP side closed and the relay sent its close frame, how long
    /// to wait for the browser's close reply.
    pub close_grace: Duration,
    /// Largest chunk read from the TCP side and sent as one binary message.
    pub read_chunk_bytes: usize,
    /// Ping interval; a browser silent for twice this long is dropped.
    pub keepalive: Duration,
    /// Sessions with no data either way for this long are closed (1001).
    pub idle_timeout: Duration,
    /// A TCP service that takes none of the browser's bytes for this long is
    /// stuck: the session is closed (1011).
    pub upstream_stall: Duration,
    /// A connection must send a complete HTTP request (the upgrade included)
    /// within this long of connecting or of its previous response.
    pub request_timeout: Duration,
    /// Sessions open at once, relay-wide (503 beyond).
    pub max_sessions: usize,
    /// Sessions open at once from one client IP (429 beyond).
    pub max_sessions_per_ip: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_message_bytes: 1 << 20,
            connect_timeout: Duration::from_secs(5),
            close_grace: Duration::from_secs(5),
            read_chunk_bytes: 64 << 10,
            keepalive: Duration::from_secs(30),
            idle_timeout: Duration::from_secs(600),
            upstream_stall: Duration::from_secs(60),
            request_timeout: Duration::from_secs(10),
            max_sessions: 20_000,
            max_sessions_per_ip: 256,
        }
    }
}

/// The TOML file's shape.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    /// `HOST:PORT` the relay listens on (a `--listen` flag wins).
    pub listen: Option<String>,
    /// Names the relay is reached by, added to `--public-host`.
    #[serde(default)]
    pub public_hosts: Vec<String>,
    /// Origins whose pages may open sessions, added to `--allow-origin`.
    #[serde(default)]
    pub allow_origins: Vec<String>,
    /// Target name → `"HOST:PORT"` or `{ address, description }`, with
    /// where in the file each one is (for errors).
    #[serde(default)]
    pub targets: indexmap::IndexMap<String, toml::Spanned<toml::Value>>,
    /// Limits; missing fields keep their defaults.
    #[serde(default)]
    pub limits: FileLimits,
    /// `[tls]`: the certificate and key (`--tls-cert`/`--tls-key` win).
    pub tls: Option<FileTls>,
    /// The file's text, for turning positions into line numbers.
    #[serde(skip)]
    text: String,
}

/// `[tls]` in the TOML file: PEM files, relative to the config file's
/// directory unless absolute.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileTls {
    /// The certificate chain.
    pub cert: PathBuf,
    /// Its private key.
    pub key: PathBuf,
}

/// `[limits]` in the TOML file.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileLimits {
    /// See [`Limits::max_message_bytes`].
    pub max_message_bytes: Option<usize>,
    /// See [`Limits::connect_timeout`], in milliseconds.
    pub connect_timeout_ms: Option<u64>,
    /// See [`Limits::keepalive`], in seconds.
    pub keepalive_secs: Option<u64>,
    /// See [`Limits::idle_timeout`], in seconds.
    pub idle_timeout_secs: Option<u64>,
    /// See [`Limits::upstream_stall`], in seconds.
    pub upstream_stall_secs: Option<u64>,
    /// See [`Limits::request_timeout`], in milliseconds.
    pub request_timeout_ms: Option<u64>,
    /// See [`Limits::max_sessions`].
    pub max_sessions: Option<usize>,
    /// See [`Limits::max_sessions_per_ip`].
    pub max_sessions_per_ip: Option<usize>,
}

impl FileConfig {
    /// Parses the TOML text of a config file.
    pub fn parse(text: &str) -> anyhow::Result<Self> {
        let mut file: Self = toml::from_str(text).map_err(|err| {
            // One line, for the log: where, then what (toml's own message
            // draws the line with a caret over several).
            let what = err.message().trim().replace('\n', "; ");
            match err.span() {
                Some(span) => anyhow!("line {}: {what}", line_of(text, span.start)),
                None => anyhow!("{what}"),
            }
            .context("invalid relay config")
        })?;
        file.text = text.to_owned();
        Ok(file)
    }

    /// Reads and parses a config file.
    pub fn load(path: &std::path::Path) -> anyhow::Result<Self> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read config file {}", path.display()))?;
        Self::parse(&text).with_context(|| format!("in {}", path.display()))
    }

    /// The targets the file defines, in file order. An error names the
    /// line the bad target is on.
    pub fn targets(&self) -> anyhow::Result<Vec<Target>> {
        let mut out = Vec::new();
        for (name, value) in &self.targets {
            let target = Self::target(name, value.get_ref())
                .with_context(|| format!("line {}", line_of(&self.text, value.span().start)))?;
            out.push(target);
        }
        Ok(out)
    }

    fn target(name: &str, value: &toml::Value) -> anyhow::Result<Target> {
        Ok(match value {
            toml::Value::String(address) => Target::new(name, address, "")?,
            toml::Value::Table(table) => {
                let Some(address) = table.get("address").and_then(|v| v.as_str()) else {
                    bail!("target {name:?} needs an address = \"HOST:PORT\"");
                };
                let description = table
                    .get("description")
                    .and_then(|v| v.as_str())
                    .unwrap_or("");
                let known = ["address", "description", "token", "send_proxy"];
                if let Some(extra) = table.keys().find(|k| !known.contains(&k.as_str())) {
                    bail!("target {name:?}: unknown key {extra:?}");
                }
                let mut target = Target::new(name, address, description)?;
                if let Some(token) = table.get("token") {
                    let Some(token) = token.as_str().filter(|t| !t.is_empty()) else {
                        bail!("target {name:?}: token must be a non-empty string");
                    };
                    target.token = Some(token.to_owned());
                }
                if let Some(version) = table.get("send_proxy") {
                    let Some(version) = version.as_str().and_then(ProxyVersion::parse) else {
                        bail!("target {name:?}: send_proxy must be \"v1\" or \"v2\"");
                    };
                    target = target.with_send_proxy(version)?;
                }
                target
            }
            _ => {
                bail!("target {name:?} must be \"HOST:PORT\" or {{ address = \"HOST:PORT\" }}")
            }
        })
    }
}

/// The 1-based line of a byte offset in `text`.
fn line_of(text: &str, offset: usize) -> usize {
    let before = text.get(..offset).unwrap_or(text);
    before.matches('\n').count() + 1
}

impl FileLimits {
    /// Sets each limit given here over `limits` (the file's, then the flags',
    /// through this one overlay).
    pub fn apply(&self, limits: &mut Limits) {
        if let Some(bytes) = self.max_message_bytes {
            limits.max_message_bytes = bytes;
        }
        if let Some(ms) = self.connect_timeout_ms {
            limits.connect_timeout = Duration::from_millis(ms);
        }
        if let Some(secs) = self.keepalive_secs {
            limits.keepalive = Duration::from_secs(secs.max(1));
        }
        if let Some(ms) = self.request_timeout_ms {
            limits.request_timeout = Duration::from_millis(ms.max(1));
        }
        if let Some(n) = self.max_sessions {
            limits.max_sessions = n;
        }
        if let Some(n) = self.max_sessions_per_ip {
            limits.max_sessions_per_ip = n;
        }
        if let Some(secs) = self.idle_timeout_secs {
            limits.idle_timeout = Duration::from_secs(secs.max(1));
        }
        if let Some(secs) = self.upstream_stall_secs {
            limits.upstream_stall = Duration::from_secs(secs.max(1));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_both_target_forms_in_order() {
        let file = FileConfig::parse(
            r#"
            listen = "127.0.0.1:9000"
            [targets]
            redis = "127.0.0.1:6379"
            smtp = { address = "127.0.0.1:25", description = "mail" }
            web = { address = "unix:/run/web.sock", send_proxy = "v2" }
            [limits]
            connect_timeout_ms = 250
            "#,
        )
        .unwrap();
        let targets = file.targets().unwrap();
        assert_eq!(targets[0].name, "redis");
        assert_eq!(targets[1].address.to_string(), "127.0.0.1:25");
        assert_eq!(targets[1].description, "mail");
        assert_eq!(targets[2].address.to_string(), "unix:/run/web.sock");
        assert_eq!(targets[2].send_proxy, Some(ProxyVersion::V2));
        let mut limits = Limits::default();
        file.limits.apply(&mut limits);
        assert_eq!(limits.connect_timeout, Duration::from_millis(250));
        assert_eq!(
            limits.max_message_bytes,
            Limits::default().max_message_bytes
        );
    }

    #[test]
    fn bad_files_give_clear_errors() {
        let err = |text: &str| {
            FileConfig::parse(text)
                .and_then(|f| f.targets())
                .map(|_| ())
                .map_err(|e| format!("{e:#}"))
                .unwrap_err()
        };
        assert!(err("[targets]\nx = 5").contains("must be"));
        assert!(err("[targets]\nx = { description = \"d\" }").contains("needs an address"));
        assert!(err("[targets]\nx = { address = \"h:1\", port = 2 }").contains("unknown key"));
        assert!(err("[targets]\nx = { address = \"h:1\", token = 2 }").contains("token"));
        assert!(err("[targets]\nx = \"nohostport\"").contains("HOST:PORT"));
        assert!(err("[targets]\nx = { address = \"h:1\", send_proxy = \"v3\" }").contains("v1"));
        assert!(
            err("[targets]\nx = { address = \"udp://h:1\", send_proxy = \"v1\" }")
                .contains("not UDP")
        );
        assert!(format!("{:#}", FileConfig::parse("bogus = 1").unwrap_err()).contains("bogus"));
    }

    #[test]
    fn errors_name_the_line() {
        let file = FileConfig::parse("[targets]\nok = \"h:1\"\n\nbad = \"h\"\n").unwrap();
        let err = format!("{:#}", file.targets().unwrap_err());
        assert!(err.starts_with("line 4: "), "{err}");
        let err = format!(
            "{:#}",
            FileConfig::parse("[targets]\nx = = 1\n").unwrap_err()
        );
        assert!(err.contains("line 2"), "{err}");
    }
}
