//! The scenario services (chat, quotes, game, lamp) on real loopback sockets,
//! reached both directly (as `nc` would) and through the relay (as the page
//! does).

#[path = "../common/mod.rs"]
mod common;

mod chat;
mod game_room;
mod lamp;
mod quotes;

use std::time::Duration;

use common::{wait_until, TestRelay};
use futures_util::{SinkExt, StreamExt};
use protocol::scenarios::{
    game::{self, GameState},
    quotes::{self as quote_lines, Quote, QuoteBatch},
    LineBuffer,
};
use relay::{
    services::{
        quotes::Quotes,
        scenarios::{self, ScenarioListen, Scenarios},
    },
    Config,
};
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::{TcpSocket, TcpStream},
};
use tokio_tungstenite::{connect_async, tungstenite::Message, MaybeTlsStream, WebSocketStream};
use tokio_util::sync::CancellationToken;

/// How long any one expected line may take.
const LINE_DEADLINE: Duration = Duration::from_secs(10);

type Ws = WebSocketStream<MaybeTlsStream<TcpStream>>;

enum Source {
    Tcp(TcpStream),
    Ws(Box<Ws>),
}

/// A client of a line service, over raw TCP or a WebSocket through the relay.
struct Client {
    source: Source,
    lines: LineBuffer,
    /// Every byte received, as received.
    raw: Vec<u8>,
    eof: bool,
}

impl Client {
    async fn tcp(addr: std::net::SocketAddr) -> Self {
        Self::new(Source::Tcp(TcpStream::connect(addr).await.unwrap()))
    }

    async fn ws(relay: &TestRelay, target: &str) -> Self {
        let (ws, _) = connect_async(relay.ws_url(target)).await.unwrap();
        Self::new(Source::Ws(Box::new(ws)))
    }

    fn new(source: Source) -> Self {
        Self {
            source,
            lines: LineBuffer::new(),
            raw: Vec::new(),
            eof: false,
        }
    }

    /// Sends bytes as they are (a text frame when they are UTF-8, as a page would).
    async fn send(&mut self, bytes: impl AsRef<[u8]>) {
        let bytes = bytes.as_ref();
        match &mut self.source {
            Source::Tcp(stream) => stream.write_all(bytes).await.unwrap(),
            Source::Ws(ws) => {
                let message = match std::str::from_utf8(bytes) {
                    Ok(text) => Message::text(text),
                    Err(_) => Message::binary(bytes.to_vec()),
                };
                ws.send(message).await.unwrap();
            }
        }
    }

    /// The next line, or `None` once the service closed the connection.
    async fn try_line(&mut self) -> Option<String> {
        let read = async {
            loop {
                if let Some(line) = self.lines.next_line() {
                    return Some(line.expect("the service sends UTF-8 lines"));
                }
                if self.eof {
                    return None;
                }
                let chunk = match &mut self.source {
                    Source::Tcp(stream) => {
                        let mut buf = vec![0; 8192];
                        let n = stream.read(&mut buf).await.unwrap_or(0);
                        buf.truncate(n);
                        buf
                    }
                    Source::Ws(ws) => match ws.next().await {
                        Some(Ok(Message::Binary(b))) => b.to_vec(),
                        Some(Ok(Message::Text(t))) => t.as_bytes().to_vec(),
                        Some(Ok(Message::Close(_))) | None | Some(Err(_)) => Vec::new(),
                        Some(Ok(_)) => continue,
                    },
                };
                if chunk.is_empty() {
                    self.eof = true;
                } else {
                    self.raw.extend_from_slice(&chunk);
                    self.lines.push(&chunk);
                }
            }
        };
        tokio::time::timeout(LINE_DEADLINE, read)
            .await
            .expect("no line within the deadline")
    }

    async fn line(&mut self) -> String {
        self.try_line().await.expect("a line, not the end")
    }

    /// Reads lines until one satisfies `pred`; returns it and those before it.
    async fn line_where(&mut self, pred: impl Fn(&str) -> bool) -> (String, Vec<String>) {
        let mut skipped = Vec::new();
        loop {
            let line = self.line().await;
            if pred(&line) {
                return (line, skipped);
            }
            skipped.push(line);
        }
    }

    /// Reads lines until exactly `expected`; returns those before it.
    async fn until(&mut self, expected: &str) -> Vec<String> {
        self.line_where(|l| l == expected).await.1
    }
}

/// The scenario services on free ports, stopped when this drops.
struct Running {
    scenarios: Scenarios,
    shutdown: CancellationToken,
}

impl Running {
    /// A relay configuration with the scenarios' targets.
    fn config(&self) -> Config {
        let mut config = Config::default();
        for target in &self.scenarios.targets {
            config.targets.add(target.clone()).unwrap();
        }
        config
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        self.shutdown.cancel();
    }
}

async fn start_scenarios(quote_interval: Duration) -> Running {
    let shutdown = CancellationToken::new();
    let listen = ScenarioListen {
        quote_interval,
        ..ScenarioListen::ephemeral()
    };
    let scenarios = scenarios::start(&listen, &shutdown).await.unwrap();
    Running {
        scenarios,
        shutdown,
    }
}

#[tokio::test]
async fn start_adds_builtin_targets_and_banner_lines() {
    let running = start_scenarios(Duration::from_secs(3600)).await;
    let targets: Vec<_> = running
        .scenarios
        .targets
        .iter()
        .map(|t| (t.name.as_str(), t.builtin))
        .collect();
    assert_eq!(
        targets,
        [
            ("chat", true),
            ("quotes", true),
            ("game", true),
            ("lamp", true)
        ]
    );
    let chat_port = running.scenarios.addrs.chat.port();
    assert_eq!(
        running.scenarios.banner[0],
        format!("chat:          nc 127.0.0.1 {chat_port}")
    );
    assert!(running.scenarios.banner[3].starts_with("lamp:          nc 127.0.0.1 "));
    assert!(running
        .scenarios
        .targets
        .iter()
        .all(|t| !t.description.is_empty()));
}
