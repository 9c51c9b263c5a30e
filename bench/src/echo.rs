//! A small, fast TCP echo service: the one service every contender forwards to.

use tokio::net::TcpStream;

use crate::{
    cli::EchoArgs,
    serve::{copy_until_eof, serve_forever},
};

/// Listens on `args.listen` and echoes every connection until the process is killed.
pub async fn serve(args: EchoArgs) -> anyhow::Result<()> {
    serve_forever(&args.listen, echo).await
}

/// Echoes until the peer's EOF, then closes.
pub async fn echo(stream: TcpStream) -> anyhow::Result<()> {
    let (read, write) = stream.into_split();
    Ok(copy_until_eof(read, write).await?)
}
