//! What the bench runs: the scenarios with their counts and time limits, the
//! contenders, and the caps where a contender cannot hold 10,000 sessions.

use std::time::Duration;

use std::path::{Path, PathBuf};

use super::procs::{free_port, free_udp_port, Service};

/// Our relay's WebTransport door as a contender (a relay of its own, so its
/// CPU and memory are the door's alone).
pub const RELAY_WT: &str = "relay-wt";
/// Scenarios up to this many sessions run on `relay-wt` too: each of its
/// sessions is a QUIC and TLS handshake in user space on both sides (a
/// smoke run opened 1,000 in 6.6 s), so 10,000 would take over a minute per
/// run, and the relay held about 70 KiB per QUIC session.
const RELAY_WT_MAX_SESSIONS: usize = 1_000;
/// The contenders of the streams scenarios: one WebTransport session's
/// streams against as many WebSocket sessions, the hop, and the limit.
const STREAMS_CONTENDERS: &[&str] = &["direct-tcp", "relay", RELAY_WT, "tcp-proxy"];

/// websockify forks one Python process per session, and past about 500 open
/// sessions its `select()` fails ("filedescriptor out of range", FD_SETSIZE
/// 1024): its 10,000-session row is capped here, its 1,000 row shows the errors.
const WEBSOCKIFY_MAX_SESSIONS: usize = 500;
/// Scenarios up to this size run websockify uncapped.
const WEBSOCKIFY_UNCAPPED_SESSIONS: usize = 1_000;
/// Descriptors a process keeps besides its sessions (listeners, logs, …).
const SPARE_FILES: u64 = 200;
/// Slack on top of wsload's own timeout before the run is killed from outside.
const KILL_SLACK: Duration = Duration::from_secs(20);

/// One scenario as the bench runs it.
pub struct ScenarioPlan {
    /// Name in the report, e.g. `sessions-10000`.
    pub name: String,
    /// `wsload run --scenario` value.
    kind: &'static str,
    /// Sessions wanted (sessions scenarios only).
    sessions: Option<usize>,
    /// Start every server afresh before each run, so RSS growth is not hidden
    /// by memory an earlier run freed into the allocator.
    pub fresh_servers: bool,
    /// wsload's own limit for the whole run.
    timeout_secs: u64,
    /// Scenario-specific wsload arguments.
    args: Vec<String>,
    /// Only these contenders run it (all when `None`).
    only: Option<&'static [&'static str]>,
    /// These contenders don't.
    except: &'static [&'static str],
}

impl ScenarioPlan {
    fn new(name: &str, kind: &'static str, timeout_secs: u64, args: &[&str]) -> Self {
        Self {
            name: name.to_owned(),
            kind,
            sessions: None,
            fresh_servers: false,
            timeout_secs,
            args: args.iter().map(|a| a.to_string()).collect(),
            only: None,
            except: &[],
        }
    }

    /// `streams-<workers>`: that many channels open at once, each doing 8
    /// round trips of 32 bytes before it closes, for `window_secs`.
    fn streams(workers: usize, window_secs: &str, timeout_secs: u64) -> Self {
        let workers = workers.to_string();
        let mut plan = Self::new(
            &format!("streams-{workers}"),
            "streams",
            timeout_secs,
            &[
                "--concurrency",
                &workers,
                "--duration-secs",
                window_secs,
                "--count",
                "1000000",
                "--round-trips-per-stream",
                "8",
                "--ping-bytes",
                "32",
            ],
        );
        plan.only = Some(STREAMS_CONTENDERS);
        plan
    }

    /// Whether `contender` runs this scenario.
    pub fn runs(&self, contender: &str) -> bool {
        self.only.is_none_or(|only| only.contains(&contender)) && !self.except.contains(&contender)
    }

    fn sessions(wanted: usize, window_secs: &str, timeout_secs: u64) -> Self {
        let mut plan = Self::new(
            &format!("sessions-{wanted}"),
            "sessions",
            timeout_secs,
            &[
                "--duration-secs",
                window_secs,
                "--concurrency",
                "64",
                "--ping-bytes",
                "32",
            ],
        );
        plan.sessions = Some(wanted);
        plan.fresh_servers = true;
        if wanted > RELAY_WT_MAX_SESSIONS {
            plan.except = &[RELAY_WT];
        }
        plan
    }

    /// When the run is killed from outside if wsload's own timeout failed.
    pub fn hard_timeout(&self) -> Duration {
        Duration::from_secs(self.timeout_secs) + KILL_SLACK
    }
}

