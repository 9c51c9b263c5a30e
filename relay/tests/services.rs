//! The scenario services (chat, quotes, game, lamp) on real loopback sockets,
//! reached both directly (as `nc` would) and through the relay (as the page
//! does).

mod common;

use std::time::Duration;

use common::{wait_until, TestRelay};
use futures_util::{SinkExt, StreamExt};
use protocol::scenarios::{
    game::{self, GameState},
    ticker::{self, Quote, QuoteBatch},
    LineBuffer,
};
use relay::{
    services::{
        demos::{self, DemoListen, Demos},
        ticker::Market,
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
    demos: Demos,
    config: Config,
    shutdown: CancellationToken,
}

impl Drop for Running {
    fn drop(&mut self) {
        self.shutdown.cancel();
    }
}

async fn start_demos(quote_interval: Duration) -> Running {
    let mut config = Config::default();
    let shutdown = CancellationToken::new();
    let listen = DemoListen {
        quote_interval,
        ..DemoListen::ephemeral()
    };
    let demos = demos::start(&mut config, &listen, &shutdown).await.unwrap();
    Running {
        demos,
        config,
        shutdown,
    }
}

#[tokio::test]
async fn start_adds_builtin_targets_and_banner_lines() {
    let running = start_demos(Duration::from_secs(3600)).await;
    let targets: Vec<_> = running
        .config
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
    let chat_port = running.demos.addrs.chat.port();
    assert_eq!(
        running.demos.banner[0],
        format!("chat:          nc 127.0.0.1 {chat_port}")
    );
    assert!(running.demos.banner[3].starts_with("lamp:          nc 127.0.0.1 "));
    assert!(running
        .config
        .targets
        .iter()
        .all(|t| !t.description.is_empty()));
}

#[tokio::test]
async fn chat_room_joins_nc_users_and_browsers() {
    let running = start_demos(Duration::from_secs(3600)).await;
    let chat = running.demos.addrs.chat;
    let relay = TestRelay::start_with(running.config.clone()).await;

    let mut alice = Client::tcp(chat).await;
    assert_eq!(
        alice.line().await,
        "* welcome, you are guest-1. /nick NAME, /who, /quit"
    );
    assert_eq!(alice.line().await, "* guest-1 joined");
    alice.send("/nick alice\r\n").await;
    assert_eq!(alice.line().await, "* guest-1 is now alice");

    let mut web = Client::ws(&relay, "chat").await;
    assert_eq!(
        web.line().await,
        "* welcome, you are guest-2. /nick NAME, /who, /quit"
    );
    assert_eq!(web.line().await, "* guest-2 joined");
    assert_eq!(alice.line().await, "* guest-2 joined");
    web.send("/nick webby\n").await;
    assert_eq!(web.line().await, "* guest-2 is now webby");
    assert_eq!(alice.line().await, "* guest-2 is now webby");

    let mut bob = Client::tcp(chat).await;
    bob.until("* guest-3 joined").await;
    bob.send("/nick alice\n").await;
    assert_eq!(bob.line().await, "! nick alice is taken");
    bob.send("/nick bob\n").await;
    assert_eq!(bob.line().await, "* guest-3 is now bob");
    alice.until("* guest-3 is now bob").await;
    web.until("* guest-3 is now bob").await;

    // nc → browser, byte for byte (UTF-8 included), and back.
    alice.send("héllo 世界 from nc\r\n").await;
    web.until("<alice> héllo 世界 from nc").await;
    let said = "<alice> héllo 世界 from nc\r\n".as_bytes();
    assert!(
        web.raw.windows(said.len()).any(|w| w == said),
        "the page got other bytes than the service sent"
    );
    web.send("hi from the browser ✓\n").await;
    assert_eq!(alice.line().await, "<alice> héllo 世界 from nc");
    assert_eq!(alice.line().await, "<webby> hi from the browser ✓");
    bob.until("<webby> hi from the browser ✓").await;

    bob.send("/who\n").await;
    assert_eq!(bob.line().await, "* in the room: alice, webby, bob");
    bob.send("/dance\n").await;
    assert_eq!(
        bob.line().await,
        "! unknown command /dance (try /nick NAME, /who, /quit)"
    );

    // Abuse hurts nobody: an overlong line and invalid UTF-8 get an error
    // line, and bob, alice and the page carry on.
    let mut long = vec![b'x'; 5000];
    long.extend_from_slice(b"\r\n");
    bob.send(&long).await;
    assert_eq!(
        bob.line().await,
        "! line longer than 1024 bytes was dropped"
    );
    bob.send(b"\xff\xfe oops\r\n").await;
    assert_eq!(
        bob.line().await,
        "! line is not valid UTF-8 and was dropped"
    );
    bob.send("still here\n").await;
    assert_eq!(bob.line().await, "<bob> still here");
    assert_eq!(alice.line().await, "<bob> still here");
    let skipped = web.until("<bob> still here").await;
    assert!(
        skipped
            .iter()
            .all(|l| !l.contains("xxxx") && !l.starts_with('!')),
        "{skipped:?}"
    );

    // An abrupt disconnect (RST) is a leave like any other.
    let Source::Tcp(stream) = &bob.source else {
        unreachable!()
    };
    stream.set_zero_linger().unwrap();
    drop(bob);
    assert_eq!(alice.line().await, "* bob left");
    web.until("* bob left").await;

    alice.send("/quit\n").await;
    assert_eq!(alice.line().await, "* bye");
    assert_eq!(
        alice.try_line().await,
        None,
        "the service closes after /quit"
    );
    web.until("* alice left").await;
}

fn parse_quote(line: &str) -> Quote {
    match ticker::parse_server_line(line) {
        Ok(ticker::ServerLine::Quote(quote)) => quote,
        other => panic!("{line:?} is not a quote: {other:?}"),
    }
}

#[tokio::test]
async fn ticker_pushes_quotes_that_polling_also_sees() {
    let running = start_demos(Duration::from_millis(10)).await;
    let market = running.demos.market.clone();
    let mut client = Client::tcp(running.demos.addrs.ticker).await;
    let mut quotes = Vec::new();
    while quotes.len() < 30 {
        quotes.push(parse_quote(&client.line().await));
    }
    assert!(
        quotes.windows(2).all(|w| w[0].seq < w[1].seq),
        "sequence numbers must increase"
    );
    // After the first few (the latest of each symbol on connecting), nothing is skipped.
    let tail = &quotes[ticker::SYMBOLS.len()..];
    assert!(tail.windows(2).all(|w| w[1].seq == w[0].seq + 1));
    assert!(quotes
        .iter()
        .all(|q| ticker::SYMBOLS.contains(&q.symbol.as_str())));

    // Polling sees the very same quotes: what a page missed since its last poll.
    let since = tail[0].seq;
    let polled = market.since(since);
    for pushed in &tail[1..] {
        assert!(polled.contains(pushed), "{pushed} not in the history");
    }
    assert!(polled.iter().all(|q| q.seq > since));
    let batch: QuoteBatch =
        serde_json::from_str(&serde_json::to_string(&market.batch_since(since)).unwrap()).unwrap();
    assert!(batch.latest_seq >= quotes.last().unwrap().seq);
    assert_eq!(batch.quotes.first().map(|q| q.seq), Some(since + 1));

    // A command gets an error line; the quotes keep coming.
    client.send("BUY ACME\n").await;
    let (error, _) = client.line_where(|l| l.starts_with("! ")).await;
    assert_eq!(
        error,
        "! the ticker takes no commands; it pushes QUOTE lines"
    );
    parse_quote(&client.line().await);
}

/// A client that never reads: its own task blocks on its full socket, the
/// channel drops quotes for it alone, and everyone else keeps getting them.
/// When it reads again it is told how many it missed, and carries on.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_never_reads_does_not_hold_up_the_others() {
    let market = Market::new(11);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let stop = CancellationToken::new();
    let _stop_guard = stop.clone().drop_guard();
    let served = market.clone();
    tokio::spawn(relay::services::serve(
        "ticker",
        listener,
        stop.clone(),
        move |s, t| relay::services::ticker::handle(s, t, served.clone()),
    ));

    let socket = TcpSocket::new_v4().unwrap();
    socket.set_recv_buffer_size(4096).unwrap();
    let mut stalled = Client::new(Source::Tcp(socket.connect(addr).await.unwrap()));
    let mut reader = Client::tcp(addr).await;
    assert!(wait_until(LINE_DEADLINE, || market.subscribers() == 2).await);

    // Far more than the stalled client's socket buffers can hold.
    const FLOOD: u64 = 300_000;

    // The reader drains in the background and reports the last seq it saw.
    let (seen_tx, mut seen_rx) = tokio::sync::watch::channel(0u64);
    let reading = tokio::spawn(async move {
        loop {
            let line = reader.line().await;
            if line.starts_with("QUOTE ") {
                let seq = parse_quote(&line).seq;
                seen_tx.send_replace(seq);
                if seq == FLOOD + 1 {
                    break;
                }
            }
        }
    });

    for i in 0..FLOOD {
        market.step();
        if i % 1_000 == 0 {
            tokio::task::yield_now().await;
        }
    }
    let last = market.step().seq;
    assert_eq!(last, FLOOD + 1);
    tokio::time::timeout(
        Duration::from_secs(30),
        seen_rx.wait_for(|seq| *seq == last),
    )
    .await
    .expect("the reading client got the last quote while the other one stalled")
    .unwrap();

    let (note, _) = stalled.line_where(|l| l.starts_with("! ")).await;
    let missed: u64 = note
        .strip_prefix("! you missed ")
        .and_then(|rest| rest.strip_suffix(" messages"))
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("not a missed note: {note}"));
    assert!(missed > 0);
    stalled.until(&market.since(last - 1)[0].to_string()).await;
    reading.await.unwrap();
}

