//! End to end, the UDP lesson: a real Chromium picks a `udp://` target,
//! sends a DNS query the page built from a name, and reads what came back,
//! first from the built-in UDP echo (the query, unchanged) and then from
//! Debian's dnsmasq answering a local zone (an address), in both languages;
//! the side-by-side view shows the service side as datagrams.

mod browser;
mod common;

use browser::Browser;
use common::{daemons::start_dnsmasq, TestRelay};
use relay::services::builtins::BuiltinListen;

#[tokio::test]
async fn the_page_asks_dns_through_a_udp_target_and_decodes_the_answer() {
    let (_dnsmasq, resolver) = start_dnsmasq();
    let mut config = relay::Config {
        dist_dir: Some(browser::built_page()),
        ..Default::default()
    };
    common::add_target(&mut config, "dns", &format!("udp://{resolver}"));
    let echo = BuiltinListen {
        echo: Some("127.0.0.1:0".into()),
        ..BuiltinListen::none()
    };
    let (relay, _) = TestRelay::start_with_builtins(config, &echo).await;
    let browser = Browser::open(relay.addr).await;

    // The picker says which targets are UDP; the panel shows for those only.
    browser.choose_target("echo").await;
    let panel = browser
        .client
        .find_all(fantoccini::Locator::Css("#datagrams"))
        .await
        .unwrap();
    assert!(panel.is_empty(), "the UDP panel shows for a TCP target");
    browser
        .wait_for_text("#target option[value='udp-echo']", "· UDP")
        .await;

    // The echo sends the query back as it was: the page says so.
    browser.connect_to("udp-echo").await;
    browser.click("#dns-send").await;
    browser
        .wait_for_text(
            "#dns-reply",
            "Your query for a.zone.test came back unchanged",
        )
        .await;
    // 12 bytes of header, 13 of name, 4 of type and class: one datagram each way.
    browser
        .wait_for_text("#side-by-side", "→ service, one datagram of 29 bytes")
        .await;
    browser
        .wait_for_text("#side-by-side", "← service, one datagram of 29 bytes")
        .await;
    browser
        .wait_for_text("#side-by-side .sbs-head", "UDP (datagrams)")
        .await;
    browser.click("#disconnect").await;
    browser.wait_for("#status[data-state='closed']").await;

    // A real resolver answers with the address of the name.
    browser.connect_to("dns").await;
    browser.click("#dns-send").await;
    browser
        .wait_for_text("#dns-reply", "a.zone.test A 127.0.0.9")
        .await;
    browser
        .wait_for_text("#dns-reply", "no error, 1 answer(s)")
        .await;

    // A name DNS cannot carry is refused in the page, before anything is sent.
    let field = browser
        .client
        .find(fantoccini::Locator::Css("#dns-name"))
        .await
        .unwrap();
    field.clear().await.unwrap();
    field.send_keys("a..b").await.unwrap();
    browser.click("#dns-send").await;
    browser
        .wait_for_text("#dns-problem", "\"a..b\" is not a DNS name.")
        .await;

    browser.click("#lang-zh").await;
    browser
        .wait_for_text("#datagrams-title", "UDP：一条消息，一个数据报")
        .await;
    browser
        .wait_for_text("#dns-reply", "无错误，1 条答案")
        .await;
    browser
        .wait_for_text("#side-by-side .sbs-head", "UDP（数据报）")
        .await;
    browser.close().await;
}
