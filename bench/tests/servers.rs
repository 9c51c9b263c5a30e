//! The reference servers forward every byte both ways and close cleanly: each
//! one runs as the bench runs it (`wsload <server>` in front of `wsload echo`)
//! and `wsload run` verifies a throughput run and a burst of handshakes
//! through it, with no errors.

use std::{
    io::{BufRead, BufReader},
    process::{Child, Command, Stdio},
};

const WSLOAD: &str = env!("CARGO_BIN_EXE_wsload");

/// A `wsload` server process, killed when dropped.
struct Server {
    child: Child,
    addr: String,
}

impl Server {
    /// Starts `wsload args…` and waits for its `listening HOST:PORT` line.
    fn start(args: &[&str]) -> Self {
        let mut child = Command::new(WSLOAD)
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("wsload starts");
        let stdout = child.stdout.take().expect("piped stdout");
        let mut line = String::new();
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("a first line");
        let addr = line
            .trim()
            .strip_prefix("listening ")
            .unwrap_or_else(|| panic!("{args:?} printed {line:?}"))
            .to_owned();
        Self { child, addr }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Runs one scenario through `target` and returns its JSON record.
fn run(target: &str, scenario_args: &[&str]) -> serde_json::Value {
    let out = Command::new(WSLOAD)
        .args(["run", "--target", target, "--timeout-secs", "60"])
        .args(scenario_args)
        .output()
        .expect("wsload run");
    assert!(out.status.success(), "wsload run failed: {out:?}");
    serde_json::from_slice(&out.stdout).expect("one JSON record")
}

fn check(server: &str, scheme: &str) {
    let echo = Server::start(&["echo", "--listen", "127.0.0.1:0"]);
    let under_test = Server::start(&[server, "--listen", "127.0.0.1:0", "--target", &echo.addr]);
    let target = format!("{scheme}://{}/", under_test.addr);
    let runs = [
        // 8 MiB in 64 KiB messages, every echoed byte compared.
        vec!["--scenario", "throughput", "--bytes", "8388608"],
        vec![
            "--scenario",
            "handshakes",
            "--count",
            "200",
            "--duration-secs",
            "5",
        ],
    ];
    for args in runs {
        let record = run(&target, &args);
        assert_eq!(
            record["failure"],
            serde_json::Value::Null,
            "{server}: {record}"
        );
        assert_eq!(record["errors"], 0, "{server} {args:?}: {record}");
        // A close that races the peer's ("sent after having closed") is a note.
        assert_eq!(
            record["note"],
            serde_json::Value::Null,
            "{server}: {record}"
        );
    }
}

#[test]
fn tcp_proxy_forwards_and_closes() {
    check("tcp-proxy", "tcp");
}

#[test]
fn fastwebsockets_bridge_forwards_and_closes() {
    check("fws-bridge", "ws");
}

#[test]
fn tungstenite_bridge_forwards_and_closes() {
    check("tung-bridge", "ws");
}
