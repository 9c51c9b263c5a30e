//! `cargo xtask setup | run | test`: the project's commands (the cargo-xtask
//! convention). Every step that installs something checks first, so running
//! any command twice does the work once.
#![forbid(unsafe_code)]

mod bench;
mod conformance;
mod fuzz;
mod lighthouse;
mod page;
mod setup;
mod sh;
mod soak;

use std::process::ExitCode;

use sh::{cargo, repo_root, Cmd};

const USAGE: &str = "usage: cargo xtask <command>

commands:
  setup          install what building and testing need (idempotent)
  run [ARGS..]   set up, build the page, build the relay and start it
                 (ARGS go to the relay, e.g. -- --listen 127.0.0.1:9000)
  test           set up, then run every test: formatting, lints, unit and
                 integration tests, frontend tests in Chromium, end to end
  bench [--quick]  benchmark the relay against direct TCP, websocat and
                 websockify; writes bench/results/latest.{md,json,svg}
  conformance [--full]  the Autobahn TestSuite against /ws-echo and the bridge
  fuzz [--seconds N]    every cargo-fuzz target for N seconds (default 30)
  lighthouse [--runs N]  audit the page with Lighthouse 12 (mobile preset) N
                 times (default 3); writes bench/results/lighthouse.{md,json}
  soak [--minutes N]  run every kind of load at once (churn, bulk checked by
                 SHA-256, idle, slow readers, ping floods, unread taps, a
                 fault-injecting service) against the release relay for N
                 minutes (default 10), sampling its memory; writes
                 bench/results/soak.{md,json,svg}; fails on errors";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("setup") => setup::all(),
        Some("run") => run(&args[1..]),
        Some("test") => test(),
        Some("bench") => bench::run(&args[1..]),
        Some("soak") => soak::run(&args[1..]),
        Some("fuzz") => fuzz::run(&args[1..]),
        Some("lighthouse") => lighthouse::run(&args[1..]),
        Some("conformance") => conformance::run(&args[1..]),
        Some("-h" | "--help" | "help") => {
            println!("{USAGE}");
            Ok(())
        }
        _ => Err(format!("{USAGE}\n")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("xtask: {err}");
            ExitCode::FAILURE
        }
    }
}

/// Builds the page into `dist/` (`page.rs`).
fn build_page() -> Result<(), String> {
    page::build()
}

fn run(relay_args: &[String]) -> Result<(), String> {
    setup::build_tools()?;
    build_page()?;
    sh::step("building the relay with the page embedded");
    cargo(["build", "--release", "-p", "relay"]).run()?;
    sh::step("starting the relay (Ctrl-C stops it)");
    // While developing, the page may also come from `trunk serve` (Trunk.toml:
    // 127.0.0.1:8081); a deployed relay does not trust that origin.
    let dev_origins = ["http://127.0.0.1:8081", "http://localhost:8081"]
        .into_iter()
        .flat_map(|origin| ["--allow-origin".to_owned(), origin.to_owned()]);
    let relay_args = relay_args.iter().skip_while(|a| *a == "--").cloned();
    Cmd::new(repo_root().join("target/release/relay"))
        .args(dev_origins.chain(relay_args))
        .run()
}

fn test() -> Result<(), String> {
    setup::all()?;
    sh::step("formatting (cargo fmt --check)");
    cargo(["fmt", "--all", "--", "--check"]).run()?;
    sh::step("lints (cargo clippy -D warnings)");
    // The host crates; the relay's browser tests (behind `e2e`); the page,
    // compiled for the browser.
    for scope in [
        &["--workspace", "--all-targets"][..],
        &["-p", "relay", "--features", "e2e", "--tests"],
        &[
            "-p",
            "frontend",
            "--target",
            "wasm32-unknown-unknown",
            "--all-targets",
        ],
    ] {
        let mut args = vec!["clippy"];
        args.extend_from_slice(scope);
        args.extend(["--", "-D", "warnings"]);
        cargo(args).run()?;
    }
    build_page()?;
    sh::step("unit and integration tests (host)");
    cargo(["test", "--workspace"]).run()?;
    sh::step("frontend component tests (wasm-bindgen-test in headless Chromium)");
    let mut component = vec![
        "test",
        "-p",
        "frontend",
        "--target",
        "wasm32-unknown-unknown",
    ];
    let frontend_tests = test_files("frontend/tests", |_| true)?;
    component.extend(frontend_tests.iter().flat_map(|t| ["--test", t.as_str()]));
    cargo(component)
        .env("CHROMEDRIVER", setup::chromedriver()?)
        .run()?;
    sh::step("end to end (real Chromium, relay, redis-server)");
    let mut e2e = vec!["test", "-p", "relay", "--features", "e2e"];
    let e2e_tests = test_files("relay/tests", |name| name.starts_with("e2e"))?;
    e2e.extend(e2e_tests.iter().flat_map(|t| ["--test", t.as_str()]));
    cargo(e2e).run()?;
    conformance::run(&[])?;
    // A short run of every fuzz target: enough to catch a panic on the
    // corpus libFuzzer builds in that time; `cargo xtask fuzz` runs longer.
    fuzz::fuzz_all(15)?;
    sh::step("all tests passed");
    Ok(())
}

/// The integration test targets in `dir` (each `NAME.rs` is `--test NAME`)
/// whose name passes `keep`, sorted: a new test file runs without an edit here.
fn test_files(dir: &str, keep: impl Fn(&str) -> bool) -> Result<Vec<String>, String> {
    let path = repo_root().join(dir);
    let entries = std::fs::read_dir(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut names: Vec<String> = entries
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        .filter_map(|name| name.strip_suffix(".rs").map(str::to_owned))
        .filter(|name| keep(name))
        .collect();
    names.sort();
    if names.is_empty() {
        return Err(format!("no test files in {}", path.display()));
    }
    Ok(names)
}
