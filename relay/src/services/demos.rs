//! The scenario services from the article (chat room, live quotes, online
//! game, remote control), started together, and the line plumbing they share.
//!
//! Each service keeps its shared state behind a `std::sync::Mutex` held only
//! for quick, non-blocking work, and fans changes out over a bounded
//! `tokio::sync::broadcast` channel. Every connection task writes only to its
//! own socket, so a client that stops reading stalls nobody but itself: it
//! falls behind the channel and is told how many messages it missed.

use std::{
    fmt::Display,
    sync::Arc,
    time::{Duration, SystemTime, UNIX_EPOCH},
};

use anyhow::Context;
use protocol::scenarios::{LineBuffer, LineError, LINE_END};
use tokio::{
    io::{self, AsyncReadExt, AsyncWriteExt},
    net::{
        tcp::{OwnedReadHalf, OwnedWriteHalf},
        TcpListener, TcpStream,
    },
    sync::broadcast::{self, error::RecvError},
};
use tokio_util::sync::CancellationToken;

use super::{chat, device, game, ticker};
use crate::{config::Config, targets::Target};

/// Messages a broadcast channel holds for its slowest reader before that
/// reader starts missing the oldest ones.
pub const BROADCAST_CAPACITY: usize = 256;

/// Where each scenario service listens, and how fast the market moves.
#[derive(Debug, Clone)]
pub struct DemoListen {
    /// Chat room (target `chat`).
    pub chat: String,
    /// Quote ticker (target `quotes`).
    pub ticker: String,
    /// Arena game (target `game`).
    pub game: String,
    /// Lamp (target `lamp`).
    pub device: String,
    /// Time between two quotes from the market.
    pub quote_interval: Duration,
}

impl Default for DemoListen {
    /// Loopback ports 7009 to 7012, five quotes a second.
    fn default() -> Self {
        Self {
            chat: "127.0.0.1:7009".into(),
            ticker: "127.0.0.1:7010".into(),
            game: "127.0.0.1:7011".into(),
            device: "127.0.0.1:7012".into(),
            quote_interval: ticker::DEFAULT_QUOTE_INTERVAL,
        }
    }
}

impl DemoListen {
    /// Every service on a free loopback port (for tests).
    pub fn ephemeral() -> Self {
        let any = "127.0.0.1:0".to_owned();
        Self {
            chat: any.clone(),
            ticker: any.clone(),
            game: any.clone(),
            device: any,
            ..Self::default()
        }
    }
}

/// What [`start`] started.
pub struct Demos {
    /// Lines for the start-up banner, e.g. `chat:          nc 127.0.0.1 7009`.
    pub banner: Vec<String>,
    /// The market behind the ticker, for `GET /api/quotes`.
    pub market: Arc<ticker::Market>,
    /// Where each service listens, as bound (ports resolved).
    pub addrs: DemoAddrs,
}

/// The bound address of each scenario service.
#[derive(Debug, Clone, Copy)]
pub struct DemoAddrs {
    /// Chat room.
    pub chat: std::net::SocketAddr,
    /// Quote ticker.
    pub ticker: std::net::SocketAddr,
    /// Arena game.
    pub game: std::net::SocketAddr,
    /// Lamp.
    pub device: std::net::SocketAddr,
}

/// Binds the chat room, ticker, game and lamp, adds the targets `chat`,
/// `quotes`, `game` and `lamp`, and runs them until `shutdown`.
pub async fn start(
    config: &mut Config,
    listen: &DemoListen,
    shutdown: &CancellationToken,
) -> anyhow::Result<Demos> {
    let chat_listener = bind("chat", &listen.chat).await?;
    let ticker_listener = bind("ticker", &listen.ticker).await?;
    let game_listener = bind("game", &listen.game).await?;
    let device_listener = bind("device", &listen.device).await?;
    let addrs = DemoAddrs {
        chat: chat_listener.local_addr()?,
        ticker: ticker_listener.local_addr()?,
        game: game_listener.local_addr()?,
        device: device_listener.local_addr()?,
    };
    let services = [
        ("chat", addrs.chat, chat::DESCRIPTION),
        ("quotes", addrs.ticker, ticker::DESCRIPTION),
        ("game", addrs.game, game::DESCRIPTION),
        ("lamp", addrs.device, device::DESCRIPTION),
    ];
    let mut banner = Vec::new();
    for (name, addr, description) in services {
        let mut target = Target::new(name, &addr.to_string(), description)?;
        target.builtin = true;
        config.targets.add(target)?;
        banner.push(format!(
            "{:<15}nc {} {}",
            format!("{name}:"),
            addr.ip(),
            addr.port()
        ));
    }

    let room = chat::ChatRoom::new();
    tokio::spawn(super::serve(
        "chat",
        chat_listener,
        shutdown.clone(),
        move |stream, token| chat::handle(stream, token, room.clone()),
    ));
    let market = ticker::Market::spawn(listen.quote_interval, clock_seed(), shutdown);
    let ticker_market = market.clone();
    tokio::spawn(super::serve(
        "ticker",
        ticker_listener,
        shutdown.clone(),
        move |stream, token| ticker::handle(stream, token, ticker_market.clone()),
    ));
    let arena = game::Arena::new(clock_seed());
    tokio::spawn(super::serve(
        "game",
        game_listener,
        shutdown.clone(),
        move |stream, token| game::handle(stream, token, arena.clone()),
    ));
    let lamp = device::Lamp::new();
    tokio::spawn(super::serve(
        "device",
        device_listener,
        shutdown.clone(),
        move |stream, token| device::handle(stream, token, lamp.clone()),
    ));
    Ok(Demos {
        banner,
        market,
        addrs,
    })
}

