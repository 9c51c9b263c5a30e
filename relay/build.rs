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
    // built page the copy is empty and nothing is embedded. The copy is only
    // touched where it differs: memory-serve asks cargo to rerun this script
    // when it changes.
    let out_dir = PathBuf::from(env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    let copy = out_dir.join("dist");
    fs::create_dir_all(&copy).expect("OUT_DIR is writable");
    let built = dist.join("index.html").is_file();
    sync_dir(built.then_some(dist.as_path()), &copy);
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

/// Makes `to` hold exactly what `from` holds (nothing, for `None`), writing
/// only the files that differ.
fn sync_dir(from: Option<&Path>, to: &Path) {
    let wanted: Vec<_> = from
        .and_then(|from| fs::read_dir(from).ok())
        .into_iter()
        .flatten()
        .flatten()
        .map(|entry| entry.file_name())
        .collect();
    for entry in fs::read_dir(to).into_iter().flatten().flatten() {
        if !wanted.contains(&entry.file_name()) {
            let path = entry.path();
            let _ = fs::remove_dir_all(&path).or_else(|_| fs::remove_file(&path));
        }
    }
    let Some(from) = from else { return };
    for name in wanted {
        let (src, dst) = (from.join(&name), to.join(&name));
        if src.is_dir() {
            let _ = fs::create_dir_all(&dst);
            sync_dir(Some(&src), &dst);
        } else if let Ok(bytes) = fs::read(&src) {
            if fs::read(&dst).ok().as_ref() != Some(&bytes) {
                let _ = fs::write(&dst, bytes);
            }
        }
    }
}
