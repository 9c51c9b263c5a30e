use super::*;

fn quote(seq: u64, symbol: &str, cents: u64, published_ms: u64) -> Quote {
    Quote {
        seq,
        symbol: symbol.into(),
        price_cents: cents,
        published_ms,
    }
}

#[test]
fn pushed_quotes_cost_their_frames_and_arrive_fast() {
    let mut q = Quotes::default();
    for (seq, at) in [(1, 1_003), (2, 1_205)] {
        q.apply(QuotesAction::WsMessage { wire_bytes: 40 });
        q.apply(QuotesAction::WsQuote {
            quote: quote(seq, "ACME", 10_000 + seq, at - 3 - (seq - 1) * 2),
            at_ms: at,
        });
    }
    assert_eq!(q.ws.updates, 2);
    assert_eq!(q.ws.bytes_per_update(), Some(40.0));
    assert_eq!(q.ws.mean_delay_ms(), Some(4.0));
    assert_eq!(q.ws_series.of("ACME"), [100.01, 100.02]);
    assert_eq!(q.last.as_ref().map(|l| l.seq), Some(2));
}

#[test]
fn polling_divides_every_poll_by_the_quotes_it_carried() {
    let mut q = Quotes::default();
    // The first poll only finds where the feed is.
    q.apply(QuotesAction::Polled {
        batch: QuoteBatch {
            quotes: vec![quote(1, "ACME", 100, 0)],
            latest_seq: 9,
        },
        wire_bytes: 900,
        at_ms: 5_000,
    });
    assert_eq!((q.poll.updates, q.poll.wire_bytes), (0, 0));
    assert_eq!(q.poll_since, Some(9));
    // An empty poll still costs bytes.
    q.apply(QuotesAction::Polled {
        batch: QuoteBatch {
            quotes: vec![],
            latest_seq: 9,
        },
        wire_bytes: 600,
        at_ms: 6_000,
    });
    assert_eq!(q.poll.bytes_per_update(), None);
    q.apply(QuotesAction::Polled {
        batch: QuoteBatch {
            quotes: vec![
                quote(10, "ACME", 100, 6_500),
                quote(11, "GLOBEX", 100, 6_900),
            ],
            latest_seq: 11,
        },
        wire_bytes: 800,
        at_ms: 7_000,
    });
    assert_eq!(q.poll.updates, 2);
    assert_eq!(q.poll.bytes_per_update(), Some(700.0));
    assert_eq!(q.poll.mean_delay_ms(), Some(300.0));
    assert_eq!(q.poll_since, Some(11));
    assert_eq!(q.poll_series.of("GLOBEX"), [1.0]);
}

#[test]
fn poll_bytes_prefer_the_browsers_transfer_size() {
    assert_eq!(request_bytes("/api/quotes?since=7"), 4 + 19 + 11 + 480);
    assert_eq!(response_bytes(Some(512), 150, 300), 512);
    assert_eq!(response_bytes(Some(0), 150, 300), 450);
    assert_eq!(response_bytes(None, 150, 300), 450);
    let headers = [
        ("content-type", "application/json"),
        ("content-length", "2"),
    ];
    // "HTTP/1.1 200 OK\r\n" + "content-type: application/json\r\n"
    // + "content-length: 2\r\n" + "\r\n"
    assert_eq!(
        header_estimate("HTTP/1.1 200 OK", headers.into_iter()),
        17 + 32 + 19 + 2
    );
}

#[test]
fn series_keep_the_latest_prices_per_symbol() {
    let mut s = Series::default();
    for i in 0..(SERIES_LEN as u64 + 5) {
        s.push(&quote(i, "INITECH", i * 100, 0));
    }
    s.push(&quote(0, "NOPE", 1, 0));
    let prices = s.of("INITECH");
    assert_eq!(prices.len(), SERIES_LEN);
    assert_eq!(prices[0], 5.0);
    assert!(s.of("ACME").is_empty());
    assert!(s.of("NOPE").is_empty());
}

#[test]
fn chart_scales_prices_into_the_box() {
    assert_eq!(bounds([]), None);
    assert_eq!(bounds([3.0, 1.0, 2.0]), Some((1.0, 3.0)));
    assert_eq!(bounds([5.0, 5.0]), Some((4.0, 6.0)));
    let step = 118.0 / (SERIES_LEN - 1) as f64;
    // Two prices: right-aligned, low at the bottom, high at the top.
    assert_eq!(
        polyline(&[1.0, 3.0], 118.0, 40.0, (1.0, 3.0)),
        format!("{:.1},40.0 118.0,0.0", 118.0 - step)
    );
    assert_eq!(polyline(&[], 100.0, 40.0, (0.0, 1.0)), "");
    assert_eq!(bar_percent(50.0, 200.0), 25.0);
    assert_eq!(bar_percent(300.0, 200.0), 100.0);
    assert_eq!(bar_percent(1.0, 0.0), 0.0);
    assert_eq!(bar_percent(f64::NAN, 10.0), 0.0);
}

#[test]
fn choosing_a_symbol_and_reset() {
    let mut q = Quotes::default();
    q.apply(QuotesAction::Choose("UMBRELLA"));
    assert_eq!(q.symbol, "UMBRELLA");
    q.apply(QuotesAction::PollFailed("offline".into()));
    assert_eq!(q.poll_error.as_deref(), Some("offline"));
    q.apply(QuotesAction::Reset);
    assert_eq!(q, Quotes::default());
}
