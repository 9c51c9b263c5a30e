//! `wsload`: parse the command line, raise the file limit, run one command.
#![forbid(unsafe_code)]

use anyhow::Context;
use bench::cli::{Cli, Command};
use clap::Parser;

/// Sessions scenarios hold one descriptor per session (10,000 and more).
const WANTED_OPEN_FILES: u64 = 65_536;

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    // Only the soft limit can be raised without privileges; the hard one caps it.
    let open_files =
        rlimit::increase_nofile_limit(WANTED_OPEN_FILES).context("cannot raise RLIMIT_NOFILE")?;
    match cli.command {
        Command::Echo(args) => runtime(args.threads)?.block_on(bench::echo::serve(args)),
        Command::Run(args) => {
            let record = runtime(args.threads)?.block_on(bench::scenarios::run(&args, open_files));
            println!("{}", serde_json::to_string(&record)?);
            Ok(())
        }
        Command::Report(args) => bench::report::write(&args),
        Command::TcpProxy(args) => {
            runtime(args.threads)?.block_on(bench::servers::tcp_proxy::serve(args))
        }
        Command::FwsBridge(args) => {
            runtime(args.threads)?.block_on(bench::servers::fws_bridge::serve(args))
        }
        Command::TungBridge(args) => {
            runtime(args.threads)?.block_on(bench::servers::tung_bridge::serve(args))
        }
        Command::Soak(args) => {
            let report = runtime(args.threads)?.block_on(bench::soak::run(&args));
            if let Some(dir) = &args.out {
                report.write(dir)?;
            }
            print!("{}", report.markdown());
            anyhow::ensure!(
                report.passed(),
                "soak failed: {}",
                report.failures.join("; ")
            );
            Ok(())
        }
        Command::Faults(args) => {
            runtime(args.threads)?.block_on(bench::soak::fault_service::serve(args))
        }
        Command::Page(args) => {
            let record = runtime(1)?.block_on(bench::page::run(&args))?;
            println!("{}", serde_json::to_string(&record)?);
            Ok(())
        }
    }
}

/// A runtime with `threads` workers; 1 means the current thread only, so one
/// saturated core is easy to spot in the client's CPU use.
fn runtime(threads: usize) -> anyhow::Result<tokio::runtime::Runtime> {
    let mut builder = if threads <= 1 {
        tokio::runtime::Builder::new_current_thread()
    } else {
        let mut builder = tokio::runtime::Builder::new_multi_thread();
        builder.worker_threads(threads);
        builder
    };
    builder
        .enable_all()
        .build()
        .context("cannot start the runtime")
}
