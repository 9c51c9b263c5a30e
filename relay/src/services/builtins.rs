//! The built-in services, started in one place: echo (TCP and UDP), the lab (recorders)
//! and the scenario services. What they hand back is kept apart from the
//! configuration: their targets join the configured ones, their banner
//! lines go to the start-up banner, and their handles (the quotes behind
//! `/api/quotes`, the recorders' log) go to the relay's state.

use std::sync::Arc;

use anyhow::Context;
use protocol::{scenarios::targets, LabInfo};
use tokio::net::{TcpListener, UdpSocket};
use tokio_util::sync::CancellationToken;

use super::{
    banner_line, builtin_target, echo, lab,
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
    /// The scenario services.
    pub scenarios: Option<ScenarioListen>,
}

impl BuiltinListen {
    /// Nothing built in.
    pub fn none() -> Self {
        Self {
            echo: None,
            recorder: None,
            scenarios: None,
        }
    }

    /// Everything, each on a free loopback port (for tests).
    pub fn ephemeral() -> Self {
        Self {
            echo: Some("127.0.0.1:0".into()),
            recorder: Some("127.0.0.1:0".into()),
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
        let listener = TcpListener::bind(address).await.with_context(|| {
            format!(
                "cannot listen for the echo service on {address} (use --echo-listen or --no-echo)"
            )
        })?;
        let addr = listener.local_addr()?;
        started
            .targets
            .push(builtin_target(targets::ECHO, addr, echo::DESCRIPTION)?);
        started.banner.push(banner_line("echo service", addr));
        tokio::spawn(super::serve(
            targets::ECHO,
            listener,
            shutdown.clone(),
            echo::handle,
        ));
        // RFC 862 over UDP too, on the same port.
        let socket = UdpSocket::bind(addr).await.with_context(|| {
            format!(
                "cannot listen for the UDP echo service on {addr} (use --echo-listen or --no-echo)"
            )
        })?;
        let mut udp_echo = builtin_target(targets::UDP_ECHO, addr, echo::UDP_DESCRIPTION)?;
        udp_echo.address = Address::Udp(addr.to_string());
        started.targets.push(udp_echo);
        started.banner.push(format!(
            "{:<15}nc -u {} {}",
            "udp echo:",
            addr.ip(),
            addr.port()
        ));
        tokio::spawn(echo::serve_udp(socket, shutdown.clone()));
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
