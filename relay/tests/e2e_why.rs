//! End to end for the experiments that show *why* a page gets WebSocket and
//! not a socket: a real Chromium loads the page from a relay with the lab
//! and runs, in English and in 简体中文, consent (a cross-origin WebSocket the
//! relay refuses, the relay's side read from the page's own tap), masking
//! (a typed HTTP request: masked on the wire, exact at the recorder) and the
//! census of the browser's other doors.

mod browser;
mod common;

use browser::Browser;
use common::TestRelay;
use fantoccini::Locator;

async fn lab_relay() -> TestRelay {
    let dist = browser::built_page();
    let config = relay::Config {
        dist_dir: Some(dist),
        ..Default::default()
    };
    TestRelay::start_lab(config).await
}

/// Consent: the browser saw only 1006; the relay's tap event names this
/// page's origin and says it refused, with 403.
async fn consent(browser: &Browser, page_origin: &str) {
    assert_eq!(browser.run_experiment("exp-consent").await, "failed");
    assert_eq!(browser.text_of("#exp-consent .observed-code").await, "1006");
    assert_eq!(
        browser
            .attrs_of("#exp-consent .observed-reason", "data-empty")
            .await,
        ["true"]
    );
    assert_eq!(
        browser
            .attrs_of("#exp-consent .relay-word", "data-status")
            .await,
        ["403"]
    );
    assert_eq!(
        browser.text_of("#exp-consent .relay-origin").await,
        page_origin
    );
    let message = browser.text_of("#exp-consent .relay-message").await;
    assert!(
        message.contains(&format!("origin {page_origin} may not use this relay")),
        "{message:?}"
    );
}

/// Masking: the typed request is unreadable on the wire and exact at the
/// recorder.
async fn masking(browser: &Browser, host_line: &str) {
    let area = browser
        .client
        .find(Locator::Css("#mask-request"))
        .await
        .unwrap();
    area.clear().await.unwrap();
    let typed = format!("GET /poisoned HTTP/1.1\nHost: {host_line}\n\n");
    area.send_keys(&typed).await.unwrap();
    let outcome = browser.run_experiment("exp-masking").await;
    assert_eq!(
        outcome,
        "succeeded",
        "{}",
        browser.text_of("#exp-masking").await
    );
    let wire = browser.text_of("#exp-masking .wire").await;
    assert!(!wire.contains("GET /poisoned"), "{wire:?}");
    assert!(!wire.contains(host_line), "{wire:?}");
    assert_eq!(
        browser
            .attrs_of("#exp-masking .mask-wire", "data-hidden")
            .await,
        ["true"]
    );
    let key = browser.text_of("#exp-masking .mask-key").await;
    assert_eq!(key.split(' ').count(), 4, "{key:?}");
    let upstream = browser.text_of("#exp-masking .upstream").await;
    assert!(
        upstream.contains("GET /poisoned HTTP/1.1") && upstream.contains(host_line),
        "{upstream:?}"
    );
    assert_eq!(
        browser
            .attrs_of("#exp-masking .mask-service", "data-same")
            .await,
        ["true"]
    );
    eprintln!("masking: key {key}\nwire: {wire}\nrecorder: {upstream}");
}

#[tokio::test]
async fn consent_masking_and_doors_in_both_languages() {
    let relay = lab_relay().await;
    let browser = Browser::open(relay.addr).await;
    let page_origin = format!("http://{}", relay.addr);

    consent(&browser, &page_origin).await;
    masking(&browser, "cache.example").await;
    // No raw socket among the other doors; this page is on loopback.
    assert_eq!(browser.run_experiment("exp-doors").await, "failed");
    assert_eq!(
        browser
            .attrs_of("#exp-doors .door-tcp-socket", "data-present")
            .await,
        ["false"]
    );
    assert_eq!(
        browser
            .attrs_of("#exp-doors .door-webtransport", "data-present")
            .await,
        ["true"]
    );
    assert_eq!(
        browser.attrs_of("#exp-doors .door-lna", "data-space").await,
        ["loopback"]
    );
    // The first experiment says what this page is, as the browser said.
    assert_eq!(browser.run_experiment("exp-no-socket-api").await, "failed");
    let context = browser.text_of("#exp-no-socket-api .nsa-context").await;
    assert!(
        context.contains("is not cross-origin isolated (crossOriginIsolated is false)"),
        "{context:?}"
    );

    // 简体中文: the same experiments, the same results, in Chinese.
    browser.click("#lang-zh").await;
    browser.wait_for_text("#exp-consent-title", "同意").await;
    consent(&browser, &page_origin).await;
    let lesson = browser.text_of("#exp-consent .lesson").await;
    assert!(lesson.contains("跨站 WebSocket 劫持"), "{lesson:?}");
    masking(&browser, "zh.example").await;
    let lesson = browser.text_of("#exp-masking .lesson").await;
    assert!(lesson.contains("Talking to Yourself"), "{lesson:?}");
    browser
        .screenshot_to("LESSON_SCREENSHOTS", "why-zh.png")
        .await;
    browser.close().await;
}
