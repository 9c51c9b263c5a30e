//! End to end: a real Chromium (driven through ChromeDriver) loads the page the
//! relay serves, connects through `/ws/<target>` to real TCP services, and the
//! test reads what the page shows. Needs Chromium, ChromeDriver, redis-server
//! and a page built by Trunk into `dist/` (`cargo xtask test` sees to all).

mod browser;
mod common;

use std::time::Duration;

use browser::Browser;
use common::{
    closed_port,
    daemons::{self, Daemon},
    TestRelay,
};
use fantoccini::Locator;

/// Starts Debian's redis-server on a free loopback port.
async fn start_redis() -> (Daemon, String) {
    let port = closed_port().to_string();
    let args = [
        "--port",
        port.as_str(),
        "--bind",
        "127.0.0.1",
        "--save",
        "",
        "--appendonly",
        "no",
        "--protected-mode",
        "yes",
    ];
    let redis = daemons::spawn("redis-server", &args, "redis-server");
    let address = format!("127.0.0.1:{port}");
    browser::wait_for_port(&address, Duration::from_secs(10)).await;
    (redis, address)
}

/// Starts Debian's ngircd (an IRC server) in the foreground on a free port.
async fn start_ngircd() -> (Daemon, String, tempfile::TempDir) {
    let port = closed_port();
    let dir = tempfile::tempdir().unwrap();
    let conf = dir.path().join("ngircd.conf");
    std::fs::write(
        &conf,
        format!(
            "[Global]\nName = irc.playground.test\nInfo = playground test\nListen = 127.0.0.1\n\
             Ports = {port}\n[Options]\nPAM = no\nIdent = no\nDNS = no\n"
        ),
    )
    .unwrap();
    let conf = conf.to_str().expect("a UTF-8 temporary path");
    let ngircd = daemons::spawn("ngircd", &["--nodaemon", "--config", conf], "ngircd");
    let address = format!("127.0.0.1:{port}");
    browser::wait_for_port(&address, Duration::from_secs(10)).await;
    (ngircd, address, dir)
}

