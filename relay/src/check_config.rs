//! `relay check-config FILE`: reads a config file exactly as a start or a
//! reload would, loads the certificate and key it names, prints what the
//! relay would serve and says whether the file is valid. Like `nginx -t`,
//! it touches no port.

use std::{fmt::Write as _, path::Path, process::ExitCode};

use crate::{
    sources::{Settings, Sources},
    targets::Target,
};

/// Checks `file`; prints the summary on stdout (exit 0) or the reason on
/// stderr (exit 1).
pub fn check_config(file: &Path) -> ExitCode {
    let sources = Sources {
        config_file: Some(file.to_owned()),
        ..Sources::default()
    };
    match check(&sources) {
        Ok(summary) => {
            print!("{summary}");
            println!("{}: ok", file.display());
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("{}: error: {err:#}", file.display());
            ExitCode::FAILURE
        }
    }
}

/// Reads and checks everything `sources` name; the summary of what the
/// relay would serve.
pub fn check(sources: &Sources) -> anyhow::Result<String> {
    let settings = sources.read()?;
    if let Some(listen) = &settings.listen {
        check_listen(listen)?;
    }
    // The same checks a start makes on the names (with any address).
    crate::hosts::KnownHosts::new(([127, 0, 0, 1], 0).into(), &settings.public_hosts)?;
    let chain = match &settings.tls {
        Some(files) => Some(files.load()?.cert.len()),
        None => None,
    };
    Ok(summary(&settings, chain))
}

/// A `listen` must be `HOST:PORT`; resolving or binding it is left to the
/// start, since that would touch the network.
fn check_listen(listen: &str) -> anyhow::Result<()> {
    let ok = listen
        .rsplit_once(':')
        .is_some_and(|(host, port)| !host.is_empty() && port.parse::<u16>().is_ok());
    anyhow::ensure!(ok, "listen = {listen:?} must be HOST:PORT");
    Ok(())
}

fn summary(settings: &Settings, chain: Option<usize>) -> String {
    let mut out = String::new();
    let listen = settings
        .listen
        .as_deref()
        .unwrap_or(crate::cli::DEFAULT_LISTEN);
    let _ = writeln!(out, "listen:        {listen}");
    if !settings.public_hosts.is_empty() {
        let _ = writeln!(out, "public hosts:  {}", settings.public_hosts.join(", "));
    }
    if settings.origins.any {
        let _ = writeln!(out, "origins:       any (*)");
    } else if !settings.origins.allowed.is_empty() {
        let _ = writeln!(
            out,
            "origins:       {}",
            settings.origins.allowed.join(", ")
        );
    }
    if let (Some(files), Some(chain)) = (&settings.tls, chain) {
        let _ = writeln!(
            out,
            "tls:           {} ({chain} certificate(s)), key {}: they match",
            files.cert.display(),
            files.key.display()
        );
    }
    let _ = writeln!(out, "targets:       {}", settings.targets.len());
    let width = settings
        .targets
        .iter()
        .map(|t| t.name.len())
        .max()
        .unwrap_or(0);
    for target in settings.targets.iter() {
        let _ = writeln!(out, "  {}", target_line(target, width));
    }
    let l = &settings.limits;
    let _ = writeln!(
        out,
        "limits:        max_message_bytes={} connect_timeout_ms={} max_sessions={} max_sessions_per_ip={} \
         request_timeout_ms={} keepalive_secs={} idle_timeout_secs={} upstream_stall_secs={}",
        l.max_message_bytes,
        l.connect_timeout.as_millis(),
        l.max_sessions,
        l.max_sessions_per_ip,
        l.request_timeout.as_millis(),
        l.keepalive.as_secs(),
        l.idle_timeout.as_secs(),
        l.upstream_stall.as_secs(),
    );
    out
}

/// `name  address  [token]  description`: the operator sees addresses (the
/// page never does), but never a token's value.
fn target_line(target: &Target, width: usize) -> String {
    let mut line = format!("{:width$}  {}", target.name, target.address);
    if target.token.is_some() {
        line.push_str("  (token)");
    }
    if let Some(version) = target.send_proxy {
        let _ = write!(line, "  (send_proxy {})", version.as_str());
    }
    if !target.description.is_empty() {
        let _ = write!(line, "  {}", target.description);
    }
    line
}
