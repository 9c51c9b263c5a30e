//! Headless Chromium through ChromeDriver, and the relay binary: processes
//! killed when their guards drop, so an error leaves nothing running.

use std::{
    path::Path,
    process::{Child, Command, Stdio},
    time::Duration,
};

use anyhow::{bail, Context};
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::Value;

/// How long a started process may take to accept connections, and the page
/// to show something.
const READY_TIMEOUT: Duration = Duration::from_secs(30);

/// A child process, killed and reaped on drop.
pub struct ChildGuard {
    name: &'static str,
    child: Child,
}

impl ChildGuard {
    /// Starts `program args` with output discarded and waits until it
    /// accepts connections on 127.0.0.1:`port`.
    pub async fn start(
        name: &'static str,
        program: &Path,
        args: &[String],
        port: u16,
    ) -> anyhow::Result<Self> {
        let child = Command::new(program)
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .with_context(|| format!("cannot start {name} ({})", program.display()))?;
        let guard = Self { name, child };
        let end = tokio::time::Instant::now() + READY_TIMEOUT;
        while tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_err()
        {
            if tokio::time::Instant::now() > end {
                bail!("{name} did not listen on port {port} within {READY_TIMEOUT:?}");
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        Ok(guard)
    }
}

impl ChildGuard {
    /// The process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for ChildGuard {
    fn drop(&mut self) {
        if let Err(err) = self.child.kill() {
            eprintln!("cannot kill {}: {err}", self.name);
        }
        let _reaped = self.child.wait();
    }
}

/// A free loopback port (bound, read, released).
pub fn free_port() -> anyhow::Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}

/// A WebDriver session in a fresh headless Chromium.
pub struct Browser {
    /// The session.
    pub client: Client,
    _user_data: TempDir,
    driver: ChildGuard,
}

impl Browser {
    /// Starts `chromedriver` and a headless `chromium` with a window of
    /// `width` × `height` CSS pixels.
    pub async fn start(
        chromedriver: &Path,
        chromium: &Path,
        width: u32,
        height: u32,
    ) -> anyhow::Result<Self> {
        let port = free_port()?;
        let driver = ChildGuard::start(
            "chromedriver",
            chromedriver,
            &[format!("--port={port}")],
            port,
        )
        .await?;
        let user_data = TempDir::new()?;
        // The flags TOOLCHAIN.md lists for this closed network.
        let args = [
            "--headless".to_owned(),
            "--no-sandbox".into(),
            "--disable-gpu".into(),
            "--disable-dev-shm-usage".into(),
            "--disable-quic".into(),
            "--no-first-run".into(),
            "--disable-background-networking".into(),
            "--disable-component-update".into(),
            "--disable-sync".into(),
            format!("--window-size={width},{height}"),
            format!("--user-data-dir={}", user_data.0.display()),
        ];
        let mut caps = serde_json::Map::new();
        caps.insert(
            "goog:chromeOptions".into(),
            serde_json::json!({ "args": args, "binary": chromium }),
        );
        let client = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(caps)
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
            .context("cannot open a ChromeDriver session")?;
        Ok(Self {
            client,
            _user_data: user_data,
            driver,
        })
    }

    /// ChromeDriver's process id (Chromium runs below it).
    pub fn driver_pid(&self) -> u32 {
        self.driver.pid()
    }

    /// Waits for an element matching `css`.
    pub async fn wait_for(&self, css: &str) -> anyhow::Result<()> {
        self.client
            .wait()
            .at_most(READY_TIMEOUT)
            .for_element(Locator::Css(css))
            .await
            .with_context(|| format!("the page showed no {css} within {READY_TIMEOUT:?}"))?;
        Ok(())
    }

    /// Clicks the element matching `css`, once it is there.
    pub async fn click(&self, css: &str) -> anyhow::Result<()> {
        self.wait_for(css).await?;
        self.client.find(Locator::Css(css)).await?.click().await?;
        Ok(())
    }

    /// Runs the in-page probe (probe.js) with `command`.
    pub async fn probe(&self, command: &str) -> anyhow::Result<Value> {
        self.client
            .execute(include_str!("probe.js"), vec![command.into()])
            .await
            .with_context(|| format!("the page probe failed ({command})"))
    }

    /// Ends the session and closes Chromium.
    pub async fn close(self) {
        if let Err(err) = self.client.close().await {
            eprintln!("closing the browser session: {err}");
        }
    }
}

/// A directory for Chromium's profile, removed on drop.
struct TempDir(std::path::PathBuf);

impl TempDir {
    fn new() -> anyhow::Result<Self> {
        let path = std::env::temp_dir().join(format!(
            "wsload-chromium-{}-{}",
            std::process::id(),
            free_port()?
        ));
        std::fs::create_dir_all(&path)
            .with_context(|| format!("cannot create {}", path.display()))?;
        Ok(Self(path))
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        if let Err(err) = std::fs::remove_dir_all(&self.0) {
            eprintln!("cannot remove {}: {err}", self.0.display());
        }
    }
}