/// Clicks the console preset labelled `label`, then Send.
async fn send_preset(browser: &Browser, label: &str) {
    let xpath = format!("//button[contains(@class,'preset') and normalize-space(.)='{label}']");
    browser
        .client
        .find(Locator::XPath(&xpath))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    browser
        .client
        .find(Locator::Css("#send"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
}

async fn relay_serving_page(targets: &[(&str, String)]) -> TestRelay {
    let dist = browser::built_page();
    let mut config = relay::Config {
        dist_dir: Some(dist),
        ..Default::default()
    };
    for (name, address) in targets {
        common::add_target(&mut config, name, address);
    }
    TestRelay::start_with(config).await
}

#[tokio::test]
async fn page_pings_a_real_redis_through_the_relay() {
    let (_redis, redis_addr) = start_redis().await;
    let relay = relay_serving_page(&[("redis", redis_addr)]).await;
    let browser = Browser::open(relay.addr).await;
    let page = &browser.client;

    browser.connect_to("redis").await;

    browser.choose_option("#eol", "crlf").await;
    browser.choose_option("#mode", "text").await;
    let composer = page.find(Locator::Css("#composer")).await.unwrap();
    composer.send_keys("PING").await.unwrap();
    page.find(Locator::Css("#send"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();

    browser.log_shows("in", "+PONG").await;
    // What was sent is in the log too, with its CRLF made visible.
    browser.log_shows("out", "PING").await;
    browser.close().await;
}

/// A target configured with a token: the page shows a token field for it
/// (in both languages), a session without the token is refused, and one with
/// the token typed in the page reaches the service.
#[tokio::test]
async fn a_token_typed_in_the_page_opens_a_target_that_needs_one() {
    let (echo, _stop) = common::start_echo().await;
    let dist = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../dist");
    let mut config = relay::Config {
        dist_dir: Some(dist),
        ..Default::default()
    };
    let mut vault = relay::Target::new("vault", &echo, "").unwrap();
    vault.token = Some("s3cret &=/".into());
    config.targets.add(vault).unwrap();
    let relay = TestRelay::start_with(config).await;
    let browser = Browser::open(relay.addr).await;
    let page = &browser.client;

    browser.choose_target("vault").await;
    assert_eq!(browser.text_of("label[for='token']").await, "Token");
    // Without the token the relay answers 401: the browser sees close 1006.
    browser.click("#connect").await;
    browser.wait_for("#status[data-state='closed']").await;
    assert!(browser.text_of("#status").await.contains("1006"));

    let field = page.find(Locator::Css("#token")).await.unwrap();
    field.send_keys("s3cret &=/").await.unwrap();
    browser.click("#connect").await;
    browser.wait_for("#status[data-state='open']").await;
    let status = browser.text_of("#status").await;
    assert!(!status.contains("s3cret"), "the token is shown: {status:?}");
    let composer = page.find(Locator::Css("#composer")).await.unwrap();
    composer.send_keys("hi vault").await.unwrap();
    browser.click("#send").await;
    browser.log_shows("in", "hi vault").await;

    browser.click("#lang-zh").await;
    browser.wait_for_text("label[for='token']", "令牌").await;
    browser.close().await;
}

#[tokio::test]
async fn page_explains_a_refused_upstream_and_bad_hex() {
    let down = format!("127.0.0.1:{}", closed_port());
    let (echo, _stop) = common::start_echo().await;
    let relay = relay_serving_page(&[("down", down.clone()), ("echo", echo)]).await;
    let browser = Browser::open(relay.addr).await;
    let page = &browser.client;

    // An upstream that is down: the close code and the relay's reason, in the page.
    browser.start_connect("down").await;
    browser.wait_for("#status[data-state='closed']").await;
    let status = page
        .find(Locator::Css("#status"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(status.contains("1011"), "status: {status:?}");
    assert!(
        status.contains("target down: the service refused the connection"),
        "status: {status:?}"
    );
    assert!(
        !status.contains(&down),
        "the page saw the address: {status:?}"
    );

    // The relay still serves: echo works, and malformed hex is caught in the page.
    browser.connect_to("echo").await;
    browser.choose_option("#mode", "hex").await;
    let composer = page.find(Locator::Css("#composer")).await.unwrap();
    composer.send_keys("48 69 0").await.unwrap();
    page.find(Locator::Css("#send"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let error = browser.wait_for_text("#composer-error", "hex").await;
    assert!(!error.is_empty());
    assert!(page
        .find_all(Locator::Css(".entry[data-dir='out']"))
        .await
        .unwrap()
        .is_empty());

    composer.clear().await.unwrap();
    composer.send_keys("48 69 0a").await.unwrap();
    page.find(Locator::Css("#send"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    browser
        .wait_for_text(".entry[data-dir='in'] .hex", "48 69 0a")
        .await;
    browser.close().await;
}

#[tokio::test]
async fn presets_speak_real_redis_and_irc() {
    let (_redis, redis_addr) = start_redis().await;
    let (_ircd, irc_addr, _conf) = start_ngircd().await;
    let relay = relay_serving_page(&[("redis", redis_addr), ("irc", irc_addr)]).await;
    let browser = Browser::open(relay.addr).await;
    let page = &browser.client;

    // RESP, sent as hex bytes: *1 $4 PING.
    browser.connect_to("redis").await;
    send_preset(&browser, "Redis RESP").await;
    browser.log_shows("in", "+PONG").await;
    page.find(Locator::Css("#disconnect"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    browser.wait_for("#status[data-state='closed']").await;

    // IRC registration: the server answers with numeric 001, the welcome.
    browser.connect_to("irc").await;
    send_preset(&browser, "IRC NICK/USER").await;
    let welcome = browser.log_shows("in", " 001 wsplay").await;
    assert!(welcome.contains("Welcome"), "{welcome}");
    browser.close().await;
}

#[tokio::test]
async fn saved_messages_survive_a_reload_and_can_be_deleted() {
    let (echo, _stop) = common::start_echo().await;
    let relay = relay_serving_page(&[("echo", echo)]).await;
    let browser = Browser::open(relay.addr).await;
    let page = &browser.client;

    browser.wait_for("#composer").await;
    page.find(Locator::Css("#composer"))
        .await
        .unwrap()
        .send_keys("hello saved")
        .await
        .unwrap();
    browser.choose_option("#eol", "lf").await;
    page.find(Locator::Css("#saved-name"))
        .await
        .unwrap()
        .send_keys("greeting")
        .await
        .unwrap();
    page.find(Locator::Css("#save-message"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    browser.wait_for(".saved-item[data-name='greeting']").await;

    // Kept in the browser: still there after a reload, and it fills the composer.
    page.refresh().await.unwrap();
    browser
        .wait_for(".saved-item[data-name='greeting'] .use-saved")
        .await;
    page.find(Locator::Css(".saved-item[data-name='greeting'] .use-saved"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let text = page
        .find(Locator::Css("#composer"))
        .await
        .unwrap()
        .prop("value")
        .await
        .unwrap();
    assert_eq!(text.as_deref(), Some("hello saved"));
    let eol = page
        .find(Locator::Css("#eol"))
        .await
        .unwrap()
        .prop("value")
        .await
        .unwrap();
    assert_eq!(eol.as_deref(), Some("lf"));

    // Using it sends those bytes through the relay.
    browser.connect_to("echo").await;
    page.find(Locator::Css("#send"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    browser.log_shows("in", "hello saved\\n").await;

    page.find(Locator::Css(
        ".saved-item[data-name='greeting'] .delete-saved",
    ))
    .await
    .unwrap()
    .click()
    .await
    .unwrap();
    page.refresh().await.unwrap();
    browser.wait_for("#saved-name").await;
    assert!(
        page.find_all(Locator::Css(".saved-item"))
            .await
            .unwrap()
            .is_empty(),
        "deleted message came back"
    );
    browser.close().await;
}

/// Widths of what the page lays out, measured in the browser.
async fn widths(browser: &Browser, script: &str) -> Vec<f64> {
    let value = browser.client.execute(script, vec![]).await.unwrap();
    value
        .as_array()
        .expect("an array of widths")
        .iter()
        .map(|v| v.as_f64().unwrap())
        .collect()
}

/// On a 390 px phone nothing sticks out sideways, and the layer diagram's
/// two stacks are equally wide on a desktop.
#[tokio::test]
async fn the_page_fits_a_phone_and_its_layer_columns_are_equal() {
    let relay = relay_serving_page(&[]).await;
    let browser = Browser::open(relay.addr).await;
    // The last section is built after the first render.
    browser.wait_for("#layers .stack.web-page").await;

    browser.client.set_window_size(1280, 900).await.unwrap();
    let stacks = widths(
        &browser,
        "return [...document.querySelectorAll('#layers .stack')].map(e => e.getBoundingClientRect().width)",
    )
    .await;
    assert_eq!(stacks.len(), 2);
    assert!((stacks[0] - stacks[1]).abs() < 1.0, "stacks {stacks:?}");

    browser.client.set_window_size(390, 844).await.unwrap();
    let script =
        "return [document.documentElement.clientWidth, document.documentElement.scrollWidth]";
    let mut seen = Vec::new();
    for _ in 0..50 {
        seen = widths(&browser, script).await;
        if seen[0] <= 400.0 {
            break; // the window has shrunk
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let (viewport, content) = (seen[0], seen[1]);
    assert!(viewport <= 400.0, "the window did not shrink: {seen:?}");
    assert!(
        content <= viewport,
        "the page is {content} px wide on a {viewport} px screen"
    );
    browser.close().await;
}