fn parse_state(line: &str) -> GameState {
    match game::parse_server_line(line) {
        Ok(game::ServerLine::State(state)) => state,
        other => panic!("{line:?} is not a STATE: {other:?}"),
    }
}

#[tokio::test]
async fn game_moves_are_broadcast_and_pings_answered() {
    let running = start_demos(Duration::from_secs(3600)).await;
    let arena = running.demos.addrs.game;

    let mut one = Client::tcp(arena).await;
    assert_eq!(one.line().await, "YOU p1");
    assert_eq!(parse_state(&one.line().await).players.len(), 1);
    let mut two = Client::tcp(arena).await;
    assert_eq!(two.line().await, "YOU p2");
    assert_eq!(parse_state(&two.line().await).players.len(), 2);
    assert_eq!(parse_state(&one.line().await).players.len(), 2);

    one.send("NAME ada\r\n").await;
    assert_eq!(one.line().await, "YOU ada");
    let mut state = parse_state(&one.line().await);
    assert_eq!(state, parse_state(&two.line().await));
    assert_eq!(state.players[0].name, "ada");

    // Walk ada to the coin; both players see every step.
    let coin = state.coin;
    loop {
        let ada = &state.players[0];
        let step = if ada.x < coin.0 {
            "R"
        } else if ada.x > coin.0 {
            "L"
        } else if ada.y < coin.1 {
            "D"
        } else {
            "U"
        };
        one.send(format!("MOVE {step}\n")).await;
        state = parse_state(&one.line().await);
        assert_eq!(
            state,
            parse_state(&two.line().await),
            "both see the same arena"
        );
        if state.players[0].score > 0 {
            break;
        }
    }
    let ada = &state.players[0];
    assert_eq!((ada.x, ada.y, ada.score), (coin.0, coin.1, 1));
    assert_ne!(state.coin, coin, "the coin moved on");

    // PONG goes to the pinger only.
    two.send("PING t-42\n").await;
    assert_eq!(two.line().await, "PONG t-42");
    one.send("ping mine\n").await;
    assert_eq!(one.line().await, "PONG mine");

    two.send("JUMP\n").await;
    assert_eq!(
        two.line().await,
        "! unknown command JUMP (try MOVE U|D|L|R, NAME x, PING token)"
    );
    two.send("MOVE X\n").await;
    assert_eq!(two.line().await, "! MOVE takes U, D, L or R (got \"X\")");
    two.send("NAME ADA\n").await;
    assert_eq!(two.line().await, "! name ADA is taken");

    drop(two);
    let after = parse_state(&one.line().await);
    assert_eq!(after.players.len(), 1, "leaving is broadcast: {after:?}");
}

