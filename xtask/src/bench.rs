//! `cargo xtask bench [--quick]`: installs websocat and websockify if missing,
//! builds the relay and `wsload` (the `bench` crate), starts an echo service
//! with our relay (its WebSocket door, and as `relay-wt` its WebTransport
//! door), websocat and websockify in front of it (and three reference
//! servers of `wsload`'s own: a plain TCP forwarder and a minimal bridge on
//! each WebSocket library), drives all of them
//! and the echo service itself (raw TCP, the limit) with the same client,
//! interleaved round by round, then measures the page's frame times in headless
//! Chromium under load ([`page`]), and writes `bench/results/latest.{md,json,svg}`.
//!
//! The numbers are reported, never asserted.
//!
//! Options: `--quick` (small counts, one round), `--rounds N`, `--relay-bin
//! PATH` (measure that relay binary instead of building one), `--relay-arg ARG`
//! (an extra relay flag, repeatable), `--no-page` (the relays only: no page
//! build, size or frame times).

mod page;
mod plan;
pub(crate) mod procs;
mod readme;
mod tools;

use std::{
    fs::{self, OpenOptions},
    io::Write,
    path::{Path, PathBuf},
    process::Command,
    time::Instant,
};

use crate::{
    setup::which,
    sh::{cargo, repo_root, step, Cmd},
};
use plan::{Contender, Plan};
use procs::Service;

/// The relay's session caps during the bench (10,000 sessions + churn).
const RELAY_MAX_SESSIONS: &str = "20000";

/// Options of `cargo xtask bench`.
#[derive(Debug, Default)]
struct Options {
    quick: bool,
    rounds: Option<u32>,
    relay_bin: Option<PathBuf>,
    relay_args: Vec<String>,
    no_page: bool,
}

fn parse(args: &[String]) -> Result<Options, String> {
    let mut options = Options::default();
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let mut value = |flag: &str| {
            args.next()
                .cloned()
                .ok_or_else(|| format!("{flag} needs a value"))
        };
        match arg.as_str() {
            "--quick" => options.quick = true,
            "--rounds" => {
                let n = value("--rounds")?;
                options.rounds = Some(n.parse().map_err(|_| format!("bad --rounds {n}"))?);
            }
            "--relay-bin" => options.relay_bin = Some(value("--relay-bin")?.into()),
            "--relay-arg" => options.relay_args.push(value("--relay-arg")?),
            "--no-page" => options.no_page = true,
            other => return Err(format!("bench: unknown option {other}")),
        }
    }
    Ok(options)
}

