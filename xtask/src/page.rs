//! Building the page: `trunk build --release` with a pinned nightly Rust that
//! rebuilds the standard library for the browser without panic messages.
//!
//! A panic in the page can only abort (the browser cannot unwind wasm), so
//! its message and source location are never read. Stable Rust still ships
//! them, and the formatting code behind them, in the prebuilt standard
//! library. Rebuilding it (`-Zbuild-std`) with `-Cpanic=immediate-abort` and
//! `-Zlocation-detail=none` leaves them out: 738,687 → 671,664 bytes of wasm,
//! 285,674 → 261,143 gzipped (measured on this page, 2026-12-01).
//!
//! Trunk's JavaScript minifier cannot parse wasm-bindgen's glue (it stops at
//! `export { initSync, __wbg_init as default }`), so the glue is minified
//! afterwards with esbuild (npm, under `target/esbuild`) and its integrity
//! hash in `index.html` rewritten: 61,609 → 27,633 bytes, 10,115 → 7,996
//! gzipped.
//!
//! Two more steps after it, each a Node script in `xtask/page/` that says
//! what it measured: the names the wasm and its glue share are shortened
//! (`shorten-names.cjs`), and the app starts after the first paint instead
//! of competing with it for the network (`defer-loader.cjs`).
//!
//! Plain `trunk build --release` (stable Rust) still builds the same page,
//! only larger, and starting as Trunk starts it.

use std::path::PathBuf;

use crate::bench::target_dir;
use crate::sh::{repo_root, step, Cmd};

/// Pinned, so that the flags below keep meaning what they mean today.
pub const TOOLCHAIN: &str = "nightly-2026-05-19";

const ESBUILD_NPM: &str = "esbuild@0.25.12";
const ESBUILD_VERSION: &str = "0.25.12";

const BUILD_STD: &str = "std,panic_abort";
const RUSTFLAGS: &str = "-Zunstable-options -Cpanic=immediate-abort -Zlocation-detail=none";

/// Installs the page's toolchain with the standard library's source, unless
/// it is there (about 30 s: the minimal profile).
pub fn ensure_toolchain() -> Result<(), String> {
    let installed = Cmd::new("rustup")
        .args(["component", "list", "--installed", "--toolchain", TOOLCHAIN])
        .output()
        .unwrap_or_default();
    if installed.lines().any(|c| c.trim() == "rust-src") {
        return Ok(());
    }
    println!("Rust {TOOLCHAIN} with rust-src missing (the page's build); installing");
    Cmd::new("rustup")
        .args(["toolchain", "install", TOOLCHAIN, "--profile", "minimal"])
        .args(["--component", "rust-src"])
        .run()
}

fn esbuild_package() -> PathBuf {
    target_dir().join("esbuild/node_modules/esbuild")
}

/// Installs esbuild under `target/esbuild` unless it is there (seconds).
pub fn ensure_minifier() -> Result<(), String> {
    let prefix = target_dir().join("esbuild");
    let version = Cmd::new(prefix.join("node_modules/.bin/esbuild"))
        .arg_version()
        .output()
        .unwrap_or_default();
    if version.trim() == ESBUILD_VERSION {
        return Ok(());
    }
    println!("{ESBUILD_NPM} missing (the page's JavaScript minifier); installing (npm)");
    std::fs::create_dir_all(&prefix).map_err(|err| format!("{}: {err}", prefix.display()))?;
    Cmd::new("npm")
        .args(["install", "--no-audit", "--no-fund", "--prefix"])
        .arg(&prefix)
        .arg(ESBUILD_NPM)
        .run()
}

/// Builds the page into `dist/`.
pub fn build() -> Result<(), String> {
    step(&format!(
        "building the page (trunk build --release, Rust {TOOLCHAIN}, std rebuilt without panic messages)"
    ));
    // Trunk runs cargo `--offline`, and a fresh machine has never downloaded
    // the standard library's own dependencies, which `-Zbuild-std` compiles
    // ("no matching package named `wasip1` found"). Fetching first resolves
    // and downloads them; once they are there it is a no-op.
    Cmd::new("cargo")
        .args(["fetch", "--target", "wasm32-unknown-unknown"])
        .args(["--manifest-path", "frontend/Cargo.toml"])
        .env("RUSTUP_TOOLCHAIN", TOOLCHAIN)
        .env("CARGO_UNSTABLE_BUILD_STD", BUILD_STD)
        .dir(repo_root())
        .run()?;
    Cmd::new("trunk")
        .args(["build", "--release"])
        .env("RUSTUP_TOOLCHAIN", TOOLCHAIN)
        .env("CARGO_UNSTABLE_BUILD_STD", BUILD_STD)
        .env("RUSTFLAGS", RUSTFLAGS)
        .dir(repo_root())
        .run()?;
    step("minifying the page's JavaScript (esbuild)");
    node_script("minify.cjs", &[esbuild_package(), dist()])?;
    step("shortening the names the wasm and its glue share");
    node_script("shorten-names.cjs", &[dist()])?;
    step("starting the app after the first paint (index.html)");
    node_script("defer-loader.cjs", &[dist()])
}

/// Where Trunk builds the page.
fn dist() -> PathBuf {
    repo_root().join("dist")
}

/// Runs `xtask/page/<name>` with Node, the steps after Trunk's.
fn node_script(name: &str, args: &[PathBuf]) -> Result<(), String> {
    Cmd::new("node")
        .arg(repo_root().join("xtask/page").join(name))
        .args(args)
        .run()
}