#[tokio::test]
async fn lamp_changes_reach_every_remote_control() {
    let running = start_demos(Duration::from_secs(3600)).await;
    let relay = TestRelay::start_with(running.config.clone()).await;
    let lamp = running.demos.addrs.device;

    let initial = "STATE power=off brightness=80 color=#ffcc00";
    let mut terminal = Client::tcp(lamp).await;
    assert_eq!(terminal.line().await, initial);
    let mut other = Client::tcp(lamp).await;
    assert_eq!(other.line().await, initial);
    let mut page = Client::ws(&relay, "lamp").await;
    assert_eq!(page.line().await, initial);

    terminal.send("ON\r\n").await;
    let on = "STATE power=on brightness=80 color=#ffcc00";
    for client in [&mut terminal, &mut other, &mut page] {
        assert_eq!(client.line().await, on);
    }
    page.send("BRIGHTNESS 30\n").await;
    page.send("color #00FF88\n").await;
    for client in [&mut terminal, &mut other, &mut page] {
        assert_eq!(
            client.line().await,
            "STATE power=on brightness=30 color=#ffcc00"
        );
        assert_eq!(
            client.line().await,
            "STATE power=on brightness=30 color=#00ff88"
        );
    }

    // Errors go to the sender only.
    other.send("BRIGHTNESS 101\n").await;
    assert_eq!(other.line().await, "ERR brightness must be 0-100");
    other.send("COLOR red\n").await;
    assert_eq!(other.line().await, "ERR color must be #rrggbb");
    other.send("FLY\n").await;
    assert_eq!(other.line().await, "ERR unknown command FLY (try HELP)");
    other.send(b"\xc3\x28\n").await;
    assert_eq!(
        other.line().await,
        "ERR line is not valid UTF-8 and was dropped"
    );
    other.send("HELP\n").await;
    assert!(other.line().await.starts_with("OK commands: ON, OFF"));
    other.send("STATUS\n").await;
    assert_eq!(
        other.line().await,
        "STATE power=on brightness=30 color=#00ff88"
    );

    terminal.send("OFF\n").await;
    let off = "STATE power=off brightness=30 color=#00ff88";
    assert_eq!(terminal.line().await, off);
    assert_eq!(page.line().await, off, "the page saw none of the errors");
}
