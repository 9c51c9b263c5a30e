//! Processes the bench starts: each is killed, with everything it forked, when
//! its guard drops, so an error or a panic leaves nothing running. They stay in
//! our process group, so Ctrl-C reaches them too.

use std::{
    fs::OpenOptions,
    io::Read,
    net::{SocketAddr, TcpListener, TcpStream},
    path::Path,
    process::{Child, Command, Stdio},
    thread,
    time::{Duration, Instant},
};

/// How long a started service may take to accept connections.
const READY_TIMEOUT: Duration = Duration::from_secs(30);
/// How long a service gets to exit after SIGTERM before SIGKILL.
const STOP_GRACE: Duration = Duration::from_secs(3);
/// The per-process descriptor limit asked for; a container may cap it lower.
pub const WANTED_OPEN_FILES: u64 = 65_536;

/// A free loopback port (bound, read, released).
pub fn free_port() -> Result<u16, String> {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .map_err(|err| format!("cannot find a free port: {err}"))
}

/// A free loopback UDP port (bound, read, released).
pub fn free_udp_port() -> Result<u16, String> {
    std::net::UdpSocket::bind("127.0.0.1:0")
        .and_then(|s| s.local_addr())
        .map(|a| a.port())
        .map_err(|err| format!("cannot find a free UDP port: {err}"))
}

/// The shell prelude that raises the descriptor limit as far as it goes.
fn ulimit_prelude() -> String {
    format!("ulimit -n {WANTED_OPEN_FILES} 2>/dev/null || ulimit -n \"$(ulimit -Hn)\"")
}

/// The descriptor limit a process started through [`Service::start`] gets.
pub fn open_files_limit() -> u64 {
    Command::new("sh")
        .args(["-c", &format!("{}; ulimit -n", ulimit_prelude())])
        .output()
        .ok()
        .and_then(|out| String::from_utf8_lossy(&out.stdout).trim().parse().ok())
        .unwrap_or(1024)
}

/// A running service, stopped on drop.
pub struct Service {
    /// Its name in messages.
    pub name: String,
    child: Child,
}

impl Service {
    /// Starts `program args` with a raised descriptor limit, stdout and stderr
    /// going to `log`, and waits until it accepts TCP connections on `port`.
    pub fn start(
        name: &str,
        program: &Path,
        args: &[String],
        log: &Path,
        port: u16,
    ) -> Result<Self, String> {
        let out = OpenOptions::new()
            .create(true)
            .append(true)
            .open(log)
            .map_err(|err| format!("cannot open {}: {err}", log.display()))?;
        let err = out.try_clone().map_err(|e| e.to_string())?;
        // `exec "$0" "$@"`: the program and its arguments pass through unquoted.
        let child = Command::new("sh")
            .arg("-c")
            .arg(format!("{}; exec \"$0\" \"$@\"", ulimit_prelude()))
            .arg(program)
            .args(args)
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err)
            .spawn()
            .map_err(|err| format!("cannot start {name} ({}): {err}", program.display()))?;
        let mut service = Self {
            name: name.to_owned(),
            child,
        };
        println!("started {name} (pid {}) on port {port}", service.pid());
        service.wait_ready(port, log)?;
        Ok(service)
    }

    /// The service's process id (the shell `exec`s it, so the pid is its own).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// How it ended, if it is no longer running.
    pub fn exited(&mut self) -> Option<String> {
        match self.child.try_wait() {
            Ok(Some(status)) => Some(status.to_string()),
            Ok(None) => None,
            Err(err) => Some(format!("unknown ({err})")),
        }
    }

    fn wait_ready(&mut self, port: u16, log: &Path) -> Result<(), String> {
        let addr = SocketAddr::from(([127, 0, 0, 1], port));
        let deadline = Instant::now() + READY_TIMEOUT;
        loop {
            if TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok() {
                return Ok(());
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                return Err(format!(
                    "{} exited ({status}) before listening; see {}",
                    self.name,
                    log.display()
                ));
            }
            if Instant::now() > deadline {
                return Err(format!(
                    "{} did not listen on {addr} within {READY_TIMEOUT:?}; see {}",
                    self.name,
                    log.display()
                ));
            }
            thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Service {
    fn drop(&mut self) {
        let pid = self.pid();
        // Children first, so websockify's forks don't outlive it.
        let mut family = descendants(pid);
        family.push(pid);
        signal("TERM", &family);
        let deadline = Instant::now() + STOP_GRACE;
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                break;
            }
            thread::sleep(Duration::from_millis(50));
        }
        let leftovers: Vec<u32> = family.into_iter().filter(|p| is_alive(*p)).collect();
        if !leftovers.is_empty() {
            signal("KILL", &leftovers);
        }
        if let Err(err) = self.child.wait() {
            eprintln!("cannot reap {}: {err}", self.name);
        }
        println!("stopped {}", self.name);
    }
}

