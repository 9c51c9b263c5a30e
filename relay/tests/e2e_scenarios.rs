//! End to end for the live scenarios: a real Chromium loads the page from a
//! relay hosting the chat room, quotes, game and lamp, and the test checks
//! what a visitor would notice, with raw TCP clients (as `nc` would be)
//! joining the same services. Set `SCENARIO_SCREENSHOTS=<dir>` to keep
//! screenshots.

mod browser;
mod common;

use std::time::Duration;

use browser::Browser;
use common::TestRelay;
use fantoccini::Locator;
use protocol::scenarios::LineBuffer;
use relay::services::{
    builtins::BuiltinListen,
    scenarios::{ScenarioAddrs, ScenarioListen},
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_util::sync::CancellationToken;

const DEADLINE: Duration = Duration::from_secs(20);

/// A relay serving the built page, with the scenarios on free ports.
async fn scenario_relay() -> (TestRelay, ScenarioAddrs, CancellationToken) {
    let dist = browser::built_page();
    let config = relay::Config {
        dist_dir: Some(dist),
        ..Default::default()
    };
    let listen = BuiltinListen {
        scenarios: Some(ScenarioListen {
            quote_interval: Duration::from_millis(100),
            ..ScenarioListen::ephemeral()
        }),
        ..BuiltinListen::none()
    };
    let (relay, builtins) = TestRelay::start_with_builtins(config, &listen).await;
    let stop_scenarios = relay.shutdown.clone();
    let addrs = builtins.scenario_addrs.expect("the scenarios run");
    (relay, addrs, stop_scenarios)
}

/// A raw TCP client of a demo service, as `nc` would be.
struct Nc {
    stream: TcpStream,
    lines: LineBuffer,
}

impl Nc {
    async fn connect(addr: std::net::SocketAddr) -> Self {
        Self {
            stream: TcpStream::connect(addr).await.unwrap(),
            lines: LineBuffer::new(),
        }
    }

    async fn send(&mut self, line: &str) {
        self.stream
            .write_all(format!("{line}\r\n").as_bytes())
            .await
            .unwrap();
    }

    /// Reads lines until one satisfies `pred`, and returns it.
    async fn line_where(&mut self, what: &str, pred: impl Fn(&str) -> bool) -> String {
        let read = async {
            loop {
                while let Some(line) = self.lines.next_line() {
                    let line = line.expect("a valid line");
                    if pred(&line) {
                        return line;
                    }
                }
                let mut buf = [0; 4096];
                let n = self.stream.read(&mut buf).await.unwrap();
                assert!(n > 0, "the service closed before {what}");
                self.lines.push(&buf[..n]);
            }
        };
        tokio::time::timeout(DEADLINE, read)
            .await
            .unwrap_or_else(|_| panic!("nc never received {what}"))
    }
}

async fn open_page(relay: &TestRelay) -> Browser {
    Browser::open(relay.addr).await
}

/// Presses a panel's Start and waits until its WebSocket is open.
async fn start(browser: &Browser, panel: &str) {
    browser.click(&format!("#{panel} button.start")).await;
    browser
        .wait_for(&format!("#{panel} .link-status[data-state='open']"))
        .await;
}

/// Types `text` into the input matching `css`, replacing what was there.
async fn fill(browser: &Browser, css: &str, text: &str) {
    let input = browser.client.find(Locator::Css(css)).await.unwrap();
    input.clear().await.unwrap();
    input.send_keys(text).await.unwrap();
}

/// Waits until attribute `name` of the first element matching `css`
/// satisfies `pred`; returns its value.
async fn wait_attr(
    browser: &Browser,
    css: &str,
    name: &str,
    pred: impl Fn(&str) -> bool,
) -> String {
    let end = tokio::time::Instant::now() + DEADLINE;
    loop {
        if let Some(value) = browser.attrs_of(css, name).await.into_iter().next() {
            if pred(&value) {
                return value;
            }
        }
        assert!(
            tokio::time::Instant::now() < end,
            "{css}[{name}] never became what was expected (last: {:?})",
            browser.attrs_of(css, name).await
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Waits until the text of `css` parses as a number above `min`; returns it.
async fn wait_number_above(browser: &Browser, css: &str, min: f64) -> f64 {
    let end = tokio::time::Instant::now() + DEADLINE;
    loop {
        let text = browser.text_of(css).await;
        if let Ok(value) = text.trim().parse::<f64>() {
            if value > min {
                return value;
            }
        }
        assert!(
            tokio::time::Instant::now() < end,
            "{css} shows {text:?}, not a number above {min}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn chat_and_game_are_shared_by_two_pages_and_nc() {
    let (relay, addrs, _stop) = scenario_relay().await;
    let (alice, bob) = tokio::join!(open_page(&relay), open_page(&relay));

    // Chat: two pages and a bare TCP client in one room.
    start(&alice, "sc-chat").await;
    start(&bob, "sc-chat").await;
    let mut nc = Nc::connect(addrs.chat).await;
    nc.line_where("the welcome", |l| l.starts_with("* welcome"))
        .await;
    for (page, nick) in [(&alice, "alice"), (&bob, "bob")] {
        fill(page, "#chat-nick", nick).await;
        page.click("#chat-nick-set").await;
        page.wait_for_text("#sc-chat .chat-me", nick).await;
    }

    fill(&alice, "#chat-input", "hello from alice").await;
    alice.click("#chat-send").await;
    bob.wait_for_text("#chat-log .chat-line[data-kind='msg']", "hello from alice")
        .await;
    nc.line_where("alice's message", |l| l == "<alice> hello from alice")
        .await;
    // The page shows the exact bytes it sent, line ending included.
    let sent_hex = alice.text_of("#sc-chat .sent .as-hex").await;
    assert!(sent_hex.ends_with("0d 0a"), "sent bytes: {sent_hex:?}");

    nc.send("hi from nc").await;
    for page in [&alice, &bob] {
        page.wait_for_text("#chat-log .chat-line[data-kind='msg']", "hi from nc")
            .await;
    }

    // Enter sends too.
    fill(&bob, "#chat-input", "hey from bob\u{E007}").await;
    alice
        .wait_for_text("#chat-log .chat-line[data-kind='msg']", "hey from bob")
        .await;
    nc.line_where("bob's message", |l| l == "<bob> hey from bob")
        .await;
    assert_eq!(
        bob.attrs_of("#chat-input", "value").await.concat(),
        "",
        "the input empties after sending"
    );

    // Game: one page moves, the other sees it.
    start(&alice, "sc-game").await;
    start(&bob, "sc-game").await;
    for page in [&alice, &bob] {
        page.wait_for("#game-arena .player.me").await;
        page.wait_for("#game-scores li:nth-child(2)").await;
    }
    let me = alice.attrs_of("#game-arena .player.me", "data-name").await;
    let me = me.first().expect("alice's player");
    let seen = format!("#game-arena .player[data-name='{me}']");
    let x: u8 = wait_attr(&bob, &seen, "data-x", |_| true)
        .await
        .parse()
        .unwrap();
    let (button, expected) = if x < 15 {
        ("#game-right", x + 1)
    } else {
        ("#game-left", x - 1)
    };
    alice.click(button).await;
    wait_attr(&bob, &seen, "data-x", |v| v == expected.to_string()).await;
    let rtt = wait_number_above(&alice, "#game-rtt", -1.0).await;
    eprintln!("game: {me} moved from x={x} to x={expected}, round trip {rtt} ms");
    alice
        .screenshot_to("SCENARIO_SCREENSHOTS", "scenarios-chat-game.png")
        .await;

    tokio::join!(alice.close(), bob.close());
}

#[tokio::test]
async fn quotes_compare_push_with_polling_and_the_lamp_follows_nc() {
    let (relay, addrs, _stop) = scenario_relay().await;
    let page = open_page(&relay).await;

    // Quotes: the chart moves, and both sides report what they cost.
    start(&page, "sc-quotes").await;
    wait_attr(&page, "#quotes-chart", "data-points", |n| {
        n.parse::<u32>().unwrap_or(0) >= 3
    })
    .await;
    let points = page
        .attrs_of("#quotes-chart polyline.ws-line", "points")
        .await;
    assert!(
        points.first().is_some_and(|p| p.split(' ').count() >= 3),
        "chart: {points:?}"
    );
    let ws_updates = wait_number_above(&page, "#ws-updates", 0.0).await;
    let poll_updates = wait_number_above(&page, "#poll-updates", 0.0).await;
    let ws_bytes = wait_number_above(&page, "#ws-bytes-per-update", 0.0).await;
    let poll_bytes = wait_number_above(&page, "#poll-bytes-per-update", 0.0).await;
    let ws_delay = wait_number_above(&page, "#ws-delay-ms", -1.0).await;
    let poll_delay = wait_number_above(&page, "#poll-delay-ms", 0.0).await;
    let in_mps = wait_number_above(&page, "#sc-quotes .traffic .in-mps", 0.0).await;
    eprintln!(
        "quotes: ws {ws_updates} updates, {ws_bytes} B/update, {ws_delay} ms; \
         polling {poll_updates} updates, {poll_bytes} B/update, {poll_delay} ms; {in_mps} msg/s in"
    );
    // A pushed quote is one small frame; a poll's headers dwarf it.
    assert!(ws_bytes < 100.0, "ws bytes per update: {ws_bytes}");
    assert!(poll_bytes > ws_bytes, "{poll_bytes} <= {ws_bytes}");

    // Lamp: nc turns it off, the page follows; the page turns it on, nc hears.
    start(&page, "sc-lamp").await;
    wait_attr(&page, "#lamp", "data-power", |p| p == "on" || p == "off").await;
    let mut nc = Nc::connect(addrs.lamp).await;
    nc.send("OFF").await;
    wait_attr(&page, "#lamp", "data-power", |p| p == "off").await;
    page.click("#lamp-on:not([disabled])").await;
    nc.line_where("the page's ON", |l| l.starts_with("STATE power=on"))
        .await;
    wait_attr(&page, "#lamp", "data-power", |p| p == "on").await;
    nc.send("COLOR #00ff80").await;
    wait_attr(&page, "#lamp", "data-color", |c| c == "#00ff80").await;
    page.screenshot_to("SCENARIO_SCREENSHOTS", "scenarios-quotes-lamp.png")
        .await;

    page.close().await;
}
