//! `wsload page`: the playground page under load, in headless Chromium.
//!
//! The real page, served by the real relay binary, connects to `flood`, a TCP
//! service of ours behind the relay ([`flood`]), with the page's wire tap on:
//! every line the service sends becomes a message in the log and a frame in
//! the frame inspector and the side-by-side timeline. The flood fills those
//! views to `--entries`; then the page is watched for a window with no
//! traffic and for one with `--rate` lines/s arriving, recording every
//! `requestAnimationFrame` and every long task in the page (probe.js).
//!
//! Nothing here is asserted: the numbers go into the bench report.

mod browser;
pub mod cpu;
pub mod flood;
pub mod frames;

use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::cli::PageArgs;
use browser::{free_port, Browser, ChildGuard};
use cpu::{CpuMeter, WindowCpu};
use flood::Flood;
use frames::FrameStats;

/// How often the fill phase looks at the page's counts.
const FILL_POLL: Duration = Duration::from_millis(500);
/// The page has caught up once its counts stay still this long.
const SETTLED: Duration = Duration::from_millis(1_500);
/// Longest wait for the page to catch up after the flood stops.
const SETTLE_TIMEOUT: Duration = Duration::from_secs(120);

/// What the page shows: entries in each growing view.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    /// Message log entries (all of them, shown or not).
    pub log: u64,
    /// Rows of the frame inspector.
    pub frames: u64,
    /// Rows of the side-by-side timeline.
    pub timeline: u64,
}

/// One watched window.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Window {
    /// Its length, seconds.
    pub secs: f64,
    /// Lines per second the flood service sent.
    pub offered_lines_per_s: f64,
    /// Log entries per second the page added (one per WebSocket message).
    pub messages_per_s: f64,
    /// Frame inspector rows per second the page added.
    pub frame_rows_per_s: f64,
    /// Frame times; `None` if the page drew fewer than two frames.
    pub frames: Option<FrameStats>,
    /// Long tasks (≥ 50 ms on the main thread) seen.
    pub long_tasks: usize,
    /// Their total duration, ms.
    pub long_task_ms: f64,
    /// What the page showed at the end.
    pub counts_after: Counts,
    /// CPU use of Chromium, the relay, the flood and the machine meanwhile
    /// (absent from records written before it was measured).
    #[serde(default)]
    pub cpu: Option<WindowCpu>,
}

/// The result of `wsload page`, one JSON object.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PageRecord {
    /// Entries each view was to be filled to.
    pub entries_wanted: u64,
    /// Lines per second during the load window.
    pub rate_wanted: u64,
    /// The browser window, CSS pixels.
    pub viewport: (u32, u32),
    /// Seconds the fill took (until the page caught up).
    pub fill_secs: f64,
    /// What the page showed when filled.
    pub filled: Counts,
    /// No traffic.
    pub idle: Window,
    /// `rate_wanted` lines/s arriving.
    pub load: Window,
    /// Seconds the page took to show everything after the load window's flood
    /// stopped (its backlog); `None` if it had not caught up after two minutes.
    pub catch_up_secs: Option<f64>,
}

/// Runs the whole measurement.
pub async fn run(args: &PageArgs) -> anyhow::Result<PageRecord> {
    let flood = Flood::start().context("cannot start the flood service")?;
    let port = free_port()?;
    let mut relay_args = vec![
        "--listen".to_owned(),
        format!("127.0.0.1:{port}"),
        "--no-echo".into(),
        "--no-scenarios".into(),
        // The lab stays on (the page opens its wire tap only when the lab
        // offers one), on a free port.
        "--recorder-listen".into(),
        "127.0.0.1:0".into(),
        "--lossy-listen".into(),
        "127.0.0.1:0".into(),
        "--target".into(),
        format!("flood={}", flood.addr()),
    ];
    if let Some(dist) = &args.dist {
        relay_args.extend(["--dist".into(), dist.display().to_string()]);
    }
    let relay = ChildGuard::start("relay", &args.relay, &relay_args, port).await?;
    let browser =
        Browser::start(&args.chromedriver, &args.chromium, args.width, args.height).await?;
    let result = measure(&browser, &flood, port, relay.pid(), args).await;
    browser.close().await;
    result
}

