//! The `relay` binary: parse flags, set up logging, hand over to the library.
#![forbid(unsafe_code)]

use clap::Parser;
use relay::cli::{init_tracing, launch, Args};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    init_tracing(args.log_format);
    launch(args).await
}
