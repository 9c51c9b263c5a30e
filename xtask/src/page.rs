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
//! Plain `trunk build --release` (stable Rust) still builds the same page,
//! only larger.

use crate::sh::{repo_root, step, Cmd};

/// Pinned, so that the flags below keep meaning what they mean today.
pub const TOOLCHAIN: &str = "nightly-2026-05-19";

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

/// Builds the page into `dist/`.
pub fn build() -> Result<(), String> {
    step(&format!(
        "building the page (trunk build --release, Rust {TOOLCHAIN}, std rebuilt without panic messages)"
    ));
    Cmd::new("trunk")
        .args(["build", "--release"])
        .env("RUSTUP_TOOLCHAIN", TOOLCHAIN)
        .env("CARGO_UNSTABLE_BUILD_STD", BUILD_STD)
        .env("RUSTFLAGS", RUSTFLAGS)
        .dir(repo_root())
        .run()
}