async fn measure(
    browser: &Browser,
    flood: &Flood,
    port: u16,
    relay_pid: u32,
    args: &PageArgs,
) -> anyhow::Result<PageRecord> {
    browser
        .client
        .goto(&format!("http://127.0.0.1:{port}/"))
        .await?;
    browser.wait_for("#tap-status[data-link='ready']").await?;
    browser.wait_for("#target option[value='flood']").await?;
    browser.click("#target option[value='flood']").await?;
    browser.click("#connect").await?;
    browser.wait_for("#status[data-state='open']").await?;
    // The console (log) at the top of the window, the wire views below it.
    browser
        .client
        .execute(
            "document.getElementById('console').scrollIntoView()",
            vec![],
        )
        .await?;

    eprintln!(
        "page: filling the views to {} entries at {} lines/s",
        args.entries, args.fill_rate
    );
    let started = Instant::now();
    flood.set_rate(args.fill_rate);
    let deadline = started + Duration::from_secs_f64(args.fill_timeout_secs);
    loop {
        let counts = counts(browser).await?;
        if counts.log >= args.entries && counts.frames >= args.entries {
            break;
        }
        if Instant::now() > deadline {
            bail!(
                "the page showed {counts:?} after {:.0} s of filling",
                args.fill_timeout_secs
            );
        }
        tokio::time::sleep(FILL_POLL).await;
    }
    flood.set_rate(0);
    let (filled, _) = settle(browser).await?;
    let fill_secs = started.elapsed().as_secs_f64();
    eprintln!("page: filled in {fill_secs:.1} s: {filled:?}");

    let idle = watch(browser, flood, relay_pid, 0, args.idle_secs).await?;
    eprintln!("page: idle window {:?} {:?}", idle.frames, idle.cpu);
    let load = watch(browser, flood, relay_pid, args.rate, args.secs).await?;
    eprintln!("page: load window {:?} {:?}", load.frames, load.cpu);
    let catch_up_secs = settle(browser).await.ok().map(|(_, secs)| secs);
    Ok(PageRecord {
        entries_wanted: args.entries,
        rate_wanted: args.rate,
        viewport: (args.width, args.height),
        fill_secs,
        filled,
        idle,
        load,
        catch_up_secs,
    })
}

/// Watches the page for `secs` with the flood at `rate` (then pauses it),
/// measuring the CPU use of every process involved meanwhile.
async fn watch(
    browser: &Browser,
    flood: &Flood,
    relay_pid: u32,
    rate: u64,
    secs: f64,
) -> anyhow::Result<Window> {
    let before = counts(browser).await?;
    let sent_before = flood.sent();
    browser.probe("start").await?;
    let started = Instant::now();
    let meter = CpuMeter::start(browser.driver_pid(), relay_pid);
    flood.set_rate(rate);
    // No WebDriver calls in between: each one is work on the page's thread.
    tokio::time::sleep(Duration::from_secs_f64(secs)).await;
    let cpu = meter.stop();
    let recorded = browser.probe("stop").await?;
    let elapsed = started.elapsed().as_secs_f64();
    let sent = flood.sent() - sent_before;
    let after = counts(browser).await?;
    flood.set_rate(0);
    let times = numbers(&recorded["times"]);
    let long = numbers(&recorded["long"]);
    Ok(Window {
        secs: elapsed,
        offered_lines_per_s: sent as f64 / elapsed,
        messages_per_s: after.log.saturating_sub(before.log) as f64 / elapsed,
        frame_rows_per_s: after.frames.saturating_sub(before.frames) as f64 / elapsed,
        frames: FrameStats::of(&times),
        long_tasks: long.len(),
        long_task_ms: long.iter().fold(0.0, |sum, ms| sum + ms),
        counts_after: after,
        cpu: Some(cpu),
    })
}

/// Waits until the page's counts stop changing; returns them and how long
/// that took (less the time they had to stay still).
async fn settle(browser: &Browser) -> anyhow::Result<(Counts, f64)> {
    let started = Instant::now();
    let mut last = counts(browser).await?;
    let mut still_since = Instant::now();
    loop {
        tokio::time::sleep(Duration::from_millis(250)).await;
        let now = counts(browser).await?;
        if now != last {
            last = now;
            still_since = Instant::now();
        } else if still_since.elapsed() >= SETTLED {
            let secs = still_since.duration_since(started).as_secs_f64();
            return Ok((now, secs));
        }
        if started.elapsed() > SETTLE_TIMEOUT {
            bail!("the page was still catching up after {SETTLE_TIMEOUT:?}: {now:?}");
        }
    }
}

async fn counts(browser: &Browser) -> anyhow::Result<Counts> {
    let value = browser.probe("counts").await?;
    serde_json::from_value(value).context("the page's counts")
}

fn numbers(value: &Value) -> Vec<f64> {
    value
        .as_array()
        .map(|items| items.iter().filter_map(Value::as_f64).collect())
        .unwrap_or_default()
}