/// One contender: what wsload connects to, and the server behind it.
pub struct Contender {
    /// Name in the report.
    pub name: String,
    /// What wsload connects to.
    target: String,
    /// Extra `wsload run` arguments (`{port}` as for the server).
    run_args: Vec<String>,
    /// `run_args` with the ports of the running server filled in.
    filled_run_args: Vec<String>,
    /// Descriptors per session in the server (2 for a relay: browser + upstream).
    files_per_session: u64,
    /// The server (none for direct TCP: the echo service is the limit).
    server: Option<Server>,
}

/// How to start a contender's server, and the running one.
struct Server {
    program: PathBuf,
    /// Arguments; `{port}` stands for the port it listens on.
    args: Vec<String>,
    /// wsload's target; `{port}` as above.
    url: String,
    log: PathBuf,
    running: Option<Service>,
}

impl Contender {
    /// The client straight to the echo service over TCP.
    pub fn direct(echo_addr: &str) -> Self {
        Self {
            name: "direct-tcp".into(),
            target: format!("tcp://{echo_addr}"),
            run_args: Vec::new(),
            filled_run_args: Vec::new(),
            files_per_session: 1,
            server: None,
        }
    }

    /// A WebSocket-to-TCP relay started as `program args` (`{port}` in `args`
    /// and `url` is replaced by a free TCP port at each start, `{udp_port}` by
    /// a free UDP port).
    pub fn server(name: &str, program: &Path, args: &[String], url: &str, log: &Path) -> Self {
        Self {
            name: name.to_owned(),
            target: String::new(),
            run_args: Vec::new(),
            filled_run_args: Vec::new(),
            files_per_session: 2,
            server: Some(Server {
                program: program.to_owned(),
                args: args.to_vec(),
                url: url.to_owned(),
                log: log.to_owned(),
                running: None,
            }),
        }
    }

    /// Extra `wsload run` arguments for every run (placeholders as in [`Self::server`]).
    pub fn with_run_args(mut self, args: &[String]) -> Self {
        self.run_args = args.to_vec();
        self
    }

    /// Sessions of this contender each hold `files` descriptors in its server.
    pub fn with_files_per_session(mut self, files: u64) -> Self {
        self.files_per_session = files;
        self
    }

    /// Stops the server if it runs and starts a fresh one on a new port.
    pub fn restart(&mut self) -> Result<(), String> {
        let Some(server) = &mut self.server else {
            return Ok(());
        };
        server.running = None; // the guard stops it
        let port = free_port()?;
        let udp_port = free_udp_port()?;
        let fill = |text: &str| {
            text.replace("{port}", &port.to_string())
                .replace("{udp_port}", &udp_port.to_string())
        };
        let args: Vec<String> = server.args.iter().map(|a| fill(a)).collect();
        let service = Service::start(&self.name, &server.program, &args, &server.log, port)?;
        self.target = fill(&server.url);
        self.filled_run_args = self.run_args.iter().map(|a| fill(a)).collect();
        server.running = Some(service);
        Ok(())
    }

    fn pid(&self) -> Option<u32> {
        self.server
            .as_ref()
            .and_then(|s| s.running.as_ref())
            .map(Service::pid)
    }
}

/// The whole bench.
pub struct Plan {
    /// Interleaved rounds.
    pub rounds: u32,
    /// Scenarios, in the order each round runs them.
    pub scenarios: Vec<ScenarioPlan>,
    /// The descriptor limit each process gets.
    open_files: u64,
}

impl Plan {
    /// The full bench (3 rounds), or `--quick` (small counts, 1 round).
    pub fn new(quick: bool, rounds: Option<u32>, open_files: u64) -> Self {
        let scenarios = if quick {
            vec![
                ScenarioPlan::new("throughput", "throughput", 30, &["--bytes", "33554432"]),
                ScenarioPlan::new("latency", "latency", 30, &["--count", "2000"]),
                ScenarioPlan::sessions(1_000, "1", 60),
                ScenarioPlan::sessions(10_000, "1", 90),
                ScenarioPlan::new(
                    "handshakes",
                    "handshakes",
                    30,
                    &[
                        "--count",
                        "500",
                        "--duration-secs",
                        "2",
                        "--concurrency",
                        "8",
                    ],
                ),
                ScenarioPlan::streams(16, "1", 30),
                ScenarioPlan::streams(64, "1", 30),
            ]
        } else {
            vec![
                ScenarioPlan::new("throughput", "throughput", 60, &["--bytes", "268435456"]),
                ScenarioPlan::new("latency", "latency", 60, &["--count", "20000"]),
                ScenarioPlan::sessions(1_000, "3", 90),
                ScenarioPlan::sessions(10_000, "3", 120),
                ScenarioPlan::new(
                    "handshakes",
                    "handshakes",
                    30,
                    &[
                        "--count",
                        "5000",
                        "--duration-secs",
                        "4",
                        "--concurrency",
                        "8",
                    ],
                ),
                ScenarioPlan::streams(16, "3", 60),
                ScenarioPlan::streams(64, "3", 60),
            ]
        };
        Self {
            rounds: rounds.unwrap_or(if quick { 1 } else { 3 }),
            scenarios,
            open_files,
        }
    }

