//! `relay check-config FILE` on the real binary: what it prints for a good
//! file, the reason and exit code for each kind of broken one, and that it
//! binds nothing.

mod common;

use std::{path::Path, process::Command};

/// Runs `relay check-config FILE`: (succeeded, stdout, stderr).
fn check(file: &Path) -> (bool, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_relay"))
        .arg("check-config")
        .arg(file)
        .output()
        .unwrap();
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

fn write_pair(dir: &Path, name: &str) {
    let cert = rcgen::generate_simple_self_signed(vec!["localhost".into()]).unwrap();
    std::fs::write(dir.join(format!("{name}.crt")), cert.cert.pem()).unwrap();
    std::fs::write(
        dir.join(format!("{name}.key")),
        cert.signing_key.serialize_pem(),
    )
    .unwrap();
}

#[test]
fn a_good_file_is_summarised_and_binds_nothing() {
    let dir = tempfile::tempdir().unwrap();
    write_pair(dir.path(), "relay");
    // Held, so a check that tried to bind the listen address would fail.
    let held = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let listen = held.local_addr().unwrap();
    let file = dir.path().join("relay.toml");
    std::fs::write(
        &file,
        format!(
            "listen = \"{listen}\"\n\
             public_hosts = [\"relay.example.com\"]\n\
             allow_origins = [\"https://page.example\"]\n\
             [targets]\n\
             redis = \"10.0.0.5:6379\"\n\
             vault = {{ address = \"10.0.0.7:9000\", token = \"s3cret-value\", description = \"the vault\" }}\n\
             [limits]\nmax_sessions = 77\n\
             [tls]\ncert = \"relay.crt\"\nkey = \"relay.key\"\n"
        ),
    )
    .unwrap();
    let (ok, stdout, stderr) = check(&file);
    assert!(ok, "stdout:\n{stdout}\nstderr:\n{stderr}");
    for expected in [
        format!("listen:        {listen}"),
        "public hosts:  relay.example.com".to_owned(),
        "origins:       https://page.example".to_owned(),
        "targets:       2".to_owned(),
        "  redis  10.0.0.5:6379".to_owned(),
        "  vault  10.0.0.7:9000  (token)  the vault".to_owned(),
        format!("{}: ok", file.display()),
    ] {
        assert!(
            stdout.lines().any(|l| l == expected),
            "no {expected:?} in\n{stdout}"
        );
    }
    assert!(stdout.contains("max_sessions=77"), "{stdout}");
    assert!(
        stdout.contains("relay.crt (1 certificate(s))") && stdout.contains("they match"),
        "{stdout}"
    );
    assert!(!stdout.contains("s3cret"), "a token was printed:\n{stdout}");
    // The port is still ours: nothing connected to it or took it.
    held.set_nonblocking(true).unwrap();
    assert!(
        held.accept().is_err(),
        "check-config connected to the listen address"
    );
}

#[test]
fn each_kind_of_broken_file_gets_its_reason_and_exit_1() {
    let dir = tempfile::tempdir().unwrap();
    write_pair(dir.path(), "a");
    write_pair(dir.path(), "b");
    let cases = [
        ("[targets]\nx = \"h:1\"\ny = = 2\n", "line 3"),
        ("[targets]\nok = \"h:1\"\n\"a/b\" = \"h:2\"\n", "line 3"),
        ("[targets]\nx = \"nohostport\"\n", "HOST:PORT"),
        (
            "[targets]\nx = \"h:1\"\nX = \"h:2\"\nx2 = { address = \"h:3\", port = 1 }\n",
            "unknown key",
        ),
        ("unknown_setting = 1\n", "unknown_setting"),
        ("listen = \"nowhere\"\n", "HOST:PORT"),
        ("public_hosts = [\"not a name\"]\n", "not a host name"),
        (
            "[tls]\ncert = \"missing.crt\"\nkey = \"a.key\"\n",
            "missing.crt",
        ),
        (
            "[tls]\ncert = \"a.crt\"\nkey = \"b.key\"\n",
            "does not belong",
        ),
    ];
    for (text, reason) in cases {
        let file = dir.path().join("relay.toml");
        std::fs::write(&file, text).unwrap();
        let (ok, stdout, stderr) = check(&file);
        assert!(!ok, "{text:?} passed:\n{stdout}");
        assert!(
            stderr.starts_with(&format!("{}: error: ", file.display())) && stderr.contains(reason),
            "{text:?}: no {reason:?} in {stderr:?}"
        );
    }
    let (ok, _, stderr) = check(&dir.path().join("absent.toml"));
    assert!(!ok && stderr.contains("absent.toml"), "{stderr}");
}
