//! Installs what the project needs, each step only when it is missing or the
//! wrong version (see ../shared/TOOLCHAIN.md for why these versions).

use crate::sh::{cargo, repo_root, step, Cmd};

/// Trunk 0.22 needs a newer rustc than these machines have.
const TRUNK_VERSION: &str = "0.21";
/// Debian's binaryen is too old for what rustc emits; npm has a current one.
const BINARYEN_NPM: &str = "binaryen@132";
const WASM_OPT_VERSION: &str = "version 132";
/// Debian packages the tests use: a browser and its driver, and real servers;
/// each with the command on PATH, or the absolute path (for what is not on
/// every user's PATH, or not a command), that shows it is installed.
const APT_PACKAGES: &[(&str, &str)] = &[
    ("chromium", "chromium"),
    ("chromedriver", "chromium-driver"),
    ("redis-server", "redis-server"),
    ("ngircd", "ngircd"),
    ("/usr/sbin/nginx", "nginx"),
    (
        "/usr/lib/nginx/modules/ngx_stream_module.so",
        "libnginx-mod-stream",
    ),
    // A DNS resolver for the UDP target tests (relay/tests/targets.rs).
    ("/usr/sbin/dnsmasq", "dnsmasq-base"),
    // Socket activation as systemd does it, without systemd running
    // (relay/tests/socket_activation.rs).
    ("systemd-socket-activate", "systemd"),
];

/// Everything: build tools and test tools.
pub fn all() -> Result<(), String> {
    build_tools()?;
    test_tools()
}

/// What building the page needs: the wasm target, Trunk, wasm-bindgen, wasm-opt.
pub fn build_tools() -> Result<(), String> {
    step("checking build tools");
    let targets = Cmd::new("rustup")
        .args(["target", "list", "--installed"])
        .output()
        .unwrap_or_default();
    if !targets
        .lines()
        .any(|t| t.trim() == "wasm32-unknown-unknown")
    {
        Cmd::new("rustup")
            .args(["target", "add", "wasm32-unknown-unknown"])
            .run()?;
    }

    crate::page::ensure_toolchain()?;
    crate::page::ensure_minifier()?;

    let trunk = Cmd::new("trunk").arg_version().output().unwrap_or_default();
    if !trunk.starts_with(&format!("trunk {TRUNK_VERSION}.")) {
        println!(
            "trunk {TRUNK_VERSION} missing (found {:?}); installing (~13 min on 2 cores)",
            trunk.trim()
        );
        cargo([
            "install",
            "trunk",
            "--version",
            &format!("^{TRUNK_VERSION}"),
            "--locked",
        ])
        .run()?;
    }

    // The CLI must match the wasm-bindgen crate exactly. Its own lock file pins
    // a webpki-roots release the registry lacks, hence no --locked.
    let wanted = locked_version("wasm-bindgen")?;
    let have = Cmd::new("wasm-bindgen")
        .arg_version()
        .output()
        .unwrap_or_default();
    let have_runner = Cmd::new("wasm-bindgen-test-runner")
        .arg_version()
        .output()
        .unwrap_or_default();
    if !have.contains(&wanted) || !have_runner.contains(&wanted) {
        println!(
            "wasm-bindgen-cli {wanted} missing (found {:?}); installing (~5 min)",
            have.trim()
        );
        cargo(["install", "wasm-bindgen-cli", "--version", &wanted]).run()?;
    }

    let wasm_opt = Cmd::new("wasm-opt")
        .arg_version()
        .output()
        .unwrap_or_default();
    if !wasm_opt.contains(WASM_OPT_VERSION) {
        println!(
            "wasm-opt {WASM_OPT_VERSION} missing (found {:?}); installing",
            wasm_opt.trim()
        );
        Cmd::new("npm")
            .args(["install", "-g", BINARYEN_NPM])
            .run()?;
    }
    Ok(())
}

/// What the tests need besides the build tools: Chromium, ChromeDriver,
/// Redis, ngIRCd, nginx with its stream module, systemd's socket activator.
pub fn test_tools() -> Result<(), String> {
    step("checking test tools");
    let missing: Vec<&str> = APT_PACKAGES
        .iter()
        .filter(|(check, _)| {
            if check.starts_with('/') {
                !std::path::Path::new(check).exists()
            } else {
                which(check).is_none()
            }
        })
        .map(|(_, package)| *package)
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    println!("installing Debian packages: {}", missing.join(" "));
    let root = Cmd::new("id")
        .arg("-u")
        .output()
        .is_some_and(|uid| uid.trim() == "0");
    let apt = |args: &[&str]| {
        as_root("apt-get", root)
            .args(args)
            .env("DEBIAN_FRONTEND", "noninteractive")
            .run()
    };
    apt(&["update"])?;
    let mut install = vec!["install", "-y", "--no-install-recommends"];
    install.extend(&missing);
    apt(&install)?;
    stop_system_services(&missing, root);
    Ok(())
}

/// `program`, through sudo unless this process is root already.
fn as_root(program: &str, root: bool) -> Cmd {
    if root {
        Cmd::new(program)
    } else {
        Cmd::new("sudo").arg(program)
    }
}

/// Packages whose install starts a system service of the same name. The
/// tests start their own instances on free ports; the system's would only
/// hold ports 80, 6379 and 6667 on the developer's machine.
const SERVICE_PACKAGES: [&str; 3] = ["redis-server", "ngircd", "nginx"];

/// Stops and disables the services that installing `installed` started
/// (where systemd runs; elsewhere apt starts none). A service that was
/// already installed before is left alone.
fn stop_system_services(installed: &[&str], root: bool) {
    if !std::path::Path::new("/run/systemd/system").is_dir() {
        return;
    }
    for service in installed
        .iter()
        .filter(|package| SERVICE_PACKAGES.contains(package))
    {
        match as_root("systemctl", root)
            .args(["disable", "--now", service])
            .run()
        {
            Ok(()) => println!(
                "stopped and disabled the system's {service} service (the tests run their own)"
            ),
            Err(err) => println!("could not stop the system's {service} service: {err}"),
        }
    }
}

/// Path of the chromedriver binary.
pub fn chromedriver() -> Result<String, String> {
    which("chromedriver").ok_or_else(|| "chromedriver not found; run `cargo xtask setup`".into())
}

/// The full path of `command` on PATH.
pub fn which(command: &str) -> Option<String> {
    Cmd::new("sh")
        .args(["-c", &format!("command -v {command}")])
        .output()
        .map(|out| out.trim().to_owned())
        .filter(|out| !out.is_empty())
}

/// The version of `package` in Cargo.lock.
fn locked_version(package: &str) -> Result<String, String> {
    let lock_path = repo_root().join("Cargo.lock");
    let lock = std::fs::read_to_string(&lock_path)
        .map_err(|err| format!("cannot read {}: {err}", lock_path.display()))?;
    let header = format!("name = \"{package}\"\nversion = \"");
    let start = lock
        .find(&header)
        .ok_or_else(|| format!("{package} is not in Cargo.lock"))?
        + header.len();
    let version = lock[start..].split('"').next().unwrap_or_default();
    Ok(version.to_owned())
}
