//! Embeds the page Trunk built (`dist/`, or `$RELAY_DIST_DIR`) into the relay,
//! so the installed binary alone serves everything. Without a built page the
//! relay still compiles and `/` explains how to build it.

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

    let mut files = Vec::new();
    if dist.join("index.html").is_file() {
        collect(&dist, &dist, &mut files);
    }
    files.sort();
    // Embed copies: Trunk may rewrite dist/ while the crate compiles.
    let out_dir = PathBuf::from(env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    let copies = out_dir.join("dist");
    let _ = fs::remove_dir_all(&copies);
    let files: Vec<(String, String)> = files
        .into_iter()
        .filter_map(|(rel, abs)| {
            let copy = copies.join(&rel);
            fs::create_dir_all(copy.parent()?).ok()?;
            fs::copy(&abs, &copy).ok()?;
            Some((rel, copy.to_string_lossy().into_owned()))
        })
        .collect();
    let mut out = String::from("/// Files of the built page: (path relative to dist/, contents).\npub static ASSETS: &[(&str, &[u8])] = &[\n");
    for (rel, abs) in &files {
        out.push_str(&format!("    ({rel:?}, include_bytes!({abs:?})),\n"));
    }
    out.push_str("];\n");
    let out_path =
        PathBuf::from(env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("assets.rs");
    fs::write(out_path, out).expect("OUT_DIR is writable");
}

fn collect(root: &Path, dir: &Path, files: &mut Vec<(String, String)>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(root, &path, files);
        } else if let Ok(rel) = path.strip_prefix(root) {
            let rel = rel.to_string_lossy().replace('\\', "/");
            let abs = fs::canonicalize(&path).unwrap_or(path.clone());
            files.push((rel, abs.to_string_lossy().into_owned()));
        }
    }
}
