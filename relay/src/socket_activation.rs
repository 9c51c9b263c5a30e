//! systemd socket activation: the listener handed over as file descriptor 3
//! (`LISTEN_FDS=1`, `LISTEN_PID` = our pid), as `relay.socket` and
//! `systemd-socket-activate` do it.
//!
//! The `listenfd` crate turns the descriptor into a listener (which needs
//! `unsafe`, forbidden in this crate): it checks that it is a TCP socket,
//! marks it close-on-exec and unsets the variables. The pid check is ours
//! and strict: a variable meant for another process (inherited through a
//! shell, say) is ignored, as systemd's protocol says.

use anyhow::{bail, Context};

/// The variables systemd sets.
const LISTEN_PID: &str = "LISTEN_PID";
const LISTEN_FDS: &str = "LISTEN_FDS";

/// The listener systemd passed us, if it passed one. Call before any other
/// thread starts: it unsets the environment variables.
pub fn take_listener() -> anyhow::Result<Option<std::net::TcpListener>> {
    let Some(fds) = std::env::var_os(LISTEN_FDS) else {
        return Ok(None);
    };
    let for_us = std::env::var(LISTEN_PID)
        .ok()
        .and_then(|pid| pid.trim().parse::<u32>().ok())
        == Some(std::process::id());
    if !for_us {
        // Not ours: leave it, and never pass it on either.
        std::env::remove_var(LISTEN_PID);
        std::env::remove_var(LISTEN_FDS);
        return Ok(None);
    }
    let count: usize = fds
        .to_str()
        .and_then(|n| n.trim().parse().ok())
        .with_context(|| format!("{LISTEN_FDS}={fds:?} is not a number"))?;
    if count != 1 {
        bail!("socket activation passed {count} sockets; the relay takes exactly one (ListenStream= once in relay.socket)");
    }
    let listener = listenfd::ListenFd::from_env()
        .take_tcp_listener(0)
        .context("the socket systemd passed (fd 3) is not a usable TCP listener")?
        .context("socket activation passed no socket")?;
    // tokio needs it non-blocking; systemd hands it over blocking.
    listener
        .set_nonblocking(true)
        .context("cannot make the passed socket non-blocking")?;
    Ok(Some(listener))
}
