//! The `relay` binary: parse flags, set up logging, hand over to the library.
#![forbid(unsafe_code)]

use std::process::ExitCode;

use clap::Parser;
use relay::cli::{init_tracing, launch, runtime, Args, Command};

fn main() -> anyhow::Result<ExitCode> {
    let args = Args::parse();
    if let Some(Command::CheckConfig { file }) = &args.command {
        return Ok(relay::check_config::check_config(file));
    }
    init_tracing(args.log_format);
    // Before the runtime starts threads: this unsets LISTEN_FDS and LISTEN_PID.
    let inherited = relay::socket_activation::take_listener()?;
    runtime(args.threads)?.block_on(launch(args, inherited))?;
    Ok(ExitCode::SUCCESS)
}
