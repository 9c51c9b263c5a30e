//! End to end for the experiments that show *why* a page gets WebSocket and
//! not a socket: a real Chromium loads the page from a relay with the lab
//! and runs, in English and in 简体中文, consent (a cross-origin WebSocket the
//! relay refuses, the relay's side read from the page's own tap), masking
//! (a typed HTTP request: masked on the wire, exact at the recorder) and the
//! census of the browser's other doors; and the same page served over TLS
//! under a name that is not loopback, as when hosted.

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

/// Hosted: the page comes over TLS from a name that is not loopback
/// (`relay.test`, mapped to 127.0.0.1 inside Chromium), from a relay that
/// answers to that name. Sessions go over wss to the page's own host; the
/// masking experiment, which goes through the relay, works; the direct
/// experiments say that this relay's recorder is out of reach rather than
/// knock on the visitor's own machine; the consent experiment has no other
/// loopback name to try; and `ws://` from this https page is refused before
/// a byte leaves (mixed content).
/// A relay serving the page over TLS as `relay.test` with the echo and the
/// recorder on `recorder_listen`, and a Chromium showing that page
/// (`relay.test` mapped to 127.0.0.1, the test certificate accepted).
async fn hosted_page(dir: &std::path::Path, recorder_listen: &str) -> (TestRelay, Browser) {
    let cert = common::TestCert::new(dir);
    let config = relay::Config {
        dist_dir: Some(browser::built_page()),
        tls: Some(relay::tls::TlsFiles::new(&cert.cert_pem, &cert.key_pem)),
        public_hosts: vec!["relay.test".into()],
        ..Default::default()
    };
    let lab = relay::services::builtins::BuiltinListen {
        echo: Some("127.0.0.1:0".into()),
        recorder: Some(recorder_listen.into()),
        ..relay::services::builtins::BuiltinListen::none()
    };
    let (relay, _) = TestRelay::start_with_builtins(config, &lab).await;
    let browser = Browser::start_with(&[
        "--host-resolver-rules=MAP relay.test 127.0.0.1",
        "--ignore-certificate-errors",
    ])
    .await;
    let page = format!("https://relay.test:{}/", relay.addr.port());
    browser.client.goto(&page).await.unwrap();
    (relay, browser)
}

#[tokio::test]
async fn the_lessons_hold_on_a_page_served_over_tls_under_another_name() {
    let dir = tempfile::tempdir().unwrap();
    let (relay, browser) = hosted_page(dir.path(), "127.0.0.1:0").await;

    browser.connect_to("echo").await;
    let url = format!("wss://relay.test:{}/ws/echo", relay.addr.port());
    browser.log_shows("sys", &url).await;
    browser.choose_option("#mode", "text").await;
    browser
        .client
        .find(Locator::Css("#composer"))
        .await
        .unwrap()
        .send_keys("hello from a hosted page")
        .await
        .unwrap();
    browser.click("#send").await;
    browser.log_shows("in", "hello from a hosted page").await;

    masking(&browser, "hosted.example").await;
    for id in ["exp-fetch", "exp-ws-raw"] {
        let why = browser.text_of(&format!("#{id} .unavailable")).await;
        assert!(why.contains("listens on loopback only"), "{id}: {why:?}");
    }
    let why = browser.text_of("#exp-consent .unavailable").await;
    assert!(!why.is_empty());

    assert_eq!(browser.run_experiment("exp-doors").await, "failed");
    let mixed = browser
        .text_of("#exp-doors .door-mixed[data-refused='true']")
        .await;
    assert!(mixed.contains("refused:"), "{mixed:?}");
    assert_eq!(
        browser.attrs_of("#exp-doors .door-lna", "data-space").await,
        ["public"]
    );

    browser.click("#lang-zh").await;
    browser
        .wait_for_text("#exp-fetch .unavailable", "只监听回环地址")
        .await;
    browser.close().await;
}

/// Hosted with the recorder on every address: the direct experiments aim at
/// the page's own host with https and wss, and the recorder's capture, a TLS
/// ClientHello, is decoded in the page (the name asked for, in the clear).
#[tokio::test]
async fn an_https_page_aimed_at_the_raw_recorder_sends_a_tls_client_hello() {
    let dir = tempfile::tempdir().unwrap();
    let (relay, browser) = hosted_page(dir.path(), "0.0.0.0:0").await;
    for (id, scheme) in [("exp-fetch", "https"), ("exp-ws-raw", "wss")] {
        let code = browser.text_of(&format!("#{id} pre.code")).await;
        assert!(
            code.contains(&format!("{scheme}://relay.test:")),
            "{id}: {code:?}"
        );
        assert_eq!(browser.run_experiment(id).await, "failed", "{id}");
        let hello = browser.text_of(&format!("#{id} .tls-hello")).await;
        assert!(
            hello.contains("\"relay.test\"") && hello.contains("TLS 1.3"),
            "{id}: {hello:?}"
        );
    }
    browser.click("#lang-zh").await;
    browser
        .wait_for_text("#exp-fetch .tls-hello", "服务器名 “relay.test”")
        .await;
    browser.close().await;
    drop(relay);
}