/// Runs the whole bench.
pub fn run(args: &[String]) -> Result<(), String> {
    let options = parse(args)?;
    tools::install()?;
    // The page's size is one line of the report: a machine that cannot build
    // the page (no Trunk yet) still measures the relays.
    let sizes = if options.no_page {
        Err("--no-page".to_owned())
    } else {
        page_sizes()
    };
    let (page, page_missing) = match sizes {
        Ok(page) => (page, None),
        Err(why) => (Vec::new(), Some(format!("page size: not measured: {why}"))),
    };
    // `--relay-bin` measures another build of the relay (e.g. an experiment).
    let mut build = vec!["build", "--release", "-p", "bench"];
    if options.relay_bin.is_none() {
        build.extend(["-p", "relay"]);
    }
    step("building wsload and the relay (release)");
    cargo(build).run()?;

    let release = target_dir().join("release");
    let wsload = release.join("wsload");
    let relay = options.relay_bin.clone().unwrap_or(release.join("relay"));
    let results = repo_root().join("bench/results");
    let logs = results.join("logs");
    // Logs of this run only (each restart of a server appends to its log).
    if logs.is_dir() {
        fs::remove_dir_all(&logs)
            .map_err(|err| format!("cannot clear {}: {err}", logs.display()))?;
    }
    fs::create_dir_all(&logs).map_err(|err| format!("cannot create {}: {err}", logs.display()))?;

    let open_files = procs::open_files_limit();
    let plan = Plan::new(options.quick, options.rounds, open_files);
    step(&format!(
        "starting the echo service and the contenders (descriptor limit {open_files})"
    ));
    let echo_port = procs::free_port()?;
    let echo = Service::start(
        "echo",
        &wsload,
        &[
            "echo".into(),
            "--listen".into(),
            format!("127.0.0.1:{echo_port}"),
        ],
        &logs.join("echo.log"),
        echo_port,
    )?;
    let echo_addr = format!("127.0.0.1:{echo_port}");
    let mut relay_args = vec![
        "--listen".to_owned(),
        "127.0.0.1:{port}".into(),
        "--no-echo".into(),
        "--no-lab".into(),
        // The scenario services listen on fixed ports, which another relay on a
        // shared machine may hold; the bench measures none of them.
        "--no-scenarios".into(),
        "--target".into(),
        format!("echo={echo_addr}"),
        // Every session comes from 127.0.0.1: lift the per-IP cap (256) above
        // the largest scenario, like a relay behind a trusted proxy.
        "--max-sessions".into(),
        RELAY_MAX_SESSIONS.into(),
        "--max-sessions-per-ip".into(),
        RELAY_MAX_SESSIONS.into(),
    ];
    relay_args.extend(options.relay_args.iter().cloned());
    // The WebSocket door's relay runs without the WebTransport door (its
    // default port is fixed, and may be another relay's on a shared machine);
    // `relay-wt` is the same binary with the door on a free UDP port.
    let mut ws_relay_args = relay_args.clone();
    ws_relay_args.push("--no-webtransport".into());
    let mut wt_relay_args = relay_args.clone();
    wt_relay_args.extend([
        "--webtransport-listen".into(),
        "127.0.0.1:{udp_port}".into(),
    ]);
    let websocat = which("websocat").ok_or("websocat is not on PATH")?;
    let websockify = which("websockify").ok_or("websockify is not on PATH")?;
    let mut contenders = vec![
        Contender::direct(&echo_addr),
        Contender::server(
            "relay",
            &relay,
            &ws_relay_args,
            "ws://127.0.0.1:{port}/ws/echo",
            &logs.join("relay.log"),
        ),
        // A stream is one service connection; the client holds no descriptor
        // per session (one UDP socket carries them all).
        Contender::server(
            plan::RELAY_WT,
            &relay,
            &wt_relay_args,
            "https://127.0.0.1:{udp_port}/wt/echo",
            &logs.join("relay-wt.log"),
        )
        .with_run_args(&["--wt-lab".into(), "127.0.0.1:{port}".into()])
        .with_files_per_session(1),
        Contender::server(
            "websocat",
            Path::new(&websocat),
            &[
                "-E".into(),
                "-b".into(),
                "ws-l:127.0.0.1:{port}".into(),
                format!("tcp:{echo_addr}"),
            ],
            "ws://127.0.0.1:{port}/",
            &logs.join("websocat.log"),
        ),
        Contender::server(
            "websockify",
            Path::new(&websockify),
            &["127.0.0.1:{port}".into(), echo_addr.clone()],
            "ws://127.0.0.1:{port}/",
            &logs.join("websockify.log"),
        ),
    ];
    // Reference servers, not products (`wsload --help`): the cost of a plain
    // TCP hop, and the same minimal bridge on each WebSocket library.
    for (name, scheme) in [
        ("tcp-proxy", "tcp"),
        ("tung-bridge", "ws"),
        ("fws-bridge", "ws"),
    ] {
        contenders.push(Contender::server(
            name,
            &wsload,
            &[
                name.into(),
                "--listen".into(),
                "127.0.0.1:{port}".into(),
                "--target".into(),
                echo_addr.clone(),
            ],
            &format!("{scheme}://127.0.0.1:{{port}}/"),
            &logs.join(format!("{name}.log")),
        ));
    }
    for contender in &mut contenders {
        contender.restart()?;
    }

    let raw = results.join("latest.raw.jsonl");
    let measured = Instant::now();
    run_rounds(&plan, &mut contenders, &wsload, echo.pid(), &raw, &logs)?;
    let runtime_secs = measured.elapsed().as_secs_f64();
    let notes = plan.notes(&contenders);
    drop(contenders);
    drop(echo);
    let page_frames = match &page_missing {
        Some(_) => Err("the page was not measured".to_owned()),
        None => page::frames(&wsload, &relay, options.quick, &results),
    };

    step("writing the report");
    let command = if options.quick {
        "cargo xtask bench --quick"
    } else {
        "cargo xtask bench"
    };
    let mut report = Cmd::new(&wsload).args([
        "report".to_owned(),
        "--raw".into(),
        raw.display().to_string(),
        "--out".into(),
        results.display().to_string(),
        "--command".into(),
        command.into(),
        "--rounds".into(),
        plan.rounds.to_string(),
        "--runtime-secs".into(),
        format!("{runtime_secs:.1}"),
    ]);
    if let Some(commit) = commit() {
        report = report.args(["--commit", &commit]);
    }
    for (name, bytes, gzip) in &page {
        report = report
            .arg("--page-file")
            .arg(format!("{name}={bytes}:{gzip}"));
    }
    report = match &page_frames {
        Ok(path) => report.arg("--page-frames").arg(path),
        Err(why) => report
            .arg("--note")
            .arg(format!("page frame times: not measured: {why}")),
    };
    for note in notes.into_iter().chain(page_missing) {
        report = report.arg("--note").arg(note);
    }
    report.run()?;
    // The README shows the latest full run (a --quick run is only a smoke test).
    if !options.quick {
        let latest = fs::read_to_string(results.join("latest.md"))
            .map_err(|err| format!("cannot read latest.md: {err}"))?;
        readme::update(&repo_root().join("README.md"), &latest)?;
    }
    println!(
        "\nwrote {0}/latest.md, latest.json, latest.svg and latest.raw.jsonl (measuring took {runtime_secs:.0} s)",
        results.display()
    );
    Ok(())
}

