//! End to end: the console's log tools in a real Chromium, on messages that
//! went through the relay to a TCP echo service and back: the binary badge,
//! the direction filter, the search (count, marks, jumps, an invalid regular
//! expression), both exports (the downloaded file's content, read from the
//! Blob the page made), Copy hex (what reached the clipboard), and Resend,
//! over the open session and into the composer; in English and Chinese.

mod browser;
mod common;

use browser::Browser;
use common::TestRelay;
use fantoccini::Locator;
use serde_json::Value;

/// Wraps `URL.createObjectURL` and `navigator.clipboard.writeText` so the
/// test can read what the page offered for download and what it copied; both
/// still do what they did.
const RECORD: &str = r"
window.__blobs = [];
window.__copied = [];
const createObjectURL = URL.createObjectURL.bind(URL);
URL.createObjectURL = (blob) => { window.__blobs.push(blob); return createObjectURL(blob); };
const writeText = navigator.clipboard.writeText.bind(navigator.clipboard);
navigator.clipboard.writeText = (text) => { window.__copied.push(text); return writeText(text); };
";

/// The text of the newest Blob the page made.
async fn last_download(browser: &Browser) -> String {
    let script = "const done = arguments[arguments.length - 1];\
                  window.__blobs[window.__blobs.length - 1].text().then(done, e => done('ERR ' + e));";
    let value = browser.client.execute_async(script, vec![]).await.unwrap();
    value.as_str().expect("the blob's text").to_owned()
}

async fn eval(browser: &Browser, script: &str) -> Value {
    browser.client.execute(script, vec![]).await.unwrap()
}

async fn count(browser: &Browser, css: &str) -> usize {
    browser
        .client
        .find_all(Locator::Css(css))
        .await
        .unwrap_or_default()
        .len()
}

/// Types `text` into the composer (emptied first) and presses Send.
async fn send(browser: &Browser, text: &str) {
    let composer = browser
        .client
        .find(Locator::Css("#composer"))
        .await
        .unwrap();
    composer.clear().await.unwrap();
    composer.send_keys(text).await.unwrap();
    browser.click("#send").await;
    browser.log_shows("in", text).await;
}

/// Sets the search field to `text` (emptied first).
async fn search(browser: &Browser, text: &str) {
    let field = browser
        .client
        .find(Locator::Css("#log-search"))
        .await
        .unwrap();
    field.clear().await.unwrap();
    field.send_keys(text).await.unwrap();
}

