//! Real services the tests start as processes, on free ports, stopped when
//! their handle drops.

use std::{
    net::UdpSocket,
    process::{Child, Command, Stdio},
    time::Duration,
};

/// A process a test started (a service, nginx, chromedriver), killed and
/// reaped when dropped, so tests never leak servers.
pub struct Daemon(Child);

impl Daemon {
    /// Takes charge of a process started some other way than [`spawn`].
    pub fn new(child: Child) -> Self {
        Self(child)
    }

    /// The process, to ask whether it exited.
    pub fn child(&mut self) -> &mut Child {
        &mut self.0
    }
}

impl Drop for Daemon {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts `program`, or fails saying which Debian package has it.
pub fn spawn(program: &str, args: &[&str], package: &str) -> Daemon {
    let child = Command::new(program)
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|err| {
            panic!("{program}: {err} (apt-get install {package}, or cargo xtask setup)")
        });
    Daemon(child)
}

/// Debian's dnsmasq on a free loopback port, answering `a.zone.test` (any
/// name under `zone.test`) with 127.0.0.9 and nothing else: it forwards no
/// query, so nothing leaves the machine. Returns once it answers.
pub fn start_dnsmasq() -> (Daemon, String) {
    let port = super::closed_port().to_string();
    let daemon = spawn(
        "dnsmasq",
        &[
            "--no-daemon",
            "--no-resolv",
            "--no-hosts",
            "--port",
            &port,
            "--listen-address=127.0.0.1",
            "--bind-interfaces",
            "--address=/zone.test/127.0.0.9",
        ],
        "dnsmasq-base",
    );
    let address = format!("127.0.0.1:{port}");
    let probe = UdpSocket::bind("127.0.0.1:0").unwrap();
    probe
        .set_read_timeout(Some(Duration::from_millis(200)))
        .unwrap();
    let query = protocol::dns::query(1, "a.zone.test", protocol::dns::TYPE_A).unwrap();
    let mut reply = [0u8; 512];
    for _ in 0..75 {
        probe.send_to(&query, &address).unwrap();
        if probe.recv_from(&mut reply).is_ok() {
            return (daemon, address);
        }
    }
    panic!("dnsmasq did not answer on {address} within 15 s");
}
