//! Running commands: echo what runs, fail with a message that says which.

use std::{
    ffi::OsStr,
    path::{Path, PathBuf},
    process::{Command, Stdio},
};

/// The repository root (the parent of this crate's directory).
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives one level below the repository root")
        .to_path_buf()
}

/// Prints a step heading.
pub fn step(what: &str) {
    println!("\n==> {what}");
}

/// A command to run, echoed before it runs.
pub struct Cmd(Command);

impl Cmd {
    /// A command for `program`.
    pub fn new(program: impl AsRef<OsStr>) -> Self {
        Self(Command::new(program))
    }

    /// Adds arguments.
    pub fn args<I, S>(mut self, args: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        self.0.args(args);
        self
    }

    /// Adds one argument.
    pub fn arg(mut self, arg: impl AsRef<OsStr>) -> Self {
        self.0.arg(arg);
        self
    }

    /// Adds `--version`.
    pub fn arg_version(self) -> Self {
        self.arg("--version")
    }

    /// Runs in `dir`.
    pub fn dir(mut self, dir: impl AsRef<Path>) -> Self {
        self.0.current_dir(dir);
        self
    }

    /// Sets an environment variable.
    pub fn env(mut self, key: &str, value: impl AsRef<OsStr>) -> Self {
        self.0.env(key, value);
        self
    }

    fn describe(&self) -> String {
        let mut text = self.0.get_program().to_string_lossy().into_owned();
        for arg in self.0.get_args() {
            text.push(' ');
            text.push_str(&arg.to_string_lossy());
        }
        text
    }

    /// Runs with inherited stdio; an unsuccessful exit is an error.
    pub fn run(mut self) -> Result<(), String> {
        let what = self.describe();
        println!("$ {what}");
        let status = self
            .0
            .status()
            .map_err(|err| format!("cannot start `{what}`: {err}"))?;
        if status.success() {
            Ok(())
        } else {
            Err(format!("`{what}` failed ({status})"))
        }
    }

    /// Runs quietly and returns stdout, or None if it could not run or failed.
    pub fn output(mut self) -> Option<String> {
        let out = self
            .0
            .stdin(Stdio::null())
            .stderr(Stdio::null())
            .output()
            .ok()?;
        out.status
            .success()
            .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
    }
}

/// `cargo` (the one running this xtask) in the repository root.
pub fn cargo<I, S>(args: I) -> Cmd
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    Cmd::new(cargo).args(args).dir(repo_root())
}
