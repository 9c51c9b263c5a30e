//! A headless Chromium for end-to-end tests, driven through ChromeDriver on a
//! free port. ChromeDriver is killed when the browser drops.

#![allow(dead_code)] // shared by several test binaries, each using a part

use std::time::Duration;

use fantoccini::{Client, ClientBuilder, Locator};

use super::common::daemons::{self, Daemon};

/// Waits until something accepts TCP connections at `address`.
pub async fn wait_for_port(address: &str, deadline: Duration) {
    let end = tokio::time::Instant::now() + deadline;
    while tokio::net::TcpStream::connect(address).await.is_err() {
        assert!(
            tokio::time::Instant::now() < end,
            "nothing listens on {address}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// How long the page gets to show something.
const UI_DEADLINE: Duration = Duration::from_secs(20);

/// The page Trunk built, in `dist/`: panics with how to build it if it is
/// missing.
pub fn built_page() -> std::path::PathBuf {
    let dist = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../dist");
    assert!(
        dist.join("index.html").is_file(),
        "no built page in {}: run `trunk build --release` (cargo xtask test does)",
        dist.display()
    );
    dist
}

/// A ChromeDriver process and a session in a fresh headless Chromium.
pub struct Browser {
    pub client: Client,
    _user_data: tempfile::TempDir,
    _driver: Daemon,
}

impl Browser {
    /// A browser showing the page `addr` serves.
    pub async fn open(addr: std::net::SocketAddr) -> Self {
        let browser = Self::start().await;
        browser
            .client
            .goto(&format!("http://{addr}/"))
            .await
            .unwrap();
        browser
    }

    pub async fn start() -> Self {
        Self::start_with(&[]).await
    }

    /// A browser started with `extra` command-line flags besides the usual ones.
    pub async fn start_with(extra: &[&str]) -> Self {
        let port = super::common::closed_port();
        let program = std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "chromedriver".into());
        let driver = daemons::spawn(&program, &[&format!("--port={port}")], "chromium-driver");
        wait_for_port(&format!("127.0.0.1:{port}"), Duration::from_secs(20)).await;

        let user_data = tempfile::tempdir().unwrap();
        let user_data_flag = format!("--user-data-dir={}", user_data.path().display());
        let mut args = vec![
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--window-size=1280,900",
            &user_data_flag,
        ];
        args.extend_from_slice(extra);
        let mut caps = serde_json::Map::new();
        caps.insert(
            "goog:chromeOptions".into(),
            serde_json::json!({ "args": args, "binary": chromium_binary() }),
        );
        let client = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(caps)
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
            .expect("a ChromeDriver session");
        Self {
            client,
            _user_data: user_data,
            _driver: driver,
        }
    }

    /// Waits for an element matching `css`.
    pub async fn wait_for(&self, css: &str) {
        if let Err(err) = self
            .client
            .wait()
            .at_most(UI_DEADLINE)
            .for_element(Locator::Css(css))
            .await
        {
            let body = self.body_text().await;
            panic!("no {css} after {UI_DEADLINE:?} ({err}); page shows:\n{body}");
        }
    }

    /// Waits until some element matching `css` has text containing `needle`; returns it.
    pub async fn wait_for_text(&self, css: &str, needle: &str) -> String {
        let end = tokio::time::Instant::now() + UI_DEADLINE;
        loop {
            for element in self
                .client
                .find_all(Locator::Css(css))
                .await
                .unwrap_or_default()
            {
                if let Ok(text) = element.text().await {
                    if text.contains(needle) {
                        return text;
                    }
                }
            }
            if tokio::time::Instant::now() > end {
                let body = self.body_text().await;
                panic!("no {css} containing {needle:?} after {UI_DEADLINE:?}; page shows:\n{body}");
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Presses experiment `id`'s Run button and waits for its outcome
    /// (`data-outcome` of its result).
    pub async fn run_experiment(&self, id: &str) -> String {
        self.click(&format!("#{id} button.run:not([disabled])"))
            .await;
        let done = format!("#{id} .result:not([data-outcome='pending'])");
        self.wait_for(&done).await;
        self.attrs_of(&done, "data-outcome")
            .await
            .pop()
            .unwrap_or_default()
    }

    /// Waits until the console's log has an entry going `dir` (`in`, `out`
    /// or `sys`) whose text contains `needle`; returns that text.
    pub async fn log_shows(&self, dir: &str, needle: &str) -> String {
        let css = format!(".entry[data-dir='{dir}'] .text");
        self.wait_for_text(&css, needle).await
    }

    /// Picks `value` in the `<select>` matching `css`.
    pub async fn choose_option(&self, css: &str, value: &str) {
        let option = format!("{css} option[value='{value}']");
        self.wait_for(&option).await;
        self.client
            .find(Locator::Css(&option))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
    }

    /// Picks `target` in the console and presses Connect.
    pub async fn start_connect(&self, target: &str) {
        self.choose_target(target).await;
        self.client
            .find(Locator::Css("#connect"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
    }

    /// Picks `target`, presses Connect, and waits until the session is open.
    pub async fn connect_to(&self, target: &str) {
        self.start_connect(target).await;
        self.wait_for("#status[data-state='open']").await;
    }

    /// Picks a target in the target list (which the page fetches from the relay).
    pub async fn choose_target(&self, name: &str) {
        self.choose_option("#target", name).await;
    }

    async fn body_text(&self) -> String {
        match self.client.find(Locator::Css("body")).await {
            Ok(body) => body.text().await.unwrap_or_default(),
            Err(err) => format!("<no body: {err}>"),
        }
    }

    /// Text of the first element matching `css` (waits for it).
    pub async fn text_of(&self, css: &str) -> String {
        self.wait_for(css).await;
        self.client
            .find(Locator::Css(css))
            .await
            .unwrap()
            .text()
            .await
            .unwrap_or_default()
    }

    /// Attribute `name` of every element matching `css`.
    pub async fn attrs_of(&self, css: &str, name: &str) -> Vec<String> {
        let mut out = Vec::new();
        for element in self
            .client
            .find_all(Locator::Css(css))
            .await
            .unwrap_or_default()
        {
            if let Ok(Some(value)) = element.attr(name).await {
                out.push(value);
            }
        }
        out
    }

    /// Clicks the first element matching `css` (waits for it).
    pub async fn click(&self, css: &str) {
        self.wait_for(css).await;
        self.client
            .find(Locator::Css(css))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
    }

    /// Saves a PNG of the whole page as `name` in the directory the
    /// environment variable `dir_var` names; does nothing when it is unset.
    pub async fn screenshot_to(&self, dir_var: &str, name: &str) {
        if let Ok(dir) = std::env::var(dir_var) {
            self.save_full_screenshot(&std::path::Path::new(&dir).join(name))
                .await;
        }
    }

    /// Saves a PNG of the whole page (the window is made as tall as the
    /// page first) to `path`.
    pub async fn save_full_screenshot(&self, path: &std::path::Path) {
        let height = self
            .client
            .execute("return document.documentElement.scrollHeight", vec![])
            .await
            .ok()
            .and_then(|v| v.as_u64())
            .unwrap_or(900);
        let height = u32::try_from(height.clamp(900, 12_000)).unwrap_or(900);
        if let Err(err) = self.client.set_window_size(1280, height + 120).await {
            eprintln!("cannot resize the window: {err}");
        }
        match self.client.screenshot().await {
            Ok(png) => std::fs::write(path, png).expect("write the screenshot"),
            Err(err) => eprintln!("no screenshot: {err}"),
        }
    }

    pub async fn close(self) {
        if let Err(err) = self.client.close().await {
            eprintln!("closing the browser session: {err}");
        }
    }
}

fn chromium_binary() -> String {
    for candidate in [
        "/usr/bin/chromium",
        "/usr/bin/chromium-browser",
        "/usr/bin/google-chrome",
    ] {
        if std::path::Path::new(candidate).exists() {
            return candidate.to_owned();
        }
    }
    "chromium".to_owned()
}
