//! The `relay` binary: parse flags, set up logging, hand over to the library.
#![forbid(unsafe_code)]

use clap::Parser;
use relay::cli::{init_tracing, launch, runtime, Args};

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    init_tracing(args.log_format);
    runtime(args.threads)?.block_on(launch(args))
}
