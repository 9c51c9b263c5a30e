//! The quotes panel's state: the same market fed twice, pushed over the
//! WebSocket and polled over HTTP, with what each way costs in bytes and in
//! delay; and the arithmetic that draws the chart.

use std::collections::VecDeque;
use std::rc::Rc;

use protocol::scenarios::quotes::{Quote, QuoteBatch, SYMBOLS};
use yew::Reducible;

/// Prices kept per series for the chart.
pub const SERIES_LEN: usize = 60;

/// How often the polling side asks, in milliseconds.
pub const POLL_INTERVAL_MS: u32 = 1_000;

/// An estimate of the request headers Chromium sends with a same-origin
/// `fetch()` (Host, Connection, User-Agent, Accept, sec-ch-ua*, Sec-Fetch-*,
/// Referer, Accept-Encoding, Accept-Language): the page cannot read them.
pub const REQUEST_HEADERS_ESTIMATE: u64 = 480;

/// The bytes of a polling request for `path`: `GET <path> HTTP/1.1\r\n` and
/// the estimated headers.
pub fn request_bytes(path: &str) -> u64 {
    ("GET ".len() + path.len() + " HTTP/1.1\r\n".len()) as u64 + REQUEST_HEADERS_ESTIMATE
}

/// The bytes of a response: the browser's `transferSize` (headers plus body
/// as sent) where it reports one, else our estimate of the headers plus the
/// body's length.
pub fn response_bytes(transfer_size: Option<u64>, header_estimate: u64, body_len: u64) -> u64 {
    match transfer_size {
        Some(size) if size > 0 => size,
        _ => header_estimate + body_len,
    }
}

/// The status line and headers as they were likely sent: each
/// `name: value\r\n`, after `HTTP/1.1 200 OK\r\n`, and a blank line.
pub fn header_estimate<'a>(
    status_line: &str,
    headers: impl Iterator<Item = (&'a str, &'a str)>,
) -> u64 {
    let fields: usize = headers.map(|(n, v)| n.len() + 2 + v.len() + 2).sum();
    (status_line.len() + 2 + fields + 2) as u64
}

/// One way of getting the quotes, measured.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FeedStats {
    /// Quotes received.
    pub updates: u64,
    /// Bytes on the wire so far, every message or poll counted (empty polls too).
    pub wire_bytes: u64,
    /// Sum of each quote's delay from publication to display.
    pub delay_sum_ms: u64,
}

impl FeedStats {
    /// Bytes on the wire per quote received.
    pub fn bytes_per_update(&self) -> Option<f64> {
        (self.updates > 0).then(|| self.wire_bytes as f64 / self.updates as f64)
    }

    /// Mean delay from publication to display, in milliseconds.
    pub fn mean_delay_ms(&self) -> Option<f64> {
        (self.updates > 0).then(|| self.delay_sum_ms as f64 / self.updates as f64)
    }

    fn count(&mut self, quote: &Quote, shown_ms: u64) {
        self.updates += 1;
        self.delay_sum_ms += shown_ms.saturating_sub(quote.published_ms);
    }
}

/// Recent prices of every symbol, oldest first.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Series {
    prices: Vec<VecDeque<f64>>,
}

impl Series {
    fn push(&mut self, quote: &Quote) {
        let Some(i) = SYMBOLS.iter().position(|s| *s == quote.symbol) else {
            return;
        };
        if self.prices.len() < SYMBOLS.len() {
            self.prices.resize_with(SYMBOLS.len(), VecDeque::new);
        }
        let series = &mut self.prices[i];
        if series.len() == SERIES_LEN {
            series.pop_front();
        }
        series.push_back(quote.price());
    }

    /// The prices of `symbol` (empty for one never quoted).
    pub fn of(&self, symbol: &str) -> Vec<f64> {
        SYMBOLS
            .iter()
            .position(|s| *s == symbol)
            .and_then(|i| self.prices.get(i))
            .map(|s| s.iter().copied().collect())
            .unwrap_or_default()
    }
}