fn is_alive(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|stat| {
        !stat
            .rsplit(')')
            .next()
            .unwrap_or("")
            .trim_start()
            .starts_with('Z')
    })
}

/// Sends `SIG<name>` to `pids` with kill(1): xtask has no libc.
fn signal(name: &str, pids: &[u32]) {
    let mut kill = Command::new("kill");
    kill.arg(format!("-{name}"))
        .args(pids.iter().map(u32::to_string));
    if let Err(err) = kill.stderr(Stdio::null()).status() {
        eprintln!("cannot run kill: {err}");
    }
}

/// Every live process below `pid`, from each thread's `children` list in
/// /proc (the kernel keeps it; no scan of every process is needed).
pub fn descendants(pid: u32) -> Vec<u32> {
    let mut found = Vec::new();
    let mut parents = vec![pid];
    while let Some(parent) = parents.pop() {
        let tasks = std::fs::read_dir(format!("/proc/{parent}/task"));
        for task in tasks.into_iter().flatten().flatten() {
            let children = std::fs::read_to_string(task.path().join("children"));
            for child in children.unwrap_or_default().split_whitespace() {
                if let Ok(child) = child.parse::<u32>() {
                    found.push(child);
                    parents.push(child);
                }
            }
        }
    }
    found
}

/// Runs `command`, killing it after `limit`; returns its stdout, or why not.
pub fn run_with_timeout(mut command: Command, limit: Duration) -> Result<String, String> {
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|err| format!("cannot start: {err}"))?;
    let mut stdout = child.stdout.take().expect("stdout was piped");
    let reader = thread::spawn(move || {
        let mut text = String::new();
        stdout.read_to_string(&mut text).map(|_| text)
    });
    let deadline = Instant::now() + limit;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if Instant::now() > deadline => {
                if let Err(err) = child.kill() {
                    eprintln!("cannot kill a stuck run: {err}");
                }
                let _reaped = child.wait();
                return Err(format!("killed after the hard timeout of {limit:?}"));
            }
            Ok(None) => thread::sleep(Duration::from_millis(50)),
            Err(err) => return Err(format!("cannot wait: {err}")),
        }
    };
    let text = reader
        .join()
        .map_err(|_| "stdout reader panicked".to_owned())?
        .map_err(|err| format!("cannot read stdout: {err}"))?;
    if status.success() {
        Ok(text)
    } else {
        Err(format!("exited with {status}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn descendants_finds_grandchildren() {
        // sh → sh → sleep: the inner shell's child is a grandchild.
        let mut outer = Command::new("sh")
            .args(["-c", "sh -c 'sleep 30; true' & wait"])
            .spawn()
            .unwrap();
        let deadline = Instant::now() + Duration::from_secs(10);
        let mut family = Vec::new();
        while family.len() < 2 && Instant::now() < deadline {
            thread::sleep(Duration::from_millis(20));
            family = descendants(outer.id());
        }
        signal("KILL", &family);
        let _ = outer.kill();
        let _ = outer.wait();
        assert_eq!(family.len(), 2, "{family:?}");
        assert!(!family.contains(&outer.id()));
    }
}
