//! The built-in services, started in one place: echo (TCP and UDP), the lab (recorders)
//! and the scenario services. What they hand back is kept apart from the
//! configuration: their targets join the configured ones, their banner
//! lines go to the start-up banner, and their handles (the quotes behind
//! `/api/quotes`, the recorders' log) go to the relay's state.

use std::sync::Arc;

use anyhow::Context;
use protocol::{scenarios::targets, LabInfo};
use tokio::net::{TcpListener, TcpStream, UdpSocket};
use tokio_util::sync::CancellationToken;

use super::{
    banner_line, builtin_target, echo, lab, lossy,
    quotes::Quotes,
    recorder::RecorderLog,
    scenarios::{self, ScenarioAddrs, ScenarioListen},
};
use crate::{address::Address, targets::Target};

/// Default address of the echo service.
pub const ECHO_LISTEN: &str = "127.0.0.1:7007";

/// Where each built-in service listens; `None` leaves it off.
#[derive(Debug, Clone)]
pub struct BuiltinListen {
    /// The echo service (target `echo`).
    pub echo: Option<String>,
    /// The lab's recorder (target `recorder`, plus a bad-port listener).
    pub recorder: Option<String>,
    /// The lossy service (targets `lossy` and `udp-lossy`).
    pub lossy: Option<String>,
    /// The scenario services.
    pub scenarios: Option<ScenarioListen>,
}

impl BuiltinListen {
    /// Nothing built in.
    pub fn none() -> Self {
        Self {
            echo: None,
            recorder: None,
            lossy: None,
            scenarios: None,
        }
    }

    /// Everything, each on a free loopback port (for tests).
    pub fn ephemeral() -> Self {
        Self {
            echo: Some("127.0.0.1:0".into()),
            recorder: Some("127.0.0.1:0".into()),
            lossy: Some("127.0.0.1:0".into()),
            scenarios: Some(ScenarioListen::ephemeral()),
        }
    }
}

/// The running built-in services' handles, for the relay's state. The
/// default is none running.
#[derive(Clone, Default)]
pub struct Builtins {
    /// The simulated market behind the quotes service, for `GET /api/quotes`.
    pub quotes: Option<Arc<Quotes>>,
    /// What the recorders received, for `/api/recorder/<marker>`.
    pub recorder_log: Option<Arc<RecorderLog>>,
    /// The ports the page's experiments aim at.
    pub lab: LabInfo,
    /// Where the scenarios listen, as bound.
    pub scenario_addrs: Option<ScenarioAddrs>,
}

/// What [`start`] started.
pub struct Started {
    /// Their targets, in the order the page lists them.
    pub targets: Vec<Target>,
    /// Lines for the start-up banner.
    pub banner: Vec<String>,
    /// Their handles.
    pub builtins: Builtins,
}

/// Binds and runs every service `listen` names, until `shutdown`.
pub async fn start(
    listen: &BuiltinListen,
    shutdown: &CancellationToken,
) -> anyhow::Result<Started> {
    let mut started = Started {
        targets: Vec::new(),
        banner: Vec::new(),
        builtins: Builtins::default(),
    };
    if let Some(address) = &listen.echo {
        let pair = TcpUdpPair {
            tcp: (targets::ECHO, "echo service", echo::DESCRIPTION),
            udp: (targets::UDP_ECHO, "udp echo", echo::UDP_DESCRIPTION),
            flags: "--echo-listen or --no-echo",
        };
        pair.start(
            address,
            &mut started,
            shutdown,
            echo::handle,
            echo::serve_udp,
        )
        .await?;
    }
    if let Some(address) = &listen.lossy {
        let pair = TcpUdpPair {
            tcp: (targets::LOSSY, "lossy", lossy::DESCRIPTION),
            udp: (targets::UDP_LOSSY, "udp lossy", lossy::UDP_DESCRIPTION),
            flags: "--lossy-listen or --no-lab",
        };
        pair.start(
            address,
            &mut started,
            shutdown,
            lossy::handle,
            lossy::serve_udp,
        )
        .await?;
    }
    if let Some(address) = &listen.recorder {
        let lab = lab::start(address, shutdown).await?;
        started.targets.push(lab.target);
        started.banner.extend(lab.banner);
        started.builtins.lab = lab.info;
        started.builtins.recorder_log = Some(lab.log);
    }
    if let Some(scenario_listen) = &listen.scenarios {
        let scenarios = scenarios::start(scenario_listen, shutdown).await.context(
            "use --chat-listen/--quotes-listen/--game-listen/--lamp-listen or --no-scenarios",
        )?;
        started.targets.extend(scenarios.targets);
        started.banner.extend(scenarios.banner);
        started.builtins.quotes = Some(scenarios.quotes);
        started.builtins.scenario_addrs = Some(scenarios.addrs);
    }
    Ok(started)
}

/// A service that answers over TCP and UDP on the same port: each half's
/// target name, banner label and description, and the flags that move it.
struct TcpUdpPair {
    tcp: (&'static str, &'static str, &'static str),
    udp: (&'static str, &'static str, &'static str),
    flags: &'static str,
}

impl TcpUdpPair {
    /// Binds both halves at `address`, registers their targets and banner
    /// lines, and runs them until `shutdown`.
    async fn start<H, HFut, U, UFut>(
        &self,
        address: &str,
        started: &mut Started,
        shutdown: &CancellationToken,
        handle: H,
        serve_udp: U,
    ) -> anyhow::Result<()>
    where
        H: Fn(TcpStream, CancellationToken) -> HFut + Send + 'static,
        HFut: std::future::Future<Output = std::io::Result<()>> + Send + 'static,
        U: FnOnce(UdpSocket, CancellationToken) -> UFut,
        UFut: std::future::Future<Output = ()> + Send + 'static,
    {
        let (tcp_name, tcp_label, tcp_description) = self.tcp;
        let (udp_name, udp_label, udp_description) = self.udp;
        let listener = TcpListener::bind(address).await.with_context(|| {
            format!(
                "cannot listen for the {tcp_label} service on {address} (use {})",
                self.flags
            )
        })?;
        let addr = listener.local_addr()?;
        started
            .targets
            .push(builtin_target(tcp_name, addr, tcp_description)?);
        started.banner.push(banner_line(tcp_label, addr));
        tokio::spawn(super::serve(tcp_name, listener, shutdown.clone(), handle));
        let socket = UdpSocket::bind(addr).await.with_context(|| {
            format!(
                "cannot listen for the {udp_label} service on {addr} (use {})",
                self.flags
            )
        })?;
        let mut udp = builtin_target(udp_name, addr, udp_description)?;
        udp.address = Address::Udp(addr.to_string());
        started.targets.push(udp);
        started.banner.push(format!(
            "{:<15}nc -u {} {}",
            format!("{udp_label}:"),
            addr.ip(),
            addr.port()
        ));
        tokio::spawn(serve_udp(socket, shutdown.clone()));
        Ok(())
    }
}