    /// How many sessions `contender` runs when `wanted` are asked for, and why
    /// fewer if so.
    fn sessions_for(&self, wanted: usize, contender: &Contender) -> (usize, Option<String>) {
        let fit =
            (self.open_files.saturating_sub(SPARE_FILES) / contender.files_per_session) as usize;
        let fit = fit / 100 * 100;
        // The 1,000 row runs in full, so websockify's failures there show.
        if contender.name == "websockify" && wanted > WEBSOCKIFY_UNCAPPED_SESSIONS {
            let why = format!(
                "capped at {WEBSOCKIFY_MAX_SESSIONS} sessions: websockify forks a Python process per \
                 session and its select() fails past ~500 (filedescriptor out of range)"
            );
            return (WEBSOCKIFY_MAX_SESSIONS, Some(why));
        }
        if wanted > fit {
            let why = format!(
                "capped at {fit} sessions: a process may open {} files here (hard RLIMIT_NOFILE) \
                 and {} needs {} per session",
                self.open_files, contender.name, contender.files_per_session
            );
            return (fit, Some(why));
        }
        (wanted, None)
    }

    /// The `wsload` arguments for one run.
    pub fn run_args(
        &self,
        scenario: &ScenarioPlan,
        contender: &Contender,
        round: u32,
        echo_pid: u32,
    ) -> Vec<String> {
        let mut args: Vec<String> = [
            "run",
            "--target",
            &contender.target,
            "--scenario",
            scenario.kind,
            "--name",
            &scenario.name,
            "--contender",
            &contender.name,
            "--round",
            &round.to_string(),
            "--timeout-secs",
            &scenario.timeout_secs.to_string(),
            "--echo-pid",
            &echo_pid.to_string(),
        ]
        .iter()
        .map(|a| a.to_string())
        .collect();
        if let Some(pid) = contender.pid() {
            args.extend(["--server-pid".to_owned(), pid.to_string()]);
        }
        args.extend(scenario.args.iter().cloned());
        args.extend(contender.filled_run_args.iter().cloned());
        if let Some(wanted) = scenario.sessions {
            let (sessions, cap) = self.sessions_for(wanted, contender);
            args.extend(["--sessions".to_owned(), sessions.to_string()]);
            if let Some(cap) = cap {
                args.extend(["--note".to_owned(), cap]);
            }
        }
        args
    }

    /// Remarks for the report that hold for the whole bench.
    pub fn notes(&self, contenders: &[Contender]) -> Vec<String> {
        let names: Vec<&str> = contenders.iter().map(|c| c.name.as_str()).collect();
        vec![
            format!(
                "contenders: {}; every one forwards to the same echo service (`wsload echo`, 64 KiB reads)",
                names.join(", ")
            ),
            "client: `wsload` (tokio-tungstenite 0.29, one thread), pipelined for throughput, \
             verifying every echoed byte; raw-TCP mode for direct-tcp"
                .into(),
            format!(
                "{RELAY_WT}: the same relay binary serving its WebTransport door (HTTP/3 over \
                 QUIC on UDP, self-signed certificate pinned by the SHA-256 from /api/lab); the \
                 client speaks wtransport 0.7 (quinn, rustls with ring) over one UDP socket, a \
                 session per WebSocket session and, in streams-N, N concurrent streams on one \
                 session (the relay allows 16 at once; the rest wait for QUIC stream credit) \
                 against N WebSocket sessions; it runs the sessions scenarios up to \
                 {RELAY_WT_MAX_SESSIONS} sessions (10,000 QUIC handshakes from a one-thread client \
                 would take over a minute per run)"
            ),
            "server RSS per session = (VmRSS with every session open − VmRSS before) ÷ sessions held, \
             on a server started afresh for each sessions run; for websockify the VmRSS of all its forked children is summed (shared pages counted once per process)"
                .into(),
            format!("per-process descriptor limit: {}", self.open_files),
        ]
    }
}
