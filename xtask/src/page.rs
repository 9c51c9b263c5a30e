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
//! Plain `trunk build --release` (stable Rust) still builds the same page,
//! only larger.

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

/// Minifies every `.js` in the directory `argv[3]` with the esbuild package
/// at `argv[2]` (`node minify.js PACKAGE DIST`), and swaps each file's Subresource Integrity hash in its
/// `index.html` for the minified file's.
const MINIFY: &str = r#"
const fs = require('fs'), path = require('path'), crypto = require('crypto');
const esbuild = require(process.argv[2]);
const dist = process.argv[3];
const html = path.join(dist, 'index.html');
const sri = (bytes) => 'sha384-' + crypto.createHash('sha384').update(bytes).digest('base64');
let page = fs.readFileSync(html, 'utf8');
for (const name of fs.readdirSync(dist).filter((n) => n.endsWith('.js'))) {
  const file = path.join(dist, name);
  const before = fs.readFileSync(file);
  const after = Buffer.from(esbuild.transformSync(before.toString('utf8'), { minify: true, format: 'esm' }).code);
  const [was, now] = [sri(before), sri(after)];
  if (!page.includes(was)) throw new Error(`${html} has no integrity ${was} for ${name}`);
  fs.writeFileSync(file, after);
  page = page.split(was).join(now);
  console.log(`minified ${name}: ${before.length} -> ${after.length} bytes`);
}
fs.writeFileSync(html, page);
"#;

/// Rewrites how `index.html` (`argv[2]`: the page's directory) starts the
/// app: Trunk's loader imports the glue and preloads the wasm from `<head>`,
/// so 215 KB of wasm compete for a slow link with the stylesheet the first
/// paint waits for (`shell.rs` puts the first screen in the HTML). This one
/// starts both downloads just after the first paint, at once when the tab is
/// hidden (no frames are painted there), and keeps their integrity hashes:
/// an import map's for the glue, `fetch`'s for the wasm.
const DEFER_LOADER: &str = r#"
const fs = require('fs'), path = require('path');
const html = path.join(process.argv[2], 'index.html');
let page = fs.readFileSync(html, 'utf8');
const attr = (tag, name) => {
  const found = tag.match(new RegExp(`\\b${name}=(?:"([^"]*)"|([^\\s>]*))`));
  if (!found) throw new Error(`${html}: no ${name} in ${tag}`);
  return found[1] ?? found[2];
};
const take = (pattern, what) => {
  const found = page.match(pattern);
  if (!found) throw new Error(`${html} has no ${what}`);
  page = page.replace(found[0], '');
  return found[0];
};
const glue = take(/<link\b[^>]*\brel="?modulepreload"?[^>]*>/, 'modulepreload link');
const wasm = take(/<link\b[^>]*\bas="?fetch"?[^>]*\brel="?preload"?[^>]*>|<link\b[^>]*\brel="?preload"?[^>]*\bas="?fetch"?[^>]*>/, 'wasm preload link');
const loader = take(/<script type="?module"?>import init, \* as bindings from '[^']*';[\s\S]*?<\/script>/, "Trunk's loader");
const [js, jsHash, bin, binHash] = [attr(glue, 'href'), attr(glue, 'integrity'), attr(wasm, 'href'), attr(wasm, 'integrity')];
if (!loader.includes(js) || !loader.includes(bin)) throw new Error(`${html}: the loader does not load ${js} and ${bin}`);
const q = JSON.stringify;
const deferred = `<script type=importmap>{"integrity":{${q(js)}:${q(jsHash)}}}</script>` +
  `<script type=module>const start=async()=>{const bindings=await import(${q(js)});` +
  `const wasm=await bindings.default({module_or_path:fetch(${q(bin)},{integrity:${q(binHash)}})});` +
  `window.wasmBindings=bindings;dispatchEvent(new CustomEvent("TrunkApplicationStarted",{detail:{wasm}}))};` +
  `document.visibilityState==="hidden"?start():requestAnimationFrame(()=>setTimeout(start))</script>`;
page = page.replace('</head>', deferred + '</head>');
fs.writeFileSync(html, page);
console.log(`the app now starts after the first paint (${js}, ${bin})`);
"#;

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
    let script = target_dir().join("esbuild/minify.js");
    std::fs::write(&script, MINIFY).map_err(|err| format!("{}: {err}", script.display()))?;
    Cmd::new("node")
        .arg(&script)
        .arg(esbuild_package())
        .arg(repo_root().join("dist"))
        .run()?;
    step("starting the app after the first paint (index.html)");
    let script = target_dir().join("esbuild/defer-loader.js");
    std::fs::write(&script, DEFER_LOADER).map_err(|err| format!("{}: {err}", script.display()))?;
    Cmd::new("node")
        .arg(&script)
        .arg(repo_root().join("dist"))
        .run()
}
