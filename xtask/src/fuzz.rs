//! `cargo xtask fuzz [--seconds N]`: runs every cargo-fuzz target in `fuzz/`
//! for N seconds each (libFuzzer needs a nightly toolchain; both it and
//! cargo-fuzz are installed here if missing).

use crate::sh::{cargo, repo_root, step, Cmd};

/// The fuzz targets, as named in fuzz/Cargo.toml.
const TARGETS: &[&str] = &[
    "frame",
    "wire",
    "tap_record",
    "config",
    "proxy_header",
    "scenario_lines",
];
const CARGO_FUZZ_VERSION: &str = "0.13";

/// Parses `--seconds N` and fuzzes every target that long.
pub fn run(args: &[String]) -> Result<(), String> {
    let seconds = match args {
        [] => 30,
        [flag, n] if flag == "--seconds" => n
            .parse()
            .map_err(|_| format!("--seconds takes a number, got {n:?}"))?,
        _ => return Err("usage: cargo xtask fuzz [--seconds N]".into()),
    };
    fuzz_all(seconds)
}

/// Builds the targets and runs each for `seconds`; a crash fails the run.
pub fn fuzz_all(seconds: u32) -> Result<(), String> {
    ensure_tools()?;
    for target in TARGETS {
        step(&format!("fuzzing {target} for {seconds} s"));
        Cmd::new("cargo")
            .args(["+nightly", "fuzz", "run", target, "--"])
            .arg(format!("-max_total_time={seconds}"))
            .arg("-rss_limit_mb=4096")
            .dir(repo_root())
            .run()?;
    }
    Ok(())
}

fn ensure_tools() -> Result<(), String> {
    step("checking fuzzing tools");
    let toolchains = Cmd::new("rustup")
        .args(["toolchain", "list"])
        .output()
        .unwrap_or_default();
    if !toolchains.lines().any(|t| t.starts_with("nightly")) {
        Cmd::new("rustup")
            .args(["toolchain", "install", "nightly", "--profile", "minimal"])
            .run()?;
    }
    let have = Cmd::new("cargo")
        .args(["fuzz", "--version"])
        .output()
        .unwrap_or_default();
    if !have.contains(&format!("cargo-fuzz {CARGO_FUZZ_VERSION}.")) {
        println!(
            "cargo-fuzz {CARGO_FUZZ_VERSION} missing (found {:?}); installing",
            have.trim()
        );
        cargo([
            "install",
            "cargo-fuzz",
            "--version",
            &format!("^{CARGO_FUZZ_VERSION}"),
        ])
        .run()?;
    }
    Ok(())
}
