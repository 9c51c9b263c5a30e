//! `quotes`: live stock quotes, pushed. A shared [`Quotes`] moves the prices
//! of a few made-up stocks as a bounded random walk and publishes each change
//! to every connected client as a `QUOTE` line, the moment it happens. The
//! last [`QUOTE_HISTORY`] quotes are kept so `GET /api/quotes?since=SEQ` can
//! serve the same data to a polling page, for comparison.
//!
//! A client that does not keep up is never waited for: its task blocks on its
//! own socket, the broadcast channel drops the oldest quotes for it, and when
//! it catches up it gets `! you missed N messages` and carries on from the
//! oldest quote still held. Its memory cost is bounded by the channel.

use std::{
    collections::VecDeque,
    sync::{Arc, Mutex},
    time::Duration,
};

use protocol::scenarios::{
    missed_note,
    quotes::{Quote, QuoteBatch, ServerLine, QUOTE_HISTORY, SYMBOLS},
};
use tokio::{io, net::TcpStream, sync::broadcast};
use tokio_util::sync::CancellationToken;

use super::line::{now_ms, Event, LineConn, Rng, BROADCAST_CAPACITY};

/// What the page shows next to the `quotes` target.
pub const DESCRIPTION: &str = "demo: live stock quotes, pushed as they change (QUOTE lines)";

/// Default time between two quotes: five a second.
pub const DEFAULT_QUOTE_INTERVAL: Duration = Duration::from_millis(200);

/// Where each symbol starts, in cents; a price stays within half to twice this.
const START_CENTS: [u64; 4] = [10_100, 5_730, 1_245, 23_000];

/// Largest move per quote, in basis points (hundredths of a percent).
const MAX_STEP_BP: u64 = 50;

/// A published quote as it travels the broadcast channel: formatted once.
#[derive(Debug, Clone)]
struct Published {
    line: Arc<str>,
}

/// The simulated market: prices, the history for polling, and the channel
/// that pushes every quote to the quotes service's clients.
pub struct Quotes {
    state: Mutex<QuotesState>,
    tx: broadcast::Sender<Published>,
}

struct QuotesState {
    rng: Rng,
    prices: Vec<u64>,
    seq: u64,
    history: VecDeque<Quote>,
}

impl Quotes {
    /// A quotes with prices at their start, nothing published yet.
    pub fn new(seed: u64) -> Arc<Self> {
        let (tx, _) = broadcast::channel(BROADCAST_CAPACITY);
        Arc::new(Self {
            state: Mutex::new(QuotesState {
                rng: Rng::new(seed),
                prices: START_CENTS[..SYMBOLS.len()].to_vec(),
                seq: 0,
                history: VecDeque::with_capacity(QUOTE_HISTORY),
            }),
            tx,
        })
    }

    /// A quotes that publishes a quote every `interval` until `shutdown`.
    pub fn spawn(interval: Duration, seed: u64, shutdown: &CancellationToken) -> Arc<Self> {
        let quotes = Self::new(seed);
        let ticking = quotes.clone();
        let shutdown = shutdown.clone();
        tokio::spawn(async move {
            let mut ticks =
                tokio::time::interval_at(tokio::time::Instant::now() + interval, interval);
            ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
            loop {
                tokio::select! {
                    _ = ticks.tick() => { ticking.step(); }
                    () = shutdown.cancelled() => break,
                }
            }
        });
        quotes
    }

    /// Moves one symbol's price now and publishes the quote.
    pub fn step(&self) -> Quote {
        let mut state = self.lock();
        let state = &mut *state;
        let i = state.rng.below(state.prices.len() as u64) as usize;
        let price = state.prices[i];
        let step_bp = state.rng.below(2 * MAX_STEP_BP + 1);
        let moved = (price * (10_000 - MAX_STEP_BP + step_bp) + 5_000) / 10_000;
        let start = START_CENTS[i];
        state.prices[i] = moved.clamp(start / 2, start * 2);
        state.seq += 1;
        let quote = Quote {
            seq: state.seq,
            symbol: SYMBOLS[i].to_owned(),
            price_cents: state.prices[i],
            published_ms: now_ms(),
        };
        if state.history.len() == QUOTE_HISTORY {
            state.history.pop_front();
        }
        state.history.push_back(quote.clone());
        // No receivers is fine: nobody is watching the quotes right now.
        let _ = self.tx.send(Published {
            line: quote.to_string().into(),
        });
        quote
    }

    /// Quotes with `seq` above `seq` still in the history, oldest first.
    pub fn since(&self, seq: u64) -> Vec<Quote> {
        let state = self.lock();
        state
            .history
            .iter()
            .filter(|q| q.seq > seq)
            .cloned()
            .collect()
    }

