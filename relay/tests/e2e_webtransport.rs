//! End to end, the relay's two doors side by side: a real Chromium loads the
//! page from a relay with its WebTransport door open, runs "the same
//! service, two doors" (the TCP echo through WebSockets and through streams
//! of one WebTransport session, 8 MiB checked each way) and "datagrams
//! against messages" (the `lossy` service as datagrams and as WebSocket
//! messages), and reads what the page concluded, in both languages.

mod browser;
mod common;

use browser::Browser;
use protocol::lossy::is_lost;
use relay::services::builtins::{self, BuiltinListen};
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

/// A relay serving the built page, with the echo and lossy services and the
/// WebTransport door on a free UDP port; stopped when the token drops.
async fn relay_with_both_doors() -> (std::net::SocketAddr, tokio_util::sync::DropGuard) {
    let shutdown = CancellationToken::new();
    let listen = BuiltinListen {
        echo: Some("127.0.0.1:0".into()),
        lossy: Some("127.0.0.1:0".into()),
        ..BuiltinListen::none()
    };
    let started = builtins::start(&listen, &shutdown).await.unwrap();
    let mut config = relay::Config {
        dist_dir: Some(browser::built_page()),
        ..Default::default()
    };
    for target in started.targets {
        config.targets.add(target).unwrap();
    }
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let http = listener.local_addr().unwrap();
    let udp = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    tokio::spawn(relay::run_doors(
        listener,
        Some(udp),
        config,
        started.builtins,
        shutdown.clone(),
    ));
    (http, shutdown.drop_guard())
}

#[tokio::test]
async fn the_page_runs_the_same_service_through_both_doors() {
    let (addr, _relay) = relay_with_both_doors().await;
    let browser = Browser::open(addr).await;

    // The census's WebTransport line leads to the experiment.
    assert_eq!(browser.run_experiment("exp-doors").await, "failed");
    browser
        .wait_for("#exp-doors a[href='#exp-two-doors']")
        .await;

    let outcome = browser.run_experiment("exp-two-doors").await;
    let result = browser.text_of("#exp-two-doors .result").await;
    assert_eq!(outcome, "succeeded", "{result}");
    for door in ["ws", "wt"] {
        let css = format!("#exp-two-doors td.{door}[data-verified='true']");
        browser.wait_for(&css).await;
    }
    assert!(
        result.contains("4 WebSockets: 4 TCP connections, 4 handshakes"),
        "{result}"
    );
    assert!(
        result.contains("one QUIC connection (UDP), one handshake, 4 streams"),
        "{result}"
    );
    assert!(result.contains("4 of 4 echoed their line"), "{result}");
    assert_eq!(
        result.matches("8.4 MB in ").count(),
        2,
        "8 MiB each way: {result}"
    );
    assert!(result.contains("every byte checked"), "{result}");

    let outcome = browser.run_experiment("exp-lossy").await;
    let result = browser.text_of("#exp-lossy .result").await;
    assert_eq!(outcome, "succeeded", "{result}");
    let predicted = (1..=50u32)
        .filter(|n| is_lost(n.to_string().as_bytes()))
        .count();
    assert!(predicted > 0 && predicted < 50);
    let attr = |css: &'static str, name: &'static str| {
        let browser = &browser;
        async move { browser.attrs_of(css, name).await.pop().unwrap_or_default() }
    };
    assert_eq!(attr("#exp-lossy .datagrams", "data-sent").await, "50");
    assert_eq!(
        attr("#exp-lossy .datagrams", "data-lost").await,
        predicted.to_string(),
        "the datagrams the rule loses, and no others: {result}"
    );
    assert_eq!(attr("#exp-lossy .messages", "data-sent").await, "50");
    assert_eq!(
        attr("#exp-lossy .messages", "data-lost").await,
        "0",
        "{result}"
    );
    let waited: usize = attr("#exp-lossy .messages", "data-waited")
        .await
        .parse()
        .unwrap();
    assert!(
        waited >= predicted,
        "the held lines and those behind: {result}"
    );
    let lost_cells = browser
        .client
        .find_all(fantoccini::Locator::Css(
            "#exp-lossy .datagrams i[data-s='lost']",
        ))
        .await
        .unwrap();
    assert_eq!(lost_cells.len(), predicted);
    assert!(
        result.contains(&format!(
            "{} of 50 arrived, {predicted} lost",
            50 - predicted
        )),
        "{result}"
    );

    browser.click("#lang-zh").await;
    browser
        .wait_for_text("#exp-two-doors-title", "同一个服务，两扇门")
        .await;
    browser
        .wait_for_text("#exp-two-doors .result", "每个字节都核对无误")
        .await;
    browser
        .wait_for_text(
            "#exp-lossy .result",
            &format!("50 条中到达 {} 条，丢失 {predicted} 条", 50 - predicted),
        )
        .await;
    browser
        .wait_for_text("#comparison thead", "WebTransport")
        .await;
    browser.close().await;
}