/// Every round runs every scenario against every contender in turn, the first
/// contender rotating per round, so drift on the machine hits all alike.
fn run_rounds(
    plan: &Plan,
    contenders: &mut [Contender],
    wsload: &Path,
    echo_pid: u32,
    raw: &Path,
    logs: &Path,
) -> Result<(), String> {
    let mut raw_file = OpenOptions::new()
        .create(true)
        .write(true)
        .truncate(true)
        .open(raw)
        .map_err(|err| format!("cannot write {}: {err}", raw.display()))?;
    let client_log = logs.join("wsload.log");
    for round in 1..=plan.rounds {
        step(&format!("round {round} of {}", plan.rounds));
        for scenario in &plan.scenarios {
            for i in 0..contenders.len() {
                let count = contenders.len();
                let contender = &mut contenders[(i + round as usize - 1) % count];
                if !scenario.runs(&contender.name) {
                    continue;
                }
                if scenario.fresh_servers {
                    contender.restart()?;
                }
                let args = plan.run_args(scenario, contender, round, echo_pid);
                let started = Instant::now();
                let mut command = Command::new(wsload);
                command.args(&args);
                if let Ok(log) = OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(&client_log)
                {
                    command.stderr(log);
                }
                let line = match procs::run_with_timeout(command, scenario.hard_timeout()) {
                    Ok(out) => out.trim().to_owned(),
                    Err(why) => failure_record(&scenario.name, &contender.name, round, &why),
                };
                let status = if line.contains("\"failure\":null") {
                    "ok".to_owned()
                } else {
                    format!("FAILED: {line}")
                };
                println!(
                    "  {:<15} {:<11} {:>6.1} s  {status}",
                    scenario.name,
                    contender.name,
                    started.elapsed().as_secs_f64()
                );
                writeln!(raw_file, "{line}")
                    .map_err(|err| format!("cannot write {}: {err}", raw.display()))?;
            }
        }
    }
    Ok(())
}

/// The JSON line for a run that produced none (wsload itself was killed).
fn failure_record(scenario: &str, contender: &str, round: u32, why: &str) -> String {
    let escape = |s: &str| s.replace('\\', "\\\\").replace('"', "\\\"");
    format!(
        r#"{{"scenario":"{}","contender":"{}","round":{round},"metrics":{{}},"errors":1,"client_cpu_pct":0.0,"client_threads":1,"server_cpu_pct":null,"echo_cpu_pct":null,"secs":0.0,"note":null,"failure":"{}"}}"#,
        escape(scenario),
        escape(contender),
        escape(why)
    )
}

/// Sizes of the page's wasm and JS, raw and gzipped; builds the page first if
/// `dist/` is missing.
fn page_sizes() -> Result<Vec<(String, u64, u64)>, String> {
    let dist = repo_root().join("dist");
    if !dist.is_dir() {
        step("building the page to measure it (trunk build --release)");
        Cmd::new("trunk")
            .args(["build", "--release"])
            .dir(repo_root())
            .run()?;
    }
    let mut sizes = Vec::new();
    let entries =
        fs::read_dir(&dist).map_err(|err| format!("cannot read {}: {err}", dist.display()))?;
    let mut paths: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
    paths.sort();
    for path in paths {
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        if ext != "wasm" && ext != "js" {
            continue;
        }
        let bytes = fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
        let gzip = Cmd::new("sh")
            .args(["-c", "gzip -9 -c \"$0\" | wc -c"])
            .arg(&path)
            .output()
            .and_then(|out| out.trim().parse().ok())
            .ok_or_else(|| format!("cannot gzip {}", path.display()))?;
        let name = path
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        sizes.push((name, bytes, gzip));
    }
    Ok(sizes)
}

/// Where cargo puts binaries: `CARGO_TARGET_DIR`, else `target/`.
pub(crate) fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .map(|dir| {
            if dir.is_absolute() {
                dir
            } else {
                repo_root().join(dir)
            }
        })
        .unwrap_or_else(|| repo_root().join("target"))
}

/// The commit measured, marked `-dirty` with uncommitted changes.
pub(crate) fn commit() -> Option<String> {
    let head = Cmd::new("git")
        .args(["rev-parse", "--short", "HEAD"])
        .dir(repo_root())
        .output()?;
    let dirty = Cmd::new("git")
        .args(["status", "--porcelain", "--untracked-files=no"])
        .dir(repo_root())
        .output()
        .is_some_and(|s| !s.trim().is_empty());
    Some(format!(
        "{}{}",
        head.trim(),
        if dirty { "-dirty" } else { "" }
    ))
}