/// What the quotes panel heard.
#[derive(Debug, Clone, PartialEq)]
pub enum QuotesAction {
    /// A WebSocket message of `payload_len` bytes arrived.
    WsMessage {
        /// Its frame header plus payload.
        wire_bytes: u64,
    },
    /// A quote line from the WebSocket, shown at `at_ms`.
    WsQuote {
        /// The quote.
        quote: Quote,
        /// When it was shown.
        at_ms: u64,
    },
    /// A poll came back.
    Polled {
        /// What it carried.
        batch: QuoteBatch,
        /// Request plus response bytes.
        wire_bytes: u64,
        /// When it was shown.
        at_ms: u64,
    },
    /// A poll failed.
    PollFailed(String),
    /// Chart this symbol.
    Choose(&'static str),
    /// Both feeds start again.
    Reset,
}

/// The quotes panel's state.
#[derive(Debug, Clone, PartialEq)]
pub struct Quotes {
    /// The pushed feed.
    pub ws: FeedStats,
    /// The polled feed.
    pub poll: FeedStats,
    /// Prices as pushed.
    pub ws_series: Series,
    /// Prices as polled.
    pub poll_series: Series,
    /// The charted symbol.
    pub symbol: &'static str,
    /// The last price pushed, per symbol.
    pub last: Option<Quote>,
    /// The `since` of the next poll; `None` until the first poll, whose
    /// backlog is not counted (it was published before we looked).
    pub poll_since: Option<u64>,
    /// Why the last poll failed, until one succeeds.
    pub poll_error: Option<String>,
}

impl Default for Quotes {
    fn default() -> Self {
        Self {
            ws: FeedStats::default(),
            poll: FeedStats::default(),
            ws_series: Series::default(),
            poll_series: Series::default(),
            symbol: SYMBOLS[0],
            last: None,
            poll_since: None,
            poll_error: None,
        }
    }
}

impl Quotes {
    /// Applies one action.
    pub fn apply(&mut self, action: QuotesAction) {
        match action {
            QuotesAction::WsMessage { wire_bytes } => self.ws.wire_bytes += wire_bytes,
            QuotesAction::WsQuote { quote, at_ms } => {
                self.ws.count(&quote, at_ms);
                self.ws_series.push(&quote);
                if quote.symbol == self.symbol {
                    self.last = Some(quote);
                }
            }
            QuotesAction::Polled {
                batch,
                wire_bytes,
                at_ms,
            } => {
                self.poll_error = None;
                if self.poll_since.is_some() {
                    self.poll.wire_bytes += wire_bytes;
                    for quote in &batch.quotes {
                        self.poll.count(quote, at_ms);
                        self.poll_series.push(quote);
                    }
                }
                self.poll_since = Some(batch.latest_seq);
            }
            QuotesAction::PollFailed(why) => self.poll_error = Some(why),
            QuotesAction::Choose(symbol) => {
                self.symbol = symbol;
                self.last = None;
            }
            QuotesAction::Reset => *self = Self::default(),
        }
    }
}

impl Reducible for Quotes {
    type Action = QuotesAction;

    fn reduce(self: Rc<Self>, action: QuotesAction) -> Rc<Self> {
        let mut next = (*self).clone();
        next.apply(action);
        Rc::new(next)
    }
}

/// The lowest and highest of all `values`, padded apart when equal, so a
/// flat line sits in the middle; `None` for no values.
pub fn bounds(values: impl IntoIterator<Item = f64>) -> Option<(f64, f64)> {
    let (lo, hi) = values
        .into_iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
            (lo.min(v), hi.max(v))
        });
    if lo > hi {
        return None;
    }
    if hi - lo < 1e-9 {
        return Some((lo - 1.0, hi + 1.0));
    }
    Some((lo, hi))
}

/// SVG `points` for `values` in a `width`×`height` box: the newest at the
/// right edge, [`SERIES_LEN`] slots across, `lo` at the bottom, `hi` at the top.
pub fn polyline(values: &[f64], width: f64, height: f64, (lo, hi): (f64, f64)) -> String {
    let step = width / (SERIES_LEN - 1) as f64;
    let first = SERIES_LEN.saturating_sub(values.len());
    values
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let x = (first + i) as f64 * step;
            let y = height - (v - lo) / (hi - lo) * height;
            format!("{x:.1},{y:.1}")
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The length of a bar, in percent of the longest (`max`).
pub fn bar_percent(value: f64, max: f64) -> f64 {
    if max <= 0.0 || !value.is_finite() {
        return 0.0;
    }
    (value / max * 100.0).clamp(0.0, 100.0)
}

#[cfg(test)]
mod tests;
