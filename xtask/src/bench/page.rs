//! The page part of `cargo xtask bench`: `wsload page` loads the built page
//! from the relay in headless Chromium, fills its views to 100,000 entries and
//! records frame times with 10,000 lines/s arriving (see bench/src/page).

use std::{
    fs::{self, OpenOptions},
    path::{Path, PathBuf},
    process::Command,
    time::Duration,
};

use super::procs;
use crate::{
    setup,
    sh::{repo_root, step},
};

/// Longest the whole measurement may take (filling included).
const HARD_TIMEOUT: Duration = Duration::from_secs(900);

/// Measures the page with `relay` serving `dist/`; writes what `wsload page`
/// printed to `results/latest.page.json` and returns that path. `quick`
/// shortens the watched windows, not the fill.
pub fn frames(wsload: &Path, relay: &Path, quick: bool, results: &Path) -> Result<PathBuf, String> {
    step("page frame times in headless Chromium (100,000 entries, 10,000 lines/s)");
    let mut command = Command::new(wsload);
    command
        .arg("page")
        .arg("--relay")
        .arg(relay)
        .arg("--dist")
        .arg(repo_root().join("dist"))
        .arg("--chromedriver")
        .arg(setup::chromedriver()?);
    if quick {
        command.args(["--secs", "4", "--idle-secs", "2"]);
    }
    if let Ok(log) = OpenOptions::new()
        .create(true)
        .append(true)
        .open(results.join("logs/page.log"))
    {
        command.stderr(log);
    }
    let out = procs::run_with_timeout(command, HARD_TIMEOUT)?;
    let path = results.join("latest.page.json");
    fs::write(&path, out.trim())
        .map_err(|err| format!("cannot write {}: {err}", path.display()))?;
    Ok(path)
}
