//! The real `relay` binary as a child process: started on a free port with
//! the given flags, its address read from its banner, its memory read from
//! `/proc`, killed when dropped.

use std::{
    io::{BufRead, BufReader},
    net::SocketAddr,
    process::{Child, ChildStdout, Command, Stdio},
};

/// A running relay process.
pub struct RelayProcess {
    pub child: Child,
    pub addr: SocketAddr,
    /// The banner's lines, `playground:` to `targets:`.
    pub banner: Vec<String>,
    /// Kept open: the relay prints to it after its first line.
    _stdout: BufReader<ChildStdout>,
}

impl Drop for RelayProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl RelayProcess {
    /// Starts a relay with no built-in services and the one target
    /// `name=address`, plus `extra` flags; stderr goes to `stderr`.
    pub fn with_one_target(name: &str, address: &str, extra: &[&str], stderr: Stdio) -> Self {
        let target = format!("{name}={address}");
        let mut args = vec![
            "--no-echo",
            "--no-lab",
            "--no-scenarios",
            "--target",
            &target,
        ];
        args.extend_from_slice(extra);
        Self::start(&args, stderr)
    }

    /// Starts `relay --listen 127.0.0.1:0 <args>` with stderr going to `stderr`.
    pub fn start(args: &[&str], stderr: Stdio) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_relay"))
            .args(["--listen", "127.0.0.1:0"])
            .args(args)
            .stdout(Stdio::piped())
            .stderr(stderr)
            .spawn()
            .unwrap();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut banner = String::new();
        stdout.read_line(&mut banner).unwrap();
        let addr = banner
            .trim()
            .strip_prefix("playground:    http://")
            .or_else(|| banner.trim().strip_prefix("playground:    https://"))
            .and_then(|rest| rest.trim_end_matches('/').parse().ok())
            .unwrap_or_else(|| panic!("no address in the relay's banner {banner:?}"));
        // The rest of the banner was written with its first line.
        let mut lines = vec![banner.trim_end().to_owned()];
        while !lines.last().is_some_and(|l| l.starts_with("targets:")) {
            let mut line = String::new();
            if stdout.read_line(&mut line).unwrap() == 0 {
                break;
            }
            lines.push(line.trim_end().to_owned());
        }
        Self {
            child,
            addr,
            banner: lines,
            _stdout: stdout,
        }
    }

    /// The process's resident memory now, in KiB (`VmRSS`).
    pub fn rss_kib(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .expect("the relay is running");
        status
            .lines()
            .find_map(|line| line.strip_prefix("VmRSS:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .expect("VmRSS in /proc/PID/status")
    }

    /// The address the banner gives for `service`, e.g. `chat:   nc 127.0.0.1 7009`.
    pub fn service_addr(&self, service: &str) -> SocketAddr {
        let label = format!("{service}:");
        self.banner
            .iter()
            .find_map(|line| {
                let rest = line.strip_prefix(&label)?.trim().strip_prefix("nc ")?;
                let (host, port) = rest.split_once(' ')?;
                format!("{host}:{port}").parse().ok()
            })
            .unwrap_or_else(|| panic!("no {service} in the banner {:?}", self.banner))
    }

    /// True while the process runs.
    pub fn is_running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }
}
