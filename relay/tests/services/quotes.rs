//! Quotes: pushed over TCP and WebSocket, and polled over HTTP.

use super::*;

fn parse_quote(line: &str) -> Quote {
    match quote_lines::parse_server_line(line) {
        Ok(quote_lines::ServerLine::Quote(quote)) => quote,
        other => panic!("{line:?} is not a quote: {other:?}"),
    }
}

#[tokio::test]
async fn ticker_pushes_quotes_that_polling_also_sees() {
    let running = start_scenarios(Duration::from_millis(10)).await;
    let feed = running.scenarios.quotes.clone();
    let mut client = Client::tcp(running.scenarios.addrs.quotes).await;
    let mut quotes = Vec::new();
    while quotes.len() < 30 {
        quotes.push(parse_quote(&client.line().await));
    }
    assert!(
        quotes.windows(2).all(|w| w[0].seq < w[1].seq),
        "sequence numbers must increase"
    );
    // After the first few (the latest of each symbol on connecting), nothing is skipped.
    let tail = &quotes[quote_lines::SYMBOLS.len()..];
    assert!(tail.windows(2).all(|w| w[1].seq == w[0].seq + 1));
    assert!(quotes
        .iter()
        .all(|q| quote_lines::SYMBOLS.contains(&q.symbol.as_str())));

    // Polling sees the very same quotes: what a page missed since its last poll.
    let since = tail[0].seq;
    let polled = feed.since(since);
    for pushed in &tail[1..] {
        assert!(polled.contains(pushed), "{pushed} not in the history");
    }
    assert!(polled.iter().all(|q| q.seq > since));
    let batch: QuoteBatch =
        serde_json::from_str(&serde_json::to_string(&feed.batch_since(since)).unwrap()).unwrap();
    assert!(batch.latest_seq >= quotes.last().unwrap().seq);
    assert_eq!(batch.quotes.first().map(|q| q.seq), Some(since + 1));

    // A command gets an error line; the quotes keep coming.
    client.send("BUY ACME\n").await;
    let (error, _) = client.line_where(|l| l.starts_with("! ")).await;
    assert_eq!(
        error,
        "! the ticker takes no commands; it pushes QUOTE lines"
    );
    parse_quote(&client.line().await);
}

/// A client that never reads: its own task blocks on its full socket, the
/// channel drops quotes for it alone, and everyone else keeps getting them.
/// When it reads again it is told how many it missed, and carries on.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_never_reads_does_not_hold_up_the_others() {
    let quotes = Quotes::new(11);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let stop = CancellationToken::new();
    let _stop_guard = stop.clone().drop_guard();
    let served = quotes.clone();
    tokio::spawn(relay::services::serve(
        "quotes",
        listener,
        stop.clone(),
        move |s, t| relay::services::quotes::handle(s, t, served.clone()),
    ));

    let socket = TcpSocket::new_v4().unwrap();
    socket.set_recv_buffer_size(4096).unwrap();
    let mut stalled = Client::new(Source::Tcp(socket.connect(addr).await.unwrap()));
    let mut reader = Client::tcp(addr).await;
    assert!(wait_until(LINE_DEADLINE, || quotes.subscribers() == 2).await);

    // Far more than the stalled client's socket buffers can hold.
    const FLOOD: u64 = 300_000;

    // The reader drains in the background and reports the last seq it saw.
    let (seen_tx, mut seen_rx) = tokio::sync::watch::channel(0u64);
    let reading = tokio::spawn(async move {
        loop {
            let line = reader.line().await;
            if line.starts_with("QUOTE ") {
                let seq = parse_quote(&line).seq;
                seen_tx.send_replace(seq);
                if seq == FLOOD + 1 {
                    break;
                }
            }
        }
    });

    for i in 0..FLOOD {
        quotes.step();
        if i % 1_000 == 0 {
            tokio::task::yield_now().await;
        }
    }
    let last = quotes.step().seq;
    assert_eq!(last, FLOOD + 1);
    tokio::time::timeout(
        Duration::from_secs(30),
        seen_rx.wait_for(|seq| *seq == last),
    )
    .await
    .expect("the reading client got the last quote while the other one stalled")
    .unwrap();

    let (note, _) = stalled.line_where(|l| l.starts_with("! ")).await;
    let missed: u64 = note
        .strip_prefix("! you missed ")
        .and_then(|rest| rest.strip_suffix(" messages"))
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("not a missed note: {note}"));
    assert!(missed > 0);
    stalled.until(&quotes.since(last - 1)[0].to_string()).await;
    reading.await.unwrap();
}
