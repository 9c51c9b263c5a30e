//! The first screen is in the HTML (`frontend/src/shell.rs`): a real Chromium
//! shows the heading and the question, in the visitor's language, before the
//! wasm has run, and the app then takes their place without duplicating them.

mod browser;
mod common;

use std::path::Path;

use browser::Browser;
use common::TestRelay;
use serde_json::Value;

/// A relay serving `dist`.
async fn relay_serving(dist: &Path) -> TestRelay {
    TestRelay::start_with(relay::Config {
        dist_dir: Some(dist.to_owned()),
        ..Default::default()
    })
    .await
}

/// The built page without its wasm: what a visitor sees until it arrives.
fn page_without_wasm() -> tempfile::TempDir {
    let copy = tempfile::tempdir().unwrap();
    let mut removed = 0;
    for entry in std::fs::read_dir(browser::built_page()).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_str().unwrap().to_owned();
        if name.ends_with(".wasm") {
            removed += 1;
        } else {
            std::fs::copy(&path, copy.path().join(&name)).unwrap();
        }
    }
    assert_eq!(removed, 1, "the built page has one wasm file");
    copy
}

async fn eval(browser: &Browser, script: &str) -> Value {
    browser.client.execute(script, vec![]).await.unwrap()
}

/// The heading, question, `<html lang>`, title, and how many `h1` and
/// `#lang-zh` the document has.
async fn first_screen(browser: &Browser) -> Value {
    eval(
        browser,
        "return [document.querySelector('h1')?.textContent, \
         document.querySelector('#question-title')?.textContent, \
         document.documentElement.lang, document.title, \
         document.querySelectorAll('h1').length, \
         document.querySelectorAll('#lang-zh').length, \
         !!document.getElementById('shell')];",
    )
    .await
}

async fn choose_chinese_and_reload(browser: &Browser) {
    eval(
        browser,
        "localStorage.setItem('playground.lang', 'zh-CN'); location.reload(); return null;",
    )
    .await;
}

#[tokio::test]
async fn the_first_screen_is_painted_before_the_wasm_in_both_languages() {
    let dist = page_without_wasm();
    let relay = relay_serving(dist.path()).await;
    let browser = Browser::open(relay.addr).await;

    browser.wait_for("#shell #question-title").await;
    let en = first_screen(&browser).await;
    assert_eq!(
        en,
        serde_json::json!([
            "Socket vs WebSocket playground",
            "Can a web page open a TCP socket?",
            "en",
            "Socket vs WebSocket playground",
            1,
            1,
            true
        ])
    );

    choose_chinese_and_reload(&browser).await;
    browser.wait_for_text("#shell h1", "实验场").await;
    let zh = first_screen(&browser).await;
    assert_eq!(
        zh,
        serde_json::json!([
            "Socket 与 WebSocket 实验场",
            "网页能打开 TCP 套接字吗？",
            "zh-CN",
            "Socket 与 WebSocket 实验场",
            1,
            1,
            true
        ])
    );
    browser.close().await;
}

#[tokio::test]
async fn the_app_takes_the_first_screens_place() {
    let relay = relay_serving(&browser::built_page()).await;
    let browser = Browser::open(relay.addr).await;

    // The experiments exist only once the app runs.
    browser.wait_for("#experiments").await;
    let en = first_screen(&browser).await;
    assert_eq!(en[0], "Socket vs WebSocket playground");
    assert_eq!(
        en.as_array().unwrap()[4..],
        serde_json::json!([1, 1, false]).as_array().unwrap()[..],
        "{en}"
    );
    assert_eq!(
        eval(&browser, "return !!document.getElementById('shell-zh');").await,
        false
    );

    choose_chinese_and_reload(&browser).await;
    browser.wait_for_text("#experiments h2", "实验").await;
    let zh = first_screen(&browser).await;
    assert_eq!(zh[0], "Socket 与 WebSocket 实验场");
    assert_eq!(zh[2], "zh-CN");
    assert_eq!(
        zh.as_array().unwrap()[4..],
        serde_json::json!([1, 1, false]).as_array().unwrap()[..],
        "{zh}"
    );
    browser.close().await;
}