    /// The body of `GET /api/quotes?since=SEQ`.
    pub fn batch_since(&self, seq: u64) -> QuoteBatch {
        let state = self.lock();
        QuoteBatch {
            quotes: state
                .history
                .iter()
                .filter(|q| q.seq > seq)
                .cloned()
                .collect(),
            latest_seq: state.seq,
        }
    }

    /// The newest sequence number published (0 before the first quote).
    pub fn latest_seq(&self) -> u64 {
        self.lock().seq
    }

    /// Clients of the quotes service connected right now.
    pub fn subscribers(&self) -> usize {
        self.tx.receiver_count()
    }

    /// The latest quote of each symbol that has one, in `seq` order, and a
    /// receiver for everything published after them: no gap, no repeat.
    fn subscribe(&self) -> (Vec<Quote>, broadcast::Receiver<Published>) {
        let state = self.lock();
        let mut latest: Vec<Quote> = SYMBOLS
            .iter()
            .filter_map(|s| state.history.iter().rev().find(|q| q.symbol == *s).cloned())
            .collect();
        latest.sort_by_key(|q| q.seq);
        (latest, self.tx.subscribe())
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, QuotesState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Pushes quotes to one client until it closes its side or the relay stops.
pub async fn handle(
    stream: TcpStream,
    shutdown: CancellationToken,
    quotes: Arc<Quotes>,
) -> io::Result<()> {
    let mut conn = LineConn::new(stream);
    let (latest, mut rx) = quotes.subscribe();
    for quote in latest {
        conn.send(&quote).await?;
    }
    loop {
        match conn.next_event(&mut rx, &shutdown).await? {
            Event::Broadcast(published) => conn.send(&published.line).await?,
            Event::Missed(n) => conn.send(ServerLine::Error(missed_note(n))).await?,
            Event::Line(Ok(line)) if line.trim().is_empty() => {}
            Event::Line(Ok(_)) => {
                conn.send(ServerLine::Error(
                    "the ticker takes no commands; it pushes QUOTE lines".into(),
                ))
                .await?
            }
            Event::Line(Err(err)) => conn.send(ServerLine::Error(err.to_string())).await?,
            Event::End => return Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prices_walk_within_bounds_with_increasing_seq() {
        let quotes = Quotes::new(42);
        let mut last_seq = 0;
        for _ in 0..5_000 {
            let quote = quotes.step();
            assert_eq!(quote.seq, last_seq + 1);
            last_seq = quote.seq;
            let i = SYMBOLS.iter().position(|s| *s == quote.symbol).unwrap();
            let start = START_CENTS[i];
            assert!(
                (start / 2..=start * 2).contains(&quote.price_cents),
                "{quote}"
            );
        }
        // Every symbol moves at some point.
        let symbols: std::collections::HashSet<_> =
            quotes.since(0).into_iter().map(|q| q.symbol).collect();
        assert_eq!(symbols.len(), SYMBOLS.len());
    }

    #[test]
    fn history_keeps_the_last_256() {
        let quotes = Quotes::new(1);
        for _ in 0..300 {
            quotes.step();
        }
        let all = quotes.since(0);
        assert_eq!(all.len(), QUOTE_HISTORY);
        assert_eq!(all.first().unwrap().seq, 300 - QUOTE_HISTORY as u64 + 1);
        assert_eq!(
            quotes.since(295).iter().map(|q| q.seq).collect::<Vec<_>>(),
            [296, 297, 298, 299, 300]
        );
        assert!(quotes.since(300).is_empty());
        let batch = quotes.batch_since(298);
        assert_eq!((batch.quotes.len(), batch.latest_seq), (2, 300));
    }

    #[test]
    fn same_seed_same_prices() {
        let (a, b) = (Quotes::new(9), Quotes::new(9));
        for _ in 0..50 {
            let (qa, qb) = (a.step(), b.step());
            assert_eq!((qa.symbol, qa.price_cents), (qb.symbol, qb.price_cents));
        }
    }

    #[test]
    fn subscribers_start_from_the_latest_of_each_symbol() {
        let quotes = Quotes::new(3);
        for _ in 0..40 {
            quotes.step();
        }
        let (latest, mut rx) = quotes.subscribe();
        assert_eq!(latest.len(), SYMBOLS.len());
        assert!(latest.windows(2).all(|w| w[0].seq < w[1].seq));
        assert_eq!(latest.last().unwrap().seq, 40);
        let next = quotes.step();
        assert_eq!(&*rx.try_recv().unwrap().line, next.to_string());
    }
}
