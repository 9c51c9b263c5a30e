//! `cargo xtask conformance [--full]`: the Autobahn TestSuite against the
//! relay's WebSocket layer (`/ws-echo`, every case must pass outside
//! permessage-deflate) and against the byte bridge in front of the TCP echo
//! service (the cases listed in `xtask/conformance/bridge-expected.txt`).
//! `--full` adds section 9 (large messages, slow).

use std::{
    net::{TcpListener, TcpStream},
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use crate::sh::{cargo, repo_root, step, Cmd};

/// Kills the relay when the run ends, however it ends.
struct Relay(Child);

impl Drop for Relay {
    fn drop(&mut self) {
        if let Err(err) = self.0.kill() {
            eprintln!("cannot stop the relay: {err}");
        }
        let _reaped = self.0.wait();
    }
}

/// Runs both suites.
pub fn run(args: &[String]) -> Result<(), String> {
    let full = match args {
        [] => false,
        [flag] if flag == "--full" => true,
        _ => return Err("usage: cargo xtask conformance [--full]".into()),
    };
    // Under the target directory cargo uses (CARGO_TARGET_DIR if set), where
    // the build below puts the relay.
    let target = crate::bench::target_dir();
    let dir = target.join("autobahn");
    let wstest = ensure_wstest(&dir)?;
    step("building the relay (release)");
    cargo(["build", "--release", "-p", "relay"]).run()?;

    let port = free_port()?;
    let relay = Command::new(target.join("release/relay"))
        .args([
            "--listen",
            &format!("127.0.0.1:{port}"),
            "--echo-listen",
            "127.0.0.1:0",
        ])
        .args(["--no-lab", "--no-scenarios", "--no-tap", "--ws-echo"])
        // Section 9 sends messages of up to 16 MiB; the default limit (1 MiB)
        // would close those cases with 1009 instead of echoing them.
        .args(if full {
            &["--max-message-bytes", "16777216"][..]
        } else {
            &[][..]
        })
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|err| format!("cannot start the relay: {err}"))?;
    let _relay = Relay(relay);
    wait_for_port(port)?;

    let echo_excluded = if full {
        r#"["12.*", "13.*"]"#
    } else {
        r#"["9.*", "12.*", "13.*"]"#
    };
    let checker = repo_root().join("xtask/conformance/check.py");
    step("Autobahn: the WebSocket layer (/ws-echo)");
    let report = run_suite(
        &wstest,
        &dir,
        "relay-ws-layer",
        &format!("ws://127.0.0.1:{port}/ws-echo"),
        r#"["*"]"#,
        echo_excluded,
    )?;
    Cmd::new("python3")
        .arg(&checker)
        .arg(&report)
        .arg("relay-ws-layer")
        .run()?;

    step("Autobahn: the byte bridge (/ws/echo → TCP echo)");
    let expected = repo_root().join("xtask/conformance/bridge-expected.txt");
    let report = run_suite(
        &wstest,
        &dir,
        "relay-bridge",
        &format!("ws://127.0.0.1:{port}/ws/echo"),
        &case_list(&expected)?,
        "[]",
    )?;
    Cmd::new("python3")
        .arg(&checker)
        .arg(&report)
        .arg("relay-bridge")
        .arg(&expected)
        .run()
}

/// Writes a fuzzingclient spec, runs it, returns the index.json path.
fn run_suite(
    wstest: &Path,
    dir: &Path,
    agent: &str,
    url: &str,
    cases: &str,
    excluded: &str,
) -> Result<PathBuf, String> {
    let outdir = dir.join(format!("report-{agent}"));
    let spec = format!(
        r#"{{"outdir": "{}", "servers": [{{"agent": "{agent}", "url": "{url}"}}], "cases": {cases}, "exclude-cases": {excluded}, "exclude-agent-cases": {{}}}}"#,
        outdir.display()
    );
    let spec_path = dir.join(format!("{agent}.json"));
    std::fs::write(&spec_path, spec)
        .map_err(|err| format!("cannot write {}: {err}", spec_path.display()))?;
    let status = Command::new(wstest)
        .args(["-m", "fuzzingclient", "-s"])
        .arg(&spec_path)
        .current_dir(dir)
        .stdout(Stdio::null())
        .status()
        .map_err(|err| format!("cannot run wstest: {err}"))?;
    if !status.success() {
        return Err(format!("wstest failed ({status})"));
    }
    Ok(outdir.join("index.json"))
}

/// The expected-cases file as a JSON list of case ids.
fn case_list(path: &Path) -> Result<String, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|err| format!("cannot read {}: {err}", path.display()))?;
    let ids: Vec<String> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|id| format!("\"{id}\""))
        .collect();
    Ok(format!("[{}]", ids.join(", ")))
}

/// Installs the Autobahn TestSuite (Python 2.7, from the image's pyenv) into
/// `dir` unless it is there.
fn ensure_wstest(dir: &Path) -> Result<PathBuf, String> {
    step("checking the Autobahn TestSuite");
    let wstest = dir.join("py2/bin/wstest");
    if wstest.exists() {
        return Ok(wstest);
    }
    std::fs::create_dir_all(dir)
        .map_err(|err| format!("cannot create {}: {err}", dir.display()))?;
    let pyenv_root = Cmd::new("pyenv")
        .arg("root")
        .output()
        .map(|s| s.trim().to_owned());
    let pyenv_root = pyenv_root
        .unwrap_or_else(|| format!("{}/.pyenv", std::env::var("HOME").unwrap_or_default()));
    let python2 = format!("{pyenv_root}/versions/2.7.18/bin/python2.7");
    if !Path::new(&python2).exists() {
        return Err(format!(
            "Python 2.7.18 not found at {python2} (the Autobahn TestSuite needs it)"
        ));
    }
    Cmd::new("python3")
        .args(["-m", "venv", "v"])
        .dir(dir)
        .run()?;
    Cmd::new("v/bin/pip")
        .args(["install", "-q", "virtualenv==20.21.1"])
        .dir(dir)
        .run()?;
    Cmd::new("v/bin/virtualenv")
        .args(["-q", "-p", &python2, "py2"])
        .dir(dir)
        .run()?;
    Cmd::new("py2/bin/pip")
        .args(["install", "-q", "autobahntestsuite"])
        .dir(dir)
        .run()?;
    Ok(wstest)
}

fn free_port() -> Result<u16, String> {
    let listener =
        TcpListener::bind("127.0.0.1:0").map_err(|err| format!("no free port: {err}"))?;
    listener
        .local_addr()
        .map(|a| a.port())
        .map_err(|err| err.to_string())
}

fn wait_for_port(port: u16) -> Result<(), String> {
    let deadline = Instant::now() + Duration::from_secs(20);
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        if Instant::now() > deadline {
            return Err(format!("the relay did not listen on port {port}"));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    Ok(())
}
