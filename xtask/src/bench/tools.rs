//! The other relays the bench measures, installed from their registries
//! when missing: websocat (crates.io) and websockify (PyPI).

use crate::{
    setup::which,
    sh::{cargo, step, Cmd},
};

/// The websocat release the bench compares with.
const WEBSOCAT_VERSION: &str = "1.14.1";
/// The websockify release the bench compares with (PyPI).
const WEBSOCKIFY_VERSION: &str = "0.13";

/// websocat (crates.io) and websockify (PyPI), each only when missing.
pub fn install() -> Result<(), String> {
    step("checking the contenders");
    let websocat = Cmd::new("websocat")
        .arg_version()
        .output()
        .unwrap_or_default();
    if !websocat.starts_with(&format!("websocat {WEBSOCAT_VERSION}")) {
        println!(
            "websocat {WEBSOCAT_VERSION} missing (found {:?}); installing (~4 min)",
            websocat.trim()
        );
        cargo(["install", "websocat", "--version", WEBSOCAT_VERSION]).run()?;
    }
    let python = which("python3").ok_or("python3 is not on PATH")?;
    let websockify = Cmd::new(&python)
        .args(["-m", "pip", "show", "websockify"])
        .output()
        .unwrap_or_default();
    let have = websockify
        .lines()
        .find_map(|l| l.strip_prefix("Version: "))
        .unwrap_or("none");
    if !have.starts_with(&format!("{WEBSOCKIFY_VERSION}.")) || which("websockify").is_none() {
        println!("websockify {WEBSOCKIFY_VERSION} missing (found {have}); installing");
        Cmd::new(&python)
            .args([
                "-m",
                "pip",
                "install",
                &format!("websockify=={WEBSOCKIFY_VERSION}.*"),
            ])
            .run()?;
    }
    Ok(())
}
