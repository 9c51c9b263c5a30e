//! `wsload faults`: a TCP echo service that misbehaves on purpose. Each
//! connection, at random, echoes faithfully, or echoes a little and then
//! resets (SO_LINGER 0), stalls (neither reads nor writes for a while), or
//! half-closes (shuts its write side down and reads on).

use std::time::Duration;

use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpStream,
};

use super::args::FaultsArgs;
use crate::serve::{copy_until_eof, serve_forever};

/// Most bytes echoed before a fault strikes (each connection picks up to this).
const MAX_BYTES_BEFORE_FAULT: u64 = 512 << 10;
/// Read size while echoing.
const CHUNK_BYTES: usize = 16 << 10;

/// How long stalls last.
#[derive(Debug, Clone, Copy)]
pub struct StallTimes {
    /// Ordinary stalls last a random time up to this.
    pub max: Duration,
    /// The rare long stall.
    pub long: Duration,
}

/// What one connection does.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Fault {
    /// Echo until EOF.
    Echo,
    /// Echo `after` bytes, then reset.
    Reset { after: u64 },
    /// Echo `after` bytes, stall for `pause`, then echo on.
    Stall { after: u64, pause: Duration },
    /// Echo `after` bytes, then shut the write side down and discard the rest.
    HalfClose { after: u64 },
}

fn pick(rng: &mut fastrand::Rng, times: StallTimes) -> Fault {
    let after = rng.u64(0..=MAX_BYTES_BEFORE_FAULT);
    match rng.u32(0..100) {
        0..20 => Fault::Echo,
        20..45 => Fault::Reset { after },
        45..70 => Fault::Stall {
            after,
            pause: times.max.mul_f64(rng.f64()),
        },
        70..75 => Fault::Stall {
            after,
            pause: times.long,
        },
        _ => Fault::HalfClose { after },
    }
}

/// Serves on `args.listen` until the process is killed.
pub async fn serve(args: FaultsArgs) -> anyhow::Result<()> {
    let times = StallTimes {
        max: Duration::from_secs_f64(args.stall_secs),
        long: Duration::from_secs_f64(args.long_stall_secs),
    };
    serve_forever(&args.listen, move |stream| handle(stream, times)).await
}

/// One connection, with a fault picked at random.
pub async fn handle(mut stream: TcpStream, times: StallTimes) -> anyhow::Result<()> {
    let fault = pick(&mut fastrand::Rng::new(), times);
    match fault {
        Fault::Echo => {}
        Fault::Reset { after } => {
            echo_up_to(&mut stream, after).await?;
            stream.set_zero_linger()?;
            return Ok(()); // dropped: the close is a reset
        }
        Fault::Stall { after, pause } => {
            if echo_up_to(&mut stream, after).await? {
                tokio::time::sleep(pause).await;
            }
        }
        Fault::HalfClose { after } => {
            echo_up_to(&mut stream, after).await?;
            stream.shutdown().await?;
            let mut sink = vec![0u8; CHUNK_BYTES];
            while stream.read(&mut sink).await? > 0 {}
            return Ok(());
        }
    }
    let (read, write) = stream.into_split();
    Ok(copy_until_eof(read, write).await?)
}

/// Echoes up to `limit` bytes; false if the peer's EOF came first.
async fn echo_up_to(stream: &mut TcpStream, limit: u64) -> std::io::Result<bool> {
    let mut buf = vec![0u8; CHUNK_BYTES];
    let mut done = 0u64;
    while done < limit {
        let want = (limit - done).min(CHUNK_BYTES as u64) as usize;
        let n = stream.read(&mut buf[..want]).await?;
        if n == 0 {
            return Ok(false);
        }
        stream.write_all(&buf[..n]).await?;
        done += n as u64;
    }
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_fault_is_picked() {
        let times = StallTimes {
            max: Duration::from_secs(8),
            long: Duration::from_secs(75),
        };
        let mut rng = fastrand::Rng::with_seed(7);
        let picks: Vec<Fault> = (0..1000).map(|_| pick(&mut rng, times)).collect();
        assert!(picks.contains(&Fault::Echo));
        assert!(picks.iter().any(|f| matches!(f, Fault::Reset { .. })));
        assert!(picks.iter().any(|f| matches!(f, Fault::HalfClose { .. })));
        assert!(picks
            .iter()
            .any(|f| matches!(f, Fault::Stall { pause, .. } if *pause == times.long)));
        assert!(picks
            .iter()
            .any(|f| matches!(f, Fault::Stall { pause, .. } if *pause < times.max)));
    }
}