#[tokio::test]
async fn the_console_filters_searches_exports_copies_and_resends() {
    let (echo, _stop) = common::start_echo().await;
    let relay = TestRelay::start_with(relay::Config {
        dist_dir: Some(browser::built_page()),
        targets: {
            let mut config = relay::Config::default();
            common::add_target(&mut config, "echo", &echo);
            config.targets
        },
        ..Default::default()
    })
    .await;
    let browser = Browser::open(relay.addr).await;
    eval(&browser, RECORD).await;

    browser.connect_to("echo").await;
    browser.choose_option("#mode", "text").await;
    browser.choose_option("#eol", "none").await;
    send(&browser, "PING").await;
    send(&browser, "hello").await;

    // The relay sends what TCP says as binary frames: those wear the badge.
    let badge = browser.text_of(".entry[data-dir='in'] .frame.binary").await;
    assert_eq!(badge, "BINARY", "the badge (uppercase by CSS)");
    assert_eq!(
        count(&browser, ".entry[data-dir='out'] .frame.binary").await,
        0
    );
    let backgrounds = eval(
        &browser,
        "return ['in', 'out'].map(d => getComputedStyle(document.querySelector(\
         `.entry[data-dir='${d}'] .frame`)).backgroundColor)",
    )
    .await;
    assert_ne!(
        backgrounds[0], backgrounds[1],
        "binary looks like text: {backgrounds}"
    );

    // Direction filter.
    browser.click("#show-received").await;
    assert_eq!(count(&browser, ".entry[data-dir='in']").await, 0);
    assert_eq!(count(&browser, ".entry[data-dir='out']").await, 2);
    browser.click("#show-received").await;
    assert_eq!(count(&browser, ".entry[data-dir='in']").await, 2);

    // Search: both hellos match; Enter moves to the first.
    search(&browser, "HEL").await;
    browser.wait_for_text("#match-count", "2 matches").await;
    assert_eq!(browser.text_of(".entry mark").await, "hel");
    browser
        .client
        .find(Locator::Css("#log-search"))
        .await
        .unwrap()
        .send_keys("\u{E007}") // Enter
        .await
        .unwrap();
    browser
        .wait_for_text("#match-count", "1 of 2 matches")
        .await;
    assert!(browser
        .text_of(".entry.current .text")
        .await
        .contains("hello"));

    // A broken regular expression says so; nothing is filtered away.
    browser.click("#search-regex").await;
    search(&browser, "hel(").await;
    let error = browser
        .wait_for_text("#log-search-error", "Invalid regular expression")
        .await;
    assert!(error.contains("not filtered"), "{error}");
    assert_eq!(count(&browser, ".entry[data-dir='in']").await, 2);
    search(&browser, "^h.l+o$").await;
    browser.click("#search-only").await;
    browser.wait_for_text("#match-count", "2 matches").await;
    assert_eq!(
        count(&browser, ".entry[data-dir='in'], .entry[data-dir='out']").await,
        2
    );

    // Export what is shown: the two hellos.
    browser.click("#export-text").await;
    browser
        .wait_for_text("#log-notice", "Exported 2 entries as text.")
        .await;
    let text = last_download(&browser).await;
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 4, "{text}");
    assert!(lines[0].ends_with("→ [text, 5 bytes] hello"), "{text}");
    assert!(lines[2].ends_with("← [binary, 5 bytes] hello"), "{text}");
    assert_eq!(lines[3], "    68 65 6c 6c 6f");
    browser.click("#export-json").await;
    browser
        .wait_for_text("#log-notice", "Exported 2 entries as JSON.")
        .await;
    let json: Value = serde_json::from_str(&last_download(&browser).await).unwrap();
    assert_eq!(json[0]["dir"], "out");
    assert_eq!(json[0]["frame"], "text");
    assert_eq!(json[1]["dir"], "in");
    assert_eq!(json[1]["frame"], "binary");
    assert_eq!(json[1]["text"], "hello");
    assert_eq!(json[1]["hex"], "68 65 6c 6c 6f");
    assert_eq!(json.as_array().map(Vec::len), Some(2));

    // Copy hex of the echoed hello.
    browser
        .click(".entry[data-dir='in'] button[data-action='copy-hex']")
        .await;
    browser
        .wait_for_text("#log-notice", "Copied 5 bytes as hex.")
        .await;
    let copied = eval(&browser, "return window.__copied").await;
    assert_eq!(copied, serde_json::json!(["68 65 6c 6c 6f"]));

    // Resend the sent hello over the open session: it goes out and comes back.
    browser.click("#search-only").await; // show everything again
    let outs = count(&browser, ".entry[data-dir='out']").await;
    browser
        .click(".entry[data-dir='out'][data-frame='text'] button[data-action='resend']")
        .await;
    browser.wait_for_text("#log-notice", "Sent again.").await;
    let end = tokio::time::Instant::now() + std::time::Duration::from_secs(10);
    while count(&browser, ".entry[data-dir='out']").await == outs {
        assert!(
            tokio::time::Instant::now() < end,
            "the resent message is not in the log"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let texts = eval(
        &browser,
        "return [...document.querySelectorAll(\".entry[data-dir='out'] .text\")].map(e => e.textContent)",
    )
    .await;
    assert_eq!(
        texts,
        serde_json::json!(["PING", "hello", "PING"]),
        "the first out entry (PING) was resent"
    );

    // In Chinese; then Resend with no session puts the message in the composer.
    browser.click("#lang-zh").await;
    browser
        .wait_for_text(".entry[data-dir='in'] .frame.binary", "二进制")
        .await;
    browser.wait_for_text("#match-count", "个匹配").await;
    browser
        .click(".entry[data-dir='in'] button[data-action='copy-hex']")
        .await;
    browser
        .wait_for_text("#log-notice", "已复制 4 个字节的十六进制。")
        .await;
    browser.click("#export-text").await;
    browser.wait_for_text("#log-notice", "已导出").await;
    assert!(last_download(&browser).await.contains("[二进制, "));

    browser.click("#disconnect").await;
    browser.wait_for("#status[data-state='closed']").await;
    browser
        .click(".entry[data-dir='in'] button[data-action='resend']")
        .await;
    browser.wait_for_text("#log-notice", "已放进编辑框").await;
    let composer = eval(&browser, "return document.querySelector('#composer').value").await;
    assert_eq!(
        composer, "50 49 4e 47",
        "the echoed PING, as hex (it came back binary)"
    );
    assert_eq!(
        eval(&browser, "return document.querySelector('#mode').value").await,
        "hex"
    );
    browser.close().await;
}
