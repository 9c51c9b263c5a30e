//! The binary's flags and config file as a user gives them.

mod common;

use std::{
    io::{BufRead, BufReader},
    process::{Command, Stdio},
};

/// Starts the binary with `args` and returns the first line it prints.
fn banner(args: &[&str]) -> String {
    let mut child = Command::new(env!("CARGO_BIN_EXE_relay"))
        .args(["--no-echo", "--no-lab", "--no-scenarios"])
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let _ = child.kill();
    let _ = child.wait();
    line
}

#[test]
fn listen_in_the_config_file_is_used_and_a_flag_wins() {
    let port = common::closed_port();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("relay.toml");
    std::fs::write(&file, format!("listen = \"127.0.0.1:{port}\"\n")).unwrap();
    let file = file.to_str().unwrap();
    assert_eq!(
        banner(&["--config", file]).trim(),
        format!("playground:    http://127.0.0.1:{port}/")
    );
    let other = common::closed_port();
    let flag = format!("127.0.0.1:{other}");
    assert_eq!(
        banner(&["--config", file, "--listen", &flag]).trim(),
        format!("playground:    http://{flag}/")
    );
}

#[test]
fn a_bad_public_host_is_refused_at_start() {
    let output = Command::new(env!("CARGO_BIN_EXE_relay"))
        .args([
            "--listen",
            "127.0.0.1:0",
            "--no-echo",
            "--no-lab",
            "--no-scenarios",
        ])
        .args(["--public-host", "not a name"])
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("--public-host"), "{stderr}");
    assert!(output.stdout.is_empty(), "the banner was printed");
}
