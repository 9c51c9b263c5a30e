//! End to end for the lesson: a real Chromium loads the page from a relay
//! with the lab (recorder, bad port, wire tap), runs every experiment, and
//! the test reads what the page measured: the browser's own errors and the
//! bytes the recorder received. Then the console's protocol views and the
//! language switch. Set `LESSON_SCREENSHOTS=<dir>` to keep screenshots.

mod browser;
mod common;

use browser::Browser;
use common::TestRelay;
use tokio_util::sync::CancellationToken;

async fn lab_relay() -> (TestRelay, CancellationToken) {
    let dist = browser::built_page();
    let (echo, stop_echo) = common::start_echo().await;
    let mut config = relay::Config {
        dist_dir: Some(dist),
        ..Default::default()
    };
    common::add_target(&mut config, "echo", &echo);
    (TestRelay::start_lab(config).await, stop_echo)
}

#[tokio::test]
async fn every_experiment_shows_what_the_browser_did() {
    let (relay, _stop_echo) = lab_relay().await;
    let browser = Browser::open(relay.addr).await;

    // 1. No socket API in an ordinary page.
    assert_eq!(browser.run_experiment("exp-no-socket-api").await, "failed");
    let typeof_tcp = browser
        .text_of("#exp-no-socket-api .typeof-tcp-socket .value")
        .await;
    assert_eq!(typeof_tcp, "\"undefined\"");

    // 2. fetch() at the raw recorder: the browser fails, and what it sent
    //    is an HTTP request it wrote itself.
    assert_eq!(browser.run_experiment("exp-fetch").await, "failed");
    let error = browser.text_of("#exp-fetch .observed-error").await;
    assert!(error.contains("Failed to fetch"), "fetch error: {error:?}");
    let captured = browser.text_of("#exp-fetch .captured").await;
    for needle in [
        "GET /probe-",
        "HTTP/1.1",
        "Host: 127.0.0.1:",
        "Origin: http://",
    ] {
        assert!(captured.contains(needle), "no {needle:?} in {captured:?}");
    }
    eprintln!("fetch: {error}\n{captured}");

    // 3. new WebSocket() at the raw recorder: 1006, no reason, and the
    //    upgrade request nobody answered.
    assert_eq!(browser.run_experiment("exp-ws-raw").await, "failed");
    assert_eq!(browser.text_of("#exp-ws-raw .observed-code").await, "1006");
    assert_eq!(
        browser
            .attrs_of("#exp-ws-raw .observed-reason", "data-empty")
            .await,
        ["true"]
    );
    let captured = browser.text_of("#exp-ws-raw .captured").await;
    for needle in ["GET /probe-", "Sec-WebSocket-Key: ", "Upgrade: websocket"] {
        assert!(captured.contains(needle), "no {needle:?} in {captured:?}");
    }
    eprintln!("ws raw:\n{captured}");

    // 4. A bad port: refused before a single byte left.
    assert_eq!(browser.run_experiment("exp-bad-port").await, "failed");
    assert_eq!(
        browser
            .attrs_of("#exp-bad-port .capture-count", "data-count")
            .await,
        ["0"]
    );
    let code = browser.text_of("#exp-bad-port .observed-code").await;
    assert_eq!(code, "1006");

    // 5. Through the relay: the exact bytes reach the recorder.
    assert_eq!(browser.run_experiment("exp-relay").await, "succeeded");
    let reply = browser.text_of("#exp-relay .reply").await;
    assert!(reply.starts_with("recorder got 44 bytes"), "{reply:?}");
    let upstream = browser.text_of("#exp-relay .upstream").await;
    assert!(
        upstream.contains("hello recorder probe-") && upstream.contains("\\0\\x01\\xfe\\xff"),
        "{upstream:?}"
    );
    assert_eq!(
        browser
            .attrs_of("#exp-relay .relay-upstream", "data-same")
            .await,
        ["true"]
    );

    browser
        .screenshot_to("LESSON_SCREENSHOTS", "experiments.png")
        .await;
    browser.close().await;
}

