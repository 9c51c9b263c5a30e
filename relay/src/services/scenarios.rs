//! The scenario services from the article (chat room, live quotes, online
//! game, remote control), started together; the line plumbing they share is
//! in `line`.
//!
//! With a Redis URL the chat room and the lamp are shared with every other
//! relay given the same one (see `shared`); the quotes and the game stay
//! per relay.
//!
//! Each service keeps its shared state behind a `std::sync::Mutex` held only
//! for quick, non-blocking work, and fans changes out over a bounded
//! `tokio::sync::broadcast` channel. Every connection task writes only to its
//! own socket, so a client that stops reading stalls nobody but itself: it
//! falls behind the channel and is told how many messages it missed.

use std::{sync::Arc, time::Duration};

use anyhow::Context;
use protocol::scenarios::targets;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

use super::{
    banner_line, builtin_target, chat, game, lamp,
    line::clock_seed,
    quotes,
    shared::{self, SharedRoom},
};
use crate::targets::Target;

/// Where each scenario service listens, and how fast the quotes moves.
#[derive(Debug, Clone)]
pub struct ScenarioListen {
    /// Chat room (target `chat`).
    pub chat: String,
    /// Quotes service (target `quotes`).
    pub quotes: String,
    /// Arena game (target `game`).
    pub game: String,
    /// Lamp (target `lamp`).
    pub lamp: String,
    /// Time between two quotes from the quotes.
    pub quote_interval: Duration,
    /// Share the chat room and the lamp with other relays through this
    /// Redis (`redis://HOST:PORT`); `None` keeps them to this relay.
    pub redis: Option<String>,
}

/// Default address of the chat room.
pub const CHAT_LISTEN: &str = "127.0.0.1:7009";
/// Default address of the quotes service.
pub const QUOTES_LISTEN: &str = "127.0.0.1:7010";
/// Default address of the game.
pub const GAME_LISTEN: &str = "127.0.0.1:7011";
/// Default address of the lamp.
pub const LAMP_LISTEN: &str = "127.0.0.1:7012";

impl Default for ScenarioListen {
    /// Loopback ports 7009 to 7012, five quotes a second.
    fn default() -> Self {
        Self {
            chat: CHAT_LISTEN.into(),
            quotes: QUOTES_LISTEN.into(),
            game: GAME_LISTEN.into(),
            lamp: LAMP_LISTEN.into(),
            quote_interval: quotes::DEFAULT_QUOTE_INTERVAL,
            redis: None,
        }
    }
}

impl ScenarioListen {
    /// Every service on a free loopback port (for tests).
    pub fn ephemeral() -> Self {
        let any = "127.0.0.1:0".to_owned();
        Self {
            chat: any.clone(),
            quotes: any.clone(),
            game: any.clone(),
            lamp: any,
            ..Self::default()
        }
    }
}

/// What [`start`] started.
pub struct Scenarios {
    /// The targets `chat`, `quotes`, `game` and `lamp`.
    pub targets: Vec<Target>,
    /// Lines for the start-up banner, e.g. `chat:          nc 127.0.0.1 7009`.
    pub banner: Vec<String>,
    /// The simulated market behind the quotes service, for `GET /api/quotes`.
    pub quotes: Arc<quotes::Quotes>,
    /// Where each service listens, as bound (ports resolved).
    pub addrs: ScenarioAddrs,
}

/// The bound address of each scenario service.
#[derive(Debug, Clone, Copy)]
pub struct ScenarioAddrs {
    /// Chat room.
    pub chat: std::net::SocketAddr,
    /// Quotes service.
    pub quotes: std::net::SocketAddr,
    /// Arena game.
    pub game: std::net::SocketAddr,
    /// Lamp.
    pub lamp: std::net::SocketAddr,
}

/// Binds the chat room, quotes, game and lamp and runs them until
/// `shutdown`; returns their targets `chat`, `quotes`, `game` and `lamp`.
pub async fn start(
    listen: &ScenarioListen,
    shutdown: &CancellationToken,
) -> anyhow::Result<Scenarios> {
    // A malformed URL is refused before any port is taken.
    let link = listen.redis.as_deref().map(shared::Link::new).transpose()?;
    let publisher = link.as_ref().map(shared::Link::publisher);
    let chat_listener = bind("chat", &listen.chat).await?;
    let quotes_listener = bind("quotes", &listen.quotes).await?;
    let game_listener = bind("game", &listen.game).await?;
    let lamp_listener = bind("lamp", &listen.lamp).await?;
    let addrs = ScenarioAddrs {
        chat: chat_listener.local_addr()?,
        quotes: quotes_listener.local_addr()?,
        game: game_listener.local_addr()?,
        lamp: lamp_listener.local_addr()?,
    };
    let services = [
        (targets::CHAT, addrs.chat, chat::DESCRIPTION),
        (targets::QUOTES, addrs.quotes, quotes::DESCRIPTION),
        (targets::GAME, addrs.game, game::DESCRIPTION),
        (targets::LAMP, addrs.lamp, lamp::DESCRIPTION),
    ];
    let mut banner = Vec::new();
    let mut demo_targets = Vec::new();
    for (name, addr, description) in services {
        demo_targets.push(builtin_target(name, addr, description)?);
        banner.push(banner_line(name, addr));
    }

    let room = chat::ChatRoom::with_shared(publisher.clone());
    let lamp = lamp::Lamp::with_shared(publisher);
    if let Some(link) = link {
        let rooms: Vec<Arc<dyn SharedRoom>> = vec![room.clone(), lamp.clone()];
        link.spawn(rooms, shutdown.clone());
    }
    tokio::spawn(super::serve(
        "chat",
        chat_listener,
        shutdown.clone(),
        move |stream, token| chat::handle(stream, token, room.clone()),
    ));
    let quotes = quotes::Quotes::spawn(listen.quote_interval, clock_seed(), shutdown);
    let feed = quotes.clone();
    tokio::spawn(super::serve(
        "quotes",
        quotes_listener,
        shutdown.clone(),
        move |stream, token| quotes::handle(stream, token, feed.clone()),
    ));
    let arena = game::Arena::new(clock_seed());
    tokio::spawn(super::serve(
        "game",
        game_listener,
        shutdown.clone(),
        move |stream, token| game::handle(stream, token, arena.clone()),
    ));
    tokio::spawn(super::serve(
        "lamp",
        lamp_listener,
        shutdown.clone(),
        move |stream, token| lamp::handle(stream, token, lamp.clone()),
    ));
    Ok(Scenarios {
        targets: demo_targets,
        banner,
        quotes,
        addrs,
    })
}

async fn bind(service: &str, addr: &str) -> anyhow::Result<TcpListener> {
    TcpListener::bind(addr)
        .await
        .with_context(|| format!("cannot listen for the {service} demo on {addr}"))
}