async fn bind(service: &str, addr: &str) -> anyhow::Result<TcpListener> {
    TcpListener::bind(addr)
        .await
        .with_context(|| format!("cannot listen for the {service} demo on {addr}"))
}

/// What a connection's next turn brings.
#[derive(Debug)]
pub(crate) enum Event<T> {
    /// A line from the client, or why it was dropped.
    Line(Result<String, LineError>),
    /// A message from the service's broadcast channel.
    Broadcast(T),
    /// This client fell behind and the channel dropped this many messages.
    Missed(u64),
    /// The client closed, the channel closed, or the service is shutting down.
    End,
}

/// One client's connection, read and written as lines.
pub(crate) struct LineConn {
    read: OwnedReadHalf,
    write: OwnedWriteHalf,
    lines: LineBuffer,
    chunk: Box<[u8]>,
    eof: bool,
}

impl LineConn {
    pub(crate) fn new(stream: TcpStream) -> Self {
        let (read, write) = stream.into_split();
        Self {
            read,
            write,
            lines: LineBuffer::new(),
            chunk: vec![0; 4096].into_boxed_slice(),
            eof: false,
        }
    }

    /// Sends `line` and its `\r\n`.
    pub(crate) async fn send(&mut self, line: impl Display) -> io::Result<()> {
        let text = format!("{line}{LINE_END}");
        self.write.write_all(text.as_bytes()).await
    }

    /// The next line from the client; `None` once it closed its side.
    /// Cancel-safe: progress is kept in `self` between awaits.
    pub(crate) async fn next_line(&mut self) -> io::Result<Option<Result<String, LineError>>> {
        loop {
            if let Some(line) = self.lines.next_line() {
                return Ok(Some(line));
            }
            if self.eof {
                return Ok(self.lines.finish());
            }
            let n = self.read.read(&mut self.chunk).await?;
            if n == 0 {
                self.eof = true;
            } else {
                self.lines.push(&self.chunk[..n]);
            }
        }
    }

    /// Waits for whichever comes first: a client line, a broadcast, or the end.
    pub(crate) async fn next_event<T: Clone>(
        &mut self,
        rx: &mut broadcast::Receiver<T>,
        shutdown: &CancellationToken,
    ) -> io::Result<Event<T>> {
        tokio::select! {
            line = self.next_line() => Ok(line?.map_or(Event::End, Event::Line)),
            message = rx.recv() => Ok(match message {
                Ok(message) => Event::Broadcast(message),
                Err(RecvError::Lagged(n)) => Event::Missed(n),
                Err(RecvError::Closed) => Event::End,
            }),
            () = shutdown.cancelled() => Ok(Event::End),
        }
    }
}

/// A small seeded PRNG (SplitMix64): enough for prices and coin spots, and
/// reproducible in tests.
#[derive(Debug, Clone)]
pub(crate) struct Rng(u64);

impl Rng {
    pub(crate) fn new(seed: u64) -> Self {
        Self(seed)
    }

    pub(crate) fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform-enough in `0..n` (`n > 0`).
    pub(crate) fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }
}

/// A seed that differs from run to run.
pub(crate) fn clock_seed() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(0x5EED)
}

/// Milliseconds since the Unix epoch.
pub(crate) fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rng_is_reproducible_and_in_range() {
        let (mut a, mut b) = (Rng::new(7), Rng::new(7));
        let xs: Vec<u64> = (0..100).map(|_| a.below(10)).collect();
        let ys: Vec<u64> = (0..100).map(|_| b.below(10)).collect();
        assert_eq!(xs, ys);
        assert!(xs.iter().all(|x| *x < 10));
        assert!((0..10).all(|v| xs.contains(&v)), "every value shows up");
    }
}