#[tokio::test]
async fn the_console_shows_handshake_frames_and_both_languages() {
    let (relay, _stop_echo) = lab_relay().await;
    let browser = Browser::open(relay.addr).await;
    let page = &browser.client;

    browser.wait_for("#tap-status[data-link='ready']").await;
    browser.choose_target("echo").await;
    browser.click("#connect").await;
    browser.wait_for("#status[data-state='open']").await;
    browser.choose_option("#mode", "text").await;
    browser.choose_option("#eol", "none").await;
    page.find(fantoccini::Locator::Css("#composer"))
        .await
        .unwrap()
        .send_keys("hello frames")
        .await
        .unwrap();
    browser.click("#send").await;
    browser.log_shows("in", "hello frames").await;

    // The handshake: Sec-WebSocket-Accept recomputed in the page matches.
    browser.wait_for("#accept-match[data-match='true']").await;
    let computed = browser.text_of("#accept-computed").await;
    assert_eq!(computed, browser.text_of("#accept-received").await);
    assert_eq!(computed.len(), 28, "{computed:?}");
    let request = browser.text_of("#hs-request").await;
    assert!(request.contains("Sec-WebSocket-Key"), "{request:?}");
    assert!(browser
        .text_of("#hs-response")
        .await
        .starts_with("HTTP/1.1 101"));
    // Chromium offers permessage-deflate; the relay declines it, and the
    // page says so.
    let extensions = browser
        .text_of("#hs-extensions[data-deflate='declined']")
        .await;
    assert!(
        extensions.contains("permessage-deflate") && extensions.contains("uncompressed"),
        "{extensions:?}"
    );

    // Frames: masked browser → relay, unmasked relay → browser.
    browser
        .wait_for("#frames .frame[data-dir='up'][data-opcode='text']")
        .await;
    browser
        .wait_for("#frames .frame[data-dir='down'][data-opcode='binary']")
        .await;
    let up = browser
        .attrs_of("#frames .frame[data-dir='up']", "data-masked")
        .await;
    let down = browser
        .attrs_of("#frames .frame[data-dir='down']", "data-masked")
        .await;
    assert!(!up.is_empty() && up.iter().all(|m| m == "true"), "{up:?}");
    assert!(
        !down.is_empty() && down.iter().all(|m| m == "false"),
        "{down:?}"
    );
    browser
        .click("#frames .frame[data-dir='up'][data-opcode='text']")
        .await;
    let unmasked = browser.text_of("#frame-detail .payload-text").await;
    assert_eq!(unmasked, "hello frames");
    let key = browser.text_of("#frame-detail .mask-key").await;
    assert_eq!(key.split(' ').count(), 4, "{key:?}");

    // Side by side: the TCP side carried the same bytes.
    let tcp = browser
        .wait_for_text("#side-by-side .sbs-row.tcp", "hello frames")
        .await;
    assert!(tcp.contains("12"), "{tcp:?}");

    // Disconnecting shows the close frames.
    browser.click("#disconnect").await;
    browser.wait_for("#status[data-state='closed']").await;
    browser
        .wait_for("#frames .frame[data-dir='up'][data-opcode='close'][data-masked='true']")
        .await;
    browser
        .screenshot_to("LESSON_SCREENSHOTS", "console.png")
        .await;

    // The comparison table follows the language switch.
    let english = browser.text_of("#cmp-definition").await;
    assert!(english.contains("An application protocol"), "{english:?}");
    browser.click("#lang-zh").await;
    let chinese = browser.wait_for_text("#cmp-definition", "应用层协议").await;
    assert_ne!(english, chinese);
    assert!(browser.text_of("#comparison-title").await.contains("与"));
    browser.screenshot_to("LESSON_SCREENSHOTS", "zh.png").await;
    browser.close().await;
}
