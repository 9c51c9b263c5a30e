//! Embeds the page Trunk built (`dist/`, or `$RELAY_DIST_DIR`) into the relay
//! with memory-serve, which Brotli-compresses it and computes ETags here, at
//! build time, so the installed binary alone serves everything. Without a
//! built page the relay still compiles and `/` explains how to build it.

use std::{
    env, fs,
    path::{Path, PathBuf},
};

fn main() {
    println!("cargo:rerun-if-env-changed=RELAY_DIST_DIR");
    let manifest =
        PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let dist = env::var_os("RELAY_DIST_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| manifest.join("..").join("dist"));
    println!("cargo:rerun-if-changed={}", dist.display());

    // Embed a copy: Trunk may rewrite dist/ while the crate compiles. With no
    // built page the copy is empty and nothing is embedded.
    let out_dir = PathBuf::from(env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    let copy = out_dir.join("dist");
    let _ = fs::remove_dir_all(&copy);
    fs::create_dir_all(&copy).expect("OUT_DIR is writable");
    let built = dist.join("index.html").is_file();
    if built {
        copy_dir(&dist, &copy);
    }
    println!(
        "cargo:rustc-env=RELAY_PAGE_EMBEDDED={}",
        if built { "1" } else { "0" }
    );
    if env::var_os("MEMORY_SERVE_QUIET").is_none() {
        // One warning line per file otherwise, on every build.
        env::set_var("MEMORY_SERVE_QUIET", "1");
    }
    memory_serve::load_directory_with_embed(&copy, true);
}

fn copy_dir(from: &Path, to: &Path) {
    let Ok(entries) = fs::read_dir(from) else {
        return;
    };
    for entry in entries.flatten() {
        let (src, dst) = (entry.path(), to.join(entry.file_name()));
        if src.is_dir() {
            let _ = fs::create_dir_all(&dst);
            copy_dir(&src, &dst);
        } else {
            let _ = fs::copy(&src, &dst);
        }
    }
}
