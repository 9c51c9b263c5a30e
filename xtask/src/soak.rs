//! `cargo xtask soak [--minutes N]`: builds the relay and `wsload` in release
//! mode, starts `wsload echo` and `wsload faults` (the fault-injecting
//! service) on free ports and the relay in front of them, runs `wsload soak`
//! against it for N minutes (default 10), and writes
//! `bench/results/soak.{md,json,svg}`. Fails if the relay died, a SHA-256
//! check failed, or the load saw errors. Not part of `cargo xtask test`.

use std::{fs, process::Command, time::Duration};

use crate::{
    bench::{
        commit,
        procs::{self, free_port, Service},
        target_dir,
    },
    sh::{cargo, repo_root, step},
};

/// Minutes of load without `--minutes`.
const DEFAULT_MINUTES: f64 = 10.0;
/// The relay's session caps: every session comes from 127.0.0.1, so the
/// per-address cap (256) is lifted above the soak's ~250 sessions.
const RELAY_MAX_SESSIONS: &str = "5000";
/// wsload waits up to 180 s for sessions under way at the end; past this
/// much more it is killed from outside.
const KILL_SLACK: Duration = Duration::from_secs(240);

fn parse(args: &[String]) -> Result<f64, String> {
    let mut minutes = DEFAULT_MINUTES;
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--minutes" => {
                let n = args.next().ok_or("--minutes needs a value")?;
                minutes = n
                    .parse()
                    .ok()
                    .filter(|m: &f64| *m > 0.0)
                    .ok_or_else(|| format!("bad --minutes {n}"))?;
            }
            other => return Err(format!("soak: unknown option {other}")),
        }
    }
    Ok(minutes)
}

/// Runs the soak.
pub fn run(args: &[String]) -> Result<(), String> {
    let minutes = parse(args)?;
    step("building wsload and the relay (release)");
    cargo(["build", "--release", "-p", "relay", "-p", "bench"]).run()?;
    let release = target_dir().join("release");
    let (wsload, relay_bin) = (release.join("wsload"), release.join("relay"));
    let results = repo_root().join("bench/results");
    let logs = results.join("logs");
    fs::create_dir_all(&logs).map_err(|err| format!("cannot create {}: {err}", logs.display()))?;
    let log = |name: &str| {
        let path = logs.join(format!("soak-{name}.log"));
        // Each start appends: keep this run's output only.
        let _absent = fs::remove_file(&path);
        path
    };

    step("starting the echo service, the fault-injecting service and the relay");
    let listen = |port: u16| format!("127.0.0.1:{port}");
    let echo_port = free_port()?;
    let echo_args = ["echo".into(), "--listen".into(), listen(echo_port)];
    let echo = Service::start("echo", &wsload, &echo_args, &log("echo"), echo_port)?;
    let faults_port = free_port()?;
    let faults_args = ["faults".into(), "--listen".into(), listen(faults_port)];
    let faults = Service::start("faults", &wsload, &faults_args, &log("faults"), faults_port)?;
    let relay_port = free_port()?;
    let relay_args = [
        "--listen".into(),
        listen(relay_port),
        "--no-echo".into(),
        "--no-lab".into(),
        "--no-scenarios".into(),
        "--target".into(),
        format!("echo={}", listen(echo_port)),
        "--target".into(),
        format!("faults={}", listen(faults_port)),
        "--max-sessions".into(),
        RELAY_MAX_SESSIONS.into(),
        "--max-sessions-per-ip".into(),
        RELAY_MAX_SESSIONS.into(),
    ];
    let relay_log = log("relay");
    let mut relay = Service::start("relay", &relay_bin, &relay_args, &relay_log, relay_port)?;

    step(&format!(
        "soaking the relay (pid {}) for {minutes} min",
        relay.pid()
    ));
    let secs = minutes * 60.0;
    let mut soak = Command::new(&wsload);
    soak.args(["soak", "--relay", &listen(relay_port), "--relay-pid"])
        .arg(relay.pid().to_string())
        .arg("--secs")
        .arg(secs.to_string())
        .arg("--out")
        .arg(&results)
        .arg("--command")
        .arg(format!("cargo xtask soak --minutes {minutes}"));
    if let Some(commit) = commit() {
        soak.args(["--commit", &commit]);
    }
    let outcome = procs::run_with_timeout(soak, Duration::from_secs_f64(secs) + KILL_SLACK);
    let relay_exit = relay.exited();
    drop((relay, faults, echo));
    match &outcome {
        Ok(report) => println!("\n{report}"),
        Err(why) => eprintln!("wsload soak: {why}"),
    }
    if let Some(status) = relay_exit {
        return Err(format!(
            "the relay exited during the soak ({status}); see {}",
            relay_log.display()
        ));
    }
    outcome.map_err(|why| {
        format!(
            "the soak failed ({why}); see {}/soak.md and {}",
            results.display(),
            logs.display()
        )
    })?;
    println!(
        "wrote {0}/soak.md, soak.json and soak.svg",
        results.display()
    );
    Ok(())
}
